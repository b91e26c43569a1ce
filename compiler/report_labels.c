/*
 * The report's account of security labels: each label policy's handling
 * of a stanza without a label, what each peer is cleared for, and what
 * labels may cross between each pair of cleared peers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"
#include "report_int.h"

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

/* The bullet of what labels may cross between peers A and B, both
 * cleared: a label must pass both clearances. */
static void
report_pair(struct report *r, const struct m_peer *a, const struct m_peer *b)
{
	const struct m_label_policy *lp = &r->m->labels[a->clearance.policy];
	size_t rank = a->clearance.rank < b->clearance.rank ?
	    a->clearance.rank : b->clearance.rank;
	char *text, *restrictive, *permissive;

	if (a->clearance.policy != b->clearance.policy) {
		text = report_str("between peers %s and %s no label crosses: "
		    "they are cleared in different label policies", a->name,
		    b->name);
		report_bullet(r, text);
		free(text);
		return;
	}
	restrictive = report_held(lp, &a->clearance, &b->clearance,
	    TAG_RESTRICTIVE);
	permissive = report_held(lp, &a->clearance, &b->clearance,
	    TAG_PERMISSIVE);
	text = report_str("between peers %s and %s, either way, labels of %s "
	    "up to %s cross, with restrictive categories among %s, and of "
	    "each permissive tag set they name at least one of %s", a->name,
	    b->name, lp->name, lp->cls[rank].name, restrictive != NULL ?
	    restrictive : "none", permissive != NULL ? permissive : "none");
	report_bullet(r, text);
	free(text);
	free(restrictive);
	free(permissive);
}

void
report_clearances(struct report *r)
{
	const struct model *m = r->m;
	const struct m_label_policy *lp;
	const struct m_peer *p;
	char *text, *held, *spif;
	size_t i, j;

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
		text = lp->missing >= 0 ? report_str("label policy %s (OID %s): "
		    "a stanza without a label is taken to be %s", lp->name,
		    lp->oid, lp->cls[lp->missing].name) : report_str("label "
		    "policy %s (OID %s): a stanza without a label is refused",
		    lp->name, lp->oid);
		if (lp->spif != NULL) {
			spif = report_str("%s; it is read from the SPIF %s, "
			    "which calls it %s", text, lp->spif,
			    lp->spif_name);
			free(text);
			text = spif;
		}
		report_bullet(r, text);
		free(text);
	}
	for (i = 0; i < m->npeers; i++) {
		p = &m->peers[i];
		if (!p->clearance.given) {
			text = report_str("peer %s has no clearance: labels of "
			    "stanzas to and from it are not checked", p->name);
			report_bullet(r, text);
			free(text);
			continue;
		}
		lp = &m->labels[p->clearance.policy];
		held = report_held(lp, &p->clearance, NULL, -1);
		text = report_str("peer %s is cleared up to %s in label policy "
		    "%s, holding %s", p->name, lp->cls[p->clearance.rank].name,
		    lp->name, held != NULL ? held : "no category");
		report_bullet(r, text);
		free(text);
		free(held);
	}
	for (i = 0; i < m->npeers; i++)
		for (j = i + 1; j < m->npeers; j++)
			if (m->peers[i].clearance.given &&
			    m->peers[j].clearance.given)
				report_pair(r, &m->peers[i], &m->peers[j]);
	/* The list ends as a paragraph does. */
	fputc('\n', r->fp);
}
