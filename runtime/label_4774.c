/*
 * STANAG 4774 XML confidentiality labels (see label_int.h), read into the
 * form of a decoded ESS label through the same tables:
 *
 *   <originatorConfidentialityLabel xmlns='urn:nato:stanag:4774:...'>
 *     <ConfidentialityInformation>
 *       <PolicyIdentifier URI='urn:oid:1.3.26.1.3.1'>NATO</PolicyIdentifier>
 *       <Classification>RESTRICTED</Classification>
 *       <PrivacyMark>...</PrivacyMark>
 *       <Category TagName='Releasable To' Type='PERMISSIVE'>
 *         <GenericValue>UK</GenericValue> ...
 *       </Category> ...
 *     </ConfidentialityInformation>
 *     <OriginatorID IDType='jID'>...</OriginatorID>
 *     <CreationDateTime>...</CreationDateTime>
 *   </originatorConfidentialityLabel>
 *
 * (alternative and successor labels have the same content). The policy
 * is named by its OID ('URI' or 'URL', both seen in labels of the field)
 * or else by its name; classifications, tag sets and categories by their
 * names; a category's Type says how it decides, and becomes the ESS
 * syntax of an enumerated (or informative) category of the same tag set,
 * so that label_acdf() checks it against the tag set's type. What the
 * label carries beside the confidentiality information (originator,
 * dates) does not decide access, and is not read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label_int.h"

/* Whether E is element NAME of the STANAG 4774 namespace. */
static int
label_4774_is(const struct stanza_node *e, const char *name)
{
	return stanza_is(e, NS_STANAG_4774, name);
}

/* Whether the text of E (one text node) is NAME. */
static int
label_4774_says(const struct stanza_node *e, const char *name)
{
	const struct stanza_node *t = e->children;

	return t != NULL && t->next == NULL && t->kind == STANZA_TEXT &&
	    t->text_len == strlen(name) &&
	    memcmp(t->text, name, t->text_len) == 0;
}

/* The label policy of P that policy identifier E names, or NULL. Sets
 * L->policy to the OID it names, if any. */
static const struct gen_label_policy *
label_4774_policy(const struct stanza_node *e, const struct gen_policy *p,
    struct ess_label *l)
{
	const char *uri = stanza_attr(e, "", "URI");
	size_t i;

	if (uri == NULL)
		uri = stanza_attr(e, "", "URL");
	if (uri != NULL && strncmp(uri, "urn:oid:", 8) == 0 &&
	    strlen(uri + 8) < sizeof(l->policy))
		strcpy(l->policy, uri + 8);
	for (i = 0; i < p->nlabel_policies; i++)
		if (l->policy[0] != '\0' ?
		    strcmp(l->policy, p->label_policies[i].oid) == 0 :
		    label_4774_says(e, p->label_policies[i].name))
			break;
	/* Named, it is read as a label of that policy's OID. */
	if (i == p->nlabel_policies || (size_t)snprintf(l->policy,
	    sizeof(l->policy), "%s", p->label_policies[i].oid) >=
	    sizeof(l->policy))
		return NULL;
	return &p->label_policies[i];
}

/* Reads Category element E of label policy LP into C. Returns NULL, or
 * why it cannot be. */
