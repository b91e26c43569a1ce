/*
 * The report's account of security labels: each label policy's handling
 * of a stanza without a label and its own rules, what each peer, and each
 * domain with a clearance of its own, is cleared for, what becomes of the
 * security label catalogs asked of each peer, and what labels may cross
 * between each pair of them of different peers: within one label policy,
 * or relabelled from one into the other.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"
#include "report_int.h"
#include "xmalloc.h"

/* Returns the categories clearance C holds, and clearance ALSO too if not
 * NULL, of tag sets of type TYPE (any if negative), in bit order, joined
 * by ", " (caller frees), or NULL if there are none. */
static char *
report_held(const struct m_label_policy *lp, const struct m_clearance *c,
    const struct m_clearance *also, int type)
{
	char *held = NULL;
	size_t t, k;

	for (t = 0; t < lp->ntagsets; t++)
		for (k = 0; (type < 0 || lp->tagsets[t].type ==
		    (enum ast_tag_type)type) && k < lp->tagsets[t].ncats; k++)
			if (model_clearance_holds(c, t, k) && (also == NULL ||
			    model_clearance_holds(also, t, k)))
				report_cat(&held, ", ",
				    lp->tagsets[t].cats[k].name);
	return held;
}

/* Returns the names of the classifications (TAGSETS 0) or categories
 * the N references REFS of LP name, in the order of the label policy,
 * joined by ", " (caller frees). */
static char *
report_refs(const struct m_label_policy *lp, int tagsets,
    const struct m_label_ref *refs, size_t n)
{
	char *names = NULL;
	size_t t, k;

	for (k = 0; !tagsets && k < lp->ncls; k++)
		if (model_label_named(refs, n, 0, k))
			report_cat(&names, ", ", lp->cls[k].name);
	for (t = 0; tagsets && t < lp->ntagsets; t++)
		for (k = 0; k < lp->tagsets[t].ncats; k++)
			if (model_label_named(refs, n, t, k))
				report_cat(&names, ", ",
				    lp->tagsets[t].cats[k].name);
	return names;
}

/* The bullet of the rules of LP, if it has any: what a label of each
 * classification carries, and which classifications each category
 * excludes. */
static void
report_rules(struct report *r, const struct m_label_policy *lp)
{
	static const char *const ops[] = {
		[REQUIRE_EXACTLY_ONE] = "exactly one",
		[REQUIRE_ONE_OR_MORE] = "one or more",
		[REQUIRE_ALL] = "all",
	};
	const struct m_label_value *v;
	const struct m_require *req;
	char *rules = NULL, *names, *text;
	size_t i, t;

	for (i = 0; i < lp->ncls; i++) {
		for (t = 0; t < lp->cls[i].nrequires; t++) {
			req = &lp->cls[i].requires[t];
			names = report_refs(lp, 1, req->cats, req->ncats);
			text = xstrfmt("a label of %s carries %s of %s",
			    lp->cls[i].name, ops[req->op], names);
			report_cat(&rules, "; ", text);
			free(text);
			free(names);
		}
	}
	for (t = 0; t < lp->ntagsets; t++) {
		for (i = 0; i < lp->tagsets[t].ncats; i++) {
			v = &lp->tagsets[t].cats[i];
			if (v->nexcludes == 0)
				continue;
			names = report_refs(lp, 0, v->excludes, v->nexcludes);
			text = xstrfmt("a label carrying %s is of none of %s",
			    v->name, names);
			report_cat(&rules, "; ", text);
			free(text);
			free(names);
		}
	}
	if (rules == NULL)
		return;
	text = xstrfmt("label policy %s refuses, whatever the clearance, a "
	    "label that breaks its rules: %s", lp->name, rules);
	report_bullet(r, text);
	free(text);
	free(rules);
}

/* Returns who A and B are, as the start of a pair's bullet (caller
 * frees). */
