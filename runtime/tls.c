/*
 * TLS contexts and peer identity checks (OpenSSL 3).
 *
 * Each certificate the guard presents gets two contexts: a server context
 * (chosen by SNI) and a client context (chosen by the domain the guard
 * speaks for). All share one store: the CA bundle, read once, and the
 * CRLs, which tls_ctx_set_crls replaces (at start and on SIGHUP) by
 * giving every context a new store.
 *
 * Each session carries a tls_session (SSL ex_data, freed with the SSL):
 * the policy's answer to an expired CRL, and the first verification error
 * the policy does not waive. The verify callback lets the handshake go on
 * whatever the certificate, except a revoked one: the S2S layer reads the
 * result through tls_peer_verified and tls_peer_matches to decide what to
 * offer (SASL EXTERNAL, dialback, or nothing), while a certificate its CA
 * has revoked is evidence of compromise, not a missing proof, and ends the
 * handshake whatever the policy allows. OpenSSL keeps only the last error
 * it met, and a waived error must not hide an earlier one: hence the first
 * error is kept apart.
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

/* The longest certificate name logged, in bytes. */
#define TLS_NAME_LOG_MAX 128

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
	STACK_OF(X509) *cas;	/* the CA bundle's, for every new store */
};

/* What one session keeps for its certificate checks. */
struct tls_session {
	uint64_t conn_id;	/* for logs */
	enum gen_crl_expired crl_expired;
	long error;		/* first X509_V_ERR_* not waived, or 0 */
	int crl_waived;		/* an expired CRL was accepted (and logged) */
};

/* Where an SSL object keeps its tls_session; set once by tls_init. */
static int tls_session_index = -1;

/* The X509 verification errors that have a name of their own. */
static const struct {
	long x509;
	enum tls_cert_error error;
} tls_cert_errors[] = {
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, TLS_CERT_UNKNOWN_CA },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, TLS_CERT_UNKNOWN_CA },
	{ X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, TLS_CERT_UNKNOWN_CA },
	{ X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, TLS_CERT_UNKNOWN_CA },
	{ X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, TLS_CERT_UNKNOWN_CA },
	{ X509_V_ERR_CERT_UNTRUSTED, TLS_CERT_UNKNOWN_CA },
	{ X509_V_ERR_CERT_HAS_EXPIRED, TLS_CERT_EXPIRED },
	{ X509_V_ERR_CERT_NOT_YET_VALID, TLS_CERT_NOT_YET_VALID },
	{ X509_V_ERR_CERT_REVOKED, TLS_CERT_REVOKED },
	{ X509_V_ERR_INVALID_PURPOSE, TLS_CERT_BAD_PURPOSE },
	{ X509_V_ERR_UNABLE_TO_GET_CRL, TLS_CERT_CRL_MISSING },
	{ X509_V_ERR_CRL_HAS_EXPIRED, TLS_CERT_CRL_EXPIRED },
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

/* Frees the tls_session of an SSL object being freed. */
static void
tls_session_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	free(ptr);
}

/* Registers the "XMPP peer" purpose and the session index, once per
 * process. */
static int
tls_init(void)
{
	if (tls_session_index == -1 &&
	    (tls_session_index = SSL_get_ex_new_index(0, NULL, NULL, NULL,
	    tls_session_free)) == -1)
		return -1;
	if (X509_PURPOSE_get_by_id(TLS_PURPOSE_XMPP_PEER) != -1)
		return 0;
	if (X509_PURPOSE_add(TLS_PURPOSE_XMPP_PEER, X509_TRUST_SSL_CLIENT, 0,
	    tls_check_xmpp_peer, "XMPP peer", "xedge_xmpp_peer", NULL) != 1)
		return -1;
	return 0;
}

/* The name of X509 verification error ERR in enum tls_cert_error. */
static enum tls_cert_error
tls_cert_error_of(long err)
{
	size_t i;

	if (err == X509_V_OK)
		return TLS_CERT_OK;
	for (i = 0; i < sizeof(tls_cert_errors) / sizeof(tls_cert_errors[0]);
	    i++)
		if (tls_cert_errors[i].x509 == err)
			return tls_cert_errors[i].error;
	return TLS_CERT_INVALID;
}

/* Writes X509 name NAME into BUF (at most TLS_NAME_LOG_MAX bytes) as a
 * quoted log value; NULL gives "-". Returns BUF. */
