/*
 * The label tables of policy.c (see runtime/policy_types.h, "Security
 * labels") and the rules of the label checks.
 *
 * A label policy's classifications are written sorted by their value in
 * a label, its tag sets by OID and each tag set's categories by value, so
 * that the label stage finds what a label holds by binary search; the
 * rank of a classification and the bit of a category keep the order of
 * the policy. A map of relabelling gives the equivalents of a label
 * policy's classifications in the order of its table, and of its
 * categories by bit, each a pointer into the tables of the label policy
 * mapped into. The label rules come last in the rules table: "label check"
 * (a label invalid, or of no label policy the guard knows) when the
 * policy has a label policy, then one rule per peer-wide clearance, in
 * peer order, then one per clearance for a domain, in peer order and
 * domain order, then one per peer that decides the security label
 * catalogs asked of it (it has a clearance or a catalog statement), in
 * peer order; so a rule of a kind added to the language after another
 * renumbers no rule of the kinds before it.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "source.h"
#include "xmalloc.h"

/* What a table is sorted by: an OID, else a value; I the index in the
 * policy's order. */
struct emit_label_key {
	const char *oid;
	uint32_t lacv;
	size_t i;
};

static int
emit_label_cmp(const void *a, const void *b)
{
	const struct emit_label_key *x = a, *y = b;

	if (x->oid != NULL)
		return strcmp(x->oid, y->oid);
	return (x->lacv > y->lacv) - (x->lacv < y->lacv);
}

/* Returns the N values of V in the order of their value in a label
 * (caller frees). */
static struct emit_label_key *
emit_label_by_value(const struct m_label_value *v, size_t n)
{
	struct emit_label_key *k = xcalloc(n + 1, sizeof(*k));
	size_t i;

	for (i = 0; i < n; i++)
		k[i] = (struct emit_label_key){ NULL, v[i].lacv, i };
	qsort(k, n, sizeof(*k), emit_label_cmp);
	return k;
}

size_t
emit_label_rules_count(const struct model *m)
{
	size_t i, n = m->nlabels > 0;

	for (i = 0; i < m->npeers; i++)
		n += m->peers[i].clearance.given +
		    m->peers[i].ndomain_clearances +
		    model_peer_catalogs(&m->peers[i]);
	return n;
}

/* The index of the label check rule; the clearances' follow it. */
static size_t
emit_label_rule(const struct model *m)
{
	return emit_rules_count(m) - emit_label_rules_count(m);
}

/* The index of the rule of the peer-wide clearance of peer PI. */
static size_t
emit_peer_clearance_rule(const struct model *m, size_t pi)
{
	size_t i, rule = emit_label_rule(m) + 1;

	for (i = 0; i < pi; i++)
		rule += m->peers[i].clearance.given;
	return rule;
}

/* The index of the rule of clearance D (in domain order) of peer PI for
 * one of its domains. */
static size_t
emit_domain_clearance_rule(const struct model *m, size_t pi, size_t d)
{
	size_t i, rule = emit_peer_clearance_rule(m, m->npeers) + d;

	for (i = 0; i < pi; i++)
		rule += m->peers[i].ndomain_clearances;
	return rule;
}

/* The index of the catalog rule of peer PI, which has one. */
static size_t
emit_catalog_rule(const struct model *m, size_t pi)
{
	size_t i, rule = emit_domain_clearance_rule(m, m->npeers, 0);

	for (i = 0; i < pi; i++)
		rule += model_peer_catalogs(&m->peers[i]);
	return rule;
}

/* Where the catalog rule of peer P comes from: its catalog statement,
 * else the clearance that gives it one, its own before a domain's. */
static const struct ast_loc *
emit_catalog_loc(const struct m_peer *p)
{
	if (p->catalog_given)
		return &p->catalog_loc;
	if (p->clearance.given)
		return &p->clearance.loc;
	return &p->domain_clearances[0].clearance.loc;
}

