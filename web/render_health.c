/*
 * /healthz's body: "ok", or "unhealthy" and one line for each cause, so
 * that whoever is paged learns which peer, link or bound failed without
 * opening the page. Peer and guard names are the policy's, safe as plain
 * text.
 */
#include "web_int.h"

void
web_render_health(struct web_buf *b, const struct web_snapshot *s)
{
	size_t i;

	web_puts(b, s->healthy ? "ok\n" : "unhealthy\n");
	if (s->memory_budget != 0 && s->memory_held > s->memory_budget)
		web_printf(b, "memory: %zu bytes held, budget %zu\n",
		    s->memory_held, s->memory_budget);
	for (i = 0; i < s->policy->npeers; i++)
		if (web_peer_down(s, i))
			web_printf(b, "peer %s: link required, no ready "
			    "stream\n", s->policy->peers[i].name);
	for (i = 0; i < s->nlinks; i++)
		if (!s->links[i].up)
			web_printf(b, "gcxp link to %s: down\n",
			    s->links[i].guard);
}
