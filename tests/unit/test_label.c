/*
 * Unit tests for runtime/label_find.c and label_acdf.c: where a stanza's
 * label is and in what form, and the access decision against clearances,
 * for ESS labels and STANAG 4774 XML labels alike, over a label policy
 * built here as xedgec would emit it: classifications
 * UNCLASSIFIED 1, RESTRICTED 2, SECRET 4; a permissive tag set
 * RELEASABLE-TO (1.2.5) with UK 1 and NATO 2; a restrictive tag set
 * CODEWORD (1.2.7) with ALPHA 0 and BRAVO 1; an informative one, NOTE
 * (1.2.9), with X 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "label_fixture.h"
#include "label_policy_fixture.h"
#include "label_int.h"
#include "stanza_fixture.h"

#define OID_RESTRICTIVE "\x60\x86\x48\x01\x65\x02\x01\x08\x03\x00"
#define OID_PERMISSIVE "\x60\x86\x48\x01\x65\x02\x01\x08\x03\x02"

static const struct gen_label_policy nato = { NATO_TABLES };

/* A clearance of nato up to rank RANK holding the categories of bits
 * HELD (bit I of HELD: category bit I). */
static struct gen_clearance
clearance(unsigned rank, uint64_t held)
{
	return (struct gen_clearance){ .policy = &nato, .rank = rank,
	    .held = { { held, 0, 0, 0 } }, .rule = 7 };
}

static struct xml_parser *parser;

/* Decodes label DER (N bytes) into *L, which must be valid. */
static void
decode(const unsigned char *der, size_t n, struct ess_label *l)
{
	const char *why;

	assert_int_equal(fixture_ess_der(der, n, l, &why), 0);
}

/* The form of the label of stanza TEXT, a message if MESSAGE; its ESS
 * text in ESS, its reason in *WHY. */
static enum label_form
find(const char *text, int message, char *ess, const char **why)
{
	static char buf[ESS_TEXT_MAX];
	struct label_found f;

	label_find(fixture_stanza(&parser, text), message, buf, &f);
	*why = f.why;
	if (f.form == LABEL_ESS) {
		memcpy(ess, buf, f.len);
		ess[f.len] = '\0';
	}
	if (f.form == LABEL_INVALID)
		assert_non_null(*why);
	return f.form;
}

#define MSG(inner) "<message from='a@a.example' to='b@b.example'>" inner \
	"<body>hi</body></message>"
#define SL(inner) "<securitylabel xmlns='urn:xmpp:sec-label:0'>" inner \
	"</securitylabel>"
#define ESS(b64) "<label><esssecuritylabel xmlns='urn:xmpp:sec-label:ess:0'>" \
	b64 "</esssecuritylabel></label>"

static void
test_find(void **state)
{
	char ess[ESS_TEXT_MAX + 1];
	const char *why;

	(void)state;
	assert_int_equal(find(MSG(""), 1, ess, &why), LABEL_NONE);
	assert_int_equal(find(MSG(SL("<label/>")), 1, ess, &why),
	    LABEL_DEFAULT);
	/* XEP-0258's order, with whitespace between, and the other way. */
	assert_int_equal(find(MSG(SL("\n <displaymarking fgcolor='black' "
	    "bgcolor='red'>SECRET</displaymarking>\n " ESS("\n MQYCAQQGASk=\n")
	    "\n <equivalentlabel><x xmlns='urn:example'/></equivalentlabel>"
	    "\n")), 1, ess, &why), LABEL_ESS);
	assert_string_equal(ess, "\n MQYCAQQGASk=\n");
	assert_int_equal(find(MSG(SL("<equivalentlabel/>" ESS("MQYCAQQGASk=")
	    "<displaymarking>S</displaymarking>")), 1, ess, &why), LABEL_ESS);
}

