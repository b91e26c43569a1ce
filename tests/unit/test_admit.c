/*
 * Unit tests for runtime/admit.c: the bounds on unauthenticated
 * connections in all and per source (IPv4 address, IPv6 /64), the memory
 * budget, the release of what a stream counted, the per-source table
 * under churn, and the rate-limited log of refusals. Connections are real
 * loopback TCP connections from chosen source addresses (all of
 * 127.0.0.0/8 is local), so that admission reads real peer addresses.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "admit.h"
#include "log_fixture.h"
#include "log.h"

/* More than any test opens at once. */
#define TEST_CONNS 160

/* A listener on 127.0.0.1 and the connections made to it. */
struct fixture {
	int listen_fd;
	struct sockaddr_in addr;
	int client[TEST_CONNS];
	int server[TEST_CONNS];
	size_t n;
	struct log_capture log;		/* standard error, read back */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	socklen_t len = sizeof(f->addr);

	if (f == NULL)
		return -1;
	f->addr.sin_family = AF_INET;
	f->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (f->listen_fd == -1 ||
	    bind(f->listen_fd, (struct sockaddr *)&f->addr,
	    sizeof(f->addr)) == -1 ||
	    listen(f->listen_fd, TEST_CONNS) == -1 ||
	    getsockname(f->listen_fd, (struct sockaddr *)&f->addr, &len) == -1)
		return -1;
	if (log_capture_start(&f->log) == -1)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < f->n; i++) {
		close(f->client[i]);
		close(f->server[i]);
	}
	close(f->listen_fd);
	log_capture_stop(&f->log);
	free(f);
	return 0;
}

/* Returns the accepted end of a new connection from 127.0.0.LAST (or, for
 * LAST 0, of a socketpair, which has no address). */
static int
connect_from(struct fixture *f, unsigned last)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	int c, s, sv[2];

	assert_true(f->n < TEST_CONNS);
	if (last == 0) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		c = sv[0];
		s = sv[1];
	} else {
		src.sin_addr.s_addr = htonl(0x7f000000u | last);
		c = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_not_equal(c, -1);
		assert_int_equal(bind(c, (struct sockaddr *)&src,
		    sizeof(src)), 0);
		assert_int_equal(connect(c, (struct sockaddr *)&f->addr,
		    sizeof(f->addr)), 0);
		s = accept(f->listen_fd, NULL, NULL);
		assert_int_not_equal(s, -1);
	}
	f->client[f->n] = c;
	f->server[f->n] = s;
	f->n++;
	return s;
}

/* Everything logged since the last call, in OUT (CAP bytes). */
static const char *
logged(struct fixture *f, char *out, size_t cap)
{
	log_captured(&f->log, out, cap);
	return out;
}

static void
init(struct admit *a, size_t budget, size_t unauth, size_t per_source)
{
	struct admit_settings set = { budget, unauth, per_source };

	assert_int_equal(admit_init(a, &set), 0);
}

/* The bound in all: past it, refused; an authentication or a release makes
 * room again. */
static void
test_total(void **state)
{
	struct fixture *f = *state;
	struct admit a;
	struct admit_ticket t[4] = { { { 0 }, 0, 0 } };
	char log[4096];
	unsigned i;

	init(&a, (size_t)1 << 30, 3, 10);
	for (i = 0; i < 3; i++)
		assert_int_equal(admit_accept(&a, connect_from(f, 2 + i), 1000,
		    &t[i]), 0);
	assert_int_equal(a.unauth, 3);
	assert_int_equal(admit_accept(&a, connect_from(f, 9), 1000, &t[3]),
	    -1);
	assert_int_equal(t[3].charged, 0);
	assert_non_null(strstr(logged(f, log, sizeof(log)),
	    "event=refuse-connection reason=\"unauthenticated limit\" "
	    "source=127.0.0.9 refused=1 unauthenticated=3"));
	/* Authenticated streams stay, and no longer count. */
	admit_authenticated(&a, &t[0]);
	admit_authenticated(&a, &t[0]);
	assert_int_equal(a.unauth, 2);
	assert_int_equal(admit_accept(&a, connect_from(f, 9), 1000, &t[3]),
	    0);
	admit_release(&a, &t[1], 1000);
	assert_int_equal(admit_accept(&a, connect_from(f, 9), 1000, &t[1]),
	    0);
	for (i = 0; i < 4; i++)
		admit_release(&a, &t[i], 1000);
	assert_int_equal(a.unauth, 0);
	assert_int_equal(a.held, 0);
	admit_free(&a);
}

