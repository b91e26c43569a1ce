/*
 * A test PKI made at test time with the OpenSSL API, for the TLS tests
 * (test_tls, test_tls_policy, test_tls_verify), test_crl and test_conn: a
 * CA, a second CA nobody trusts, leaf certificates with the identities and
 * flaws the tests need, and CRLs, written as PEM files into a fresh
 * temporary directory. Header-only: each test binary is one file.
 */
#ifndef XEDGE_TLS_FIXTURE_H
#define XEDGE_TLS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

/* One leaf certificate of the fixture. */
struct fx_leaf {
	const char *name;	/* files NAME.pem and NAME.key */
	const char *cn;
	const char *san;	/* openssl "subjectAltName" syntax, or NULL */
	const char *eku;	/* "extendedKeyUsage" syntax, or NULL */
	long from_days;		/* validity relative to now */
	long to_days;
	int untrusted;		/* issued by the CA nobody trusts */
};

static const struct fx_leaf fx_leaves[] = {
	{ "a", "a.example", "DNS:a.example", "serverAuth,clientAuth", -1, 30,
	    0 },
	{ "b", "b.example", "DNS:b.example", "serverAuth,clientAuth", -1, 30,
	    0 },
	{ "wild", "w.example", "DNS:*.w.example", "serverAuth,clientAuth", -1,
	    30, 0 },
	{ "srv", "s.example",
	    "otherName:1.3.6.1.5.5.7.8.7;IA5STRING:_xmpp-server.s.example",
	    "serverAuth,clientAuth", -1, 30, 0 },
	{ "xmpp", "x.example",
	    "otherName:1.3.6.1.5.5.7.8.5;UTF8:x.example",
	    "serverAuth,clientAuth", -1, 30, 0 },
	{ "serveronly", "so.example", "DNS:so.example", "serverAuth", -1, 30,
	    0 },
	{ "clientonly", "co.example", "DNS:co.example", "clientAuth", -1, 30,
	    0 },
	{ "email", "em.example", "DNS:em.example", "emailProtection", -1, 30,
	    0 },
	{ "expired", "old.example", "DNS:old.example", "serverAuth,clientAuth",
	    -30, -1, 0 },
	{ "untrusted", "a.example", "DNS:a.example", "serverAuth,clientAuth",
	    -1, 30, 1 },
	{ "cnonly", "cn.example", NULL, "serverAuth,clientAuth", -1, 30, 0 },
	{ "badwild", "bw.example", "DNS:*.example,DNS:f*.p.example",
	    "serverAuth,clientAuth", -1, 30, 0 },
	{ "mixed", "cn-ignored.example",
	    "DNS:m1.example,email:ops@m.example,"
	    "otherName:1.3.6.1.5.5.7.8.5;UTF8:m3.example",
	    "serverAuth,clientAuth", -1, 30, 0 },
	{ "revoked", "r.example", "DNS:r.example", "serverAuth,clientAuth", -1,
	    30, 0 },
};

/* The CRLs: files NAME.pem, issued by the CA (or the untrusted one),
 * valid from and to days relative to now, revoking leaf REVOKED. */
static const struct fx_crl {
	const char *name;
	int untrusted;
	long from_days;
	long to_days;
	const char *revoked;	/* a leaf's name, or NULL */
} fx_crls[] = {
	{ "ca-crl", 0, -1, 7, "revoked" },	/* current, revokes one */
	{ "ca-crl-empty", 0, -1, 7, NULL },	/* current, revokes none */
	{ "ca-crl-old", 0, -8, -1, NULL },	/* past its nextUpdate */
	{ "other-crl", 1, -1, 7, NULL },	/* from the untrusted CA */
};

#define FX_NCRLS (sizeof(fx_crls) / sizeof(fx_crls[0]))

#define FX_NLEAVES (sizeof(fx_leaves) / sizeof(fx_leaves[0]))

/* The directory the files are in, set by fx_make. */
static char fx_dir[64];

/* Returns "fx_dir/NAME.EXT" in one of a few rotating static buffers. */
static inline const char *
fx_path(const char *name, const char *ext)
{
	static char paths[8][128];
	static unsigned next;
	char *p = paths[next++ % 8];

	snprintf(p, sizeof(paths[0]), "%s/%s.%s", fx_dir, name, ext);
	return p;
}

/* Adds extension NID with VALUE (openssl config syntax) to CERT. */
static inline int
fx_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext == NULL)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* Makes a certificate for KEY, issued by ISSUER with ISSUER_KEY (NULL:
 * self-signed CA). Returns NULL on failure. */
