/*
 * Unit tests for runtime/conn.c over loopback TCP: connecting, megabytes
 * both ways with pauses and drained() backpressure (plain and TLS), and the
 * close rules (flush, timeouts, closing inside a handler, closed() exactly
 * once and never from inside conn_close).
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conn.h"
#include "log.h"
#include "tls.h"
#include "tls_fixture.h"

#define IN_MAX (64 * 1024)
#define OUT_MAX (256 * 1024)

/* One end of a test connection and what happened to it. */
struct side {
	struct conn *c;
	int closed;
	char reason[128];
	int connected;
	int connect_err;
	int tls_ready;
	int drained;
	int readable;
	uint64_t sent;		/* bytes queued */
	uint64_t received;	/* bytes consumed and checked */
	uint64_t target;	/* bytes to send */
	int bad_byte;		/* a byte out of the pattern arrived */
	/* behaviour */
	int consume;		/* take input in readable() */
	uint64_t pause_every;	/* pause after each this many bytes */
	uint64_t next_pause;
	int pauses;
	int redelivered;	/* readable() after resume with held input */
	int paused_with_input;
	int close_in_readable;	/* conn_close(c, 0) from readable() */
	int closed_inside;	/* closed() ran before conn_close returned */
	int write_after_close;	/* what conn_write said after conn_close */
	int start_tls;		/* direct TLS when the connection is up */
	SSL_CTX *ssl_ctx;
	void (*hook)(struct side *);	/* run when the connection is up */
	struct loop_timer resume;
	struct loop_timer timer;
};

static struct loop *loop;
static int listen_fd;
static uint16_t listen_port;
static struct side cli, srv;
static int expect_closed;	/* stop when this many closed() ran */
static struct loop_timer watchdog;
static int watchdog_fired;
static struct tls_ctx *tls_srv, *tls_cli;

/* The pattern: byte K of a stream. */
static unsigned char
pattern(uint64_t k)
{
	return (unsigned char)(k % 251);
}

/* Queues pattern bytes until the target or the low-water mark. */
static void
pump(struct side *s)
{
	unsigned char chunk[1500];
	size_t n, i;

	while (s->sent < s->target && buf_len(&s->c->out) < s->c->out_low) {
		n = sizeof(chunk);
		if (s->target - s->sent < n)
			n = (size_t)(s->target - s->sent);
		for (i = 0; i < n; i++)
			chunk[i] = pattern(s->sent + i);
		if (conn_write(s->c, chunk, n) == -1)
			break;
		s->sent += n;
	}
}

static void
on_resume(struct loop *l, struct loop_timer *t, void *arg)
{
	struct side *s = arg;

	(void)l;
	(void)t;
	s->paused_with_input = buf_len(&s->c->in) > 0;
	conn_resume(s->c);
}

static void
maybe_finish(void)
{
	if (cli.c != NULL && cli.target > 0 && cli.received == srv.target &&
	    srv.received == cli.target && !cli.c->closing) {
		conn_close(cli.c, 1, "done");
		if (srv.c != NULL)
			conn_close(srv.c, 1, "done");
	}
}

static void
h_readable(struct conn *c)
{
	struct side *s = c->owner;
	size_t len, i, take;

	s->readable++;
	if (s->paused_with_input) {
		s->redelivered++;
		s->paused_with_input = 0;
	}
	if (s->close_in_readable) {
		conn_close(c, 0, "stop");
		s->closed_inside = s->closed;
		s->write_after_close = conn_write(c, "x", 1);
		return;
	}
	if (!s->consume)
		return;
	len = buf_len(&c->in);
	take = len;
	/* Pause with input left in the buffer: it must come back. */
	if (s->pause_every > 0 && s->received + len >= s->next_pause) {
		take = len / 2;
		s->next_pause += s->pause_every;
	}
	for (i = 0; i < take; i++)
		if ((unsigned char)buf_head(&c->in)[i] !=
		    pattern(s->received + i))
			s->bad_byte = 1;
	s->received += take;
	buf_consume(&c->in, take);
	if (take < len) {
		s->pauses++;
		conn_pause(c);
		loop_timer_arm(loop, &s->resume, 5, on_resume, s);
	}
	maybe_finish();
}

