/*
 * Routing on a running guard: runs the pipeline, hands what passes to the
 * destination's egress, and turns every refusal into a bounce to the sender
 * (or a logged drop where RFC 6120 forbids an answer). Every rule that
 * acted is counted, and each violation raises an alert (alert.h), whose
 * messages to an operator leave by the same routes.
 *
 * Bounces come from a domain the guard stands in for, over a stream it may
 * use: the stanza's 'to' domain when the guard fronts it towards the
 * sender's peer, else the domain the sender's stream was opened to. A
 * sender cannot make the guard open streams in names it chooses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fold_memo.h"
#include "jid.h"
#include "log.h"
#include "loop.h"
#include "route.h"
#include "text_fold.h"

static alert_send_fn route_alert_send;

int
route_init(struct route_env *r, const struct gen_policy *p)
{
	const struct gen_alert *a = &p->alert;

	*r = (struct route_env){ .policy = p };
	r->egress[GEN_PROTO_S2S] = &s2s_egress;
	r->egress[GEN_PROTO_GCXP] = &gcxp_egress;
	r->alert_cfg = (struct alert_config){ .log = a->log, .file = a->file,
	    .message_to = a->message_to, .message_from = a->message_from,
	    .rate = a->rate, .rate_window_ms = a->window * 1000,
	    .recent = a->recent };
	r->counters = calloc(p->nrules, sizeof(*r->counters));
	r->memo = fold_memo_new(ROUTE_FOLD_SLOTS);
	text_match_prepare();
	if (r->counters == NULL || r->memo == NULL ||
	    alert_init(&r->alerts, &r->alert_cfg, p, route_alert_send, r) ==
	    -1) {
		route_free(r);
		return -1;
	}
	return 0;
}

void
route_free(struct route_env *r)
{
	alert_fini(&r->alerts);
	fold_memo_free(r->memo);
	free(r->out.data);
	free(r->bounce.data);
	free(r->counters);
	*r = (struct route_env){ 0 };
}

/* Milliseconds of clock ID. */
static uint64_t
route_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
route_tick(struct route_env *r)
{
	alert_tick(&r->alerts, route_ms(CLOCK_MONOTONIC),
	    loop_wall_ms());
}

/* The element name of each enum gen_kind. */
static const char *const route_kinds[] = { "message", "presence", "iq" };

static void
route_count(struct route_env *r, unsigned rule, enum gen_verdict v)
{
	XEDGE_ASSERT(rule < r->policy->nrules && v < GEN_VERDICT_COUNT);
	r->counters[rule][v]++;
}

/*
 * Logs EVENT for the stanza M describes: its addresses come from a peer,
 * so they are quoted; RULE and WHY are left out when NULL.
 */
static void
route_log(enum log_level lvl, uint64_t conn, const char *event,
    const struct egress_meta *m, const char *cond, const char *rule,
    const char *why)
{
	char from[LOG_QUOTE_SIZE(128)], to[LOG_QUOTE_SIZE(128)];

	log_event(lvl, conn, event, "kind=%s from=%s to=%s condition=%s%s%s%s"
	    "%s%s%s", route_kinds[m->kind],
	    log_quote(m->from, from, sizeof(from)),
	    log_quote(m->to, to, sizeof(to)), cond, rule ? " rule=\"" : "",
	    rule ? rule : "", rule ? "\"" : "", why ? " reason=\"" : "",
	    why ? why : "", why ? "\"" : "");
}

/* Makes in A the element of a stanza M describes (kind, addresses, type
 * and id, each if given), or NULL. */
static struct stanza_node *
route_head(struct arena *a, const struct egress_meta *m)
{
	struct stanza_node *e;

	e = stanza_element(a, STANZA_NS_SERVER, route_kinds[m->kind]);
	if (e == NULL || stanza_set_attr(a, e, "", "from", m->from) == -1 ||
	    stanza_set_attr(a, e, "", "to", m->to) == -1 ||
	    (m->type != NULL && stanza_set_attr(a, e, "", "type", m->type) ==
	    -1) || (m->id != NULL && stanza_set_attr(a, e, "", "id", m->id) ==
	    -1))
		return NULL;
	return e;
}

/* Makes the error stanza for M with COND, from FROM to M's sender, in A,
 * with a text naming RULE when one refused it; nothing of the stanza goes
 * back. An IQ's carries the request's id, empty if it had none (RFC 6120
 * section 8.2.3 rule 3). */
