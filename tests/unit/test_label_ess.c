/*
 * Unit tests for runtime/label_ess.c and label_ess_cat.c: ESS security
 * labels from XEP-0258's examples, DER as OpenSSL writes it, BER as a
 * sender may write it (components in any order, indefinite lengths), the
 * five security category syntaxes and an unknown one, and every way a
 * label is invalid.
 *
 * The labels "MQYCAQQGASk=" and "MRUCAgD9DA9BcXVhIChvYnNvbGV0ZSk=" are
 * from the examples of XEP-0258 (Security Labels in XMPP, version 1.1),
 * published by the XMPP Standards Foundation under its IPR policy, which
 * lets anyone use the specification's text and examples.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "label_fixture.h"

static struct ess_label label;

/* Decodes base64 TEXT; returns what ess_label_decode() does, and checks
 * that an invalid label says why. */
static int
decode(const char *text)
{
	const char *why = NULL;
	int rc = ess_label_decode(text, strlen(text), &label, &why);

	if (rc != 0)
		assert_non_null(why);
	return rc;
}

/* Decodes the N bytes DER; returns what ess_label_decode() does. */
static int
decode_der(const unsigned char *der, size_t n)
{
	const char *why;

	return fixture_ess_der(der, n, &label, &why);
}

/* Expects decoding the N bytes DER to fail, saying WHY. */
static void
expect_invalid_der(const unsigned char *der, size_t n, const char *why)
{
	const char *got;

	assert_int_equal(fixture_ess_der(der, n, &label, &got), -1);
	assert_string_equal(got, why);
}

static void
test_xep_examples(void **state)
{
	(void)state;
	/* SET { INTEGER 4, OID 1.1 }: secret, in DER's order. */
	assert_int_equal(decode("MQYCAQQGASk="), 0);
	assert_string_equal(label.policy, "1.1");
	assert_int_equal(label.classification, 4);
	assert_int_equal(label.has_privacy, 0);
	assert_int_equal(label.ncategories, 0);
	/* As the XEP writes it inside the element: with line ends and
	 * indentation. */
	assert_int_equal(decode("\n            MQYCAQQG\r\n\tASk=\n        "),
	    0);
	assert_int_equal(label.classification, 4);
	/* The XEP's equivalent label has no policy identifier. */
	assert_int_equal(decode("MRUCAgD9DA9BcXVhIChvYnNvbGV0ZSk="), -1);
}

static void
test_ber_orders(void **state)
{
	static const unsigned char policy_first[] = { 0x31, 0x06, 0x06, 0x01,
	    0x29, 0x02, 0x01, 0x02 };
	static const unsigned char indefinite[] = { 0x31, 0x80, 0x02, 0x01,
	    0x05, 0x06, 0x01, 0x29, 0x00, 0x00 };

	(void)state;
	assert_int_equal(decode_der(policy_first, sizeof(policy_first)), 0);
	assert_string_equal(label.policy, "1.1");
	assert_int_equal(label.classification, 2);
	assert_int_equal(decode_der(indefinite, sizeof(indefinite)), 0);
	assert_int_equal(label.classification, 5);
}

static void
test_privacy_mark(void **state)
{
	static const unsigned char printable[] = { 0x31, 0x0b, 0x06, 0x01,
	    0x29, 0x13, 0x06, 'U', 'K', ' ', 'E', 'y', 'e' };
	static const unsigned char utf8[] = { 0x31, 0x09, 0x06, 0x01, 0x29,
	    0x0c, 0x04, 0xc3, 0x9c, 'b', 'r' };

	(void)state;
	assert_int_equal(decode_der(printable, sizeof(printable)), 0);
	assert_int_equal(label.has_privacy, 1);
	assert_string_equal(label.privacy, "UK Eye");
	assert_int_equal(label.classification, -1);
	assert_int_equal(decode_der(utf8, sizeof(utf8)), 0);
	assert_string_equal(label.privacy, "\xc3\x9c" "br");
}

/*
 * A label with one category of each kind, as `openssl asn1parse -genconf`
 * writes it (DER: the SETs sorted): policy 1.2.840.1, classification 3,
 * privacy mark "Releasable"; a restrictive bit map of tag set 1.2.3.4
 * with bits 0 and 9, enumerated permissive attributes 7 and 2 of tag set
 * 1.2.3.5, an informative bit map of tag set 1.2.3.6 with bit 1, and a
 * category of type 1.2.99 whose value is a UTF8String.
 */
#define CATEGORIES "MX8CAQMGBCqGSAEMClJlbGVhc2FibGUxaDAQgAIqY6EK" \
	"DAh3aGF0ZXZlcjAZgApghkgBZQIBCAMDoQswCQYDKgMGAwIGQDAagApghkgB" \
	"ZQIBCAMAoQwwCgYDKgMEAwMGgEAwHYAKYIZIAWUCAQgDAaEPMA0GAyoDBTEG" \
	"AgECAgEH"
