/*
 * Resolution of the label statements: label policies with their
 * classifications, tag sets and categories, and the peers' clearances
 * (see xedge.policy(5), LABELS). Names are bound here; values and OIDs
 * are judged by the checks (check_label.c).
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "resolve_int.h"
#include "spif.h"
#include "suggest.h"
#include "xmalloc.h"

int
resolve_label_find(const struct m_label_value *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
resolve_category_find(const struct m_label_policy *lp, const char *name,
    size_t *ts, size_t *cat)
{
	size_t t;
	int k;

	for (t = 0; t < lp->ntagsets; t++) {
		k = resolve_label_find(lp->tagsets[t].cats,
		    lp->tagsets[t].ncats, name);
		if (k >= 0) {
			*ts = t;
			*cat = (size_t)k;
			return 0;
		}
	}
	return -1;
}

/* The classification (CATS 0) or category (CATS 1) of LP nearest to the
 * undefined NAME, or NULL (see suggest.h). */
static const char *
resolve_label_suggest(const struct m_label_policy *lp, int cats,
    const char *name)
{
	struct suggest s;
	size_t i, t;

	suggest_init(&s, name);
	for (i = 0; !cats && i < lp->ncls; i++)
		suggest_offer(&s, lp->cls[i].name);
	for (t = 0; cats && t < lp->ntagsets; t++)
		for (i = 0; i < lp->tagsets[t].ncats; i++)
			suggest_offer(&s, lp->tagsets[t].cats[i].name);
	return suggest_best(&s);
}

void
resolve_label_undefined(const struct m_label_policy *lp, int cats,
    const struct ast_loc *loc, const char *name)
{
	diag_error_hint(loc, resolve_label_suggest(lp, cats, name),
	    "undefined %s '%s' in label policy '%s'", cats ? "category" :
	    "classification", name, lp->name);
}

/* Fills *V from the NAME = VALUE of a classification or category item.
 * Returns 0, or -1 after an error. */
static int
resolve_label_value(struct resolver *r, const struct ast_value *name,
    const struct ast_value *value, struct m_label_value *v)
{
	const struct ast_value *lit;

	memset(v, 0, sizeof(*v));
	if ((lit = resolve_as(r, value, WANT_NUMBER)) == NULL ||
	    (v->name = resolve_string(r, name, WANT_STRING)) == NULL)
		return -1;
	v->lacv = (uint32_t)lit->num;
	v->loc = name->loc;
	v->value_loc = value->loc;
	return 0;
}

/* Fills the display marking of classification V from the display items
 * IT of its statement, each at most once. */
static void
resolve_display(struct resolver *r, const struct ast_item *it,
    struct m_label_value *v)
{
	const struct ast_item *first[DISPLAY_COUNT] = { NULL };
	char *where = resolve_where("classification", v->name);

	for (; it != NULL; it = it->next) {
		if (it->kind != ITEM_DISPLAY || resolve_once(it,
		    &first[it->arg], ast_display_name(it->arg), where) == -1)
			continue;
		v->display[it->arg] = resolve_string(r, it->vals, WANT_STRING);
		v->display_loc[it->arg] = it->vals->loc;
	}
	free(where);
}

/* Returns the names of the values VALS as references, unbound, in *N
 * (caller frees with model_label_refs_free). */
static struct m_label_ref *
resolve_label_refs(struct resolver *r, const struct ast_value *vals,
    size_t *n)
{
	struct m_label_ref *refs = NULL;
	char *name;

	for (*n = 0; vals != NULL; vals = vals->next) {
		if ((name = resolve_string(r, vals, WANT_STRING)) == NULL)
			continue;
		refs = xreallocarray(refs, *n + 1, sizeof(*refs));
		refs[(*n)++] = (struct m_label_ref){ name, vals->loc, 0, 0 };
	}
	return refs;
}

/* Adds the require items among IT, the items of its statement, to
 * classification V, their categories left to bind. */
static void
resolve_requires(struct resolver *r, const struct ast_item *it,
    struct m_label_value *v)
{
	struct m_require *req;

	for (; it != NULL; it = it->next) {
		if (it->kind != ITEM_REQUIRE)
			continue;
		v->requires = xreallocarray(v->requires, v->nrequires + 1,
		    sizeof(*v->requires));
		req = &v->requires[v->nrequires++];
		req->op = it->arg;
		req->loc = it->loc;
		req->cats = resolve_label_refs(r, it->vals, &req->ncats);
	}
}