static inline X509 *
fx_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
    const struct fx_leaf *leaf, long serial)
{
	X509 *cert;
	X509_NAME *name;

	cert = X509_new();
	if (cert == NULL)
		return NULL;
	name = X509_NAME_new();
	if (name == NULL || X509_set_version(cert, 2) != 1 ||
	    ASN1_INTEGER_set(X509_get_serialNumber(cert), serial) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_subject_name(cert, name) != 1 ||
	    X509_set_issuer_name(cert, issuer != NULL ?
	    X509_get_subject_name(issuer) : name) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(cert),
	    (leaf != NULL ? leaf->from_days : -1) * 86400L) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(cert),
	    (leaf != NULL ? leaf->to_days : 365) * 86400L) == NULL ||
	    X509_set_pubkey(cert, key) != 1)
		goto fail;
	if (leaf == NULL) {
		if (fx_ext(cert, cert, NID_basic_constraints,
		    "critical,CA:TRUE") == -1 ||
		    fx_ext(cert, cert, NID_key_usage,
		    "critical,keyCertSign,cRLSign") == -1 ||
		    fx_ext(cert, cert, NID_subject_key_identifier, "hash") == -1)
			goto fail;
	} else {
		if (fx_ext(cert, issuer, NID_basic_constraints, "CA:FALSE") ==
		    -1 || fx_ext(cert, issuer, NID_key_usage,
		    "critical,digitalSignature,keyAgreement") == -1 ||
		    fx_ext(cert, issuer, NID_authority_key_identifier,
		    "keyid:always") == -1 ||
		    (leaf->san != NULL && fx_ext(cert, issuer,
		    NID_subject_alt_name, leaf->san) == -1) ||
		    (leaf->eku != NULL && fx_ext(cert, issuer,
		    NID_ext_key_usage, leaf->eku) == -1))
			goto fail;
	}
	if (X509_sign(cert, issuer_key != NULL ? issuer_key : key,
	    EVP_sha256()) == 0)
		goto fail;
	X509_NAME_free(name);
	return cert;
fail:
	X509_NAME_free(name);
	X509_free(cert);
	return NULL;
}

/* Writes CERT (and KEY if not NULL) as fx_dir/NAME.pem and .key. */
static inline int
fx_write(const char *name, X509 *cert, EVP_PKEY *key)
{
	FILE *f;
	int ok;

	f = fopen(fx_path(name, "pem"), "w");
	if (f == NULL)
		return -1;
	ok = PEM_write_X509(f, cert);
	if (fclose(f) != 0 || ok != 1)
		return -1;
	if (key == NULL)
		return 0;
	f = fopen(fx_path(name, "key"), "w");
	if (f == NULL)
		return -1;
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	if (fclose(f) != 0 || ok != 1)
		return -1;
	return 0;
}

/* The serial number of leaf NAME. */
static inline long
fx_serial(const char *name)
{
	size_t i;

	for (i = 0; i < FX_NLEAVES; i++)
		if (strcmp(fx_leaves[i].name, name) == 0)
			break;
	return (long)(100 + i);
}

/* Writes the CRL C, signed by ISSUER with KEY, as fx_dir/NAME.pem. */
static inline int
fx_write_crl(const struct fx_crl *c, X509 *issuer, EVP_PKEY *key)
{
	X509_CRL *crl = X509_CRL_new();
	X509_REVOKED *rev = NULL;
	ASN1_TIME *from = X509_gmtime_adj(NULL, c->from_days * 86400L);
	ASN1_TIME *to = X509_gmtime_adj(NULL, c->to_days * 86400L);
	ASN1_INTEGER *serial = ASN1_INTEGER_new();
	FILE *f = NULL;
	int rc = -1;

	if (crl == NULL || from == NULL || to == NULL || serial == NULL ||
	    X509_CRL_set_version(crl, 1) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) != 1 ||
	    X509_CRL_set1_lastUpdate(crl, from) != 1 ||
	    X509_CRL_set1_nextUpdate(crl, to) != 1)
		goto out;
	if (c->revoked != NULL) {
		if ((rev = X509_REVOKED_new()) == NULL ||
		    ASN1_INTEGER_set(serial, fx_serial(c->revoked)) != 1 ||
		    X509_REVOKED_set_serialNumber(rev, serial) != 1 ||
		    X509_REVOKED_set_revocationDate(rev, from) != 1 ||
		    X509_CRL_add0_revoked(crl, rev) != 1)
			goto out;
		rev = NULL;
	}
	if (X509_CRL_sort(crl) != 1 || X509_CRL_sign(crl, key,
	    EVP_sha256()) == 0 || (f = fopen(fx_path(c->name, "pem"), "w")) ==
	    NULL || PEM_write_X509_CRL(f, crl) != 1)
		goto out;
	rc = 0;
out:
	if (f != NULL && fclose(f) != 0)
		rc = -1;
	X509_REVOKED_free(rev);
	ASN1_INTEGER_free(serial);
	ASN1_TIME_free(from);
	ASN1_TIME_free(to);
	X509_CRL_free(crl);
	return rc;
}

