/*
 * loadgen: TLS for both roles: the contexts, with the certificates and the
 * CA both ends verify against, and each connection's handshake.
 */
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "loadgen.h"

SSL_CTX *
lg_tls_ctx(const struct lg_opts *o, int server, const char *cert,
    const char *key)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() :
	    TLS_client_method());

	if (ctx == NULL)
		lg_die("SSL_CTX_new");
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		lg_die("certificate %s", cert);
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		lg_die("key %s", key);
	if (SSL_CTX_load_verify_locations(ctx, o->ca, NULL) != 1)
		lg_die("CA %s", o->ca);
	SSL_CTX_set_verify(ctx, server ? SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER, NULL);
	if (server) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(o->ca);

		if (names == NULL)
			lg_die("CA %s", o->ca);
		SSL_CTX_set_client_CA_list(ctx, names);
		/* Streams are never resumed: spare the path the tickets. */
		SSL_CTX_set_num_tickets(ctx, 0);
	}
	/* Read-ahead lets one read(2) bring in several records. */
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_default_read_buffer_len(ctx, 4 * LG_RECORD);
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	return ctx;
}

/* Runs C's TLS handshake. Returns 1 when done, 0 to wait, -1 on error. */
int
lg_handshake(struct lg *lg, struct lg_conn *c)
{
	int r, err;

	if (c->ssl == NULL) {
		c->ssl = SSL_new(c->role == LG_SOURCE ? lg->client :
		    lg->server);
		if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
			return lg_fail(c, "SSL_new");
		if (c->role == LG_SOURCE) {
			if (SSL_set_tlsext_host_name(c->ssl, lg->o.to) != 1 ||
			    SSL_set1_host(c->ssl, lg->o.to) != 1)
				return lg_fail(c, "SNI");
			SSL_set_connect_state(c->ssl);
		} else
			SSL_set_accept_state(c->ssl);
	}
	if ((r = SSL_do_handshake(c->ssl)) == 1) {
		if (c->role == LG_SOURCE) {
			lg_source_header(lg, c);
			c->state = LG_FEATURES_SASL;
		} else
			c->state = LG_HEADER_TLS;
		return 1;
	}
	err = SSL_get_error(c->ssl, r);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
		return 0;
	return lg_fail(c, "TLS handshake failed (verify: %s)",
	    X509_verify_cert_error_string(SSL_get_verify_result(c->ssl)));
}