/* Reports V, a WHAT of label policy LP, as a repetition of FIRST, and
 * frees it. */
static void
resolve_label_duplicate(const struct m_label_policy *lp, const char *what,
    struct m_label_value *v, const struct ast_loc *first)
{
	diag_error(&v->loc, "duplicate %s '%s' in label policy '%s'", what,
	    v->name, lp->name);
	diag_note(first, "first defined here");
	model_label_value_free(v);
}

/* Appends V to the N values of *ARR. */
static void
resolve_label_append(struct m_label_value **arr, size_t *n,
    const struct m_label_value *v)
{
	*arr = xreallocarray(*arr, *n + 1, sizeof(**arr));
	(*arr)[(*n)++] = *v;
}

/* Adds classification V to LP, which takes what V owns, unless LP has
 * one of its name already. */
static void
resolve_add_class(struct m_label_policy *lp, struct m_label_value *v)
{
	int k;

	if ((k = resolve_label_find(lp->cls, lp->ncls, v->name)) >= 0)
		resolve_label_duplicate(lp, "classification", v,
		    &lp->cls[k].loc);
	else
		resolve_label_append(&lp->cls, &lp->ncls, v);
}

/* Adds category V to tag set TS of LP, which takes what V owns. A
 * category's name is unique in the whole label policy, so that a
 * clearance can name it alone. */
static void
resolve_add_category(struct m_label_policy *lp, struct m_tagset *ts,
    struct m_label_value *v)
{
	size_t t, k;

	if (resolve_category_find(lp, v->name, &t, &k) == 0)
		resolve_label_duplicate(lp, "category", v,
		    &lp->tagsets[t].cats[k].loc);
	else
		resolve_label_append(&ts->cats, &ts->ncats, v);
}

/* Adds tag set TS, without its categories, to LP, which takes what TS
 * owns, and returns it; or, if LP has one of its name already, reports
 * it, frees it and returns NULL. */
static struct m_tagset *
resolve_add_tagset(struct m_label_policy *lp, struct m_tagset *ts)
{
	size_t i;

	for (i = 0; i < lp->ntagsets; i++) {
		if (strcmp(lp->tagsets[i].name, ts->name) == 0) {
			diag_error(&ts->loc, "duplicate tagset '%s' in "
			    "label policy '%s'", ts->name, lp->name);
			diag_note(&lp->tagsets[i].loc, "first defined here");
			free(ts->name);
			free(ts->oid);
			return NULL;
		}
	}
	lp->tagsets = xreallocarray(lp->tagsets, lp->ntagsets + 1,
	    sizeof(*lp->tagsets));
	lp->tagsets[lp->ntagsets] = *ts;
	return &lp->tagsets[lp->ntagsets++];
}

/* Adds the tag set of item IT, with its categories, to LP. */
static void
resolve_tagset(struct resolver *r, const struct ast_item *it,
    struct m_label_policy *lp)
{
	const struct ast_item *c;
	struct m_label_value v;
	struct m_tagset head = { 0 }, *ts;

	if ((head.name = resolve_string(r, it->vals, WANT_STRING)) == NULL)
		return;
	head.loc = it->vals->loc;
	head.type = it->arg;
	head.enumerated = it->arg2;
	head.oid = resolve_string(r, it->value, WANT_STRING);
	head.oid_loc = it->value->loc;
	if ((ts = resolve_add_tagset(lp, &head)) == NULL)
		return;
	for (c = it->sub; c != NULL; c = c->next) {
		if (resolve_label_value(r, c->vals, c->value, &v) == -1)
			continue;
		if (c->sub != NULL)
			v.excludes = resolve_label_refs(r, c->sub->vals,
			    &v.nexcludes);
		resolve_add_category(lp, ts, &v);
	}
}

/*
 * Binds the N references of REFS, in place, to the classifications (CATS
 * 0) or categories (CATS 1) of LP that they name, keeping those defined
 * and named once in WHAT, after reporting the others. Returns how many
 * are kept.
 */
static size_t
resolve_refs_bind(const struct m_label_policy *lp, int cats,
    struct m_label_ref *refs, size_t n, const char *what)
{
	struct m_label_ref *ref;
	size_t i, j, kept = 0;
	int k;

