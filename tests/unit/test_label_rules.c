/*
 * Unit tests for the rules a label policy sets on its labels whatever the
 * clearance (runtime/label_acdf.c; SPIF excludedClass and
 * requiredCategory, xedge.policy(5) "require" and "excludes"), over a
 * label policy built here as xedgec would emit it from
 *
 *	classification "PUBLIC" = 1;
 *	classification "CONFIDENTIAL" = 2 require one-or-more-of "MOCK" "PHONY";
 *	classification "INTERNAL" = 3 require exactly-one-of "MOCK" "PHONY"
 *	    require all-of "RED" "STAFF";
 *	classification "SECRET" = 4 require all-of "FAR";
 *	tagset "REL" oid "1.2.1" permissive {
 *		category "MOCK" = 100 excludes "PUBLIC";
 *		category "PHONY" = 200 excludes "PUBLIC";
 *	}
 *	tagset "SENS" oid "1.2.2" restrictive {
 *		category "RED" = 1 excludes "PUBLIC";
 *		category "BLUE" = 2;
 *	}
 *	tagset "ADMIN" oid "1.2.3" informative {
 *		category "STAFF" = 1 excludes "PUBLIC" "CONFIDENTIAL";
 *	}
 *	tagset "WIDE" oid "1.2.4" restrictive {
 *		category "FAR" = 7;	# given bit 130 here: past a word
 *	}
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "label_int.h"

#define BIT(b) ((uint64_t)1 << (b))
#define MOCK 0
#define PHONY 1
#define RED 2
#define BLUE 3
#define STAFF 4
#define FAR 130

static const struct gen_label_require confidential_requires[] = {
	{ GEN_REQUIRE_SOME, { { BIT(MOCK) | BIT(PHONY), 0, 0, 0 } } },
};
static const struct gen_label_require internal_requires[] = {
	{ GEN_REQUIRE_ONE, { { BIT(MOCK) | BIT(PHONY), 0, 0, 0 } } },
	{ GEN_REQUIRE_ALL, { { BIT(RED) | BIT(STAFF), 0, 0, 0 } } },
};
static const struct gen_label_require secret_requires[] = {
	{ GEN_REQUIRE_ALL, { { 0, 0, BIT(FAR - 128), 0 } } },
};
static const struct gen_classification classes[] = {
	{ .name = "PUBLIC", .lacv = 1, .rank = 0 },
	{ .name = "CONFIDENTIAL", .lacv = 2, .rank = 1,
	    .requires = confidential_requires, .nrequires = 1 },
	{ .name = "INTERNAL", .lacv = 3, .rank = 2,
	    .requires = internal_requires, .nrequires = 2 },
	{ .name = "SECRET", .lacv = 4, .rank = 3,
	    .requires = secret_requires, .nrequires = 1 },
};
/* Bits by rank: PUBLIC is 0, CONFIDENTIAL 1. */
static const struct gen_label_category rel[] = {
	{ "MOCK", 100, MOCK, { { BIT(0), 0, 0, 0 } } },
	{ "PHONY", 200, PHONY, { { BIT(0), 0, 0, 0 } } },
};
static const struct gen_label_category sens[] = {
	{ "RED", 1, RED, { { BIT(0), 0, 0, 0 } } },
	{ "BLUE", 2, BLUE, { { 0, 0, 0, 0 } } },
};
static const struct gen_label_category admin[] = {
	{ "STAFF", 1, STAFF, { { BIT(0) | BIT(1), 0, 0, 0 } } },
};
static const struct gen_label_category wide[] = {
	{ "FAR", 7, FAR, { { 0, 0, 0, 0 } } },
};
static const struct gen_tagset tagsets[] = {
	{ .name = "REL", .oid = "1.2.1", .type = GEN_TAG_PERMISSIVE,
	    .categories = rel, .ncategories = 2 },
	{ .name = "SENS", .oid = "1.2.2", .type = GEN_TAG_RESTRICTIVE,
	    .categories = sens, .ncategories = 2 },
	{ .name = "ADMIN", .oid = "1.2.3", .type = GEN_TAG_INFORMATIVE,
	    .enumerated = 1, .categories = admin, .ncategories = 1 },
	{ .name = "WIDE", .oid = "1.2.4", .type = GEN_TAG_RESTRICTIVE,
	    .categories = wide, .ncategories = 1 },
};
static const struct gen_label_policy acme = {
	.name = "acme", .oid = "1.1", .classifications = classes,
	.nclassifications = 4, .tagsets = tagsets, .ntagsets = 4,
};

/* A clearance of acme up to SECRET holding every category: what it
 * refuses, the rules refuse. */
static const struct gen_clearance all = {
	.policy = &acme, .rank = 3,
	.held = { { BIT(MOCK) | BIT(PHONY) | BIT(RED) | BIT(BLUE) | BIT(STAFF),
	    0, BIT(FAR - 128), 0 } },
	.rule = 7,
};

#define WHY_EXCLUDED "a label the security policy's rules refuse: a " \
	"category that excludes its classification"
#define WHY_ONE "a label the security policy's rules refuse: not exactly " \
	"one of the categories of which its classification requires one"