void
emit_label_rules(struct out *o, const struct model *m)
{
	const struct m_domain_clearance *dc;
	const struct m_peer *p;
	size_t i, d;
	char *name;

	if (m->nlabels == 0)
		return;
	emit_rule_entry(o, "label check", &m->labels[0].stmt_loc,
	    VERDICT_BOUNCE, COND_POLICY_VIOLATION, 1);
	for (i = 0; i < m->npeers; i++) {
		p = &m->peers[i];
		if (!p->clearance.given)
			continue;
		name = xstrfmt("clearance of %s", p->name);
		emit_rule_entry(o, name, &p->clearance.loc, VERDICT_BOUNCE,
		    COND_POLICY_VIOLATION, 1);
		free(name);
	}
	for (i = 0; i < m->npeers; i++) {
		p = &m->peers[i];
		for (d = 0; d < p->ndomain_clearances; d++) {
			dc = &p->domain_clearances[d];
			name = xstrfmt("clearance of %s for %s", p->name,
			    dc->domain);
			emit_rule_entry(o, name, &dc->clearance.loc,
			    VERDICT_BOUNCE, COND_POLICY_VIOLATION, 1);
			free(name);
		}
	}
	for (i = 0; i < m->npeers; i++) {
		p = &m->peers[i];
		if (!model_peer_catalogs(p))
			continue;
		name = xstrfmt("catalog of %s", p->name);
		emit_rule_entry(o, name, emit_catalog_loc(p), VERDICT_BOUNCE,
		    COND_POLICY_VIOLATION, 1);
		free(name);
	}
}

/* Writes the initializer of a struct gen_label_bits of the words W. */
static void
emit_label_bits(struct out *o, const uint64_t w[MODEL_LABEL_BITS / 64])
{
	size_t i;

	out_printf(o, "{ {");
	for (i = 0; i < MODEL_LABEL_BITS / 64; i++)
		out_printf(o, " UINT64_C(0x%llx),", (unsigned long long)w[i]);
	out_printf(o, " } }");
}

/* Sets bit B of the words W of a struct gen_label_bits. */
static void
emit_label_bit(uint64_t w[MODEL_LABEL_BITS / 64], unsigned b)
{
	w[b / 64] |= (uint64_t)1 << (b % 64);
}

/* Writes the categories of tag set T of label policy LP (number L), by
 * value, each with the classifications it excludes. */
static void
emit_tagset_categories(struct out *o, const struct m_label_policy *lp,
    size_t l, size_t t)
{
	const struct m_tagset *ts = &lp->tagsets[t];
	struct emit_label_key *k = emit_label_by_value(ts->cats, ts->ncats);
	const struct m_label_value *c;
	uint64_t w[MODEL_LABEL_BITS / 64];
	size_t i, j;

	out_printf(o, "static const struct gen_label_category "
	    "gen_label%zu_tagset%zu_categories[%zu] = {\n", l, t, ts->ncats);
	for (i = 0; i < ts->ncats; i++) {
		c = &ts->cats[k[i].i];
		out_line_policy(o, c->loc.file->path, c->loc.first_line);
		out_printf(o, "\t{ ");
		out_cstring(o, c->name);
		memset(w, 0, sizeof(w));
		for (j = 0; j < c->nexcludes; j++)
			emit_label_bit(w, (unsigned)c->excludes[j].index);
		out_printf(o, ", %lu, %zu, ", (unsigned long)c->lacv,
		    ts->first_bit + k[i].i);
		emit_label_bits(o, w);
		out_printf(o, " },\n");
	}
	out_line_self(o, "policy.c");
	out_printf(o, "};\n");
	free(k);
}

/* Writes the display marking of classification C: its marking, fgcolor
 * and bgcolor (see runtime/policy_types.h), NULL where not given. */