	for (i = 0; i < n; i++) {
		ref = &refs[i];
		k = cats ? resolve_category_find(lp, ref->name, &ref->tagset,
		    &ref->index) : resolve_label_find(lp->cls, lp->ncls,
		    ref->name);
		if (!cats && k >= 0)
			ref->index = (size_t)k;
		for (j = 0; k >= 0 && j < kept && (refs[j].tagset !=
		    ref->tagset || refs[j].index != ref->index); j++)
			;
		if (k < 0)
			diag_error_hint(&ref->loc, resolve_label_suggest(lp,
			    cats, ref->name), "undefined %s '%s' in label "
			    "policy '%s'", cats ? "category" : "classification",
			    ref->name, lp->name);
		else if (j < kept) {
			diag_error(&ref->loc, "%s '%s' is named twice in %s",
			    cats ? "category" : "classification", ref->name,
			    what);
			diag_note(&refs[j].loc, "first given here");
		} else {
			refs[kept++] = *ref;
			continue;
		}
		free(ref->name);
	}
	return kept;
}

/* Binds the names the rules of LP give: the categories of each
 * classification's requirements, the classifications each category
 * excludes. */
static void
resolve_label_rules(struct m_label_policy *lp)
{
	struct m_label_value *v;
	size_t i, t;

	for (i = 0; i < lp->ncls; i++) {
		v = &lp->cls[i];
		for (t = 0; t < v->nrequires; t++)
			v->requires[t].ncats = resolve_refs_bind(lp, 1,
			    v->requires[t].cats, v->requires[t].ncats,
			    "the requirement");
	}
	for (t = 0; t < lp->ntagsets; t++) {
		for (i = 0; i < lp->tagsets[t].ncats; i++) {
			v = &lp->tagsets[t].cats[i];
			v->nexcludes = resolve_refs_bind(lp, 0, v->excludes,
			    v->nexcludes, "'excludes'");
		}
	}
}

/* Binds the missing-label item IT of LP, if any, to its classification. */
static void
resolve_missing_label(struct resolver *r, const struct ast_item *it,
    struct m_label_policy *lp)
{
	char *name;

	if (it == NULL || !it->arg ||
	    (name = resolve_string(r, it->vals, WANT_STRING)) == NULL)
		return;
	lp->missing = resolve_label_find(lp->cls, lp->ncls, name);
	if (lp->missing < 0)
		resolve_label_undefined(lp, 0, &it->vals->loc, name);
	free(name);
}

/*
 * Fills label policy number L from the SPIF file of item IT (see
 * spif.h), through the same steps as a label policy written out, so that
 * a name defined twice is reported alike; the label policy of a SPIF
 * denies a stanza without a label. Its equivalences are kept for when
 * every label policy is read.
 */
