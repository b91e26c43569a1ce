/*
 * /metrics: Prometheus text exposition (format 0.0.4). Every metric has
 * its HELP and TYPE; label values go through web_put_label. xedge(8)
 * lists the names.
 */
#include <inttypes.h>

#include "web_int.h"

static const char *const web_metric_verdicts[GEN_VERDICT_COUNT] = {
	[GEN_VERDICT_PASS] = "pass",
	[GEN_VERDICT_MODIFY] = "modify",
	[GEN_VERDICT_DROP] = "drop",
	[GEN_VERDICT_BOUNCE] = "bounce",
};

static void
web_metric_head(struct web_buf *b, const char *name, const char *type,
    const char *help)
{
	web_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
web_metrics_identity(struct web_buf *b, const struct web_snapshot *s)
{
	web_metric_head(b, "xedge_build_info", "gauge",
	    "The guard's version and the policy it enforces.");
	web_puts(b, "xedge_build_info{version=\"");
	web_put_label(b, s->version);
	web_puts(b, "\",policy=\"");
	web_put_label(b, s->policy->name);
	web_puts(b, "\",sha256=\"");
	web_put_label(b, s->policy->sha256);
	web_puts(b, "\"} 1\n");
	web_metric_head(b, "xedge_start_time_seconds", "gauge",
	    "When the guard started, seconds since the epoch.");
	web_printf(b, "xedge_start_time_seconds %" PRIu64 ".%03u\n",
	    s->started_ms / 1000, (unsigned)(s->started_ms % 1000));
	web_metric_head(b, "xedge_uptime_seconds", "gauge",
	    "Seconds since the guard started.");
	web_printf(b, "xedge_uptime_seconds %" PRIu64 "\n",
	    s->now_ms > s->started_ms ? (s->now_ms - s->started_ms) / 1000 :
	    0);
	web_metric_head(b, "xedge_healthy", "gauge",
	    "1 when /healthz answers 200, else 0.");
	web_printf(b, "xedge_healthy %d\n", s->healthy);
	web_metric_head(b, "xedge_memory_held_bytes", "gauge",
	    "Bytes the admission bounds count.");
	web_printf(b, "xedge_memory_held_bytes %zu\n", s->memory_held);
	web_metric_head(b, "xedge_memory_budget_bytes", "gauge",
	    "The site's memory budget; 0 is none.");
	web_printf(b, "xedge_memory_budget_bytes %zu\n", s->memory_budget);
}

/* Gauge NAME with a 0 or 1 for each peer of S: whether it is up, or
 * (REQUIRED) whether its link is required. */
static void
web_metrics_peer_gauge(struct web_buf *b, const struct web_snapshot *s,
    const char *name, const char *help, int required)
{
	size_t i;
	int v;

	web_metric_head(b, name, "gauge", help);
	for (i = 0; i < s->policy->npeers; i++) {
		v = required ? s->policy->peers[i].required :
		    web_peer_ready(s, i) > 0;
		web_printf(b, "%s{peer=\"", name);
		web_put_label(b, s->policy->peers[i].name);
		web_printf(b, "\"} %d\n", v);
	}
}

/* Counter NAME of each peer of S by direction: stanzas, or (BYTES)
 * bytes. */
static void
web_metrics_peer_counter(struct web_buf *b, const struct web_snapshot *s,
    const char *name, const char *help, int bytes)
{
	const struct status_peer *p;
	size_t i, d;

	web_metric_head(b, name, "counter", help);
	for (i = 0; i < s->policy->npeers; i++)
		for (d = 0; d < STATUS_DIRS; d++) {
			p = &s->peer_status[i];
			web_printf(b, "%s{peer=\"", name);
			web_put_label(b, s->policy->peers[i].name);
			web_printf(b, "\",direction=\"%s\"} %" PRIu64 "\n",
			    d == STATUS_IN ? "in" : "out",
			    bytes ? p->bytes[d] : p->stanzas[d]);
		}
}

static void
web_metrics_streams(struct web_buf *b, const struct web_snapshot *s)
{
	unsigned d, st;
	size_t i;

	web_metric_head(b, "xedge_streams", "gauge",
	    "Server-to-server streams alive, by direction and state.");
	for (d = 0; d < STATUS_DIRS; d++)
		for (st = 0; st < STATUS_STATES; st++)
			web_printf(b, "xedge_streams{direction=\"%s\","
			    "state=\"%s\"} %zu\n", d == STATUS_IN ? "in" : "out",
			    s2s_status_state_name(st), s->stream_counts[d][st]);
	if (s->peer_status == NULL)
		return;
	web_metrics_peer_gauge(b, s, "xedge_peer_up",
	    "1 while a peer has a ready stream, in either direction.", 0);
	web_metrics_peer_gauge(b, s, "xedge_peer_required",
	    "1 for a peer whose link is required (healthy only while up).", 1);
	web_metric_head(b, "xedge_peer_last_error_timestamp_seconds", "gauge",
	    "When a stream to or from a peer last failed (its text is in "
	    "/status.json); peers with no failure are left out.");
	for (i = 0; i < s->policy->npeers; i++) {
		if (s->peer_status[i].error[0] == '\0')
			continue;
		web_puts(b, "xedge_peer_last_error_timestamp_seconds{peer=\"");
		web_put_label(b, s->policy->peers[i].name);
		web_printf(b, "\"} %" PRIu64 ".%03u\n",
		    s->peer_status[i].error_ms / 1000,
		    (unsigned)(s->peer_status[i].error_ms % 1000));
	}
	web_metrics_peer_counter(b, s, "xedge_peer_stanzas_total",
	    "Stanzas taken from (in) and written to (out) a peer's streams.",
	    0);
	web_metrics_peer_counter(b, s, "xedge_peer_bytes_total",
	    "Bytes read from (in) and written to (out) a peer's streams, "
	    "TLS included.", 1);
}

static void
web_metrics_rules(struct web_buf *b, const struct web_snapshot *s)
{
	size_t i;
	int v;

	if (s->rule_counts == NULL)
		return;
	web_metric_head(b, "xedge_rule_stanzas_total", "counter",
	    "Stanzas each rule of the policy decided, by verdict.");
	for (i = 0; i < s->policy->nrules; i++)
		for (v = 0; v < GEN_VERDICT_COUNT; v++) {
			web_puts(b, "xedge_rule_stanzas_total{rule=\"");
			web_put_label(b, s->policy->rules[i].name);
			web_printf(b, "\",line=\"%u\",verdict=\"%s\"} %" PRIu64
			    "\n", s->policy->rules[i].line,
			    web_metric_verdicts[v], s->rule_counts[i][v]);
		}
}

static void
web_metrics_alerts(struct web_buf *b, const struct web_snapshot *s)
{
	web_metric_head(b, "xedge_alerts_total", "counter",
	    "Alerts raised (policy violations).");
	web_printf(b, "xedge_alerts_total %" PRIu64 "\n",
	    s->alert_totals.raised);
	web_metric_head(b, "xedge_alerts_suppressed_total", "counter",
	    "Alerts raised but held back by their rule's rate.");
	web_printf(b, "xedge_alerts_suppressed_total %" PRIu64 "\n",
	    s->alert_totals.suppressed);
}

/* Counter or gauge NAME of each gcxp link of S, by the guard at its other
 * end: VALUE picks the figure. */
static void
web_metrics_link(struct web_buf *b, const struct web_snapshot *s,
    const char *name, const char *type, const char *help,
    uint64_t (*value)(const struct status_link *, size_t), size_t dirs)
{
	size_t i, d;

	web_metric_head(b, name, type, help);
	for (i = 0; i < s->nlinks; i++)
		for (d = 0; d < dirs; d++) {
			web_printf(b, "%s{guard=\"", name);
			web_put_label(b, s->links[i].guard);
			if (dirs > 1)
				web_printf(b, "\",direction=\"%s",
				    d == STATUS_IN ? "in" : "out");
			web_printf(b, "\"} %" PRIu64 "\n",
			    value(&s->links[i], d));
		}
}

static uint64_t
web_link_up(const struct status_link *k, size_t d)
{
	(void)d;
	return (uint64_t)k->up;
}

static uint64_t
web_link_unacknowledged(const struct status_link *k, size_t d)
{
	(void)d;
	return k->unacknowledged;
}

static uint64_t
web_link_frames(const struct status_link *k, size_t d)
{
	return k->frames[d];
}

static uint64_t
web_link_refused(const struct status_link *k, size_t d)
{
	(void)d;
	return k->refused;
}

static void
web_metrics_pair(struct web_buf *b, const struct web_snapshot *s)
{
	if (s->nlinks == 0)
		return;
	web_metrics_link(b, s, "xedge_gcxp_link_up", "gauge",
	    "1 while the gcxp link with a guard of the pair is up.",
	    web_link_up, 1);
	web_metrics_link(b, s, "xedge_gcxp_unacknowledged_frames", "gauge",
	    "STANZA frames an edge sent and has not had acknowledged.",
	    web_link_unacknowledged, 1);
	web_metrics_link(b, s, "xedge_gcxp_frames_total", "counter",
	    "STANZA frames taken from (in) and written to (out) a link.",
	    web_link_frames, STATUS_DIRS);
	web_metrics_link(b, s, "xedge_gcxp_refused_total", "counter",
	    "STANZA frames the validator refused.", web_link_refused, 1);
}

void
web_render_metrics(struct web_buf *b, const struct web_snapshot *s)
{
	web_metrics_identity(b, s);
	web_metrics_pair(b, s);
	web_metrics_streams(b, s);
	web_metrics_rules(b, s);
	web_metrics_alerts(b, s);
}
