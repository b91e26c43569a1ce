/*
 * TLS contexts and certificate identity checks with OpenSSL (TLS 1.2 and
 * later). The server context picks the certificate of the domain a peer
 * asks for by SNI; the client context presents the certificate of the domain
 * the guard speaks for. Each session then takes the versions, suites and
 * groups of the policy (tls_session_init). Identities follow RFC 6125 / RFC
 * 7590 and XEP-0178: DNS-ID (dNSName, with "*." wildcards in the left-most
 * label), SRV-ID (_xmpp-server.DOMAIN) and XmppAddr (id-on-xmppAddr); CN is
 * never used. Peer certificates lacking the clientAuth EKU are accepted.
 * Peer certificates are checked against the CRLs of the site file; a
 * revoked one ends the handshake.
 */
#ifndef XEDGE_TLS_H
#define XEDGE_TLS_H

#include <stdint.h>
#include <openssl/ssl.h>

#include "policy_types.h"

struct tls_cert_spec {
	const char *domain;	/* exact or "*.example" */
	const char *cert_file;
	const char *key_file;
};

struct tls_ctx;

/* Why a peer's certificate is not valid, for logs ("cert-error=NAME"). */
enum tls_cert_error {
	TLS_CERT_OK = 0,	/* chains, valid now, not revoked, names it */
	TLS_CERT_MISSING,	/* the peer presented none */
	TLS_CERT_UNKNOWN_CA,	/* does not chain to the CA bundle */
	TLS_CERT_EXPIRED,
	TLS_CERT_NOT_YET_VALID,
	TLS_CERT_REVOKED,
	TLS_CERT_BAD_PURPOSE,	/* neither serverAuth nor clientAuth */
	TLS_CERT_CRL_MISSING,	/* no CRL covers it, though CRLs are given */
	TLS_CERT_CRL_EXPIRED,	/* its CRL is past nextUpdate (and refused) */
	TLS_CERT_WRONG_NAME,	/* valid, but not for the domain */
	TLS_CERT_INVALID	/* any other verification failure */
};

/* Loads NCERTS certificates and the CA bundle CA_FILE (may be NULL: no peer
 * certificate can then verify), for good; no CRL yet. Returns NULL and
 * logs on failure. */
struct tls_ctx *tls_ctx_new(const struct tls_cert_spec *certs, size_t ncerts,
    const char *ca_file);
void tls_ctx_free(struct tls_ctx *t);

/*
 * Replaces the CRLs that every context of T checks peer certificates
 * against by CRLS (NULL or empty: none, no CRL check), each of which must
 * be signed by a CA of the bundle. With CRLs, each peer certificate is
 * checked against the CRL of its issuer, which must be there, and the CA
 * certificates of its chain too when there is a CRL for every CA of the
 * bundle. Handshakes that verify a certificate after the call use them;
 * streams already up are left alone. Returns 0, or -1 after logging, T
 * keeping what it had. The caller keeps CRLS.
 */
int tls_ctx_set_crls(struct tls_ctx *t, STACK_OF(X509_CRL) *crls);

/* The server context for DOMAIN (exact, else a covering wildcard, else the
 * first certificate; NULL: the first), or NULL if the guard has no
 * certificate. A peer that sends SNI switches to the certificate it names;
 * one that does not (Prosody on STARTTLS) gets DOMAIN's, which the caller
 * takes from the stream header's 'to'. */
SSL_CTX *tls_server_ctx(struct tls_ctx *t, const char *domain);

/* A client context presenting the certificate for domain FROM (exact or via
 * a wildcard certificate), or NULL if the guard has none. FROM NULL gives a
 * client context that presents no certificate (the peer's is still
 * checked). */
SSL_CTX *tls_client_ctx(struct tls_ctx *t, const char *from);

/*
 * Applies POLICY to SSL, a new session of connection CONN_ID (for logs):
 * the TLS versions, the suites and the groups it may negotiate, and what
 * an expired CRL means for the peer's certificate. Returns 0, or -1 (the
 * OpenSSL error is queued).
 */
int tls_session_init(SSL *ssl, const struct gen_tls_policy *policy,
    uint64_t conn_id);

/* Returns 1 if the peer on SSL presented a certificate that chains to the CA
 * bundle, is valid now and is not revoked, else 0. */
int tls_peer_verified(SSL *ssl);

/* Why the peer's certificate on SSL is not valid for DOMAIN (NULL: for any
 * domain, the chain only); TLS_CERT_OK if it is. */
enum tls_cert_error tls_peer_verify_error(SSL *ssl, const char *domain);

/* The name of E for logs: "none" for TLS_CERT_OK, else "unknown-ca", ... */
const char *tls_cert_error_name(enum tls_cert_error e);

/* What OpenSSL said of the peer's certificate on SSL, checked for DOMAIN
 * as above ("ok" if valid): a static text for logs. */
const char *tls_peer_verify_text(SSL *ssl, const char *domain);

/* Returns 1 if the peer's verified certificate is valid for DOMAIN (DNS-ID,
 * SRV-ID or XmppAddr), else 0. */
int tls_peer_matches(SSL *ssl, const char *domain);

/* Same check on a certificate, for unit tests and callers holding one. */
int tls_cert_matches(X509 *cert, const char *domain);

/* The key exchange group the session on SSL negotiated, for logs ("-" if
 * none). */
const char *tls_group_name(SSL *ssl);

/* The reason text of the last OpenSSL error on this thread, for logs
 * ("unknown error" if none). */
const char *tls_last_error(void);

#endif
