/*
 * Resolution: from the syntax tree to the model. Constants are substituted
 * (a constant may name another; cycles are errors), values checked against
 * the type each place expects, names of peers bound, items counted (an item
 * that may appear once appears once) and defaults applied.
 */
#ifndef XEDGEC_RESOLVE_H
#define XEDGEC_RESOLVE_H

#include "ast.h"
#include "model.h"

/* Fills M from the statements ST, for a build of the guard of its pair
 * called ROLE (NULL: the policy's one guard, if it has no pair block).
 * Returns 0, or -1 after reporting errors (M is then partly filled; free
 * it with model_free). */
int resolve_policy(const struct ast_stmt *st, const char *role,
    struct model *m);

#endif