static void
test_find_invalid(void **state)
{
	static const char *const bad[] = {
		MSG(SL(ESS("MQYCAQQGASk=")) SL(ESS("MQYCAQQGASk="))),
		MSG(SL("")),
		MSG(SL(ESS("MQYCAQQGASk=") "<label/>")),
		MSG(SL(ESS("MQYCAQQGASk=") "<displaymarking/><displaymarking/>")),
		MSG(SL(ESS("MQYCAQQGASk=") "<other/>")),
		MSG(SL(ESS("MQYCAQQGASk=") "<x xmlns='urn:example'/>")),
		MSG(SL("<label><esssecuritylabel xmlns='urn:xmpp:sec-label:ess:0'"
		    ">MQYC</esssecuritylabel><esssecuritylabel xmlns='urn:xmpp:"
		    "sec-label:ess:0'>AQQGASk=</esssecuritylabel></label>")),
		MSG(SL("<label>text</label>")),
		MSG(SL("<label><ConfidentialityLabel xmlns='urn:example:other'/>"
		    "</label>")),
		MSG(SL("<label><esssecuritylabel xmlns='urn:xmpp:sec-label:ess:0'"
		    "><b/></esssecuritylabel></label>")),
	};
	char ess[ESS_TEXT_MAX + 1];
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(find(bad[i], 1, ess, &why), LABEL_INVALID);
	/* XEP-0258 labels messages: not presence, nor IQ. */
	assert_int_equal(find("<presence from='a@a.example'>"
	    SL(ESS("MQYCAQQGASk=")) "</presence>", 0, ess, &why),
	    LABEL_INVALID);
	assert_int_equal(find("<presence from='a@a.example'/>", 0, ess, &why),
	    LABEL_NONE);
}

/* Equivalent labels are each read: as many as LABEL_EQUIVALENTS_MAX. */
static void
test_find_equivalents(void **state)
{
	static const char eq[] = "<equivalentlabel>" ESS("MQYCAQQGASk=")
	    "</equivalentlabel>";
	char text[4096], many[2048] = "", ess[ESS_TEXT_MAX + 1];
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < LABEL_EQUIVALENTS_MAX; i++)
		strcat(many, eq);
	snprintf(text, sizeof(text), MSG(SL(ESS("MQYCAQQGASk=") "%s")), many);
	assert_int_equal(find(text, 1, ess, &why), LABEL_ESS);
	snprintf(text, sizeof(text), MSG(SL(ESS("MQYCAQQGASk=") "%s%s")),
	    many, eq);
	assert_int_equal(find(text, 1, ess, &why), LABEL_INVALID);
	assert_string_equal(why, "more equivalent labels than the guard reads");
}

/* SET { OID 1.1, INTEGER CLASS }. */
static void
simple_label(struct ess_label *l, unsigned char class)
{
	const unsigned char der[] = { 0x31, 0x06, 0x06, 0x01, 0x29, 0x02,
	    0x01, class };

	decode(der, sizeof(der), l);
}

static void
test_classification(void **state)
{
	static struct ess_label l;
	struct gen_clearance restricted = clearance(1, 0);
	static const unsigned char other_policy[] = { 0x31, 0x06, 0x06, 0x01,
	    0x2a, 0x02, 0x01, 0x01 };
	static const unsigned char unmarked[] = { 0x31, 0x03, 0x06, 0x01,
	    0x29 };

	(void)state;
	simple_label(&l, 1);
	assert_null(label_acdf(&l, &restricted));
	simple_label(&l, 2);
	assert_null(label_acdf(&l, &restricted));
	simple_label(&l, 4);
	assert_string_equal(label_acdf(&l, &restricted),
	    "classified above the clearance");
	simple_label(&l, 3);
	assert_string_equal(label_acdf(&l, &restricted),
	    "a classification the security policy does not define");
	decode(other_policy, sizeof(other_policy), &l);
	assert_string_equal(label_acdf(&l, &restricted),
	    "a label of another security policy");
	/* No classification: ESS's unmarked, 0, which nato lacks. */
	decode(unmarked, sizeof(unmarked), &l);
	assert_non_null(label_acdf(&l, &restricted));
}

/* SET { OID 1.1, INTEGER 1, SET { SecurityCategory { TYPE, SEQUENCE {
 * OID 1.2.TAG, BIT STRING of one byte BITS } } } }. */
static void
bitmap_label(struct ess_label *l, const char *type, unsigned char tag,
    unsigned char bits)
{
	unsigned char der[] = { 0x31, 0, 0x06, 0x01, 0x29, 0x02, 0x01, 0x01,
	    0x31, 0, 0x30, 0, 0x80, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xa1, 0, 0x30, 0, 0x06, 0x02, 0x2a, tag, 0x03, 0x02, 0x00, bits };

	/* The type, and the lengths of the five constructed parts. */
	memcpy(der + 14, type, 10);
	der[1] = (unsigned char)(sizeof(der) - 2);
	der[9] = (unsigned char)(sizeof(der) - 10);
	der[11] = (unsigned char)(sizeof(der) - 12);
	der[25] = (unsigned char)(sizeof(der) - 26);
	der[27] = (unsigned char)(sizeof(der) - 28);
	decode(der, sizeof(der), l);
}

