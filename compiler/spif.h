/*
 * A label policy read from an Open XML SPIF (Security Policy Information
 * File, namespace http://www.xmlspif.org/spif) when the policy is
 * compiled: see xedge.policy(5), LABELS, "Reading a SPIF", for what is
 * read and what each element xedge does not use does.
 */
#ifndef XEDGEC_SPIF_H
#define XEDGEC_SPIF_H

#include "model.h"

/* Which way an equivalence of a SPIF applies (its 'applied'): into the
 * other policy ("encrypt": by the originator, for a recipient cleared in
 * it), out of it ("decrypt": by a recipient of this policy), or both. */
enum spif_applied { SPIF_APPLIED_INTO = 1, SPIF_APPLIED_FROM = 2 };

/* What an equivalence is of. A tag set's (equivalentSecurityCategory-
 * TagSet) maps nothing: it matters only for the categories it adds. */
enum spif_equiv_kind { SPIF_EQUIV_CLASSIFICATION, SPIF_EQUIV_CATEGORY,
    SPIF_EQUIV_TAGSET };

/*
 * An equivalence a SPIF gives between a classification or category of
 * its own policy and one of another policy: both by value (and tag set
 * OID), for names are known only once every label policy is read.
 */
struct spif_equiv {
	enum spif_equiv_kind kind;
	size_t policy;			/* index into spif_equivs.policies */
	unsigned applied;		/* enum spif_applied bits */
	uint32_t lacv;			/* the SPIF's own classification's or
					 * category's value */
	char *tagset;			/* a category's tag set OID */
	uint32_t to_lacv;		/* its equivalent's value */
	char *to_tagset;		/* its equivalent's tag set OID */
	enum ast_tag_type to_type;	/* the type the SPIF gives that tag set */
	int none;			/* a category the SPIF lets the label
					 * made leave out ("discard"): it has
					 * no equivalent, into the other
					 * policy only */
	int adds;			/* it adds categories (requiredCategory) */
	struct ast_loc loc;		/* its line of the SPIF */
};

/* A policy the SPIF's equivalences are into (equivalentPolicy). */
struct spif_policy {
	char *name;
	char *oid;
	int adds;			/* categories are added on the way in */
	struct ast_loc loc;
};

/* The equivalences of a SPIF; all-zero is none. */
struct spif_equivs {
	struct spif_policy *policies;
	size_t npolicies;
	struct spif_equiv *v;
	size_t n;
};

/*
 * Reads the SPIF named by FILE, the string of a label-policy statement
 * (a path relative to the directory of the policy file it is written
 * in), into the zeroed *DRAFT: spif_name and oid, the classifications
 * lowest first with their display markings (the phrases of language
 * LANG; NULL: none asked for) and the categories they require, and the
 * tag sets with their categories and the classifications each excludes,
 * a category named as in another tag set renamed "TAGSET:CATEGORY"
 * (requirements name them so; names a rule gives are left to bind); and
 * its equivalences into the zeroed *EQ, each of a policy it lists.
 * Each item is located at its line of the SPIF (see source.h); names are
 * left for the caller to find repeated. The file is read as the policy's
 * own are (src_load), so that the digest and the dependencies cover it.
 * The caller owns what DRAFT and EQ hold, whatever the outcome. Returns
 * 0, or -1 after reporting errors.
 */
int spif_read(const struct ast_value *file, const char *lang,
    struct m_label_policy *draft, struct spif_equivs *eq);

/* The element an equivalence of kind KIND is read from, for messages. */
const char *spif_equiv_element(enum spif_equiv_kind kind);

/* Frees what EQ holds and zeroes it. */
void spif_equivs_free(struct spif_equivs *eq);

#endif
