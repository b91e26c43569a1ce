/*
 * The tables of TLS names (see tlsname.h). Allowed are TLS 1.2 and 1.3;
 * TLS 1.3 suites with a full-length tag; TLS 1.2 ciphers with forward
 * secrecy (ECDHE or DHE) and an AEAD (AES-GCM, AES-CCM, ChaCha20-Poly1305);
 * groups of at least 128-bit strength. A refused name that looks like a
 * cipher suite is judged part by part ("RC4", "CBC", ...), so that the
 * message says what is wrong with it rather than only that it is unknown.
 */
#include <string.h>
#include <strings.h>

#include "tlsname.h"

/* An allowed name: the canonical spelling, then up to two others. */
struct tlsname_entry {
	const char *name;
	const char *alias[2];
};

struct tlsname_list {
	const struct tlsname_entry *entries;
	size_t n;
	size_t ndefault;	/* the first NDEFAULT are the defaults */
	const char *what;
	const char *allowed;	/* for an unknown name */
};

static const struct tlsname_entry tlsname_versions[] = {
	{ "1.2", { NULL, NULL } },
	{ "1.3", { NULL, NULL } },
};

static const struct tlsname_entry tlsname_suites[] = {
	{ "TLS_AES_256_GCM_SHA384", { NULL, NULL } },
	{ "TLS_CHACHA20_POLY1305_SHA256", { NULL, NULL } },
	{ "TLS_AES_128_GCM_SHA256", { NULL, NULL } },
	{ "TLS_AES_128_CCM_SHA256", { NULL, NULL } },
};

