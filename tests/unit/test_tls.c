/*
 * Unit tests for runtime/tls.c: RFC 6125 identity matching on certificates
 * made at test time (DNS-ID, wildcards, SRV-ID, XmppAddr, no CN), context
 * loading errors, client context choice, and real handshakes through
 * conn.c over socketpairs: SNI picking the certificate, STARTTLS with
 * <proceed/> still queued. A session's policy is tested in
 * test_tls_policy.c, peer certificates and CRLs in test_tls_verify.c.
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

#include "tls_handshake_fixture.h"

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
		cmocka_unit_test_setup_teardown(test_starttls_proceed_in_clear,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_after_proceed, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("tls", tests,
	    handshake_group_setup, handshake_group_teardown);
}
