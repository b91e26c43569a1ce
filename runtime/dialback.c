/*
 * Server Dialback. Keys follow XEP-0185: HMAC-SHA256 keyed with the hex
 * SHA-256 of a secret drawn at start, over "receiving originating id", so
 * the guard can check a key it issued without remembering it.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "dialback.h"
#include "guard.h"
#include "log.h"

static void
dialback_hex(const unsigned char *raw, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[raw[i] >> 4];
		out[2 * i + 1] = digits[raw[i] & 15];
	}
	out[2 * n] = '\0';
}

void
dialback_key(const char *receiving, const char *originating, const char *id,
    char *out)
{
	unsigned char digest[SHA256_DIGEST_LENGTH], mac[EVP_MAX_MD_SIZE];
	char hexkey[2 * SHA256_DIGEST_LENGTH + 1];
	char text[2 * JID_DOMAIN_MAX + 64];
	unsigned int maclen = 0;
	int n;

	SHA256(guard.dialback_secret, sizeof(guard.dialback_secret), digest);
	dialback_hex(digest, sizeof(digest), hexkey);
	n = snprintf(text, sizeof(text), "%s %s %s", receiving, originating, id);
	XEDGE_ASSERT(n > 0 && (size_t)n < sizeof(text));
	HMAC(EVP_sha256(), hexkey, (int)strlen(hexkey),
	    (const unsigned char *)text, (size_t)n, mac, &maclen);
	XEDGE_ASSERT(maclen == SHA256_DIGEST_LENGTH);
	dialback_hex(mac, maclen, out);
}

/*
 * Whether KEY may be passed on to an authoritative server: keys are hex
 * digests in practice (XEP-0185); anything else, or anything long, is a
 * peer trying to write into a stream the guard speaks for.
 */
static int
dialback_key_ok(const char *key)
{
	size_t n = strspn(key, "0123456789abcdefABCDEFghijklmnopqrstuvwxyz"
	    "GHIJKLMNOPQRSTUVWXYZ");

	return n > 0 && n <= 128 && key[n] == '\0';
}

/* The text content of E if it is a single text node, else "". */
static const char *
dialback_text(const struct stanza_node *e)
{
	if (e->children != NULL && e->children->kind == STANZA_TEXT &&
	    e->children->next == NULL)
		return e->children->text;
	return "";
}

/* Answers a db:result with an error (XEP-0220 section 2.4) and logs it. */
static void
dialback_result_error(struct s2s *in, const char *from, const char *to,
    const char *type, const char *cond)
{
	log_event(LOG_LVL_WARN, in->conn ? in->conn->id : 0, "refuse",
	    "remote=%s peer=%s dialback=error condition=%s", to,
	    s2s_peer(in)->name, cond);
	s2s_printf(in, "<db:result from='%s' to='%s' type='error'><error "
	    "type='%s'><%s xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
	    "</error></db:result>", from, to, type, cond);
}

/*
 * A peer presents a key for a domain. The domain must belong to the peer the
 * stream is tied to, dialback must be allowed for it, and the guard must
 * stand in for the receiving domain; then the peer's authoritative server is
 * asked to verify the key on a stream of its own.
 */
void
dialback_result_in(struct s2s *in, const struct stanza_node *e)
{
	const char *from = stanza_attr(e, "", "from");
	const char *to = stanza_attr(e, "", "to");
	char orig[JID_DOMAIN_MAX + 1], recv[JID_DOMAIN_MAX + 1];
	int peer;

	if (from == NULL || to == NULL ||
	    jid_canon_domain(from, strlen(from), orig) < 0 ||
	    jid_canon_domain(to, strlen(to), recv) < 0) {
		s2s_stream_error(in, "improper-addressing",
		    "db:result without valid 'from' and 'to'");
		return;
	}
	peer = gen_origin_peer(orig, strlen(orig));
	if (peer < 0 || peer != in->peer) {
		s2s_stream_error(in, "invalid-from",
		    "dialback for a domain of another peer");
		return;
	}
	if (!s2s_may_dialback(in)) {
		dialback_result_error(in, recv, orig, "cancel", "not-allowed");
		return;
	}
	if (strcmp(recv, in->local) != 0) {
		dialback_result_error(in, recv, orig, "cancel", "item-not-found");
		return;
	}
	if (!dialback_key_ok(dialback_text(e))) {
		dialback_result_error(in, recv, orig, "modify", "bad-request");
		return;
	}
	/* One verification at a time, and room for its domain. */
	if (in->verify != NULL || s2s_is_authed(in, orig) ||
	    in->nauthed == S2S_MAX_AUTHED) {
		dialback_result_error(in, recv, orig, "wait", "not-acceptable");
		return;
	}
	snprintf(in->db_from, sizeof(in->db_from), "%s", orig);
	if (s2s_out_verify(peer, recv, orig, dialback_text(e), in->id, in) == -1)
		dialback_result_error(in, recv, orig, "cancel",
		    "remote-server-not-found");
}

void
dialback_verify_in(struct s2s *in, const struct stanza_node *e)
{
	const char *from = stanza_attr(e, "", "from");
	const char *to = stanza_attr(e, "", "to");
	const char *id = stanza_attr(e, "", "id");
	char recv[JID_DOMAIN_MAX + 1], orig[JID_DOMAIN_MAX + 1];
	char key[DIALBACK_KEY_LEN + 1];
	const char *given = dialback_text(e);
	char esc_id[6 * S2S_ID_MAX + 1];
	size_t n;
	int valid;

	if (from == NULL || to == NULL || id == NULL ||
	    strlen(id) > S2S_ID_MAX ||
	    jid_canon_domain(from, strlen(from), recv) < 0 ||
	    jid_canon_domain(to, strlen(to), orig) < 0) {
		s2s_stream_error(in, "improper-addressing",
		    "db:verify without valid 'from', 'to' and 'id'");
		return;
	}
	dialback_key(recv, orig, id, key);
	valid = strlen(given) == DIALBACK_KEY_LEN &&
	    CRYPTO_memcmp(key, given, DIALBACK_KEY_LEN) == 0;
	log_event(LOG_LVL_INFO, in->conn->id, "dialback-verify",
	    "originating=%s receiving=%s result=%s", orig, recv,
	    valid ? "valid" : "invalid");
	/* The id is the peer's: escaped before it goes back. */
	n = stanza_escape(id, strlen(id), esc_id, sizeof(esc_id) - 1);
	XEDGE_ASSERT(n < sizeof(esc_id));
	esc_id[n] = '\0';
	s2s_printf(in, "<db:verify from='%s' to='%s' id='%s' type='%s'/>",
	    orig, recv, esc_id, valid ? "valid" : "invalid");
}

void
dialback_verify_answer(struct s2s *in, int valid)
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
dialback_verify_failed(struct s2s *in)
{
	in->verify = NULL;
	if (in->state == S2S_CLOSED)
		return;
	log_event(LOG_LVL_WARN, in->conn ? in->conn->id : 0, "refuse",
	    "remote=%s reason=\"dialback verification failed\"", in->db_from);
	dialback_result_error(in, in->local, in->db_from, "wait",
	    "remote-server-timeout");
}
