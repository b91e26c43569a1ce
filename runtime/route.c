/*
 * Routing of stanzas between streams, and bounces. The decision itself is
 * the generated gen_route(); this file checks addresses, applies the
 * destination's limits and hands the re-serialized stanza to the outbound
 * stream for its from and to domains.
 */
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "jid.h"
#include "log.h"
#include "route.h"

#define ROUTE_NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

/* The error type RFC 6120 section 8.3.2 pairs with each condition used. */
static const char *
route_error_type(const char *cond)
{
	if (strcmp(cond, "remote-server-timeout") == 0 ||
	    strcmp(cond, "resource-constraint") == 0)
		return "wait";
	if (strcmp(cond, "policy-violation") == 0 ||
	    strcmp(cond, "jid-malformed") == 0)
		return "modify";
	return "cancel";
}

/*
 * Whether a stanza deserves an error in return: never an error to an error
 * (RFC 6120 section 8.3.1), nor to an IQ result; IQ get and set always get
 * an answer; presence only for subscription requests, so that a flood of
 * availability broadcasts to an unreachable domain does not come back.
 */
static int
route_should_bounce(const char *kind, const char *type)
{
	if (type != NULL && strcmp(type, "error") == 0)
		return 0;
	if (strcmp(kind, "iq") == 0)
		return type != NULL && (strcmp(type, "get") == 0 ||
		    strcmp(type, "set") == 0);
	if (strcmp(kind, "presence") == 0)
		return type != NULL && strcmp(type, "subscribe") == 0;
	return 1;
}

/*
 * Logs EVENT for the stanza ITEM describes: its addresses come from a peer,
 * so they are quoted; WHY may be NULL.
 */
static void
route_log(enum log_level lvl, const struct s2s *in, const char *event,
    const struct s2s_item *item, const char *cond, const char *why)
{
	char from[LOG_QUOTE_SIZE(128)], to[LOG_QUOTE_SIZE(128)];

	log_event(lvl, in != NULL && in->conn != NULL ? in->conn->id : 0,
	    event, "kind=%s from=%s to=%s condition=%s%s%s%s", item->kind,
	    log_quote(item->from, from, sizeof(from)),
	    log_quote(item->to, to, sizeof(to)), cond, why ? " reason=\"" : "",
	    why ? why : "", why ? "\"" : "");
}

/* Delivers an error stanza; failures are logged, never bounced. */
static void
route_send_bounce(const char *from_dom, const char *to_dom,
    const struct stanza_node *e, const struct s2s_item *item)
{
	struct s2s *out;
	const char *bytes, *cond;
	long len;
	int peer;

	peer = gen_route(to_dom, strlen(to_dom));
	out = peer >= 0 ? s2s_out_get(peer, from_dom, to_dom) : NULL;
	len = guard_serialize(e, &bytes);
	if (out == NULL || len < 0 ||
	    s2s_out_send(out, bytes, (size_t)len, item, &cond) == -1)
		route_log(LOG_LVL_WARN, NULL, "bounce-undeliverable", item,
		    "-", NULL);
}

/*
 * Sends the stanza error COND for a stanza described by ITEM back to its
 * sender, from the address it was sent to.
 */
static void
route_bounce(const struct s2s_item *item, const char *cond)
{
	struct arena a = { 0 };
	struct stanza_node *e, *err;
	struct s2s_item back;
	char from_dom[JID_DOMAIN_MAX + 1], to_dom[JID_DOMAIN_MAX + 1];

	if (!route_should_bounce(item->kind, item->type)) {
		route_log(LOG_LVL_INFO, NULL, "drop", item, cond, NULL);
		return;
	}
	if (jid_domain(item->to, from_dom) < 0 ||
	    jid_domain(item->from, to_dom) < 0)
		return;
	e = stanza_element(&a, STANZA_NS_SERVER, item->kind);
	if (e == NULL || stanza_set_attr(&a, e, "", "from", item->to) == -1 ||
	    stanza_set_attr(&a, e, "", "to", item->from) == -1 ||
	    stanza_set_attr(&a, e, "", "type", "error") == -1 ||
	    (item->id != NULL &&
	    stanza_set_attr(&a, e, "", "id", item->id) == -1) ||
	    (err = stanza_add_child(&a, e, STANZA_NS_SERVER, "error")) == NULL ||
	    stanza_set_attr(&a, err, "", "type", route_error_type(cond)) == -1 ||
	    stanza_add_child(&a, err, ROUTE_NS_STANZAS, cond) == NULL) {
		log_event(LOG_LVL_ERR, 0, "bounce-failed", "reason=no-memory");
		arena_free(&a);
		return;
	}
	back = (struct s2s_item){ .kind = item->kind, .from = item->to,
	    .to = item->from, .id = item->id, .type = "error" };
	route_log(LOG_LVL_INFO, NULL, "bounce", &back, cond, NULL);
	route_send_bounce(from_dom, to_dom, e, &back);
	arena_free(&a);
}