/* The bound per source: other sources are unaffected; a socketpair (no
 * address) is one source. */
static void
test_per_source(void **state)
{
	struct fixture *f = *state;
	struct admit a;
	struct admit_ticket t[8] = { { { 0 }, 0, 0 } }, no = { { 0 }, 0, 0 };
	char log[4096];

	init(&a, (size_t)1 << 30, 100, 2);
	assert_int_equal(admit_accept(&a, connect_from(f, 2), 1000, &t[0]), 0);
	assert_int_equal(admit_accept(&a, connect_from(f, 2), 1000, &t[1]), 0);
	assert_int_equal(admit_accept(&a, connect_from(f, 2), 1000, &no), -1);
	assert_non_null(strstr(logged(f, log, sizeof(log)),
	    "reason=\"unauthenticated limit per source\" source=127.0.0.2 "));
	assert_int_equal(admit_accept(&a, connect_from(f, 3), 1000, &t[2]), 0);
	assert_int_equal(admit_accept(&a, connect_from(f, 0), 1000, &t[3]), 0);
	assert_int_equal(admit_accept(&a, connect_from(f, 0), 1000, &t[4]), 0);
	assert_int_equal(admit_accept(&a, connect_from(f, 0), 1000, &no), -1);
	admit_release(&a, &t[0], 1000);
	assert_int_equal(admit_accept(&a, connect_from(f, 2), 1000, &t[0]), 0);
	admit_authenticated(&a, &t[1]);
	assert_int_equal(admit_accept(&a, connect_from(f, 2), 1000, &t[5]), 0);
	assert_int_equal(a.unauth, 5);
	admit_free(&a);
}

/* The budget: what streams hold is counted in held; at the budget new
 * connections are refused, and the charge of each goes with it. */
static void
test_budget(void **state)
{
	struct fixture *f = *state;
	struct admit a;
	struct admit_ticket t = { { 0 }, 0, 0 }, u = { { 0 }, 0, 0 };
	char log[4096];
	size_t charged;

	init(&a, 100000, 100, 100);
	assert_false(admit_over_budget(&a));
	assert_int_equal(admit_accept(&a, connect_from(f, 2), 1000, &t), 0);
	charged = a.held;
	assert_true(charged > 0 && charged == t.charged);
	/* Tokenizers and buffers count here as they allocate. */
	a.held += 100000;
	assert_true(admit_over_budget(&a));
	assert_int_equal(admit_accept(&a, connect_from(f, 3), 1000, &u), -1);
	assert_non_null(strstr(logged(f, log, sizeof(log)),
	    "reason=\"memory budget\" source=127.0.0.3 "));
	a.held -= 100000;
	assert_int_equal(admit_accept(&a, connect_from(f, 3), 1000, &u), 0);
	admit_release(&a, &t, 1000);
	admit_release(&a, &u, 1000);
	assert_int_equal(a.held, 0);
	admit_free(&a);
}

/* Drops the last connection connect_from made. */
static void
drop_last(struct fixture *f)
{
	f->n--;
	close(f->client[f->n]);
	close(f->server[f->n]);
}

/*
 * The table of sources under churn: 120 sources in a table of 256 slots,
 * released in an order that leaves holes in probe chains. After each
 * release every source still held is found (a second connection from it
 * is refused) and the released one is free again.
 */
