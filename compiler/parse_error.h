/*
 * Syntax errors of the policy language, reported in the most telling form
 * that fits (parse_error.c): a missing ';' at the end of the statement
 * that lacks it, a misspelled keyword with the keyword meant, else the
 * token found and those expected. The parser (parser.y) describes the
 * tokens by the names its token table gives them; nothing here depends
 * on the generated parser.
 */
#ifndef XEDGEC_PARSE_ERROR_H
#define XEDGEC_PARSE_ERROR_H

#include "ast.h"
#include "lexer.h"
#include "source.h"

/* The kinds of token that make a value (string, identifier, address,
 * version, number, duration, size). */
#define PARSE_VALUE_KINDS 7

/* A token as the parser's token table names it: a keyword by its
 * spelling ("peer"), punctuation quoted ("';'"), other kinds by a name
 * ("string", "end of file"). */
struct parse_token {
	const char *name;
	int is_value;			/* one of the PARSE_VALUE_KINDS */
	int is_keyword;
};

/* What the parser saw where it could not go on. */
struct parse_syntax_error {
	const struct src_file *src;
	const struct lex_state *ls;	/* where the lexer stands */
	const struct ast_loc *at;	/* the token found */
	struct parse_token found;
	int found_ident, found_eof;
	const struct parse_token *expected;	/* what could have come */
	int nexpected;
};

/* Reports syntax error E (diag.h). */
void parse_report_syntax_error(const struct parse_syntax_error *e);

#endif
