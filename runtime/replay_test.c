/*
 * The policy's own tests (xedge.policy(5), TESTS), run through the
 * pipeline when the guard is built (xedge --test, which the Makefile runs
 * on the binary it has just linked): a test that fails is reported as a
 * compiler reports a mistake, at the test, with what was expected and
 * what came of the stanza, and the build fails.
 *
 * An expected output is parsed by the same tokenizer and serialized by
 * the same serializer as what crosses, so that two spellings of one
 * stanza (quotes, prefixes, empty elements) compare equal.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

/* Prints "FILE:LINE:COL: KIND: " for test T, then FMT, on F. */
static void
replay_test_msg(FILE *f, const struct gen_test *t, const char *kind,
    const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%s:%u:%u: %s: ", t->file, t->line, t->col, kind);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

/* What test T expects, in words: "pass", "bounce (policy-violation)". */
static void
replay_test_expected(FILE *f, const struct gen_test *t)
{
	static const enum replay_outcome as_outcome[] = {
		[GEN_VERDICT_PASS] = REPLAY_PASS,
		[GEN_VERDICT_MODIFY] = REPLAY_MODIFY,
		[GEN_VERDICT_DROP] = REPLAY_DROP,
		[GEN_VERDICT_BOUNCE] = REPLAY_BOUNCE,
	};

	fputs(replay_outcome_name(as_outcome[t->expect]), f);
	if (t->cond != NULL)
		fprintf(f, " (%s)", t->cond);
}

/* Whether outcome O of run R is the verdict (and condition) T expects;
 * the output of a modify is compared apart. */
static int
replay_test_verdict_ok(const struct gen_test *t, const struct replay_run *r,
    enum replay_outcome o)
{
	switch (t->expect) {
	case GEN_VERDICT_PASS:
		return o == REPLAY_PASS;
	case GEN_VERDICT_MODIFY:
		return o == REPLAY_MODIFY;
	case GEN_VERDICT_DROP:
		return o == REPLAY_DROP;
	default:
		return o == REPLAY_BOUNCE && (t->cond == NULL ||
		    strcmp(t->cond, replay_condition(r, o)) == 0);
	}
}

/*
 * Reports test T as failed: what it expected against outcome O of run R,
 * the rule that decided, and for a modify the stanza expected (WANT of
 * LEN bytes, canonical) against what crossed.
 */
static void
replay_test_report(FILE *err, const struct gen_policy *p,
    const struct gen_test *t, const struct replay_run *r,
    enum replay_outcome o, const char *want, size_t len)
{
	const char *cond = replay_condition(r, o);
	int crossed = o == REPLAY_PASS || o == REPLAY_MODIFY;

	replay_test_msg(err, t, "error", "test '%s': expected ", t->name);
	replay_test_expected(err, t);
	fprintf(err, ", got %s", replay_outcome_name(o));
	if (cond != NULL)
		fprintf(err, " (%s)", cond);
	if (replay_test_verdict_ok(t, r, o))
		fputs(" with another output", err);
	fputc('\n', err);
	replay_test_msg(err, t, "note", "decided by rule ");
	replay_print_rule(err, p, r->c.decision.rule);
	fputc('\n', err);
	if (want == NULL)
		return;
	fprintf(err, "  expected: %.*s\n", (int)len, want);
	if (crossed)
		fprintf(err, "  got:      %.*s\n", (int)r->c.len, r->c.bytes);
	else
		fputs("  got:      (nothing crosses)\n", err);
}

/* Runs test T of P with run R and tokenizer X; WANT holds the canonical
 * expected output. Returns 0 if it passed, -1 after reporting on ERR. */
static int
replay_test_one(const struct gen_policy *p, const struct gen_test *t,
    struct replay_run *r, struct xml_parser *x, struct pipe_buf *want,
    FILE *err)
{
	struct stanza_node *e;
	enum replay_outcome o;
	const char *why;
	char buf[256];
	long n = 0;

	if (t->cond != NULL && stanza_cond_lookup(t->cond,
	    strlen(t->cond)) < 0) {
		replay_test_msg(err, t, "error", "test '%s': '%s' is no "
		    "stanza error condition of RFC 6120\n", t->name, t->cond);
		return -1;
	}
	if ((e = replay_parse_text(x, t->stanza, buf, sizeof(buf), &why)) ==
	    NULL) {
		replay_test_msg(err, t, "error", "test '%s': the stanza does "
		    "not parse: %s\n", t->name, why);
		return -1;
	}
	o = replay_stanza(r, p, t->from, e, xml_element_arena(x));
	/* What crossed is in R's buffer: the tokenizer may move on. */
	if (t->output != NULL) {
		if ((e = replay_parse_text(x, t->output, buf, sizeof(buf),
		    &why)) == NULL) {
			replay_test_msg(err, t, "error", "test '%s': the "
			    "expected output does not parse: %s\n", t->name,
			    why);
			return -1;
		}
		if ((n = pipeline_serialize(want, e)) < 0) {
			replay_test_msg(err, t, "error", "test '%s': out of "
			    "memory\n", t->name);
			return -1;
		}
	}
	if (replay_test_verdict_ok(t, r, o) && (t->output == NULL ||
	    ((size_t)n == r->c.len && memcmp(want->data, r->c.bytes,
	    r->c.len) == 0)))
		return 0;
	replay_test_report(err, p, t, r, o, t->output != NULL ?
	    want->data : NULL, (size_t)n);
	return -1;
}

size_t
replay_tests(const struct gen_policy *p, const struct gen_test_table *t,
    FILE *out, FILE *err)
{
	struct replay_run r = { 0 };
	struct pipe_buf want = { 0 };
	struct xml_parser *x;
	size_t i, failed = 0;

	for (i = 0; i < t->n; i++) {
		/* A fresh tokenizer each: one test's broken stanza leaves
		 * the next one's to parse. */
		if ((x = replay_parser(p)) == NULL) {
			replay_test_msg(err, &t->tests[i], "error", "test "
			    "'%s': out of memory\n", t->tests[i].name);
			failed++;
			continue;
		}
		if (replay_test_one(p, &t->tests[i], &r, x, &want, err) == -1)
			failed++;
		xml_free(x);
	}
	replay_run_free(&r);
	free(want.data);
	fprintf(out, "policy %s: %zu tests, %zu passed, %zu failed\n",
	    p->name, t->n, t->n - failed, failed);
	return failed;
}
