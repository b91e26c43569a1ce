/*
 * Outbound streams: the guard connects to a peer in the name of a domain it
 * stands in for, negotiates STARTTLS, authenticates with SASL EXTERNAL
 * (XEP-0178) or dialback as the policy allows, then carries stanzas; or, for
 * dialback, asks the peer to verify one key and closes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "guard.h"
#include "log.h"
#include "s2s_int.h"

#define NS_DB_FEATURE "urn:xmpp:features:dialback"
#define NS_LIMITS "urn:xmpp:stream-limits:0"

/* Connects S to HOST:PORT; 0, or -1 (logged) when the connection cannot
 * start. */
static int
s2s_out_dial(struct s2s *s, const char *host, uint16_t port)
{
	int fd;

	fd = conn_connect_fd(host, port);
	if (fd == -1) {
		log_errno(LOG_LVL_WARN, 0, "connect-failed",
		    "peer=%s remote=%s addr=%s:%u", s2s_peer(s)->name,
		    s->remote, host, (unsigned)port);
		return -1;
	}
	if (s2s_conn_new(s, fd, 1) == NULL)
		return -1;
	/* Not connected yet: the socket cannot name its peer. */
	snprintf(s->conn->peer_addr, sizeof(s->conn->peer_addr), "%s:%u",
	    host, (unsigned)port);
	log_event(LOG_LVL_INFO, s->conn->id, "connect",
	    "peer=%s local=%s remote=%s addr=%s:%u purpose=%s",
	    s2s_peer(s)->name, s->local, s->remote, host, (unsigned)port,
	    s->purpose == S2S_VERIFY ? "verify" : "stanzas");
	return 0;
}

static void
s2s_out_resolved(void *arg, const struct resolve_answer *a)
{
	struct s2s *s = arg;

	s->resolving = NULL;
	if (!a->ok) {
		log_event(LOG_LVL_WARN, 0, "resolve-failed", "peer=%s remote=%s "
		    "reason=\"%s\"", s2s_peer(s)->name, s->remote, a->error);
		s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "DNS lookup failed");
		return;
	}
	if (s2s_out_dial(s, a->host, a->port) == -1)
		s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "connect failed");
}

/*
 * Opens an outbound stream towards PEER's server from LOCAL to REMOTE: at
 * the site's or the policy's static address, or where DNS SRV says.
 * Returns the stream, or NULL (logged) when the peer cannot be reached.
 */
struct s2s *
s2s_out_open(int peer, const char *local, const char *remote,
    enum s2s_purpose purpose)
{
	const struct site_peer *sp = &guard.site.peers[peer];
	const struct gen_peer *p = &guard.policy->peers[peer];
	struct s2s *s;

	if (sp->host == NULL && p->connect != GEN_CONNECT_SRV) {
		log_event(LOG_LVL_WARN, 0, "no-address", "peer=%s remote=%s",
		    p->name, remote);
		return NULL;
	}
	s = s2s_new(S2S_OUT, peer);
	if (s == NULL)
		return NULL;
	s->purpose = purpose;
	if (purpose == S2S_VERIFY)
		guard.nverify++;	/* s2s_free counts it down */
	s->state = S2S_CONNECTING;
	snprintf(s->local, sizeof(s->local), "%s", local);
	snprintf(s->remote, sizeof(s->remote), "%s", remote);
	s2s_arm_timer(s, p->limits.connect_timeout);
	if (sp->host != NULL) {
		if (s2s_out_dial(s, sp->host, sp->port) == 0)
			return s;
	} else {
		s->resolving = resolve_start(remote,
		    p->tls_mode == GEN_TLS_DIRECT, s2s_out_resolved, s);
		if (s->resolving != NULL)
			return s;
		log_event(LOG_LVL_ERR, 0, "resolve-failed", "remote=%s "
		    "reason=\"cannot start lookup\"", remote);
	}
	/* Never connected, so not closed: the failure is recorded here. */
	s2s_status_failed(s, sp->host != NULL ? "connect failed" :
	    "DNS lookup not started");
	s->state = S2S_CLOSED;
	s2s_free(s);
	return NULL;
}

static SSL_CTX *
s2s_out_ssl_ctx(const struct s2s *s)
{
	SSL_CTX *ctx = tls_client_ctx(guard.tls, s->local);

	return ctx != NULL ? ctx : tls_client_ctx(guard.tls, NULL);
}

static void
s2s_out_start_tls(struct s2s *s)
{
	s->state = S2S_TLS;
	if (conn_start_tls(s->conn, s2s_out_ssl_ctx(s), 0, s->remote,
	    &s2s_peer(s)->tls_policy) == -1)
		s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "TLS setup failed");
}

void
s2s_out_connected(struct s2s *s)
{
	if (s2s_peer(s)->tls_mode == GEN_TLS_DIRECT) {
		s2s_out_start_tls(s);
		return;
	}
	s2s_send_header(s);
	s->state = S2S_HEADER;
}

