/*
 * Reading a policy: the main file and, in place of each include statement,
 * the statements of the file it names.
 */
#ifndef XEDGEC_INCLUDE_H
#define XEDGEC_INCLUDE_H

#include "ast.h"

/*
 * Reads and parses PATH and every file it includes, depth first, and sets
 * *OUT to all their statements in that order (caller frees with
 * ast_free_stmts). An include names a file relative to the directory of the
 * file that includes it; a file that would include itself, directly or not,
 * is an error. Returns 0, or -1 after reporting errors.
 */
int incl_read_policy(const char *path, struct ast_stmt **out);

/* Returns PATH, a file named in the policy file FROM, joined to the
 * directory of FROM unless absolute (caller frees). */
char *incl_join(const char *from, const char *path);

#endif