static void
test_churn(void **state)
{
	struct fixture *f = *state;
	struct admit a;
	struct admit_ticket t[120], u;
	unsigned i, j, order[120];

	init(&a, (size_t)1 << 30, 120, 1);
	assert_int_equal(a.nslots, 256);
	memset(t, 0, sizeof(t));
	for (i = 0; i < 120; i++) {
		assert_int_equal(admit_accept(&a, connect_from(f, 2 + i), 1000,
		    &t[i]), 0);
		order[i] = (i * 7) % 120;
	}
	/* From here only the bound per source refuses. */
	a.set.max_unauth = 1000;
	for (i = 0; i < 120; i++) {
		admit_release(&a, &t[order[i]], 1000);
		for (j = i + 1; j < 120; j += 7) {
			memset(&u, 0, sizeof(u));
			assert_int_equal(admit_accept(&a, connect_from(f,
			    2 + order[j]), 1000, &u), -1);
			drop_last(f);
		}
		memset(&u, 0, sizeof(u));
		assert_int_equal(admit_accept(&a, connect_from(f,
		    2 + order[i]), 1000, &u), 0);
		admit_release(&a, &u, 1000);
		drop_last(f);
	}
	assert_int_equal(a.unauth, 0);
	assert_int_equal(a.held, 0);
	admit_free(&a);
}

/* All-zero admits everything: no budget, no bound in all or per source
 * (a test's guard); what it counts still goes back. */
static void
test_zero(void **state)
{
	struct fixture *f = *state;
	struct admit a;
	struct admit_ticket t[70];
	struct admit_settings none = { 0, 0, 0 };
	unsigned i;

	memset(&a, 0, sizeof(a));
	memset(t, 0, sizeof(t));
	for (i = 0; i < 70; i++)
		assert_int_equal(admit_accept(&a, connect_from(f, 2), 1000,
		    &t[i]), 0);
	a.held += (size_t)1 << 40;
	assert_false(admit_over_budget(&a));
	a.held -= (size_t)1 << 40;
	admit_authenticated(&a, &t[0]);
	for (i = 0; i < 70; i++)
		admit_release(&a, &t[i], 1000);
	assert_int_equal(a.unauth, 0);
	assert_int_equal(a.held, 0);
	/* A bound per source needs one in all, which sizes its table. */
	none.max_unauth_per_source = 1;
	assert_int_equal(admit_init(&a, &none), 0);
	assert_int_equal(a.nslots, 0);
	assert_int_equal(admit_accept(&a, connect_from(f, 3), 1000, &t[0]),
	    0);
	assert_int_equal(admit_accept(&a, connect_from(f, 3), 1000, &t[1]),
	    0);
	admit_release(&a, &t[0], 1000);
	admit_release(&a, &t[1], 1000);
	admit_free(&a);
}

/* Refusals are logged once per interval, with their count; the rest is
 * logged when the interval has passed at the next admission or release,
 * or when admission ends. */
static void
test_log_rate(void **state)
{
	struct fixture *f = *state;
	struct admit a;
	struct admit_ticket t = { { 0 }, 0, 0 }, no = { { 0 }, 0, 0 };
	char log[8192];
	int i;

	init(&a, (size_t)1 << 30, 1, 1);
	assert_int_equal(admit_accept(&a, connect_from(f, 2), 1000, &t), 0);
	for (i = 0; i < 50; i++)
		assert_int_equal(admit_accept(&a, connect_from(f, 3), 1000 + i,
		    &no), -1);
	assert_int_equal((int)log_count(logged(f, log, sizeof(log)),
	    "event=refuse-connection"), 1);
	assert_non_null(strstr(log, "refused=1 "));
	admit_release(&a, &t, 5000);
	assert_int_equal((int)log_count(logged(f, log, sizeof(log)),
	    "event=refuse-connection"), 0);
	admit_release(&a, &t, 20000);
	assert_int_equal((int)log_count(logged(f, log, sizeof(log)),
	    "event=refuse-connection"), 1);
	assert_non_null(strstr(log, "refused=49 "));
	/* After a quiet interval the next refusal is logged at once. */
	assert_int_equal(admit_accept(&a, connect_from(f, 2), 40000, &t), 0);
	assert_int_equal(admit_accept(&a, connect_from(f, 3), 40001, &no), -1);
	assert_non_null(strstr(logged(f, log, sizeof(log)), "refused=1 "));
	assert_int_equal(admit_accept(&a, connect_from(f, 3), 40002, &no), -1);
	admit_free(&a);
	assert_non_null(strstr(logged(f, log, sizeof(log)), "refused=1 "));
	assert_int_equal(a.unlogged, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_total, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_source, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_churn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_rate, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("admit", tests, NULL, NULL);
}