/* OpenSSL's names first, IANA's as the alias. */
static const struct tlsname_entry tlsname_ciphers[] = {
	{ "ECDHE-ECDSA-AES256-GCM-SHA384",
	    { "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", NULL } },
	{ "ECDHE-RSA-AES256-GCM-SHA384",
	    { "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", NULL } },
	{ "ECDHE-ECDSA-CHACHA20-POLY1305",
	    { "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", NULL } },
	{ "ECDHE-RSA-CHACHA20-POLY1305",
	    { "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", NULL } },
	{ "ECDHE-ECDSA-AES128-GCM-SHA256",
	    { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", NULL } },
	{ "ECDHE-RSA-AES128-GCM-SHA256",
	    { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", NULL } },
	{ "ECDHE-ECDSA-AES256-CCM",
	    { "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", NULL } },
	{ "ECDHE-ECDSA-AES128-CCM",
	    { "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", NULL } },
	{ "DHE-RSA-AES256-GCM-SHA384",
	    { "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", NULL } },
	{ "DHE-RSA-CHACHA20-POLY1305",
	    { "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", NULL } },
	{ "DHE-RSA-AES128-GCM-SHA256",
	    { "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", NULL } },
	{ "DHE-RSA-AES256-CCM", { "TLS_DHE_RSA_WITH_AES_256_CCM", NULL } },
	{ "DHE-RSA-AES128-CCM", { "TLS_DHE_RSA_WITH_AES_128_CCM", NULL } },
};

/* The names OpenSSL takes; the NIST curves also by their SEC names. */
static const struct tlsname_entry tlsname_groups[] = {
	{ "X25519", { NULL, NULL } },
	{ "P-256", { "secp256r1", "prime256v1" } },
	{ "P-384", { "secp384r1", NULL } },
	{ "X448", { NULL, NULL } },
	{ "P-521", { "secp521r1", NULL } },
	{ "ffdhe2048", { NULL, NULL } },
	{ "ffdhe3072", { NULL, NULL } },
	{ "ffdhe4096", { NULL, NULL } },
	{ "ffdhe6144", { NULL, NULL } },
	{ "ffdhe8192", { NULL, NULL } },
};

#define TLSNAME_N(a) (sizeof(a) / sizeof((a)[0]))

static const struct tlsname_list tlsname_lists[TLS_KEY_LISTS] = {
	[TLS_KEY_VERSIONS] = { tlsname_versions, TLSNAME_N(tlsname_versions),
	    2, "TLS version", "allowed are 1.2 and 1.3" },
	[TLS_KEY_CIPHERSUITES] = { tlsname_suites, TLSNAME_N(tlsname_suites),
	    3, "TLS 1.3 suite", "allowed are TLS_AES_256_GCM_SHA384, "
	    "TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_GCM_SHA256 and "
	    "TLS_AES_128_CCM_SHA256" },
	[TLS_KEY_CIPHERS] = { tlsname_ciphers, TLSNAME_N(tlsname_ciphers), 6,
	    "TLS 1.2 cipher", "allowed are ECDHE or DHE key exchange with "
	    "AES-GCM, AES-CCM or ChaCha20-Poly1305, see xedge.policy(5)" },
	[TLS_KEY_GROUPS] = { tlsname_groups, TLSNAME_N(tlsname_groups), 3,
	    "group", "allowed are X25519, P-256, P-384, X448, P-521 and "
	    "ffdhe2048 to ffdhe8192" },
};

/* Parts that make a cipher suite weak, most serious first. */
static const struct {
	const char *part;
	int prefix;		/* a part that starts with PART counts */
	const char *why;
} tlsname_weak_parts[] = {
	{ "NULL", 0, "it does not encrypt" },
	{ "ENULL", 0, "it does not encrypt" },
	{ "EXP", 1, "it is export grade" },
	{ "ADH", 0, "anonymous key exchange authenticates nobody" },
	{ "AECDH", 0, "anonymous key exchange authenticates nobody" },
	{ "ANON", 0, "anonymous key exchange authenticates nobody" },
	{ "RC4", 0, "RC4 is broken" },
	{ "RC2", 0, "RC2 is broken" },
	{ "DES", 1, "DES and 3DES have 64-bit blocks" },
	{ "3DES", 0, "DES and 3DES have 64-bit blocks" },
	{ "MD5", 0, "MD5 is broken" },
	{ "CCM8", 0, "its 8-byte tag is too short" },
	{ "CBC", 1, "CBC mode is open to padding oracles" },
};

/* Parts that name a block or stream cipher, and those that name an AEAD
 * mode of one. */
static const char *const tlsname_bulk[] = {
	"AES", "CAMELLIA", "ARIA", "SEED", "IDEA", "CHACHA20"
};
static const char *const tlsname_aead[] = {
	"GCM", "CCM", "POLY1305"
};

/* Groups below 128-bit strength, by prefix, and binary curves. */
static const char *const tlsname_weak_groups[] = {
	"secp160", "secp192", "secp224", "prime192", "prime239", "P-192",
	"P-224"
};

/*
 * Whether NAME has PART among its parts, the runs between '-' and '_'
 * (case ignored); with PREFIX, a part that starts with PART counts.
 */
static int
tlsname_has(const char *name, const char *part, int prefix)
{
	size_t len = strlen(part), n;

	for (;;) {
		n = strcspn(name, "-_");
		if ((n == len || (prefix && n > len)) &&
		    strncasecmp(name, part, len) == 0)
			return 1;
		if (name[n] == '\0')
			return 0;
		name += n + 1;
	}
}

/* Whether NAME has one of the N parts in PARTS, each as a prefix. */
static int
tlsname_has_any(const char *name, const char *const *parts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tlsname_has(name, parts[i], 1))
			return 1;
	return 0;
}

/* Returns the index of NAME (case ignored) in LIST, or -1. */
static long
tlsname_find(const struct tlsname_list *list, const char *name)
{
	const struct tlsname_entry *e;
	size_t i, a;

	for (i = 0; i < list->n; i++) {
		e = &list->entries[i];
		if (strcasecmp(e->name, name) == 0)
			return (long)i;
		for (a = 0; a < 2; a++)
			if (e->alias[a] != NULL &&
			    strcasecmp(e->alias[a], name) == 0)
				return (long)i;
	}
	return -1;
}

/*
 * Why cipher suite NAME is weak, or NULL if no part of it says so. A
 * suite with a bulk cipher but no AEAD mode is CBC, even where its
 * OpenSSL name does not say "CBC" ("ECDHE-RSA-AES128-SHA"); a TLS 1.2 one
 * (not TLS13) with a bulk cipher but no ECDHE or DHE key exchange has no
 * forward secrecy.
 */
static const char *
tlsname_suite_weakness(const char *name, int tls13)
{
	size_t i;

	/* IANA writes the 8-byte tag apart: "..._CCM_8". */
	if (strcasestr(name, "CCM_8") != NULL)
		return "its 8-byte tag is too short";
	for (i = 0; i < TLSNAME_N(tlsname_weak_parts); i++)
		if (tlsname_has(name, tlsname_weak_parts[i].part,
		    tlsname_weak_parts[i].prefix))
			return tlsname_weak_parts[i].why;
	if (!tlsname_has_any(name, tlsname_bulk, TLSNAME_N(tlsname_bulk)))
		return NULL;
	if (!tlsname_has_any(name, tlsname_aead, TLSNAME_N(tlsname_aead)))
		return "CBC mode is open to padding oracles";
	if (!tls13 && !tlsname_has(name, "ECDHE", 0) &&
	    !tlsname_has(name, "DHE", 0) && !tlsname_has(name, "EDH", 0))
		return "it has no forward secrecy (no ECDHE or DHE key "
		    "exchange)";
	return NULL;
}

/* Why group NAME is weak, or NULL. */
static const char *
tlsname_group_weakness(const char *name)
{
	size_t i;

	if (strncasecmp(name, "sect", 4) == 0)
		return "binary curves are deprecated (RFC 8422)";
	for (i = 0; i < TLSNAME_N(tlsname_weak_groups); i++)
		if (strncasecmp(name, tlsname_weak_groups[i],
		    strlen(tlsname_weak_groups[i])) == 0)
			return "it is weaker than 128 bits";
	return NULL;
}

enum tlsname_verdict
tlsname_judge(enum ast_tls_key key, const char *name, const char **canon,
    const char **why)
{
	const struct tlsname_list *list = &tlsname_lists[key];
	enum ast_tls_key other;
	long i;

	if ((i = tlsname_find(list, name)) >= 0) {
		*canon = list->entries[i].name;
		return TLSNAME_OK;
	}
	*why = NULL;
	switch (key) {
	case TLS_KEY_VERSIONS:
		if (strcmp(name, "1.0") == 0 || strcmp(name, "1.1") == 0)
			*why = "it is deprecated (RFC 8996)";
		break;
	case TLS_KEY_CIPHERSUITES:
	case TLS_KEY_CIPHERS:
		other = key == TLS_KEY_CIPHERS ? TLS_KEY_CIPHERSUITES :
		    TLS_KEY_CIPHERS;
		if (tlsname_find(&tlsname_lists[other], name) >= 0) {
			*canon = tlsname_lists[other].what;
			*why = ast_tls_key_name(other);
			return TLSNAME_MISPLACED;
		}
		*why = tlsname_suite_weakness(name,
		    key == TLS_KEY_CIPHERSUITES);
		break;
	default:
		*why = tlsname_group_weakness(name);
		break;
	}
	if (*why != NULL)
		return TLSNAME_WEAK;
	*why = list->allowed;
	return TLSNAME_UNKNOWN;
}

const char *
tlsname_canon(enum ast_tls_key key, const char *name)
{
	const char *canon, *why;

	return tlsname_judge(key, name, &canon, &why) == TLSNAME_OK ? canon :
	    NULL;
}

const char *
tlsname_what(enum ast_tls_key key)
{
	return tlsname_lists[key].what;
}

const char *
tlsname_default(enum ast_tls_key key, size_t i)
{
	const struct tlsname_list *list = &tlsname_lists[key];

	return i < list->ndefault ? list->entries[i].name : NULL;
}