#define WHY_SOME "a label the security policy's rules refuse: none of the " \
	"categories of which its classification requires one or more"
#define WHY_ALL "a label the security policy's rules refuse: a category " \
	"its classification requires is missing"

static struct ess_label l;

/* Sets L to an acme label of classification LACV, without categories. */
static void
label(int lacv)
{
	memset(&l, 0, sizeof(l));
	strcpy(l.policy, "1.1");
	l.classification = lacv;
}

/* Adds to L a category of SYNTAX and tag set TAG with value V. */
static void
category(enum ess_syntax syntax, const char *tag, uint32_t v)
{
	struct ess_category *c = &l.categories[l.ncategories++];

	c->syntax = syntax;
	strcpy(c->tag, tag);
	c->values[0] = v;
	c->nvalues = 1;
}

static void
test_excluded(void **state)
{
	(void)state;
	/* MOCK excludes PUBLIC, whatever the clearance holds. */
	label(1);
	category(ESS_ENUMERATED_PERMISSIVE, "1.2.1", 100);
	assert_string_equal(label_acdf(&l, &all), WHY_EXCLUDED);
	/* BLUE excludes nothing. */
	label(1);
	category(ESS_RESTRICTIVE, "1.2.2", 2);
	assert_null(label_acdf(&l, &all));
	/* RED excludes PUBLIC. */
	category(ESS_RESTRICTIVE, "1.2.2", 1);
	assert_string_equal(label_acdf(&l, &all), WHY_EXCLUDED);
	/* An informative category decides no access, but its exclusions
	 * hold: STAFF excludes PUBLIC. */
	label(1);
	category(ESS_INFORMATIVE, "1.2.3", 1);
	assert_string_equal(label_acdf(&l, &all), WHY_EXCLUDED);
	/* An informative value acme does not define is let be. */
	label(1);
	category(ESS_INFORMATIVE, "1.2.3", 9);
	assert_null(label_acdf(&l, &all));
	/* STAFF excludes CONFIDENTIAL too, whose requirement is met. */
	label(2);
	category(ESS_PERMISSIVE, "1.2.1", 100);
	assert_null(label_acdf(&l, &all));
	category(ESS_INFORMATIVE, "1.2.3", 1);
	assert_string_equal(label_acdf(&l, &all), WHY_EXCLUDED);
}

static void
test_required(void **state)
{
	(void)state;
	/* CONFIDENTIAL: one or more of MOCK and PHONY. */
	label(2);
	assert_string_equal(label_acdf(&l, &all), WHY_SOME);
	category(ESS_RESTRICTIVE, "1.2.2", 2);
	assert_string_equal(label_acdf(&l, &all), WHY_SOME);
	category(ESS_ENUMERATED_PERMISSIVE, "1.2.1", 200);
	assert_null(label_acdf(&l, &all));
	category(ESS_PERMISSIVE, "1.2.1", 100);
	assert_null(label_acdf(&l, &all));
	/* INTERNAL: exactly one of MOCK and PHONY, and RED and STAFF. */
	label(3);
	category(ESS_RESTRICTIVE, "1.2.2", 1);
	category(ESS_INFORMATIVE, "1.2.3", 1);
	assert_string_equal(label_acdf(&l, &all), WHY_ONE);
	category(ESS_PERMISSIVE, "1.2.1", 100);
	assert_null(label_acdf(&l, &all));
	/* Given twice, in two syntaxes: one category still. */
	category(ESS_ENUMERATED_PERMISSIVE, "1.2.1", 100);
	assert_null(label_acdf(&l, &all));
	category(ESS_ENUMERATED_PERMISSIVE, "1.2.1", 200);
	assert_string_equal(label_acdf(&l, &all), WHY_ONE);
	label(3);
	category(ESS_PERMISSIVE, "1.2.1", 200);
	category(ESS_RESTRICTIVE, "1.2.2", 1);
	assert_string_equal(label_acdf(&l, &all), WHY_ALL);
	/* SECRET: FAR, a category of a bit past the first word. */
	label(4);
	assert_string_equal(label_acdf(&l, &all), WHY_ALL);
	category(ESS_RESTRICTIVE, "1.2.4", 7);
	assert_null(label_acdf(&l, &all));
}

/* The clearance decides as before: a label within the rules is still
 * refused for what its clearance does not hold. */
static void
test_clearance(void **state)
{
	struct gen_clearance k = all;

	(void)state;
	k.rank = 1;
	k.held.w[0] = BIT(PHONY);
	label(2);
	category(ESS_PERMISSIVE, "1.2.1", 100);
	assert_string_equal(label_acdf(&l, &k),
	    "no permissive category of a tag set held");
	label(3);
	assert_string_equal(label_acdf(&l, &k),
	    "classified above the clearance");
}

/* A stanza without a label, taken as a label of the classification
 * assumed without categories, keeps the rules too. */
static void
test_missing(void **state)
{
	struct gen_label_policy p = acme;
	struct gen_clearance k = all;

	(void)state;
	k.policy = &p;
	p.missing = &classes[0];
	assert_null(label_acdf(NULL, &k));
	p.missing = &classes[1];
	assert_string_equal(label_acdf(NULL, &k), WHY_SOME);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_excluded),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_clearance),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
