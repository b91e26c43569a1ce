/*
 * Checks of the equivalences between label policies (see check.h): a
 * category's equivalent of its own type (a restrictive category made
 * permissive would be decided otherwise), classifications kept in order
 * (a warning), 'original' only where labels are relabelled, and, for
 * every two peers cleared in different label policies, a map of the one
 * into the other that covers every label the one may send.
 */
#include <stdlib.h>

#include "check_int.h"
#include "diag.h"
#include "xmalloc.h"

/* The most missing equivalents a message names one by one. */
#define CHECK_MISSING_NAMED 10

/* Checks that map MAP of X gives each category an equivalent of its
 * type. */
static void
check_map_types(const struct model *m, const struct m_label_policy *x,
    const struct m_label_map *map)
{
	const struct m_label_policy *y = &m->labels[map->to];
	const struct m_tagset *from, *to;
	const struct m_equiv *e;
	size_t bit, t, k, n = model_label_ncats(x);

	for (bit = 0; bit < n; bit++) {
		e = &map->cats[bit];
		if (!e->given || e->none)
			continue;
		model_label_bit(x, bit, &t, &k);
		from = &x->tagsets[t];
		to = &y->tagsets[e->tagset];
		if (from->type != to->type)
			diag_error(&e->to_loc, "category '%s' is %s in label "
			    "policy '%s' but its equivalent '%s' is %s in "
			    "'%s': relabelled, it would be decided otherwise",
			    from->cats[k].name, ast_tag_type_name(from->type),
			    x->name, to->cats[e->to].name,
			    ast_tag_type_name(to->type), y->name);
	}
}

/* Warns, once, if map MAP of X gives a classification an equivalent
 * below that of a classification below it. */
static void
check_map_order(const struct model *m, const struct m_label_policy *x,
    const struct m_label_map *map)
{
	const struct m_label_policy *y = &m->labels[map->to];
	const struct m_equiv *lo, *hi;
	size_t a, b;

	for (b = 1; b < x->ncls; b++) {
		hi = &map->cls[b];
		for (a = 0; hi->given && !hi->none && a < b; a++) {
			lo = &map->cls[a];
			if (!lo->given || lo->none || lo->to <= hi->to)
				continue;
			diag_warning(&hi->loc, "equivalences do not keep the "
			    "order of classifications: '%s' is above '%s' in "
			    "label policy '%s', but its equivalent '%s' is "
			    "below '%s' in '%s'", x->cls[b].name,
			    x->cls[a].name, x->name, y->cls[hi->to].name,
			    y->cls[lo->to].name, y->name);
			diag_note(&lo->loc, "'%s' becomes '%s' here",
			    x->cls[a].name, y->cls[lo->to].name);
			return;
		}
	}
}

int
check_label_relabelled(const struct model *m, size_t l)
{
	const struct m_label_policy *lp = &m->labels[l];
	size_t i;

	for (i = 0; i < lp->nmaps; i++)
		if (m->labels[lp->maps[i].to].used)
			return 1;
	return 0;
}

/* What a map says nothing of: the classifications and categories named
 * (at most CHECK_MISSING_NAMED together), and how many there are. */
struct check_missing {
	char *names[2];			/* classifications, categories */
	size_t named[2];
	size_t n;
};

/* Adds NAME, a classification (CATS 0) or a category, to M. */
static void
check_missing_add(struct check_missing *m, int cats, const char *name)
{
	char *s;

	if (m->n++ >= CHECK_MISSING_NAMED)
		return;
	s = xstrfmt("%s%s'%s'", m->names[cats] != NULL ? m->names[cats] :
	    "", m->names[cats] != NULL ? ", " : "", name);
	free(m->names[cats]);
	m->names[cats] = s;
	m->named[cats]++;
}

/*
 * Returns what a label clearance C of X lets a peer send may carry (the
 * classifications up to C's, the categories model_clearance_may_carry
 * says) and map MAP says nothing of (an equivalent, or none, for each
 * makes it total), as "classifications 'A', 'B'; category 'C' and 2
 * more", or NULL if MAP covers them all. The caller frees it.
 */
