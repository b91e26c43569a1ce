/*
 * Relabelling (see label_int.h): a label of one label policy rewritten as
 * its equivalent in another, through the tables xedgec built of the
 * policy's "equivalent" statements and the SPIFs' equivalences. Every
 * part of the label must have an equivalent: a label only partly mapped
 * would cross carrying less than it said, so it does not cross at all.
 */
#include <stdlib.h>
#include <string.h>

#include "label_int.h"

/* The syntax a label the guard writes gives a category of tag set T. */
static enum ess_syntax
label_map_syntax(const struct gen_tagset *t)
{
	switch (t->type) {
	case GEN_TAG_RESTRICTIVE:
		return t->enumerated ? ESS_ENUMERATED_RESTRICTIVE :
		    ESS_RESTRICTIVE;
	case GEN_TAG_PERMISSIVE:
		return t->enumerated ? ESS_ENUMERATED_PERMISSIVE :
		    ESS_PERMISSIVE;
	case GEN_TAG_INFORMATIVE:
		break;
	}
	return ESS_INFORMATIVE;
}

/* Adds category C of tag set T to OUT. Returns NULL, or why not. */
static const char *
label_map_add(struct ess_label *out, const struct gen_tagset *t,
    const struct gen_label_category *c)
{
	struct ess_category *o;
	size_t i;

	for (i = 0; i < out->ncategories &&
	    strcmp(out->categories[i].tag, t->oid) != 0; i++)
		;
	o = &out->categories[i];
	if (i == out->ncategories) {
		if (i == ESS_CATEGORIES_MAX)
			return "more categories than a label holds, relabelled";
		out->ncategories++;
		o->syntax = label_map_syntax(t);
		/* xedgec bounds an OID to ESS_OID_MAX with its NUL. */
		strcpy(o->tag, t->oid);
		o->nvalues = 0;
	}
	for (i = 0; i < o->nvalues; i++)
		if (o->values[i] == c->lacv)
			return NULL;
	if (o->nvalues == ESS_VALUES_MAX)
		return "more category values than a label holds, relabelled";
	o->values[o->nvalues++] = c->lacv;
	return NULL;
}

/* Maps category C of a label of FROM into OUT through M. */
static const char *
label_map_category(const struct ess_category *c,
    const struct gen_label_policy *from, const struct gen_label_map *m,
    struct ess_label *out)
{
	const struct gen_tagset *t;
	const struct gen_label_category *cat;
	const struct gen_label_map_category *to;
	const char *why;
	size_t i;

	if (c->syntax == ESS_UNKNOWN)
		return LABEL_WHY_SYNTAX;
	if ((t = label_tagset(from, c->tag)) == NULL)
		return LABEL_WHY_TAGSET;
	for (i = 0; i < c->nvalues; i++) {
		if ((cat = label_category_of(t, c->values[i])) == NULL)
			return LABEL_WHY_CATEGORY;
		to = &m->categories[cat->bit];
		if (to->tagset == NULL)
			return "a security category with no equivalent in the "
			    "destination's security policy";
		if ((why = label_map_add(out, to->tagset, to->category)) !=
		    NULL)
			return why;
	}
	return NULL;
}

const char *
label_map(const struct ess_label *l, const struct gen_label_policy *from,
    const struct gen_label_map *m, struct ess_label *out)
{
	const struct gen_classification *cl, *to;
	const char *why;
	size_t i;

	if ((cl = label_classification(from, l)) == NULL)
		return LABEL_WHY_CLASSIFICATION;
	if ((to = m->classifications[cl - from->classifications]) == NULL)
		return "a classification with no equivalent in the "
		    "destination's security policy";
	/* The label's header, not its 25 KiB of categories. */
	memcpy(out->policy, m->to->oid, strlen(m->to->oid) + 1);
	out->classification = (int)to->lacv;
	out->has_privacy = l->has_privacy;
	out->privacy_utf8 = l->privacy_utf8;
	memcpy(out->privacy, l->privacy, sizeof(out->privacy));
	out->ncategories = 0;
	for (i = 0; i < l->ncategories; i++)
		if ((why = label_map_category(&l->categories[i], from, m,
		    out)) != NULL)
			return why;
	for (i = 0; i < out->ncategories; i++)
		qsort(out->categories[i].values, out->categories[i].nvalues,
		    sizeof(uint32_t), ess_value_cmp);
	return NULL;
}
