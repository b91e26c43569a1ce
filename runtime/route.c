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
		log_event(LOG_LVL_WARN, 0, "bounce-undeliverable",
		    "from=%s to=%s", item->from, item->to);
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
		log_event(LOG_LVL_INFO, 0, "drop", "kind=%s from=%s to=%s "
		    "condition=%s", item->kind, item->from, item->to, cond);
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
	log_event(LOG_LVL_INFO, 0, "bounce", "kind=%s from=%s to=%s "
	    "condition=%s", item->kind, item->to, item->from, cond);
	back = (struct s2s_item){ .kind = item->kind, .from = item->to,
	    .to = item->from, .id = item->id, .type = "error" };
	route_send_bounce(from_dom, to_dom, e, &back);
	arena_free(&a);
}

/* Describes stanza E for a bounce, pointing into E. */
static void
route_describe(const struct stanza_node *e, struct s2s_item *item)
{
	*item = (struct s2s_item){ .kind = e->name };
	item->from = (char *)stanza_attr(e, "", "from");
	item->to = (char *)stanza_attr(e, "", "to");
	item->id = (char *)stanza_attr(e, "", "id");
	item->type = (char *)stanza_attr(e, "", "type");
}

static void
route_refuse(const struct s2s *in, const struct s2s_item *item,
    const char *cond, const char *why)
{
	log_event(LOG_LVL_WARN, in->conn ? in->conn->id : 0, "refuse",
	    "kind=%s from=%s to=%s condition=%s reason=\"%s\"", item->kind,
	    item->from, item->to, cond, why);
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

	route_describe(e, &item);
	if (item.from == NULL || item.to == NULL) {
		s2s_stream_error(in, "improper-addressing",
		    "stanza without 'from' or 'to'");
		return;
	}
	if (jid_domain(item.from, from_dom) < 0 ||
	    !s2s_is_authed(in, from_dom)) {
		s2s_stream_error(in, "invalid-from",
		    "'from' domain not authenticated on this stream");
		return;
	}
	if (jid_domain(item.to, to_dom) < 0) {
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
	/* XEP-0478: the bound the guard announced to the source. */
	if ((size_t)len > guard.policy->peers[in->peer].limits.stanza_size) {
		s2s_stream_error(in, "policy-violation",
		    "stanza larger than this peer may send");
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
	if (out->conn != NULL && buf_len(&out->conn->out) > out->conn->out.max / 2)
		s2s_block_on(in, out);
}

void
route_flush_queue(struct s2s *out)
{
	struct s2s_item *it;

	while ((it = out->queue_head) != NULL && out->state == S2S_READY) {
		out->queue_head = it->next;
		out->queue_len--;
		if (out->peer_max_bytes != 0 && it->len > out->peer_max_bytes)
			route_bounce(it, "policy-violation");
		else
			s2s_write(out, it->data, it->len);
		free(it);
	}
	if (out->queue_head == NULL)
		out->queue_tail = NULL;
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
