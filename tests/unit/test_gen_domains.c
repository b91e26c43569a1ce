/*
 * The generated lookups (gen_route, gen_origin_peer, gen_fronted_cert) and
 * tables of the policy being built. Checks that hold for any policy run
 * always; the exact answers of the default policy,
 * examples/single-edge.policy, run when that is the policy built. The
 * precedence rules (exact before wildcard, longest suffix first) are
 * tested on overlapping patterns by tests/compiler/run.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "policy_types.h"

static int
lookup(int (*fn)(const char *, size_t), const char *domain)
{
	return fn(domain, strlen(domain));
}

/* Returns the index of the peer called NAME, or -1. */
static int
peer_index(const char *name)
{
	size_t i;

	for (i = 0; i < gen_policy.npeers; i++)
		if (strcmp(gen_policy.peers[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void
test_identity(void **state)
{
	size_t i;

	(void)state;
	assert_string_equal(gen_policy.name, GEN_POLICY_NAME);
	assert_int_equal(strlen(gen_policy.sha256), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef",
		    gen_policy.sha256[i]));
	assert_int_equal(gen_policy.npeers, GEN_NPEERS);
	assert_int_equal(gen_policy.guard.ncerts, GEN_NCERTS);
	assert_int_equal(gen_policy.guard.nlisten, GEN_NLISTEN);
	assert_true(gen_policy.guard.nlisten > 0);
}

/* Every peer is usable: authentication set, limits resolved. */
static void
test_peers_resolved(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < gen_policy.npeers; i++) {
		const struct gen_peer *p = &gen_policy.peers[i];

		assert_true(p->auth != 0);
		assert_true(p->limits.stanza_size >= 1024);
		assert_true(p->limits.queue_length >= 1);
		assert_true(p->limits.connect_timeout >= 1);
		assert_true(p->limits.idle_timeout >= 10);
		if (p->connect == GEN_CONNECT_STATIC) {
			assert_non_null(p->host);
			assert_true(p->port != 0);
		} else
			assert_null(p->host);
		if (p->dialback_forced)
			assert_int_equal(p->tls, GEN_TLS_OPTIONAL);
	}
}

/* Each exact certificate domain finds its own certificate, and a name one
 * label longer or shorter does not find it through an exact pattern. */
static void
test_certs_find_themselves(void **state)
{
	char longer[300];
	size_t i;
	int c;

	(void)state;
	for (i = 0; i < gen_policy.guard.ncerts; i++) {
		const char *d = gen_policy.guard.certs[i].domain;

		if (strncmp(d, "*.", 2) == 0) {
			snprintf(longer, sizeof(longer), "x%s", d + 1);
			assert_int_equal(lookup(gen_fronted_cert, longer),
			    (int)i);
			continue;
		}
		assert_int_equal(lookup(gen_fronted_cert, d), (int)i);
		snprintf(longer, sizeof(longer), "%sx", d);
		c = lookup(gen_fronted_cert, longer);
		assert_true(c == -1 ||
		    strcmp(gen_policy.guard.certs[c].domain, d) != 0);
	}
}

/* A name no policy can claim goes to the default route. */
static void
test_unknown_goes_default(void **state)
{
	(void)state;
	assert_int_equal(lookup(gen_route, "no-such-domain.invalid"),
	    GEN_DEFAULT_ROUTE);
	assert_int_equal(lookup(gen_route, ""), GEN_DEFAULT_ROUTE);
	assert_int_equal(lookup(gen_origin_peer, "no-such-domain.invalid"),
	    -1);
	assert_int_equal(lookup(gen_fronted_cert, "no-such-domain.invalid"),
	    -1);
}

/* The default policy: a.example inside, b.example at the partner. */
static void
test_single_edge(void **state)
{
	int inside = peer_index("inside"), partner = peer_index("partner");

	(void)state;
	if (strcmp(GEN_POLICY_NAME, "single-edge") != 0)
		skip();
	assert_true(inside >= 0 && partner >= 0);
	assert_int_equal(lookup(gen_route, "a.example"), inside);
	assert_int_equal(lookup(gen_route, "b.example"), partner);
	assert_int_equal(lookup(gen_origin_peer, "a.example"), inside);
	assert_int_equal(lookup(gen_origin_peer, "b.example"), partner);
	/* Exact patterns only: no subdomain, no suffix, no prefix. */
	assert_int_equal(lookup(gen_route, "x.a.example"), -1);
	assert_int_equal(lookup(gen_route, "a.example.org"), -1);
	assert_int_equal(lookup(gen_route, "xa.example"), -1);
	assert_int_equal(lookup(gen_route, "a.exampl"), -1);
	assert_int_equal(lookup(gen_origin_peer, "conference.a.example"), -1);
	/* The length, not a NUL, ends the domain. */
	assert_int_equal(gen_route("a.example.org", 9), inside);
	assert_int_equal(gen_route("a.example", 8), -1);
	assert_string_equal(gen_policy.guard.certs[lookup(gen_fronted_cert,
	    "a.example")].domain, "a.example");
	assert_string_equal(gen_policy.guard.certs[lookup(gen_fronted_cert,
	    "b.example")].domain, "b.example");
	assert_int_equal(lookup(gen_fronted_cert, "c.example"), -1);
	assert_string_equal(gen_policy.peers[inside].host, "127.0.1.1");
	assert_string_equal(gen_policy.peers[partner].host, "127.0.2.1");
	assert_int_equal(gen_policy.peers[partner].limits.stanza_size, 65536);
	assert_int_equal(gen_policy.limits.stanza_size, 262144);
	assert_string_equal(gen_policy.guard.listen[0].host, "127.0.3.1");
	assert_int_equal(gen_policy.guard.listen[0].port, 5269);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_peers_resolved),
		cmocka_unit_test(test_certs_find_themselves),
		cmocka_unit_test(test_unknown_goes_default),
		cmocka_unit_test(test_single_edge),
	};

	return cmocka_run_group_tests_name("gen_domains", tests, NULL, NULL);
}
