/*
 * Required links (policy "link required"): the guard keeps a stream to
 * each such peer rather than waiting for traffic to open one. Once a
 * second, a required peer with no ready stream either way gets an outbound
 * stanza stream, through the egress so that its backoff applies; the
 * stream that carries the link is not closed for idleness.
 */
#include <string.h>

#include "guard.h"
#include "s2s_int.h"
#include "status.h"

/* Whether DOMAIN is a name, not a pattern ("*.example"). */
static int
s2s_link_exact(const char *domain)
{
	return domain[0] != '*';
}

/*
 * The link of PEER: REMOTE its first exact domain, LOCAL the first exact
 * domain of another peer that the guard holds a certificate for and that
 * does not route back to PEER. 0, or -1 when the policy gives no such pair
 * (xedgec refuses such a policy when the guard dials PEER).
 */
static int
s2s_link_pair(int peer, const char **local, const char **remote)
{
	const struct gen_policy *pol = guard.policy;
	const struct gen_peer *p = &pol->peers[peer];
	const char *d;
	size_t i, j;

	*local = *remote = NULL;
	for (i = 0; i < p->ndomains && *remote == NULL; i++)
		if (s2s_link_exact(p->domains[i]))
			*remote = p->domains[i];
	for (i = 0; i < pol->npeers && *local == NULL; i++)
		for (j = 0; i != (size_t)peer && j < pol->peers[i].ndomains &&
		    *local == NULL; j++) {
			d = pol->peers[i].domains[j];
			if (s2s_link_exact(d) &&
			    gen_fronted_cert(d, strlen(d)) >= 0 &&
			    gen_route(d, strlen(d)) != peer)
				*local = d;
		}
	return *local != NULL && *remote != NULL ? 0 : -1;
}

void
s2s_links_tick(void)
{
	const struct gen_policy *pol = guard.policy;
	const struct status_peer *st;
	const char *local, *remote;
	enum stanza_cond cond;
	struct s2s *s;
	size_t i;

	if (pol == NULL || guard.peer_status == NULL || guard.shutting_down)
		return;
	for (i = 0; i < pol->npeers; i++) {
		st = &guard.peer_status[i];
		if (!pol->peers[i].required ||
		    st->ready[STATUS_IN] + st->ready[STATUS_OUT] > 0 ||
		    pol->peers[i].protocol != GEN_PROTO_S2S ||
		    pol->peers[i].connect == GEN_CONNECT_NONE ||
		    s2s_link_pair((int)i, &local, &remote) == -1)
			continue;
		s = s2s_egress_stream((int)i, local, remote, &cond);
		if (s != NULL)
			s->link = 1;
	}
}