static const char *
label_4774_category(const struct stanza_node *e,
    const struct gen_label_policy *lp, struct ess_category *c)
{
	static const struct {
		const char *type;
		enum ess_syntax syntax;
	} types[] = {
		{ "RESTRICTIVE", ESS_ENUMERATED_RESTRICTIVE },
		{ "PERMISSIVE", ESS_ENUMERATED_PERMISSIVE },
		{ "INFORMATIVE", ESS_INFORMATIVE },
	};
	const char *tag = stanza_attr(e, "", "TagName");
	const char *type = stanza_attr(e, "", "Type");
	const struct gen_tagset *t = NULL;
	const struct stanza_node *v;
	size_t i, k;

	for (i = 0; tag != NULL && i < lp->ntagsets; i++)
		if (strcmp(tag, lp->tagsets[i].name) == 0)
			t = &lp->tagsets[i];
	for (k = 0; type != NULL && k < sizeof(types) / sizeof(types[0]); k++)
		if (strcmp(type, types[k].type) == 0)
			break;
	if (t == NULL || type == NULL || k == sizeof(types) / sizeof(types[0]))
		return "a category of a tag set or type the policy does not "
		    "define";
	c->syntax = types[k].syntax;
	if ((size_t)snprintf(c->tag, sizeof(c->tag), "%s", t->oid) >=
	    sizeof(c->tag))
		return "a tag set whose OID is longer than the guard reads";
	for (v = e->children; v != NULL; v = v->next) {
		if (v->kind != STANZA_ELEMENT)
			continue;
		if (!label_4774_is(v, "GenericValue"))
			return "a category value that is not a GenericValue";
		for (i = 0; i < t->ncategories &&
		    !label_4774_says(v, t->categories[i].name); i++)
			;
		if (i == t->ncategories)
			return "a category the policy does not define";
		if (c->nvalues == ESS_VALUES_MAX)
			return "more category values than the guard keeps";
		c->values[c->nvalues++] = t->categories[i].lacv;
	}
	qsort(c->values, c->nvalues, sizeof(c->values[0]), ess_value_cmp);
	return NULL;
}

/* Reads ConfidentialityInformation element E into L, mapped through the
 * label policy of P it names. Returns NULL, or why it cannot be. */
static const char *
label_4774_information(const struct stanza_node *e,
    const struct gen_policy *p, struct ess_label *l)
{
	const struct gen_label_policy *lp = NULL;
	const struct stanza_node *c;
	const char *why;
	size_t i;
	int seen = 0;

	for (c = e->children; c != NULL; c = c->next) {
		if (c->kind != STANZA_ELEMENT)
			continue;
		if (label_4774_is(c, "PolicyIdentifier") && !(seen & 1)) {
			seen |= 1;
			if ((lp = label_4774_policy(c, p, l)) == NULL &&
			    l->policy[0] == '\0')
				return "a policy the guard does not know";
		} else if (label_4774_is(c, "Classification") &&
		    seen == 1) {
			seen |= 2;
			for (i = 0; lp != NULL && i < lp->nclassifications;
			    i++)
				if (label_4774_says(c,
				    lp->classifications[i].name))
					l->classification =
					    (int)lp->classifications[i].lacv;
			if (lp != NULL && l->classification < 0)
				return "a classification the policy does not "
				    "define";
		} else if (label_4774_is(c, "PrivacyMark") && seen == 3 &&
		    !l->has_privacy) {
			/* A privacy mark never decides: taken as it is. */
			l->has_privacy = 1;
		} else if (label_4774_is(c, "Category") && (seen & 2)) {
			if (l->ncategories == ESS_CATEGORIES_MAX)
				return "more categories than the guard keeps";
			if (lp != NULL && (why = label_4774_category(c, lp,
			    &l->categories[l->ncategories++])) != NULL)
				return why;
		} else
			return "a confidentiality label of the wrong structure";
	}
	return seen == 3 ? NULL : "a confidentiality label without its policy "
	    "or classification";
}

int
label_4774_read(const struct stanza_node *xml, const struct gen_policy *p,
    struct ess_label *l, const char **why)
{
	const struct stanza_node *c, *info = NULL;

	memset(l, 0, sizeof(*l));
	l->classification = -1;
	*why = "a STANAG 4774 element that is no confidentiality label";
	if (!label_4774_is(xml, "originatorConfidentialityLabel") &&
	    !label_4774_is(xml, "alternativeConfidentialityLabel") &&
	    !label_4774_is(xml, "successorConfidentialityLabel"))
		return -1;
	for (c = xml->children; c != NULL; c = c->next)
		if (label_4774_is(c, "ConfidentialityInformation")) {
			if (info != NULL) {
				*why = "two confidentiality informations";
				return -1;
			}
			info = c;
		}
	if (info == NULL) {
		*why = "a confidentiality label without its information";
		return -1;
	}
	return (*why = label_4774_information(info, p, l)) == NULL ? 0 : -1;
}