static void
test_categories(void **state)
{
	static struct ess_label l;
	/* Up to SECRET, holding UK and ALPHA. */
	struct gen_clearance k = clearance(2, 1u << 0 | 1u << 2);

	(void)state;
	/* CODEWORD ALPHA (bit 0 of the map, 0x80): held. */
	bitmap_label(&l, OID_RESTRICTIVE, 7, 0x80);
	assert_null(label_acdf(&l, &k));
	/* ALPHA and BRAVO: BRAVO is not held. */
	bitmap_label(&l, OID_RESTRICTIVE, 7, 0xc0);
	assert_string_equal(label_acdf(&l, &k),
	    "a restrictive category the destination or source does not hold");
	/* RELEASABLE-TO UK or NATO (0x60): UK held. */
	bitmap_label(&l, OID_PERMISSIVE, 5, 0x60);
	assert_null(label_acdf(&l, &k));
	/* NATO alone: none held. */
	bitmap_label(&l, OID_PERMISSIVE, 5, 0x20);
	assert_string_equal(label_acdf(&l, &k),
	    "no permissive category of a tag set held");
	/* A value the tag set does not define (bit 5). */
	bitmap_label(&l, OID_PERMISSIVE, 5, 0x04);
	assert_string_equal(label_acdf(&l, &k),
	    "a security category the policy does not define");
	/* A permissive map of the restrictive tag set. */
	bitmap_label(&l, OID_PERMISSIVE, 7, 0x80);
	assert_string_equal(label_acdf(&l, &k),
	    "a security category in a syntax its tag set does not take");
	/* A tag set nato does not define. */
	bitmap_label(&l, OID_RESTRICTIVE, 8, 0x80);
	assert_string_equal(label_acdf(&l, &k),
	    "a tag set the security policy does not define");
}

static void
test_missing(void **state)
{
	struct gen_label_policy p = nato;
	struct gen_clearance k = clearance(0, 0);

	(void)state;
	k.policy = &p;
	assert_string_equal(label_acdf(NULL, &k), "no security label");
	p.missing = &nato_classes[0];
	assert_null(label_acdf(NULL, &k));
	p.missing = &nato_classes[1];
	assert_non_null(label_acdf(NULL, &k));
}

/* A STANAG 4774 originator label of policy POLICY (a PolicyIdentifier
 * element's attributes and text), classification CLASS, and CATS
 * (Category elements). */
#define NATO_4774(policy, class, cats) \
	"<originatorConfidentialityLabel xmlns='urn:nato:stanag:4774:" \
	"confidentialitymetadatalabel:1:0'><ConfidentialityInformation>" \
	"<PolicyIdentifier " policy "</PolicyIdentifier><Classification>" \
	class "</Classification>" cats "</ConfidentialityInformation>" \
	"<OriginatorID IDType='jID'>a@a.example</OriginatorID>" \
	"<CreationDateTime>2026-11-30T20:00:00Z</CreationDateTime>" \
	"</originatorConfidentialityLabel>"
#define CAT_4774(tag, type, values) "<Category TagName='" tag "' Type='" \
	type "'>" values "</Category>"

/* Reads the STANAG 4774 label XML (inside a label of a message, as it
 * crosses) into *L; returns what label_4774_read() does, *WHY its
 * reason. */
static int
read_4774(const char *xml, struct ess_label *l, const char **why)
{
	static const struct gen_policy p = { .label_policies = &nato,
	    .nlabel_policies = 1 };
	char text[2048], ess[ESS_TEXT_MAX];
	struct label_found f;

	snprintf(text, sizeof(text), MSG(SL("<label>%s</label>")), xml);
	assert_int_equal(label_find(fixture_stanza(&parser, text), 1, ess,
	    &f), LABEL_4774);
	return label_4774_read(f.inner, &p, l, why);
}

