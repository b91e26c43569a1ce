/*
 * Diagnostics in a compiler's form:
 *
 *	FILE:LINE:COL: error: MESSAGE
 *	the source line
 *	      ^~~~
 *
 * with "warning:" and "note:" in the same shape. Errors and warnings are
 * counted. A place in a file read as data (a SPIF, see source.h) is shown
 * at the statement that names the file, the message starting with the
 * file's name and line:
 *
 *	FILE:LINE:COL: error: DATAFILE:LINE: MESSAGE
 *
 * Every pass runs, even after an earlier one reported errors, so that one
 * run shows every mistake of a file; the compiler stops before it emits.
 * Two things keep a mistake from being reported twice over: an error of
 * a later pass at the very place of an error of an earlier pass is the
 * same mistake seen again (a number the scanner could not read, then
 * found out of range) and is not printed, nor are its notes; and a pass
 * may ask whether an earlier one reported errors within a statement, whose
 * parts may then be missing (see diag_reported_between).
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

/*
 * An error with a suggestion: the message, then, if HINT is not NULL,
 * "; did you mean 'HINT'?" (see suggest.h for how HINT is found).
 */
void diag_error_hint(const struct ast_loc *loc, const char *hint,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

unsigned diag_errors(void);
unsigned diag_warnings(void);

/* Begins the next pass: errors reported from now on are of that pass. */
void diag_next_pass(void);

/*
 * Whether an earlier pass reported an error in the file of FROM, at or
 * after the start of FROM and before the start of TO (TO NULL, or in
 * another file: to the end of the file). FROM NULL asks about any place:
 * whether an earlier pass reported any error at all.
 */
int diag_reported_between(const struct ast_loc *from,
    const struct ast_loc *to);

/* Forgets the places and passes of the errors reported (the source files
 * they point into are about to be freed); the counts stay. */
void diag_forget(void);

#endif
