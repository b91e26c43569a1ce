/*
 * The validator's check of a STANZA frame (runtime/gcxp_check.c), against
 * examples/single-edge.policy made into a pair as xedgec makes one: peer
 * inside served by the first edge, partner by the second. A stanza passes
 * when the policy's controls, run again, would leave it as it is; each
 * way of failing names its rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gcxp_int.h"
#include "guard.h"
#include "policy.h"
#include "policy_fixture.h"

struct fixture {
	struct gen_peer peers[GEN_NPEERS];
	struct gen_policy policy;
	struct xml_parser *xml;
	struct gcxp_check check;
};

static int
setup(void **state)
{
	struct fixture *f;

	if (strcmp(GEN_POLICY_NAME, "single-edge") != 0)
		skip();
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	memcpy(f->peers, gen_policy.peers, sizeof(f->peers));
	f->peers[fixture_peer("inside")].edge = 0;
	f->peers[fixture_peer("partner")].edge = 1;
	f->policy = gen_policy;
	f->policy.peers = f->peers;
	guard.policy = &f->policy;
	f->xml = gcxp_stanza_parser();
	assert_non_null(f->xml);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	xml_free(f->xml);
	free(f->check.out.data);
	guard.policy = NULL;
	free(f);
	return 0;
}

/* Checks XML as a frame from SRC to DST in DIRECTION; returns the result
 * and leaves the findings in F's check. */
static int
check(struct fixture *f, int direction, const char *src, const char *dst,
    const char *xml)
{
	struct gcxp_stanza s = { .seq = 1, .direction = (uint8_t)direction,
	    .from = { src, strlen(src) }, .to = { dst, strlen(dst) },
	    .xml = { xml, strlen(xml) } };

	return gcxp_check_stanza(&f->check, f->xml, &s, direction);
}

#define CHAT(body, extra) "<message from='alice@a.example/r' " \
	"to='bob@b.example' type='chat' id='1'><body>" body "</body>" \
	extra "</message>"

/* What the edge lets cross, the validator lets cross: both ways. */
static void
test_passes(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check(f, 0, "inside", "partner", CHAT("hi", "")), 0);
	assert_int_equal(f->check.from_peer, fixture_peer("inside"));
	assert_int_equal(f->check.to_peer, fixture_peer("partner"));
	assert_int_equal(check(f, 1, "partner", "inside",
	    "<message from='bob@b.example/r' to='alice@a.example' id='2'>"
	    "<body>back</body></message>"), 0);
}

/* A control the edge should have applied: an element its filter strips,
 * a word it refuses; each refused by that control's rule. */
static void
test_controls(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check(f, 0, "inside", "partner", CHAT("rich",
	    "<active xmlns='http://jabber.org/protocol/chatstates'/>")), -1);
	assert_string_equal(f->policy.rules[f->check.rule].name,
	    "filter to-partner strip xhtml-im, chat-states, receipts, "
	    "markers, corrections");
	assert_int_equal(f->check.cond, STANZA_COND_POLICY_VIOLATION);
	assert_int_equal(check(f, 0, "inside", "partner",
	    CHAT("the codeword is", "")), -1);
	assert_string_equal(f->policy.rules[f->check.rule].name,
	    "filter to-partner words");
}

/* Peers not of the sides the frame says, addresses not of its peers. */
static void
test_peers(void **state)
{
	struct fixture *f = *state;

	/* The second edge's peer, sent by the first. */
	assert_int_equal(check(f, 0, "partner", "inside",
	    "<message from='bob@b.example/r' to='alice@a.example'/>"), -1);
	assert_int_equal(f->check.rule, GEN_RULE_ADDRESS);
	assert_null(f->check.element);
	/* A direction not the sender's. */
	assert_int_equal(check(f, 1, "inside", "partner", CHAT("hi", "")),
	    -1);
	assert_int_equal(f->check.rule, GEN_RULE_ADDRESS);
	/* A 'from' the source peer does not originate. */
	assert_int_equal(check(f, 0, "inside", "partner",
	    "<message from='mallory@c.example' to='bob@b.example'/>"), -1);
	assert_int_equal(f->check.rule, GEN_RULE_ADDRESS);
	/* A peer the policy does not have. */
	assert_int_equal(check(f, 0, "nobody", "partner", CHAT("hi", "")),
	    -1);
	assert_int_equal(f->check.from_peer, -1);
}

/* Anything but one well-formed stanza is refused, and the parser is
 * ready for the next frame. */
static void
test_structure(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {
		"<message from='alice@a.example' to='bob@b.example'><body>",
		CHAT("one", "") CHAT("two", ""),
		"</stream:stream>",
		"<message from='alice@a.example' to='bob@b.example'></body>",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(check(f, 0, "inside", "partner", bad[i]), -1);
		assert_int_equal(f->check.rule, GEN_RULE_STRUCTURE);
		assert_int_equal(f->check.cond, STANZA_COND_BAD_REQUEST);
		assert_int_equal(check(f, 0, "inside", "partner",
		    CHAT("after", "")), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_controls, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_structure, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("gcxp_check", tests, NULL, NULL);
}
