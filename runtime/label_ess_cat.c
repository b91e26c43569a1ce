/*
 * The security categories of an ESS label (see label_ess.h):
 *
 *   SecurityCategories ::= SET SIZE (1..ub-security-categories) OF
 *       SecurityCategory
 *   SecurityCategory ::= SEQUENCE {
 *       type  [0] OBJECT IDENTIFIER,
 *       value [1] ANY DEFINED BY type }
 *
 * RFC 2634's module has IMPLICIT TAGS, and an open type is always tagged
 * explicitly: [0] is implicit, [1] explicit. The value's syntax follows
 * from the type (the security category syntaxes used in the field,
 * ess_syntaxes): a bit map or a list of attributes under the tag set's
 * name. A type the guard does not know is kept as ESS_UNKNOWN, undecoded:
 * the access decision denies it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/objects.h>

#include "label_ess_int.h"

typedef struct {
	ASN1_OBJECT *type;
	ASN1_TYPE *value;
} ESS_CATEGORY;

ASN1_SEQUENCE(ESS_CATEGORY) = {
	ASN1_IMP(ESS_CATEGORY, type, ASN1_OBJECT, 0),
	ASN1_EXP(ESS_CATEGORY, value, ASN1_ANY, 1)
} static_ASN1_SEQUENCE_END(ESS_CATEGORY)

DEFINE_STACK_OF(ESS_CATEGORY)

ASN1_ITEM_TEMPLATE(ESS_CATEGORIES) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SET_OF, 0, SecurityCategories,
	    ESS_CATEGORY)
static_ASN1_ITEM_TEMPLATE_END(ESS_CATEGORIES)

/*
 * The value of every syntax: the tag set's name, then a bit map
 * (RestrictiveTag, PermissiveTag), a SET OF SecurityAttribute
 * (EnumeratedTag), or either (InformativeTag's FreeFormField, an untagged
 * CHOICE of the two): read as it comes, and told by its universal tag.
 */
typedef struct {
	ASN1_OBJECT *name;
	ASN1_TYPE *field;
} ESS_TAG;

ASN1_SEQUENCE(ESS_TAG) = {
	ASN1_SIMPLE(ESS_TAG, name, ASN1_OBJECT),
	ASN1_SIMPLE(ESS_TAG, field, ASN1_ANY)
} static_ASN1_SEQUENCE_END(ESS_TAG)

/* SET OF SecurityAttribute, SecurityAttribute ::= INTEGER (0..MAX). */
ASN1_ITEM_TEMPLATE(ESS_ATTRIBUTES) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SET_OF, 0, SecurityAttributes,
	    ASN1_INTEGER)
static_ASN1_ITEM_TEMPLATE_END(ESS_ATTRIBUTES)

/* The type OIDs of the security category syntaxes. */
static const struct {
	const char *oid;
	enum ess_syntax syntax;
} ess_syntaxes[] = {
	{ "2.16.840.1.101.2.1.8.3.0", ESS_RESTRICTIVE },
	{ "2.16.840.1.101.2.1.8.3.1", ESS_ENUMERATED_PERMISSIVE },
	{ "2.16.840.1.101.2.1.8.3.2", ESS_PERMISSIVE },
	{ "2.16.840.1.101.2.1.8.3.3", ESS_INFORMATIVE },
	{ "2.16.840.1.101.2.1.8.3.4", ESS_ENUMERATED_RESTRICTIVE },
};

enum ess_syntax
ess_syntax_of(const char *oid)
{
	size_t i;

	for (i = 0; i < sizeof(ess_syntaxes) / sizeof(ess_syntaxes[0]); i++)
		if (strcmp(oid, ess_syntaxes[i].oid) == 0)
			return ess_syntaxes[i].syntax;
	return ESS_UNKNOWN;
}

int
ess_value_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Whether syntax S is written as a bit map: the bit map tags, and an
 * informative tag's FreeFormField in one of its two forms. */
static int
ess_takes_bits(enum ess_syntax s)
{
	return s == ESS_RESTRICTIVE || s == ESS_PERMISSIVE ||
	    s == ESS_INFORMATIVE;
}

/* Whether syntax S is written as a SET OF SecurityAttribute. */
static int
ess_takes_attributes(enum ess_syntax s)
{
	return s == ESS_ENUMERATED_RESTRICTIVE ||
	    s == ESS_ENUMERATED_PERMISSIVE || s == ESS_INFORMATIVE;
}

/* Adds value V to category C. Returns 0, or -1 when it holds too many. */
static int
ess_value(struct ess_category *c, uint32_t v)
{
	if (c->nvalues == ESS_VALUES_MAX)
		return -1;
	c->values[c->nvalues++] = v;
	return 0;
}

/* The bits set in bit map B, into C. Returns 0 or -1. */
static int
ess_bits(const ASN1_BIT_STRING *b, struct ess_category *c)
{
	int i, bit;

	for (i = 0; i < b->length; i++)
		for (bit = 0; bit < 8; bit++)
			if ((b->data[i] & (0x80 >> bit)) != 0 &&
			    ess_value(c, (uint32_t)(i * 8 + bit)) == -1)
				return -1;
	return 0;
}