/*
 * The peer's certificate decides whether the guard talks to it at all when
 * the policy allows only certificate authentication. With dialback allowed,
 * an unverified peer is still spoken to: the guard authenticates itself
 * (by certificate or dialback) and trusts the peer's identity to DNS, as
 * XEP-0220 does; the log records which it was.
 */
void
s2s_out_tls_ready(struct s2s *s)
{
	s->peer_verified = tls_peer_matches(s->conn->ssl, s->remote);
	log_event(LOG_LVL_INFO, s->conn->id, "tls", "dir=out remote=%s "
	    "cert-error=%s cert-detail=\"%s\"", s->remote,
	    tls_cert_error_name(tls_peer_verify_error(s->conn->ssl, s->remote)),
	    tls_peer_verify_text(s->conn->ssl, s->remote));
	if (!s->peer_verified && !(s2s_peer(s)->auth & GEN_AUTH_DIALBACK)) {
		log_event(LOG_LVL_WARN, s->conn->id, "refuse",
		    "remote=%s reason=\"peer certificate not valid\"", s->remote);
		s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "peer certificate not valid");
		return;
	}
	s2s_send_header(s);
}

void
s2s_out_header(struct s2s *s, const struct stanza_node *root)
{
	const char *id = stanza_attr(root, "", "id");
	const char *version = stanza_attr(root, "", "version");

	if (version == NULL || strncmp(version, "1.", 2) != 0) {
		s2s_stream_error(s, "unsupported-version", "XMPP 1.0 required");
		return;
	}
	if (!s2s_header_ns_ok(s, root))
		return;
	if (id == NULL || strlen(id) > S2S_ID_MAX) {
		s2s_stream_error(s, "invalid-xml", "stream id missing or over "
		    "255 bytes");
		return;
	}
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->state = S2S_FEATURES;
}

/*
 * The number in XEP-0478 limit element E, clamped to [MIN, MAX] so that a
 * peer cannot make the guard spin on timers or refuse every stanza; 0 when
 * absent or not a number.
 */
static unsigned long
s2s_out_limit(const struct stanza_node *e, unsigned long min,
    unsigned long max)
{
	unsigned long v;
	char *end;

	if (e == NULL || e->children == NULL || e->children->kind != STANZA_TEXT)
		return 0;
	errno = 0;
	v = strtoul(e->children->text, &end, 10);
	if (errno != 0 || end == e->children->text || *end != '\0')
		return 0;
	return v < min ? min : v > max ? max : v;
}

/* Records what the peer offers in its stream features. */
static void
s2s_out_read_features(struct s2s *s, const struct stanza_node *f)
{
	const struct stanza_node *mechs, *m, *lim, *mb, *idle;

	s->offered_external = 0;
	mechs = stanza_child(f, S2S_NS_SASL, "mechanisms");
	for (m = mechs ? mechs->children : NULL; m != NULL; m = m->next)
		if (m->kind == STANZA_ELEMENT && strcmp(m->name, "mechanism") ==
		    0 && m->children != NULL && m->children->kind == STANZA_TEXT &&
		    strcmp(m->children->text, "EXTERNAL") == 0)
			s->offered_external = 1;
	s->offered_dialback = stanza_child(f, NS_DB_FEATURE, "dialback") != NULL;
	lim = stanza_child(f, NS_LIMITS, "limits");
	mb = lim ? stanza_child(lim, NS_LIMITS, "max-bytes") : NULL;
	s->peer_max_bytes = s2s_out_limit(mb, 512, UINT32_MAX);
	idle = lim ? stanza_child(lim, NS_LIMITS, "idle-seconds") : NULL;
	s->peer_idle_seconds = s2s_out_limit(idle, 10, 86400);
}

static void
s2s_out_send_external(struct s2s *s)
{
	unsigned char b64[4 * (JID_DOMAIN_MAX + 3) / 3 + 4];

	EVP_EncodeBlock(b64, (const unsigned char *)s->local,
	    (int)strlen(s->local));
	s2s_printf(s, "<auth xmlns='%s' mechanism='EXTERNAL'>%s</auth>",
	    S2S_NS_SASL, b64);
	s->state = S2S_SASL;
}

static void
s2s_out_send_dialback(struct s2s *s)
{
	char key[DIALBACK_KEY_LEN + 1];

	dialback_key(guard.dialback_secret, s->remote, s->local, s->id, key);
	s2s_printf(s, "<db:result from='%s' to='%s'>%s</db:result>",
	    s->local, s->remote, key);
	s->state = S2S_DIALBACK;
}

/* Chooses how to authenticate after the features of a (secured) stream. */
static void
s2s_out_authenticate(struct s2s *s)
{
	const struct gen_peer *p = s2s_peer(s);

	if (s->purpose == S2S_VERIFY) {
		/* The key is a credential: over TLS unless forced. */
		if (!s2s_may_dialback(s)) {
			s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
			    "verification needs TLS");
			return;
		}
		s2s_printf(s, "<db:verify from='%s' to='%s' id='%s'>%s"
		    "</db:verify>", s->local, s->remote, s->db_id, s->db_key);
		s->state = S2S_DIALBACK;
		return;
	}
	if ((p->auth & GEN_AUTH_CERTIFICATE) && s->offered_external &&
	    s->tls_up && gen_fronted_cert(s->local, strlen(s->local)) >= 0) {
		s2s_out_send_external(s);
		return;
	}
	if (s2s_may_dialback(s)) {
		s2s_out_send_dialback(s);
		return;
	}
	log_event(LOG_LVL_WARN, s->conn->id, "refuse", "remote=%s peer=%s "
	    "reason=\"no authentication method in common\"", s->remote, p->name);
	s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
	    "no authentication method in common");
}

