/*
 * ESSSecurityLabel encoding (see label_ess.h), for a label the guard
 * relabels into another security policy: the components as label_ess.c
 * reads them, written as a SET OF ANY, which i2d sorts as DER wants.
 */
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "label_ess.h"
#include "label_ess_int.h"

/* Pushes T (taken) onto SET. Returns 0, or -1 (T freed). */
static int
ess_push(STACK_OF(ASN1_TYPE) *set, ASN1_TYPE *t)
{
	if (t != NULL && sk_ASN1_TYPE_push(set, t) > 0)
		return 0;
	ASN1_TYPE_free(t);
	return -1;
}

/* A component of universal TYPE holding V (taken), or NULL. */
static ASN1_TYPE *
ess_type(int type, void *v)
{
	ASN1_TYPE *t;

	if (v == NULL || (t = ASN1_TYPE_new()) == NULL)
		return NULL;
	ASN1_TYPE_set(t, type, v);
	return t;
}

/* The privacy mark of L, in the string type it came in, or NULL. */
static ASN1_TYPE *
ess_privacy(const struct ess_label *l)
{
	int type = l->privacy_utf8 ? V_ASN1_UTF8STRING :
	    V_ASN1_PRINTABLESTRING;
	ASN1_STRING *s = ASN1_STRING_type_new(type);

	if (s != NULL && ASN1_STRING_set(s, l->privacy, -1) != 1) {
		ASN1_STRING_free(s);
		s = NULL;
	}
	return ess_type(type, s);
}

/* The classification of L, or NULL. */
static ASN1_TYPE *
ess_classification(const struct ess_label *l)
{
	ASN1_INTEGER *n = ASN1_INTEGER_new();

	if (n != NULL && ASN1_INTEGER_set_int64(n, l->classification) != 1) {
		ASN1_INTEGER_free(n);
		n = NULL;
	}
	return ess_type(V_ASN1_INTEGER, n);
}

/* The components of L into SET. Returns 0 or -1. */
static int
ess_components(const struct ess_label *l, STACK_OF(ASN1_TYPE) *set)
{
	if (ess_push(set, ess_type(V_ASN1_OBJECT,
	    OBJ_txt2obj(l->policy, 1))) == -1)
		return -1;
	if (l->classification >= 0 &&
	    ess_push(set, ess_classification(l)) == -1)
		return -1;
	if (l->has_privacy && ess_push(set, ess_privacy(l)) == -1)
		return -1;
	if (l->ncategories > 0 &&
	    ess_push(set, ess_categories_encode(l)) == -1)
		return -1;
	return 0;
}

long
ess_label_encode(const struct ess_label *l, char *out, size_t cap)
{
	STACK_OF(ASN1_TYPE) *set = sk_ASN1_TYPE_new_null();
	unsigned char *der = NULL;
	long n = -1;
	int len = -1;

	if (set != NULL && ess_components(l, set) == 0)
		len = ASN1_item_i2d((ASN1_VALUE *)set, &der,
		    ASN1_ITEM_rptr(ESS_LABEL_SET));
	/* Base64 takes 4 bytes for 3, and EVP_EncodeBlock a NUL. */
	if (len > 0 && (size_t)(len + 2) / 3 * 4 < cap)
		n = EVP_EncodeBlock((unsigned char *)out, der, len);
	OPENSSL_free(der);
	sk_ASN1_TYPE_pop_free(set, ASN1_TYPE_free);
	ERR_clear_error();
	return n;
}
