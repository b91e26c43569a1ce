/*
 * Syntax errors of the policy language (see parse_error.h).
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "parse_error.h"
#include "suggest.h"

/*
 * Writes into BUF the name of token T as messages show it: keywords
 * quoted ('peer'), punctuation as the token table has it (';'), classes of
 * tokens bare (string).
 */
static void
parse_token_name(const struct parse_token *t, char *buf, size_t size)
{
	snprintf(buf, size, t->is_keyword ? "'%s'" : "%s", t->name);
}

/* Whether E's expected tokens include the one the token table names NAME
 * (as "';'"). */
static int
parse_expects(const struct parse_syntax_error *e, const char *name)
{
	int i;

	for (i = 0; i < e->nexpected; i++)
		if (strcmp(e->expected[i].name, name) == 0)
			return 1;
	return 0;
}

/*
 * Copies into BUF (SIZE bytes, at least 8) the source text of SRC from
 * line LINE, column COL (from 1) to just before column END of that line,
 * or, with END 0, to the end of the line followed by " ..." (a statement
 * that goes on). A text too long for BUF is cut short and ends in " ...".
 * Returns 0, or -1 if there is no such text.
 */
static int
parse_text(const struct src_file *src, int line, int col, int end,
    char *buf, size_t size)
{
	const char *text;
	size_t len, from = (size_t)col - 1, to, keep;

	if ((text = src_line(src, line, &len)) == NULL || col < 1 ||
	    from >= len)
		return -1;
	to = end > col && (size_t)end - 1 <= len ? (size_t)end - 1 : len;
	while (to > from && strchr(" \t\r", text[to - 1]) != NULL)
		to--;
	keep = to - from;
	if (end > col && keep < size) {
		snprintf(buf, size, "%.*s", (int)keep, text + from);
		return 0;
	}
	if (keep > size - 5)
		keep = size - 5;
	snprintf(buf, size, "%.*s ...", (int)keep, text + from);
	return 0;
}

/*
 * Reports a missing ';' where it belongs: just after the last token of the
 * statement that lacks it, rather than at the token that showed it missing
 * (at the start of the next line, or a '}'), as a C compiler does. The
 * statement is named by its text. Returns 0 if reported, -1 if the error
 * is of another kind.
 */
static int
parse_missing_semicolon(const struct parse_syntax_error *e)
{
	const struct lex_state *ls = e->ls;
	struct ast_loc loc;
	char text[48];

	if (!parse_expects(e, "';'") || (!e->found_eof &&
	    strcmp(e->found.name, "'}'") != 0 &&
	    e->at->first_line <= ls->prev_end_line))
		return -1;
	/* The statement must start before the token that ends it. */
	if (ls->stmt_line > ls->prev_end_line ||
	    (ls->stmt_line == ls->prev_end_line &&
	    ls->stmt_col >= ls->prev_end_col))
		return -1;
	if (parse_text(e->src, ls->stmt_line, ls->stmt_col,
	    ls->stmt_line == ls->prev_end_line ? ls->prev_end_col : 0, text,
	    sizeof(text)) == -1)
		return -1;
	loc.file = e->src;
	loc.first_line = loc.last_line = ls->prev_end_line;
	loc.first_column = loc.last_column = ls->prev_end_col;
	diag_error(&loc, "expected ';' after '%s'", text);
	return 0;
}

/*
 * Reports an identifier where only keywords (or punctuation) may stand
 * as a misspelled keyword, if one of the keywords expected is near enough
 * to suggest (see suggest.h). Returns 0 if reported, -1 if not.
 */
static int
parse_misspelled_keyword(const struct parse_syntax_error *e)
{
	const struct ast_loc *at = e->at;
	char word[SUGGEST_MAX_LEN + 1];
	struct suggest s;
	int i;

	if (!e->found_ident || at->first_line != at->last_line ||
	    at->last_column - at->first_column >= SUGGEST_MAX_LEN ||
	    parse_text(e->src, at->first_line, at->first_column,
	    at->last_column + 1, word, sizeof(word)) == -1)
		return -1;
	suggest_init(&s, word);
	for (i = 0; i < e->nexpected; i++)
		if (e->expected[i].is_keyword)
			suggest_offer(&s, e->expected[i].name);
	if (suggest_best(&s) == NULL)
		return -1;
	diag_error_hint(at, suggest_best(&s), "unknown keyword '%s'", word);
	return 0;
}

/*
 * Reports a syntax error as "unexpected X, expecting Y or Z" at the
 * location of the unexpected token. When any value may come, the seven
 * kinds of value are named together as "a value"; a list longer than four
 * is left out.
 */
static void
parse_unexpected(const struct parse_syntax_error *e)
{
	const char *names[4], *label;
	char msg[512], name[64], buf[4][64];
	int i, nnames = 0, values = 0, grouped = 0;
	size_t used;

	parse_token_name(&e->found, name, sizeof(name));
	used = (size_t)snprintf(msg, sizeof(msg), "unexpected %s", name);
	for (i = 0; i < e->nexpected; i++)
		values += e->expected[i].is_value;
	/* Names counted past four are not written: the list is left out. */
	for (i = 0; i < e->nexpected; i++) {
		label = NULL;
		if (values == PARSE_VALUE_KINDS && e->expected[i].is_value) {
			if (grouped++)
				continue;
			label = "a value";
		}
		if (nnames < 4 && label == NULL) {
			parse_token_name(&e->expected[i], buf[nnames],
			    sizeof(buf[nnames]));
			label = buf[nnames];
		}
		if (nnames < 4)
			names[nnames] = label;
		nnames++;
	}
	for (i = 0; nnames <= 4 && i < nnames && used < sizeof(msg); i++)
		used += (size_t)snprintf(msg + used, sizeof(msg) - used,
		    "%s%s", i == 0 ? ", expecting " : " or ", names[i]);
	diag_error(e->at, "syntax error, %s", msg);
}

void
parse_report_syntax_error(const struct parse_syntax_error *e)
{
	if (parse_missing_semicolon(e) == -1 &&
	    parse_misspelled_keyword(e) == -1)
		parse_unexpected(e);
}
