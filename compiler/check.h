/*
 * Semantic checks on the whole resolved policy: what the grammar and the
 * types cannot say. Each rule is listed, with its message, in the
 * DIAGNOSTICS section of xedge.policy(5).
 */
#ifndef XEDGEC_CHECK_H
#define XEDGEC_CHECK_H

#include "model.h"

/* Returns 0, or -1 after reporting at least one error (warnings alone do
 * not fail). */
int check_policy(const struct model *m);

#endif
