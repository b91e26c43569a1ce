/*
 * Diagnostics in a compiler's form:
 *
 *	FILE:LINE:COL: error: MESSAGE
 *	the source line
 *	      ^~~~
 *
 * with "warning:" and "note:" in the same shape. Errors and warnings are
 * counted; a pass that reports an error lets the compiler stop after it.
 */
#ifndef XEDGEC_DIAG_H
#define XEDGEC_DIAG_H

#include "ast.h"

/* LOC may be NULL for a message about no place ("xedgec: error: ..."). */
void diag_error(const struct ast_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void diag_warning(const struct ast_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void diag_note(const struct ast_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

unsigned diag_errors(void);
unsigned diag_warnings(void);

#endif
