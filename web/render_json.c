/*
 * /status.json: the snapshot as one JSON object. Every string that came
 * from the network goes through web_put_json; times are ms since the
 * epoch.
 */
#include <inttypes.h>

#include "web_int.h"

static const char *const web_json_verdicts[GEN_VERDICT_COUNT] = {
	[GEN_VERDICT_PASS] = "passed",
	[GEN_VERDICT_MODIFY] = "modified",
	[GEN_VERDICT_DROP] = "dropped",
	[GEN_VERDICT_BOUNCE] = "bounced",
};

static void
web_json_identity(struct web_buf *b, const struct web_snapshot *s)
{
	web_puts(b, "\"xedge\":{\"version\":");
	web_put_json(b, s->version);
	web_puts(b, ",\"policy\":");
	web_put_json(b, s->policy->name);
	web_puts(b, ",\"sha256\":");
	web_put_json(b, s->policy->sha256);
	web_puts(b, ",\"source\":");
	web_put_json(b, s->policy->source);
	web_puts(b, ",\"site_file\":");
	web_put_json_or_null(b, s->site_file);
	web_printf(b, ",\"started_ms\":%" PRIu64 ",\"now_ms\":%" PRIu64
	    "},\"healthy\":%s,\"memory\":{\"held\":%zu,\"budget\":%zu}",
	    s->started_ms, s->now_ms, s->healthy ? "true" : "false",
	    s->memory_held, s->memory_budget);
}

/* What the guard keeps of a peer: stanza and byte counts and the last
 * failure (null when none). */
static void
web_json_peer_status(struct web_buf *b, const struct status_peer *p)
{
	web_printf(b, ",\"stanzas_in\":%" PRIu64 ",\"stanzas_out\":%" PRIu64
	    ",\"bytes_in\":%" PRIu64 ",\"bytes_out\":%" PRIu64
	    ",\"last_error\":", p->stanzas[STATUS_IN],
	    p->stanzas[STATUS_OUT], p->bytes[STATUS_IN],
	    p->bytes[STATUS_OUT]);
	if (p->error[0] != '\0') {
		web_put_json(b, p->error);
		web_printf(b, ",\"last_error_ms\":%" PRIu64, p->error_ms);
	} else {
		web_puts(b, "null,\"last_error_ms\":null");
	}
}

static void
web_json_peers(struct web_buf *b, const struct web_snapshot *s)
{
	const struct gen_peer *p;
	size_t i, d;

	web_puts(b, ",\"peers\":[");
	for (i = 0; i < s->policy->npeers; i++) {
		p = &s->policy->peers[i];
		web_puts(b, i > 0 ? ",{\"name\":" : "{\"name\":");
		web_put_json(b, p->name);
		web_puts(b, ",\"domains\":[");
		for (d = 0; d < p->ndomains; d++) {
			web_puts(b, d > 0 ? "," : "");
			web_put_json(b, p->domains[d]);
		}
		web_printf(b, "],\"line\":%u,\"protocol\":\"%s\",\"tls\":\"%s\","
		    "\"certificate\":%s,\"dialback\":%s,\"dials\":%s,"
		    "\"ready_streams\":%zu,\"required\":%s,\"up\":%s",
		    p->line,
		    p->protocol == GEN_PROTO_GCXP ? "gcxp" : "s2s",
		    p->tls == GEN_TLS_REQUIRED ? "required" : "optional",
		    p->auth & GEN_AUTH_CERTIFICATE ? "true" : "false",
		    p->auth & GEN_AUTH_DIALBACK ? "true" : "false",
		    p->connect != GEN_CONNECT_NONE ? "true" : "false",
		    web_peer_ready(s, i), p->required ? "true" : "false",
		    web_peer_ready(s, i) > 0 ? "true" : "false");
		if (s->peer_status != NULL)
			web_json_peer_status(b, &s->peer_status[i]);
		web_puts(b, "}");
	}
	web_puts(b, "]");
}

static void
web_json_stream(struct web_buf *b, const struct web_snapshot *s,
    const struct status_stream *v)
{
	size_t i;

	web_printf(b, "{\"conn\":%" PRIu64 ",\"peer\":", v->conn);
	web_put_json_or_null(b, v->peer >= 0 ?
	    s->policy->peers[v->peer].name : NULL);
	web_printf(b, ",\"direction\":\"%s\",\"state\":\"%s\",\"local\":",
	    v->dir == STATUS_IN ? "in" : "out",
	    s2s_status_state_name(v->state));
	web_put_json(b, v->local);
	web_puts(b, ",\"remote\":");
	web_put_json(b, v->remote);
	web_puts(b, ",\"address\":");
	web_put_json(b, v->addr);
	web_puts(b, ",\"tls_version\":");
	web_put_json(b, v->tls_version != NULL ? v->tls_version : "");
	web_puts(b, ",\"tls_cipher\":");
	web_put_json(b, v->tls_cipher != NULL ? v->tls_cipher : "");
	web_puts(b, ",\"auth\":");
	web_put_json(b, v->auth != NULL ? v->auth : "");
	web_puts(b, ",\"authenticated\":[");
	for (i = 0; i < v->nauthed; i++) {
		if (i > 0)
			web_puts(b, ",");
		web_put_json(b, v->authed[i]);
	}
	web_printf(b, "],\"since_ms\":%" PRIu64 ",\"bytes_in\":%" PRIu64
	    ",\"bytes_out\":%" PRIu64 ",\"stanzas_in\":%" PRIu64
	    ",\"stanzas_out\":%" PRIu64 ",\"queue\":%zu}", v->since_ms,
	    v->bytes_in, v->bytes_out, v->stanzas_in, v->stanzas_out,
	    v->queue_len);
}

