/*
 * GET /: the page, rendered whole on the server so that it reads without
 * a script; /status.js refreshes its <main> from a fresh copy of the page
 * (web/assets.c). Every value that came from the network goes through
 * web_put_html. Classes "bad" and "warn" mark what should stand out.
 */
#include <inttypes.h>
#include <time.h>

#include "web_int.h"

/* Alerts newer than this make the page's banner red. */
#define WEB_PAGE_RECENT_MS (5 * 60 * 1000)

/* Appends the UTC time of MS (ms since the epoch). */
static void
web_page_time(struct web_buf *b, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char text[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
		web_puts(b, "?");
	else
		web_puts(b, text);
}

static void
web_page_head(struct web_buf *b, const struct web_snapshot *s)
{
	size_t i, fresh = 0;

	for (i = 0; i < s->nalerts; i++)
		if (s->now_ms - s->alerts[i]->when_ms < WEB_PAGE_RECENT_MS)
			fresh++;
	web_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\"><title>xedge ");
	web_put_html(b, s->policy->name);
	web_puts(b, "</title><link rel=\"stylesheet\" href=\"/status.css\">"
	    "<script src=\"/status.js\" defer></script></head><body><main>"
	    "<h1>xedge <span class=\"policy\">");
	web_put_html(b, s->policy->name);
	web_printf(b, "</span></h1><p id=\"health\" class=\"%s\">%s</p>",
	    s->healthy ? "ok" : "bad", s->healthy ? "healthy" : "UNHEALTHY");
	if (fresh > 0)
		web_printf(b, "<p id=\"alert-banner\" class=\"bad\">%zu alert%s "
		    "in the last five minutes</p>", fresh, fresh == 1 ? "" : "s");
	web_puts(b, "<dl class=\"identity\"><dt>policy SHA-256</dt><dd><code>");
	web_put_html(b, s->policy->sha256);
	web_puts(b, "</code></dd><dt>version</dt><dd>");
	web_put_html(b, s->version);
	web_puts(b, "</dd><dt>started</dt><dd>");
	web_page_time(b, s->started_ms);
	web_printf(b, " (up %" PRIu64 " s)</dd><dt>site file</dt><dd>",
	    s->now_ms > s->started_ms ? (s->now_ms - s->started_ms) / 1000 : 0);
	web_put_html(b, s->site_file != NULL ? s->site_file : "none");
	web_printf(b, "</dd><dt>memory</dt><dd>%zu of %zu bytes</dd><dt>streams"
	    "</dt><dd>%zu</dd></dl>", s->memory_held, s->memory_budget,
	    s->nstreams);
}

/* The class of peer I's row: "bad" for a required link down, "up" with a
 * ready stream, "warn" for a peer that dials but has none (it connects on
 * demand, so that is not an error in itself), else "idle". */
static const char *
web_page_peer_class(const struct web_snapshot *s, size_t i)
{
	if (web_peer_down(s, i))
		return "bad";
	if (web_peer_ready(s, i) > 0)
		return "up";
	return s->policy->peers[i].connect != GEN_CONNECT_NONE ? "warn" :
	    "idle";
}

/* The last failure of a peer's streams and when, or nothing. */
static void
web_page_peer_error(struct web_buf *b, const struct status_peer *p)
{
	web_puts(b, "<td>");
	if (p->error[0] != '\0') {
		web_put_html(b, p->error);
		web_puts(b, " at ");
		web_page_time(b, p->error_ms);
	}
	web_puts(b, "</td>");
}