static void
h_connected(struct conn *c, int err)
{
	struct side *s = c->owner;

	s->connected++;
	s->connect_err = err;
	if (err != 0)
		return;
	if (s->start_tls) {
		assert_int_equal(conn_start_tls(c, s->ssl_ctx, 0, "a.example",
		    &gen_policy.tls_policy), 0);
		return;
	}
	if (s->hook != NULL)
		s->hook(s);
	else
		pump(s);
}

static void
h_tls_ready(struct conn *c)
{
	struct side *s = c->owner;

	s->tls_ready++;
	pump(s);
}

static void
h_drained(struct conn *c)
{
	struct side *s = c->owner;

	s->drained++;
	pump(s);
}

static void
h_closed(struct conn *c, const char *reason)
{
	struct side *s = c->owner;

	s->closed++;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	s->c = NULL;
	if (--expect_closed == 0)
		loop_stop(loop);
}

static const struct conn_handler handler = {
	.connected = h_connected,
	.readable = h_readable,
	.tls_ready = h_tls_ready,
	.drained = h_drained,
	.closed = h_closed,
};

/* Accepts one connection for srv. */
static void
on_accept(struct loop *l, int fd, unsigned events, void *arg)
{
	int s;

	(void)events;
	(void)arg;
	s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (s == -1)
		return;
	srv.c = conn_new(l, s, 0, &handler, &srv, IN_MAX, OUT_MAX);
	assert_non_null(srv.c);
	if (srv.start_tls)
		assert_int_equal(conn_start_tls(srv.c, srv.ssl_ctx, 1, NULL,
		    &gen_policy.tls_policy), 0);
	else if (srv.hook != NULL)
		srv.hook(&srv);
	else
		pump(&srv);
}

static void
on_watchdog(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	watchdog_fired = 1;
	loop_stop(l);
}

static int
setup(void **state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	(void)state;
	memset(&cli, 0, sizeof(cli));
	memset(&srv, 0, sizeof(srv));
	cli.consume = srv.consume = 1;
	watchdog_fired = 0;
	loop = loop_new();
	if (loop == NULL)
		return -1;
	listen_fd = conn_listen_fd("127.0.0.1", 0);
	if (listen_fd == -1 ||
	    getsockname(listen_fd, (struct sockaddr *)&sin, &len) == -1)
		return -1;
	listen_port = ntohs(sin.sin_port);
	if (loop_add(loop, listen_fd, LOOP_READ, on_accept, NULL) == -1)
		return -1;
	return 0;
}

/* Closes what a test left open, so that nothing leaks. */
static int
teardown(void **state)
{
	(void)state;
	expect_closed = 0;
	if (cli.c != NULL) {
		conn_close(cli.c, 0, "teardown");
		expect_closed++;
	}
	if (srv.c != NULL) {
		conn_close(srv.c, 0, "teardown");
		expect_closed++;
	}
	if (expect_closed > 0) {
		loop_timer_arm(loop, &watchdog, 2000, on_watchdog, NULL);
		loop_run(loop);
	}
	loop_timer_cancel(loop, &watchdog);
	loop_timer_cancel(loop, &cli.timer);
	loop_timer_cancel(loop, &srv.timer);
	loop_timer_cancel(loop, &cli.resume);
	loop_timer_cancel(loop, &srv.resume);
	loop_del(loop, listen_fd);
	close(listen_fd);
	loop_free(loop);
	return 0;
}

/* Connects cli to PORT and runs until EXPECT closed() calls or the
 * watchdog (MS). */
static void
run_to(uint16_t port, int expect, uint64_t ms)
{
	int fd;

	expect_closed = expect;
	fd = conn_connect_fd("127.0.0.1", port);
	assert_int_not_equal(fd, -1);
	cli.c = conn_new(loop, fd, 1, &handler, &cli, IN_MAX, OUT_MAX);
	assert_non_null(cli.c);
	loop_timer_arm(loop, &watchdog, ms, on_watchdog, NULL);
	assert_int_equal(loop_run(loop), 0);
	assert_false(watchdog_fired);
}

static void
run(int expect, uint64_t ms)
{
	run_to(listen_port, expect, ms);
}