static void
test_categories(void **state)
{
	const struct ess_category *c;
	size_t i;
	int seen = 0;

	(void)state;
	assert_int_equal(decode(CATEGORIES), 0);
	assert_string_equal(label.policy, "1.2.840.1");
	assert_int_equal(label.classification, 3);
	assert_string_equal(label.privacy, "Releasable");
	assert_int_equal(label.ncategories, 4);
	for (i = 0; i < label.ncategories; i++) {
		c = &label.categories[i];
		seen |= 1 << c->syntax;
		switch (c->syntax) {
		case ESS_RESTRICTIVE:
			assert_string_equal(c->tag, "1.2.3.4");
			assert_int_equal(c->nvalues, 2);
			assert_int_equal(c->values[0], 0);
			assert_int_equal(c->values[1], 9);
			break;
		case ESS_ENUMERATED_PERMISSIVE:
			assert_string_equal(c->tag, "1.2.3.5");
			assert_int_equal(c->nvalues, 2);
			assert_int_equal(c->values[0], 2);
			assert_int_equal(c->values[1], 7);
			break;
		case ESS_INFORMATIVE:
			assert_string_equal(c->tag, "1.2.3.6");
			assert_int_equal(c->nvalues, 1);
			assert_int_equal(c->values[0], 1);
			break;
		case ESS_UNKNOWN:
			assert_string_equal(c->tag, "1.2.99");
			break;
		default:
			fail();
		}
	}
	assert_int_equal(seen, 1 << ESS_RESTRICTIVE |
	    1 << ESS_ENUMERATED_PERMISSIVE | 1 << ESS_INFORMATIVE |
	    1 << ESS_UNKNOWN);
}

/* Encodes the label decoded last, and checks the text is WANT. */
static void
expect_encoded(const char *want)
{
	char out[ESS_TEXT_MAX];

	assert_int_equal(ess_label_encode(&label, out, sizeof(out)),
	    (long)strlen(want));
	assert_string_equal(out, want);
}

/* Whether category C is one of L's. */
static int
has_category(const struct ess_label *l, const struct ess_category *c)
{
	const struct ess_category *d;
	size_t i;

	for (i = 0; i < l->ncategories; i++) {
		d = &l->categories[i];
		if (d->syntax == c->syntax && strcmp(d->tag, c->tag) == 0 &&
		    d->nvalues == c->nvalues && memcmp(d->values, c->values,
		    c->nvalues * sizeof(uint32_t)) == 0)
			return 1;
	}
	return 0;
}

/* Whether labels A and B say the same: their categories in any order
 * (the DER of the SET sorts them, and an informative category's values
 * may come as a bit map or as attributes). */
static int
same_label(const struct ess_label *a, const struct ess_label *b)
{
	size_t i;

	if (strcmp(a->policy, b->policy) != 0 ||
	    a->classification != b->classification ||
	    a->has_privacy != b->has_privacy ||
	    a->privacy_utf8 != b->privacy_utf8 ||
	    strcmp(a->privacy, b->privacy) != 0 ||
	    a->ncategories != b->ncategories)
		return 0;
	for (i = 0; i < a->ncategories; i++)
		if (!has_category(b, &a->categories[i]))
			return 0;
	return 1;
}

/* What the guard writes, relabelling, is DER that reads back the same. */
static void
test_encode(void **state)
{
	static const unsigned char policy_first[] = { 0x31, 0x06, 0x06, 0x01,
	    0x29, 0x02, 0x01, 0x02 };
	static struct ess_label first;
	char out[ESS_TEXT_MAX], again[ESS_TEXT_MAX];
	size_t i;
	long n;

	(void)state;
	/* BER in the policy's order comes out sorted as DER wants. */
	assert_int_equal(decode_der(policy_first, sizeof(policy_first)), 0);
	expect_encoded("MQYCAQIGASk=");
	/* DER comes out as it came, privacy marks in their string type. */
	assert_int_equal(decode("MQsGASkTBlVLIEV5ZQ=="), 0);
	expect_encoded("MQsGASkTBlVLIEV5ZQ==");
	assert_int_equal(decode("MQkGASkMBMOcYnI="), 0);
	expect_encoded("MQkGASkMBMOcYnI=");
	/* Every category syntax: without the one of an unknown type, which
	 * the guard cannot write, the label reads back the same. */
	assert_int_equal(decode(CATEGORIES), 0);
	assert_int_equal(ess_label_encode(&label, out, sizeof(out)), -1);
	for (i = 0; label.categories[i].syntax != ESS_UNKNOWN; i++)
		;
	label.categories[i] = label.categories[--label.ncategories];
	first = label;
	assert_true((n = ess_label_encode(&label, out, sizeof(out))) > 0);
	assert_int_equal(decode(out), 0);
	assert_true(same_label(&label, &first));
	assert_int_equal(ess_label_encode(&label, again, sizeof(again)), n);
	assert_string_equal(again, out);
	/* No room: nothing written. */
	assert_int_equal(ess_label_encode(&label, out, (size_t)n), -1);
}

