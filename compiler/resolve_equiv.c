/*
 * Resolution of the equivalences between label policies (xedge.policy(5),
 * LABELS, "Equivalences"): how the labels of one are relabelled into
 * another. They are resolved once every label policy is read, for each
 * names another that may come after it: the equivalent statements
 * first, then the equivalences of the SPIFs, so that one a SPIF gives
 * and a statement contradicts is reported at the SPIF. Whether a map
 * keeps the types of categories and the order of classifications, and
 * covers what peers may send, is judged by the checks (check_equiv.c).
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "resolve_int.h"
#include "xmalloc.h"

/* Returns the map of label policy FROM into label policy TO, made empty
 * at LOC if there is none yet (maps are kept in the order of their
 * targets). The map is valid until the next is made. */
static struct m_label_map *
resolve_map(struct model *m, size_t from, size_t to,
    const struct ast_loc *loc)
{
	struct m_label_policy *lp = &m->labels[from];
	struct m_label_map *map;
	size_t i;

	for (i = 0; i < lp->nmaps && lp->maps[i].to < to; i++)
		;
	if (i < lp->nmaps && lp->maps[i].to == to)
		return &lp->maps[i];
	lp->maps = xreallocarray(lp->maps, lp->nmaps + 1, sizeof(*lp->maps));
	map = &lp->maps[i];
	memmove(map + 1, map, (lp->nmaps++ - i) * sizeof(*map));
	memset(map, 0, sizeof(*map));
	map->to = to;
	map->loc = *loc;
	map->cls = xcalloc(lp->ncls + 1, sizeof(*map->cls));
	map->cats = xcalloc(model_label_ncats(lp) + 1, sizeof(*map->cats));
	return map;
}

/* The index of the label policy of M called NAME, or -1. */
static int
resolve_label_named(const struct model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nlabels && strcmp(m->labels[i].name, name) != 0;
	    i++)
		;
	return i < m->nlabels ? (int)i : -1;
}

/* The name of classification or category E of label policy LP (CATS:
 * a category), quoted, or "none" (caller frees). */
static char *
resolve_equiv_text(const struct m_label_policy *lp, int cats,
    const struct m_equiv *e)
{
	if (e->none)
		return xstrdup("none");
	return xstrfmt("'%s'", cats ? lp->tagsets[e->tagset].cats[e->to].name :
	    lp->cls[e->to].name);
}

/* Finds the classification (CATS 0) or category called NAME in LP,
 * setting E->tagset and E->to to its place. Returns 0, or -1 after
 * reporting it undefined at LOC. */
static int
resolve_pair_find(const struct m_label_policy *lp, int cats,
    const char *name, const struct ast_loc *loc, struct m_equiv *e)
{
	int i;

	if (cats && resolve_category_find(lp, name, &e->tagset, &e->to) == 0)
		return 0;
	if (!cats && (i = resolve_label_find(lp->cls, lp->ncls, name)) >= 0) {
		e->to = (size_t)i;
		return 0;
	}
	resolve_label_undefined(lp, cats, loc, name);
	return -1;
}

/*
 * Resolves pair IT of an equivalent statement of label policy FROM into
 * TO: sets the equivalent of its classification or category in map MAP,
 * unless a name is undefined or the one mapped has one already.
 */
static void
resolve_pair(struct resolver *r, size_t from, size_t to,
    struct m_label_map *map, const struct ast_item *it)
{
	const struct m_label_policy *x = &r->m->labels[from];
	const struct m_label_policy *y = &r->m->labels[to];
	struct m_equiv src = { 0 }, e = { .given = 1, .none = it->value ==
	    NULL, .loc = it->vals->loc, .to_loc = it->loc }, *slot = NULL;
	char *left, *right = NULL;
	int cats = it->arg;

	left = resolve_string(r, it->vals, WANT_STRING);
	if (!e.none) {
		right = resolve_string(r, it->value, WANT_STRING);
		e.to_loc = it->value->loc;
	}
	if (left != NULL && resolve_pair_find(x, cats, left, &it->vals->loc,
	    &src) == 0)
		slot = cats ? &map->cats[x->tagsets[src.tagset].first_bit +
		    src.to] : &map->cls[src.to];
	if (!e.none && (right == NULL || resolve_pair_find(y, cats, right,
	    &it->value->loc, &e) == -1))
		slot = NULL;
	if (slot != NULL && slot->given) {
		diag_error(&it->vals->loc, "duplicate equivalent of %s '%s' "
		    "in label policy '%s'", cats ? "category" :
		    "classification", left, y->name);
		diag_note(&slot->loc, "first given here");
	} else if (slot != NULL)
		*slot = e;
	free(left);
	free(right);
}

