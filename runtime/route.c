/*
 * Routing on a running guard: runs the pipeline, hands what passes to the
 * destination's egress, and turns every refusal into a bounce to the sender
 * (or a logged drop where RFC 6120 forbids an answer).
 *
 * Bounces come from a domain the guard stands in for, over a stream it may
 * use: the stanza's 'to' domain when the guard fronts it towards the
 * sender's peer, else the domain the sender's stream was opened to. A
 * sender cannot make the guard open streams in names it chooses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jid.h"
#include "log.h"
#include "route.h"

int
route_init(struct route_env *r, const struct gen_policy *p)
{
	*r = (struct route_env){ .policy = p };
	r->egress[GEN_PROTO_S2S] = &s2s_egress;
	r->counters = calloc(p->nrules, sizeof(*r->counters));
	return r->counters != NULL ? 0 : -1;
}

void
route_free(struct route_env *r)
{
	free(r->out.data);
	free(r->bounce.data);
	free(r->counters);
	*r = (struct route_env){ 0 };
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

/*
 * Whether a stanza deserves an error in return: never an error to an error
 * (RFC 6120 section 8.3.1), nor to an IQ result; IQ get and set always get
 * an answer, and so does an IQ of no known type (section 8.2.3 rule 2:
 * bad-request, from the recipient or an intermediate router); presence
 * only for subscription requests, so that a flood of availability
 * broadcasts to an unreachable domain does not come back.
 */
static int
route_should_bounce(const struct egress_meta *m)
{
	const char *t = m->type;

	if (t != NULL && strcmp(t, "error") == 0)
		return 0;
	if (m->kind == GEN_KIND_IQ)
		return t == NULL || strcmp(t, "result") != 0;
	if (m->kind == GEN_KIND_PRESENCE)
		return t != NULL && strcmp(t, "subscribe") == 0;
	return 1;
}

/* Makes the error stanza for M with COND, from FROM to M's sender, in A.
 * An IQ's carries the request's id, empty if it had none (RFC 6120
 * section 8.2.3 rule 3). */
static struct stanza_node *
route_error_stanza(struct arena *a, const struct egress_meta *m,
    const char *from, enum stanza_cond cond)
{
	const char *id = m->id != NULL || m->kind != GEN_KIND_IQ ? m->id : "";
	struct stanza_node *e, *err;

	e = stanza_element(a, STANZA_NS_SERVER, route_kinds[m->kind]);
	if (e == NULL || stanza_set_attr(a, e, "", "from", from) == -1 ||
	    stanza_set_attr(a, e, "", "to", m->from) == -1 ||
	    stanza_set_attr(a, e, "", "type", "error") == -1 ||
	    (id != NULL && stanza_set_attr(a, e, "", "id", id) == -1) ||
	    (err = stanza_add_child(a, e, STANZA_NS_SERVER, "error")) == NULL ||
	    stanza_set_attr(a, err, "", "type", stanza_cond_type(cond)) == -1 ||
	    stanza_add_child(a, err, STANZA_NS_STANZAS,
	    stanza_cond_name(cond)) == NULL)
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

	if (!route_should_bounce(m)) {
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
	e = route_error_stanza(&a, m, from_to ? m->to : local, cond);
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

	route_count(r, rule, GEN_VERDICT_BOUNCE);
	route_log(LOG_LVL_WARN, src->conn_id, "refuse", m,
	    stanza_cond_name(cond), r->policy->rules[rule].name, why);
	dst = route_bounce(r, src->conn_id, m, cond, c->src.local, &eg);
	route_backpressure(src, eg, dst, EGRESS_BACKLOG);
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
	void *dst;

	/* Only what the caller sets: zeroing the whole context (two domain
	 * buffers) for every stanza would cost more than the stages. */
	c.policy = r->policy;
	c.src = src->pipe;
	c.stanza = e;
	c.out = &r->out;
	pipeline_run(&c);
	m = (struct egress_meta){ .kind = c.facts.kind, .from = c.head.from,
	    .to = c.head.to, .id = c.head.id, .type = c.head.type,
	    .rule = c.decision.rule };
	switch (c.end) {
	case PIPE_STREAM_ERROR:
		route_count(r, c.decision.rule, GEN_VERDICT_DROP);
		*se = c.stream_error;
		*why = c.why;
		return -1;
	case PIPE_DROP:
		route_count(r, c.decision.rule, GEN_VERDICT_DROP);
		route_log(LOG_LVL_WARN, src->conn_id, "drop", &m, "-",
		    r->policy->rules[c.decision.rule].name, c.why);
		return 0;
	case PIPE_REFUSE:
		route_refuse(r, src, &c, &m, c.cond, c.decision.rule, c.why);
		return 0;
	case PIPE_DELIVER:
		break;
	}
	dst_peer = &r->policy->peers[c.facts.dst_peer];
	eg = r->egress[dst_peer->protocol];
	dst = eg->get(c.facts.dst_peer, c.from_domain, c.to_domain, &cond);
	if (dst == NULL || eg->send(dst, c.bytes, c.len, &m, &cond) == -1) {
		route_refuse(r, src, &c, &m, cond,
		    cond == STANZA_COND_RESOURCE_CONSTRAINT ?
		    dst_peer->rules.queue : dst_peer->rules.route,
		    "cannot send");
		return 0;
	}
	route_count(r, c.decision.rule, c.decision.verdict);
	route_backpressure(src, eg, dst, EGRESS_SLOW);
	return 0;
}
