/*
 * Unit tests for runtime/tls.c: RFC 6125 identity matching on certificates
 * made at test time (DNS-ID, wildcards, SRV-ID, XmppAddr, no CN), context
 * loading errors, client context choice, and real handshakes through
 * conn.c over socketpairs: SNI picking the certificate, peer certificates
 * verified or not (serverAuth-only accepted, emailProtection-only, expired,
 * untrusted and missing ones not) and why not, STARTTLS with <proceed/>
 * still queued, TLS below 1.2 refused; each session held to its policy
 * (versions, suites, groups), both ways, and a refusal logged with its
 * reason; CRLs: a revoked certificate ends the handshake, both ways, an
 * expired CRL refuses or warns as the policy says, a missing one refuses,
 * a CRL from outside the bundle is not taken, new CRLs take effect.
 */
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/ssl.h>

#include "conn.h"
#include "log.h"
#include "tls.h"
#include "tls_fixture.h"

/* ---- identities ---------------------------------------------------------- */

/* Returns tls_cert_matches for leaf NAME and DOMAIN. */
static int
matches(const char *name, const char *domain)
{
	X509 *cert;
	int r;

	cert = fx_load(name);
	assert_non_null(cert);
	r = tls_cert_matches(cert, domain);
	X509_free(cert);
	return r;
}

static void
test_dns_id(void **state)
{
	(void)state;
	assert_true(matches("a", "a.example"));
	assert_true(matches("a", "A.Example"));
	assert_false(matches("a", "b.example"));
	assert_false(matches("a", "x.a.example"));
	assert_false(matches("a", "example"));
	assert_false(matches("a", ""));
	assert_false(matches("a", "a.example.evil"));
}

static void
test_wildcard(void **state)
{
	(void)state;
	assert_true(matches("wild", "x.w.example"));
	assert_true(matches("wild", "Chat.W.Example"));
	/* Exactly one label: not the base name, not two labels. */
	assert_false(matches("wild", "w.example"));
	assert_false(matches("wild", "a.b.w.example"));
	assert_false(matches("wild", ".w.example"));
	/* "*.example" (one label after the wildcard) and "f*.p.example"
	 * (a partial label) cover nothing. */
	assert_false(matches("badwild", "a.example"));
	assert_false(matches("badwild", "foo.p.example"));
	assert_false(matches("badwild", "f.p.example"));
}

static void
test_srv_id_and_xmpp_addr(void **state)
{
	(void)state;
	assert_true(matches("srv", "s.example"));
	assert_true(matches("srv", "S.EXAMPLE"));
	assert_false(matches("srv", "_xmpp-server.s.example"));
	assert_false(matches("srv", "t.example"));
	assert_true(matches("xmpp", "x.example"));
	assert_false(matches("xmpp", "y.example"));
	/* An XmppAddr is not a DNS-ID and needs no wildcard. */
	assert_false(matches("xmpp", "a.x.example"));
}

static void
test_no_cn(void **state)
{
	(void)state;
	/* No SAN at all: the CN is never used. */
	assert_false(matches("cnonly", "cn.example"));
	/* SANs of other kinds next to the ones that count. */
	assert_true(matches("mixed", "m1.example"));
	assert_true(matches("mixed", "m3.example"));
	assert_false(matches("mixed", "cn-ignored.example"));
	assert_false(matches("mixed", "m.example"));
	assert_false(tls_cert_matches(NULL, "a.example"));
}

/* ---- contexts ------------------------------------------------------------ */