static struct stanza_node *
route_error_stanza(struct arena *a, const struct egress_meta *m,
    const char *from, enum stanza_cond cond, const struct gen_rule *rule)
{
	struct egress_meta back = { .kind = m->kind, .from = from,
	    .to = m->from, .type = "error", .id = m->id != NULL ||
	    m->kind != GEN_KIND_IQ ? m->id : "" };
	struct stanza_node *e, *err, *text;
	char why[256];

	if ((e = route_head(a, &back)) == NULL ||
	    (err = stanza_add_child(a, e, STANZA_NS_SERVER, "error")) == NULL ||
	    stanza_set_attr(a, err, "", "type", stanza_cond_type(cond)) == -1 ||
	    stanza_add_child(a, err, STANZA_NS_STANZAS,
	    stanza_cond_name(cond)) == NULL)
		return NULL;
	/* A stanza that could not be delivered was refused by no rule. */
	if (rule->verdict == GEN_VERDICT_PASS)
		return e;
	if (rule->file != NULL)
		snprintf(why, sizeof(why), "Refused by the guard's policy: "
		    "rule '%s' (%s:%u).", rule->name, rule->file, rule->line);
	else
		snprintf(why, sizeof(why), "Refused by the guard: %s.",
		    rule->name);
	if ((text = stanza_add_child(a, err, STANZA_NS_STANZAS, "text")) ==
	    NULL || stanza_set_attr(a, text, STANZA_NS_XML, "lang", "en") ==
	    -1 || stanza_append_text(a, text, why, strlen(why)) == -1)
		return NULL;
	return e;
}

/*
 * The domain a bounce of M comes from, into OUT: M's 'to' domain when the
 * guard stands in for it towards SENDER_PEER (returns 1: the error comes
 * from M's 'to' itself), else FALLBACK, the domain the sender's stream was
 * opened to (returns 0). Returns -1 when the guard may not answer in any
 * name (no FALLBACK).
 */
static int
route_bounce_local(const struct egress_meta *m, int sender_peer,
    const char *fallback, char *out)
{
	int n = jid_domain(m->to, out);

	if (n >= 0 && pipeline_fronts(out) &&
	    gen_route(out, (size_t)n) != sender_peer)
		return 1;
	if (fallback == NULL)
		return -1;
	snprintf(out, JID_DOMAIN_MAX + 1, "%s", fallback);
	return 0;
}

/*
 * Sends the stanza error COND for M back to its sender. FALLBACK is as for
 * route_bounce_local. Returns the destination the bounce went to (for
 * backpressure on its source), or NULL.
 */
static void *
route_bounce(struct route_env *r, uint64_t conn, const struct egress_meta *m,
    enum stanza_cond cond, const char *fallback, const struct egress_ops **eg)
{
	char local[JID_DOMAIN_MAX + 1], sender[JID_DOMAIN_MAX + 1];
	struct arena a = { 0 };
	struct stanza_node *e;
	struct egress_meta back;
	enum stanza_cond why;
	void *dst = NULL;
	long len;
	int peer, from_to;

	if (!pipeline_answerable(m->kind, m->type, m->room_join)) {
		route_log(LOG_LVL_INFO, conn, "drop", m, stanza_cond_name(cond),
		    NULL, "no error is due for this stanza");
		return NULL;
	}
	peer = jid_domain(m->from, sender) >= 0 ?
	    gen_route(sender, strlen(sender)) : -1;
	back = (struct egress_meta){ .kind = m->kind, .from = m->to,
	    .to = m->from, .id = m->id, .type = "error", .rule = m->rule };
	if (peer < 0 || r->egress[r->policy->peers[peer].protocol] == NULL ||
	    (from_to = route_bounce_local(m, peer, fallback, local)) == -1) {
		route_log(LOG_LVL_WARN, conn, "bounce-undeliverable", &back,
		    stanza_cond_name(cond), NULL, "no way back to the sender");
		return NULL;
	}
	*eg = r->egress[r->policy->peers[peer].protocol];
	e = route_error_stanza(&a, m, from_to ? m->to : local, cond,
	    &r->policy->rules[m->rule]);
	back.from = e != NULL ? stanza_attr(e, "", "from") : m->to;
	/* A bounce may be made while the stanza it answers is still in
	 * r->out: it has a buffer of its own. */
	len = e != NULL ? pipeline_serialize(&r->bounce, e) : -1;
	if (len >= 0)
		dst = (*eg)->get(peer, local, sender, &why);
	if (dst == NULL || (*eg)->send(dst, r->bounce.data, (size_t)len, &back,
	    &why) == -1) {
		route_log(LOG_LVL_WARN, conn, "bounce-undeliverable", &back,
		    stanza_cond_name(cond), NULL, NULL);
		dst = NULL;
	} else {
		route_log(LOG_LVL_INFO, conn, "bounce", &back,
		    stanza_cond_name(cond), NULL, NULL);
	}
	arena_free(&a);
	return dst;
}

