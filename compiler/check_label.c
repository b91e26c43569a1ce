/*
 * Checks of the label statements (see check.h): OIDs well formed and
 * unique, values in range and unique, colours of display markings, label
 * policies and tag sets not empty, the rules tying categories to
 * classifications, the peers' clearances as a whole, and catalog
 * statements only where there are labels.
 */
#include <string.h>

#include "check_int.h"
#include "diag.h"
#include "label_ess.h"

/*
 * Whether OID is dotted decimal as X.660 allows: at least two arcs, each
 * digits without a leading zero, the first 0, 1 or 2 and, under 0 or 1,
 * the second below 40. Returns 0, or -1 with *WHY set.
 */
static int
check_oid_syntax(const char *oid, const char **why)
{
	const char *p = oid;
	size_t arcs = 0, len;

	for (;;) {
		len = strspn(p, "0123456789");
		if (len == 0 || (len > 1 && p[0] == '0')) {
			*why = "arcs are decimal numbers without leading "
			    "zeros, joined by '.'";
			return -1;
		}
		if (arcs == 0 && (len > 1 || p[0] > '2')) {
			*why = "the first arc is 0, 1 or 2";
			return -1;
		}
		if (arcs == 1 && oid[0] != '2' && (len > 2 || p[0] >= '4')) {
			*why = "under arc 0 or 1, the second arc is below 40";
			return -1;
		}
		arcs++;
		p += len;
		if (*p == '\0')
			break;
		if (*p++ != '.') {
			*why = "arcs are decimal numbers without leading "
			    "zeros, joined by '.'";
			return -1;
		}
	}
	if (arcs < 2) {
		*why = "an OID has at least two arcs";
		return -1;
	}
	if (strlen(oid) >= ESS_OID_MAX) {
		*why = "longer than the guard reads in a label (95 characters)";
		return -1;
	}
	return 0;
}

/* Checks OID at LOC (NULL: lost to an error already reported); FIRST and
 * FIRST_LOC are an OID it must differ from, WHAT names both. */
static void
check_oid(const char *oid, const struct ast_loc *loc, const char *first,
    const struct ast_loc *first_loc, const char *what)
{
	const char *why;

	if (oid == NULL)
		return;
	if (check_oid_syntax(oid, &why) == -1)
		diag_error(loc, "invalid OID '%s': %s", oid, why);
	else if (first != NULL && strcmp(first, oid) == 0) {
		diag_error(loc, "duplicate %s OID '%s'", what, oid);
		diag_note(first_loc, "first given here");
	}
}

/* Reports a value of the N in V given to an earlier one too (WHAT names
 * them), and, where MAX is not 0, one above MAX. */
static void
check_label_values(const struct m_label_value *v, size_t n, const char *what,
    uint32_t max)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (max != 0 && v[i].lacv > max) {
			diag_error(&v[i].value_loc, "%s value %lu out of range "
			    "(0 to %lu)", what, (unsigned long)v[i].lacv,
			    (unsigned long)max);
			continue;
		}
		for (j = 0; j < i; j++) {
			if (v[j].lacv == v[i].lacv) {
				diag_error(&v[i].value_loc, "%s '%s' has the "
				    "value %lu of %s '%s'", what, v[i].name,
				    (unsigned long)v[i].lacv, what, v[j].name);
				diag_note(&v[j].value_loc, "first given here");
				break;
			}
		}
	}
}

/*
 * Whether COLOUR is one XEP-0258 allows: "#" and six hex digits, or a
 * name of its schema, which spells "fuchsia" "fuschia" (both are taken,
 * and passed on as written) and adds "orange" to the sixteen of CSS.
 */
static int
check_colour(const char *colour)
{
	static const char *const names[] = { "aqua", "black", "blue",
	    "fuchsia", "fuschia", "gray", "green", "lime", "maroon", "navy",
	    "olive", "orange", "purple", "red", "silver", "teal", "white",
	    "yellow" };
	size_t i;

	if (colour[0] == '#')
		return strlen(colour) == 7 &&
		    strspn(colour + 1, "0123456789abcdefABCDEF") == 6;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(colour, names[i]) == 0)
			return 1;
	return 0;
}

