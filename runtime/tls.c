/*
 * TLS contexts and peer identity checks (OpenSSL 3).
 *
 * Each certificate the guard presents gets two contexts: a server context
 * (chosen by SNI) and a client context (chosen by the domain the guard
 * speaks for). All share one CA store. Contexts verify the peer's
 * certificate but never fail a handshake over it: the verify callback lets
 * the handshake go on and OpenSSL keeps the result, which the S2S layer
 * reads through tls_peer_verified and tls_peer_matches to decide what to
 * offer (SASL EXTERNAL, dialback, or nothing).
 *
 * A server certificate used as a client certificate often carries only the
 * serverAuth EKU; OpenSSL's stock "ssl_client" purpose would reject it. The
 * server contexts therefore check a purpose of their own, "XMPP peer":
 * serverAuth or clientAuth.
 *
 * Identities (RFC 6125, RFC 7590, XEP-0178): DNS-ID, SRV-ID
 * "_xmpp-server.DOMAIN" and XmppAddr. The subject CN is never used, even
 * without SANs: every CA issuing for XMPP puts SANs in, and a CN is not
 * typed (it could be anything), so honouring it only adds ways to be
 * fooled.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "tls.h"

/* An id of our own for the "XMPP peer" purpose, above OpenSSL's. */
#define TLS_PURPOSE_XMPP_PEER 1001

#define TLS_SRV_PREFIX "_xmpp-server."

struct tls_entry {
	char *domain;		/* exact or "*.example" */
	SSL_CTX *server;
	SSL_CTX *client;
};

struct tls_ctx {
	struct tls_entry *entries;
	size_t n;
	SSL_CTX *anonymous;	/* a client context without a certificate */
};

const char *
tls_last_error(void)
{
	const char *s = NULL;
	unsigned long e;

	e = ERR_peek_last_error();
	if (e != 0)
		s = ERR_reason_error_string(e);
	return s != NULL ? s : "unknown error";
}

/* Whether names A[0..alen) and B[0..blen) are equal, ignoring ASCII case. */
static int
tls_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && alen > 0 && strncasecmp(a, b, alen) == 0;
}

/*
 * Whether certificate name PATTERN[0..len) covers DOMAIN: equal, or a
 * "*.rest" pattern whose "*" stands for exactly one whole label. A pattern
 * "*.tld" (one label after the wildcard) or with a "*" anywhere else covers
 * nothing.
 */
static int
tls_pattern_covers(const char *pattern, size_t len, const char *domain)
{
	const char *dot;
	size_t dlen = strlen(domain);

	if (memchr(pattern, '\0', len) != NULL)
		return 0;
	if (len > 2 && pattern[0] == '*' && pattern[1] == '.') {
		if (memchr(pattern + 2, '*', len - 2) != NULL ||
		    memchr(pattern + 2, '.', len - 2) == NULL)
			return 0;
		dot = strchr(domain, '.');
		if (dot == NULL || dot == domain)
			return 0;
		return tls_name_eq(dot, dlen - (size_t)(dot - domain),
		    pattern + 1, len - 1);
	}
	if (memchr(pattern, '*', len) != NULL)
		return 0;
	return tls_name_eq(pattern, len, domain, dlen);
}

/*
 * The "XMPP peer" purpose check: what OpenSSL accepts as an SSL client or
 * as an SSL server (CA certificates included, with CA true). Returns 1 if
 * either accepts, else the first non-zero verdict, else 0.
 */
static int
tls_check_xmpp_peer(const X509_PURPOSE *xp, const X509 *x, int ca)
{
	/* X509_check_purpose takes a non-const X509 to cache extensions,
	 * which the verifier has done already. */
	X509 *cert = (X509 *)x;
	int client, server;

	(void)xp;
	client = X509_check_purpose(cert, X509_PURPOSE_SSL_CLIENT, ca);
	if (client == 1)
		return 1;
	server = X509_check_purpose(cert, X509_PURPOSE_SSL_SERVER, ca);
	if (server == 1)
		return 1;
	return client != 0 ? client : server;
}

/* Registers the "XMPP peer" purpose once per process. */
static int
tls_purpose_init(void)
{
	if (X509_PURPOSE_get_by_id(TLS_PURPOSE_XMPP_PEER) != -1)
		return 0;
	if (X509_PURPOSE_add(TLS_PURPOSE_XMPP_PEER, X509_TRUST_SSL_CLIENT, 0,
	    tls_check_xmpp_peer, "XMPP peer", "xedge_xmpp_peer", NULL) != 1)
		return -1;
	return 0;
}

/*
 * Lets every handshake go on whatever the certificate: OpenSSL records the
 * verification result (SSL_get_verify_result) for the S2S layer to judge.
 */
