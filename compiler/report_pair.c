/*
 * The report's account of a guard pair (xedge.policy(5), PAIRS): which
 * guard of it the build reported on is, the three guards with the peers
 * each edge serves and where they meet over gcxp, and the way a stanza
 * takes from a peer of one edge to a peer of the other.
 */
#include <stdlib.h>

#include "report_int.h"
#include "xmalloc.h"

/* The peers edge E serves, each with its domains ("inside (a.example)"),
 * joined by ", "; the caller frees. */
static char *
report_served(const struct model *m, size_t e)
{
	char *s = NULL, *dom, *one;
	size_t i, j;

	for (i = 0; i < m->npeers; i++) {
		if (m->peers[i].edge != (int)e)
			continue;
		dom = NULL;
		for (j = 0; j < m->peers[i].ndomains; j++)
			report_cat(&dom, ", ", m->peers[i].domains[j].name);
		one = xstrfmt("%s (%s)", m->peers[i].name, dom != NULL ?
		    dom : "no domain");
		report_cat(&s, ", ", one);
		free(one);
		free(dom);
	}
	return s != NULL ? s : xstrdup("none");
}

/* Adds the row of guard G of the pair, of ROLE, to T. */
static void
report_pair_row(const struct model *m, struct report_table *t,
    const struct m_pair_guard *g, enum ast_pair_role role, size_t e)
{
	const struct m_pair *pr = &m->pair;
	char *serves = role == PAIR_EDGE ? report_served(m, e) :
	    xstrdup("none: gcxp only");
	char *gcxp = xstrfmt("%s %s port %u", role == PAIR_EDGE ? "dials" :
	    "listens on", pr->host, pr->port);
	char *what = xstrfmt("%s%s", ast_pair_role_name(role),
	    g == model_role_guard(m) ? " (this build)" : "");
	char *loc = report_loc(&g->loc);

	report_row(t, 6, g->name, what, serves, gcxp, g->cert_file, loc);
	free(loc);
	free(what);
	free(gcxp);
	free(serves);
}

void
report_guard_pair(struct report *r)
{
	const struct model *m = r->m;
	const struct m_pair *pr = &m->pair;
	const struct m_pair_guard *self = model_role_guard(m);
	struct report_table t = { 0 };
	char *text, *mine;
	size_t e;

	if (self == NULL)
		return;
	text = xstrfmt("The policy makes a guard pair: two edges, one per "
	    "security domain, each serving its own peers by S2S, joined "
	    "through the validator %s over gcxp (TLS both ways, each guard "
	    "presenting a certificate that the CA bundle %s verifies, at "
	    "most %lu frames unacknowledged on a link). The three guards "
	    "are builds of this one policy and carry its SHA-256 digest.",
	    pr->validator.name, pr->ca_file, (unsigned long)pr->window);
	report_para(r, text);
	free(text);
	report_row(&t, 6, "guard", "role", "serves by S2S", "gcxp",
	    "certificate", "statement");
	report_pair_row(m, &t, &pr->validator, PAIR_VALIDATOR, 0);
	for (e = 0; e < 2; e++)
		report_pair_row(m, &t, &pr->edges[e], PAIR_EDGE, e);
	report_table(r, &t);
	if (m->role == ROLE_EDGE) {
		mine = report_served(m, m->role_edge);
		text = xstrfmt("This build is the edge %s: it serves %s by "
		    "S2S, and reaches the peers that the edge %s serves over "
		    "gcxp through the validator (the protocol the table of "
		    "peers gives them).", self->name, mine,
		    pr->edges[1 - m->role_edge].name);
		free(mine);
	} else
		text = xstrfmt("This build is the validator %s: it has no S2S "
		    "listener and reaches every peer over gcxp, through the "
		    "edge that serves it.", self->name);
	report_para(r, text);
	free(text);
	report_para(r, "A stanza from a peer of one edge to a peer of the "
	    "other crosses that edge, the validator and the other edge, each "
	    "a build of this policy: what follows holds at each of them, "
	    "and the validator passes or blocks but never transforms. A "
	    "stanza between two peers of one edge does not leave it.");
}
