/*
 * The equivalences of a SPIF (see spif.h): what a classification or
 * category of its policy is in another policy, and which way that holds.
 *
 * An equivalence names the other policy by policyRef, the name of one of
 * the policies equivalentPolicies lists at the end of the file, so each
 * is bound to its policy once the file is read; a policyRef that is an
 * OID is taken as the policy of that OID, as some SPIFs write it. The
 * equivalences are kept by value: whether the other policy is a label
 * policy of the policy file, and what the values name in it, is known
 * only once every label policy is read (resolve_equiv.c). Categories an
 * equivalence adds to the label it makes (requiredCategory) are noted,
 * to be refused there if the equivalence is used.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "spif_int.h"
#include "xmalloc.h"

/* Reads attribute 'applied' of equivalence NODE into *APPLIED (enum
 * spif_applied bits). Returns 0, or -1 after an error. */
static int
spif_applied(struct spif_reader *r, const xmlNode *node, unsigned *applied)
{
	char *v = spif_text(r, node, "applied", 1);
	int rc = 0;

	if (v == NULL)
		return -1;
	if (strcmp(v, "encrypt") == 0)
		*applied = SPIF_APPLIED_INTO;
	else if (strcmp(v, "decrypt") == 0)
		*applied = SPIF_APPLIED_FROM;
	else if (strcmp(v, "both") == 0)
		*applied = SPIF_APPLIED_INTO | SPIF_APPLIED_FROM;
	else {
		diag_error((struct ast_loc[]){ spif_loc(r, node) }, "unknown "
		    "applied '%s' of %s (encrypt, decrypt or both)", v,
		    (const char *)node->name);
		rc = -1;
	}
	free(v);
	return rc;
}

/* Reads the children of equivalence NODE, which may only add categories
 * to the label it makes, and returns whether it does. */
static int
spif_adds(struct spif_reader *r, const xmlNode *node)
{
	const xmlNode *c;
	int adds = 0;

	for (c = node->children; c != NULL; c = c->next) {
		if (spif_is(c, "requiredCategory"))
			adds = 1;
		else
			spif_other(r, c);
	}
	return adds;
}

/* Appends equivalence E, of NODE, to the reader's, with its policyRef
 * REF (which the reader takes). */
static void
spif_equiv_add(struct spif_reader *r, const xmlNode *node,
    struct spif_equiv *e, char *ref)
{
	struct spif_equivs *eq = r->eq;

	e->loc = spif_loc(r, node);
	eq->v = xreallocarray(eq->v, eq->n + 1, sizeof(*eq->v));
	r->refs = xreallocarray(r->refs, eq->n + 1, sizeof(*r->refs));
	r->refs[eq->n] = ref;
	eq->v[eq->n++] = *e;
}

void
spif_equivalent_classification(struct spif_reader *r, const xmlNode *node,
    uint32_t lacv)
{
	static const char *const known[] = { "policyRef", "lacv", "applied",
	    NULL };
	struct spif_equiv e = { .kind = SPIF_EQUIV_CLASSIFICATION,
	    .lacv = lacv };
	long long to;
	char *ref;
	int ok;

	spif_attrs(r, node, known);
	e.adds = spif_adds(r, node);
	ref = spif_text(r, node, "policyRef", 1);
	ok = spif_number(r, node, "lacv", 0, UINT32_MAX, &to) == 0;
	ok = spif_applied(r, node, &e.applied) == 0 && ok;
	if (ref == NULL || !ok) {
		free(ref);
		return;
	}
	e.to_lacv = (uint32_t)to;
	spif_equiv_add(r, node, &e, ref);
}

/*
 * Reads equivalentSecCategoryTag NODE of the category of value LACV in
 * the tag set of OID TAGSET. One whose action is "discard" says the
 * category may be left out of the label made into the other policy: the
 * guard does not, and takes the category as having no equivalent there
 * (a label carrying it is not relabelled).
 */
void
spif_equivalent_category(struct spif_reader *r, const xmlNode *node,
    const char *tagset, uint32_t lacv)
{
	static const char *const known[] = { "policyRef", "tagSetId",
	    "tagType", "enumType", "lacv", "applied", "action", NULL };
	struct spif_equiv e = { .kind = SPIF_EQUIV_CATEGORY, .lacv = lacv };
	char *ref, *action;
	long long to = 0;
	int ok, enumerated;

	spif_attrs(r, node, known);
	ref = spif_text(r, node, "policyRef", 1);
	ok = spif_applied(r, node, &e.applied) == 0;
	if ((action = spif_text(r, node, "action", 0)) != NULL) {
		e.none = strcmp(action, "discard") == 0;
		if (e.none)
			spif_notice(r, node, "attribute", "action", 0, "the "
			    "category is not discarded: a label carrying it "
			    "is not relabelled");
		else
			diag_error((struct ast_loc[]){ spif_loc(r, node) },
			    "unknown action '%s' of equivalentSecCategoryTag "
			    "(discard)", action);
		ok = e.none && ok;
		free(action);
	} else {
		e.to_tagset = spif_text(r, node, "tagSetId", 1);
		ok = spif_tag_type(r, node, &e.to_type, &enumerated) == 0 &&
		    ok;
		ok = spif_number(r, node, "lacv", 0, UINT32_MAX, &to) == 0 &&
		    e.to_tagset != NULL && ok;
	}
	if (ref == NULL || !ok) {
		free(ref);
		free(e.to_tagset);
		return;
	}
	e.tagset = xstrdup(tagset);
	e.to_lacv = (uint32_t)to;
	spif_equiv_add(r, node, &e, ref);
}