static void
emit_display(struct out *o, const struct m_label_value *c)
{
	size_t d;

	for (d = 0; d < DISPLAY_COUNT; d++) {
		out_printf(o, ", ");
		out_cstring(o, c->display[d]);
	}
}

/* Writes the requirements of classification RANK of label policy LP
 * (number L), if it has any, in the order given. */
static void
emit_requires(struct out *o, const struct m_label_policy *lp, size_t l,
    size_t rank)
{
	static const char *const ops[] = { [REQUIRE_EXACTLY_ONE] = "ONE",
	    [REQUIRE_ONE_OR_MORE] = "SOME", [REQUIRE_ALL] = "ALL" };
	const struct m_label_value *c = &lp->cls[rank];
	const struct m_require *req;
	uint64_t w[MODEL_LABEL_BITS / 64];
	size_t i, j;

	if (c->nrequires == 0)
		return;
	out_printf(o, "static const struct gen_label_require "
	    "gen_label%zu_class%zu_requires[%zu] = {\n", l, rank,
	    c->nrequires);
	for (i = 0; i < c->nrequires; i++) {
		req = &c->requires[i];
		out_line_policy(o, req->loc.file->path, req->loc.first_line);
		memset(w, 0, sizeof(w));
		for (j = 0; j < req->ncats; j++)
			emit_label_bit(w, lp->tagsets[req->cats[j].tagset].
			    first_bit + (unsigned)req->cats[j].index);
		out_printf(o, "\t{ GEN_REQUIRE_%s, ", ops[req->op]);
		emit_label_bits(o, w);
		out_printf(o, " },\n");
	}
	out_line_self(o, "policy.c");
	out_printf(o, "};\n");
}

/* Writes the classifications and tag sets of label policy L. */
static void
emit_label_tables(struct out *o, const struct m_label_policy *lp, size_t l)
{
	struct emit_label_key *k = emit_label_by_value(lp->cls, lp->ncls);
	const struct m_label_value *c;
	const struct m_tagset *ts;
	size_t i;

	for (i = 0; i < lp->ncls; i++)
		emit_requires(o, lp, l, i);
	out_printf(o, "static const struct gen_classification "
	    "gen_label%zu_classifications[%zu] = {\n", l, lp->ncls);
	for (i = 0; i < lp->ncls; i++) {
		c = &lp->cls[k[i].i];
		out_line_policy(o, c->loc.file->path, c->loc.first_line);
		out_printf(o, "\t{ ");
		out_cstring(o, c->name);
		out_printf(o, ", %lu, %zu", (unsigned long)c->lacv, k[i].i);
		emit_display(o, c);
		if (c->nrequires > 0)
			out_printf(o, ", gen_label%zu_class%zu_requires, %zu },"
			    "\n", l, k[i].i, c->nrequires);
		else
			out_printf(o, ", NULL, 0 },\n");
	}
	out_line_self(o, "policy.c");
	out_printf(o, "};\n");
	free(k);
	k = xcalloc(lp->ntagsets + 1, sizeof(*k));
	for (i = 0; i < lp->ntagsets; i++) {
		emit_tagset_categories(o, lp, l, i);
		k[i] = (struct emit_label_key){ lp->tagsets[i].oid, 0, i };
	}
	qsort(k, lp->ntagsets, sizeof(*k), emit_label_cmp);
	if (lp->ntagsets > 0)
		out_printf(o, "static const struct gen_tagset "
		    "gen_label%zu_tagsets[%zu] = {\n", l, lp->ntagsets);
	for (i = 0; i < lp->ntagsets; i++) {
		ts = &lp->tagsets[k[i].i];
		out_pin_policy(o, ts->loc.file->path, ts->loc.first_line);
		out_printf(o, "\t{\n\t\t.name = ");
		out_cstring(o, ts->name);
		out_printf(o, ",\n\t\t.oid = ");
		out_cstring(o, ts->oid);
		out_printf(o, ",\n\t\t.type = GEN_TAG_%s,\n\t\t.enumerated = "
		    "%d,\n\t\t.categories = gen_label%zu_tagset%zu_categories,"
		    "\n\t\t.ncategories = %zu,\n\t},\n",
		    ts->type == TAG_RESTRICTIVE ? "RESTRICTIVE" :
		    ts->type == TAG_PERMISSIVE ? "PERMISSIVE" : "INFORMATIVE",
		    model_tagset_enumerated(ts), l, k[i].i, ts->ncats);
	}
	if (lp->ntagsets > 0) {
		out_line_self(o, "policy.c");
		out_printf(o, "};\n");
	}
	free(k);
}