static void
test_ctx_errors(void **state)
{
	struct tls_cert_spec s;
	struct tls_ctx *t;

	(void)state;
	s = fx_spec("a.example", "a");
	s.cert_file = "/nonexistent/a.pem";
	assert_null(tls_ctx_new(&s, 1, fx_path("ca", "pem")));
	s = fx_spec("a.example", "a");
	s.key_file = "/nonexistent/a.key";
	assert_null(tls_ctx_new(&s, 1, fx_path("ca", "pem")));
	/* The CA's certificate with a leaf's key: they do not match. */
	s = fx_spec("a.example", "a");
	s.cert_file = fx_path("ca", "pem");
	assert_null(tls_ctx_new(&s, 1, fx_path("ca", "pem")));
	s = fx_spec("a.example", "a");
	assert_null(tls_ctx_new(&s, 1, "/nonexistent/ca.pem"));
	/* No certificates at all: no server context, a client one still. */
	t = tls_ctx_new(NULL, 0, fx_path("ca", "pem"));
	assert_non_null(t);
	assert_null(tls_server_ctx(t, NULL));
	assert_null(tls_client_ctx(t, "a.example"));
	assert_non_null(tls_client_ctx(t, NULL));
	tls_ctx_free(t);
}

static void
test_client_ctx_choice(void **state)
{
	struct tls_cert_spec s[3];
	struct tls_ctx *t;
	SSL_CTX *a, *w, *b;

	(void)state;
	s[0] = fx_spec("a.example", "a");
	s[1] = fx_spec("*.w.example", "wild");
	s[2] = fx_spec("b.example", "b");
	t = tls_ctx_new(s, 3, fx_path("ca", "pem"));
	assert_non_null(t);
	a = tls_client_ctx(t, "a.example");
	w = tls_client_ctx(t, "chat.w.example");
	b = tls_client_ctx(t, "B.example");
	assert_non_null(a);
	assert_non_null(w);
	assert_non_null(b);
	assert_ptr_not_equal(a, w);
	assert_ptr_not_equal(a, b);
	assert_ptr_not_equal(w, b);
	assert_null(tls_client_ctx(t, "w.example"));
	assert_null(tls_client_ctx(t, "a.b.w.example"));
	assert_null(tls_client_ctx(t, "c.example"));
	assert_non_null(tls_server_ctx(t, NULL));
	tls_ctx_free(t);
}

/* ---- handshakes through conn.c ------------------------------------------ */

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

static void
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

static void
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

static void
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
static int
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
static void
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
static struct tls_ctx *
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
static void
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

static void
test_sni_exact(void **state)
{
	(void)state;
	exchange("a", "a.example", "b.example", "b.example", "a.example");
	assert_true(cli.matched);
	assert_true(srv.verified);
	assert_true(srv.matched);
	assert_int_equal(srv.cert_error, TLS_CERT_OK);
	assert_int_equal(cli.cert_error, TLS_CERT_OK);
	/* Idle after the exchange: no buffer memory held. */
	assert_true(srv.idle_buffers_freed);
	assert_true(cli.idle_buffers_freed);
	assert_null(srv.c->out.data);
	assert_null(cli.c->out.data);
}

static void
test_sni_not_other(void **state)
{
	(void)state;
	/* Asked for b.example, the server is not a.example. */
	exchange("a", "a.example", "b.example", "a.example", "b.example");
	assert_false(cli.matched);
	assert_false(srv.matched);
	assert_true(srv.verified);
	assert_int_equal(cli.cert_error, TLS_CERT_WRONG_NAME);
	assert_int_equal(srv.cert_error, TLS_CERT_WRONG_NAME);
	assert_string_equal(tls_cert_error_name(srv.cert_error), "wrong-name");
}

static void
test_sni_wildcard(void **state)
{
	(void)state;
	exchange("a", "a.example", "chat.w.example", "chat.w.example", NULL);
	assert_true(cli.matched);
}

static void
test_sni_default(void **state)
{
	(void)state;
	exchange("a", "a.example", "unknown.example", "a.example", NULL);
	assert_true(cli.matched);
}

static void
test_client_serverauth_only(void **state)
{
	(void)state;
	exchange("serveronly", "so.example", "a.example", "a.example",
	    "so.example");
	assert_true(srv.verified);
	assert_true(srv.matched);
}

static void
test_client_clientauth_only(void **state)
{
	(void)state;
	exchange("clientonly", "co.example", "a.example", "a.example",
	    "co.example");
	assert_true(srv.verified);
	assert_true(srv.matched);
}