/* Writes both CAs into fx_dir/both-ca.pem, a bundle trusting each. */
static inline int
fx_write_both(X509 *ca, X509 *other)
{
	FILE *f = fopen(fx_path("both-ca", "pem"), "w");
	int ok;

	if (f == NULL)
		return -1;
	ok = PEM_write_X509(f, ca) == 1 && PEM_write_X509(f, other) == 1;
	if (fclose(f) != 0 || !ok)
		return -1;
	return 0;
}

/*
 * Makes the PKI: fx_dir/ca.pem (trusted), fx_dir/other-ca.pem (not),
 * both-ca.pem (both), NAME.pem / NAME.key for each leaf and NAME.pem for
 * each CRL. Returns 0 or -1.
 */
static inline int
fx_make(void)
{
	EVP_PKEY *ca_key, *other_key, *leaf_key;
	X509 *ca, *other, *cert;
	size_t i;
	int rc = -1;

	snprintf(fx_dir, sizeof(fx_dir), "/tmp/xedge-tls-XXXXXX");
	if (mkdtemp(fx_dir) == NULL)
		return -1;
	ca_key = EVP_EC_gen("P-256");
	other_key = EVP_EC_gen("P-256");
	leaf_key = EVP_EC_gen("P-256");
	ca = other = NULL;
	if (ca_key == NULL || other_key == NULL || leaf_key == NULL)
		goto out;
	ca = fx_cert(ca_key, "xedge test CA", NULL, NULL, NULL, 1);
	other = fx_cert(other_key, "xedge untrusted CA", NULL, NULL, NULL, 2);
	if (ca == NULL || other == NULL || fx_write("ca", ca, NULL) == -1 ||
	    fx_write("other-ca", other, NULL) == -1)
		goto out;
	for (i = 0; i < FX_NLEAVES; i++) {
		cert = fx_leaves[i].untrusted ?
		    fx_cert(leaf_key, fx_leaves[i].cn, other, other_key,
		    &fx_leaves[i], (long)(100 + i)) :
		    fx_cert(leaf_key, fx_leaves[i].cn, ca, ca_key,
		    &fx_leaves[i], (long)(100 + i));
		if (cert == NULL)
			goto out;
		if (fx_write(fx_leaves[i].name, cert, leaf_key) == -1) {
			X509_free(cert);
			goto out;
		}
		X509_free(cert);
	}
	for (i = 0; i < FX_NCRLS; i++)
		if (fx_write_crl(&fx_crls[i], fx_crls[i].untrusted ? other : ca,
		    fx_crls[i].untrusted ? other_key : ca_key) == -1)
			goto out;
	if (fx_write_both(ca, other) == -1)
		goto out;
	rc = 0;
out:
	X509_free(ca);
	X509_free(other);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(leaf_key);
	return rc;
}

/* Removes the fixture's files and directory. */
static inline void
fx_remove(void)
{
	size_t i;

	for (i = 0; i < FX_NLEAVES; i++) {
		unlink(fx_path(fx_leaves[i].name, "pem"));
		unlink(fx_path(fx_leaves[i].name, "key"));
	}
	for (i = 0; i < FX_NCRLS; i++)
		unlink(fx_path(fx_crls[i].name, "pem"));
	unlink(fx_path("ca", "pem"));
	unlink(fx_path("other-ca", "pem"));
	unlink(fx_path("both-ca", "pem"));
	rmdir(fx_dir);
}

/* Loads leaf NAME's certificate; the caller frees it. */
static inline X509 *
fx_load(const char *name)
{
	X509 *cert;
	FILE *f;

	f = fopen(fx_path(name, "pem"), "r");
	if (f == NULL)
		return NULL;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return cert;
}

/* Loads CRL NAME into a new stack (the caller frees it with
 * sk_X509_CRL_pop_free(s, X509_CRL_free)); NULL on failure. */
static inline STACK_OF(X509_CRL) *
fx_load_crl(const char *name)
{
	STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
	X509_CRL *crl = NULL;
	FILE *f;

	f = fopen(fx_path(name, "pem"), "r");
	if (f != NULL) {
		crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (crls == NULL || crl == NULL || sk_X509_CRL_push(crls, crl) == 0) {
		X509_CRL_free(crl);
		sk_X509_CRL_free(crls);
		return NULL;
	}
	return crls;
}

/* A tls_cert_spec for leaf NAME claiming DOMAIN. */
static inline struct tls_cert_spec
fx_spec(const char *domain, const char *name)
{
	struct tls_cert_spec s;
	static char files[16][128];
	static unsigned next;
	char *cert = files[next++ % 16];
	char *key = files[next++ % 16];

	snprintf(cert, sizeof(files[0]), "%s/%s.pem", fx_dir, name);
	snprintf(key, sizeof(files[0]), "%s/%s.key", fx_dir, name);
	s.domain = domain;
	s.cert_file = cert;
	s.key_file = key;
	return s;
}

#endif