static char *
report_pair_names(const struct m_cleared *a,
    const struct m_cleared *b)
{
	char *na, *nb, *text;

	if (a->domain == NULL && b->domain == NULL)
		return xstrfmt("peers %s and %s", a->peer->name,
		    b->peer->name);
	na = model_cleared_name(a, "");
	nb = model_cleared_name(b, "");
	text = xstrfmt("%s and %s", na, nb);
	free(na);
	free(nb);
	return text;
}

/* Adds to *TO "NAME as EQUIVALENT" for E, the equivalent of NAME in Y
 * (a category's if CATS), or adds NAME to *NONE if it has none. */
static void
report_equiv(char **to, char **none, const char *name,
    const struct m_label_policy *y, int cats, const struct m_equiv *e)
{
	char *item;

	if (!e->given || e->none) {
		report_cat(none, ", ", name);
		return;
	}
	item = xstrfmt("%s as %s", name, cats ?
	    y->tagsets[e->tagset].cats[e->to].name : y->cls[e->to].name);
	report_cat(to, ", ", item);
	free(item);
}

/*
 * The bullet of how labels cross from A to B, cleared in different label
 * policies: relabelled into B's through the equivalences of A's, for
 * each classification and category a label A may send may carry, and
 * then decided against B's clearance.
 */
static void
report_relabel(struct report *r, const struct m_cleared *a,
    const struct m_cleared *b)
{
	const struct m_label_policy *x = &r->m->labels[a->c->policy];
	const struct m_label_policy *y = &r->m->labels[b->c->policy];
	const struct m_label_map *map = model_label_map(x, b->c->policy);
	char *na = model_cleared_name(a, ""), *nb = model_cleared_name(b, "");
	char *cls = NULL, *cats = NULL, *none = NULL, *text;
	size_t i, t, k;

	for (i = 0; map != NULL && i <= a->c->rank; i++)
		report_equiv(&cls, &none, x->cls[i].name, y, 0, &map->cls[i]);
	for (t = 0; map != NULL && t < x->ntagsets; t++)
		for (k = 0; k < x->tagsets[t].ncats; k++)
			if (model_clearance_may_carry(x, a->c, t, k))
				report_equiv(&cats, &none,
				    x->tagsets[t].cats[k].name, y, 1,
				    &map->cats[x->tagsets[t].first_bit + k]);
	text = xstrfmt("from %s to %s, a label of %s crosses relabelled "
	    "into %s, its original %s, if its equivalent is within the "
	    "clearance of %s: classifications %s%s%s%s%s%s", na, nb,
	    x->name, y->name, y->keep_original ? "kept as an equivalent "
	    "label" : "replaced", nb, cls != NULL ? cls : "none",
	    cats != NULL ? "; categories " : "", cats != NULL ? cats : "",
	    none != NULL ? "; no equivalent for " : "",
	    none != NULL ? none : "", none != NULL ? " (a label carrying "
	    "one does not cross)" : "");
	report_bullet(r, text);
	free(text);
	free(na);
	free(nb);
	free(cls);
	free(cats);
	free(none);
}

/* The bullets of what labels may cross between A and B, both cleared: a
 * label must pass both clearances, relabelled on its way if they are of
 * different label policies. */
static void
report_pair(struct report *r, const struct m_cleared *a,
    const struct m_cleared *b)
{
	const struct m_label_policy *lp = &r->m->labels[a->c->policy];
	size_t rank = a->c->rank < b->c->rank ? a->c->rank : b->c->rank;
	char *names, *text, *restrictive, *permissive;

	if (a->c->policy != b->c->policy) {
		report_relabel(r, a, b);
		report_relabel(r, b, a);
		return;
	}
	names = report_pair_names(a, b);
	restrictive = report_held(lp, a->c, b->c, TAG_RESTRICTIVE);
	permissive = report_held(lp, a->c, b->c, TAG_PERMISSIVE);
	text = xstrfmt("between %s, either way, labels of %s up to %s "
	    "cross, with restrictive categories among %s, and of each "
	    "permissive tag set they name at least one of %s", names,
	    lp->name, lp->cls[rank].name, restrictive != NULL ?
	    restrictive : "none", permissive != NULL ? permissive : "none");
	report_bullet(r, text);
	free(text);
	free(names);
	free(restrictive);
	free(permissive);
}