static void
test_client_email_only(void **state)
{
	(void)state;
	exchange("email", "em.example", "a.example", "a.example",
	    "em.example");
	assert_false(srv.verified);
	assert_false(srv.matched);
	assert_int_equal(srv.cert_error, TLS_CERT_BAD_PURPOSE);
}

static void
test_client_expired(void **state)
{
	(void)state;
	exchange("expired", "old.example", "a.example", "a.example",
	    "old.example");
	assert_false(srv.verified);
	assert_false(srv.matched);
	assert_int_equal(srv.cert_error, TLS_CERT_EXPIRED);
}

static void
test_client_untrusted(void **state)
{
	(void)state;
	/* The right name from the wrong CA. */
	exchange("untrusted", "a.example", "a.example", "a.example",
	    "a.example");
	assert_false(srv.verified);
	assert_false(srv.matched);
	assert_int_equal(srv.cert_error, TLS_CERT_UNKNOWN_CA);
}

static void
test_client_no_certificate(void **state)
{
	struct tls_ctx *t = client_tls("a.example", "a", "ca");

	(void)state;
	srv.check = "a.example";
	handshake(tls_server_ctx(guard_tls, NULL), tls_client_ctx(t, NULL),
	    "a.example", 0);
	tls_ctx_free(t);
	assert_int_equal(exchanged, 2);
	assert_false(srv.verified);
	assert_false(srv.matched);
	assert_true(cli.verified);
	assert_int_equal(srv.cert_error, TLS_CERT_MISSING);
}

static void
test_server_untrusted_for_client(void **state)
{
	struct tls_ctx *t = client_tls("a.example", "a", "other-ca");

	(void)state;
	cli.check = "a.example";
	handshake(tls_server_ctx(guard_tls, NULL), tls_client_ctx(t, "a.example"),
	    "a.example", 0);
	tls_ctx_free(t);
	assert_int_equal(exchanged, 2);
	assert_false(cli.verified);
	assert_false(cli.matched);
	assert_int_equal(cli.cert_error, TLS_CERT_UNKNOWN_CA);
}

static void
test_starttls_proceed_in_clear(void **state)
{
	struct tls_ctx *t = client_tls("a.example", "a", "ca");

	(void)state;
	cli.check = "a.example";
	srv.check = "a.example";
	handshake(tls_server_ctx(guard_tls, NULL), tls_client_ctx(t, "a.example"),
	    "a.example", 1);
	tls_ctx_free(t);
	assert_int_equal(cli.start_rc, 0);
	assert_int_equal(exchanged, 2);
	assert_true(cli.matched);
	assert_true(srv.matched);
}

/* Bytes after <proceed/> in the same read: the client refuses TLS. */
static void
test_input_after_proceed(void **state)
{
	struct tls_ctx *t = client_tls("a.example", "a", "ca");
	int sp[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sp), 0);
	srv.c = conn_new(loop, sp[0], 0, &handler, &srv, 16384, 16384);
	cli.c = conn_new(loop, sp[1], 0, &handler, &cli, 16384, 16384);
	cli.ctx = tls_client_ctx(t, "a.example");
	cli.plain_proceed = 1;
	cli.start_rc = 99;
	assert_int_equal(conn_write(srv.c, "<proceed/><junk/>", 17), 0);
	loop_timer_arm(loop, &watchdog, 5000, on_watchdog, NULL);
	assert_int_equal(loop_run(loop), 0);
	loop_timer_cancel(loop, &watchdog);
	tls_ctx_free(t);
	assert_int_equal(cli.start_rc, -1);
	assert_null(cli.c->ssl);
}

/* ---- the policy of a session ------------------------------------------- */

/* Suites and groups as the default policy has them. */
#define SUITES "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:" \
	"TLS_AES_128_GCM_SHA256"
#define CIPHERS "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"
#define GROUPS "X25519:P-256:P-384"

