/*
 * Unit tests for runtime/label_map.c: a label of one label policy
 * relabelled into another through the tables xedgec builds of the
 * policy's equivalences, and written as the ESS label that crosses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "label_int.h"
#include "label_policy_fixture.h"

/* uk (2.2): two classifications; its permissive tag set is written as
 * enumerated attributes (values past a bit map's reach), its restrictive
 * one as a bit map. */
static const struct gen_classification uk_classes[] = {
	{ .name = "OFFICIAL", .lacv = 10, .rank = 0 },
	{ .name = "UK SECRET", .lacv = 20, .rank = 1 },
};
static const struct gen_label_category uk_relto[] = {
	{ .name = "GBR", .lacv = 100, .bit = 0 },
	{ .name = "NATO", .lacv = 300, .bit = 1 },
};
static const struct gen_label_category uk_codeword[] = {
	{ .name = "A", .lacv = 5, .bit = 2 },
};
static const struct gen_tagset uk_tagsets[] = {
	{ .name = "RELTO", .oid = "2.3.1", .type = GEN_TAG_PERMISSIVE,
	    .enumerated = 1, .categories = uk_relto, .ncategories = 2 },
	{ .name = "CW", .oid = "2.3.2", .type = GEN_TAG_RESTRICTIVE,
	    .categories = uk_codeword, .ncategories = 1 },
};
static const struct gen_label_policy uk = {
	.name = "uk", .oid = "2.2", .classifications = uk_classes,
	.nclassifications = 2, .tagsets = uk_tagsets, .ntagsets = 2,
};

/* nato into uk: UNCLASSIFIED and RESTRICTED are OFFICIAL, SECRET is UK
 * SECRET; UK, NATO and ALPHA have equivalents, BRAVO and X none. */
static const struct gen_classification *const to_uk_classes[] = {
	&uk_classes[0], &uk_classes[0], &uk_classes[1],
};
static const struct gen_label_map_category to_uk_categories[] = {
	{ &uk_tagsets[0], &uk_relto[0] }, { &uk_tagsets[0], &uk_relto[1] },
	{ &uk_tagsets[1], &uk_codeword[0] }, { NULL, NULL }, { NULL, NULL },
};
static const struct gen_label_map to_uk = {
	.to = &uk, .classifications = to_uk_classes,
	.categories = to_uk_categories, .ncategories = 5,
};
/* A map that makes UK and NATO one, and has no RESTRICTED. */
static const struct gen_classification *const to_uk_partly[] = {
	&uk_classes[0], NULL, &uk_classes[1],
};
static const struct gen_label_map_category to_uk_merged[] = {
	{ &uk_tagsets[0], &uk_relto[0] }, { &uk_tagsets[0], &uk_relto[0] },
	{ NULL, NULL }, { NULL, NULL }, { NULL, NULL },
};
static const struct gen_label_map to_uk_merging = {
	.to = &uk, .classifications = to_uk_partly,
	.categories = to_uk_merged, .ncategories = 5,
};
static const struct gen_label_policy nato = { NATO_TABLES,
	.maps = &to_uk, .nmaps = 1 };

static struct ess_label in, out, back;

/* Sets IN to a nato label of classification LACV, privacy mark "p". */
static void
label(int lacv)
{
	memset(&in, 0, sizeof(in));
	strcpy(in.policy, "1.1");
	in.classification = lacv;
	in.has_privacy = 1;
	strcpy(in.privacy, "p");
}

/* Adds to IN a category of SYNTAX and TAG with values V[0..n). */
static void
category(enum ess_syntax syntax, const char *tag, const uint32_t *v,
    size_t n)
{
	struct ess_category *c = &in.categories[in.ncategories++];

	c->syntax = syntax;
	strcpy(c->tag, tag);
	memcpy(c->values, v, n * sizeof(*v));
	c->nvalues = n;
}

