/*
 * Test fixture: the decision pipeline run with its content stage against
 * examples/single-edge.policy, whose peer partner (b.example) has the
 * filters to-partner (outbound) and from-partner (inbound), and whose
 * peer inside is a.example. Shared by the content tests, which assert the
 * exact bytes that cross, or how and by which rule the run ended.
 */
#ifndef XEDGE_TEST_CONTENT_FIXTURE_H
#define XEDGE_TEST_CONTENT_FIXTURE_H

#include "pipeline_fixture.h"

/* The rules of the example's filters, by the names xedgec gives them. */
#define R_FOLD "filter to-partner presence fold"
#define R_STRIP "filter to-partner strip xhtml-im, chat-states, receipts, " \
	"markers, corrections"
#define R_FT "filter to-partner block file-transfer, voip"
#define R_ENC "filter to-partner block encrypted"
#define R_IN_STRIP "filter from-partner strip xhtml-im"
#define R_IN_FT "filter from-partner block file-transfer"
#define R_IN_ENC "filter from-partner block encrypted"
#define R_IN_ROOM "filter from-partner block room"

/* TEXT from the inside (a.example) towards the partner. */
static inline enum pipe_end
out(struct fixture *f, const char *text)
{
	return run_as(f, "inside", "a.example", NULL, text);
}

/* TEXT from the partner (b.example) towards the inside. */
static inline enum pipe_end
in(struct fixture *f, const char *text)
{
	return run_as(f, "partner", "b.example", NULL, text);
}

/* Whether the last run recorded RULE (by name) with VERDICT. */
static inline int
has_hit(const struct fixture *f, const char *rule, enum gen_verdict v)
{
	unsigned i, r = fixture_rule(rule);

	for (i = 0; i < f->c.nhits; i++)
		if (f->c.hits[i].rule == r && f->c.hits[i].verdict == v)
			return 1;
	return 0;
}

/* The last run delivered exactly WANT. */
static inline void
delivered(const struct fixture *f, const char *want)
{
	if (f->c.end != PIPE_DELIVER)
		fail_msg("end %d, want delivery (rule %s, why %s)", f->c.end,
		    gen_policy.rules[f->c.decision.rule].name,
		    f->c.why != NULL ? f->c.why : "-");
	if (f->c.len != strlen(want) || memcmp(f->c.bytes, want, f->c.len))
		fail_msg("got  %.*s\nwant %s", (int)f->c.len, f->c.bytes,
		    want);
}

/* The last run ended with END (PIPE_DROP or PIPE_REFUSE) by RULE, a
 * refusal with policy-violation; the rule is the one recorded. */
static inline void
ended(const struct fixture *f, enum pipe_end end, const char *rule)
{
	if (f->c.end != end)
		fail_msg("end %d, want %d (rule %s, why %s)", f->c.end, end,
		    gen_policy.rules[f->c.decision.rule].name,
		    f->c.why != NULL ? f->c.why : "-");
	assert_string_equal(gen_policy.rules[f->c.decision.rule].name, rule);
	assert_int_equal(f->c.decision.verdict, end == PIPE_DROP ?
	    GEN_VERDICT_DROP : GEN_VERDICT_BOUNCE);
	if (end == PIPE_REFUSE)
		assert_int_equal(f->c.cond, STANZA_COND_POLICY_VIOLATION);
	assert_true(has_hit(f, rule, f->c.decision.verdict));
}

#endif