/* Checks the colours of the display markings of the classifications of
 * LP. */
static void
check_display(const struct m_label_policy *lp)
{
	const struct m_label_value *c;
	size_t i, d;

	for (i = 0; i < lp->ncls; i++) {
		c = &lp->cls[i];
		for (d = DISPLAY_FGCOLOR; d <= DISPLAY_BGCOLOR; d++)
			if (c->display[d] != NULL &&
			    !check_colour(c->display[d]))
				diag_error(&c->display_loc[d], "invalid %s "
				    "'%s' of classification '%s': a colour is "
				    "#rrggbb or an XEP-0258 name (aqua, "
				    "black, blue, fuchsia, gray, ...)",
				    ast_display_name(d), c->display[d],
				    c->name);
	}
}

/* Checks the tag sets of LP: OIDs, categories and their count. */
static void
check_tagsets(const struct m_label_policy *lp)
{
	const struct m_tagset *ts;
	size_t i, j;

	for (i = 0; i < lp->ntagsets; i++) {
		ts = &lp->tagsets[i];
		for (j = 0; j < i && (ts->oid == NULL ||
		    lp->tagsets[j].oid == NULL ||
		    strcmp(lp->tagsets[j].oid, ts->oid) != 0); j++)
			;
		check_oid(ts->oid, &ts->oid_loc, j < i ?
		    lp->tagsets[j].oid : NULL, &lp->tagsets[j].oid_loc,
		    "tagset");
		if (ts->ncats == 0 && !lp->incomplete)
			diag_error(&ts->loc, "tagset '%s' has no category",
			    ts->name);
		check_label_values(ts->cats, ts->ncats, "category", 0);
		if (ts->first_bit < MODEL_LABEL_BITS &&
		    ts->first_bit + ts->ncats > MODEL_LABEL_BITS)
			diag_error(&ts->cats[MODEL_LABEL_BITS -
			    ts->first_bit].loc, "more than %d categories in "
			    "label policy '%s'", MODEL_LABEL_BITS, lp->name);
	}
}

/* Whether the category of reference REF of LP excludes classification
 * RANK. */
static int
check_excludes(const struct m_label_policy *lp, const struct m_label_ref *ref,
    size_t rank)
{
	const struct m_label_value *c =
	    &lp->tagsets[ref->tagset].cats[ref->index];
	size_t i;

	for (i = 0; i < c->nexcludes; i++)
		if (c->excludes[i].index == rank)
			return 1;
	return 0;
}

/* Warns about requirement REQ of classification RANK of LP if no label
 * of it can meet it: the categories it requires exclude it (one of
 * all-of, every one of the others). */
static void
check_require(const struct m_label_policy *lp, size_t rank,
    const struct m_require *req)
{
	size_t i, excluding = 0;

	for (i = 0; i < req->ncats; i++)
		excluding += check_excludes(lp, &req->cats[i], rank);
	if (excluding > 0 && (req->op == REQUIRE_ALL ||
	    excluding == req->ncats))
		diag_warning(&req->loc, "classification '%s' requires "
		    "categories that exclude it: no label of it is valid",
		    lp->cls[rank].name);
}

/*
 * Checks the rules of LP: the classifications a category excludes are
 * bits of a GEN_LABEL_BITS set, and a requirement no label can meet, or
 * one that refuses every stanza without a label, is worth a warning.
 */
static void
check_label_rules(const struct m_label_policy *lp)
{
	const struct m_label_value *c;
	size_t i, t, k;

	for (i = 0; i < lp->ncls; i++)
		for (k = 0; k < lp->cls[i].nrequires; k++)
			check_require(lp, i, &lp->cls[i].requires[k]);
	if (lp->missing >= 0 && lp->cls[lp->missing].nrequires > 0)
		diag_warning(&lp->cls[lp->missing].requires[0].loc,
		    "classification '%s', assumed of a stanza without a "
		    "label, requires categories: such a stanza is refused",
		    lp->cls[lp->missing].name);
	for (t = 0; lp->ncls > MODEL_LABEL_BITS && t < lp->ntagsets; t++) {
		for (k = 0; k < lp->tagsets[t].ncats; k++) {
			c = &lp->tagsets[t].cats[k];
			if (c->nexcludes == 0)
				continue;
			diag_error(&c->excludes[0].loc, "label policy '%s' has "
			    "%zu classifications: 'excludes' takes at most %d",
			    lp->name, lp->ncls, MODEL_LABEL_BITS);
			return;
		}
	}
}

