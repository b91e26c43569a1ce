/*
 * The policy's tests as a table (policy_tests.c, of the types of
 * runtime/policy_tests.h), which the guard runs through its own pipeline
 * when it is built (xedge --test): the compiler has no XML parser, and
 * a test must judge the code that runs, not a model of it.
 *
 * Each line of an entry is marked with a #line directive as the policy
 * line it comes from, so that a C compiler's message about it names the
 * policy; the location fields sit on a line of their own so that a comparison of two builds
 * (tests/compiler/run.sh) can leave them out.
 */
#include "emit.h"
#include "source.h"

/* The condition a test expects of a bounce, as RFC 6120 names it; NULL:
 * any. */
static const char *
emit_test_cond(const struct m_test *t)
{
	if (t->expect != VERDICT_BOUNCE)
		return NULL;
	return t->cond != COND_DEFAULT ? ast_cond_name(t->cond) :
	    t->cond_name;
}

/* Writes the entry of test T, each line marked as the line of the part
 * of the test it comes from: the name, the stanza, the expectation. */
static void
emit_test(struct out *o, const struct model *m, const struct m_test *t)
{
	const char *path = t->loc.file->path;

	out_line_policy(o, path, t->loc.first_line);
	out_printf(o, "\t{ .name = ");
	out_cstring(o, t->name);
	out_printf(o, ", .from = %zu,\t/* ", t->peer);
	emit_comment_text(o, m->peers[t->peer].name);
	out_printf(o, " */\n");
	out_line_policy(o, path, t->loc.first_line);
	out_printf(o, "\t  .file = ");
	out_cstring(o, path);
	out_printf(o, ", .line = %d, .col = %d,\n", t->loc.first_line,
	    t->loc.first_column);
	out_line_policy(o, t->stanza_loc.file->path, t->stanza_loc.first_line);
	out_printf(o, "\t  .stanza = ");
	out_cstring(o, t->stanza);
	out_printf(o, ",\n");
	out_line_policy(o, t->expect_loc.file->path, t->expect_loc.first_line);
	out_printf(o, "\t  .expect = %s, .cond = ",
	    emit_verdict(t->expect));
	out_cstring(o, emit_test_cond(t));
	out_printf(o, ", .output = ");
	out_cstring(o, t->expect == VERDICT_MODIFY ? t->output : NULL);
	out_printf(o, " },\n");
}

void
emit_tests(struct out *o, const struct model *m)
{
	size_t i;

	emit_header(o, m);
	out_printf(o, "\n#include <stddef.h>\n\n#include \"policy_tests.h\"\n"
	    "\n");
	if (m->ntests == 0) {
		out_printf(o, "const struct gen_test_table gen_tests = { NULL, "
		    "0 };\n");
		return;
	}
	out_printf(o, "static const struct gen_test gen_test_list[%zu] = {\n",
	    m->ntests);
	for (i = 0; i < m->ntests; i++)
		emit_test(o, m, &m->tests[i]);
	out_line_self(o, "policy_tests.c");
	out_printf(o, "};\n\nconst struct gen_test_table gen_tests = {\n"
	    "\t.tests = gen_test_list,\n\t.n = %zu,\n};\n", m->ntests);
}
