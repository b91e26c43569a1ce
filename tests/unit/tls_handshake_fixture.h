/*
 * Test fixture for the TLS tests (test_tls, test_tls_policy,
 * test_tls_verify): two ends of a handshake through conn.c over a
 * socketpair, each recording what it saw; the guard's server side, made
 * once per group with the test PKI of tls_fixture.h; a per-test setup and
 * teardown of the loop; the default policy's suites and groups; the log
 * captured to a file while a test looks at it. Header-only: included once
 * per test binary, after cmocka.h.
 */
#ifndef XEDGE_TLS_HANDSHAKE_FIXTURE_H
#define XEDGE_TLS_HANDSHAKE_FIXTURE_H

#include <sys/socket.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "conn.h"
#include "log.h"
#include "tls.h"
#include "tls_fixture.h"

/* One end of a handshake and what it saw. */
struct end {
	struct conn *c;
	const char *check;	/* the name to test with tls_peer_matches */
	int ready;
	int verified;
	int matched;
	int closed;
	char reason[128];
	char got[64];
	size_t gotlen;
	int plain_proceed;	/* the client waits for <proceed/> in clear */
	int start_rc;		/* what conn_start_tls said after it */
	SSL_CTX *ctx;
	const char *sni;
	int idle_buffers_freed;
	const struct gen_tls_policy *policy;	/* the session's */
	enum tls_cert_error cert_error;	/* of the peer, for CHECK */
	int version;			/* negotiated */
	char cipher[64];
	char group[32];
};

static struct loop *loop;
static struct end srv, cli;
static int exchanged;
static struct loop_timer watchdog;
static int watchdog_fired;

static const char hello[] = "<hello/>";

static inline void
h_tls_ready(struct conn *c)
{
	struct end *e = c->owner;

	e->ready = 1;
	e->verified = tls_peer_verified(c->ssl);
	e->matched = e->check != NULL && tls_peer_matches(c->ssl, e->check);
	e->cert_error = tls_peer_verify_error(c->ssl, e->check);
	e->version = SSL_version(c->ssl);
	snprintf(e->cipher, sizeof(e->cipher), "%s",
	    SSL_get_cipher_name(c->ssl));
	snprintf(e->group, sizeof(e->group), "%s", tls_group_name(c->ssl));
	assert_int_equal(conn_write(c, hello, sizeof(hello) - 1), 0);
}

static inline void
h_readable(struct conn *c)
{
	struct end *e = c->owner;
	size_t n = buf_len(&c->in);

	if (e->plain_proceed) {
		if (n < 10)
			return;
		assert_memory_equal(buf_head(&c->in), "<proceed/>", 10);
		buf_consume(&c->in, 10);
		e->plain_proceed = 0;
		e->start_rc = conn_start_tls(c, e->ctx, 0, e->sni, e->policy);
		if (e->start_rc == -1)
			loop_stop(loop);
		return;
	}
	if (n > sizeof(e->got) - e->gotlen)
		n = sizeof(e->got) - e->gotlen;
	memcpy(e->got + e->gotlen, buf_head(&c->in), n);
	e->gotlen += n;
	buf_consume(&c->in, buf_len(&c->in));
	if (e->gotlen == sizeof(hello) - 1) {
		e->idle_buffers_freed = c->in.data == NULL;
		if (++exchanged == 2)
			loop_stop(loop);
	}
}

static inline void
h_closed(struct conn *c, const char *reason)
{
	struct end *e = c->owner;

	e->closed++;
	e->c = NULL;
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
	loop_stop(loop);
}

static const struct conn_handler handler = {
	.readable = h_readable,
	.tls_ready = h_tls_ready,
	.closed = h_closed,
};

static inline void
on_watchdog(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	watchdog_fired = 1;
	loop_stop(l);
}

static inline int
setup(void **state)
{
	(void)state;
	memset(&srv, 0, sizeof(srv));
	memset(&cli, 0, sizeof(cli));
	srv.policy = cli.policy = &gen_policy.tls_policy;
	exchanged = 0;
	watchdog_fired = 0;
	loop = loop_new();
	return loop == NULL ? -1 : 0;
}

/* Closes what is left and runs until it is gone. */
static inline int
teardown(void **state)
{
	(void)state;
	if (srv.c != NULL)
		conn_close(srv.c, 0, "teardown");
	if (cli.c != NULL)
		conn_close(cli.c, 0, "teardown");
	loop_timer_arm(loop, &watchdog, 2000, on_watchdog, NULL);
	while ((srv.c != NULL || cli.c != NULL) && !watchdog_fired)
		loop_run(loop);
	loop_timer_cancel(loop, &watchdog);
	loop_free(loop);
	return 0;
}

/*
 * Runs a handshake between a server on SERVER_CTX and a client on
 * CLIENT_CTX asking for SNI; with STARTTLS, the server queues <proceed/>
 * and starts TLS at once, and the client starts after reading it. Runs
 * until both exchanged a message, or one end closed.
 */
