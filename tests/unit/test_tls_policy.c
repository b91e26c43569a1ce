/*
 * Unit tests for runtime/tls.c: each session held to its policy, both
 * ways, in real handshakes through conn.c over socketpairs: TLS below 1.2
 * refused, the versions, TLS 1.2 ciphers and TLS 1.3 groups of a policy;
 * a refusal logged with its reason, and what was negotiated (version,
 * suite, group) logged on tls-up.
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

/* ---- the policy of a session ------------------------------------------- */

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
		cmocka_unit_test_setup_teardown(test_old_tls_refused, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("tls_policy", tests,
	    handshake_group_setup, handshake_group_teardown);
}
