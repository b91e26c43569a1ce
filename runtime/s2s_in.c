/*
 * Inbound streams: a peer connects to the guard, which stands in for the
 * domain the peer addresses. The guard offers STARTTLS, then SASL EXTERNAL
 * (when the peer's certificate is valid for its domain and the policy allows
 * certificates) and dialback (when the policy allows it), and once the peer
 * is authenticated takes its stanzas for routing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "guard.h"
#include "log.h"
#include "route.h"
#include "s2s_int.h"

/* Whether SASL EXTERNAL may be offered: the policy allows certificates and
 * the peer's certificate chains to the CA and names its domain. */
static int
s2s_in_can_external(const struct s2s *s)
{
	return (s2s_peer(s)->auth & GEN_AUTH_CERTIFICATE) && s->tls_up &&
	    tls_peer_matches(s->conn->ssl, s->remote);
}

/* XEP-0478: what the guard accepts on this stream. */
static void
s2s_in_write_limits(struct s2s *s)
{
	const struct gen_limits *lim = &s2s_peer(s)->limits;

	s2s_printf(s, "<limits xmlns='urn:xmpp:stream-limits:0'><max-bytes>%u"
	    "</max-bytes><idle-seconds>%u</idle-seconds></limits>",
	    (unsigned)lim->stanza_size, (unsigned)lim->idle_timeout);
}

/*
 * Sends the features for the stream's stage: STARTTLS before TLS, the
 * authentication methods after it, nothing to negotiate once authenticated.
 * A peer that could not authenticate by any method the policy allows is
 * refused here, with the reason in the log.
 */
static void
s2s_in_features(struct s2s *s)
{
	const struct gen_peer *p = s2s_peer(s);
	int ext, db;

	if (s->sasl_done) {
		S2S_WRITE_LIT(s, "<stream:features>");
		s2s_in_write_limits(s);
		S2S_WRITE_LIT(s, "</stream:features>");
		s2s_ready(s);
		return;
	}
	if (!s->tls_up) {
		s2s_printf(s, "<stream:features><starttls xmlns='%s'>%s"
		    "</starttls>%s</stream:features>", S2S_NS_TLS,
		    p->tls == GEN_TLS_REQUIRED ? "<required/>" : "",
		    s2s_may_dialback(s) ?
		    "<dialback xmlns='urn:xmpp:features:dialback'><errors/>"
		    "</dialback>" : "");
		s->state = S2S_NEGOTIATE;
		return;
	}
	ext = s2s_in_can_external(s);
	db = s2s_may_dialback(s);
	if (!ext && !db) {
		s2s_stream_error(s, "not-authorized", "certificate not valid "
		    "for the domain and dialback not allowed");
		return;
	}
	S2S_WRITE_LIT(s, "<stream:features>");
	if (ext)
		s2s_printf(s, "<mechanisms xmlns='%s'><mechanism>EXTERNAL"
		    "</mechanism></mechanisms>", S2S_NS_SASL);
	if (db)
		S2S_WRITE_LIT(s, "<dialback xmlns='urn:xmpp:features:dialback'>"
		    "<errors/></dialback>");
	s2s_in_write_limits(s);
	S2S_WRITE_LIT(s, "</stream:features>");
	s->state = S2S_NEGOTIATE;
}

/*
 * A stream header from the peer: 'to' must be a domain the guard stands in
 * for (routable, or one it holds a certificate for) on the other side of
 * the guard, 'from' a domain some peer may originate. The same checks
 * repeat on the restarts after TLS and SASL, where neither may change.
 */