static void
test_syntaxes(void **state)
{
	(void)state;
	assert_int_equal(ess_syntax_of("2.16.840.1.101.2.1.8.3.0"),
	    ESS_RESTRICTIVE);
	assert_int_equal(ess_syntax_of("2.16.840.1.101.2.1.8.3.1"),
	    ESS_ENUMERATED_PERMISSIVE);
	assert_int_equal(ess_syntax_of("2.16.840.1.101.2.1.8.3.2"),
	    ESS_PERMISSIVE);
	assert_int_equal(ess_syntax_of("2.16.840.1.101.2.1.8.3.3"),
	    ESS_INFORMATIVE);
	assert_int_equal(ess_syntax_of("2.16.840.1.101.2.1.8.3.4"),
	    ESS_ENUMERATED_RESTRICTIVE);
	assert_int_equal(ess_syntax_of("2.16.840.1.101.2.1.8.3.5"),
	    ESS_UNKNOWN);
}

static void
test_malformed_base64(void **state)
{
	const char *why = NULL;

	(void)state;
	/* XEP-0258's catalog example drops the padding: not base64. */
	assert_int_equal(ess_label_decode("MQYCAQMGASk", 11, &label, &why),
	    -1);
	assert_string_equal(why, "malformed base64");
	assert_int_equal(decode("MQYCAQQGASk=="), -1);
	assert_int_equal(decode("MQYC=AQQGASk"), -1);
	assert_int_equal(decode("MQYCAQQG!Sk="), -1);
	assert_int_equal(decode(""), -1);
	assert_int_equal(decode("   "), -1);
	/* Base64, but of "ABC", not a label. */
	assert_int_equal(ess_label_decode("QUJD", 4, &label, &why), -1);
	assert_string_equal(why, "not an ESSSecurityLabel");
}

static void
test_invalid(void **state)
{
	static const unsigned char trailing[] = { 0x31, 0x03, 0x06, 0x01,
	    0x29, 0x00 };
	static const unsigned char twice[] = { 0x31, 0x09, 0x02, 0x01, 0x04,
	    0x06, 0x01, 0x29, 0x02, 0x01, 0x03 };
	static const unsigned char two_policies[] = { 0x31, 0x06, 0x06, 0x01,
	    0x29, 0x06, 0x01, 0x2a };
	static const unsigned char too_high[] = { 0x31, 0x07, 0x06, 0x01,
	    0x29, 0x02, 0x02, 0x01, 0x01 };
	static const unsigned char negative[] = { 0x31, 0x06, 0x06, 0x01,
	    0x29, 0x02, 0x01, 0xff };
	static const unsigned char boolean[] = { 0x31, 0x06, 0x06, 0x01,
	    0x29, 0x01, 0x01, 0xff };
	static const unsigned char sequence[] = { 0x30, 0x03, 0x06, 0x01,
	    0x29 };
	static const unsigned char empty_mark[] = { 0x31, 0x05, 0x06, 0x01,
	    0x29, 0x13, 0x00 };
	static const unsigned char truncated[] = { 0x31, 0x08, 0x06, 0x01,
	    0x29 };
	/* An enumerated category whose value is a bit map. */
	static const unsigned char wrong_syntax[] = { 0x31, 0x1e, 0x06, 0x01,
	    0x29, 0x31, 0x19, 0x30, 0x17, 0x80, 0x0a, 0x60, 0x86, 0x48, 0x01,
	    0x65, 0x02, 0x01, 0x08, 0x03, 0x04, 0xa1, 0x09, 0x30, 0x07, 0x06,
	    0x01, 0x2a, 0x03, 0x02, 0x07, 0x80 };
	/* An enumerated category that lists 3 twice. */
	static const unsigned char repeated[] = { 0x31, 0x22, 0x06, 0x01,
	    0x29, 0x31, 0x1d, 0x30, 0x1b, 0x80, 0x0a, 0x60, 0x86, 0x48, 0x01,
	    0x65, 0x02, 0x01, 0x08, 0x03, 0x04, 0xa1, 0x0d, 0x30, 0x0b, 0x06,
	    0x01, 0x2a, 0x31, 0x06, 0x02, 0x01, 0x03, 0x02, 0x01, 0x03 };
	static const unsigned char no_categories[] = { 0x31, 0x05, 0x06, 0x01,
	    0x29, 0x31, 0x00 };

#define CASE(der, why) { der, sizeof(der), why }
	static const struct {
		const unsigned char *der;
		size_t n;
		const char *why;
	} cases[] = {
		CASE(trailing, "bytes after the label"),
		CASE(twice, "a component twice"),
		CASE(two_policies, "a component twice"),
		CASE(too_high, "a classification out of range"),
		CASE(negative, "a classification out of range"),
		CASE(boolean, "a component of an unknown type"),
		CASE(sequence, "not an ESSSecurityLabel"),
		CASE(empty_mark, "a privacy mark out of range"),
		CASE(truncated, "not an ESSSecurityLabel"),
		CASE(wrong_syntax, "a security category that does not decode "
		    "in its syntax"),
		CASE(repeated, "a security category that does not decode in "
		    "its syntax"),
		CASE(no_categories, "malformed security categories"),
	};
#undef CASE
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_invalid_der(cases[i].der, cases[i].n, cases[i].why);
}