/* The category of OUT of tag set TAG. */
static const struct ess_category *
out_category(const char *tag)
{
	size_t i;

	for (i = 0; i < out.ncategories; i++)
		if (strcmp(out.categories[i].tag, tag) == 0)
			return &out.categories[i];
	fail_msg("no category %s", tag);
	return NULL;
}

static void
test_map(void **state)
{
	static const uint32_t both[] = { 1, 2 }, alpha[] = { 0 };
	static const struct gen_clearance secret_gbr = { .policy = &uk,
	    .rank = 1, .held = { { 1 << 0 | 1 << 2, 0, 0, 0 } } };
	const struct ess_category *c;
	char text[ESS_TEXT_MAX];
	const char *why;
	long n;

	(void)state;
	label(4);
	category(ESS_PERMISSIVE, "1.2.5", both, 2);
	category(ESS_RESTRICTIVE, "1.2.7", alpha, 1);
	assert_null(label_map(&in, &nato, &to_uk, &out));
	assert_string_equal(out.policy, "2.2");
	assert_int_equal(out.classification, 20);
	assert_string_equal(out.privacy, "p");
	assert_int_equal(out.ncategories, 2);
	c = out_category("2.3.1");
	assert_int_equal(c->syntax, ESS_ENUMERATED_PERMISSIVE);
	assert_int_equal(c->nvalues, 2);
	assert_int_equal(c->values[0], 100);
	assert_int_equal(c->values[1], 300);
	c = out_category("2.3.2");
	assert_int_equal(c->syntax, ESS_RESTRICTIVE);
	assert_int_equal(c->nvalues, 1);
	assert_int_equal(c->values[0], 5);
	/* Written and read back, it is decided in uk's terms. */
	assert_true((n = ess_label_encode(&out, text, sizeof(text))) > 0);
	assert_int_equal(ess_label_decode(text, (size_t)n, &back, &why), 0);
	assert_null(label_acdf(&back, &secret_gbr));
	/* Two categories of one equivalent make one value. */
	label(4);
	category(ESS_PERMISSIVE, "1.2.5", both, 2);
	assert_null(label_map(&in, &nato, &to_uk_merging, &out));
	c = out_category("2.3.1");
	assert_int_equal(c->nvalues, 1);
	assert_int_equal(c->values[0], 100);
}

static void
test_map_refused(void **state)
{
	static const uint32_t bravo[] = { 1 }, undefined[] = { 7 },
	    x[] = { 0 };

	(void)state;
	label(3);
	assert_string_equal(label_map(&in, &nato, &to_uk, &out),
	    LABEL_WHY_CLASSIFICATION);
	label(2);
	assert_null(label_map(&in, &nato, &to_uk, &out));
	assert_int_equal(out.classification, 10);
	assert_string_equal(label_map(&in, &nato, &to_uk_merging, &out),
	    "a classification with no equivalent in the destination's "
	    "security policy");
	category(ESS_RESTRICTIVE, "1.2.7", bravo, 1);
	assert_string_equal(label_map(&in, &nato, &to_uk, &out),
	    "a security category with no equivalent in the destination's "
	    "security policy");
	label(2);
	category(ESS_INFORMATIVE, "1.2.9", x, 1);
	assert_non_null(label_map(&in, &nato, &to_uk, &out));
	label(2);
	category(ESS_RESTRICTIVE, "1.2.7", undefined, 1);
	assert_string_equal(label_map(&in, &nato, &to_uk, &out),
	    LABEL_WHY_CATEGORY);
	label(2);
	category(ESS_RESTRICTIVE, "1.2.8", bravo, 1);
	assert_string_equal(label_map(&in, &nato, &to_uk, &out),
	    LABEL_WHY_TAGSET);
	label(2);
	category(ESS_UNKNOWN, "1.2.99", NULL, 0);
	assert_string_equal(label_map(&in, &nato, &to_uk, &out),
	    LABEL_WHY_SYNTAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_map_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
