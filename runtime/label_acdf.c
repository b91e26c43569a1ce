/*
 * The access decision (see label_int.h), from the tables xedgec built of
 * the clearance's label policy: the label must be of that policy; its
 * classification defined there and no higher than the clearance's; each
 * of its categories of a tag set the policy defines, in the syntax of that
 * tag set's type, and defined there; every restrictive category held;
 * for each permissive tag set it names, at least one of its categories
 * held; informative categories never decide. A category of a syntax the
 * guard does not know, or of a tag set the policy does not define, denies.
 * The label must also keep the policy's own rules, whatever the
 * clearance (SPIF excludedClass and requiredCategory): no category it
 * carries, informative ones included, excludes its classification, and
 * it carries the categories its classification requires.
 */
#include <stdlib.h>
#include <string.h>

#include "label_int.h"

/* Orders a classification's value against a gen_classification. */
static int
label_lacv_cmp(const void *k, const void *e)
{
	uint32_t a = *(const uint32_t *)k;
	uint32_t b = ((const struct gen_classification *)e)->lacv;

	return (a > b) - (a < b);
}

/* Orders a category's value against a gen_label_category. */
static int
label_cat_cmp(const void *k, const void *e)
{
	uint32_t a = *(const uint32_t *)k;
	uint32_t b = ((const struct gen_label_category *)e)->lacv;

	return (a > b) - (a < b);
}

/* Orders an OID (dotted) against a gen_tagset's. */
static int
label_tagset_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct gen_tagset *)e)->oid);
}

const struct gen_classification *
label_classification(const struct gen_label_policy *p,
    const struct ess_label *l)
{
	/* An absent classification is ESS's "unmarked", 0. */
	uint32_t lacv = l->classification < 0 ? 0 :
	    (uint32_t)l->classification;

	return bsearch(&lacv, p->classifications, p->nclassifications,
	    sizeof(struct gen_classification), label_lacv_cmp);
}

const struct gen_tagset *
label_tagset(const struct gen_label_policy *p, const char *oid)
{
	/* A label policy may have no tag set, and then no table. */
	return p->ntagsets == 0 ? NULL : bsearch(oid, p->tagsets, p->ntagsets,
	    sizeof(struct gen_tagset), label_tagset_cmp);
}

const struct gen_label_category *
label_category_of(const struct gen_tagset *t, uint32_t lacv)
{
	return bsearch(&lacv, t->categories, t->ncategories,
	    sizeof(struct gen_label_category), label_cat_cmp);
}

/* Whether category syntax S is how tag sets of type T are written. */
static int
label_syntax_fits(enum ess_syntax s, enum gen_tag_type t)
{
	switch (t) {
	case GEN_TAG_RESTRICTIVE:
		return s == ESS_RESTRICTIVE || s == ESS_ENUMERATED_RESTRICTIVE;
	case GEN_TAG_PERMISSIVE:
		return s == ESS_PERMISSIVE || s == ESS_ENUMERATED_PERMISSIVE;
	case GEN_TAG_INFORMATIVE:
		return s == ESS_INFORMATIVE;
	}
	return 0;
}

/* Whether bit B of S is set. */
static int
label_bit(const struct gen_label_bits *s, unsigned b)
{
	return (s->w[b / 64] >> (b % 64) & 1) != 0;
}

/* Whether K holds category C. */
static int
label_held(const struct gen_clearance *k, const struct gen_label_category *c)
{
	return label_bit(&k->held, c->bit);
}

/* The reasons of a label the policy's own rules refuse. */
#define LABEL_RULES "a label the security policy's rules refuse: "

/*
 * The requirement of classification CL that a label of it carrying the
 * categories CARRIED does not meet, as a reason, or NULL: for each, of
 * its categories, the label carries exactly one, one or more, or all.
 */