/* The place of value I of the N of V in their table, sorted by value. */
static size_t
emit_label_place(const struct m_label_value *v, size_t n, size_t i)
{
	size_t j, place = 0;

	for (j = 0; j < n; j++)
		place += v[j].lacv < v[i].lacv;
	return place;
}

/* The place of tag set T of LP in its table, sorted by OID. */
static size_t
emit_tagset_place(const struct m_label_policy *lp, size_t t)
{
	size_t i, place = 0;

	for (i = 0; i < lp->ntagsets; i++)
		place += strcmp(lp->tagsets[i].oid, lp->tagsets[t].oid) < 0;
	return place;
}

/* Writes the tables of map I of label policy L: the equivalents of its
 * classifications, in the order of its table, and of its categories, by
 * bit (NULL where there is none). */
static void
emit_label_map(struct out *o, const struct model *m, size_t l, size_t i)
{
	const struct m_label_policy *lp = &m->labels[l];
	const struct m_label_map *map = &lp->maps[i];
	const struct m_label_policy *to = &m->labels[map->to];
	struct emit_label_key *k = emit_label_by_value(lp->cls, lp->ncls);
	const struct m_tagset *ts;
	const struct m_equiv *e;
	size_t j, n = model_label_ncats(lp);

	out_printf(o, "static const struct gen_classification *const "
	    "gen_label%zu_map%zu_classifications[%zu] = {\n", l, i, lp->ncls);
	for (j = 0; j < lp->ncls; j++) {
		e = &map->cls[k[j].i];
		if (!e->given || e->none) {
			out_printf(o, "\tNULL,\n");
			continue;
		}
		out_line_policy(o, e->loc.file->path, e->loc.first_line);
		out_printf(o, "\t&gen_label%zu_classifications[%zu],\t/* ",
		    map->to, emit_label_place(to->cls, to->ncls, e->to));
		emit_comment_text(o, to->cls[e->to].name);
		out_printf(o, " */\n");
	}
	out_line_self(o, "policy.c");
	out_printf(o, "};\n");
	free(k);
	if (n == 0)
		return;
	out_printf(o, "static const struct gen_label_map_category "
	    "gen_label%zu_map%zu_categories[%zu] = {\n", l, i, n);
	for (j = 0; j < n; j++) {
		e = &map->cats[j];
		if (!e->given || e->none) {
			out_printf(o, "\t{ NULL, NULL },\n");
			continue;
		}
		ts = &to->tagsets[e->tagset];
		out_line_policy(o, e->loc.file->path, e->loc.first_line);
		out_printf(o, "\t{ &gen_label%zu_tagsets[%zu], "
		    "&gen_label%zu_tagset%zu_categories[%zu] },\t/* ",
		    map->to, emit_tagset_place(to, e->tagset), map->to,
		    e->tagset, emit_label_place(ts->cats, ts->ncats, e->to));
		emit_comment_text(o, ts->cats[e->to].name);
		out_printf(o, " */\n");
	}
	out_line_self(o, "policy.c");
	out_printf(o, "};\n");
}

/* Writes the maps of label policy L, if it has any, in the order of
 * the label policies they map into (as the runtime looks them up). */