/* Megabytes both ways with the server pausing every 512 KiB. */
static void
transfer(void)
{
	cli.target = 6 * 1024 * 1024;
	srv.target = 5 * 1024 * 1024 + 17;
	srv.pause_every = 512 * 1024;
	srv.next_pause = srv.pause_every;
	run(2, 20000);
	assert_int_equal(cli.connected, 1);
	assert_int_equal(cli.connect_err, 0);
	assert_int_equal(srv.received, cli.target);
	assert_int_equal(cli.received, srv.target);
	assert_false(srv.bad_byte);
	assert_false(cli.bad_byte);
	assert_int_equal(cli.closed, 1);
	assert_int_equal(srv.closed, 1);
	assert_true(srv.pauses >= 5);
	assert_int_equal(srv.redelivered, srv.pauses);
	assert_true(cli.drained > 0);
	assert_true(srv.drained > 0);
	/* Fewer readable() calls than 1500-byte writes: reads are batched. */
	assert_true((uint64_t)srv.readable < cli.target / 1500);
}

static void
test_plain_transfer(void **state)
{
	(void)state;
	transfer();
	assert_string_equal(cli.reason, "done");
}

static void
test_tls_transfer(void **state)
{
	(void)state;
	cli.start_tls = srv.start_tls = 1;
	cli.ssl_ctx = tls_client_ctx(tls_cli, "b.example");
	srv.ssl_ctx = tls_server_ctx(tls_srv, NULL);
	assert_non_null(cli.ssl_ctx);
	assert_non_null(srv.ssl_ctx);
	transfer();
	assert_int_equal(cli.tls_ready, 1);
	assert_int_equal(srv.tls_ready, 1);
}

/* Queues the whole target at once and closes with a flush. */
static void
queue_and_close(struct side *s)
{
	unsigned char chunk[1000];
	size_t i;

	while (s->sent < s->target) {
		for (i = 0; i < sizeof(chunk); i++)
			chunk[i] = pattern(s->sent + i);
		assert_int_equal(conn_write(s->c, chunk, sizeof(chunk)), 0);
		s->sent += sizeof(chunk);
	}
	conn_close(s->c, 1, "bye");
	assert_true(s->c->closing);
	assert_int_equal(s->closed, 0);
	/* Nothing more is taken once closing. */
	assert_int_equal(conn_write(s->c, "x", 1), -1);
}

/* A flushing close sends everything queued, then the peer sees EOF. */
static void
test_flush_close(void **state)
{
	(void)state;
	cli.target = 200 * 1000;
	cli.hook = queue_and_close;
	run(2, 5000);
	assert_int_equal(cli.closed, 1);
	assert_string_equal(cli.reason, "bye");
	assert_int_equal(srv.closed, 1);
	assert_string_equal(srv.reason, "eof");
	assert_int_equal(srv.received, cli.target);
	assert_false(srv.bad_byte);
}

static void
test_flush_close_tls(void **state)
{
	(void)state;
	cli.start_tls = srv.start_tls = 1;
	cli.ssl_ctx = tls_client_ctx(tls_cli, "b.example");
	srv.ssl_ctx = tls_server_ctx(tls_srv, NULL);
	cli.target = 200 * 1000;
	run(2, 5000);
	/* The client pumped and finished via maybe_finish: both "done". */
	assert_int_equal(srv.received, cli.target);
	assert_int_equal(cli.closed, 1);
	assert_int_equal(srv.closed, 1);
}

/* conn_close inside readable(): closed() comes after readable() returns,
 * and the connection takes no more output. */
static void
test_close_in_readable(void **state)
{
	(void)state;
	cli.target = 1000;
	srv.close_in_readable = 1;
	run(2, 5000);
	assert_int_equal(srv.closed, 1);
	assert_int_equal(srv.closed_inside, 0);
	assert_int_equal(srv.write_after_close, -1);
	assert_int_equal(srv.readable, 1);
	assert_string_equal(srv.reason, "stop");
	assert_int_equal(cli.closed, 1);
}

/* conn_close from outside any handler of the connection: closed() is
 * not called from inside conn_close. */