/* A client of yesteryear: TLS 1.0 and 1.1 only, any cipher. */
static const struct gen_tls_policy old_policy = {
	TLS1_VERSION, TLS1_1_VERSION, SUITES, "DEFAULT:@SECLEVEL=0", GROUPS,
	GEN_CRL_EXPIRED_REFUSE
};
static const struct gen_tls_policy tls12_policy = {
	TLS1_2_VERSION, TLS1_2_VERSION, SUITES, CIPHERS, GROUPS,
	GEN_CRL_EXPIRED_REFUSE
};
static const struct gen_tls_policy tls13_policy = {
	TLS1_3_VERSION, TLS1_3_VERSION, SUITES, CIPHERS, GROUPS,
	GEN_CRL_EXPIRED_REFUSE
};
/* TLS 1.2 with one cipher, and with another. */
static const struct gen_tls_policy aes256_policy = {
	TLS1_2_VERSION, TLS1_2_VERSION, SUITES,
	"ECDHE-ECDSA-AES256-GCM-SHA384", GROUPS, GEN_CRL_EXPIRED_REFUSE
};
static const struct gen_tls_policy chacha_policy = {
	TLS1_2_VERSION, TLS1_2_VERSION, SUITES,
	"ECDHE-ECDSA-CHACHA20-POLY1305", GROUPS, GEN_CRL_EXPIRED_REFUSE
};
/* TLS 1.3 with one suite and one group, and with another group. */
static const struct gen_tls_policy p384_policy = {
	TLS1_3_VERSION, TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256",
	CIPHERS, "P-384", GEN_CRL_EXPIRED_REFUSE
};
static const struct gen_tls_policy x25519_policy = {
	TLS1_3_VERSION, TLS1_3_VERSION, SUITES, CIPHERS, "X25519",
	GEN_CRL_EXPIRED_REFUSE
};

/* The log, sent to a file of its own while a test looks at it. */
static int log_saved = -1, log_file = -1;

/* Starts capturing the log, at level info. */
static void
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
static const char *
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
static void
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
static void
run_until_closed(void)
{
	loop_timer_arm(loop, &watchdog, 5000, on_watchdog, NULL);
	while ((!srv.closed || !cli.closed) && !watchdog_fired)
		assert_int_equal(loop_run(loop), 0);
	loop_timer_cancel(loop, &watchdog);
	assert_false(watchdog_fired);
}

/*
 * A handshake between the guard's server context for SRV_POLICY and a
 * client presenting leaf "a" under CLI_POLICY, which must fail; the log
 * must say why, on a line of the server's or of the client's side.
 */
static void
refused(const struct gen_tls_policy *srv_policy,
    const struct gen_tls_policy *cli_policy, const char *srv_why,
    const char *cli_why)
{
	struct tls_ctx *t = client_tls("a.example", "a", "ca");
	const char *log;

	srv.policy = srv_policy;
	cli.policy = cli_policy;
	log_capture();
	handshake(tls_server_ctx(guard_tls, NULL), tls_client_ctx(t,
	    "a.example"), "a.example", 0);
	run_until_closed();
	log = log_captured();
	tls_ctx_free(t);
	assert_int_equal(srv.ready, 0);
	assert_int_equal(cli.ready, 0);
	if (srv_why != NULL) {
		assert_non_null(strstr(srv.reason, srv_why));
		log_has(log, "event=conn-closed", srv_why);
	}
	if (cli_why != NULL) {
		assert_non_null(strstr(cli.reason, cli_why));
		log_has(log, "event=conn-closed", cli_why);
	}
}

/* The guard requires TLS 1.3; a peer that speaks only 1.2 is refused. */
static void
test_policy_version_inbound(void **state)
{
	(void)state;
	refused(&tls13_policy, &tls12_policy, "unsupported protocol",
	    "protocol version");
}

/* The guard, dialling out, requires TLS 1.3 of a peer that speaks only
 * 1.2 (the guard's server context here plays the peer). */
static void
test_policy_version_outbound(void **state)
{
	(void)state;
	refused(&tls12_policy, &tls13_policy, "unsupported protocol",
	    "protocol version");
}

/* No TLS 1.2 cipher in common, either way round. */
static void
test_policy_cipher(void **state)
{
	(void)state;
	refused(&aes256_policy, &chacha_policy, "no shared cipher",
	    "handshake failure");
}