static void
web_page_peers(struct web_buf *b, const struct web_snapshot *s)
{
	const struct gen_peer *p;
	size_t i, d;

	web_puts(b, "<h2>Peers</h2><div class=\"scroll\"><table id=\"peers\">"
	    "<tr><th>peer</th><th>domains</th><th>protocol</th>"
	    "<th>authentication</th><th>link</th>"
	    "<th>ready streams</th><th>stanzas in</th><th>stanzas out</th>"
	    "<th>bytes in/out</th><th>last error</th></tr>");
	for (i = 0; i < s->policy->npeers; i++) {
		p = &s->policy->peers[i];
		web_printf(b, "<tr class=\"%s\"><td>",
		    web_page_peer_class(s, i));
		web_put_html(b, p->name);
		web_puts(b, "</td><td>");
		for (d = 0; d < p->ndomains; d++) {
			web_puts(b, d > 0 ? ", " : "");
			web_put_html(b, p->domains[d]);
		}
		web_printf(b, "</td><td>%s, TLS %s</td><td>%s%s%s</td>"
		    "<td>%s</td><td>%zu</td>",
		    p->protocol == GEN_PROTO_GCXP ? "gcxp" : "s2s",
		    p->tls == GEN_TLS_REQUIRED ? "required" : "optional",
		    p->auth & GEN_AUTH_CERTIFICATE ? "certificate" : "",
		    p->auth == (GEN_AUTH_CERTIFICATE | GEN_AUTH_DIALBACK) ?
		    ", " : "", p->auth & GEN_AUTH_DIALBACK ? "dialback" : "",
		    p->required ? (web_peer_down(s, i) ? "required, DOWN" :
		    "required") : "on demand", web_peer_ready(s, i));
		if (s->peer_status != NULL) {
			web_printf(b, "<td>%" PRIu64 "</td><td>%" PRIu64 "</td>"
			    "<td>%" PRIu64 " / %" PRIu64 "</td>",
			    s->peer_status[i].stanzas[STATUS_IN],
			    s->peer_status[i].stanzas[STATUS_OUT],
			    s->peer_status[i].bytes[STATUS_IN],
			    s->peer_status[i].bytes[STATUS_OUT]);
			web_page_peer_error(b, &s->peer_status[i]);
		} else {
			web_puts(b, "<td></td><td></td><td></td><td></td>");
		}
		web_puts(b, "</tr>");
	}
	web_puts(b, "</table></div>");
}

static void
web_page_stream(struct web_buf *b, const struct web_snapshot *s,
    const struct status_stream *v)
{
	size_t i;

	web_printf(b, "<tr class=\"%s\"><td>%" PRIu64 "</td><td>",
	    v->state == STATUS_STATE_READY ? "up" : "idle", v->conn);
	web_put_html(b, v->peer >= 0 ? s->policy->peers[v->peer].name : "?");
	web_printf(b, "</td><td>%s</td><td>%s</td><td>",
	    v->dir == STATUS_IN ? "in" : "out",
	    s2s_status_state_name(v->state));
	web_put_html(b, v->local);
	web_puts(b, " &harr; ");
	web_put_html(b, v->remote);
	web_puts(b, "</td><td>");
	web_put_html(b, v->addr);
	web_puts(b, "</td><td>");
	if (v->tls_version != NULL) {
		web_put_html(b, v->tls_version);
		web_puts(b, " ");
		web_put_html(b, v->tls_cipher != NULL ? v->tls_cipher : "");
	}
	web_puts(b, "</td><td>");
	web_put_html(b, v->auth != NULL ? v->auth : "");
	for (i = 0; i < v->nauthed; i++) {
		web_puts(b, i == 0 ? ": " : ", ");
		web_put_html(b, v->authed[i]);
	}
	web_puts(b, "</td><td>");
	web_page_time(b, v->since_ms);
	web_printf(b, "</td><td>%" PRIu64 " / %" PRIu64 "</td><td>%" PRIu64
	    " / %" PRIu64 "</td><td>%zu</td></tr>", v->stanzas_in,
	    v->stanzas_out, v->bytes_in, v->bytes_out, v->queue_len);
}

static void
web_page_streams(struct web_buf *b, const struct web_snapshot *s)
{
	size_t i;

	web_printf(b, "<h2>Streams <small>(%zu of %zu shown)</small></h2>"
	    "<div class=\"scroll\"><table id=\"streams\"><tr><th>conn</th>"
	    "<th>peer</th><th>dir</th><th>state</th><th>domains</th>"
	    "<th>address</th><th>TLS</th><th>authenticated</th><th>since</th>"
	    "<th>stanzas in/out</th><th>bytes in/out</th><th>queue</th></tr>",
	    s->nshown, s->nstreams);
	for (i = 0; i < s->nshown; i++)
		web_page_stream(b, s, &s->streams[i]);
	web_puts(b, "</table></div>");
}

