/*
 * The scanner's interface to the parser: a reentrant flex scanner over one
 * source file held in memory.
 */
#ifndef XEDGEC_LEXER_H
#define XEDGEC_LEXER_H

struct src_file;

/* Position state the scanner keeps between tokens. */
struct lex_state {
	const struct src_file *src;
	int line, col;		/* where the next token starts */
	int end_line, end_col;	/* just after the last token, for EOF */
	/* Just after the token before the last one: where a missing ';'
	 * belongs when the last one (the parser's lookahead) is wrong. */
	int prev_end_line, prev_end_col;
	/* The first token after the last ';', '{' or '}': where the
	 * statement or item being read starts, to name it in messages. */
	int stmt_line, stmt_col;
	int at_stmt;		/* the next token starts a statement or item */
	int depth;		/* braces open */
};

/* Starts scanning SRC into *SCANNER with LS as its state. Returns 0 or -1. */
int lex_open(void **scanner, struct lex_state *ls, const struct src_file *src);

/* The scanner's position state, for messages about what it has read. */
const struct lex_state *lex_where(void *scanner);

/* Reads on to the end of the block the scanner stands in, if any,
 * freeing the values of the tokens it skips. */
void lex_skip_block(void *scanner);

/* Frees what lex_open allocated. */
void lex_close(void *scanner);

#endif