static void
test_policy_cipher_outbound(void **state)
{
	(void)state;
	refused(&chacha_policy, &aes256_policy, "no shared cipher",
	    "handshake failure");
}

/* No key exchange group in common. */
static void
test_policy_group(void **state)
{
	(void)state;
	refused(&p384_policy, &x25519_policy, "no suitable key share",
	    "handshake failure");
}

/* What is negotiated is what both policies allow: the version, the suite
 * and the group they share, logged on tls-up. */
static void
test_policy_negotiated_tls13(void **state)
{
	struct tls_ctx *t = client_tls("a.example", "a", "ca");
	const char *log;

	(void)state;
	srv.policy = &p384_policy;
	log_capture();
	handshake(tls_server_ctx(guard_tls, NULL), tls_client_ctx(t,
	    "a.example"), "a.example", 0);
	log = log_captured();
	tls_ctx_free(t);
	assert_int_equal(exchanged, 2);
	assert_int_equal(srv.version, TLS1_3_VERSION);
	assert_string_equal(srv.cipher, "TLS_CHACHA20_POLY1305_SHA256");
	assert_string_equal(cli.cipher, "TLS_CHACHA20_POLY1305_SHA256");
	assert_string_equal(srv.group, "secp384r1");
	log_has(log, "event=tls-up", "version=TLSv1.3 "
	    "cipher=TLS_CHACHA20_POLY1305_SHA256 group=secp384r1");
}

/* TLS 1.2 where the server allows no more, with its one cipher. */
static void
test_policy_negotiated_tls12(void **state)
{
	struct tls_ctx *t = client_tls("a.example", "a", "ca");

	(void)state;
	srv.policy = &chacha_policy;
	handshake(tls_server_ctx(guard_tls, NULL), tls_client_ctx(t,
	    "a.example"), "a.example", 0);
	tls_ctx_free(t);
	assert_int_equal(exchanged, 2);
	assert_int_equal(cli.version, TLS1_2_VERSION);
	assert_string_equal(cli.cipher, "ECDHE-ECDSA-CHACHA20-POLY1305");
}

/* ---- revocation ---------------------------------------------------------- */

/* The default policy, but an expired CRL only warned about. */
static const struct gen_tls_policy crl_warn_policy = {
	TLS1_2_VERSION, TLS1_3_VERSION, SUITES, CIPHERS, GROUPS,
	GEN_CRL_EXPIRED_WARN
};

/* Gives T the CRL of the fixture's file CRL; returns what
 * tls_ctx_set_crls says. */
static int
set_crl(struct tls_ctx *t, const char *crl)
{
	STACK_OF(X509_CRL) *crls = fx_load_crl(crl);
	int rc;

	assert_non_null(crls);
	rc = tls_ctx_set_crls(t, crls);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return rc;
}

/* A guard presenting leaf "a" for a.example, trusting bundle CA and the
 * CRL CRL (names of the fixture's files). */
static struct tls_ctx *
trusting(const char *ca, const char *crl)
{
	struct tls_cert_spec spec = fx_spec("a.example", "a");
	struct tls_ctx *t;

	t = tls_ctx_new(&spec, 1, fx_path(ca, "pem"));
	assert_non_null(t);
	assert_int_equal(set_crl(t, crl), 0);
	return t;
}

/*
 * A handshake with guard G as the server and a client presenting LEAF
 * for DOMAIN, which G checks as DOMAIN; the client trusts the CA and no
 * CRL. Runs until both ends exchanged a message or both closed.
 */
static void
inbound(struct tls_ctx *g, const char *leaf, const char *domain)
{
	struct tls_ctx *t = client_tls(domain, leaf, "ca");

	srv.check = domain;
	handshake(tls_server_ctx(g, NULL), tls_client_ctx(t, domain),
	    "a.example", 0);
	if (srv.closed || cli.closed)
		run_until_closed();
	tls_ctx_free(t);
}

/* Runs inbound() with a guard trusting CA and CRL, made and freed here;
 * returns what was logged from the guard's start to the end. */
