/*
 * TLS contexts and certificate identity checks with OpenSSL (TLS 1.2 and
 * later). The server context picks the certificate of the domain a peer
 * asks for by SNI; the client context presents the certificate of the domain
 * the guard speaks for. Identities follow RFC 6125 / RFC 7590 and XEP-0178:
 * DNS-ID (dNSName, with "*." wildcards in the left-most label), SRV-ID
 * (_xmpp-server.DOMAIN) and XmppAddr (id-on-xmppAddr); CN is ignored when
 * SANs exist. Peer certificates lacking the clientAuth EKU are accepted.
 */
#ifndef XEDGE_TLS_H
#define XEDGE_TLS_H

#include <openssl/ssl.h>

struct tls_cert_spec {
	const char *domain;	/* exact or "*.example" */
	const char *cert_file;
	const char *key_file;
};

struct tls_ctx;

/* Loads NCERTS certificates and the CA bundle CA_FILE (may be NULL: no peer
 * certificate can then verify). Returns NULL and logs on failure. */
struct tls_ctx *tls_ctx_new(const struct tls_cert_spec *certs, size_t ncerts,
    const char *ca_file);
void tls_ctx_free(struct tls_ctx *t);

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

/* Returns 1 if the peer on SSL presented a certificate that chains to the CA
 * bundle and is valid now, else 0. */
int tls_peer_verified(SSL *ssl);

/* Returns 1 if the peer's verified certificate is valid for DOMAIN (DNS-ID,
 * SRV-ID or XmppAddr), else 0. */
int tls_peer_matches(SSL *ssl, const char *domain);

/* Same check on a certificate, for unit tests and callers holding one. */
int tls_cert_matches(X509 *cert, const char *domain);

/* The reason text of the last OpenSSL error on this thread, for logs
 * ("unknown error" if none). */
const char *tls_last_error(void);

#endif
