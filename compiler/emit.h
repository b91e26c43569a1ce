/*
 * The emitters: C tables (policy.h, policy.c) and ragel machines
 * (domains.rl) from a checked model. Same model, same bytes: nothing
 * depends on time, the environment or the order of hash tables.
 */
#ifndef XEDGEC_EMIT_H
#define XEDGEC_EMIT_H

#include "model.h"
#include "out.h"

/* Writes DIR/policy.h and DIR/policy.c. Returns 0 or -1 (reported). */
int emit_c(const struct model *m, const char *dir);

/* Writes DIR/domains.rl. Returns 0 or -1 (reported). */
int emit_rl(const struct model *m, const char *dir);

/* Writes the comment that opens every generated file. */
void emit_header(struct out *o, const struct model *m);

#endif
