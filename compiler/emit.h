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

/* Writes one entry of the rules table, named NAME, from the statement at
 * LOC, with verdict V (a bounce with condition COND) and ALERT. */
void emit_rule_entry(struct out *o, const char *name,
    const struct ast_loc *loc, enum ast_verdict v, enum ast_cond cond,
    int alert);

/* emit_filters.c: the number of rules the filters make (the last of the
 * rules table); their entries of the rules table; the filter tables
 * (before the peer table); a peer's .filters initializers; gen_policy's
 * content members; content.rl, the namespace machine. */
size_t emit_filter_rules_count(const struct model *m);
void emit_filter_rules(struct out *o, const struct model *m);
void emit_filters(struct out *o, const struct model *m);
void emit_filters_peer(struct out *o, const struct model *m, size_t peer);
void emit_filters_policy(struct out *o, const struct model *m);
void emit_content_rl(struct out *o, const struct model *m);

/* emit_labels.c: the number of rules the labels make (the last of the
 * rules table); their entries of the rules table; the label tables
 * (before the peer table); a peer's .clearance initializer; gen_policy's
 * label members. */
size_t emit_label_rules_count(const struct model *m);
void emit_label_rules(struct out *o, const struct model *m);
void emit_labels(struct out *o, const struct model *m);
void emit_labels_peer(struct out *o, const struct model *m, size_t peer);
void emit_labels_policy(struct out *o, const struct model *m);

/* Writes text.rl, the machine of the words and patterns (pattern.h). */
void emit_text_rl(struct out *o, const struct model *m);

/* emit_tests.c: policy_tests.c, the table of the policy's tests. */
void emit_tests(struct out *o, const struct model *m);

/* The runtime's name of verdict V (enum gen_verdict). */
const char *emit_verdict(enum ast_verdict v);

/* Writes S for a comment (C or ragel): control bytes, bytes above ASCII
 * and the end of a C comment become '?'. */
void emit_comment_text(struct out *o, const char *s);

/* Writes the comment that opens every generated file. */
void emit_header(struct out *o, const struct model *m);

#endif