/* The attributes of the SET OF SecurityAttribute S (its whole DER), into
 * C, sorted, each once. Returns 0 or -1. */
static int
ess_attributes(const ASN1_STRING *s, struct ess_category *c)
{
	const unsigned char *p = s->data;
	STACK_OF(ASN1_INTEGER) *v;
	uint64_t x;
	size_t i;
	int k, rc = 0;

	v = (STACK_OF(ASN1_INTEGER) *)ASN1_item_d2i(NULL, &p, s->length,
	    ASN1_ITEM_rptr(ESS_ATTRIBUTES));
	if (v == NULL || p != s->data + s->length)
		rc = -1;
	for (k = 0; rc == 0 && k < sk_ASN1_INTEGER_num(v); k++)
		if (ASN1_INTEGER_get_uint64(&x, sk_ASN1_INTEGER_value(v, k)) !=
		    1 || x > UINT32_MAX || ess_value(c, (uint32_t)x) == -1)
			rc = -1;
	sk_ASN1_INTEGER_pop_free(v, ASN1_INTEGER_free);
	if (rc == -1)
		return -1;
	qsort(c->values, c->nvalues, sizeof(c->values[0]), ess_value_cmp);
	for (i = 1; i < c->nvalues; i++)
		if (c->values[i] == c->values[i - 1])
			return -1;
	return 0;
}

/* Decodes VALUE, of category C's syntax, into C. Returns 0 or -1. */
static int
ess_value_of(const ASN1_TYPE *value, struct ess_category *c)
{
	const unsigned char *p;
	const ASN1_STRING *s;
	ESS_TAG *tag;
	int rc = -1, type;

	if (value->type != V_ASN1_SEQUENCE)
		return -1;
	s = value->value.sequence;
	p = s->data;
	tag = (ESS_TAG *)ASN1_item_d2i(NULL, &p, s->length,
	    ASN1_ITEM_rptr(ESS_TAG));
	if (tag == NULL)
		return -1;
	type = tag->field->type;
	if (p != s->data + s->length || ess_oid_text(tag->name, c->tag) == -1)
		rc = -1;
	else if (type == V_ASN1_BIT_STRING && ess_takes_bits(c->syntax))
		rc = ess_bits(tag->field->value.bit_string, c);
	else if (type == V_ASN1_SET && ess_takes_attributes(c->syntax))
		rc = ess_attributes(tag->field->value.set, c);
	ASN1_item_free((ASN1_VALUE *)tag, ASN1_ITEM_rptr(ESS_TAG));
	return rc;
}

int
ess_categories(const unsigned char *der, size_t len, struct ess_label *l,
    const char **why)
{
	const unsigned char *p = der;
	STACK_OF(ESS_CATEGORY) *set;
	const ESS_CATEGORY *e;
	struct ess_category *c;
	int i, rc = 0;

	set = (STACK_OF(ESS_CATEGORY) *)ASN1_item_d2i(NULL, &p, (long)len,
	    ASN1_ITEM_rptr(ESS_CATEGORIES));
	if (set == NULL || p != der + len || sk_ESS_CATEGORY_num(set) < 1 ||
	    sk_ESS_CATEGORY_num(set) > ESS_CATEGORIES_MAX) {
		*why = "malformed security categories";
		rc = -1;
	}
	for (i = 0; rc == 0 && i < sk_ESS_CATEGORY_num(set); i++) {
		e = sk_ESS_CATEGORY_value(set, i);
		c = &l->categories[l->ncategories++];
		if (ess_oid_text(e->type, c->tag) == -1) {
			*why = "a category type too long";
			rc = -1;
		} else if ((c->syntax = ess_syntax_of(c->tag)) != ESS_UNKNOWN &&
		    ess_value_of(e->value, c) == -1) {
			*why = "a security category that does not decode "
			    "in its syntax";
			rc = -1;
		}
	}
	if (set != NULL)
		ASN1_item_free((ASN1_VALUE *)set, ASN1_ITEM_rptr(ESS_CATEGORIES));
	return rc;
}

/* The DER of item IT (its value V) as an ASN1_TYPE of universal TYPE
 * (a SEQUENCE or a SET, which ASN1_TYPE holds whole). Returns NULL when
 * memory is exhausted. */
static ASN1_TYPE *
ess_der_type(const ASN1_VALUE *v, const ASN1_ITEM *it, int type)
{
	unsigned char *der = NULL;
	ASN1_STRING *s = NULL;
	ASN1_TYPE *t = NULL;
	int n = ASN1_item_i2d(v, &der, it);

	if (n > 0 && (s = ASN1_STRING_type_new(type)) != NULL &&
	    ASN1_STRING_set(s, der, n) == 1 && (t = ASN1_TYPE_new()) != NULL)
		ASN1_TYPE_set(t, type, s);
	else
		ASN1_STRING_free(s);
	OPENSSL_free(der);
	return t;
}

