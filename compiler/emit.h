/*
 * The emitters: C tables (policy.h, policy.c) and ragel machines
 * (domains.rl) from a checked model. Same model, same bytes: nothing
 * depends on time, the environment or the order of hash tables.
 */
#ifndef XEDGEC_EMIT_H
#define XEDGEC_EMIT_H

#include "model.h"
#include "out.h"

/* Writes policy.h into H and policy.c into C. */
void emit_c(const struct model *m, struct out *h, struct out *c);

/* Writes domains.rl into RL. */
void emit_rl(const struct model *m, struct out *rl);

/* The number of rules of M's table (GEN_NRULES). */
size_t emit_rules_count(const struct model *m);

/* Writes the .rules initializer of peer number PEER of the peer table. */
void emit_rules_peer(struct out *o, size_t peer);

/* Writes the rules table and gen_decide() into policy.c; the peer table
 * (gen_peers) must precede them. */
void emit_rules(struct out *o, const struct model *m);

/* Writes the comment that opens every generated file. */
void emit_header(struct out *o, const struct model *m);

#endif