/*
 * The peer's stream features: after authentication they make the stream
 * ready; before TLS they lead to STARTTLS (or, where TLS is only optional,
 * straight to authentication); after TLS to authentication.
 */
static void
s2s_out_features(struct s2s *s, const struct stanza_node *f)
{
	s2s_out_read_features(s, f);
	if (s->sasl_done) {
		s2s_ready(s);
		return;
	}
	if (!s->tls_up && stanza_child(f, S2S_NS_TLS, "starttls") != NULL) {
		s2s_printf(s, "<starttls xmlns='%s'/>", S2S_NS_TLS);
		s->state = S2S_PROCEED;
		return;
	}
	if (!s->tls_up && s2s_peer(s)->tls == GEN_TLS_REQUIRED) {
		s2s_stream_error(s, "policy-violation", "TLS required");
		return;
	}
	s2s_out_authenticate(s);
}

/* The answer to db:result (stanza stream) or db:verify (verify stream). */
static void
s2s_out_dialback_answer(struct s2s *s, const struct stanza_node *e)
{
	const char *type = stanza_attr(e, "", "type");
	int valid = type != NULL && strcmp(type, "valid") == 0;

	if (s->purpose == S2S_VERIFY) {
		const char *from = stanza_attr(e, "", "from");
		const char *to = stanza_attr(e, "", "to");
		const char *id = stanza_attr(e, "", "id");

		/* Only the answer to the question asked counts. */
		if (strcmp(e->name, "verify") != 0 || from == NULL ||
		    to == NULL || id == NULL || strcmp(from, s->remote) != 0 ||
		    strcmp(to, s->local) != 0 || strcmp(id, s->db_id) != 0)
			valid = 0;
		if (s->verify_for != NULL) {
			s2s_dialback_verified(s->verify_for, valid);
			s->verify_for = NULL;
		}
		s->orderly = 1;
		s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "verification done");
		return;
	}
	if (strcmp(e->name, "result") != 0)
		return;
	if (!valid) {
		log_event(LOG_LVL_WARN, s->conn->id, "refuse", "remote=%s "
		    "reason=\"peer rejected our dialback key\" type=%s",
		    s->remote, type ? type : "-");
		s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "dialback failed");
		return;
	}
	s2s_ready(s);
}

/*
 * One top-level element from the peer on an outbound stream, taken only in
 * the state that expects it; anything else, a stanza included (no XEP-0288
 * stream is ever negotiated), ends the stream with a stream error.
 */
void
s2s_out_element(struct s2s *s, struct stanza_node *e)
{
	if (strcmp(e->ns, STANZA_NS_STREAMS) == 0 &&
	    strcmp(e->name, "error") == 0) {
		s2s_peer_stream_error(s, e);
		return;
	}
	switch (s->state) {
	case S2S_FEATURES:
		if (strcmp(e->ns, STANZA_NS_STREAMS) == 0 &&
		    strcmp(e->name, "features") == 0) {
			s2s_out_features(s, e);
			return;
		}
		break;
	case S2S_PROCEED:
		if (strcmp(e->ns, S2S_NS_TLS) == 0 && strcmp(e->name, "proceed") == 0) {
			s2s_out_start_tls(s);
			return;
		}
		break;
	case S2S_SASL:
		if (strcmp(e->ns, S2S_NS_SASL) == 0 && strcmp(e->name, "success") == 0) {
			s->sasl_done = 1;
			s2s_restart(s);
			s2s_send_header(s);
			return;
		}
		if (strcmp(e->ns, S2S_NS_SASL) == 0 && strcmp(e->name, "failure") == 0) {
			if (s2s_may_dialback(s) && s->offered_dialback) {
				s2s_out_send_dialback(s);
				return;
			}
			log_event(LOG_LVL_WARN, s->conn->id, "refuse",
			    "remote=%s reason=\"peer refused SASL EXTERNAL\"",
			    s->remote);
			s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
			    "SASL failed");
			return;
		}
		break;
	case S2S_DIALBACK:
	case S2S_READY:
		if (strcmp(e->ns, STANZA_NS_DIALBACK) == 0) {
			if (s->state == S2S_DIALBACK)
				s2s_out_dialback_answer(s, e);
			return;
		}
		/* The guard never asks for XEP-0288 bidirectional streams, so
		 * a stanza here is refused loudly rather than lost. */
		break;
	default:
		break;
	}
	s2s_stream_error(s, "unsupported-stanza-type", "unexpected element");
}
