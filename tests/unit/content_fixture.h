/*
 * Test fixture: the decision pipeline run with its content stage against
 * examples/single-edge.policy, whose peer partner (b.example) has the
 * filters to-partner (outbound) and from-partner (inbound), and whose
 * peer inside is a.example. Shared by the content tests, which assert the
 * exact bytes that cross, or how and by which rule the run ended.
 */
#ifndef XEDGE_TEST_CONTENT_FIXTURE_H
#define XEDGE_TEST_CONTENT_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "fold_memo.h"
#include "pipeline.h"
#include "policy.h"
#include "policy_fixture.h"
#include "stanza_fixture.h"

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

struct fixture {
	struct xml_parser *xml;
	struct pipe_buf out;
	struct pipe_ctx c;
	char *authed[2];
	struct fold_memo *memo;		/* NULL unless a test makes one */
	const struct gen_policy *policy;	/* NULL: gen_policy */
};

static inline int
setup(void **state)
{
	struct fixture *f;

	if (strcmp(GEN_POLICY_NAME, "single-edge") != 0)
		skip();
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	*state = f;
	return 0;
}

static inline int
teardown(void **state)
{
	struct fixture *f = *state;

	xml_free(f->xml);
	fold_memo_free(f->memo);
	free(f->out.data);
	free(f);
	return 0;
}

/* The index of the rule called NAME; fails the test if none. */
static inline unsigned
fixture_rule(const char *name)
{
	size_t i;

	for (i = 0; i < gen_policy.nrules; i++)
		if (strcmp(gen_policy.rules[i].name, name) == 0)
			return (unsigned)i;
	fail_msg("no rule %s", name);
	return 0;
}

/* Runs TEXT through the pipeline as sent by peer PEER on a stream on
 * which AUTHED (and AUTHED2, when not NULL) are authenticated. */
static inline enum pipe_end
run_as(struct fixture *f, const char *peer, const char *authed,
    const char *authed2, const char *text)
{
	f->authed[0] = (char *)authed;
	f->authed[1] = (char *)authed2;
	f->c = (struct pipe_ctx){ .policy = f->policy != NULL ? f->policy :
	    &gen_policy,
	    .src = { .peer = fixture_peer(peer), .local = "x",
	    .authed = f->authed, .nauthed = authed2 != NULL ? 2 : 1 },
	    .stanza = fixture_stanza(&f->xml, text), .out = &f->out,
	    .memo = f->memo };
	return pipeline_run(&f->c);
}

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