static int
tls_verify_cb(int ok, X509_STORE_CTX *store)
{
	(void)ok;
	(void)store;
	return 1;
}

/*
 * Returns the index of the entry for NAME: the certificate for exactly
 * NAME, else a "*." certificate covering it, else -1.
 */
static long
tls_find(const struct tls_ctx *t, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < t->n; i++)
		if (tls_name_eq(t->entries[i].domain,
		    strlen(t->entries[i].domain), name, len))
			return (long)i;
	for (i = 0; i < t->n; i++)
		if (t->entries[i].domain[0] == '*' &&
		    tls_pattern_covers(t->entries[i].domain,
		    strlen(t->entries[i].domain), name))
			return (long)i;
	return -1;
}

/* Picks the server context for the name the client asked for by SNI; an
 * unknown name or none gets the first certificate. */
static int
tls_sni_cb(SSL *ssl, int *alert, void *arg)
{
	const struct tls_ctx *t = arg;
	const char *name;
	long i;

	(void)alert;
	name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (name == NULL)
		return SSL_TLSEXT_ERR_OK;
	i = tls_find(t, name);
	if (i >= 0 && t->entries[i].server != SSL_get_SSL_CTX(ssl) &&
	    SSL_set_SSL_CTX(ssl, t->entries[i].server) == NULL)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	return SSL_TLSEXT_ERR_OK;
}

/*
 * Makes one context presenting SPEC's certificate (none if SPEC is NULL;
 * clients only), as a server if SERVER. STORE (may be NULL) holds the CAs.
 * Returns NULL after logging.
 */
static SSL_CTX *
tls_ctx_make(struct tls_ctx *t, const struct tls_cert_spec *spec, int server,
    X509_STORE *store)
{
	static const unsigned char sid_ctx[] = "xedge";
	SSL_CTX *ctx;
	const char *file = NULL;

	ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (ctx == NULL)
		goto fail;
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
		goto fail;
	/* No compression (CRIME), no renegotiation, no resumption: streams
	 * are long-lived, so a full handshake costs little, and no ticket
	 * key needs managing. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* Idle streams give their record buffers back; conn.c's output
	 * buffer may move between retries of one write. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (store != NULL)
		SSL_CTX_set1_cert_store(ctx, store);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, tls_verify_cb);
	if (spec == NULL)
		return ctx;
	file = spec->cert_file;
	if (SSL_CTX_use_certificate_chain_file(ctx, spec->cert_file) != 1)
		goto fail;
	file = spec->key_file;
	if (SSL_CTX_use_PrivateKey_file(ctx, spec->key_file,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	if (server) {
		if (SSL_CTX_set_num_tickets(ctx, 0) != 1 ||
		    SSL_CTX_set_purpose(ctx, TLS_PURPOSE_XMPP_PEER) != 1 ||
		    SSL_CTX_set_session_id_context(ctx, sid_ctx,
		    sizeof(sid_ctx) - 1) != 1)
			goto fail;
		SSL_CTX_set_tlsext_servername_callback(ctx, tls_sni_cb);
		SSL_CTX_set_tlsext_servername_arg(ctx, t);
	}
	return ctx;
fail:
	log_event(LOG_LVL_ERR, 0, "tls-config", "domain=%s file=%s err=\"%s\"",
	    spec != NULL ? spec->domain : "-", file != NULL ? file : "-",
	    tls_last_error());
	SSL_CTX_free(ctx);
	return NULL;
}

struct tls_ctx *
tls_ctx_new(const struct tls_cert_spec *certs, size_t ncerts,
    const char *ca_file)
{
	struct tls_ctx *t;
	X509_STORE *store = NULL;
	struct tls_entry *e;
	size_t i;

	/* OpenSSL writes to sockets with write(2): a peer gone away must be
	 * an EPIPE error, not a signal that ends the process. */
	signal(SIGPIPE, SIG_IGN);
	if (tls_purpose_init() == -1) {
		log_event(LOG_LVL_ERR, 0, "tls-config", "err=\"%s\"",
		    tls_last_error());
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL || (ncerts > 0 &&
	    (t->entries = calloc(ncerts, sizeof(*t->entries))) == NULL)) {
		log_event(LOG_LVL_ERR, 0, "tls-config", "err=\"out of memory\"");
		free(t);
		return NULL;
	}
	if (ca_file != NULL) {
		store = X509_STORE_new();
		if (store == NULL || X509_STORE_load_file(store, ca_file) != 1) {
			log_event(LOG_LVL_ERR, 0, "tls-config",
			    "file=%s err=\"%s\"", ca_file, tls_last_error());
			goto fail;
		}
	}
	t->anonymous = tls_ctx_make(t, NULL, 0, store);
	if (t->anonymous == NULL)
		goto fail;
	for (i = 0; i < ncerts; i++) {
		e = &t->entries[i];
		t->n = i + 1;
		e->domain = strdup(certs[i].domain);
		if (e->domain == NULL) {
			log_event(LOG_LVL_ERR, 0, "tls-config",
			    "err=\"out of memory\"");
			goto fail;
		}
		e->server = tls_ctx_make(t, &certs[i], 1, store);
		if (e->server == NULL)
			goto fail;
		e->client = tls_ctx_make(t, &certs[i], 0, store);
		if (e->client == NULL)
			goto fail;
	}
	X509_STORE_free(store);
	return t;
fail:
	X509_STORE_free(store);
	tls_ctx_free(t);
	return NULL;
}

