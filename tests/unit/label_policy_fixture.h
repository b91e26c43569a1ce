/*
 * Test fixture: a label policy written as xedgec emits one, for the
 * label stage's tests. nato (OID 1.1): UNCLASSIFIED, RESTRICTED and
 * SECRET; a permissive tag set RELEASABLE-TO (UK, NATO: bits 0 and 1), a
 * restrictive one CODEWORD (ALPHA, BRAVO: bits 2 and 3) and an
 * informative one NOTE (X: bit 4).
 */
#ifndef XEDGE_TEST_LABEL_POLICY_FIXTURE_H
#define XEDGE_TEST_LABEL_POLICY_FIXTURE_H

#include "policy_types.h"

static const struct gen_classification nato_classes[] = {
	{ .name = "UNCLASSIFIED", .lacv = 1, .rank = 0 },
	{ .name = "RESTRICTED", .lacv = 2, .rank = 1 },
	{ .name = "SECRET", .lacv = 4, .rank = 2 },
};
static const struct gen_label_category nato_releasable[] = {
	{ .name = "UK", .lacv = 1, .bit = 0 },
	{ .name = "NATO", .lacv = 2, .bit = 1 },
};
static const struct gen_label_category nato_codeword[] = {
	{ .name = "ALPHA", .lacv = 0, .bit = 2 },
	{ .name = "BRAVO", .lacv = 1, .bit = 3 },
};
static const struct gen_label_category nato_note[] = {
	{ .name = "X", .lacv = 0, .bit = 4 },
};
static const struct gen_tagset nato_tagsets[] = {
	{ .name = "RELEASABLE-TO", .oid = "1.2.5", .type = GEN_TAG_PERMISSIVE,
	    .categories = nato_releasable, .ncategories = 2 },
	{ .name = "CODEWORD", .oid = "1.2.7", .type = GEN_TAG_RESTRICTIVE,
	    .categories = nato_codeword, .ncategories = 2 },
	{ .name = "NOTE", .oid = "1.2.9", .type = GEN_TAG_INFORMATIVE,
	    .enumerated = 1, .categories = nato_note, .ncategories = 1 },
};

/* The label policy's tables, for an initializer: it gives the rest. */
#define NATO_TABLES .name = "nato", .oid = "1.1", \
	.classifications = nato_classes, .nclassifications = 3, \
	.tagsets = nato_tagsets, .ntagsets = 3

#endif
