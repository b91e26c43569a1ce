/*
 * The rules a SPIF ties categories to classifications by (see spif.h):
 * a classification's requiredCategory, read once the tag sets it names
 * are, and a category's excludedClass. The label stage enforces them as
 * the policy's own "require" and "excludes" would be.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "spif_int.h"
#include "xmalloc.h"

/* Keeps the requiredCategory children of classification NODE, called
 * CLS, to read once the tag sets are (see spif_requires). */
void
spif_defer_required(struct spif_reader *r, const xmlNode *node,
    const char *cls)
{
	const xmlNode *c;

	for (c = node->children; c != NULL; c = c->next) {
		if (!spif_is(c, "requiredCategory"))
			continue;
		r->required = xreallocarray(r->required, r->nrequired + 1,
		    sizeof(*r->required));
		r->required[r->nrequired++] = (struct spif_required){ c, cls };
	}
}

/*
 * Returns a copy of the text of element NODE without the white space
 * around it (caller frees), or NULL after reporting it empty or holding a
 * control character.
 */
static char *
spif_content(struct spif_reader *r, const xmlNode *node)
{
	struct ast_loc loc = spif_loc(r, node);
	xmlChar *text = xmlNodeGetContent(node);
	const char *p = text != NULL ? (const char *)text : "";
	size_t len, i;
	char *s = NULL;

	p += strspn(p, " \t\r\n");
	for (len = strlen(p); len > 0 && strchr(" \t\r\n", p[len - 1]); len--)
		;
	for (i = 0; i < len && (unsigned char)p[i] >= 0x20 && p[i] != 0x7f;
	    i++)
		;
	if (len == 0)
		diag_error(&loc, "empty %s", (const char *)node->name);
	else if (i < len)
		diag_error(&loc, "%s holds a control character",
		    (const char *)node->name);
	else
		s = xstrfmt("%.*s", (int)len, p);
	xmlFree(text);
	return s;
}

/* Adds the classifications the excludedClass children of tagCategory
 * NODE name to the excludes of category V, each once: a category given
 * in two tags of its tag set excludes what either excludes. */
void
spif_excluded(struct spif_reader *r, const xmlNode *node,
    struct m_label_value *v)
{
	const xmlNode *c;
	char *name;
	size_t i;

	for (c = node->children; c != NULL; c = c->next) {
		if (!spif_is(c, "excludedClass"))
			continue;
		spif_attrs(r, c, (const char *const[]){ NULL });
		if ((name = spif_content(r, c)) == NULL)
			continue;
		for (i = 0; i < v->nexcludes &&
		    strcmp(v->excludes[i].name, name) != 0; i++)
			;
		if (i < v->nexcludes) {
			free(name);
			continue;
		}
		v->excludes = xreallocarray(v->excludes, v->nexcludes + 1,
		    sizeof(*v->excludes));
		v->excludes[v->nexcludes++] = (struct m_label_ref){ name,
		    spif_loc(r, c), 0, 0 };
	}
}

/*
 * Adds to requirement REQ the category categoryGroup NODE names: by the
 * name of its tag set, the tag's type and the category's lacv. A group
 * without a lacv (a whole tag set) is not read.
 */
static void
spif_group(struct spif_reader *r, const xmlNode *node, struct m_require *req)
{
	static const char *const known[] = { "tagSetRef", "tagType",
	    "enumType", "lacv", "all", NULL };
	const struct m_label_policy *lp = r->lp;
	struct ast_loc loc = spif_loc(r, node);
	const struct m_tagset *ts = NULL;
	enum ast_tag_type type;
	long long lacv;
	size_t i;
	char *name;
	int enumerated;

	spif_attrs(r, node, known);
	spif_others(r, node);
	if (spif_narrows(node, "all", "false"))
		spif_notice(r, node, "attribute", "all", 1, "a categoryGroup "
		    "names one category, by its lacv");
	if ((name = spif_text(r, node, "tagSetRef", 1)) == NULL)
		return;
	for (i = 0; i < lp->ntagsets && ts == NULL; i++)
		if (strcmp(lp->tagsets[i].name, name) == 0)
			ts = &lp->tagsets[i];
	if (ts == NULL)
		diag_error(&loc, "categoryGroup of tagset '%s', which the SPIF "
		    "does not define", name);
	free(name);
	if (spif_tag_type(r, node, &type, &enumerated) == -1 ||
	    spif_number(r, node, "lacv", 0, UINT32_MAX, &lacv) == -1 ||
	    ts == NULL)
		return;
	if (type != ts->type) {
		diag_error(&loc, "categoryGroup of a %s tag: tagset '%s' is "
		    "%s", ast_tag_type_name(type), ts->name,
		    ast_tag_type_name(ts->type));
		return;
	}
	for (i = 0; i < ts->ncats && ts->cats[i].lacv != lacv; i++)
		;
	if (i == ts->ncats) {
		diag_error(&loc, "categoryGroup of lacv %lld, which tagset "
		    "'%s' does not define", lacv, ts->name);
		return;
	}
	req->cats = xreallocarray(req->cats, req->ncats + 1,
	    sizeof(*req->cats));
	req->cats[req->ncats++] = (struct m_label_ref){
	    xstrdup(ts->cats[i].name), loc, 0, 0 };
}

/* Reads requiredCategory NODE of classification V: its operation and
 * the categories of its categoryGroup children. */
static void
spif_require(struct spif_reader *r, const xmlNode *node,
    struct m_label_value *v)
{
	static const char *const ops[] = { [REQUIRE_EXACTLY_ONE] = "onlyOne",
	    [REQUIRE_ONE_OR_MORE] = "oneOrMore", [REQUIRE_ALL] = "all" };
	struct m_require req = { .loc = spif_loc(r, node) };
	const xmlNode *c;
	size_t i, n = sizeof(ops) / sizeof(ops[0]);
	char *op;
	int ok;

	spif_attrs(r, node, (const char *const[]){ "operation", NULL });
	if ((op = spif_text(r, node, "operation", 1)) == NULL)
		return;
	for (i = 0; i < n && strcmp(op, ops[i]) != 0; i++)
		;
	if ((ok = i < n) == 0)
		diag_error(&req.loc, "unknown operation '%s' of "
		    "requiredCategory (onlyOne, oneOrMore or all)", op);
	req.op = (enum ast_require_op)i;
	free(op);
	for (c = node->children; c != NULL; c = c->next) {
		if (spif_is(c, "categoryGroup"))
			spif_group(r, c, &req);
		else
			spif_other(r, c);
	}
	if (ok && req.ncats == 0)
		diag_error(&req.loc, "requiredCategory without a categoryGroup "
		    "read");
	if (!ok || req.ncats == 0) {
		model_label_refs_free(req.cats, req.ncats);
		return;
	}
	v->requires = xreallocarray(v->requires, v->nrequires + 1,
	    sizeof(*v->requires));
	v->requires[v->nrequires++] = req;
}

/* Reads the requiredCategory elements kept by spif_defer_required, into
 * the classifications they belong to, now that the tag sets are read
 * and their categories named. */
void
spif_requires(struct spif_reader *r)
{
	struct m_label_policy *lp = r->lp;
	size_t i, k;

	for (i = 0; i < r->nrequired; i++) {
		/* Found: the classification was added with this name. */
		for (k = 0; lp->cls[k].name != r->required[i].cls; k++)
			;
		spif_require(r, r->required[i].node, &lp->cls[k]);
	}
	free(r->required);
	r->required = NULL;
	r->nrequired = 0;
}
