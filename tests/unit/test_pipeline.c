/*
 * The decision pipeline (runtime/pipeline.c) run offline, as policy tests
 * and replays will: an element and a source in, the verdict, the rule and
 * the bytes out. Runs against examples/single-edge.policy (peers inside,
 * a.example, and partner, b.example, whose stanza-size is 64 KiB).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipeline_fixture.h"

/* Runs TEXT through the pipeline as sent by the inside peer on a stream
 * on which AUTHED is authenticated. */
static enum pipe_end
run(struct fixture *f, const char *authed, const char *text)
{
	return run_as(f, "inside", authed, NULL, text);
}

static const char *
rule_name(const struct fixture *f)
{
	return gen_policy.rules[f->c.decision.rule].name;
}

/* A message crosses re-serialized: the prefix and the redundant
 * namespace declaration of the input are gone. */
static void
test_pass(void **state)
{
	struct fixture *f = *state;
	static const char want[] = "<message from='alice@a.example/r' "
	    "to='bob@b.example' type='chat' id='1'><body>hi &amp; "
	    "bye</body></message>";

	assert_int_equal(run(f, "a.example", "<message from='alice@a.example/"
	    "r' to='bob@b.example' type='chat' id='1'><body xmlns="
	    "'jabber:server'>hi &amp; bye</body></message>"), PIPE_DELIVER);
	assert_int_equal(f->c.decision.verdict, GEN_VERDICT_PASS);
	assert_string_equal(rule_name(f), "route partner");
	assert_int_equal(f->c.facts.dst_peer, fixture_peer("partner"));
	assert_int_equal(f->c.facts.kind, GEN_KIND_MESSAGE);
	assert_int_equal(f->c.facts.nchildren, 1);
	assert_int_equal(f->c.len, strlen(want));
	assert_memory_equal(f->c.bytes, want, f->c.len);
}

static void
test_stream_errors(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(run(f, "a.example", "<message to='bob@b.example'/>"),
	    PIPE_STREAM_ERROR);
	assert_int_equal(f->c.stream_error, PIPE_SE_IMPROPER_ADDRESSING);
	assert_int_equal(run(f, "a.example", "<message from='x@c.example' "
	    "to='bob@b.example'/>"), PIPE_STREAM_ERROR);
	assert_int_equal(f->c.stream_error, PIPE_SE_INVALID_FROM);
	assert_string_equal(pipeline_stream_error_name(f->c.stream_error),
	    "invalid-from");
	assert_string_equal(rule_name(f), "address");
}

/* Runs TEXT from a.example and checks that it is refused with COND by
 * the rule named RULE. */
static void
refused(struct fixture *f, const char *text, enum stanza_cond cond,
    const char *rule)
{
	assert_int_equal(run(f, "a.example", text), PIPE_REFUSE);
	assert_int_equal(f->c.cond, cond);
	assert_string_equal(rule_name(f), rule);
	assert_int_equal(f->c.decision.verdict, GEN_VERDICT_BOUNCE);
}

static void
test_refusals(void **state)
{
	struct fixture *f = *state;

	refused(f, "<message from='a@a.example' to='bob@zzz.invalid'/>",
	    STANZA_COND_REMOTE_SERVER_NOT_FOUND, "no-route");
	refused(f, "<message from='a@a.example' to='b@a.example'/>",
	    STANZA_COND_REMOTE_SERVER_NOT_FOUND, "loop");
	refused(f, "<message from='a@a.example' to='b@@b.example'/>",
	    STANZA_COND_JID_MALFORMED, "address");
}

/* Structure comes after the addresses and before the route; a refusal
 * from either knows the stanza's kind, for an answer of the same kind. */
static void
test_structure(void **state)
{
	struct fixture *f = *state;

	refused(f, "<iq from='a@a.example/r' to='bob@b.example' type='get' "
	    "id='1'/>", STANZA_COND_BAD_REQUEST, "structure");
	assert_int_equal(f->c.defect, STANZA_CHECK_IQ_REQUEST);
	assert_string_equal(f->c.why, "iq-request-not-one-child");
	assert_int_equal(f->c.facts.kind, GEN_KIND_IQ);
	refused(f, "<iq from='a@a.example/r' to='bob@zzz.invalid' "
	    "type='bogus' id='1'/>", STANZA_COND_BAD_REQUEST, "structure");
	assert_int_equal(run(f, "a.example", "<iq to='bob@b.example' "
	    "type='bogus'/>"), PIPE_STREAM_ERROR);
	refused(f, "<iq from='a@a.example/r' to='b@@b.example' type='get' "
	    "id='1'/>", STANZA_COND_JID_MALFORMED, "address");
	assert_int_equal(f->c.facts.kind, GEN_KIND_IQ);
	assert_int_equal(run(f, "a.example", "<iq from='a@a.example/r' "
	    "to='bob@b.example' type='get' id='1'><ping xmlns='urn:xmpp:"
	    "ping'/></iq>"), PIPE_DELIVER);
	assert_int_equal(f->c.defect, STANZA_CHECK_OK);
}

/* The filter to the partner takes at most 16 KiB: the bound applies to
 * the bytes that would cross, at and past it. */
static void
test_size(void **state)
{
	struct fixture *f = *state;
	static const char head[] = "<message from='a@a.example' "
	    "to='b@b.example'><body>", tail[] = "</body></message>";
	int partner = fixture_peer("partner");
	/* The filter to the partner bounds stanzas tighter than the peer. */
	size_t limit = gen_policy.peers[partner].filters[PIPE_OUTBOUND][0]->
	    size;
	size_t fill = limit - (sizeof(head) - 1) - (sizeof(tail) - 1);
	char *text = malloc(limit + 2);

	assert_non_null(text);
	memcpy(text, head, sizeof(head) - 1);
	memset(text + sizeof(head) - 1, 'x', fill);
	memcpy(text + sizeof(head) - 1 + fill, tail, sizeof(tail));
	assert_int_equal(run(f, "a.example", text), PIPE_DELIVER);
	assert_int_equal(f->c.len, limit);
	memmove(text + sizeof(head), text + sizeof(head) - 1,
	    fill + sizeof(tail));
	assert_int_equal(run(f, "a.example", text), PIPE_REFUSE);
	assert_int_equal(f->c.cond, STANZA_COND_POLICY_VIOLATION);
	assert_string_equal(rule_name(f), "filter to-partner stanza-size");
	assert_string_equal(gen_policy.rules[f->c.decision.rule].file,
	    gen_policy.source);
	free(text);
}

/* Every rule names its place: built-in ones none, the policy's a line. */
static void
test_rules_table(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(gen_policy.nrules, GEN_NRULES);
	for (i = 0; i < gen_policy.nrules; i++) {
		if (i < GEN_RULE_BUILTIN) {
			assert_null(gen_policy.rules[i].file);
			continue;
		}
		assert_non_null(gen_policy.rules[i].file);
		assert_true(gen_policy.rules[i].line > 0);
	}
	assert_string_equal(gen_policy.rules[GEN_RULE_LOOP].name, "loop");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_structure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_size, setup, teardown),
		cmocka_unit_test(test_rules_table),
	};

	return cmocka_run_group_tests_name("pipeline", tests, NULL, NULL);
}