static const char *
tls_name_quote(const X509_NAME *name, char *buf, size_t size)
{
	char text[TLS_NAME_LOG_MAX + 1];

	if (name == NULL)
		return log_quote(NULL, buf, size);
	X509_NAME_oneline(name, text, sizeof(text));
	return log_quote(text, buf, size);
}

/* Logs EVENT about the certificate STORE is checking, which failed with
 * ERR, for connection CONN_ID. */
static void
tls_log_cert(enum log_level lvl, uint64_t conn_id, const char *event,
    X509_STORE_CTX *store, long err)
{
	X509 *cert = X509_STORE_CTX_get_current_cert(store);
	char subject[LOG_QUOTE_SIZE(TLS_NAME_LOG_MAX)];

	log_event(lvl, conn_id, event, "cert-error=%s cert-detail=\"%s\" "
	    "depth=%d subject=%s", tls_cert_error_name(tls_cert_error_of(err)),
	    X509_verify_cert_error_string(err),
	    X509_STORE_CTX_get_error_depth(store),
	    tls_name_quote(cert != NULL ? X509_get_subject_name(cert) : NULL,
	    subject, sizeof(subject)));
}

/*
 * Judges one step of a peer certificate's verification. A revoked
 * certificate ends the handshake, logged; an expired CRL is accepted,
 * logged once per session, where the session's policy says so; any other
 * failure lets the handshake go on, the first one kept for
 * tls_peer_verify_error.
 */
static int
tls_verify_cb(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_session *ts = SSL_get_ex_data(ssl, tls_session_index);
	long err = X509_STORE_CTX_get_error(store);

	/* conn_start_tls gives every session its tls_session. */
	XEDGE_ASSERT(ts != NULL);
	if (ok)
		return 1;
	if (err == X509_V_ERR_CERT_REVOKED) {
		tls_log_cert(LOG_LVL_WARN, ts->conn_id, "tls-refused", store,
		    err);
		return 0;
	}
	if (err == X509_V_ERR_CRL_HAS_EXPIRED &&
	    ts->crl_expired == GEN_CRL_EXPIRED_WARN) {
		if (!ts->crl_waived)
			tls_log_cert(LOG_LVL_WARN, ts->conn_id,
			    "crl-expired-accepted", store, err);
		ts->crl_waived = 1;
		X509_STORE_CTX_set_error(store, X509_V_OK);
		return 1;
	}
	if (ts->error == X509_V_OK)
		ts->error = err;
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
 * clients only), as a server if SERVER, trusting nothing yet. Returns NULL
 * after logging.
 */
static SSL_CTX *
tls_ctx_make(struct tls_ctx *t, const struct tls_cert_spec *spec, int server)
{
	static const unsigned char sid_ctx[] = "xedge";
	SSL_CTX *ctx;
	const char *file = NULL;

	ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (ctx == NULL)
		goto fail;
	/* Sessions narrow this to the policy's versions (tls_session_init);
	 * DHE ciphers, where the policy lists them, take parameters of the
	 * strength of the certificate's key. */
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_dh_auto(ctx, 1) != 1)
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

/* Reads the certificates of CA bundle CA_FILE (NULL: none) into T.
 * Returns 0, or -1 after logging. */
static int
tls_ctx_load_cas(struct tls_ctx *t, const char *ca_file)
{
	X509_STORE *store = X509_STORE_new();

	if (store != NULL && (ca_file == NULL ||
	    X509_STORE_load_file(store, ca_file) == 1))
		t->cas = X509_STORE_get1_all_certs(store);
	X509_STORE_free(store);
	if (t->cas != NULL)
		return 0;
	log_event(LOG_LVL_ERR, 0, "tls-config", "file=%s err=\"%s\"",
	    ca_file != NULL ? ca_file : "-", tls_last_error());
	return -1;
}

struct tls_ctx *
tls_ctx_new(const struct tls_cert_spec *certs, size_t ncerts,
    const char *ca_file)
{
	struct tls_ctx *t;
	struct tls_entry *e;
	size_t i;

	/* OpenSSL writes to sockets with write(2): a peer gone away must be
	 * an EPIPE error, not a signal that ends the process. */
	signal(SIGPIPE, SIG_IGN);
	if (tls_init() == -1) {
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
	t->anonymous = tls_ctx_make(t, NULL, 0);
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
		e->server = tls_ctx_make(t, &certs[i], 1);
		if (e->server == NULL)
			goto fail;
		e->client = tls_ctx_make(t, &certs[i], 0);
		if (e->client == NULL)
			goto fail;
	}
	if (tls_ctx_load_cas(t, ca_file) == -1 ||
	    tls_ctx_set_crls(t, NULL) == -1)
		goto fail;
	return t;
fail:
	tls_ctx_free(t);
	return NULL;
}