static const char *
label_required(const struct gen_classification *cl,
    const struct gen_label_bits *carried)
{
	const struct gen_label_require *req;
	unsigned n, want;
	size_t i, w;

	for (i = 0; i < cl->nrequires; i++) {
		req = &cl->requires[i];
		n = want = 0;
		for (w = 0; w < GEN_LABEL_BITS / 64; w++) {
			n += (unsigned)__builtin_popcountll(req->cats.w[w] &
			    carried->w[w]);
			want += (unsigned)__builtin_popcountll(req->cats.w[w]);
		}
		if (req->op == GEN_REQUIRE_ONE && n != 1)
			return LABEL_RULES "not exactly one of the categories "
			    "of which its classification requires one";
		if (req->op == GEN_REQUIRE_SOME && n == 0)
			return LABEL_RULES "none of the categories of which its "
			    "classification requires one or more";
		if (req->op == GEN_REQUIRE_ALL && n != want)
			return LABEL_RULES "a category its classification "
			    "requires is missing";
	}
	return NULL;
}

/*
 * The decision for category C of a label of classification CL against
 * clearance K; the categories found are added to *CARRIED unless it is
 * NULL (CL requires none). A value of an informative tag set that the
 * policy does not define is let be: it never decides.
 */
static const char *
label_category(const struct ess_category *c, const struct gen_clearance *k,
    const struct gen_classification *cl, struct gen_label_bits *carried)
{
	const struct gen_tagset *t;
	const struct gen_label_category *cat;
	size_t i;
	int any = 0;

	if (c->syntax == ESS_UNKNOWN)
		return LABEL_WHY_SYNTAX;
	if ((t = label_tagset(k->policy, c->tag)) == NULL)
		return LABEL_WHY_TAGSET;
	if (!label_syntax_fits(c->syntax, t->type))
		return "a security category in a syntax its tag set does not "
		    "take";
	for (i = 0; i < c->nvalues; i++) {
		cat = label_category_of(t, c->values[i]);
		if (cat == NULL && t->type == GEN_TAG_INFORMATIVE)
			continue;
		if (cat == NULL)
			return LABEL_WHY_CATEGORY;
		if (label_bit(&cat->excluded, cl->rank))
			return LABEL_RULES "a category that excludes its "
			    "classification";
		if (carried != NULL)
			carried->w[cat->bit / 64] |= (uint64_t)1 <<
			    (cat->bit % 64);
		if (t->type == GEN_TAG_INFORMATIVE)
			continue;
		if (t->type == GEN_TAG_RESTRICTIVE && !label_held(k, cat))
			return "a restrictive category the destination or "
			    "source does not hold";
		any |= label_held(k, cat);
	}
	if (t->type == GEN_TAG_PERMISSIVE && c->nvalues > 0 && !any)
		return "no permissive category of a tag set held";
	return NULL;
}

const char *
label_acdf(const struct ess_label *l, const struct gen_clearance *k)
{
	const struct gen_label_policy *p = k->policy;
	static const struct gen_label_bits none;
	const struct gen_classification *cl;
	struct gen_label_bits carried, *gather = NULL;
	const char *why;
	size_t i;

	if (l == NULL) {
		if (p->missing == NULL)
			return "no security label";
		if (p->missing->rank > k->rank)
			return "no security label, and the classification "
			    "assumed is above the clearance";
		return label_required(p->missing, &none);
	}
	if (strcmp(l->policy, p->oid) != 0)
		return "a label of another security policy";
	if ((cl = label_classification(p, l)) == NULL)
		return LABEL_WHY_CLASSIFICATION;
	if (cl->rank > k->rank)
		return "classified above the clearance";
	/* Most classifications require nothing: their labels' categories
	 * need not be gathered. */
	if (cl->nrequires > 0) {
		memset(&carried, 0, sizeof(carried));
		gather = &carried;
	}
	for (i = 0; i < l->ncategories; i++)
		if ((why = label_category(&l->categories[i], k, cl,
		    gather)) != NULL)
			return why;
	return gather != NULL ? label_required(cl, gather) : NULL;
}
