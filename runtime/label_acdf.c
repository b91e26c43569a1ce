/*
 * The access decision (see label_int.h), from the tables xedgec built of
 * the clearance's label policy: the label must be of that policy; its
 * classification defined there and no higher than the clearance's; each
 * of its categories of a tag set the policy defines, in the syntax of that
 * tag set's type, and defined there; every restrictive category held;
 * for each permissive tag set it names, at least one of its categories
 * held; informative categories never decide. A category of a syntax the
 * guard does not know, or of a tag set the policy does not define, denies.
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

/* Whether K holds category C. */
static int
label_held(const struct gen_clearance *k, const struct gen_label_category *c)
{
	return (k->held.w[c->bit / 64] >> (c->bit % 64) & 1) != 0;
}

/* The decision for category C of a label against clearance K. */
static const char *
label_category(const struct ess_category *c, const struct gen_clearance *k)
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
	if (t->type == GEN_TAG_INFORMATIVE)
		return NULL;
	for (i = 0; i < c->nvalues; i++) {
		if ((cat = label_category_of(t, c->values[i])) == NULL)
			return LABEL_WHY_CATEGORY;
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
	const struct gen_classification *cl;
	const char *why;
	size_t i;

	if (l == NULL) {
		if (p->missing == NULL)
			return "no security label";
		return p->missing->rank > k->rank ? "no security label, and "
		    "the classification assumed is above the clearance" : NULL;
	}
	if (strcmp(l->policy, p->oid) != 0)
		return "a label of another security policy";
	if ((cl = label_classification(p, l)) == NULL)
		return LABEL_WHY_CLASSIFICATION;
	if (cl->rank > k->rank)
		return "classified above the clearance";
	for (i = 0; i < l->ncategories; i++)
		if ((why = label_category(&l->categories[i], k)) != NULL)
			return why;
	return NULL;
}