static void
on_close_timer(struct loop *l, struct loop_timer *t, void *arg)
{
	struct side *s = arg;

	(void)l;
	(void)t;
	conn_close(s->c, 0, "timer");
	assert_int_equal(s->closed, 0);
	assert_non_null(s->c);
	/* Closing twice changes nothing. */
	conn_close(s->c, 1, "again");
}

static void
arm_close_timer(struct side *s)
{
	loop_timer_arm(loop, &s->timer, 10, on_close_timer, s);
}

static void
test_close_from_timer(void **state)
{
	(void)state;
	cli.hook = arm_close_timer;
	run(2, 5000);
	assert_int_equal(cli.closed, 1);
	assert_string_equal(cli.reason, "timer");
	assert_int_equal(srv.closed, 1);
	assert_string_equal(srv.reason, "eof");
}

static void
test_connect_refused(void **state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	uint16_t port;
	int fd;

	(void)state;
	fd = conn_listen_fd("127.0.0.1", 0);
	assert_int_not_equal(fd, -1);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	run_to(port, 1, 5000);
	assert_int_equal(cli.connected, 1);
	assert_int_equal(cli.connect_err, ECONNREFUSED);
	assert_int_equal(cli.closed, 1);
	assert_non_null(strstr(cli.reason, "connect failed"));
}

/* An owner that takes nothing from a full input buffer, and has not
 * paused, can make no progress: the connection is closed. */
static void
test_input_full(void **state)
{
	(void)state;
	cli.target = 4 * IN_MAX;
	srv.consume = 0;
	run(2, 5000);
	assert_int_equal(srv.closed, 1);
	assert_string_equal(srv.reason, "input buffer full");
	assert_int_equal(cli.closed, 1);
}

static void
pause_now(struct side *s)
{
	conn_pause(s->c);
}

/* Fills the output to its bound against a peer that does not read, then
 * closes with a flush that cannot finish. */
static void
fill_and_close(struct side *s)
{
	unsigned char chunk[4096];
	size_t before;
	int small = 4096;

	assert_int_equal(setsockopt(s->c->fd, SOL_SOCKET, SO_SNDBUF, &small,
	    sizeof(small)), 0);
	memset(chunk, 'q', sizeof(chunk));
	while (conn_write(s->c, chunk, sizeof(chunk)) == 0)
		;
	/* Refused whole: nothing of it was queued. */
	before = buf_len(&s->c->out);
	assert_true(before + sizeof(chunk) > s->c->out.max);
	assert_true(before <= s->c->out.max);
	assert_int_equal(conn_write(s->c, chunk, sizeof(chunk)), -1);
	assert_int_equal(buf_len(&s->c->out), before);
	conn_close(s->c, 1, "bye");
}

static void
test_flush_timeout(void **state)
{
	int small = 4096;
	uint64_t start;

	(void)state;
	assert_int_equal(setsockopt(listen_fd, SOL_SOCKET, SO_RCVBUF, &small,
	    sizeof(small)), 0);
	srv.hook = pause_now;
	cli.hook = fill_and_close;
	start = loop_now(loop);
	run(1, 5000);
	assert_int_equal(cli.closed, 1);
	assert_string_equal(cli.reason, "bye: output not sent in time");
	assert_true(loop_now(loop) - start >= 2000);
	assert_int_equal(srv.closed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain_transfer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tls_transfer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flush_close, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flush_close_tls, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_in_readable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_from_timer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_connect_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_input_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flush_timeout, setup,
		    teardown),
	};
	int rc;

	log_set_level(LOG_LVL_WARN);
	if (fx_make() == -1) {
		fprintf(stderr, "cannot make the test PKI\n");
		return 1;
	}
	{
		struct tls_cert_spec s1 = fx_spec("a.example", "a");
		struct tls_cert_spec s2 = fx_spec("b.example", "b");

		tls_srv = tls_ctx_new(&s1, 1, fx_path("ca", "pem"));
		tls_cli = tls_ctx_new(&s2, 1, fx_path("ca", "pem"));
	}
	if (tls_srv == NULL || tls_cli == NULL)
		return 1;
	rc = cmocka_run_group_tests_name("conn", tests, NULL, NULL);
	tls_ctx_free(tls_srv);
	tls_ctx_free(tls_cli);
	fx_remove();
	return rc;
}