static const char *
inbound_logged(const char *ca, const char *crl, const char *leaf,
    const char *domain)
{
	struct tls_ctx *g;
	const char *log;

	log_capture();
	g = trusting(ca, crl);
	inbound(g, leaf, domain);
	log = log_captured();
	tls_ctx_free(g);
	return log;
}

/* A certificate of a leaf the CA has not revoked passes the CRL check,
 * which covers the whole chain: the CRL is the bundle's only CA's. */
static void
test_crl_good(void **state)
{
	const char *log;

	(void)state;
	log = inbound_logged("ca", "ca-crl", "a", "a.example");
	assert_int_equal(exchanged, 2);
	assert_int_equal(srv.cert_error, TLS_CERT_OK);
	assert_true(srv.matched);
	log_has(log, "event=trust", "crls=1 crl-check=chain");
}

/* A revoked client certificate ends the handshake, logged with why,
 * whatever else the policy allows. */
static void
test_crl_revoked_inbound(void **state)
{
	const char *log;

	(void)state;
	log = inbound_logged("ca", "ca-crl", "revoked", "r.example");
	assert_int_equal(srv.ready, 0);
	assert_int_equal(srv.closed, 1);
	assert_non_null(strstr(srv.reason, "tls handshake failed"));
	log_has(log, "event=tls-refused", "cert-error=revoked "
	    "cert-detail=\"certificate revoked\" depth=0 "
	    "subject=\"/CN=r.example\"");
	/* The peer is told why too. */
	assert_non_null(strstr(cli.reason, "certificate revoked"));
}

/* Dialling out, the guard refuses a server whose certificate is revoked. */
static void
test_crl_revoked_outbound(void **state)
{
	struct tls_ctx *g, *peer;
	const char *log;

	(void)state;
	g = trusting("ca", "ca-crl");
	peer = client_tls("r.example", "revoked", "ca");
	cli.check = "r.example";
	log_capture();
	handshake(tls_server_ctx(peer, NULL), tls_client_ctx(g, "a.example"),
	    "r.example", 0);
	run_until_closed();
	log = log_captured();
	tls_ctx_free(peer);
	tls_ctx_free(g);
	assert_int_equal(cli.ready, 0);
	assert_non_null(strstr(cli.reason, "tls handshake failed"));
	log_has(log, "event=tls-refused", "cert-error=revoked");
}

/* Once CRLs are given, a certificate whose issuer has none is not valid;
 * the CAs of the chain are then not checked (the files do not cover the
 * bundle's second CA). */
static void
test_crl_missing(void **state)
{
	const char *log;

	(void)state;
	log = inbound_logged("both-ca", "ca-crl", "untrusted", "a.example");
	assert_int_equal(exchanged, 2);
	assert_false(srv.verified);
	assert_int_equal(srv.cert_error, TLS_CERT_CRL_MISSING);
	log_has(log, "event=trust", "crl-check=leaf");
}

/* An expired CRL: the certificate it covers is not valid (the default)... */
static void
test_crl_expired_refuse(void **state)
{
	const char *log;

	(void)state;
	log = inbound_logged("ca", "ca-crl-old", "a", "a.example");
	assert_int_equal(exchanged, 2);
	assert_false(srv.verified);
	assert_int_equal(srv.cert_error, TLS_CERT_CRL_EXPIRED);
	assert_string_equal(tls_cert_error_name(srv.cert_error),
	    "crl-expired");
	/* Loading it is worth a warning already. */
	log_has(log, "event=crl-expired", "issuer=\"/CN=xedge test CA\"");
}

/* ... or, where the policy says warn, valid, with a warning. */
static void
test_crl_expired_warn(void **state)
{
	const char *log;

	(void)state;
	srv.policy = &crl_warn_policy;
	log = inbound_logged("ca", "ca-crl-old", "a", "a.example");
	assert_int_equal(exchanged, 2);
	assert_true(srv.verified);
	assert_true(srv.matched);
	log_has(log, "event=crl-expired-accepted", "cert-error=crl-expired");
}

/* The waiver hides no other failure: the purpose, checked before the
 * CRL, is still wrong. */