/* The bullet of what X is cleared for. */
static void
report_cleared(struct report *r, const struct m_cleared *x)
{
	const struct m_label_policy *lp = &r->m->labels[x->c->policy];
	char *name = model_cleared_name(x, ""), *held, *text;

	held = report_held(lp, x->c, NULL, -1);
	text = xstrfmt("%s is cleared up to %s in label policy %s, holding "
	    "%s", name, lp->cls[x->c->rank].name, lp->name, held != NULL ?
	    held : "no category");
	report_bullet(r, text);
	free(text);
	free(held);
	free(name);
}

/* The bullet of what becomes of the security label catalogs asked of
 * peer P, if it has a catalog rule. */
static void
report_catalog(struct report *r, const struct m_peer *p)
{
	static const char *const what[] = {
		[CATALOG_FORWARD] = "are let through, and its answers keep "
		    "only the labels that may cross",
		[CATALOG_ANSWER] = "are answered by the guard, with the "
		    "labels that may cross to it",
		[CATALOG_BLOCK] = "are refused",
	};
	char *text;

	if (!model_peer_catalogs(p))
		return;
	text = xstrfmt("security label catalogs asked of peer %s %s",
	    p->name, what[p->catalog]);
	report_bullet(r, text);
	free(text);
}

void
report_clearances(struct report *r)
{
	const struct model *m = r->m;
	const struct m_label_policy *lp;
	struct m_cleared *all;
	const struct m_peer *p;
	char *text, *spif;
	size_t i, j, n;

	if (m->nlabels == 0)
		return;
	report_para(r, "Security labels (XEP-0258, an ESS label inside) are "
	    "checked against the clearances of the peers a stanza comes from "
	    "and goes to: its classification may not be above a clearance's, "
	    "a clearance must hold every restrictive category of the label "
	    "and one of the permissive ones of each tag set. A label that is "
	    "invalid, or of a label policy not listed here, never crosses.");
	for (i = 0; i < m->nlabels; i++) {
		lp = &m->labels[i];
		text = lp->missing >= 0 ? xstrfmt("label policy %s (OID %s): "
		    "a stanza without a label is taken to be %s", lp->name,
		    lp->oid, lp->cls[lp->missing].name) : xstrfmt("label "
		    "policy %s (OID %s): a stanza without a label is refused",
		    lp->name, lp->oid);
		if (lp->spif != NULL) {
			spif = xstrfmt("%s; it is read from the SPIF %s, "
			    "which calls it %s", text, lp->spif,
			    lp->spif_name);
			free(text);
			text = spif;
		}
		report_bullet(r, text);
		free(text);
		report_rules(r, lp);
	}
	all = model_clearances(m, &n);
	for (i = j = 0; i < m->npeers; i++) {
		p = &m->peers[i];
		if (model_peer_uncleared(p)) {
			text = xstrfmt(p->ndomain_clearances == 0 ?
			    "peer %s has no clearance: labels of stanzas to "
			    "and from it are not checked" : "peer %s has no "
			    "clearance of its own: labels of stanzas to and "
			    "from its domains without one are not checked",
			    p->name);
			report_bullet(r, text);
			free(text);
		}
		for (; j < n && all[j].peer == p; j++)
			report_cleared(r, &all[j]);
		report_catalog(r, p);
	}
	/* Stanzas between domains of one peer do not cross the guard. */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (all[i].peer != all[j].peer)
				report_pair(r, &all[i], &all[j]);
	free(all);
	/* The list ends as a paragraph does. */
	fputc('\n', r->fp);
}