/* Writes at DER a label of policy 1.1 with one restrictive category of
 * tag set 1.2 whose bit map is NBYTES bytes of ones. Returns its length. */
static size_t
bitmap_label(unsigned char *der, size_t nbytes)
{
	static const unsigned char type[] = { 0x80, 0x0a, 0x60, 0x86, 0x48,
	    0x01, 0x65, 0x02, 0x01, 0x08, 0x03, 0x00 };
	unsigned char *p = der;

	*p++ = 0x31;
	*p++ = (unsigned char)(nbytes + 29);
	*p++ = 0x06;
	*p++ = 0x01;
	*p++ = 0x29;
	*p++ = 0x31;
	*p++ = (unsigned char)(nbytes + 24);
	*p++ = 0x30;
	*p++ = (unsigned char)(nbytes + 22);
	memcpy(p, type, sizeof(type));
	p += sizeof(type);
	*p++ = 0xa1;
	*p++ = (unsigned char)(nbytes + 8);
	*p++ = 0x30;
	*p++ = (unsigned char)(nbytes + 6);
	*p++ = 0x06;
	*p++ = 0x01;
	*p++ = 0x2a;
	*p++ = 0x03;
	*p++ = (unsigned char)(nbytes + 1);
	*p++ = 0x00;
	memset(p, 0xff, nbytes);
	return (size_t)(p - der) + nbytes;
}

/* More categories than ub-security-categories; bit maps with as many bits
 * set as the guard keeps, and with more. */
static void
test_bounds(void **state)
{
	static const unsigned char cat[] = { 0x30, 0x13, 0x80, 0x0a, 0x60,
	    0x86, 0x48, 0x01, 0x65, 0x02, 0x01, 0x08, 0x03, 0x00, 0xa1, 0x05,
	    0x30, 0x03, 0x06, 0x01, 0x2a };
	unsigned char der[2048], *p;
	size_t n, i, body;

	(void)state;
	assert_int_equal(decode_der(der, bitmap_label(der,
	    ESS_VALUES_MAX / 8)), 0);
	assert_int_equal(label.categories[0].nvalues, ESS_VALUES_MAX);
	assert_int_equal(label.categories[0].values[ESS_VALUES_MAX - 1],
	    ESS_VALUES_MAX - 1);
	expect_invalid_der(der, bitmap_label(der, ESS_VALUES_MAX / 8 + 1),
	    "a security category that does not decode in its syntax");
	for (n = ESS_CATEGORIES_MAX; n <= ESS_CATEGORIES_MAX + 1; n++) {
		/* Each category a restrictive tag without its bit map: the
		 * count is checked first for 65. */
		body = n * sizeof(cat);
		p = der;
		*p++ = 0x31;
		*p++ = 0x82;
		*p++ = (unsigned char)((body + 7) >> 8);
		*p++ = (unsigned char)(body + 7);
		*p++ = 0x06;
		*p++ = 0x01;
		*p++ = 0x29;
		*p++ = 0x31;
		*p++ = 0x82;
		*p++ = (unsigned char)(body >> 8);
		*p++ = (unsigned char)body;
		for (i = 0; i < n; i++, p += sizeof(cat))
			memcpy(p, cat, sizeof(cat));
		expect_invalid_der(der, (size_t)(p - der), n >
		    ESS_CATEGORIES_MAX ? "malformed security categories" :
		    "a security category that does not decode in its syntax");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xep_examples),
		cmocka_unit_test(test_ber_orders),
		cmocka_unit_test(test_privacy_mark),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_syntaxes),
		cmocka_unit_test(test_malformed_base64),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
