/*
 * Unit tests for runtime/tls.c: peer certificates checked in real
 * handshakes through conn.c over socketpairs, verified or not
 * (serverAuth-only and clientAuth-only accepted; emailProtection-only,
 * expired, untrusted and missing ones not) and why not; CRLs: a revoked
 * certificate ends the handshake, both ways, an expired CRL refuses or
 * warns as the policy says, a missing one refuses, a CRL from outside the
 * bundle is not taken, new CRLs take effect.
 */
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

/* ---- peer certificates --------------------------------------------------- */

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	return cmocka_run_group_tests_name("tls_verify", tests,
	    handshake_group_setup, handshake_group_teardown);
}
