/*
 * The status page over HTTPS (libmicrohttpd's TLS, which is GnuTLS): the
 * server's certificate, its key and the CA bundle that client certificates
 * must chain to, read from files at start while the guard may still read
 * them; and the check of each request's client certificate.
 *
 * With a trust list (MHD_OPTION_HTTPS_MEM_TRUST), MHD makes GnuTLS ask the
 * client for a certificate (GNUTLS_CERT_REQUEST), but a client that sends
 * none, or one from elsewhere, still completes the handshake: GnuTLS checks
 * only that the client holds the key of what it sent. Whether that
 * certificate is worth anything is the application's decision, taken here
 * for every request before anything is served.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#include "log.h"
#include "web.h"
#include "web_int.h"

/* The largest file taken: a certificate chain or a CA bundle. */
#define WEB_TLS_FILE_MAX ((size_t)1 << 20)

/* Reads file PATH whole into a new NUL-terminated buffer (the caller
 * frees); NULL (logged) if it cannot be read or is larger than
 * WEB_TLS_FILE_MAX. */
static char *
web_tls_read(const char *path)
{
	struct stat st;
	char *data = NULL;
	size_t len;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL || fstat(fileno(f), &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > WEB_TLS_FILE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	len = (size_t)st.st_size;
	data = malloc(len + 1);
	if (data == NULL || fread(data, 1, len, f) != len)
		goto fail;
	data[len] = '\0';
	fclose(f);
	return data;
fail:
	log_errno(LOG_LVL_ERR, 0, "status-tls-failed", "file=%s", path);
	free(data);
	if (f != NULL)
		fclose(f);
	return NULL;
}

/*
 * Loads T's material into GnuTLS credentials of its own, so that a key that
 * does not match its certificate, or a CA file with no certificate, is
 * found when the site is checked (xedge -t) rather than when the server
 * starts. Returns 0, or -1 (logged).
 */
static int
web_tls_check(const struct web_tls *t, const char *cert_file,
    const char *ca_file)
{
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t cert = { (unsigned char *)t->cert,
	    (unsigned)strlen(t->cert) };
	gnutls_datum_t key = { (unsigned char *)t->key,
	    (unsigned)strlen(t->key) };
	gnutls_datum_t ca = { (unsigned char *)t->client_ca,
	    (unsigned)strlen(t->client_ca) };
	int rc;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return -1;
	rc = gnutls_certificate_set_x509_key_mem(cred, &cert, &key,
	    GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		log_event(LOG_LVL_ERR, 0, "status-tls-failed", "file=%s "
		    "what=\"%s\"", cert_file, gnutls_strerror(rc));
		gnutls_certificate_free_credentials(cred);
		return -1;
	}
	rc = gnutls_certificate_set_x509_trust_mem(cred, &ca,
	    GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(cred);
	if (rc <= 0) {
		log_event(LOG_LVL_ERR, 0, "status-tls-failed", "file=%s "
		    "what=\"%s\"", ca_file, rc < 0 ? gnutls_strerror(rc) :
		    "no CA certificate");
		return -1;
	}
	return 0;
}

struct web_tls *
web_tls_load(const char *cert_file, const char *key_file,
    const char *client_ca_file)
{
	struct web_tls *t;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->cert = web_tls_read(cert_file);
	t->key = t->cert != NULL ? web_tls_read(key_file) : NULL;
	t->client_ca = t->key != NULL ? web_tls_read(client_ca_file) : NULL;
	if (t->client_ca == NULL ||
	    web_tls_check(t, cert_file, client_ca_file) == -1) {
		web_tls_free(t);
		return NULL;
	}
	return t;
}

void
web_tls_free(struct web_tls *t)
{
	if (t == NULL)
		return;
	if (t->key != NULL)
		explicit_bzero(t->key, strlen(t->key));
	free(t->cert);
	free(t->key);
	free(t->client_ca);
	free(t);
}

/* Logs why the client of C gets no page; WHY is GnuTLS's text. */
static void
web_tls_refused(struct MHD_Connection *c, const char *why)
{
	const union MHD_ConnectionInfo *ci;
	char addr[64] = "-", q[LOG_QUOTE_SIZE(160)];
	const struct sockaddr *sa;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	sa = ci != NULL ? ci->client_addr : NULL;
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    addr, sizeof(addr));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, addr,
		    sizeof(addr));
	log_event(LOG_LVL_WARN, 0, "status-client-refused", "addr=%s why=%s",
	    addr, log_quote(why, q, sizeof(q)));
}

/*
 * Whether the client of C sent an X.509 certificate that chains to the
 * client CA, is within its validity and may serve for TLS client
 * authentication (its extended key usage, if it has one): 0 if so, else
 * -1 (logged). No name is checked: the CA issues operators' certificates.
 */
int
web_tls_client_verified(struct MHD_Connection *c)
{
	gnutls_typed_vdata_st purpose = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT,
	};
	const union MHD_ConnectionInfo *ci;
	gnutls_session_t s;
	gnutls_datum_t text;
	unsigned status;
	int rc;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL) {
		web_tls_refused(c, "no TLS session");
		return -1;
	}
	s = ci->tls_session;
	if (gnutls_certificate_type_get2(s, GNUTLS_CTYPE_CLIENT) !=
	    GNUTLS_CRT_X509) {
		web_tls_refused(c, "not an X.509 certificate");
		return -1;
	}
	rc = gnutls_certificate_verify_peers(s, &purpose, 1, &status);
	if (rc < 0) {
		web_tls_refused(c, gnutls_strerror(rc));
		return -1;
	}
	if (status == 0)
		return 0;
	if (gnutls_certificate_verification_status_print(status,
	    GNUTLS_CRT_X509, &text, 0) < 0) {
		web_tls_refused(c, "certificate not trusted");
		return -1;
	}
	web_tls_refused(c, (const char *)text.data);
	gnutls_free(text.data);
	return -1;
}
