/*
 * Stanzas run through the compiled policy offline: no socket, no site
 * file, no privilege. Each goes through the pipeline (pipeline.h) exactly
 * as the guard runs it, from a stream made up for it: opened by the peer
 * it comes from, to the domain it is addressed to, authenticated for the
 * domain of its 'from' if that peer may originate it. Two users: the policy's own tests, run when the
 * guard is built (xedge --test), and a file of stanzas a policy author
 * tries (xedge --replay).
 */
#ifndef XEDGE_REPLAY_H
#define XEDGE_REPLAY_H

#include <stdio.h>

#include "pipeline.h"
#include "policy_tests.h"
#include "xml.h"

/* What became of a stanza, as a policy author reads it. */
enum replay_outcome {
	REPLAY_PASS = 0,	/* crosses unchanged (an audit may have fired) */
	REPLAY_MODIFY,		/* crosses, changed by a filter */
	REPLAY_DROP,		/* discarded */
	REPLAY_BOUNCE,		/* refused with a stanza error */
	REPLAY_STREAM_ERROR	/* the stream it came on would be closed */
};

/* One run and what it leaves; all-zero is ready for the first run, and
 * replay_run_free frees what runs grew. */
struct replay_run {
	struct pipe_ctx c;		/* the verdict, rule, error, bytes */
	struct pipe_buf out;
	char *authed[1];
	char from_domain[JID_DOMAIN_MAX + 1];
	char local[JID_DOMAIN_MAX + 1];	/* the stream's 'to' */
};

/* Runs E (changed in place, A its arena) through policy P as arriving
 * from PEER. Returns the outcome; R->c says the rest (R->c.bytes,
 * R->c.len: what crosses, in R->out). */
enum replay_outcome replay_stanza(struct replay_run *r,
    const struct gen_policy *p, int peer, struct stanza_node *e,
    struct arena *a);

/* The outcome's name: "pass", "modify", "drop", "bounce",
 * "stream-error". */
const char *replay_outcome_name(enum replay_outcome o);

/* Of a run that ended in a bounce or a stream error: the condition's name
 * (e.g. "policy-violation", "invalid-from"); else NULL. */
const char *replay_condition(const struct replay_run *r,
    enum replay_outcome o);

/* Prints rule RULE of P as "'NAME' (FILE:LINE)", or "'NAME' (built in)". */
void replay_print_rule(FILE *f, const struct gen_policy *p, unsigned rule);

void replay_run_free(struct replay_run *r);

/* A tokenizer for stanzas written out as text, past a made-up stream
 * header, bounded as P bounds stanzas. Returns it (free with xml_free), or
 * NULL when memory is exhausted. */
struct xml_parser *replay_parser(const struct gen_policy *p);

/* Parses TEXT, one element and white space, with X. Returns the element
 * (valid until X parses again), or NULL with *WHY set to the reason (for
 * a tokenizer's error, its condition and text, in WHYBUF of LEN bytes). */
struct stanza_node *replay_parse_text(struct xml_parser *x, const char *text,
    char *whybuf, size_t len, const char **why);

/*
 * replay_test.c: runs the tests of T (the policy's own, gen_tests) through
 * P. Reports each failure on ERR as "FILE:LINE:COL: error: test 'NAME':
 * ..." with notes, and the count on OUT. Returns the number of tests that
 * failed.
 */
size_t replay_tests(const struct gen_policy *p, const struct gen_test_table *t,
    FILE *out, FILE *err);

/*
 * Runs the stanzas of the file at PATH (top-level elements, as an S2S
 * stream carries them after its header) through P one after the other,
 * each from the peer called FROM, or (FROM NULL) the peer that originates
 * its 'from' domain. Prints on OUT, for each, its number, kind, peer,
 * outcome, the rule and what crosses or why not (xedge(8), --replay).
 * Returns 0 when the whole file was read, -1 after a message on ERR.
 */
int replay_file(const struct gen_policy *p, const char *path,
    const char *from, FILE *out, FILE *err);

#endif