static void
emit_label_maps(struct out *o, const struct model *m, size_t l)
{
	const struct m_label_policy *lp = &m->labels[l];
	size_t i;

	if (lp->nmaps == 0)
		return;
	for (i = 0; i < lp->nmaps; i++)
		emit_label_map(o, m, l, i);
	out_printf(o, "static const struct gen_label_map gen_label%zu_maps[%zu] "
	    "= {\n", l, lp->nmaps);
	for (i = 0; i < lp->nmaps; i++) {
		out_pin_policy(o, lp->maps[i].loc.file->path,
		    lp->maps[i].loc.first_line);
		out_printf(o, "\t{\n\t\t.to = &gen_label_policies[%zu],\n"
		    "\t\t.classifications = gen_label%zu_map%zu_classifications,"
		    "\n", lp->maps[i].to, l, i);
		if (model_label_ncats(lp) > 0)
			out_printf(o, "\t\t.categories = "
			    "gen_label%zu_map%zu_categories,\n"
			    "\t\t.ncategories = %zu,\n", l, i,
			    model_label_ncats(lp));
		out_printf(o, "\t},\n");
	}
	out_line_self(o, "policy.c");
	out_printf(o, "};\n");
}

/* Writes the .clearance initializer of clearance C, denied by rule
 * number RULE, at the depth of a peer's members. */
static void
emit_clearance(struct out *o, const struct model *m,
    const struct m_clearance *c, size_t rule)
{
	const struct m_label_policy *lp = &m->labels[c->policy];
	uint64_t held[MODEL_LABEL_BITS / 64] = { 0 };
	size_t i;

	for (i = 0; i < c->nheld; i++)
		emit_label_bit(held, M_HELD_BIT(lp, &c->held[i]));
	out_pin_policy(o, c->loc.file->path, c->loc.first_line);
	out_printf(o, "\t\t.clearance = {\n\t\t\t.policy = "
	    "&gen_label_policies[%zu],\n\t\t\t.rank = %zu,\t/* ", c->policy,
	    c->rank);
	emit_comment_text(o, lp->cls[c->rank].name);
	out_printf(o, " */\n\t\t\t.held = ");
	emit_label_bits(o, held);
	out_printf(o, ",\n\t\t\t.rule = %zu,\n\t\t},\n", rule);
}

/* Writes the clearances of peer PI for a domain, by domain (as the model
 * holds them), if it has any. */
static void
emit_domain_clearances(struct out *o, const struct model *m, size_t pi)
{
	const struct m_peer *p = &m->peers[pi];
	size_t i, n = p->ndomain_clearances;

	if (n == 0)
		return;
	out_printf(o, "static const struct gen_domain_clearance "
	    "gen_peer%zu_domain_clearances[%zu] = {\n", pi, n);
	for (i = 0; i < n; i++) {
		out_printf(o, "\t{\n\t\t.domain = ");
		out_cstring(o, p->domain_clearances[i].domain);
		out_printf(o, ",\n");
		emit_clearance(o, m, &p->domain_clearances[i].clearance,
		    emit_domain_clearance_rule(m, pi, i));
		out_printf(o, "\t},\n");
	}
	out_line_self(o, "policy.c");
	out_printf(o, "};\n");
}

