/*
 * ESS security labels (RFC 2634, section 5.3) as XEP-0258 carries them:
 * the base64 text of <esssecuritylabel xmlns='urn:xmpp:sec-label:ess:0'>,
 * a BER or DER ESSSecurityLabel. ess_label_decode() reads it with
 * OpenSSL's ASN.1 templates (label_ess_asn1.c) into a plain form, which
 * the label stage maps through the tables xedgec built from the policy:
 * the runtime never interprets an OID or a value by itself.
 *
 * Anything malformed makes the label invalid, and an invalid label
 * denies the stanza (fail closed): base64 that is not strictly base64
 * (whitespace aside), BER that does not decode or has bytes after it, a
 * label without a policy identifier, a component twice, a classification
 * or a privacy mark out of its range, more categories or values than
 * the bounds below, a category of a known syntax whose value does not
 * decode in it.
 */
#ifndef XEDGE_LABEL_ESS_H
#define XEDGE_LABEL_ESS_H

#include <stddef.h>
#include <stdint.h>

/* The longest OID, in dotted text with its NUL. */
#define ESS_OID_MAX 96

/* ub-security-categories (RFC 2634). */
#define ESS_CATEGORIES_MAX 64

/* The most values one category may carry (bits set, or attributes). */
#define ESS_VALUES_MAX 64

/* ub-privacy-mark-length (RFC 2634), for both of its forms, in bytes. */
#define ESS_PRIVACY_MAX 128

/* ub-integer-options (RFC 2634): the highest classification. */
#define ESS_CLASSIFICATION_MAX 256

/* The longest base64 text read, whitespace included. */
#define ESS_TEXT_MAX 16384

/* The syntax of a security category, from its type OID. */
enum ess_syntax {
	ESS_RESTRICTIVE,		/* restrictive bit map */
	ESS_ENUMERATED_RESTRICTIVE,	/* enumerated, restrictive */
	ESS_PERMISSIVE,			/* permissive bit map */
	ESS_ENUMERATED_PERMISSIVE,	/* enumerated, permissive */
	ESS_INFORMATIVE,		/* informative: never decides */
	ESS_UNKNOWN			/* a type the guard does not know */
};

/* One security category. */
struct ess_category {
	enum ess_syntax syntax;
	/* The tag set (tagName) it belongs to; for ESS_UNKNOWN, the type. */
	char tag[ESS_OID_MAX];
	/* The bits set in a bit map, or the attributes listed, ascending,
	 * each once; none for ESS_UNKNOWN. */
	uint32_t values[ESS_VALUES_MAX];
	size_t nvalues;
};

/* An ESSSecurityLabel, decoded. */
struct ess_label {
	char policy[ESS_OID_MAX];	/* security-policy-identifier */
	int classification;		/* -1: absent */
	int has_privacy;
	int privacy_utf8;		/* a UTF8String, else a PrintableString */
	char privacy[ESS_PRIVACY_MAX + 1];	/* NUL-terminated */
	struct ess_category categories[ESS_CATEGORIES_MAX];
	size_t ncategories;
};

/*
 * Decodes the base64 TEXT (LEN bytes; spaces, tabs and line ends
 * allowed anywhere) of an ESSSecurityLabel into *L. Returns 0, or -1 with
 * *WHY a static text saying what makes the label invalid. Allocates only
 * inside OpenSSL, and frees what it allocated.
 */
int ess_label_decode(const char *text, size_t len, struct ess_label *l,
    const char **why);

/*
 * Encodes L as a DER ESSSecurityLabel, in base64 without line ends, into
 * OUT (CAP bytes): its categories in the syntax each says (bit maps for
 * ESS_RESTRICTIVE and ESS_PERMISSIVE, attributes otherwise), their values
 * as decoded (ascending, each once). Returns the length written, or -1
 * when it does not fit or memory is exhausted.
 */
long ess_label_encode(const struct ess_label *l, char *out, size_t cap);

/* Orders two category values (uint32_t), for qsort(). */
int ess_value_cmp(const void *a, const void *b);

/* The syntax of category type OID (dotted text): ESS_UNKNOWN for any
 * other than the five. */
enum ess_syntax ess_syntax_of(const char *oid);

#endif
