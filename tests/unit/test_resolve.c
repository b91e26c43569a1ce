/*
 * Unit tests for runtime/resolve.c against a small DNS server on a thread
 * of the test, on 127.0.0.1 at a port the kernel picks: SRV targets tried
 * in priority order until one has an address, the fallback to the domain's
 * address on port 5269, NXDOMAIN, an address record too short for its type,
 * a "." target, a domain too long for DNS, and the cap on lookups in flight.
 * The server answers from a fixed table with hand-built packets.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"
#include "resolve.h"

#define T_A 1
#define T_SRV 33
#define T_AAAA 28

/* One answer record: for NAME and TYPE, RDATA of RDLEN bytes, or for an
 * SRV record PRIO, PORT and TARGET. */
struct rec {
	const char *name;
	int type;
	const char *rdata;
	int rdlen;
	int prio, port;
	const char *target;
};

static const struct rec dns_table[] = {
	/* Priority 10 has no address, 20 has; 30 is never reached. The
	 * records are out of order on purpose. */
	{ "_xmpp-server._tcp.srv.test", T_SRV, NULL, 0, 30, 5330, "c.srv.test" },
	{ "_xmpp-server._tcp.srv.test", T_SRV, NULL, 0, 10, 5310, "a.srv.test" },
	{ "_xmpp-server._tcp.srv.test", T_SRV, NULL, 0, 20, 5320, "b.srv.test" },
	/* A name with records, but no address. */
	{ "a.srv.test", T_SRV, NULL, 0, 0, 0, "unused.test" },
	{ "b.srv.test", T_A, "\x7f\x00\x00\x14", 4, 0, 0, NULL },
	{ "c.srv.test", T_A, "\x7f\x00\x00\x1e", 4, 0, 0, NULL },
	{ "_xmpps-server._tcp.srv.test", T_SRV, NULL, 0, 0, 5223, "v6.test" },
	{ "v6.test", T_AAAA, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16, 0, 0,
	    NULL },
	{ "plain.test", T_A, "\x7f\x00\x00\x07", 4, 0, 0, NULL },
	/* Two bytes where an address needs four, then a good record. */
	{ "short.test", T_A, "\x7f\x00", 2, 0, 0, NULL },
	{ "short2.test", T_A, "\x7f\x00", 2, 0, 0, NULL },
	{ "short2.test", T_A, "\x7f\x00\x00\x08", 4, 0, 0, NULL },
	{ "_xmpp-server._tcp.dot.test", T_SRV, NULL, 0, 0, 0, "" },
	{ "dot.test", T_A, "\x7f\x00\x00\x09", 4, 0, 0, NULL },
	{ "hold.test", T_A, "\x7f\x00\x00\x0a", 4, 0, 0, NULL },
};

/* Queries for hold.test are kept unanswered while hold is set. */
#define HELD_MAX 512
struct held {
	unsigned char q[512];
	ssize_t len;
	struct sockaddr_in from;
};

static int dns_fd = -1;
static uint16_t dns_port;
static atomic_int dns_hold, dns_quit, dns_queries;
static struct held dns_held[HELD_MAX];
static int dns_nheld;
static pthread_t dns_thread;

/* Reads the query name at Q + 12 into NAME (dotted, no final dot); returns
 * the offset past the question's class, or -1. */
static int
dns_question(const unsigned char *q, ssize_t len, char *name, size_t cap,
    int *type)
{
	size_t o = 12, n = 0;

	while (o < (size_t)len && q[o] != 0) {
		size_t l = q[o++];

		if (l > 63 || o + l > (size_t)len || n + l + 2 > cap)
			return -1;
		if (n > 0)
			name[n++] = '.';
		memcpy(name + n, q + o, l);
		n += l;
		o += l;
	}
	name[n] = '\0';
	if (o + 5 > (size_t)len)
		return -1;
	*type = q[o + 1] << 8 | q[o + 2];
	return (int)o + 5;
}

/* Appends NAME in DNS label form at OUT; returns its length. */
static size_t
dns_put_name(unsigned char *out, const char *name)
{
	size_t n = 0;
	const char *p = name, *dot;

	while (*p != '\0') {
		dot = strchr(p, '.');
		if (dot == NULL)
			dot = p + strlen(p);
		out[n++] = (unsigned char)(dot - p);
		memcpy(out + n, p, (size_t)(dot - p));
		n += (size_t)(dot - p);
		p = *dot == '.' ? dot + 1 : dot;
	}
	out[n++] = 0;
	return n;
}

/* Answers query Q from the table: its records of the name and type asked
 * for, NOERROR without records for a known name, else NXDOMAIN. */