void
emit_labels(struct out *o, const struct model *m)
{
	const struct m_label_policy *lp;
	size_t l, maps = 0;

	if (m->nlabels == 0)
		return;
	for (l = 0; l < m->nlabels; l++) {
		emit_label_tables(o, &m->labels[l], l);
		maps += m->labels[l].nmaps;
	}
	/* A map points at the label policy it maps into. */
	if (maps > 0)
		out_printf(o, "static const struct gen_label_policy "
		    "gen_label_policies[%zu];\n", m->nlabels);
	for (l = 0; l < m->nlabels; l++)
		emit_label_maps(o, m, l);
	out_printf(o, "static const struct gen_label_policy "
	    "gen_label_policies[%zu] = {\n", m->nlabels);
	for (l = 0; l < m->nlabels; l++) {
		lp = &m->labels[l];
		out_pin_policy(o, lp->loc.file->path, lp->loc.first_line);
		out_printf(o, "\t{\n\t\t.name = ");
		out_cstring(o, lp->name);
		out_printf(o, ",\n\t\t.oid = ");
		out_cstring(o, lp->oid);
		out_printf(o, ",\n\t\t.classifications = "
		    "gen_label%zu_classifications,\n"
		    "\t\t.nclassifications = %zu,\n", l, lp->ncls);
		if (lp->ntagsets > 0)
			out_printf(o, "\t\t.tagsets = gen_label%zu_tagsets,\n"
			    "\t\t.ntagsets = %zu,\n", l, lp->ntagsets);
		if (lp->missing >= 0)
			out_printf(o, "\t\t.missing = "
			    "&gen_label%zu_classifications[%zu],\n", l,
			    emit_label_place(lp->cls, lp->ncls,
			    (size_t)lp->missing));
		else
			out_printf(o, "\t\t.missing = NULL,\n");
		if (lp->nmaps > 0)
			out_printf(o, "\t\t.maps = gen_label%zu_maps,\n"
			    "\t\t.nmaps = %zu,\n", l, lp->nmaps);
		out_printf(o, "\t\t.keep_original = %d,\n",
		    lp->keep_original);
		out_printf(o, "\t},\n");
	}
	out_line_self(o, "policy.c");
	out_printf(o, "};\n\n");
	for (l = 0; l < m->npeers; l++)
		emit_domain_clearances(o, m, l);
}

/* Writes the .catalog and .catalog_rule initializers of peer PI, if it
 * has a catalog rule (forward, the default, left out), at the depth of a
 * peer's members. */
static void
emit_catalog(struct out *o, const struct model *m, size_t pi)
{
	static const char *const modes[] = { [CATALOG_FORWARD] = "FORWARD",
	    [CATALOG_ANSWER] = "ANSWER", [CATALOG_BLOCK] = "BLOCK" };
	const struct m_peer *p = &m->peers[pi];

	if (!model_peer_catalogs(p))
		return;
	if (p->catalog_given)
		out_pin_policy(o, p->catalog_loc.file->path,
		    p->catalog_loc.first_line);
	if (p->catalog != CATALOG_FORWARD)
		out_printf(o, "\t\t.catalog = GEN_CATALOG_%s,\n",
		    modes[p->catalog]);
	out_printf(o, "\t\t.catalog_rule = %zu,\n", emit_catalog_rule(m, pi));
	if (p->catalog_given)
		out_pin_policy(o, p->loc.file->path, p->loc.first_line);
}

void
emit_labels_peer(struct out *o, const struct model *m, size_t pi)
{
	const struct m_peer *p = &m->peers[pi];

	/* A peer without a clearance leaves it all-zero. */
	if (p->clearance.given)
		emit_clearance(o, m, &p->clearance,
		    emit_peer_clearance_rule(m, pi));
	if (p->ndomain_clearances > 0)
		out_printf(o, "\t\t.domain_clearances = "
		    "gen_peer%zu_domain_clearances,\n"
		    "\t\t.ndomain_clearances = %zu,\n", pi,
		    p->ndomain_clearances);
	if (p->clearance.given)
		out_pin_policy(o, p->loc.file->path, p->loc.first_line);
	emit_catalog(o, m, pi);
}

void
emit_labels_policy(struct out *o, const struct model *m)
{
	out_printf(o, "\t.label_policies = %s,\n\t.nlabel_policies = %zu,\n"
	    "\t.label_rule = %zu,\n", m->nlabels > 0 ? "gen_label_policies" :
	    "NULL", m->nlabels, m->nlabels > 0 ? emit_label_rule(m) : 0);
}
