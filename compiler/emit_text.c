/*
 * The content pattern emitter: one ragel machine over folded text for
 * every list of words and patterns, gen_text_match() (see pattern.h).
 *
 * The machine main is any* . sep . (l0 . sep @m0 | l1 . sep @m1 | ...):
 * the leading any* keeps every position a start, so the DFA ragel builds
 * is the Aho-Corasick automaton of the lists, one transition per byte
 * whatever their number; each list's action runs when the list and the
 * separator after it have been read. The text is run as if a separator
 * stood before and after it (three calls of one exec, the state carried
 * over): matches at the start and the end need no machine of their own,
 * and no copy of the text is made.
 *
 * The machine anchor is the same lists from one place only, (l0 . sep
 * @m0 | ...), entered at gen_text_anchor(): it dies (gen_text_dead())
 * as soon as no list can start where it was entered. text_match() runs
 * it from the few word starts that a prefilter lets through
 * (text_gate.h), rather than main over every byte.
 */
#include <assert.h>
#include <string.h>

#include "emit.h"
#include "pattern_int.h"
#include "xmalloc.h"

/* Writes S for a ragel '#' comment: printable ASCII, '?' for the rest. */
static void
emit_text_comment(struct out *o, const char *s)
{
	for (; *s != '\0'; s++)
		out_printf(o, "%c", *s >= 0x20 && *s < 0x7f ? *s : '?');
}

/*
 * Writes the character machines the lists refer to (pattern_int.h): a
 * UTF-8 character, a separator (ASCII but letters and digits, and the
 * table text_separators), and a word character.
 */
static void
emit_text_classes(struct out *o)
{
	static const struct text_range all = { 0, 0x10ffff };
	struct text_range sep[128 + TEXT_NSEPARATORS];
	size_t n = 0;
	uint32_t c;

	for (c = 0; c < 0x80; c++) {
		if (text_is_word(c))
			continue;
		if (n > 0 && sep[n - 1].hi + 1 == c)
			sep[n - 1].hi = c;
		else
			sep[n++] = (struct text_range){ c, c };
	}
	memcpy(sep + n, text_separators, sizeof(text_separators[0]) *
	    TEXT_NSEPARATORS);
	n += TEXT_NSEPARATORS;
	out_printf(o, "\t# One character of valid UTF-8 (text_fold() makes "
	    "the text so).\n\t%s = ", PATTERN_RL_CHAR);
	pattern_write_ranges(o, &all, 1);
	out_printf(o, ";\n\t# A character between words.\n\t%s = ",
	    PATTERN_RL_SEP);
	pattern_write_ranges(o, sep, n);
	out_printf(o, ";\n\t%s = %s - %s;\n\n", PATTERN_RL_WORD,
	    PATTERN_RL_CHAR, PATTERN_RL_SEP);
}

/* Writes list number I of L: its action and its machine l<I>. */
static void
emit_text_list(struct out *o, const char *self, size_t i,
    const struct pattern_list *l)
{
	size_t j;

	out_printf(o, "\t# list %zu, %s:\n", i, l->kind == PATTERN_WORDS ?
	    "words" : "patterns");
	for (j = 0; j < l->nitems; j++) {
		out_printf(o, "\t#   \"");
		emit_text_comment(o, l->items[j]);
		out_printf(o, "\"\n");
	}
	out_printf(o, "\taction m%zu {\n", i);
	if (l->file != NULL)
		out_line_policy(o, l->file, l->line);
	out_printf(o, "\t\t*found |= UINT64_C(1) << %zu;\n", i);
	if (l->file != NULL)
		out_line_self(o, self);
	out_printf(o, "\t}\n\tl%zu = ", i);
	for (j = 0; j < l->nitems; j++) {
		out_printf(o, "%s", j > 0 ? "\n\t    | " : "");
		pattern_write(o, l->kind, l->items[j]);
	}
	out_printf(o, ";\n\n");
}

/* Writes the machine of the NLISTS lists LISTS and the functions that run
 * it (at least one list). */
static void
emit_text_machine(struct out *o, const char *self,
    const struct pattern_list *lists, size_t nlists)
{
	size_t i;

	out_printf(o, "/* ragel -G2 falls from one state's code into the next "
	    "on purpose. */\n");
	out_printf(o, "#pragma GCC diagnostic ignored "
	    "\"-Wimplicit-fallthrough\"\n\n");
	out_printf(o, "%%%%{\n\tmachine gen_text_match;\n"
	    "\talphtype unsigned char;\n\n");
	emit_text_classes(o);
	for (i = 0; i < nlists; i++)
		emit_text_list(o, self, i, &lists[i]);
	out_printf(o, "\tlists = (\n");
	for (i = 0; i < nlists; i++)
		out_printf(o, "\t\t%sl%zu %s @m%zu\n", i == 0 ? "  " : "| ", i,
		    PATTERN_RL_SEP, i);
	out_printf(o, "\t);\n\tmain := any* %s lists;\n\tanchor := lists;\n\n"
	    "\twrite data nofinal;\n}%%%%\n\n", PATTERN_RL_SEP);
	out_printf(o, "const int gen_text_lists = %zu;\n\n", nlists);
	out_printf(o, "int\ngen_text_start(void)\n{\n\tint cs;\n\n"
	    "\t/* main, the machine ragel starts in. */\n"
	    "\t(void)gen_text_match_en_main;\n"
	    "\t%%%% write init;\n\treturn cs;\n}\n\n");
	out_printf(o, "int\ngen_text_anchor(void)\n{\n\treturn "
	    "gen_text_match_en_anchor;\n}\n\n");
	out_printf(o, "int\ngen_text_dead(void)\n{\n\treturn "
	    "gen_text_match_error;\n}\n\n");
	out_printf(o, "int\ngen_text_run(int cs, const unsigned char *p, "
	    "const unsigned char *pe,\n    uint64_t *found)\n{\n");
	out_printf(o, "\t%%%% write exec;\n\treturn cs;\n}\n");
}

void
emit_text(struct out *o, const struct model *m,
    const struct pattern_list *lists, size_t nlists)
{
	const char *self = strrchr(o->path, '/');

	assert(nlists <= PATTERN_MAX_LISTS);
	self = self != NULL ? self + 1 : o->path;
	emit_header(o, m);
	out_printf(o, "\n#include <stddef.h>\n#include <stdint.h>\n\n"
	    "#include \"text_fold.h\"\n\n");
	if (nlists > 0) {
		emit_text_machine(o, self, lists, nlists);
		return;
	}
	out_printf(o, "const int gen_text_lists = 0;\n\nint\n"
	    "gen_text_start(void)\n{\n\treturn 0;\n}\n\nint\n"
	    "gen_text_anchor(void)\n{\n\treturn 0;\n}\n\nint\n"
	    "gen_text_dead(void)\n{\n\treturn 0;\n}\n\nint\n"
	    "gen_text_run(int cs, const unsigned char *p, "
	    "const unsigned char *pe,\n    uint64_t *found)\n{\n"
	    "\t(void)p;\n\t(void)pe;\n\t(void)found;\n\treturn cs;\n}\n");
}
