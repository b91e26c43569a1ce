/*
 * Unit tests for runtime/label_catalog.c: security label catalogs
 * (XEP-0258) through the whole pipeline, on examples/single-edge.policy
 * with its two peers cleared in the nato fixture policy (inside up to
 * SECRET holding every category, partner up to RESTRICTED holding UK)
 * and the partner's catalogs forwarded, answered or refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "content_fixture.h"
#include "label_policy_fixture.h"

#define NS_CATALOG "urn:xmpp:sec-label:catalog:2"

static const struct gen_label_policy nato = { NATO_TABLES,
	.missing = &nato_classes[0] };

/* The example's policy, its peers cleared in nato, and the partner's
 * catalogs as MODE says, by a rule of the policy that bounces. */
struct catalog_policy {
	struct gen_policy policy;
	struct gen_peer peers[GEN_NPEERS];
	unsigned rule;
};

static void
catalog_policy(struct catalog_policy *t, enum gen_catalog mode)
{
	int in = fixture_peer("inside"), p = fixture_peer("partner");
	size_t i;

	t->policy = gen_policy;
	memcpy(t->peers, gen_policy.peers, sizeof(t->peers));
	t->policy.peers = t->peers;
	t->policy.label_policies = &nato;
	t->policy.nlabel_policies = 1;
	for (i = 1; gen_policy.rules[i].verdict != GEN_VERDICT_BOUNCE; i++)
		;
	t->rule = (unsigned)i;
	t->peers[in].clearance = (struct gen_clearance){ .policy = &nato,
	    .rank = 2, .held = { { 0x1f, 0, 0, 0 } }, .rule = t->rule };
	t->peers[p].clearance = (struct gen_clearance){ .policy = &nato,
	    .rank = 1, .held = { { 0x1, 0, 0, 0 } }, .rule = t->rule };
	t->peers[p].catalog = mode;
	t->peers[p].catalog_rule = t->rule;
}

/* How many times NEEDLE is in what the last run delivered. */
static size_t
count(const struct fixture *f, const char *needle)
{
	const char *p = f->c.bytes, *end = f->c.bytes + f->c.len;
	size_t n = 0, len = strlen(needle);

	while ((p = memmem(p, (size_t)(end - p), needle, len)) != NULL) {
		n++;
		p += len;
	}
	return n;
}

#define REQUEST "<iq type='get' from='alice@a.example/r' to='b.example' " \
	"id='c1'><catalog xmlns='" NS_CATALOG "' to='b.example'/></iq>"

/* An item offering the ESS label B64, or no label (B64 NULL). */
static void
item(char *out, size_t cap, const char *b64)
{
	snprintf(out, cap, "<item selector='x'>%s%s%s</item>", b64 != NULL ?
	    "<securitylabel xmlns='urn:xmpp:sec-label:0'><label>"
	    "<esssecuritylabel xmlns='urn:xmpp:sec-label:ess:0'>" : "",
	    b64 != NULL ? b64 : "", b64 != NULL ? "</esssecuritylabel>"
	    "</label></securitylabel>" : "");
}

/* The partner's answer: N items without a label, then the labels of
 * LABELS (NULL-terminated). */
static void
answer(char *out, size_t cap, size_t n, const char *const *labels)
{
	char one[512];
	size_t len;

	len = (size_t)snprintf(out, cap, "<iq type='result' from='b.example' "
	    "to='alice@a.example/r' id='c1'><catalog xmlns='" NS_CATALOG
	    "' to='b.example' size='9'>");
	for (; n > 0; n--) {
		item(one, sizeof(one), NULL);
		len += (size_t)snprintf(out + len, cap - len, "%s", one);
	}
	for (; *labels != NULL; labels++) {
		item(one, sizeof(one), *labels);
		len += (size_t)snprintf(out + len, cap - len, "%s", one);
	}
	snprintf(out + len, cap - len, "</catalog></iq>");
	assert_true(len + 20 < cap);
}

/* An answer's items are those a.example may send b.example. */
static void
test_forward(void **state)
{
	/* SET { OID 1.1, INTEGER 2 } and { OID 1.1, INTEGER 4 }. */
	static const char *const labels[] = { "MQYGASkCAQI=", "MQYGASkCAQQ=",
	    NULL };
	static char text[65536];
	struct fixture *f = *state;
	struct catalog_policy t;

	catalog_policy(&t, GEN_CATALOG_FORWARD);
	f->policy = &t.policy;
	assert_int_equal(out(f, REQUEST), PIPE_DELIVER);
	assert_int_equal(count(f, "<catalog"), 1);
	answer(text, sizeof(text), 1, labels);
	assert_int_equal(in(f, text), PIPE_DELIVER);
	/* Unlabelled (taken as UNCLASSIFIED) and RESTRICTED stay, SECRET
	 * goes; the size says so. */
	assert_int_equal(count(f, "<item"), 2);
	assert_int_equal(count(f, "MQYGASkCAQI="), 1);
	assert_int_equal(count(f, "size='2'"), 1);
	assert_int_equal(f->c.decision.verdict, GEN_VERDICT_MODIFY);
	assert_int_equal(f->c.decision.rule, t.rule);
	/* No more items are decided than a catalog offers. */
	answer(text, sizeof(text), 300, labels + 2);
	assert_int_equal(in(f, text), PIPE_DELIVER);
	assert_int_equal(count(f, "<item"), 256);
}

/* The guard answers for the partner with what a.example may send it:
 * UNCLASSIFIED and RESTRICTED, not SECRET. */
static void
test_answer(void **state)
{
	struct fixture *f = *state;
	struct catalog_policy t;

	catalog_policy(&t, GEN_CATALOG_ANSWER);
	f->policy = &t.policy;
	assert_int_equal(out(f, REQUEST), PIPE_DELIVER);
	assert_int_equal(f->c.facts.dst_peer, fixture_peer("inside"));
	assert_int_equal(count(f, "type='result'"), 1);
	assert_int_equal(count(f, "from='b.example'"), 1);
	assert_int_equal(count(f, "to='alice@a.example/r'"), 1);
	assert_int_equal(count(f, "id='c1'"), 1);
	assert_int_equal(count(f, "<item selector='UNCLASSIFIED'>"), 1);
	assert_int_equal(count(f, "<item selector='RESTRICTED'>"), 1);
	assert_int_equal(count(f, "<item"), 2);
	assert_int_equal(count(f, "MQYCAQEGASk="), 1);
	assert_int_equal(count(f, "size='2'"), 1);
}

/* Refused, by the partner's catalog rule; other IQs cross. */
static void
test_block(void **state)
{
	struct fixture *f = *state;
	struct catalog_policy t;

	catalog_policy(&t, GEN_CATALOG_BLOCK);
	f->policy = &t.policy;
	assert_int_equal(out(f, REQUEST), PIPE_REFUSE);
	assert_int_equal(f->c.decision.rule, t.rule);
	assert_int_equal(f->c.cond, STANZA_COND_POLICY_VIOLATION);
	assert_int_equal(out(f, "<iq type='get' from='alice@a.example/r' "
	    "to='b.example' id='v1'><query xmlns='jabber:iq:version'/></iq>"),
	    PIPE_DELIVER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_forward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
