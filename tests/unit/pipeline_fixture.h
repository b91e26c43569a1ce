/*
 * Test fixture: the decision pipeline run offline against
 * examples/single-edge.policy (peers inside, a.example, and partner,
 * b.example): an element and a source in, the verdict, the rule and the
 * bytes out. The tests skip under another policy.
 */
#ifndef XEDGE_TEST_PIPELINE_FIXTURE_H
#define XEDGE_TEST_PIPELINE_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "fold_memo.h"
#include "pipeline.h"
#include "policy.h"
#include "policy_fixture.h"
#include "stanza_fixture.h"

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
	f->c.arena = xml_element_arena(f->xml);
	return pipeline_run(&f->c);
}

#endif