/*
 * Returns the CA certificate among OBJS (a store's objects) that issued
 * CRL, by name and signature, or NULL.
 */
static X509 *
tls_crl_issuer(STACK_OF(X509_OBJECT) *objs, X509_CRL *crl)
{
	X509 *ca;
	int i;

	for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		ca = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		if (ca != NULL && X509_NAME_cmp(X509_CRL_get_issuer(crl),
		    X509_get_subject_name(ca)) == 0 &&
		    X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1)
			return ca;
	}
	return NULL;
}

/*
 * Checks the CRLs of STORE: each must be signed by a CA of STORE; one past
 * its nextUpdate is warned about. Sets *ALL if every CA of STORE has a
 * CRL. Returns 0, or -1 after logging.
 */
static int
tls_store_check_crls(X509_STORE *store, int *all)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
	char issuer[LOG_QUOTE_SIZE(TLS_NAME_LOG_MAX)];
	const ASN1_TIME *next;
	X509_CRL *crl;
	X509 *ca;
	int i, j;

	for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		crl = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objs, i));
		if (crl == NULL)
			continue;
		tls_name_quote(X509_CRL_get_issuer(crl), issuer,
		    sizeof(issuer));
		if (tls_crl_issuer(objs, crl) == NULL) {
			log_event(LOG_LVL_ERR, 0, "tls-config", "issuer=%s "
			    "err=\"CRL not signed by a CA of the bundle\"",
			    issuer);
			return -1;
		}
		next = X509_CRL_get0_nextUpdate(crl);
		if (next != NULL && X509_cmp_current_time(next) < 0)
			log_event(LOG_LVL_WARN, 0, "crl-expired", "issuer=%s",
			    issuer);
	}
	*all = 1;
	for (i = 0; i < sk_X509_OBJECT_num(objs) && *all; i++) {
		ca = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		if (ca == NULL)
			continue;
		*all = 0;
		for (j = 0; j < sk_X509_OBJECT_num(objs) && !*all; j++) {
			crl = X509_OBJECT_get0_X509_CRL(
			    sk_X509_OBJECT_value(objs, j));
			*all = crl != NULL && tls_crl_issuer(objs, crl) == ca;
		}
	}
	return 0;
}

/*
 * Makes a store of T's CAs and of CRLS (may be NULL), with the CRL checks
 * they allow; *CHECK says which, for the log. Returns it (the caller
 * frees), or NULL after logging.
 */
static X509_STORE *
tls_store_new(const struct tls_ctx *t, STACK_OF(X509_CRL) *crls,
    const char **check)
{
	X509_STORE *store = X509_STORE_new();
	int i, all;

	*check = "off";
	if (store == NULL)
		goto fail;
	for (i = 0; i < sk_X509_num(t->cas); i++)
		if (X509_STORE_add_cert(store, sk_X509_value(t->cas, i)) != 1)
			goto fail;
	if (sk_X509_CRL_num(crls) <= 0)
		return store;
	for (i = 0; i < sk_X509_CRL_num(crls); i++)
		if (X509_STORE_add_crl(store, sk_X509_CRL_value(crls, i)) != 1)
			goto fail;
	if (tls_store_check_crls(store, &all) == -1) {
		X509_STORE_free(store);
		return NULL;
	}
	*check = all ? "chain" : "leaf";
	if (X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK |
	    (all ? X509_V_FLAG_CRL_CHECK_ALL : 0)) != 1)
		goto fail;
	return store;
fail:
	log_event(LOG_LVL_ERR, 0, "tls-config", "err=\"%s\"",
	    tls_last_error());
	X509_STORE_free(store);
	return NULL;
}