/* Resolves the equivalent statement IT of label policy number FROM. */
static void
resolve_equivalent(struct resolver *r, size_t from, const struct ast_item *it)
{
	struct model *m = r->m;
	const struct ast_value *name = it->vals;
	const struct m_label_map *first;
	struct m_label_map *map;
	const struct ast_item *p;
	unsigned before = diag_errors();
	int to;

	if ((to = resolve_label_named(m, name->str)) < 0) {
		diag_error_hint(&name->loc, resolve_suggest(r,
		    NAMES_LABEL_POLICIES, name->str), "undefined label policy "
		    "'%s'", name->str);
		return;
	}
	if ((size_t)to == from) {
		diag_error(&name->loc, "label policy '%s' is equivalent to "
		    "itself: its labels need no relabelling", name->str);
		return;
	}
	if ((first = model_label_map(&m->labels[from], (size_t)to)) != NULL) {
		diag_error(&name->loc, "duplicate 'equivalent %s' in label "
		    "policy '%s'", name->str, m->labels[from].name);
		diag_note(&first->loc, "first given here");
		return;
	}
	map = resolve_map(m, from, (size_t)to, &name->loc);
	for (p = it->sub; p != NULL; p = p->next)
		resolve_pair(r, from, (size_t)to, map, p);
	map->incomplete = diag_errors() != before;
}

/* The index of the label policy of statement ST in M, or -1 if it was
 * not added (its name was taken). */
static int
resolve_label_of(const struct model *m, const struct ast_stmt *st)
{
	int i = resolve_label_named(m, st->name);

	return i >= 0 && m->labels[i].stmt_loc.file == st->loc.file &&
	    m->labels[i].stmt_loc.first_line == st->loc.first_line &&
	    m->labels[i].stmt_loc.first_column == st->loc.first_column ?
	    i : -1;
}

/* The index of the label policy of M with OID, or -1. */
static int
resolve_label_by_oid(const struct model *m, const char *oid)
{
	size_t i;

	for (i = 0; i < m->nlabels; i++)
		if (m->labels[i].oid != NULL &&
		    strcmp(m->labels[i].oid, oid) == 0)
			return (int)i;
	return -1;
}

/* The category of LP of value LACV in the tag set of OID TAGSET: sets
 * *TS and *CAT to its place and returns 0, or returns -1. */
static int
resolve_category_by_value(const struct m_label_policy *lp,
    const char *tagset, uint32_t lacv, size_t *ts, size_t *cat)
{
	size_t t, k;

	for (t = 0; t < lp->ntagsets; t++) {
		/* An OID lost to an error already reported is none. */
		if (lp->tagsets[t].oid == NULL ||
		    strcmp(lp->tagsets[t].oid, tagset) != 0)
			continue;
		for (k = 0; k < lp->tagsets[t].ncats; k++) {
			if (lp->tagsets[t].cats[k].lacv == lacv) {
				*ts = t;
				*cat = k;
				return 0;
			}
		}
		return -1;
	}
	return -1;
}

/* The classification (E not of a category) or category of LP E gives,
 * its own (THEIRS 0) or its equivalent's: sets *EQ to it and returns 0,
 * or returns -1. */
static int
resolve_spif_item(const struct m_label_policy *lp, const struct spif_equiv *e,
    int theirs, struct m_equiv *eq)
{
	uint32_t lacv = theirs ? e->to_lacv : e->lacv;
	size_t i;

	if (e->kind == SPIF_EQUIV_CATEGORY)
		return resolve_category_by_value(lp, theirs ? e->to_tagset :
		    e->tagset, lacv, &eq->tagset, &eq->to);
	for (i = 0; i < lp->ncls && lp->cls[i].lacv != lacv; i++)
		;
	eq->to = i;
	return i < lp->ncls ? 0 : -1;
}

/*
 * Sets the equivalent in label policy TO of the classification or
 * category SRC of label policy FROM to DST, which a SPIF gives at LOC,
 * unless it has another already: a contradiction.
 */
static void
resolve_spif_set(struct model *m, size_t from, size_t to,
    const struct m_equiv *src, const struct m_equiv *dst, int cats,
    const struct ast_loc *loc)
{
	const struct m_label_policy *x = &m->labels[from];
	const struct m_label_policy *y = &m->labels[to];
	struct m_label_map *map;
	struct m_equiv *slot;
	char *name, *here, *before;

	map = resolve_map(m, from, to, loc);
	slot = cats ? &map->cats[x->tagsets[src->tagset].first_bit +
	    src->to] : &map->cls[src->to];
	if (!slot->given) {
		*slot = *dst;
		slot->given = 1;
		slot->loc = slot->to_loc = *loc;
	} else if (slot->none != dst->none || (!dst->none &&
	    (slot->tagset != dst->tagset || slot->to != dst->to))) {
		name = resolve_equiv_text(x, cats, src);
		here = resolve_equiv_text(y, cats, dst);
		before = resolve_equiv_text(y, cats, slot);
		diag_error(loc, "%s %s of label policy '%s' has the "
		    "equivalent %s in '%s' here, contradicting %s given "
		    "before", cats ? "category" : "classification", name,
		    x->name, here, y->name, before);
		diag_note(&slot->loc, "first given here");
		free(name);
		free(here);
		free(before);
	}
}

