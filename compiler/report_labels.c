/*
 * The report's account of security labels: each label policy's handling
 * of a stanza without a label, and what each peer is cleared for.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"
#include "report_int.h"

/* Returns the categories clearance C holds, in bit order, joined by
 * ", " (caller frees), or NULL if it holds none. */
static char *
report_held(const struct m_label_policy *lp, const struct m_clearance *c)
{
	char *held = NULL;
	size_t t, k;

	for (t = 0; t < lp->ntagsets; t++)
		for (k = 0; k < lp->tagsets[t].ncats; k++)
			if (model_clearance_holds(c, t, k))
				report_cat(&held, ", ",
				    lp->tagsets[t].cats[k].name);
	return held;
}

void
report_clearances(struct report *r)
{
	const struct model *m = r->m;
	const struct m_label_policy *lp;
	const struct m_peer *p;
	char *text, *held, *spif;
	size_t i;

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
		held = report_held(lp, &p->clearance);
		text = report_str("peer %s is cleared up to %s in label policy "
		    "%s, holding %s", p->name, lp->cls[p->clearance.rank].name,
		    lp->name, held != NULL ? held : "no category");
		report_bullet(r, text);
		free(text);
		free(held);
	}
	/* The list ends as a paragraph does. */
	fputc('\n', r->fp);
}