/* Makes SRC wait for DST when the egress says so: LEVEL is the pressure at
 * which it waits. */
static void
route_backpressure(const struct route_source *src,
    const struct egress_ops *eg, void *dst, enum egress_pressure level)
{
	if (src->waiter != NULL && dst != NULL && eg->pressure(dst) >= level)
		eg->wait(dst, src->waiter);
}

void
route_undeliverable(struct route_env *r, const struct egress_meta *m,
    enum stanza_cond cond)
{
	const struct egress_ops *eg = NULL;

	route_count(r, m->rule, GEN_VERDICT_BOUNCE);
	route_bounce(r, 0, m, cond, NULL, &eg);
}

void
route_judged(struct route_env *r, uint64_t conn, const struct egress_meta *m,
    enum stanza_cond cond, unsigned rule, int peer, const char *why)
{
	struct alert a = { .when_ms = loop_wall_ms(), .conn = conn,
	    .rule = rule, .verdict = GEN_VERDICT_BOUNCE, .peer = peer,
	    .dir = ALERT_OUTBOUND, .kind = m->kind, .from = m->from,
	    .to = m->to, .id = m->id, .why = why };

	route_count(r, rule, GEN_VERDICT_BOUNCE);
	route_log(LOG_LVL_WARN, conn, "refuse", m, stanza_cond_name(cond),
	    r->policy->rules[rule].name, why);
	alert_raise(&r->alerts, &a, route_ms(CLOCK_MONOTONIC));
}

void
route_refused(struct route_env *r, const struct egress_meta *m,
    enum stanza_cond cond, unsigned rule, int peer, const char *why)
{
	const struct egress_ops *eg = NULL;

	route_judged(r, 0, m, cond, rule, peer, why);
	route_bounce(r, 0, m, cond, NULL, &eg);
}

/* Refuses the stanza of run C with COND by RULE, and makes the source wait
 * when the way back to it is backed up: the sender's own flood is what
 * fills it. */
static void
route_refuse(struct route_env *r, const struct route_source *src,
    const struct pipe_ctx *c, const struct egress_meta *m,
    enum stanza_cond cond, unsigned rule, const char *why)
{
	const struct egress_ops *eg = NULL;
	void *dst;

	route_log(LOG_LVL_WARN, src->conn_id, "refuse", m,
	    stanza_cond_name(cond), r->policy->rules[rule].name, why);
	dst = route_bounce(r, src->conn_id, m, cond, c->src.local, &eg);
	route_backpressure(src, eg, dst, EGRESS_BACKLOG);
}

/* Raises the alert for RULE, which acted with VERDICT at PEER's filters
 * of direction DIR on the stanza M of run C. */
static void
route_alert(struct route_env *r, const struct route_source *src,
    const struct pipe_ctx *c, const struct egress_meta *m, unsigned rule,
    enum gen_verdict verdict, int peer, enum pipe_dir dir)
{
	struct alert a = { .when_ms = loop_wall_ms(),
	    .conn = src->conn_id, .rule = rule, .verdict = verdict,
	    .peer = peer, .dir = dir == PIPE_INBOUND ? ALERT_INBOUND :
	    ALERT_OUTBOUND, .kind = m->kind, .from = m->from, .to = m->to,
	    .id = m->id, .why = c->why };

	alert_raise(&r->alerts, &a, route_ms(CLOCK_MONOTONIC));
}

/*
 * Counts the rules that acted on the stanza of run C, and raises an alert
 * for each that found a violation: the content rules recorded as hits,
 * and the rule that ended the run unless it is one of them. A stanza that
 * crossed untouched counts as a pass of the rule that routed it.
 */
static void
route_account(struct route_env *r, const struct route_source *src,
    const struct pipe_ctx *c, const struct egress_meta *m)
{
	const struct pipe_hit *h;
	unsigned i, rule = c->decision.rule;
	int decided_by_hit = 0;

	for (i = 0; i < c->nhits; i++) {
		h = &c->hits[i];
		route_count(r, h->rule, h->verdict);
		if (r->policy->rules[h->rule].alert)
			route_alert(r, src, c, m, h->rule, h->verdict, h->peer,
			    h->dir);
		decided_by_hit |= h->rule == rule;
	}
	if (c->end == PIPE_DELIVER ? c->nhits > 0 : decided_by_hit)
		return;
	route_count(r, rule, c->decision.verdict);
	if (c->end != PIPE_DELIVER && r->policy->rules[rule].alert)
		route_alert(r, src, c, m, rule, c->decision.verdict,
		    c->at_peer, c->at_dir);
}