static char *
check_missing(const struct m_label_policy *x, const struct m_clearance *c,
    const struct m_label_map *map)
{
	static const char *const what[2][2] = { { "classification",
	    "classifications" }, { "category", "categories" } };
	struct check_missing m = { { NULL, NULL }, { 0, 0 }, 0 };
	const struct m_tagset *ts;
	char *list = NULL, *s;
	size_t i, t, k;

	for (i = 0; i <= c->rank; i++)
		if (!map->cls[i].given)
			check_missing_add(&m, 0, x->cls[i].name);
	for (t = 0; t < x->ntagsets; t++) {
		ts = &x->tagsets[t];
		for (k = 0; k < ts->ncats; k++)
			if (model_clearance_may_carry(x, c, t, k) &&
			    !map->cats[ts->first_bit + k].given)
				check_missing_add(&m, 1, ts->cats[k].name);
	}
	for (i = 0; i < 2; i++) {
		if (m.names[i] == NULL)
			continue;
		s = xstrfmt("%s%s%s %s", list != NULL ? list : "",
		    list != NULL ? "; " : "", what[i][m.named[i] > 1],
		    m.names[i]);
		free(list);
		free(m.names[i]);
		list = s;
	}
	if (m.n > CHECK_MISSING_NAMED) {
		s = xstrfmt("%s and %zu more", list,
		    m.n - CHECK_MISSING_NAMED);
		free(list);
		list = s;
	}
	return list;
}

/*
 * Checks that the labels clearance A lets its peer send have
 * equivalents in the label policy of clearance B, of another peer: a
 * label crossing from A to B is decided against B's clearance in B's
 * label policy, relabelled (the runtime refuses one it cannot relabel).
 */
static void
check_total(const struct model *m, const struct m_cleared *a,
    const struct m_cleared *b)
{
	const struct m_label_policy *x = &m->labels[a->c->policy];
	const struct m_label_policy *y = &m->labels[b->c->policy];
	const struct m_label_map *map = model_label_map(x, b->c->policy);
	char *who = model_cleared_name(a, "'"), *missing = NULL;

	if (map == NULL)
		diag_error(&a->c->loc, "clearance of %s may send labels of "
		    "label policy '%s', which has no 'equivalent %s'", who,
		    x->name, y->name);
	else if (!map->incomplete &&
	    (missing = check_missing(x, a->c, map)) != NULL)
		diag_error(&a->c->loc, "clearance of %s may send labels that "
		    "label policy '%s' has no equivalent for in '%s': %s", who,
		    x->name, y->name, missing);
	if (map == NULL || missing != NULL) {
		free(who);
		who = model_cleared_name(b, "'");
		diag_note(&b->c->loc, "%s is cleared in '%s' here", who,
		    y->name);
	}
	free(missing);
	free(who);
}

/* Checks, for each clearance, the map of its label policy into each
 * other label policy that a clearance of another peer is in: once for
 * each, with the first such clearance as the note's. */
static void
check_totality(const struct model *m)
{
	struct m_cleared *all;
	size_t n, i, j, k;

	all = model_clearances(m, &n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			if (all[j].peer == all[i].peer ||
			    all[j].c->policy == all[i].c->policy ||
			    m->labels[all[i].c->policy].incomplete ||
			    m->labels[all[j].c->policy].incomplete)
				continue;
			for (k = 0; k < j && (all[k].peer == all[i].peer ||
			    all[k].c->policy != all[j].c->policy); k++)
				;
			if (k == j)
				check_total(m, &all[i], &all[j]);
		}
	}
	free(all);
}

void
check_equivalents(const struct model *m)
{
	const struct m_label_policy *lp;
	size_t l, i;

	for (l = 0; l < m->nlabels; l++) {
		lp = &m->labels[l];
		for (i = 0; i < lp->nmaps; i++) {
			check_map_types(m, lp, &lp->maps[i]);
			check_map_order(m, lp, &lp->maps[i]);
		}
		if (lp->original_loc.file != NULL && !m->incomplete &&
		    !model_label_relabelled_into(m, l))
			diag_warning(&lp->original_loc, "'original' changes "
			    "nothing: no label policy has an equivalent in "
			    "label policy '%s'", lp->name);
	}
	check_totality(m);
}