static void
dns_answer(const unsigned char *q, ssize_t len, const struct sockaddr_in *to)
{
	unsigned char r[1024];
	char name[256];
	int type, qend, known = 0, an = 0;
	size_t n, i, rdl;

	qend = dns_question(q, len, name, sizeof(name), &type);
	if (qend == -1)
		return;
	memcpy(r, q, (size_t)qend);
	r[2] = 0x80 | (q[2] & 0x01);	/* QR, opcode 0, RD copied */
	r[3] = 0x80;			/* RA, NOERROR */
	r[4] = 0, r[5] = 1;
	r[10] = 0, r[11] = 0;		/* no additional records (EDNS) */
	n = (size_t)qend;
	for (i = 0; i < sizeof(dns_table) / sizeof(dns_table[0]); i++) {
		const struct rec *e = &dns_table[i];

		if (strcasecmp(e->name, name) != 0)
			continue;
		known = 1;
		if (e->type != type)
			continue;
		r[n++] = 0xc0, r[n++] = 12;
		r[n++] = 0, r[n++] = (unsigned char)type;
		r[n++] = 0, r[n++] = 1;
		r[n++] = 0, r[n++] = 0, r[n++] = 0, r[n++] = 60;
		if (type == T_SRV) {
			rdl = 6 + dns_put_name(r + n + 2 + 6, e->target);
			r[n + 2] = 0, r[n + 3] = (unsigned char)e->prio;
			r[n + 4] = 0, r[n + 5] = 0;
			r[n + 6] = (unsigned char)(e->port >> 8);
			r[n + 7] = (unsigned char)e->port;
		} else {
			rdl = (size_t)e->rdlen;
			memcpy(r + n + 2, e->rdata, rdl);
		}
		r[n] = (unsigned char)(rdl >> 8), r[n + 1] = (unsigned char)rdl;
		n += 2 + rdl;
		an++;
	}
	r[6] = 0, r[7] = (unsigned char)an;
	r[8] = 0, r[9] = 0;
	if (!known)
		r[3] |= 3;
	(void)sendto(dns_fd, r, n, 0, (const struct sockaddr *)to,
	    sizeof(*to));
}

static void *
dns_serve(void *arg)
{
	struct pollfd pfd = { .fd = dns_fd, .events = POLLIN };
	unsigned char q[512];
	struct sockaddr_in from;
	socklen_t fl;
	char name[256];
	ssize_t len;
	int i, type;

	(void)arg;
	while (!atomic_load(&dns_quit)) {
		if (!atomic_load(&dns_hold) && dns_nheld > 0) {
			for (i = 0; i < dns_nheld; i++)
				dns_answer(dns_held[i].q, dns_held[i].len,
				    &dns_held[i].from);
			dns_nheld = 0;
		}
		if (poll(&pfd, 1, 10) != 1)
			continue;
		fl = sizeof(from);
		len = recvfrom(dns_fd, q, sizeof(q), 0,
		    (struct sockaddr *)&from, &fl);
		if (len < 12)
			continue;
		atomic_fetch_add(&dns_queries, 1);
		if (atomic_load(&dns_hold) &&
		    dns_question(q, len, name, sizeof(name), &type) != -1 &&
		    strcmp(name, "hold.test") == 0 && dns_nheld < HELD_MAX) {
			memcpy(dns_held[dns_nheld].q, q, (size_t)len);
			dns_held[dns_nheld].len = len;
			dns_held[dns_nheld].from = from;
			dns_nheld++;
			continue;
		}
		dns_answer(q, len, &from);
	}
	return NULL;
}

static struct loop *test_loop;

static int
group_setup(void **state)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	(void)state;
	dns_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (dns_fd == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(dns_fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(dns_fd, (struct sockaddr *)&sin, &sl) == -1)
		return -1;
	dns_port = ntohs(sin.sin_port);
	if (pthread_create(&dns_thread, NULL, dns_serve, NULL) != 0)
		return -1;
	test_loop = loop_new();
	if (test_loop == NULL ||
	    resolve_init(test_loop, "127.0.0.1", dns_port) == -1)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	atomic_store(&dns_quit, 1);
	pthread_join(dns_thread, NULL);
	close(dns_fd);
	loop_free(test_loop);
	return 0;
}

/* What the callbacks saw. */
struct result {
	int calls;
	int want;		/* callbacks after which the loop stops */
	struct resolve_answer a;
};

static void
on_answer(void *arg, const struct resolve_answer *a)
{
	struct result *r = arg;

	r->a = *a;
	if (++r->calls == r->want)
		loop_stop(test_loop);
}

static void
on_timeout(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	loop_stop(l);
	fail_msg("no answer in time");
}

/* Runs the loop until R has seen WANT callbacks, failing after 20 s. */
static void
wait_for(struct result *r, int want)
{
	struct loop_timer t;

	memset(&t, 0, sizeof(t));
	r->want = want;
	loop_timer_arm(test_loop, &t, 20000, on_timeout, NULL);
	assert_int_equal(loop_run(test_loop), 0);
	loop_timer_cancel(test_loop, &t);
	assert_int_equal(r->calls, want);
}

static void
on_pause(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	loop_stop(l);
}