/* Reads equivalentSecurityCategoryTagSet NODE: it maps no category, and
 * is kept for the categories it may add. */
void
spif_equivalent_tagset(struct spif_reader *r, const xmlNode *node)
{
	static const char *const known[] = { "policyRef", "name", "id",
	    NULL };
	struct spif_equiv e = { .kind = SPIF_EQUIV_TAGSET };
	char *ref;

	spif_attrs(r, node, known);
	e.adds = spif_adds(r, node);
	if ((ref = spif_text(r, node, "policyRef", 1)) != NULL)
		spif_equiv_add(r, node, &e, ref);
}

/* Appends the policy of NAME and OID, at LOC, to those of EQ (which
 * takes both) and returns its index. */
static size_t
spif_policy_add(struct spif_equivs *eq, char *name, char *oid,
    const struct ast_loc *loc)
{
	eq->policies = xreallocarray(eq->policies, eq->npolicies + 1,
	    sizeof(*eq->policies));
	eq->policies[eq->npolicies] = (struct spif_policy){ name, oid, 0,
	    *loc };
	return eq->npolicies++;
}

/* The index of the policy of EQ called NAME, or -1. */
static int
spif_policy_named(const struct spif_equivs *eq, const char *name)
{
	size_t i;

	for (i = 0; i < eq->npolicies &&
	    strcmp(eq->policies[i].name, name) != 0; i++)
		;
	return i < eq->npolicies ? (int)i : -1;
}

/* The index of the policy of EQ a policyRef REF names: the one called
 * REF, else the one of OID REF, or -1. */
static int
spif_policy_find(const struct spif_equivs *eq, const char *ref)
{
	size_t i;
	int k;

	if ((k = spif_policy_named(eq, ref)) >= 0)
		return k;
	for (i = 0; i < eq->npolicies; i++)
		if (strcmp(eq->policies[i].oid, ref) == 0)
			return (int)i;
	return -1;
}

void
spif_equivalent_policies(struct spif_reader *r, const xmlNode *node)
{
	static const char *const known[] = { "name", "id", "userRefURI",
	    "docRefURI", NULL };
	static const char *const none[] = { NULL };
	struct ast_loc loc;
	const xmlNode *c;
	char *name, *oid;
	size_t k;
	int adds;

	spif_attrs(r, node, none);
	for (c = node->children; c != NULL; c = c->next) {
		if (!spif_is(c, "equivalentPolicy")) {
			spif_other(r, c);
			continue;
		}
		spif_attrs(r, c, known);
		loc = spif_loc(r, c);
		adds = spif_adds(r, c);
		name = spif_text(r, c, "name", 1);
		oid = spif_text(r, c, "id", 1);
		if (name != NULL && spif_policy_named(r->eq, name) >= 0) {
			diag_error(&loc, "second equivalentPolicy named '%s'",
			    name);
			free(oid);
			oid = NULL;
		}
		if (name == NULL || oid == NULL) {
			free(name);
			free(oid);
			continue;
		}
		k = spif_policy_add(r->eq, name, oid, &loc);
		r->eq->policies[k].adds = adds;
	}
}

const char *
spif_equiv_element(enum spif_equiv_kind kind)
{
	return kind == SPIF_EQUIV_CLASSIFICATION ? "equivalentClassification" :
	    kind == SPIF_EQUIV_CATEGORY ? "equivalentSecCategoryTag" :
	    "equivalentSecurityCategoryTagSet";
}

/* Whether REF is written as an OID: digits joined by dots. */
static int
spif_is_oid(const char *ref)
{
	return ref[0] >= '0' && ref[0] <= '9' &&
	    strspn(ref, "0123456789.") == strlen(ref);
}

void
spif_equivalents_bind(struct spif_reader *r)
{
	struct spif_equivs *eq = r->eq;
	struct spif_equiv *e;
	size_t i, kept = 0;
	int k;

	for (i = 0; i < eq->n; i++) {
		e = &eq->v[i];
		if ((k = spif_policy_find(eq, r->refs[i])) < 0 &&
		    spif_is_oid(r->refs[i]))
			k = (int)spif_policy_add(eq, xstrdup(r->refs[i]),
			    xstrdup(r->refs[i]), &e->loc);
		if (k < 0) {
			diag_error(&e->loc, "policyRef '%s' of %s names no "
			    "equivalentPolicy", r->refs[i],
			    spif_equiv_element(e->kind));
			free(e->tagset);
			free(e->to_tagset);
		} else {
			e->policy = (size_t)k;
			eq->v[kept++] = *e;
		}
		free(r->refs[i]);
	}
	eq->n = kept;
	free(r->refs);
	r->refs = NULL;
}

void
spif_equivs_free(struct spif_equivs *eq)
{
	size_t i;

	for (i = 0; i < eq->npolicies; i++) {
		free(eq->policies[i].name);
		free(eq->policies[i].oid);
	}
	free(eq->policies);
	for (i = 0; i < eq->n; i++) {
		free(eq->v[i].tagset);
		free(eq->v[i].to_tagset);
	}
	free(eq->v);
	memset(eq, 0, sizeof(*eq));
}