static void
resolve_spif(struct resolver *r, const struct ast_item *it, size_t l)
{
	struct m_label_policy draft = { 0 }, *lp = &r->m->labels[l];
	struct resolve_spif *sp;
	struct m_tagset head, *ts;
	size_t i, k;

	r->spif = xreallocarray(r->spif, r->nspif + 1, sizeof(*r->spif));
	sp = &r->spif[r->nspif++];
	memset(sp, 0, sizeof(*sp));
	sp->label = l;
	lp->spif = xstrdup(it->vals->str);
	(void)spif_read(it->vals, it->value != NULL ? it->value->str : NULL,
	    &draft, &sp->eq);
	lp->spif_name = draft.spif_name;
	lp->oid = draft.oid;
	lp->oid_loc = draft.oid_loc;
	for (i = 0; i < draft.ncls; i++)
		resolve_add_class(lp, &draft.cls[i]);
	for (i = 0; i < draft.ntagsets; i++) {
		head = draft.tagsets[i];
		head.cats = NULL;
		head.ncats = 0;
		ts = resolve_add_tagset(lp, &head);
		for (k = 0; k < draft.tagsets[i].ncats; k++) {
			if (ts != NULL)
				resolve_add_category(lp, ts,
				    &draft.tagsets[i].cats[k]);
			else
				model_label_value_free(
				    &draft.tagsets[i].cats[k]);
		}
		free(draft.tagsets[i].cats);
	}
	free(draft.cls);
	free(draft.tagsets);
}
/* Adds the label policy of statement ST to the model. */
static void
resolve_label_policy(struct resolver *r, const struct ast_stmt *st)
{
	const struct ast_item *it, *oid = NULL, *missing = NULL;
	const struct ast_item *original = NULL;
	struct model *m = r->m;
	unsigned before = diag_errors(), bit = 0;
	struct m_label_policy *lp;
	struct m_label_value v;
	char *where;
	size_t i;

	for (i = 0; i < m->nlabels; i++) {
		if (strcmp(m->labels[i].name, st->name) == 0) {
			diag_error(&st->name_loc, "duplicate label policy "
			    "'%s'", st->name);
			diag_note(&m->labels[i].loc, "first defined here");
			return;
		}
	}
	m->labels = xreallocarray(m->labels, m->nlabels + 1,
	    sizeof(*m->labels));
	lp = &m->labels[m->nlabels++];
	memset(lp, 0, sizeof(*lp));
	lp->name = xstrdup(st->name);
	lp->loc = st->name_loc;
	lp->stmt_loc = st->loc;
	lp->missing = -1;
	where = resolve_where("label policy", st->name);
	for (it = st->items; it != NULL; it = it->next) {
		if (st->items->kind == ITEM_SPIF && it != st->items &&
		    it->kind != ITEM_MISSING_LABEL &&
		    it->kind != ITEM_ORIGINAL && it->kind != ITEM_EQUIVALENT) {
			diag_error(&it->loc, "a label policy read from a SPIF "
			    "takes only 'missing-label', 'original' and "
			    "'equivalent'");
			continue;
		}
		switch (it->kind) {
		case ITEM_OID:
			if (resolve_once(it, &oid, "oid", where) == 0) {
				lp->oid = resolve_string(r, it->vals,
				    WANT_STRING);
				lp->oid_loc = it->vals->loc;
			}
			break;
		case ITEM_CLASSIFICATION:
			if (resolve_label_value(r, it->vals, it->value,
			    &v) == -1)
				break;
			resolve_display(r, it->sub, &v);
			resolve_requires(r, it->sub, &v);
			resolve_add_class(lp, &v);
			break;
		case ITEM_TAGSET:
			resolve_tagset(r, it, lp);
			break;
		case ITEM_MISSING_LABEL:
			(void)resolve_once(it, &missing, "missing-label",
			    where);
			break;
		case ITEM_ORIGINAL:
			if (resolve_once(it, &original, "original",
			    where) == 0) {
				lp->keep_original = it->arg;
				lp->original_loc = it->loc;
			}
			break;
		case ITEM_SPIF:
			resolve_spif(r, it, m->nlabels - 1);
			break;
		default:
			break;
		}
	}
	free(where);
	resolve_missing_label(r, missing, lp);
	for (i = 0; i < lp->ntagsets; i++) {
		lp->tagsets[i].first_bit = bit;
		bit += (unsigned)lp->tagsets[i].ncats;
	}
	resolve_label_rules(lp);
	lp->incomplete = diag_errors() != before || resolve_lost(st);
}

void
resolve_labels(struct resolver *r, const struct ast_stmt *st)
{
	const struct ast_stmt *s;

	for (s = st; s != NULL; s = s->next)
		if (s->kind == STMT_LABEL_POLICY)
			resolve_label_policy(r, s);
	/* An equivalence names a label policy that may be defined after
	 * its own. */
	resolve_equivalents(r, st);
}

/* Adds category V of label policy LP to clearance C, unless C holds it
 * already. */
static void
resolve_held(const struct m_label_policy *lp, const struct ast_value *v,
    const char *name, struct m_clearance *c)
{
	size_t i, t, k;

	if (resolve_category_find(lp, name, &t, &k) == -1) {
		resolve_label_undefined(lp, 1, &v->loc, name);
		return;
	}
	if (model_clearance_holds(c, t, k)) {
		for (i = 0; c->held[i].tagset != t || c->held[i].cat != k; i++)
			;
		diag_error(&v->loc, "category '%s' is named twice in the "
		    "clearance", name);
		diag_note(&c->held[i].loc, "first given here");
		return;
	}
	c->held = xreallocarray(c->held, c->nheld + 1, sizeof(*c->held));
	c->held[c->nheld++] = (struct m_held){ t, k, v->loc };
}