static void
test_4774(void **state)
{
	static struct ess_label l;
	/* Up to RESTRICTED, holding UK and ALPHA. */
	struct gen_clearance k = clearance(1, 1u << 0 | 1u << 2);
	const char *why;

	(void)state;
	assert_int_equal(read_4774(NATO_4774("URI='urn:oid:1.1'>nato",
	    "RESTRICTED", CAT_4774("RELEASABLE-TO", "PERMISSIVE",
	    "<GenericValue>NATO</GenericValue><GenericValue>UK</GenericValue>")
	    CAT_4774("CODEWORD", "RESTRICTIVE", "<GenericValue>ALPHA"
	    "</GenericValue>")), &l, &why), 0);
	assert_string_equal(l.policy, "1.1");
	assert_int_equal(l.classification, 2);
	assert_int_equal(l.ncategories, 2);
	assert_int_equal(l.categories[0].nvalues, 2);
	assert_int_equal(l.categories[0].values[0], 1);
	assert_null(label_acdf(&l, &k));
	/* The policy by name, or by OID in a URL attribute. */
	assert_int_equal(read_4774(NATO_4774(">nato", "UNCLASSIFIED", ""), &l,
	    &why), 0);
	assert_null(label_acdf(&l, &k));
	assert_int_equal(read_4774(NATO_4774("URL='urn:oid:1.1'>NATO",
	    "UNCLASSIFIED", ""), &l, &why), 0);
	assert_null(label_acdf(&l, &k));
	/* Decided as an ESS label would be. */
	assert_int_equal(read_4774(NATO_4774(">nato", "SECRET", ""), &l, &why),
	    0);
	assert_string_equal(label_acdf(&l, &k),
	    "classified above the clearance");
	assert_int_equal(read_4774(NATO_4774(">nato", "RESTRICTED",
	    CAT_4774("CODEWORD", "RESTRICTIVE", "<GenericValue>BRAVO"
	    "</GenericValue>")), &l, &why), 0);
	assert_non_null(label_acdf(&l, &k));
	assert_int_equal(read_4774(NATO_4774(">nato", "RESTRICTED",
	    CAT_4774("RELEASABLE-TO", "RESTRICTIVE", "<GenericValue>UK"
	    "</GenericValue>")), &l, &why), 0);
	assert_string_equal(label_acdf(&l, &k),
	    "a security category in a syntax its tag set does not take");
	/* Another policy, by OID: read, and refused. */
	assert_int_equal(read_4774(NATO_4774("URI='urn:oid:1.2.3'>other",
	    "SECRET", ""), &l, &why), 0);
	assert_string_equal(label_acdf(&l, &k),
	    "a label of another security policy");
}

static void
test_4774_invalid(void **state)
{
	static const char *const bad[] = {
		NATO_4774(">unknown", "RESTRICTED", ""),
		NATO_4774(">nato", "TOP SECRET", ""),
		NATO_4774(">nato", "RESTRICTED", CAT_4774("NO-SUCH-TAG",
		    "PERMISSIVE", "<GenericValue>UK</GenericValue>")),
		NATO_4774(">nato", "RESTRICTED", CAT_4774("RELEASABLE-TO",
		    "PERMISSIVE", "<GenericValue>FR</GenericValue>")),
		NATO_4774(">nato", "RESTRICTED", CAT_4774("RELEASABLE-TO",
		    "SOMETIMES", "<GenericValue>UK</GenericValue>")),
		NATO_4774(">nato", "RESTRICTED", CAT_4774("RELEASABLE-TO",
		    "PERMISSIVE", "<Value>UK</Value>")),
		"<originatorConfidentialityLabel xmlns='urn:nato:stanag:4774:"
		    "confidentialitymetadatalabel:1:0'/>",
		"<ConfidentialityLabel xmlns='urn:nato:stanag:4774:"
		    "confidentialitymetadatalabel:1:0'/>",
		"<originatorConfidentialityLabel xmlns='urn:nato:stanag:4774:"
		    "confidentialitymetadatalabel:1:0'><ConfidentialityInformation>"
		    "<Classification>RESTRICTED</Classification><PolicyIdentifier>"
		    "nato</PolicyIdentifier></ConfidentialityInformation>"
		    "</originatorConfidentialityLabel>",
	};
	static struct ess_label l;
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(read_4774(bad[i], &l, &why), -1);
		assert_non_null(why);
	}
}

static int
teardown(void **state)
{
	(void)state;
	xml_free(parser);
	parser = NULL;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_invalid),
		cmocka_unit_test(test_find_equivalents),
		cmocka_unit_test(test_classification),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_4774),
		cmocka_unit_test(test_4774_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
