/*
 * The snapshot: what a response shows, read from the guard through the
 * runtime's public interfaces (status.h, alert.h, route.h) in one go.
 */
#include <string.h>

#include "guard.h"
#include "version.h"
#include "web_int.h"

void
web_snapshot_take(struct web_snapshot *s, const char *site_file,
    struct status_peer *peers)
{
	s->policy = guard.policy;
	s->version = XEDGE_VERSION;
	s->site_file = site_file;
	s->now_ms = loop_wall_ms();
	s->started_ms = guard.started_ms;
	s->memory_held = guard.admit.held;
	s->memory_budget = guard.site.admit.memory_budget;
	s->peer_status = NULL;
	if (guard.peer_status != NULL && peers != NULL) {
		s2s_status_peers(peers);
		s->peer_status = peers;
	}
	s->nshown = s2s_status_streams(s->streams, WEB_STREAMS_MAX,
	    s->stream_counts);
	s->nstreams = guard.nstreams;
	s->nlinks = gcxp_status_links(s->links);
	s->rule_counts = (const uint64_t (*)[GEN_VERDICT_COUNT])
	    guard.route.counters;
	memset(&s->alert_totals, 0, sizeof(s->alert_totals));
	s->nalerts = 0;
	if (guard.route.alerts.cfg != NULL) {
		s->alert_totals = *alert_counters(&guard.route.alerts);
		s->nalerts = alert_recent(&guard.route.alerts, s->alerts,
		    WEB_ALERTS_MAX);
	}
	s->healthy = web_healthy(s);
}

int
web_healthy(const struct web_snapshot *s)
{
	size_t i;

	if (s->memory_budget != 0 && s->memory_held > s->memory_budget)
		return 0;
	for (i = 0; i < s->policy->npeers; i++)
		if (web_peer_down(s, i))
			return 0;
	for (i = 0; i < s->nlinks; i++)
		if (!s->links[i].up)
			return 0;
	return 1;
}

int
web_peer_down(const struct web_snapshot *s, size_t peer)
{
	return s->policy->peers[peer].required && web_peer_ready(s, peer) == 0;
}

size_t
web_peer_ready(const struct web_snapshot *s, size_t peer)
{
	const struct status_peer *p;

	if (s->peer_status == NULL)
		return 0;
	p = &s->peer_status[peer];
	return p->ready[STATUS_IN] + p->ready[STATUS_OUT];
}