void
s2s_in_header(struct s2s *s, const struct stanza_node *root)
{
	const char *to = stanza_attr(root, "", "to");
	const char *from = stanza_attr(root, "", "from");
	const char *version = stanza_attr(root, "", "version");
	char local[JID_DOMAIN_MAX + 1], remote[JID_DOMAIN_MAX + 1];
	int peer;

	if (to == NULL || jid_canon_domain(to, strlen(to), local) < 0 ||
	    !pipeline_fronts(local) ||
	    (s->local[0] != '\0' && strcmp(s->local, local) != 0)) {
		char qto[LOG_QUOTE_SIZE(64)], qfrom[LOG_QUOTE_SIZE(64)];

		log_event(LOG_LVL_WARN, s->conn->id, "refuse", "to=%s from=%s "
		    "reason=\"not a domain the guard stands in for\"",
		    log_quote(to, qto, sizeof(qto)),
		    log_quote(from, qfrom, sizeof(qfrom)));
		s2s_stream_error(s, "host-unknown",
		    "the guard does not stand in for this domain");
		return;
	}
	snprintf(s->local, sizeof(s->local), "%s", local);
	if (from == NULL || jid_canon_domain(from, strlen(from), remote) < 0) {
		s2s_stream_error(s, "improper-addressing",
		    "stream header without a valid 'from'");
		return;
	}
	peer = gen_origin_peer(remote, strlen(remote));
	if (peer < 0) {
		s2s_stream_error(s, "policy-violation",
		    "domain is not a peer of this guard");
		return;
	}
	/* A peer addressing its own side through the guard would loop. */
	if (gen_route(local, strlen(local)) == peer) {
		s2s_stream_error(s, "host-unknown",
		    "the domain is on the sender's own side");
		return;
	}
	if (s->peer >= 0 && (s->peer != peer || strcmp(s->remote, remote))) {
		s2s_stream_error(s, "invalid-from", "domain changed on restart");
		return;
	}
	s->peer = peer;
	/* XEP-0478: the bound this peer is told, once s2s_ready has lifted
	 * the negotiation bound; a smaller one applies at once. */
	xml_lower_max_stanza(s->xml, s2s_peer(s)->limits.stanza_size);
	snprintf(s->remote, sizeof(s->remote), "%s", remote);
	if (guard.policy->peers[peer].protocol != GEN_PROTO_S2S) {
		s2s_stream_error(s, "policy-violation",
		    "peer does not speak S2S to this guard");
		return;
	}
	if (version == NULL || strncmp(version, "1.", 2) != 0) {
		s2s_stream_error(s, "unsupported-version", "XMPP 1.0 required");
		return;
	}
	if (!s2s_header_ns_ok(s, root))
		return;
	s2s_send_header(s);
	s2s_in_features(s);
}

void
s2s_in_tls_ready(struct s2s *s)
{
	/* After direct TLS no header has named the domain: the chain only. */
	const char *domain = s->remote[0] != '\0' ? s->remote : NULL;

	log_event(LOG_LVL_INFO, s->conn->id, "tls", "dir=in remote=%s "
	    "cert-error=%s cert-detail=\"%s\"", domain != NULL ? domain : "-",
	    tls_cert_error_name(tls_peer_verify_error(s->conn->ssl, domain)),
	    tls_peer_verify_text(s->conn->ssl, domain));
}

static void
s2s_in_starttls(struct s2s *s)
{
	/* Bytes after <starttls/> would be read as clear text of the TLS
	 * stream; no <proceed/> for them. */
	if (buf_len(&s->conn->in) != 0) {
		s2s_stream_error(s, "policy-violation",
		    "data after STARTTLS");
		return;
	}
	s2s_printf(s, "<proceed xmlns='%s'/>", S2S_NS_TLS);
	s->state = S2S_TLS;
	if (conn_start_tls(s->conn, tls_server_ctx(guard.tls, s->local), 1,
	    NULL, &s2s_peer(s)->tls_policy) == -1)
		s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "TLS setup failed");
}

static int
s2s_in_add_authed(struct s2s *s, const char *domain)
{
	if (s2s_is_authed(s, domain))
		return 0;
	if (s->nauthed == S2S_MAX_AUTHED)
		return -1;
	s->authed[s->nauthed] = strdup(domain);
	if (s->authed[s->nauthed] == NULL)
		return -1;
	s->nauthed++;
	return 0;
}

/*
 * SASL EXTERNAL (XEP-0178): the authorization identity, if any, must be the
 * stream's 'from' domain, the one the certificate was checked against. Any
 * other mechanism or identity gets a SASL failure and a not-authorized
 * stream error; success restarts the stream.
 */
static void
s2s_in_sasl(struct s2s *s, const struct stanza_node *e)
{
	const char *mech = stanza_attr(e, "", "mechanism");
	const struct stanza_node *t = e->children;
	unsigned char authz[JID_DOMAIN_MAX + 4];
	int n = 0;

	if (mech == NULL || strcmp(mech, "EXTERNAL") != 0 ||
	    !s2s_in_can_external(s)) {
		s2s_printf(s, "<failure xmlns='%s'><invalid-mechanism/>"
		    "</failure>", S2S_NS_SASL);
		s2s_stream_error(s, "not-authorized", "SASL EXTERNAL not offered");
		return;
	}
	if (t != NULL && t->kind == STANZA_TEXT && strcmp(t->text, "=") != 0) {
		if (t->text_len > 4 * (JID_DOMAIN_MAX / 3))
			n = -1;
		else
			n = EVP_DecodeBlock(authz, (const unsigned char *)t->text,
			    (int)t->text_len);
		/* EVP_DecodeBlock counts the padding as zero bytes. */
		while (n > 0 && authz[n - 1] == '\0')
			n--;
		if (n < 0 || (size_t)n != strlen(s->remote) ||
		    memcmp(authz, s->remote, (size_t)n) != 0) {
			s2s_printf(s, "<failure xmlns='%s'><invalid-authzid/>"
			    "</failure>", S2S_NS_SASL);
			s2s_stream_error(s, "not-authorized",
			    "authorization identity is not the stream's domain");
			return;
		}
	}
	if (s2s_in_add_authed(s, s->remote) == -1) {
		s2s_stream_error(s, "resource-constraint", NULL);
		return;
	}
	log_event(LOG_LVL_INFO, s->conn->id, "authenticated",
	    "remote=%s method=certificate peer=%s", s->remote,
	    s2s_peer(s)->name);
	s2s_printf(s, "<success xmlns='%s'/>", S2S_NS_SASL);
	s->sasl_done = 1;
	s2s_restart(s);
}