int
tls_ctx_set_crls(struct tls_ctx *t, STACK_OF(X509_CRL) *crls)
{
	X509_STORE *store;
	const char *check;
	size_t i;

	store = tls_store_new(t, crls, &check);
	if (store == NULL)
		return -1;
	/* Each context takes a reference; the store goes with the last. */
	SSL_CTX_set1_cert_store(t->anonymous, store);
	for (i = 0; i < t->n; i++) {
		SSL_CTX_set1_cert_store(t->entries[i].server, store);
		SSL_CTX_set1_cert_store(t->entries[i].client, store);
	}
	X509_STORE_free(store);
	log_event(LOG_LVL_INFO, 0, "trust", "cas=%d crls=%d crl-check=%s",
	    sk_X509_num(t->cas), crls != NULL ? sk_X509_CRL_num(crls) : 0,
	    check);
	return 0;
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
	sk_X509_pop_free(t->cas, X509_free);
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
tls_session_init(SSL *ssl, const struct gen_tls_policy *policy,
    uint64_t conn_id)
{
	struct tls_session *ts;

	ts = calloc(1, sizeof(*ts));
	if (ts == NULL) {
		ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
		return -1;
	}
	ts->conn_id = conn_id;
	ts->crl_expired = policy->crl_expired;
	ts->error = X509_V_OK;
	/* Once set, the SSL object owns TS (tls_session_free). */
	if (SSL_set_ex_data(ssl, tls_session_index, ts) != 1) {
		free(ts);
		return -1;
	}
	if (SSL_set_min_proto_version(ssl, policy->min_version) != 1 ||
	    SSL_set_max_proto_version(ssl, policy->max_version) != 1 ||
	    SSL_set_ciphersuites(ssl, policy->ciphersuites) != 1 ||
	    SSL_set_cipher_list(ssl, policy->ciphers) != 1 ||
	    SSL_set1_groups_list(ssl, policy->groups) != 1)
		return -1;
	return 0;
}

/* The verification result of the peer's certificate on SSL: the first
 * error its session did not waive, else OpenSSL's result. */
static long
tls_verify_result(SSL *ssl)
{
	const struct tls_session *ts = SSL_get_ex_data(ssl, tls_session_index);

	if (ts != NULL && ts->error != X509_V_OK)
		return ts->error;
	return SSL_get_verify_result(ssl);
}

enum tls_cert_error
tls_peer_verify_error(SSL *ssl, const char *domain)
{
	X509 *cert = SSL_get0_peer_certificate(ssl);
	long err;

	if (cert == NULL)
		return TLS_CERT_MISSING;
	if ((err = tls_verify_result(ssl)) != X509_V_OK)
		return tls_cert_error_of(err);
	if (domain != NULL && !tls_cert_matches(cert, domain))
		return TLS_CERT_WRONG_NAME;
	return TLS_CERT_OK;
}

const char *
tls_cert_error_name(enum tls_cert_error e)
{
	static const char *const names[] = {
		[TLS_CERT_OK] = "none",
		[TLS_CERT_MISSING] = "missing",
		[TLS_CERT_UNKNOWN_CA] = "unknown-ca",
		[TLS_CERT_EXPIRED] = "expired",
		[TLS_CERT_NOT_YET_VALID] = "not-yet-valid",
		[TLS_CERT_REVOKED] = "revoked",
		[TLS_CERT_BAD_PURPOSE] = "bad-purpose",
		[TLS_CERT_CRL_MISSING] = "crl-missing",
		[TLS_CERT_CRL_EXPIRED] = "crl-expired",
		[TLS_CERT_WRONG_NAME] = "wrong-name",
		[TLS_CERT_INVALID] = "invalid",
	};

	return names[e];
}

const char *
tls_peer_verify_text(SSL *ssl, const char *domain)
{
	switch (tls_peer_verify_error(ssl, domain)) {
	case TLS_CERT_OK:
		return "ok";
	case TLS_CERT_MISSING:
		return "no certificate";
	case TLS_CERT_WRONG_NAME:
		return "certificate does not name the domain";
	default:
		return X509_verify_cert_error_string(tls_verify_result(ssl));
	}
}

const char *
tls_group_name(SSL *ssl)
{
	int nid = SSL_get_negotiated_group(ssl);
	const char *name = nid != 0 ? SSL_group_to_name(ssl, nid) : NULL;

	return name != NULL ? name : "-";
}

int
tls_peer_verified(SSL *ssl)
{
	return tls_peer_verify_error(ssl, NULL) == TLS_CERT_OK;
}

int
tls_peer_matches(SSL *ssl, const char *domain)
{
	return domain != NULL && *domain != '\0' &&
	    tls_peer_verify_error(ssl, domain) == TLS_CERT_OK;
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
