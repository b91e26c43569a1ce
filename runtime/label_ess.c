/*
 * ESSSecurityLabel decoding (see label_ess.h): strict base64, then the
 * label's components.
 *
 * ESSSecurityLabel is a SET: BER allows its components in any order and
 * DER sorts them by tag (the classification, an INTEGER, before the
 * policy's OBJECT IDENTIFIER), which a SEQUENCE template cannot read. It
 * is read as a SET OF ANY, each component then told by its universal tag,
 * which the four component types have distinct: OBJECT IDENTIFIER (the
 * policy), INTEGER (the classification), PrintableString or UTF8String
 * (the privacy mark, a CHOICE of the two), SET (the categories, decoded
 * in label_ess_cat.c).
 */
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "label_ess.h"
#include "label_ess_int.h"

ASN1_ITEM_TEMPLATE(ESS_LABEL_SET) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SET_OF, 0, ESSSecurityLabel, ASN1_ANY)
ASN1_ITEM_TEMPLATE_END(ESS_LABEL_SET)

int
ess_oid_text(const ASN1_OBJECT *o, char *out)
{
	int n = OBJ_obj2txt(out, ESS_OID_MAX, o, 1);

	return n > 0 && n < ESS_OID_MAX ? 0 : -1;
}

/* Whether C is whitespace base64 text may hold. */
static int
ess_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether C is of the base64 alphabet (RFC 4648, section 4). */
static int
ess_base64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/*
 * Decodes base64 TEXT (LEN bytes) into OUT (room for 3 * LEN / 4): the
 * alphabet, whitespace anywhere, and at most two '=' that end it, in
 * groups of four. Returns the length decoded, or -1.
 */
static int
ess_unbase64(const char *text, size_t len, unsigned char *out)
{
	char packed[ESS_TEXT_MAX];
	size_t i, n = 0, pad = 0;
	int got;

	if (len > ESS_TEXT_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if (ess_space(text[i]))
			continue;
		if (text[i] == '=')
			pad++;
		else if (!ess_base64(text[i]) || pad > 0)
			return -1;
		packed[n++] = text[i];
	}
	if (n == 0 || n % 4 != 0 || pad > 2)
		return -1;
	got = EVP_DecodeBlock(out, (const unsigned char *)packed, (int)n);
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	return got < 0 ? -1 : got - (int)pad;
}

/* Takes component T of the label into L. Returns 0, or -1 with *WHY. */
static int
ess_component(const ASN1_TYPE *t, struct ess_label *l, int *seen,
    const char **why)
{
	const ASN1_STRING *s;
	int64_t v;
	int bit;

	switch (t->type) {
	case V_ASN1_OBJECT:
		bit = 1;
		break;
	case V_ASN1_INTEGER:
		bit = 2;
		break;
	case V_ASN1_PRINTABLESTRING:
	case V_ASN1_UTF8STRING:
		bit = 4;
		break;
	case V_ASN1_SET:
		bit = 8;
		break;
	default:
		*why = "a component of an unknown type";
		return -1;
	}
	if (*seen & bit) {
		*why = "a component twice";
		return -1;
	}
	*seen |= bit;
	switch (t->type) {
	case V_ASN1_OBJECT:
		if (ess_oid_text(t->value.object, l->policy) == -1) {
			*why = "a policy identifier too long";
			return -1;
		}
		return 0;
	case V_ASN1_INTEGER:
		if (ASN1_INTEGER_get_int64(&v, t->value.integer) != 1 ||
		    v < 0 || v > ESS_CLASSIFICATION_MAX) {
			*why = "a classification out of range";
			return -1;
		}
		l->classification = (int)v;
		return 0;
	case V_ASN1_SET:
		return ess_categories(t->value.set->data,
		    (size_t)t->value.set->length, l, why);
	default:
		s = t->type == V_ASN1_UTF8STRING ? t->value.utf8string :
		    t->value.printablestring;
		if (s->length < 1 || s->length > ESS_PRIVACY_MAX ||
		    memchr(s->data, '\0', (size_t)s->length) != NULL) {
			*why = "a privacy mark out of range";
			return -1;
		}
		memcpy(l->privacy, s->data, (size_t)s->length);
		l->privacy[s->length] = '\0';
		l->has_privacy = 1;
		l->privacy_utf8 = t->type == V_ASN1_UTF8STRING;
		return 0;
	}
}

int
ess_label_decode(const char *text, size_t len, struct ess_label *l,
    const char **why)
{
	unsigned char der[ESS_TEXT_MAX / 4 * 3];
	const unsigned char *p = der;
	STACK_OF(ASN1_TYPE) *set;
	int n, i, seen = 0, rc = 0;

	memset(l, 0, sizeof(*l));
	l->classification = -1;
	if ((n = ess_unbase64(text, len, der)) <= 0) {
		*why = "malformed base64";
		return -1;
	}
	set = (STACK_OF(ASN1_TYPE) *)ASN1_item_d2i(NULL, &p, n,
	    ASN1_ITEM_rptr(ESS_LABEL_SET));
	if (set == NULL) {
		*why = "not an ESSSecurityLabel";
		return -1;
	}
	if (p != der + n) {
		*why = "bytes after the label";
		rc = -1;
	}
	for (i = 0; rc == 0 && i < sk_ASN1_TYPE_num(set); i++)
		rc = ess_component(sk_ASN1_TYPE_value(set, i), l, &seen, why);
	if (rc == 0 && !(seen & 1)) {
		*why = "no policy identifier";
		rc = -1;
	}
	sk_ASN1_TYPE_pop_free(set, ASN1_TYPE_free);
	ERR_clear_error();
	return rc;
}
