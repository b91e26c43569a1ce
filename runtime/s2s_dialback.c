/*
 * Dialback on inbound streams (XEP-0220): a peer presents a key for a
 * domain (db:result), which the guard has the peer's authoritative server
 * verify on a stream of its own; or a peer asks whether the guard issued a
 * key (db:verify), which the guard answers for the domains it stands in
 * for. Both only where the policy lets the peer use dialback: a peer
 * allowed only certificates gets no answer but a stream error. The keys
 * and the parsing are dialback.c's; the writes are here.
 */
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "log.h"
#include "pipeline.h"
#include "s2s_int.h"

/* The longest db:verify answer: two domains and an escaped id. */
#define S2S_DB_ANSWER_MAX (2 * JID_DOMAIN_MAX + 6 * DIALBACK_ID_MAX + 64)
_Static_assert(S2S_DB_ANSWER_MAX < 4096, "fits s2s_printf's buffer");

/* Answers a db:result with an error (XEP-0220 section 2.4) and logs it. */
static void
s2s_dialback_error(struct s2s *in, const char *from, const char *to,
    const char *type, const char *cond)
{
	log_event(LOG_LVL_WARN, in->conn ? in->conn->id : 0, "refuse",
	    "remote=%s peer=%s dialback=error condition=%s", to,
	    s2s_peer(in)->name, cond);
	s2s_printf(in, "<db:result from='%s' to='%s' type='error'><error "
	    "type='%s'><%s xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
	    "</error></db:result>", from, to, type, cond);
}

/* Opens a verification stream from LOCAL to REMOTE (the authoritative
 * server of PEER) that asks whether KEY was issued for stream ID, for the
 * inbound stream IN. Returns 0 or -1. */
static int
s2s_dialback_ask(int peer, const char *local, const char *remote,
    const char *key, const char *id, struct s2s *in)
{
	struct s2s *s;

	/* Each verification costs a connection to the peer's server: a
	 * bound keeps unauthenticated peers from multiplying them. */
	if (guard.nverify >= S2S_MAX_VERIFY)
		return -1;
	s = s2s_out_open(peer, local, remote, S2S_VERIFY);
	if (s == NULL)
		return -1;
	snprintf(s->db_key, sizeof(s->db_key), "%s", key);
	snprintf(s->db_id, sizeof(s->db_id), "%s", id);
	s->verify_for = in;
	in->verify = s;
	return 0;
}

/*
 * A peer presents a key for a domain. The domain must belong to the peer the
 * stream is tied to and the guard must stand in for the receiving domain;
 * then the peer's authoritative server is asked to verify the key.
 */
static void
s2s_dialback_result(struct s2s *in, const struct dialback_msg *m)
{
	const char *orig = m->from, *recv = m->to;

	if (gen_origin_peer(orig, strlen(orig)) != in->peer) {
		s2s_stream_error(in, "invalid-from",
		    "dialback for a domain of another peer");
		return;
	}
	if (strcmp(recv, in->local) != 0) {
		s2s_dialback_error(in, recv, orig, "cancel", "item-not-found");
		return;
	}
	/* One verification at a time, and room for its domain. */
	if (in->verify != NULL || s2s_is_authed(in, orig) ||
	    in->nauthed == S2S_MAX_AUTHED) {
		s2s_dialback_error(in, recv, orig, "wait", "not-acceptable");
		return;
	}
	snprintf(in->db_from, sizeof(in->db_from), "%s", orig);
	if (s2s_dialback_ask(in->peer, recv, orig, m->key, in->id, in) == -1)
		s2s_dialback_error(in, recv, orig, "cancel",
		    "remote-server-not-found");
}

/*
 * A peer, as a receiving server, asks whether the guard issued a key for a
 * domain it speaks for. Any other domain is answered invalid: no key was
 * ever issued in its name.
 */
static void
s2s_dialback_verify(struct s2s *in, const struct dialback_msg *m)
{
	const char *recv = m->from, *orig = m->to;
	char esc_id[6 * DIALBACK_ID_MAX + 1];
	size_t n;
	int valid;

	valid = pipeline_may_speak_for(orig) && dialback_key_valid(
	    guard.dialback_secret, recv, orig, m->id, m->key);
	log_event(LOG_LVL_INFO, in->conn->id, "dialback-verify",
	    "originating=%s receiving=%s result=%s", orig, recv,
	    valid ? "valid" : "invalid");
	/* The id is the peer's: escaped before it goes back. */
	n = stanza_escape(m->id, strlen(m->id), esc_id, sizeof(esc_id) - 1);
	XEDGE_ASSERT(n < sizeof(esc_id));
	esc_id[n] = '\0';
	s2s_printf(in, "<db:verify from='%s' to='%s' id='%s' type='%s'/>",
	    orig, recv, esc_id, valid ? "valid" : "invalid");
}

/*
 * A db:* element on inbound stream IN. Where the policy does not let the
 * peer use dialback, a db:result gets the not-allowed error of XEP-0220
 * section 2.4 (the peer may still authenticate otherwise) and a db:verify a
 * stream error: no key of the guard's is ever checked for such a peer.
 */
void
s2s_dialback_in(struct s2s *in, const struct stanza_node *e)
{
	struct dialback_msg m;
	enum dialback_fault f;

	f = dialback_parse(e, &m);
	if (f == DIALBACK_UNKNOWN) {
		s2s_stream_error(in, "unsupported-stanza-type", NULL);
		return;
	}
	if (!s2s_may_dialback(in) &&
	    (m.kind == DIALBACK_VERIFY || f == DIALBACK_BAD_ADDRESS)) {
		s2s_stream_error(in, "policy-violation",
		    "dialback is not allowed for this peer");
		return;
	}
	if (f == DIALBACK_BAD_ADDRESS || f == DIALBACK_BAD_ID) {
		s2s_stream_error(in, "improper-addressing",
		    dialback_fault_text(f));
		return;
	}
	if (m.type != NULL) {
		/* Answers come on streams the guard opened, never here. */
		s2s_stream_error(in, "unsupported-stanza-type",
		    "a dialback answer on an inbound stream");
		return;
	}
	if (!s2s_may_dialback(in)) {
		s2s_dialback_error(in, m.to, m.from, "cancel", "not-allowed");
		return;
	}
	if (m.kind == DIALBACK_VERIFY)
		s2s_dialback_verify(in, &m);
	else if (f == DIALBACK_BAD_KEY)
		s2s_dialback_error(in, m.to, m.from, "modify", "bad-request");
	else
		s2s_dialback_result(in, &m);
}

void
s2s_dialback_verified(struct s2s *in, int valid)
{
	in->verify = NULL;
	if (in->state == S2S_CLOSED)
		return;
	s2s_printf(in, "<db:result from='%s' to='%s' type='%s'/>", in->local,
	    in->db_from, valid ? "valid" : "invalid");
	if (!valid) {
		log_event(LOG_LVL_WARN, in->conn->id, "refuse", "remote=%s "
		    "reason=\"dialback key not valid\"", in->db_from);
		s2s_stream_error(in, "not-authorized", "dialback key not valid");
		return;
	}
	s2s_in_dialback_ok(in, in->db_from);
}

void
s2s_dialback_unverified(struct s2s *in)
{
	in->verify = NULL;
	if (in->state == S2S_CLOSED)
		return;
	log_event(LOG_LVL_WARN, in->conn ? in->conn->id : 0, "refuse",
	    "remote=%s reason=\"dialback verification failed\"", in->db_from);
	s2s_dialback_error(in, in->local, in->db_from, "wait",
	    "remote-server-timeout");
}