static inline void
handshake(SSL_CTX *server_ctx, SSL_CTX *client_ctx, const char *sni,
    int starttls)
{
	int sp[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sp), 0);
	srv.c = conn_new(loop, sp[0], 0, &handler, &srv, 16384, 16384);
	cli.c = conn_new(loop, sp[1], 0, &handler, &cli, 16384, 16384);
	assert_non_null(srv.c);
	assert_non_null(cli.c);
	cli.ctx = client_ctx;
	cli.sni = sni;
	if (starttls) {
		assert_int_equal(conn_write(srv.c, "<proceed/>", 10), 0);
		cli.plain_proceed = 1;
	} else {
		assert_int_equal(conn_start_tls(cli.c, client_ctx, 0, sni,
		    cli.policy), 0);
	}
	assert_int_equal(conn_start_tls(srv.c, server_ctx, 1, NULL,
	    srv.policy), 0);
	loop_timer_arm(loop, &watchdog, 5000, on_watchdog, NULL);
	assert_int_equal(loop_run(loop), 0);
	loop_timer_cancel(loop, &watchdog);
	assert_false(watchdog_fired);
}

/* The guard's server side: a.example first (the default), then
 * *.w.example and b.example. */
static struct tls_ctx *guard_tls;

/* A client presenting leaf NAME, trusting CA_NAME. */
static inline struct tls_ctx *
client_tls(const char *domain, const char *name, const char *ca_name)
{
	struct tls_cert_spec s = fx_spec(domain, name);
	struct tls_ctx *t;

	t = tls_ctx_new(&s, 1, fx_path(ca_name, "pem"));
	assert_non_null(t);
	return t;
}

/* A full handshake and exchange; CHECK_CLI is what the client expects the
 * server to be, CHECK_SRV what the server expects the client to be. */
static inline void
exchange(const char *client_leaf, const char *client_domain,
    const char *sni, const char *check_cli, const char *check_srv)
{
	struct tls_ctx *t = client_tls(client_domain, client_leaf, "ca");

	cli.check = check_cli;
	srv.check = check_srv;
	handshake(tls_server_ctx(guard_tls, NULL), tls_client_ctx(t, client_domain),
	    sni, 0);
	tls_ctx_free(t);
	assert_int_equal(srv.ready, 1);
	assert_int_equal(cli.ready, 1);
	assert_int_equal(exchanged, 2);
	assert_memory_equal(srv.got, hello, sizeof(hello) - 1);
	assert_memory_equal(cli.got, hello, sizeof(hello) - 1);
	/* The server's certificate chains in every case here. */
	assert_true(cli.verified);
}

/* Suites and groups as the default policy has them. */
#define SUITES "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:" \
	"TLS_AES_128_GCM_SHA256"
#define CIPHERS "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"
#define GROUPS "X25519:P-256:P-384"

/* The log, sent to a file of its own while a test looks at it. */
static int log_saved = -1, log_file = -1;

/* Starts capturing the log, at level info. */
static inline void
log_capture(void)
{
	char path[] = "/tmp/xedge-tls-log-XXXXXX";

	log_file = mkstemp(path);
	assert_int_not_equal(log_file, -1);
	unlink(path);
	log_saved = dup(STDERR_FILENO);
	assert_int_not_equal(log_saved, -1);
	assert_int_not_equal(dup2(log_file, STDERR_FILENO), -1);
	log_set_level(LOG_LVL_INFO);
}

/* Ends the capture; returns what was logged (a static buffer). */
static inline const char *
log_captured(void)
{
	static char text[65536];
	ssize_t n;

	log_set_level(LOG_LVL_ERR + 1);
	dup2(log_saved, STDERR_FILENO);
	close(log_saved);
	n = pread(log_file, text, sizeof(text) - 1, 0);
	close(log_file);
	text[n > 0 ? n : 0] = '\0';
	return text;
}

/* Asserts that LOG has a line with every one of the texts given. */
static inline void
log_has(const char *log, const char *a, const char *b)
{
	const char *line = log, *end;
	char one[2048];

	for (; *line != '\0'; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		snprintf(one, sizeof(one), "%.*s", (int)(end - line), line);
		if (strstr(one, a) != NULL && (b == NULL ||
		    strstr(one, b) != NULL))
			return;
	}
	fail_msg("no log line has \"%s\" and \"%s\" in:\n%s", a,
	    b != NULL ? b : "", log);
}

/* After a failed handshake, runs until both ends have seen it. */
static inline void
run_until_closed(void)
{
	loop_timer_arm(loop, &watchdog, 5000, on_watchdog, NULL);
	while ((!srv.closed || !cli.closed) && !watchdog_fired)
		assert_int_equal(loop_run(loop), 0);
	loop_timer_cancel(loop, &watchdog);
	assert_false(watchdog_fired);
}

/*
 * The group's setup: the test PKI, and guard_tls presenting a.example (the
 * default), *.w.example and b.example. Context errors are expected in the
 * tests; their log lines are noise. Returns 0 or -1.
 */
static inline int
handshake_group_setup(void **state)
{
	struct tls_cert_spec s[3];

	(void)state;
	log_set_level(LOG_LVL_ERR + 1);
	if (fx_make() == -1) {
		fprintf(stderr, "cannot make the test PKI\n");
		return -1;
	}
	s[0] = fx_spec("a.example", "a");
	s[1] = fx_spec("*.w.example", "wild");
	s[2] = fx_spec("b.example", "b");
	guard_tls = tls_ctx_new(s, 3, fx_path("ca", "pem"));
	if (guard_tls == NULL) {
		fx_remove();
		return -1;
	}
	return 0;
}

/* Frees guard_tls and removes the test PKI. */
static inline int
handshake_group_teardown(void **state)
{
	(void)state;
	tls_ctx_free(guard_tls);
	guard_tls = NULL;
	fx_remove();
	return 0;
}

#endif
