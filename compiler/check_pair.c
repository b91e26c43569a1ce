/*
 * Checks of the pair block (xedge.policy(5), PAIRS): one validator the
 * edges can reach, two edges, a gcxp certificate for each of the three
 * and the CA to check them with, a window within its bounds, and every
 * peer served by exactly one edge (the resolver has refused a peer given
 * twice). What a block lost to an error already reported seems to lack
 * is not judged.
 */
#include "check_int.h"
#include "diag.h"

/* Checks guard G of the pair, of ROLE: its certificate, and, for an edge,
 * that it serves some peer. */
static void
check_pair_guard(const struct m_pair *pr, const struct m_pair_guard *g,
    enum ast_pair_role role)
{
	if (g->incomplete || pr->incomplete)
		return;
	if (g->cert_file == NULL)
		diag_error(&g->loc, "%s '%s' has no 'certificate' to present "
		    "over gcxp", ast_pair_role_name(role), g->name);
	if (role == PAIR_EDGE && g->npeers == 0)
		diag_error(&g->loc, "edge '%s' serves no peer: give it "
		    "'peers'", g->name);
}

void
check_pair(const struct model *m)
{
	const struct m_pair *pr = &m->pair;
	size_t i;

	if (!pr->given)
		return;
	if (pr->window < 1 || pr->window > MODEL_PAIR_WINDOW_MAX)
		diag_error(&pr->window_loc, "window %lu out of range (1 to "
		    "%d frames)", (unsigned long)pr->window,
		    MODEL_PAIR_WINDOW_MAX);
	if (pr->host != NULL && !check_is_address(pr->host))
		diag_error(&pr->host_loc, "listen address '%s' is not a "
		    "numeric IP address", pr->host);
	if (pr->incomplete)
		return;
	if (pr->ca_file == NULL)
		diag_error(&pr->loc, "the pair has no 'ca-bundle' to check "
		    "the gcxp certificates with");
	if (pr->validator.name == NULL)
		diag_error(&pr->loc, "the pair has no validator");
	else {
		if (pr->listen_loc.file == NULL && !pr->validator.incomplete)
			diag_error(&pr->validator.loc, "validator '%s' has no "
			    "'listen': the edges dial it there",
			    pr->validator.name);
		check_pair_guard(pr, &pr->validator, PAIR_VALIDATOR);
	}
	if (pr->nedges < 2)
		diag_error(&pr->loc, "the pair has %s edge: a pair has exactly "
		    "two", pr->nedges == 0 ? "no" : "one");
	for (i = 0; i < pr->nedges; i++)
		check_pair_guard(pr, &pr->edges[i], PAIR_EDGE);
	for (i = 0; i < m->npeers; i++) {
		if (m->peers[i].edge >= 0)
			continue;
		diag_error(&m->peers[i].loc, "peer '%s' is served by no edge "
		    "of the pair", m->peers[i].name);
		diag_note(&pr->loc, "each peer is given to the edge that "
		    "serves it by 'peers' here");
	}
}