static void
test_crl_expired_warn_not_more(void **state)
{
	(void)state;
	srv.policy = &crl_warn_policy;
	(void)inbound_logged("ca", "ca-crl-old", "email", "em.example");
	assert_int_equal(exchanged, 2);
	assert_false(srv.verified);
	assert_int_equal(srv.cert_error, TLS_CERT_BAD_PURPOSE);
}

/* A reload brings a new CRL into force for the handshakes after it. */
static void
test_crl_reload(void **state)
{
	struct tls_ctx *g;

	g = trusting("ca", "ca-crl-empty");
	inbound(g, "revoked", "r.example");
	assert_int_equal(exchanged, 2);
	assert_true(srv.verified);
	teardown(state);
	setup(state);
	assert_int_equal(set_crl(g, "ca-crl"), 0);
	inbound(g, "revoked", "r.example");
	assert_int_equal(srv.ready, 0);
	assert_int_equal(srv.closed, 1);
	tls_ctx_free(g);
}

/* A CRL from a CA outside the bundle is refused, and what was trusted
 * stays. */
static void
test_crl_not_from_bundle(void **state)
{
	struct tls_ctx *g;

	g = trusting("ca", "ca-crl");
	assert_int_equal(set_crl(g, "other-crl"), -1);
	inbound(g, "revoked", "r.example");
	assert_int_equal(srv.ready, 0);
	teardown(state);
	setup(state);
	inbound(g, "a", "a.example");
	assert_true(srv.verified);
	tls_ctx_free(g);
}

/* A client offering at most TLS 1.1 is refused by the server. */
static void
test_old_tls_refused(void **state)
{
	SSL_CTX *old;

	(void)state;
	cli.policy = &old_policy;
	old = SSL_CTX_new(TLS_client_method());
	assert_non_null(old);
	SSL_CTX_set_security_level(old, 0);
	assert_int_equal(SSL_CTX_set_max_proto_version(old, TLS1_1_VERSION),
	    1);
	assert_int_equal(SSL_CTX_set_cipher_list(old, "DEFAULT:@SECLEVEL=0"),
	    1);
	handshake(tls_server_ctx(guard_tls, NULL), old, "a.example", 0);
	SSL_CTX_free(old);
	assert_int_equal(srv.ready, 0);
	assert_int_equal(cli.ready, 0);
	assert_true(srv.closed == 1 || cli.closed == 1);
	if (srv.closed)
		assert_non_null(strstr(srv.reason, "tls handshake failed"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_id),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_srv_id_and_xmpp_addr),
		cmocka_unit_test(test_no_cn),
		cmocka_unit_test(test_ctx_errors),
		cmocka_unit_test(test_client_ctx_choice),
		cmocka_unit_test_setup_teardown(test_sni_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sni_not_other, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sni_wildcard, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sni_default, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_serverauth_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_clientauth_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_email_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_expired, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_untrusted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_no_certificate,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_untrusted_for_client,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_starttls_proceed_in_clear,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_after_proceed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_policy_version_inbound,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_version_outbound,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_cipher, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_policy_cipher_outbound,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_group, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_policy_negotiated_tls13,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_negotiated_tls12,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_crl_good, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crl_revoked_inbound,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_crl_revoked_outbound,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_crl_missing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crl_expired_refuse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crl_expired_warn, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crl_expired_warn_not_more,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_crl_reload, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crl_not_from_bundle,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_tls_refused, setup,
		    teardown),
	};
	struct tls_cert_spec s[3];
	int rc;

	/* Context errors are expected here; their log lines are noise. */
	log_set_level(LOG_LVL_ERR + 1);
	if (fx_make() == -1) {
		fprintf(stderr, "cannot make the test PKI\n");
		return 1;
	}
	s[0] = fx_spec("a.example", "a");
	s[1] = fx_spec("*.w.example", "wild");
	s[2] = fx_spec("b.example", "b");
	guard_tls = tls_ctx_new(s, 3, fx_path("ca", "pem"));
	if (guard_tls == NULL)
		return 1;
	rc = cmocka_run_group_tests_name("tls", tests, NULL, NULL);
	tls_ctx_free(guard_tls);
	fx_remove();
	return rc;
}