int
route_stanza(struct route_env *r, const struct route_source *src,
    struct stanza_node *e, enum pipe_stream_error *se,
    const char **why)
{
	struct pipe_ctx c;
	const struct gen_peer *dst_peer;
	const struct egress_ops *eg = NULL;
	struct egress_meta m;
	enum stanza_cond cond;
	unsigned rule, path[PIPE_MAX_HITS + 1], i;
	void *dst;

	/* Only what the caller sets: zeroing the whole context (two domain
	 * buffers) for every stanza would cost more than the stages. */
	c.policy = r->policy;
	c.src = src->pipe;
	c.stanza = e;
	c.arena = src->arena;
	c.out = &r->out;
	c.memo = r->memo;
	pipeline_run(&c);
	m = (struct egress_meta){ .kind = c.facts.kind, .from = c.head.from,
	    .to = c.head.to, .id = c.head.id, .type = c.head.type,
	    .rule = c.decision.rule, .room_join = c.facts.room_join };
	route_account(r, src, &c, &m);
	switch (c.end) {
	case PIPE_STREAM_ERROR:
		*se = c.stream_error;
		*why = c.why;
		return -1;
	case PIPE_DROP:
		route_log(LOG_LVL_INFO, src->conn_id, "drop", &m, "-",
		    r->policy->rules[c.decision.rule].name, c.why);
		return 0;
	case PIPE_REFUSE:
		route_refuse(r, src, &c, &m, c.cond, c.decision.rule, c.why);
		return 0;
	case PIPE_DELIVER:
		break;
	}
	/* The verdict path: the content rules that acted, then the rule
	 * that let it cross. */
	for (i = 0; i < c.nhits; i++)
		path[i] = c.hits[i].rule;
	path[i++] = c.decision.rule;
	m.path = path;
	m.npath = i;
	dst_peer = &r->policy->peers[c.facts.dst_peer];
	eg = r->egress[dst_peer->protocol];
	dst = eg->get(c.facts.dst_peer, c.from_domain, c.to_domain, &cond);
	if (dst == NULL || eg->send(dst, c.bytes, c.len, &m, &cond) == -1) {
		rule = cond == STANZA_COND_RESOURCE_CONSTRAINT ?
		    dst_peer->rules.queue : dst_peer->rules.route;
		/* Folded presence that did not leave was not sent. */
		if (c.facts.kind == GEN_KIND_PRESENCE)
			fold_memo_forget(r->memo, c.head.from, c.head.to);
		route_count(r, rule, GEN_VERDICT_BOUNCE);
		m.rule = rule;
		route_refuse(r, src, &c, &m, cond, rule, "cannot send");
		return 0;
	}
	route_backpressure(src, eg, dst, EGRESS_SLOW);
	return 0;
}

/*
 * Sends an alert to the operator as a message of the guard's own, from
 * FROM to TO, by the guard's routes and egress like any stanza that
 * crossed, but past the filters: an alert about an alert would loop.
 */
static int
route_alert_send(void *arg, const char *from, const char *to, const char *body)
{
	struct route_env *r = arg;
	char from_domain[JID_DOMAIN_MAX + 1], to_domain[JID_DOMAIN_MAX + 1];
	struct egress_meta m = { .kind = GEN_KIND_MESSAGE, .from = from,
	    .to = to, .type = "normal" };
	const struct egress_ops *eg;
	struct arena a = { 0 };
	struct stanza_node *e, *b;
	enum stanza_cond cond;
	void *dst = NULL;
	long len = -1;
	int peer;

	if (jid_domain(from, from_domain) < 0 || jid_domain(to, to_domain) < 0 ||
	    (peer = gen_route(to_domain, strlen(to_domain))) < 0 ||
	    (eg = r->egress[r->policy->peers[peer].protocol]) == NULL)
		return -1;
	m.rule = r->policy->peers[peer].rules.route;
	if ((e = route_head(&a, &m)) != NULL &&
	    (b = stanza_add_child(&a, e, STANZA_NS_SERVER, "body")) != NULL &&
	    stanza_append_text(&a, b, body, strlen(body)) == 0)
		len = pipeline_serialize(&r->bounce, e);
	if (len >= 0)
		dst = eg->get(peer, from_domain, to_domain, &cond);
	arena_free(&a);
	if (dst == NULL ||
	    eg->send(dst, r->bounce.data, (size_t)len, &m, &cond) == -1)
		return -1;
	route_count(r, m.rule, GEN_VERDICT_PASS);
	return 0;
}