/* Runs the loop for MS milliseconds. */
static void
run_for(uint64_t ms)
{
	struct loop_timer t;

	memset(&t, 0, sizeof(t));
	loop_timer_arm(test_loop, &t, ms, on_pause, NULL);
	assert_int_equal(loop_run(test_loop), 0);
}

/* Looks DOMAIN up and returns its one answer. */
static struct resolve_answer
lookup(const char *domain, int direct_tls)
{
	struct result r;

	memset(&r, 0, sizeof(r));
	assert_non_null(resolve_start(domain, direct_tls, on_answer, &r));
	wait_for(&r, 1);
	return r.a;
}

static void
test_srv_priority_order(void **state)
{
	struct resolve_answer a = lookup("srv.test", 0);

	(void)state;
	assert_int_equal(a.ok, 1);
	assert_string_equal(a.host, "127.0.0.20");
	assert_int_equal(a.port, 5320);
}

static void
test_srv_direct_tls_v6(void **state)
{
	struct resolve_answer a = lookup("srv.test", 1);

	(void)state;
	assert_int_equal(a.ok, 1);
	assert_string_equal(a.host, "::1");
	assert_int_equal(a.port, 5223);
}

static void
test_fallback_to_a(void **state)
{
	struct resolve_answer a = lookup("plain.test", 0);

	(void)state;
	assert_int_equal(a.ok, 1);
	assert_string_equal(a.host, "127.0.0.7");
	assert_int_equal(a.port, 5269);
	/* Direct TLS has no fallback (XEP-0368). */
	a = lookup("plain.test", 1);
	assert_int_equal(a.ok, 0);
}

static void
test_nxdomain(void **state)
{
	struct resolve_answer a = lookup("none.test", 0);

	(void)state;
	assert_int_equal(a.ok, 0);
	assert_true(a.error[0] != '\0');
}

/* An address record shorter than its type is skipped, not read past. */
static void
test_short_rdata(void **state)
{
	struct resolve_answer a = lookup("short.test", 0);

	(void)state;
	assert_int_equal(a.ok, 0);
	a = lookup("short2.test", 0);
	assert_int_equal(a.ok, 1);
	assert_string_equal(a.host, "127.0.0.8");
}

/* A "." target means no service: no fallback to the domain's address. */
static void
test_srv_dot(void **state)
{
	struct resolve_answer a = lookup("dot.test", 0);

	(void)state;
	assert_int_equal(a.ok, 0);
}

/* A domain over 253 bytes is refused without a query, through the loop. */
static void
test_too_long(void **state)
{
	char dom[300];
	struct resolve_answer a;
	int before;

	(void)state;
	memset(dom, 'a', 254);
	dom[254] = '\0';
	dom[63] = dom[127] = dom[191] = '.';
	before = atomic_load(&dns_queries);
	a = lookup(dom, 0);
	assert_int_equal(a.ok, 0);
	assert_non_null(strstr(a.error, "253"));
	assert_int_equal(atomic_load(&dns_queries), before);
	dom[253] = '\0';
	a = lookup(dom, 0);
	assert_int_equal(a.ok, 0);
	assert_null(strstr(a.error, "253"));
	assert_true(atomic_load(&dns_queries) > before);
}

/* Past 64 lookups in flight, resolve_start refuses; a cancelled lookup
 * stays counted until its thread is done, and then frees its place. */
static void
test_inflight_cap(void **state)
{
	struct resolve_req *reqs[64], *req = NULL;
	struct result r, cancelled;
	int i;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&cancelled, 0, sizeof(cancelled));
	atomic_store(&dns_hold, 1);
	for (i = 0; i < 64; i++) {
		reqs[i] = resolve_start("hold.test", 0, on_answer,
		    i == 0 ? &cancelled : &r);
		assert_non_null(reqs[i]);
	}
	assert_null(resolve_start("plain.test", 0, on_answer, &r));
	resolve_cancel(reqs[0]);
	atomic_store(&dns_hold, 0);
	wait_for(&r, 63);
	assert_int_equal(r.a.ok, 1);
	assert_string_equal(r.a.host, "127.0.0.10");
	assert_int_equal(cancelled.calls, 0);
	/* The cancelled one may still be on its way back: give it time. */
	for (i = 0; i < 100 && req == NULL; i++) {
		run_for(20);
		req = resolve_start("plain.test", 0, on_answer, &r);
	}
	assert_non_null(req);
	memset(&r, 0, sizeof(r));
	wait_for(&r, 1);
	assert_string_equal(r.a.host, "127.0.0.7");
	assert_int_equal(cancelled.calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srv_priority_order),
		cmocka_unit_test(test_srv_direct_tls_v6),
		cmocka_unit_test(test_fallback_to_a),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_short_rdata),
		cmocka_unit_test(test_srv_dot),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_inflight_cap),
	};

	return cmocka_run_group_tests_name("resolve", tests, group_setup,
	    group_teardown);
}