/*
 * Resolves equivalence E that the SPIF of label policy X gives into
 * label policy Y: the equivalent its values name in Y, which must be
 * there, of the type the SPIF says, and set in the map of X into Y, Y
 * into X or both, as it applies.
 */
static void
resolve_spif_equiv(struct model *m, size_t x, size_t y,
    const struct spif_equiv *e)
{
	const struct m_label_policy *lx = &m->labels[x], *ly = &m->labels[y];
	struct m_equiv mine = { 0 }, theirs = { .none = e->none };
	int cats = e->kind == SPIF_EQUIV_CATEGORY;

	if (e->adds)
		diag_error(&e->loc, "SPIF %s adds categories to the label it "
		    "makes (requiredCategory), which the guard does not: it "
		    "would pass labels the SPIF refuses",
		    spif_equiv_element(e->kind));
	if (e->kind == SPIF_EQUIV_TAGSET ||
	    resolve_spif_item(lx, e, 0, &mine) == -1)
		return;
	if (e->none) {
		if (e->applied & SPIF_APPLIED_INTO)
			resolve_spif_set(m, x, y, &mine, &theirs, cats,
			    &e->loc);
		return;
	}
	if (resolve_spif_item(ly, e, 1, &theirs) == -1) {
		if (cats)
			diag_error(&e->loc, "SPIF %s names value %lu in tag "
			    "set %s of label policy '%s', which has no "
			    "category of that value there",
			    spif_equiv_element(e->kind),
			    (unsigned long)e->to_lacv, e->to_tagset, ly->name);
		else
			diag_error(&e->loc, "SPIF %s names value %lu of label "
			    "policy '%s', which has no classification of that "
			    "value", spif_equiv_element(e->kind),
			    (unsigned long)e->to_lacv, ly->name);
		return;
	}
	if (cats && ly->tagsets[theirs.tagset].type != e->to_type) {
		diag_error(&e->loc, "SPIF %s says tag set %s of label policy "
		    "'%s' is %s, but it is %s", spif_equiv_element(e->kind),
		    e->to_tagset, ly->name, ast_tag_type_name(e->to_type),
		    ast_tag_type_name(ly->tagsets[theirs.tagset].type));
		return;
	}
	if (e->applied & SPIF_APPLIED_INTO)
		resolve_spif_set(m, x, y, &mine, &theirs, cats, &e->loc);
	if (e->applied & SPIF_APPLIED_FROM)
		resolve_spif_set(m, y, x, &theirs, &mine, cats, &e->loc);
}

/*
 * Resolves the equivalences of the SPIF label policy number X was read
 * from, each into the label policy whose OID is its policy's. A policy
 * that none has is not used: a warning, for it may be one the guard
 * does not stand between.
 */
static void
resolve_spif_equivs(struct model *m, size_t x, const struct spif_equivs *eq)
{
	const struct spif_policy *p;
	int *to = xcalloc(eq->npolicies + 1, sizeof(*to));
	size_t i;

	for (i = 0; i < eq->npolicies; i++) {
		p = &eq->policies[i];
		to[i] = resolve_label_by_oid(m, p->oid);
		if (to[i] < 0)
			diag_warning(&p->loc, "no label policy has the OID %s "
			    "of SPIF equivalentPolicy '%s': its equivalences "
			    "are not used", p->oid, p->name);
		else if ((size_t)to[i] == x)
			diag_error(&p->loc, "SPIF equivalentPolicy '%s' is "
			    "the SPIF's own policy (OID %s)", p->name, p->oid);
		else if (p->adds)
			diag_error(&p->loc, "SPIF equivalentPolicy '%s' adds "
			    "categories to the labels relabelled into it "
			    "(requiredCategory), which the guard does not: it "
			    "would pass labels the SPIF refuses", p->name);
	}
	for (i = 0; i < eq->n; i++)
		if (to[eq->v[i].policy] >= 0 &&
		    (size_t)to[eq->v[i].policy] != x)
			resolve_spif_equiv(m, x, (size_t)to[eq->v[i].policy],
			    &eq->v[i]);
	free(to);
}

void
resolve_equivalents(struct resolver *r, const struct ast_stmt *st)
{
	const struct ast_item *it;
	size_t i;
	int l;

	for (; st != NULL; st = st->next) {
		if (st->kind != STMT_LABEL_POLICY ||
		    (l = resolve_label_of(r->m, st)) < 0)
			continue;
		for (it = st->items; it != NULL; it = it->next)
			if (it->kind == ITEM_EQUIVALENT)
				resolve_equivalent(r, (size_t)l, it);
	}
	for (i = 0; i < r->nspif; i++) {
		resolve_spif_equivs(r->m, r->spif[i].label, &r->spif[i].eq);
		spif_equivs_free(&r->spif[i].eq);
	}
	free(r->spif);
	r->spif = NULL;
	r->nspif = 0;
}