/* Describes stanza E for a bounce, pointing into E. */
static void
route_describe(const struct stanza_node *e, struct s2s_item *item)
{
	*item = (struct s2s_item){ .kind = e->name };
	item->from = stanza_attr(e, "", "from");
	item->to = stanza_attr(e, "", "to");
	item->id = stanza_attr(e, "", "id");
	item->type = stanza_attr(e, "", "type");
}

static void
route_refuse(const struct s2s *in, const struct s2s_item *item,
    const char *cond, const char *why)
{
	route_log(LOG_LVL_WARN, in, "refuse", item, cond, why);
	route_bounce(item, cond);
}

void
route_stanza(struct s2s *in, struct stanza_node *e)
{
	char from_dom[JID_DOMAIN_MAX + 1], to_dom[JID_DOMAIN_MAX + 1];
	const struct gen_peer *dest;
	struct s2s_item item;
	struct s2s *out;
	const char *bytes, *cond;
	long len;
	int peer;

	in->last_stanza = loop_now(guard.loop);
	route_describe(e, &item);
	if (item.from == NULL || item.to == NULL) {
		s2s_stream_error(in, "improper-addressing",
		    "stanza without 'from' or 'to'");
		return;
	}
	if (jid_domain(item.from, from_dom) < 0 || !jid_valid(item.from) ||
	    !s2s_is_authed(in, from_dom)) {
		s2s_stream_error(in, "invalid-from",
		    "'from' malformed or not authenticated on this stream");
		return;
	}
	if (jid_domain(item.to, to_dom) < 0 || !jid_valid(item.to)) {
		/* No address to answer from: the error comes from the domain
		 * the stream was opened to. */
		item.to = in->local;
		route_refuse(in, &item, "jid-malformed", "bad 'to' address");
		return;
	}
	peer = gen_route(to_dom, strlen(to_dom));
	if (peer < 0) {
		route_refuse(in, &item, "remote-server-not-found", "no route");
		return;
	}
	dest = &guard.policy->peers[peer];
	if (dest->protocol != GEN_PROTO_S2S) {
		route_refuse(in, &item, "service-unavailable",
		    "protocol of the destination peer not available");
		return;
	}
	len = guard_serialize(e, &bytes);
	if (len < 0) {
		route_refuse(in, &item, "resource-constraint", "no memory");
		return;
	}
	if ((size_t)len > dest->limits.stanza_size) {
		route_refuse(in, &item, "policy-violation",
		    "stanza larger than the destination allows");
		return;
	}
	out = s2s_out_get(peer, from_dom, to_dom);
	if (out == NULL) {
		route_refuse(in, &item, "remote-server-not-found",
		    "cannot open a stream");
		return;
	}
	if (s2s_out_send(out, bytes, (size_t)len, &item, &cond) == -1) {
		route_refuse(in, &item, cond, "cannot send");
		return;
	}
	/* Backpressure: past half its output bound, the destination makes
	 * the source wait instead of growing memory. */
	if (s2s_out_congested(out))
		s2s_block_on(in, out);
}

/*
 * Sends what waited on OUT while it negotiated, as far as its output bound
 * allows; the rest goes when the connection drains. A stanza the peer's
 * XEP-0478 limit refuses, or that finds no room, is bounced.
 */
void
route_flush_queue(struct s2s *out)
{
	struct s2s_item *it;

	while ((it = out->queue_head) != NULL && out->state == S2S_READY &&
	    !s2s_out_congested(out)) {
		out->queue_head = it->next;
		if (out->queue_head == NULL)
			out->queue_tail = NULL;
		out->queue_len--;
		if (out->peer_max_bytes != 0 && it->len > out->peer_max_bytes)
			route_bounce(it, "policy-violation");
		else if (out->conn == NULL ||
		    conn_write(out->conn, it->data, it->len) == -1)
			route_bounce(it, "resource-constraint");
		else
			out->last_write = out->last_stanza =
			    loop_now(guard.loop);
		free(it);
	}
}

void
route_bounce_queue(struct s2s *out, const char *cond)
{
	struct s2s_item *it;

	while ((it = out->queue_head) != NULL) {
		out->queue_head = it->next;
		out->queue_len--;
		if (cond != NULL)
			route_bounce(it, cond);
		free(it);
	}
	out->queue_tail = NULL;
}