static void
web_json_streams(struct web_buf *b, const struct web_snapshot *s)
{
	size_t i;

	web_printf(b, ",\"streams\":{\"total\":%zu,\"shown\":%zu,\"list\":[",
	    s->nstreams, s->nshown);
	for (i = 0; i < s->nshown; i++) {
		if (i > 0)
			web_puts(b, ",");
		web_json_stream(b, s, &s->streams[i]);
	}
	web_puts(b, "]}");
}

static void
web_json_rules(struct web_buf *b, const struct web_snapshot *s)
{
	const struct gen_rule *r;
	size_t i;
	int v;

	web_puts(b, ",\"rules\":[");
	for (i = 0; i < s->policy->nrules; i++) {
		r = &s->policy->rules[i];
		web_puts(b, i > 0 ? ",{\"name\":" : "{\"name\":");
		web_put_json(b, r->name);
		web_printf(b, ",\"line\":%u", r->line);
		for (v = 0; v < GEN_VERDICT_COUNT; v++)
			web_printf(b, ",\"%s\":%" PRIu64, web_json_verdicts[v],
			    s->rule_counts != NULL ? s->rule_counts[i][v] : 0);
		web_puts(b, "}");
	}
	web_puts(b, "]");
}

static void
web_json_alert(struct web_buf *b, const struct web_snapshot *s,
    const struct alert_record *a)
{
	web_printf(b, "{\"when_ms\":%" PRIu64 ",\"conn\":%" PRIu64
	    ",\"rule\":", a->when_ms, a->conn);
	web_put_json(b, s->policy->rules[a->rule].name);
	web_printf(b, ",\"line\":%u,\"verdict\":\"%s\",\"peer\":",
	    s->policy->rules[a->rule].line, alert_verdict_name(a->verdict));
	web_put_json_or_null(b, a->peer >= 0 ?
	    s->policy->peers[a->peer].name : NULL);
	web_printf(b, ",\"direction\":\"%s\",\"kind\":\"%s\",\"from\":",
	    alert_dir_name(a->dir), alert_kind_name(a->kind));
	web_put_json(b, a->from);
	web_puts(b, ",\"to\":");
	web_put_json(b, a->to);
	web_puts(b, ",\"id\":");
	web_put_json(b, a->id);
	web_puts(b, ",\"why\":");
	web_put_json(b, a->why);
	web_puts(b, "}");
}

static void
web_json_alerts(struct web_buf *b, const struct web_snapshot *s)
{
	size_t i;

	web_printf(b, ",\"alerts\":{\"raised\":%" PRIu64 ",\"suppressed\":%"
	    PRIu64 ",\"recent\":[", s->alert_totals.raised,
	    s->alert_totals.suppressed);
	for (i = 0; i < s->nalerts; i++) {
		if (i > 0)
			web_puts(b, ",");
		web_json_alert(b, s, s->alerts[i]);
	}
	web_puts(b, "]}");
}

/* A guard pair's part: the build's role and name, and its links; null
 * for a single guard. */
static void
web_json_pair(struct web_buf *b, const struct web_snapshot *s)
{
	const struct status_link *k;
	size_t i;

	if (s->policy->role == GEN_ROLE_SINGLE) {
		web_puts(b, ",\"pair\":null");
		return;
	}
	web_printf(b, ",\"pair\":{\"role\":\"%s\",\"name\":",
	    s->policy->role == GEN_ROLE_EDGE ? "edge" : "validator");
	web_put_json(b, s->policy->role_name);
	web_puts(b, ",\"links\":[");
	for (i = 0; i < s->nlinks; i++) {
		k = &s->links[i];
		web_puts(b, i > 0 ? ",{\"guard\":" : "{\"guard\":");
		web_put_json(b, k->guard);
		web_printf(b, ",\"up\":%s,\"since_ms\":%" PRIu64
		    ",\"unacknowledged\":%zu,\"window\":%zu,\"frames_in\":%"
		    PRIu64 ",\"frames_out\":%" PRIu64 ",\"refused\":%" PRIu64
		    ",\"last_error\":", k->up ? "true" : "false", k->since_ms,
		    k->unacknowledged, k->window, k->frames[STATUS_IN],
		    k->frames[STATUS_OUT], k->refused);
		web_put_json_or_null(b, k->error[0] != '\0' ? k->error :
		    NULL);
		web_puts(b, "}");
	}
	web_puts(b, "]}");
}

void
web_render_json(struct web_buf *b, const struct web_snapshot *s)
{
	web_puts(b, "{");
	web_json_identity(b, s);
	web_json_pair(b, s);
	web_json_peers(b, s);
	web_json_streams(b, s);
	web_json_rules(b, s);
	web_json_alerts(b, s);
	web_puts(b, "}\n");
}