void
resolve_clearance(struct resolver *r, const struct ast_item *it,
    struct m_clearance *c)
{
	const struct ast_value *v = it->vals;
	struct m_label_policy *lp;
	char *name;
	size_t i;
	int rank = -1;

	for (i = 0; i < r->m->nlabels; i++)
		if (strcmp(r->m->labels[i].name, v->str) == 0)
			break;
	if (i == r->m->nlabels) {
		diag_error_hint(&v->loc, resolve_suggest(r,
		    NAMES_LABEL_POLICIES, v->str), "undefined label policy "
		    "'%s'", v->str);
		return;
	}
	lp = &r->m->labels[i];
	lp->used = 1;
	v = v->next;
	if ((name = resolve_string(r, v, WANT_STRING)) != NULL &&
	    (rank = resolve_label_find(lp->cls, lp->ncls, name)) < 0)
		resolve_label_undefined(lp, 0, &v->loc, name);
	free(name);
	for (v = v->next; v != NULL; v = v->next) {
		if ((name = resolve_string(r, v, WANT_STRING)) == NULL)
			continue;
		resolve_held(lp, v, name, c);
		free(name);
	}
	c->loc = it->loc;
	c->policy = i;
	c->rank = rank >= 0 ? (size_t)rank : 0;
	c->given = rank >= 0;
}

/* The exact domain of peer P nearest to the NAME it lacks, or NULL (see
 * suggest.h). */
static const char *
resolve_domain_suggest(const struct m_peer *p, const char *name)
{
	struct suggest s;
	size_t i;

	suggest_init(&s, name);
	for (i = 0; i < p->ndomains; i++)
		if (!p->domains[i].wildcard)
			suggest_offer(&s, p->domains[i].name);
	return suggest_best(&s);
}

/*
 * Adds the clearance of item IT for one domain to peer P, in domain
 * order (as the runtime looks it up, and so that the order written
 * changes no table or rule number), unless the
 * domain is not one of P's written exactly, or has a clearance already.
 * A domain only a wildcard matches is refused: the runtime looks a
 * domain clearance up by the exact domain of the stanza, and a clearance
 * for part of what a pattern covers is better written as a peer of its
 * own.
 */
static void
resolve_domain_clearance(struct resolver *r, const struct ast_item *it,
    struct m_peer *p)
{
	struct m_domain_clearance *dc;
	struct m_pattern pat;
	size_t i;
	int cmp = 1;

	if (resolve_pattern(r, it->value, 1, &pat) == -1)
		return;
	for (i = 0; i < p->ndomains && (p->domains[i].wildcard ||
	    strcmp(p->domains[i].name, pat.name) != 0); i++)
		;
	if (i == p->ndomains) {
		diag_error_hint(&pat.loc, resolve_domain_suggest(p, pat.name),
		    pat.wildcard ? "'%s' is a wildcard pattern: a clearance "
		    "is for one domain of peer '%s' written out" : "'%s' is "
		    "not a domain of peer '%s' written out", pat.name,
		    p->name);
		free(pat.name);
		return;
	}
	for (i = 0; i < p->ndomain_clearances && (cmp = strcmp(
	    p->domain_clearances[i].domain, pat.name)) < 0; i++)
		;
	if (i < p->ndomain_clearances && cmp == 0) {
		diag_error(&it->loc, "duplicate 'clearance' for domain '%s' "
		    "in peer '%s'", pat.name, p->name);
		diag_note(&p->domain_clearances[i].clearance.loc,
		    "first given here");
		free(pat.name);
		return;
	}
	p->domain_clearances = xreallocarray(p->domain_clearances,
	    p->ndomain_clearances + 1, sizeof(*p->domain_clearances));
	dc = &p->domain_clearances[i];
	memmove(dc + 1, dc, (p->ndomain_clearances++ - i) * sizeof(*dc));
	memset(dc, 0, sizeof(*dc));
	dc->domain = pat.name;
	resolve_clearance(r, it, &dc->clearance);
}

void
resolve_domain_clearances(struct resolver *r, const struct ast_item *it,
    struct m_peer *p)
{
	for (; it != NULL; it = it->next)
		if (it->kind == ITEM_CLEARANCE && it->value != NULL)
			resolve_domain_clearance(r, it, p);
}