/* C's values as a bit map, or NULL. */
static ASN1_TYPE *
ess_bits_type(const struct ess_category *c)
{
	ASN1_BIT_STRING *b = ASN1_BIT_STRING_new();
	ASN1_TYPE *t = ASN1_TYPE_new();
	size_t i;

	for (i = 0; b != NULL && i < c->nvalues; i++)
		if (c->values[i] > INT_MAX - 8 ||
		    ASN1_BIT_STRING_set_bit(b, (int)c->values[i], 1) != 1) {
			ASN1_BIT_STRING_free(b);
			b = NULL;
		}
	if (b == NULL || t == NULL) {
		ASN1_BIT_STRING_free(b);
		ASN1_TYPE_free(t);
		return NULL;
	}
	ASN1_TYPE_set(t, V_ASN1_BIT_STRING, b);
	return t;
}

/* C's values as a SET OF SecurityAttribute, or NULL. */
static ASN1_TYPE *
ess_attributes_type(const struct ess_category *c)
{
	STACK_OF(ASN1_INTEGER) *v = sk_ASN1_INTEGER_new_null();
	ASN1_INTEGER *n;
	ASN1_TYPE *t = NULL;
	size_t i;
	int ok = v != NULL;

	for (i = 0; ok && i < c->nvalues; i++) {
		n = ASN1_INTEGER_new();
		ok = n != NULL && ASN1_INTEGER_set_uint64(n, c->values[i]) ==
		    1 && sk_ASN1_INTEGER_push(v, n) > 0;
		if (!ok)
			ASN1_INTEGER_free(n);
	}
	if (ok)
		t = ess_der_type((ASN1_VALUE *)v, ASN1_ITEM_rptr(ESS_ATTRIBUTES),
		    V_ASN1_SET);
	sk_ASN1_INTEGER_pop_free(v, ASN1_INTEGER_free);
	return t;
}

/* The type OID of syntax S (never ESS_UNKNOWN). */
static const char *
ess_syntax_oid(enum ess_syntax s)
{
	size_t i;

	for (i = 0; ess_syntaxes[i].syntax != s; i++)
		;
	return ess_syntaxes[i].oid;
}

/* Category C as a SecurityCategory, or NULL. */
static ESS_CATEGORY *
ess_category_new(const struct ess_category *c)
{
	ESS_CATEGORY *e = (ESS_CATEGORY *)ASN1_item_new(
	    ASN1_ITEM_rptr(ESS_CATEGORY));
	ESS_TAG *tag = (ESS_TAG *)ASN1_item_new(ASN1_ITEM_rptr(ESS_TAG));
	int ok = e != NULL && tag != NULL && c->syntax != ESS_UNKNOWN;

	if (ok) {
		ASN1_OBJECT_free(tag->name);
		ASN1_TYPE_free(tag->field);
		tag->name = OBJ_txt2obj(c->tag, 1);
		tag->field = c->syntax == ESS_RESTRICTIVE ||
		    c->syntax == ESS_PERMISSIVE ? ess_bits_type(c) :
		    ess_attributes_type(c);
		ASN1_OBJECT_free(e->type);
		ASN1_TYPE_free(e->value);
		e->type = OBJ_txt2obj(ess_syntax_oid(c->syntax), 1);
		e->value = tag->name != NULL && tag->field != NULL ?
		    ess_der_type((ASN1_VALUE *)tag, ASN1_ITEM_rptr(ESS_TAG),
		    V_ASN1_SEQUENCE) : NULL;
		ok = e->type != NULL && e->value != NULL;
	}
	ASN1_item_free((ASN1_VALUE *)tag, ASN1_ITEM_rptr(ESS_TAG));
	if (!ok) {
		ASN1_item_free((ASN1_VALUE *)e, ASN1_ITEM_rptr(ESS_CATEGORY));
		return NULL;
	}
	return e;
}

static void
ess_category_free(ESS_CATEGORY *e)
{
	ASN1_item_free((ASN1_VALUE *)e, ASN1_ITEM_rptr(ESS_CATEGORY));
}

ASN1_TYPE *
ess_categories_encode(const struct ess_label *l)
{
	STACK_OF(ESS_CATEGORY) *set = sk_ESS_CATEGORY_new_null();
	ESS_CATEGORY *e;
	ASN1_TYPE *t = NULL;
	size_t i;
	int ok = set != NULL;

	for (i = 0; ok && i < l->ncategories; i++) {
		e = ess_category_new(&l->categories[i]);
		ok = e != NULL && sk_ESS_CATEGORY_push(set, e) > 0;
		if (!ok && e != NULL)
			ess_category_free(e);
	}
	/* i2d of a SET OF sorts its members, as DER wants. */
	if (ok)
		t = ess_der_type((ASN1_VALUE *)set,
		    ASN1_ITEM_rptr(ESS_CATEGORIES), V_ASN1_SET);
	sk_ESS_CATEGORY_pop_free(set, ess_category_free);
	return t;
}
