/*
 * The rules table and the decision function of policy.c. A rule is one thing
 * the policy decides, with the statement it comes from: the runtime counts
 * verdicts and raises alerts per rule index, so that an operator sees which
 * line of the accredited policy passed, dropped or bounced a stanza.
 *
 * Indices are fixed by construction: the built-in rules of
 * runtime/policy_types.h first, then EMIT_RULES_PER_PEER rules for each peer
 * in policy order, then the filters' rules (emit_filters.c), then the
 * labels' (emit_labels.c), so that a policy without labels keeps its
 * numbers. emit_rules_peer() gives a peer's indices to the peer
 * table; emit_rules() writes the table and gen_decide().
 */
#include <string.h>

#include "emit.h"
#include "source.h"

/* A peer's rules, in the order of struct gen_peer_rules. */
enum emit_peer_rule {
	EMIT_RULE_ROUTE = 0,
	EMIT_RULE_STANZA_SIZE,
	EMIT_RULE_QUEUE,
	EMIT_RULE_PROTOCOL,
	EMIT_RULES_PER_PEER
};

/* The built-in rules of runtime/policy_types.h, in its order. */
static const struct {
	const char *name;
	const char *verdict;
	int alert;		/* a violation by the sender */
} emit_builtin[] = {
	{ "address", "GEN_VERDICT_BOUNCE", 1 },
	{ "structure", "GEN_VERDICT_BOUNCE", 1 },
	{ "no-route", "GEN_VERDICT_BOUNCE", 0 },
	{ "loop", "GEN_VERDICT_BOUNCE", 0 },
	{ "resources", "GEN_VERDICT_BOUNCE", 0 },
};
#define EMIT_NBUILTIN (sizeof(emit_builtin) / sizeof(emit_builtin[0]))

static size_t
emit_rule_index(size_t peer, enum emit_peer_rule r)
{
	return EMIT_NBUILTIN + peer * EMIT_RULES_PER_PEER + r;
}

size_t
emit_rules_count(const struct model *m)
{
	return EMIT_NBUILTIN + m->npeers * EMIT_RULES_PER_PEER +
	    emit_filter_rules_count(m) + emit_label_rules_count(m);
}

void
emit_rules_peer(struct out *o, size_t peer)
{
	out_printf(o, "\t\t.rules = { .route = %zu, .stanza_size = %zu, "
	    ".queue = %zu, .protocol = %zu },\n",
	    emit_rule_index(peer, EMIT_RULE_ROUTE),
	    emit_rule_index(peer, EMIT_RULE_STANZA_SIZE),
	    emit_rule_index(peer, EMIT_RULE_QUEUE),
	    emit_rule_index(peer, EMIT_RULE_PROTOCOL));
}

/* Writes one gen_rule entry named "peer NAME WHAT" (WHAT NULL: "route
 * NAME") from the statement at LOC; a route passes, a limit bounces, and
 * only a size limit is the sender's violation. */
static void
emit_rule(struct out *o, const struct m_peer *p, const char *what,
    const struct ast_loc *loc)
{
	int size = what != NULL && strcmp(what, "stanza-size") == 0;

	out_line_policy(o, loc->file->path, loc->first_line);
	/* One line, so that the #line above covers all of it; it holds a
	 * line field, which comparisons of two builds leave out. */
	out_printf(o, "\t{ .name = \"%s %s%s%s\", .file = ", what ? "peer" :
	    "route", p->name, what ? " " : "", what ? what : "");
	out_cstring(o, loc->file->path);
	out_printf(o, ", .line = %d, .verdict = %s, .alert = %d },\n",
	    loc->first_line, what == NULL ? "GEN_VERDICT_PASS" :
	    "GEN_VERDICT_BOUNCE", size);
}

void
emit_rule_entry(struct out *o, const char *name, const struct ast_loc *loc,
    enum ast_verdict v, enum ast_cond cond, int alert)
{
	out_line_policy(o, loc->file->path, loc->first_line);
	out_printf(o, "\t{ .name = ");
	out_cstring(o, name);
	out_printf(o, ", .file = ");
	out_cstring(o, loc->file->path);
	out_printf(o, ", .line = %d, .verdict = %s, .cond = %s, .alert = %d "
	    "},\n", loc->first_line, emit_verdict(v),
	    cond == COND_NOT_ACCEPTABLE ? "GEN_COND_NOT_ACCEPTABLE" :
	    "GEN_COND_POLICY_VIOLATION", alert);
}

void
emit_rules(struct out *o, const struct model *m)
{
	const struct m_peer *p;
	size_t i;

	out_printf(o, "static const struct gen_rule gen_rules[GEN_NRULES] = "
	    "{\n");
	for (i = 0; i < EMIT_NBUILTIN; i++)
		out_printf(o, "\t{ .name = \"%s\", .file = NULL, "
		    ".line = 0, .verdict = %s, .alert = %d },\n",
		    emit_builtin[i].name, emit_builtin[i].verdict,
		    emit_builtin[i].alert);
	for (i = 0; i < m->npeers; i++) {
		p = &m->peers[i];
		/* Peer names are identifiers: no quoting needed. */
		emit_rule(o, p, NULL, &p->domains[0].loc);
		emit_rule(o, p, "stanza-size",
		    model_peer_limit_loc(m, p, LIMIT_STANZA_SIZE));
		emit_rule(o, p, "queue-length",
		    model_peer_limit_loc(m, p, LIMIT_QUEUE_LENGTH));
		emit_rule(o, p, "protocol", &p->protocol_loc);
	}
	emit_filter_rules(o, m);
	emit_label_rules(o, m);
	out_line_self(o, "policy.c");
	out_printf(o, "};\n\n");
	/* No content rule exists yet: a routed stanza passes by the route
	 * that took it. Content controls add their rules here. */
	out_printf(o, "void\ngen_decide(const struct gen_facts *f, "
	    "struct gen_decision *d)\n{\n"
	    "\td->verdict = GEN_VERDICT_PASS;\n"
	    "\td->rule = gen_peers[f->dst_peer].rules.route;\n}\n\n");
}
