/*
 * Server Dialback keys and elements. Keys follow XEP-0185: HMAC-SHA256
 * keyed with the hex SHA-256 of a secret drawn at start, over "receiving
 * originating id", so that the guard can check a key it issued without
 * remembering it. The MAC is fed piece by piece: however long the fields a
 * peer sends, no buffer of ours bounds them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "dialback.h"
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
dialback_key(const unsigned char secret[DIALBACK_SECRET_LEN],
    const char *receiving, const char *originating, const char *id,
    char *out)
{
	unsigned char digest[SHA256_DIGEST_LENGTH], mac[SHA256_DIGEST_LENGTH];
	char hexkey[2 * SHA256_DIGEST_LENGTH + 1];
	char digest_name[] = "SHA256";
	OSSL_PARAM params[2];
	EVP_MAC *hmac;
	EVP_MAC_CTX *ctx;
	size_t maclen = 0;
	int ok;

	SHA256(secret, DIALBACK_SECRET_LEN, digest);
	dialback_hex(digest, sizeof(digest), hexkey);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest_name, 0);
	params[1] = OSSL_PARAM_construct_end();
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ctx = hmac != NULL ? EVP_MAC_CTX_new(hmac) : NULL;
	ok = ctx != NULL &&
	    EVP_MAC_init(ctx, (const unsigned char *)hexkey, strlen(hexkey),
	    params) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)receiving,
	    strlen(receiving)) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)" ", 1) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)originating,
	    strlen(originating)) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)" ", 1) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)id, strlen(id)) == 1 &&
	    EVP_MAC_final(ctx, mac, &maclen, sizeof(mac)) == 1;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(hmac);
	/* Only a broken crypto library fails here; no key is better than a
	 * wrong one. */
	XEDGE_ASSERT(ok && maclen == sizeof(mac));
	dialback_hex(mac, maclen, out);
}

int
dialback_key_valid(const unsigned char secret[DIALBACK_SECRET_LEN],
    const char *receiving, const char *originating, const char *id,
    const char *key)
{
	char expect[DIALBACK_KEY_LEN + 1];

	if (strlen(key) != DIALBACK_KEY_LEN)
		return 0;
	dialback_key(secret, receiving, originating, id, expect);
	return CRYPTO_memcmp(expect, key, DIALBACK_KEY_LEN) == 0;
}

int
dialback_secret_read(const char *path,
    unsigned char secret[DIALBACK_SECRET_LEN], const char **why)
{
	unsigned char buf[DIALBACK_SECRET_FILE_MAX + 1];
	FILE *f;
	size_t n;
	int err;

	if ((f = fopen(path, "r")) == NULL) {
		*why = strerror(errno);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	err = ferror(f);
	fclose(f);
	if (err) {
		*why = "read error";
		return -1;
	}
	if (n < DIALBACK_SECRET_FILE_MIN || n > DIALBACK_SECRET_FILE_MAX) {
		*why = "the file must hold 32 to 4096 bytes";
		OPENSSL_cleanse(buf, sizeof(buf));
		return -1;
	}
	SHA256(buf, n, secret);
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
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

	return n > 0 && n <= DIALBACK_KEY_MAX && key[n] == '\0';
}

/* Canonicalizes attribute NAME of E into OUT; -1 when absent or invalid. */
static int
dialback_domain(const struct stanza_node *e, const char *name, char *out)
{
	const char *v = stanza_attr(e, "", name);

	return v != NULL && jid_canon_domain(v, strlen(v), out) >= 0 ? 0 : -1;
}

enum dialback_fault
dialback_parse(const struct stanza_node *e, struct dialback_msg *m)
{
	*m = (struct dialback_msg){ .key = "" };
	if (strcmp(e->name, "result") == 0)
		m->kind = DIALBACK_RESULT;
	else if (strcmp(e->name, "verify") == 0)
		m->kind = DIALBACK_VERIFY;
	else
		return DIALBACK_UNKNOWN;
	if (dialback_domain(e, "from", m->from) == -1 ||
	    dialback_domain(e, "to", m->to) == -1)
		return DIALBACK_BAD_ADDRESS;
	m->type = stanza_attr(e, "", "type");
	if (m->kind == DIALBACK_VERIFY) {
		m->id = stanza_attr(e, "", "id");
		if (m->id == NULL || m->id[0] == '\0' ||
		    strlen(m->id) > DIALBACK_ID_MAX)
			return DIALBACK_BAD_ID;
	}
	if (m->type != NULL)
		return DIALBACK_OK;
	m->key = dialback_text(e);
	return dialback_key_ok(m->key) ? DIALBACK_OK : DIALBACK_BAD_KEY;
}

const char *
dialback_fault_text(enum dialback_fault fault)
{
	switch (fault) {
	case DIALBACK_OK:
		return "ok";
	case DIALBACK_UNKNOWN:
		return "unknown dialback element";
	case DIALBACK_BAD_ADDRESS:
		return "dialback without valid 'from' and 'to'";
	case DIALBACK_BAD_ID:
		return "db:verify without an 'id' of at most 255 bytes";
	case DIALBACK_BAD_KEY:
		return "dialback key empty, malformed or over 128 bytes";
	}
	return "?";
}