/* Called by dialback when a domain was verified on this stream. */
void
s2s_in_dialback_ok(struct s2s *s, const char *domain)
{
	if (s2s_in_add_authed(s, domain) == -1) {
		s2s_stream_error(s, "resource-constraint", NULL);
		return;
	}
	log_event(LOG_LVL_INFO, s->conn->id, "authenticated",
	    "remote=%s method=dialback peer=%s", domain, s2s_peer(s)->name);
	if (s->state != S2S_READY)
		s2s_ready(s);
}

/* Hands a stanza of authenticated stream S to routing, which may end the
 * stream when the stanza breaks the protocol. */
static void
s2s_in_stanza(struct s2s *s, struct stanza_node *e)
{
	struct route_source src = {
		.pipe = { .peer = s->peer, .local = s->local,
		    .authed = s->authed, .nauthed = s->nauthed },
		.conn_id = s->conn->id,
		.waiter = &s->waiter,
		.arena = xml_element_arena(s->xml),
	};
	enum pipe_stream_error se;
	const char *why;

	s->last_stanza = loop_now(guard.loop);
	s2s_count_stanza(s, S2S_IN);
	if (route_stanza(&guard.route, &src, e, &se, &why) == -1)
		s2s_stream_error(s, pipeline_stream_error_name(se), why);
}

/*
 * One top-level element from the peer. Negotiation elements are taken only
 * in the state where they belong: STARTTLS before anything is
 * authenticated (RFC 6120 section 5.4.3.3: nothing learnt in the clear
 * survives TLS), SASL after TLS, dialback before or after authentication;
 * stanzas only once authenticated. Anything else ends the stream.
 */
void
s2s_in_element(struct s2s *s, struct stanza_node *e)
{
	int negotiating = s->state == S2S_NEGOTIATE;

	if (strcmp(e->ns, STANZA_NS_STREAMS) == 0 &&
	    strcmp(e->name, "error") == 0) {
		s2s_peer_stream_error(s, e);
		return;
	}
	if (strcmp(e->ns, S2S_NS_TLS) == 0 && strcmp(e->name, "starttls") == 0) {
		if (negotiating && !s->tls_up && s->nauthed == 0 &&
		    s->verify == NULL)
			s2s_in_starttls(s);
		else
			s2s_stream_error(s, "policy-violation",
			    "STARTTLS out of sequence");
		return;
	}
	if (!s->tls_up && s2s_peer(s)->tls == GEN_TLS_REQUIRED) {
		s2s_stream_error(s, "policy-violation", "TLS required");
		return;
	}
	if (strcmp(e->ns, S2S_NS_SASL) == 0 && strcmp(e->name, "auth") == 0) {
		if (negotiating && s->tls_up && !s->sasl_done)
			s2s_in_sasl(s, e);
		else
			s2s_stream_error(s, "policy-violation",
			    "SASL out of sequence");
		return;
	}
	if (strcmp(e->ns, STANZA_NS_DIALBACK) == 0 &&
	    (negotiating || s->state == S2S_READY)) {
		s2s_dialback_in(s, e);
		return;
	}
	if (strcmp(e->ns, "urn:xmpp:bidi") == 0) {
		/* XEP-0288 is not offered; a peer asking anyway keeps a
		 * one-way stream and opens its own for the other direction. */
		log_event(LOG_LVL_DEBUG, s->conn->id, "bidi-ignored",
		    "remote=%s", s->remote);
		return;
	}
	if (strcmp(e->ns, STANZA_NS_SERVER) == 0 &&
	    (strcmp(e->name, "message") == 0 ||
	    strcmp(e->name, "presence") == 0 || strcmp(e->name, "iq") == 0)) {
		if (s->state != S2S_READY) {
			s2s_stream_error(s, "not-authorized",
			    "stanza before authentication");
			return;
		}
		s2s_in_stanza(s, e);
		return;
	}
	s2s_stream_error(s, "unsupported-stanza-type",
	    "not a server-to-server stanza");
}