void
tls_ctx_free(struct tls_ctx *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		SSL_CTX_free(t->entries[i].server);
		SSL_CTX_free(t->entries[i].client);
		free(t->entries[i].domain);
	}
	SSL_CTX_free(t->anonymous);
	free(t->entries);
	free(t);
}

SSL_CTX *
tls_server_ctx(struct tls_ctx *t, const char *domain)
{
	long i = domain != NULL ? tls_find(t, domain) : -1;

	if (t->n == 0)
		return NULL;
	return t->entries[i >= 0 ? i : 0].server;
}

SSL_CTX *
tls_client_ctx(struct tls_ctx *t, const char *from)
{
	long i;

	if (from == NULL)
		return t->anonymous;
	i = tls_find(t, from);
	return i >= 0 ? t->entries[i].client : NULL;
}

int
tls_peer_verified(SSL *ssl)
{
	return SSL_get0_peer_certificate(ssl) != NULL &&
	    SSL_get_verify_result(ssl) == X509_V_OK;
}

int
tls_peer_matches(SSL *ssl, const char *domain)
{
	return tls_peer_verified(ssl) &&
	    tls_cert_matches(SSL_get0_peer_certificate(ssl), domain);
}

/* Whether the SRV-ID in S (an IA5String) is "_xmpp-server.DOMAIN". */
static int
tls_srv_id_matches(const ASN1_STRING *s, const char *domain)
{
	const char *id = (const char *)ASN1_STRING_get0_data(s);
	size_t len = (size_t)ASN1_STRING_length(s);
	size_t plen = sizeof(TLS_SRV_PREFIX) - 1;

	if (memchr(id, '\0', len) != NULL || len <= plen ||
	    strncasecmp(id, TLS_SRV_PREFIX, plen) != 0)
		return 0;
	return tls_name_eq(id + plen, len - plen, domain, strlen(domain));
}

/* Whether the XmppAddr in S (a UTF8String) is the domain DOMAIN. */
static int
tls_xmpp_addr_matches(const ASN1_STRING *s, const char *domain)
{
	const char *id = (const char *)ASN1_STRING_get0_data(s);
	size_t len = (size_t)ASN1_STRING_length(s);

	if (memchr(id, '\0', len) != NULL)
		return 0;
	return tls_name_eq(id, len, domain, strlen(domain));
}

/* Whether one subjectAltName entry names DOMAIN. */
static int
tls_general_name_matches(const GENERAL_NAME *gn, const char *domain)
{
	const ASN1_TYPE *v;
	const ASN1_STRING *s;
	int nid;

	if (gn->type == GEN_DNS) {
		s = gn->d.dNSName;
		return tls_pattern_covers(
		    (const char *)ASN1_STRING_get0_data(s),
		    (size_t)ASN1_STRING_length(s), domain);
	}
	if (gn->type != GEN_OTHERNAME)
		return 0;
	nid = OBJ_obj2nid(gn->d.otherName->type_id);
	v = gn->d.otherName->value;
	if (nid == NID_SRVName && v->type == V_ASN1_IA5STRING)
		return tls_srv_id_matches(v->value.ia5string, domain);
	if (nid == NID_XmppAddr && v->type == V_ASN1_UTF8STRING)
		return tls_xmpp_addr_matches(v->value.utf8string, domain);
	return 0;
}

int
tls_cert_matches(X509 *cert, const char *domain)
{
	GENERAL_NAMES *names;
	int i, found = 0;

	if (cert == NULL || domain == NULL || *domain == '\0')
		return 0;
	names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	if (names == NULL)
		return 0;
	for (i = 0; i < sk_GENERAL_NAME_num(names) && !found; i++)
		found = tls_general_name_matches(sk_GENERAL_NAME_value(names, i),
		    domain);
	GENERAL_NAMES_free(names);
	return found;
}