/* Checks label policy number I of M on its own, and its OID against
 * those of the label policies before it. */
static void
check_label_policy(const struct model *m, size_t i)
{
	const struct m_label_policy *lp = &m->labels[i];
	size_t j;

	for (j = 0; j < i && (lp->oid == NULL || m->labels[j].oid == NULL ||
	    strcmp(m->labels[j].oid, lp->oid) != 0); j++)
		;
	check_oid(lp->oid, &lp->oid_loc, j < i ? m->labels[j].oid : NULL,
	    &m->labels[j].oid_loc, "label policy");
	if (lp->oid == NULL && !lp->incomplete)
		diag_error(&lp->loc, "label policy '%s' has no 'oid'",
		    lp->name);
	if (lp->ncls == 0 && !lp->incomplete)
		diag_error(&lp->loc, "label policy '%s' has no "
		    "classification", lp->name);
	check_label_values(lp->cls, lp->ncls, "classification",
	    MODEL_CLASSIFICATION_MAX);
	check_display(lp);
	check_tagsets(lp);
	check_label_rules(lp);
	if (!lp->used && !m->incomplete && !check_label_relabelled(m, i))
		diag_warning(&lp->loc, "label policy '%s' is used by no "
		    "peer's clearance", lp->name);
}

/* Warns about the informative categories clearance C holds. */
static void
check_clearance(const struct model *m, const struct m_clearance *c)
{
	const struct m_label_policy *lp = &m->labels[c->policy];
	const struct m_tagset *ts;
	size_t i;

	for (i = 0; i < c->nheld; i++) {
		ts = &lp->tagsets[c->held[i].tagset];
		if (ts->type == TAG_INFORMATIVE)
			diag_warning(&c->held[i].loc, "category '%s' is "
			    "informative (tagset '%s'): it never decides "
			    "access", ts->cats[c->held[i].cat].name,
			    ts->name);
	}
}

/* Checks the clearances of peer P, the peer-wide one and those for a
 * domain. Returns whether P has any. */
static int
check_peer_clearances(const struct model *m, const struct m_peer *p)
{
	size_t i;

	if (p->clearance.given)
		check_clearance(m, &p->clearance);
	for (i = 0; i < p->ndomain_clearances; i++)
		if (p->domain_clearances[i].clearance.given)
			check_clearance(m, &p->domain_clearances[i].clearance);
	return p->clearance.given || p->ndomain_clearances > 0;
}

void
check_labels(const struct model *m)
{
	const struct m_peer *p;
	size_t i, cleared = 0;

	for (i = 0; i < m->nlabels; i++)
		check_label_policy(m, i);
	/* A catalog offers labels of a label policy. */
	for (i = 0; m->nlabels == 0 && i < m->npeers; i++)
		if (m->peers[i].catalog_given)
			diag_error(&m->peers[i].catalog_loc, "'catalog' in "
			    "peer '%s', but the policy has no label policy",
			    m->peers[i].name);
	for (i = 0; i < m->npeers; i++)
		cleared += check_peer_clearances(m, &m->peers[i]);
	/* A peer, or a domain of one, left out of every label check is a
	 * hole in it. */
	for (i = 0; cleared > 0 && i < m->npeers; i++) {
		p = &m->peers[i];
		if (!model_peer_uncleared(p) || p->incomplete)
			continue;
		if (p->ndomain_clearances == 0)
			diag_warning(&p->loc, "peer '%s' has no clearance: labels "
			    "of stanzas to and from it are not checked",
			    p->name);
		else if (p->ndomain_clearances < p->ndomains)
			diag_warning(&p->loc, "peer '%s' has clearances for "
			    "some of its domains only: labels of stanzas to "
			    "and from the others are not checked", p->name);
	}
	check_equivalents(m);
}