/* Rules that decided no stanza yet are left out: a policy has many. */
static void
web_page_rules(struct web_buf *b, const struct web_snapshot *s)
{
	const uint64_t *c;
	size_t i;

	web_puts(b, "<h2>Rules</h2><div class=\"scroll\"><table id=\"rules\">"
	    "<tr><th>rule</th><th>line</th><th>passed</th><th>modified</th>"
	    "<th>dropped</th><th>bounced</th></tr>");
	for (i = 0; s->rule_counts != NULL && i < s->policy->nrules; i++) {
		c = s->rule_counts[i];
		if (c[0] + c[1] + c[2] + c[3] == 0)
			continue;
		web_puts(b, "<tr><td>");
		web_put_html(b, s->policy->rules[i].name);
		web_printf(b, "</td><td>%u</td><td>%" PRIu64 "</td><td>%" PRIu64
		    "</td><td class=\"%s\">%" PRIu64 "</td><td class=\"%s\">%"
		    PRIu64 "</td></tr>", s->policy->rules[i].line,
		    c[GEN_VERDICT_PASS], c[GEN_VERDICT_MODIFY],
		    c[GEN_VERDICT_DROP] > 0 ? "warn" : "",
		    c[GEN_VERDICT_DROP], c[GEN_VERDICT_BOUNCE] > 0 ? "warn" : "",
		    c[GEN_VERDICT_BOUNCE]);
	}
	web_puts(b, "</table></div>");
}

static void
web_page_alerts(struct web_buf *b, const struct web_snapshot *s)
{
	const struct alert_record *a;
	size_t i;

	web_printf(b, "<h2>Alerts <small>(%" PRIu64 " raised, %" PRIu64
	    " suppressed; latest %zu)</small></h2><div class=\"scroll\">"
	    "<table id=\"alerts\"><tr><th>when</th><th>rule</th><th>verdict"
	    "</th><th>peer</th><th>stanza</th><th>from</th><th>to</th>"
	    "<th>why</th></tr>", s->alert_totals.raised,
	    s->alert_totals.suppressed, s->nalerts);
	for (i = 0; i < s->nalerts; i++) {
		a = s->alerts[i];
		web_printf(b, "<tr class=\"%s\"><td>",
		    s->now_ms - a->when_ms < WEB_PAGE_RECENT_MS ? "bad" : "");
		web_page_time(b, a->when_ms);
		web_puts(b, "</td><td>");
		web_put_html(b, s->policy->rules[a->rule].name);
		web_printf(b, "</td><td>%s</td><td>",
		    alert_verdict_name(a->verdict));
		web_put_html(b, a->peer >= 0 ?
		    s->policy->peers[a->peer].name : "");
		web_printf(b, "</td><td>%s %s</td><td>",
		    alert_dir_name(a->dir), alert_kind_name(a->kind));
		web_put_html(b, a->from);
		web_puts(b, "</td><td>");
		web_put_html(b, a->to);
		web_puts(b, "</td><td>");
		web_put_html(b, a->why);
		web_puts(b, "</td></tr>");
	}
	web_puts(b, "</table></div>");
}

/* A guard pair's links, for a build that is one of its guards. */
static void
web_page_pair(struct web_buf *b, const struct web_snapshot *s)
{
	const struct status_link *k;
	size_t i;

	if (s->policy->role == GEN_ROLE_SINGLE)
		return;
	web_printf(b, "<h2>Guard pair <small>(this guard: %s ",
	    s->policy->role == GEN_ROLE_EDGE ? "edge" : "validator");
	web_put_html(b, s->policy->role_name);
	web_puts(b, ")</small></h2><div class=\"scroll\"><table id=\"links\">"
	    "<tr><th>guard</th><th>link</th><th>since</th>"
	    "<th>unacknowledged / window</th><th>frames in/out</th>"
	    "<th>refused</th><th>last error</th></tr>");
	for (i = 0; i < s->nlinks; i++) {
		k = &s->links[i];
		web_printf(b, "<tr class=\"%s\"><td>", k->up ? "up" : "bad");
		web_put_html(b, k->guard);
		web_printf(b, "</td><td>%s</td><td>", k->up ? "up" : "DOWN");
		web_page_time(b, k->since_ms);
		web_printf(b, "</td><td>%zu / %zu</td><td>%" PRIu64 " / %" PRIu64
		    "</td><td>%" PRIu64 "</td><td>", k->unacknowledged,
		    k->window, k->frames[STATUS_IN], k->frames[STATUS_OUT],
		    k->refused);
		web_put_html(b, k->error);
		web_puts(b, "</td></tr>");
	}
	web_puts(b, "</table></div>");
}

void
web_render_page(struct web_buf *b, const struct web_snapshot *s)
{
	web_page_head(b, s);
	web_page_pair(b, s);
	web_page_peers(b, s);
	web_page_streams(b, s);
	web_page_rules(b, s);
	web_page_alerts(b, s);
	web_puts(b, "</main></body></html>\n");
}
