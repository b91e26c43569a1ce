/*
 * Reading a label policy from a SPIF (see spif.h).
 *
 * Elements are matched by local name, in the SPIF namespace or in none:
 * published SPIFs leave the namespace out of the whole file or of some
 * elements. Every element and attribute of the file is either read (the
 * equivalences by spif_equiv.c), or reported: a warning for what does not
 * change which labels may cross (display qualifiers), an error for what
 * would have the guard pass labels the SPIF refuses (rules tying
 * categories to one another, selection bounds) and for what is unknown.
 * Each kind of item left unused is reported once a file, at its first
 * place, with a count, so that a SPIF of many categories does not bury
 * the rest.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "diag.h"
#include "include.h"
#include "source.h"
#include "spif_int.h"
#include "xmalloc.h"

#define SPIF_NS "http://www.xmlspif.org/spif"

/* Why an item is left unused. */
static const char spif_refused[] = "the guard would pass labels the SPIF "
    "refuses";

/* What becomes of the elements the reader does not read where they are
 * met: ERROR or a warning, and why. Any other element is an error. */
static const struct spif_unused {
	const char *name;
	int error;
	const char *why;
} spif_unused[] = {
	{ "defaultSecurityPolicyId", 0, "a stanza without a label is denied" },
	{ "updateInfo", 0, "it carries nothing the guard decides by" },
	{ "privacyMarks", 0, "a privacy mark never decides access" },
	{ "markingData", 0, "only a classification has a display marking" },
	{ "markingQualifier", 0, "a display marking is the phrase alone" },
	{ "extensions", 0, "vendor extensions are not interpreted" },
	/* Met here in a category: a classification's are read. */
	{ "requiredCategory", 1, "only a classification's is read: the guard "
	    "would pass labels the SPIF refuses" },
	{ "excludedCategory", 1, spif_refused },
};

/* The marking codes that say where a document shows its marking: a
 * message shows one display marking, so they do not apply. The others
 * change the marking's text. */
static const char *const spif_code_places[] = { "pageTop", "pageBottom",
    "pageTopBottom", "documentStart", "documentEnd", "firstLineOfText",
    "lastLineOfText", "subject", "xHeader", "portionMarking", "inputTitle",
    "waterMark", NULL };

/* An item of the file reported once: its first place and how often. */
struct spif_notice {
	const char *kind;		/* "element" or "attribute" */
	char *name;
	const char *why;		/* NULL: unknown */
	int error;
	struct ast_loc loc;
	unsigned count;
};

struct ast_loc
spif_loc(const struct spif_reader *r, const xmlNode *node)
{
	int line = (int)xmlGetLineNo(node);

	return (struct ast_loc){ r->src, line, 1, line, 1 };
}

/* Whether NODE is an element of the SPIF namespace, or of none. */
static int
spif_ours(const xmlNode *node)
{
	return node->type == XML_ELEMENT_NODE && (node->ns == NULL ||
	    strcmp((const char *)node->ns->href, SPIF_NS) == 0);
}

int
spif_is(const xmlNode *node, const char *name)
{
	return spif_ours(node) && strcmp((const char *)node->name, name) == 0;
}

void
spif_notice(struct spif_reader *r, const xmlNode *node, const char *kind,
    const char *name, int error, const char *why)
{
	struct spif_notice *n;
	size_t i;

	for (i = 0; i < r->nnotices; i++) {
		n = &r->notices[i];
		if (strcmp(n->kind, kind) == 0 && strcmp(n->name, name) == 0 &&
		    n->why == why) {
			n->count++;
			return;
		}
	}
	r->notices = xreallocarray(r->notices, r->nnotices + 1,
	    sizeof(*r->notices));
	r->notices[r->nnotices++] = (struct spif_notice){ kind,
	    xstrdup(name), why, error, spif_loc(r, node), 1 };
}

/* Reports the items counted by spif_notice, and forgets them. */
static void
spif_report(struct spif_reader *r)
{
	struct spif_notice *n;
	char times[64] = "";
	size_t i;

	for (i = 0; i < r->nnotices; i++) {
		n = &r->notices[i];
		if (n->count > 1)
			snprintf(times, sizeof(times), " (%u times, the first "
			    "here)", n->count);
		else
			times[0] = '\0';
		if (n->why == NULL)
			diag_error(&n->loc, "unknown SPIF %s '%s'%s", n->kind,
			    n->name, times);
		else if (n->error)
			diag_error(&n->loc, "SPIF %s '%s' is not supported: "
			    "%s%s", n->kind, n->name, n->why, times);
		else
			diag_warning(&n->loc, "SPIF %s '%s' is read but not "
			    "used yet: %s%s", n->kind, n->name, n->why, times);
		free(n->name);
	}
	free(r->notices);
	r->notices = NULL;
	r->nnotices = 0;
}

void
spif_other(struct spif_reader *r, const xmlNode *node)
{
	size_t i;

	if (node->type != XML_ELEMENT_NODE)
		return;
	for (i = 0; spif_ours(node) &&
	    i < sizeof(spif_unused) / sizeof(spif_unused[0]); i++) {
		if (strcmp((const char *)node->name, spif_unused[i].name) == 0) {
			spif_notice(r, node, "element", spif_unused[i].name,
			    spif_unused[i].error, spif_unused[i].why);
			return;
		}
	}
	spif_notice(r, node, "element", (const char *)node->name, 1, NULL);
}

void
spif_others(struct spif_reader *r, const xmlNode *node)
{
	const xmlNode *c;

	for (c = node->children; c != NULL; c = c->next)
		spif_other(r, c);
}

/* Whether NAME is one of the NULL-terminated NAMES. */
static int
spif_among(const char *name, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(name, *names) == 0)
			return 1;
	return 0;
}

void
spif_attrs(struct spif_reader *r, const xmlNode *node,
    const char *const *known)
{
	const xmlAttr *a;

	for (a = node->properties; a != NULL; a = a->next)
		if (a->ns == NULL && !spif_among((const char *)a->name, known))
			spif_notice(r, node, "attribute", (const char *)a->name,
			    1, NULL);
}

char *
spif_text(struct spif_reader *r, const xmlNode *node, const char *name,
    int required)
{
	struct ast_loc loc = spif_loc(r, node);
	xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
	const unsigned char *p;
	char *s;

	if (v == NULL) {
		if (required)
			diag_error(&loc, "%s without '%s'",
			    (const char *)node->name, name);
		return NULL;
	}
	for (p = v; *p != '\0' && *p >= 0x20 && *p != 0x7f; p++)
		;
	if (*p != '\0') {
		diag_error(&loc, "'%s' of %s holds a control character", name,
		    (const char *)node->name);
		xmlFree(v);
		return NULL;
	}
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

int
spif_number(struct spif_reader *r, const xmlNode *node, const char *name,
    int is_signed, unsigned long long max, long long *out)
{
	struct ast_loc loc = spif_loc(r, node);
	unsigned long long v = 0;
	char *text, *p;
	int neg = 0, ok;

	if ((text = spif_text(r, node, name, 1)) == NULL)
		return -1;
	p = text + strspn(text, " \t\r\n");
	if (is_signed && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	ok = *p >= '0' && *p <= '9';
	for (; ok && *p >= '0' && *p <= '9'; p++)
		ok = (v = v * 10 + (unsigned long long)(*p - '0')) <= max;
	ok = ok && p[strspn(p, " \t\r\n")] == '\0';
	if (!ok)
		diag_error(&loc, "'%s' of %s is not %s from %s0 to %llu: '%s'",
		    name, (const char *)node->name, is_signed ? "an integer" : "a number",
		    is_signed ? "-" : "", max, text);
	free(text);
	*out = neg ? -(long long)v : (long long)v;
	return ok ? 0 : -1;
}

/* Reads the codes of markingData NODE: a code that changes the text of
 * a marking is not applied. */
static void
spif_codes(struct spif_reader *r, const xmlNode *node)
{
	const xmlNode *c;
	xmlChar *code;

	for (c = node->children; c != NULL; c = c->next) {
		if (!spif_is(c, "code")) {
			spif_other(r, c);
			continue;
		}
		code = xmlNodeGetContent(c);
		if (code == NULL || !spif_among((const char *)code,
		    spif_code_places))
			spif_notice(r, c, "marking code", code != NULL ?
			    (const char *)code : "", 0, "the display marking "
			    "is the phrase");
		xmlFree(code);
	}
}

/*
 * The phrase of the markingData children of classification NODE for the
 * reader's language: the markingData in that language, else the one in
 * none, else the first. Returns a copy (caller frees), or NULL if there
 * is none or it has no phrase (the marking is then the name).
 */
static char *
spif_marking(struct spif_reader *r, const xmlNode *node)
{
	static const char *const known[] = { "phrase", NULL };
	const xmlNode *c, *pick = NULL, *plain = NULL, *first = NULL;
	xmlChar *lang;

	for (c = node->children; c != NULL; c = c->next) {
		if (!spif_is(c, "markingData"))
			continue;
		spif_attrs(r, c, known);
		spif_codes(r, c);
		lang = xmlGetNsProp(c, (const xmlChar *)"lang",
		    XML_XML_NAMESPACE);
		if (first == NULL)
			first = c;
		if (lang == NULL && plain == NULL)
			plain = c;
		if (lang != NULL && r->lang != NULL && pick == NULL &&
		    strcmp((const char *)lang, r->lang) == 0)
			pick = c;
		xmlFree(lang);
	}
	pick = pick != NULL ? pick : plain != NULL ? plain : first;
	return pick != NULL ? spif_text(r, pick, "phrase", 0) : NULL;
}

/* Reads securityClassification NODE into the reader's label policy,
 * with its equivalences. */
static void
spif_classification(struct spif_reader *r, const xmlNode *node)
{
	static const char *const known[] = { "name", "lacv", "hierarchy",
	    "color", "obsolete", NULL };
	struct m_label_policy *lp = r->lp;
	struct m_label_value v = { 0 };
	const xmlNode *c;
	long long lacv, hierarchy;
	int ok;

	spif_attrs(r, node, known);
	v.name = spif_text(r, node, "name", 1);
	ok = spif_number(r, node, "lacv", 0, UINT32_MAX, &lacv) == 0;
	for (c = node->children; c != NULL; c = c->next) {
		if (spif_is(c, "equivalentClassification")) {
			if (ok)
				spif_equivalent_classification(r, c,
				    (uint32_t)lacv);
		} else if (!spif_is(c, "markingData") &&
		    !spif_is(c, "requiredCategory"))
			spif_other(r, c);
	}
	ok = spif_number(r, node, "hierarchy", 1, LLONG_MAX, &hierarchy) ==
	    0 && ok;
	if (v.name == NULL || !ok) {
		free(v.name);
		return;
	}
	v.lacv = (uint32_t)lacv;
	v.loc = v.value_loc = spif_loc(r, node);
	v.display[DISPLAY_MARKING] = spif_marking(r, node);
	v.display[DISPLAY_BGCOLOR] = spif_text(r, node, "color", 0);
	v.display_loc[DISPLAY_MARKING] = v.display_loc[DISPLAY_BGCOLOR] = v.loc;
	lp->cls = xreallocarray(lp->cls, lp->ncls + 1, sizeof(*lp->cls));
	r->hierarchy = xreallocarray(r->hierarchy, lp->ncls + 1,
	    sizeof(*r->hierarchy));
	r->hierarchy[lp->ncls] = hierarchy;
	lp->cls[lp->ncls++] = v;
	spif_defer_required(r, node, v.name);
}

/*
 * Puts the classifications of the reader's label policy in the order of
 * their hierarchy, lowest first, which gives their rank. Two of one
 * hierarchy would have no rank between them: an error.
 */
static void
spif_rank(struct spif_reader *r)
{
	struct m_label_policy *lp = r->lp;
	struct m_label_value v;
	long long h;
	size_t i, j;

	for (i = 1; i < lp->ncls; i++) {
		v = lp->cls[i];
		h = r->hierarchy[i];
		for (j = i; j > 0 && r->hierarchy[j - 1] > h; j--) {
			lp->cls[j] = lp->cls[j - 1];
			r->hierarchy[j] = r->hierarchy[j - 1];
		}
		lp->cls[j] = v;
		r->hierarchy[j] = h;
	}
	for (i = 1; i < lp->ncls; i++)
		if (r->hierarchy[i] == r->hierarchy[i - 1])
			diag_error(&lp->cls[i].loc, "classifications '%s' and "
			    "'%s' have the same hierarchy %lld: their ranks "
			    "are undefined", lp->cls[i - 1].name,
			    lp->cls[i].name, r->hierarchy[i]);
}

int
spif_tag_type(struct spif_reader *r, const xmlNode *node,
    enum ast_tag_type *type, int *enumerated)
{
	struct ast_loc loc = spif_loc(r, node);
	char *tag, *en = NULL;
	int rc = 0;

	if ((tag = spif_text(r, node, "tagType", 1)) == NULL)
		return -1;
	*enumerated = strcmp(tag, "enumerated") == 0;
	if (strcmp(tag, "restrictive") == 0)
		*type = TAG_RESTRICTIVE;
	else if (strcmp(tag, "permissive") == 0)
		*type = TAG_PERMISSIVE;
	else if (strcmp(tag, "tagType7") == 0)
		*type = TAG_INFORMATIVE;
	else if (strcmp(tag, "enumerated") != 0) {
		diag_error(&loc, "%s of tagType '%s' is not supported "
		    "(restrictive, permissive, enumerated or tagType7)",
		    (const char *)node->name, tag);
		rc = -1;
	} else if ((en = spif_text(r, node, "enumType", 1)) == NULL)
		rc = -1;
	else if (strcmp(en, "restrictive") == 0)
		*type = TAG_RESTRICTIVE;
	else if (strcmp(en, "permissive") == 0)
		*type = TAG_PERMISSIVE;
	else {
		diag_error(&loc, "unknown enumType '%s' (restrictive or "
		    "permissive)", en);
		rc = -1;
	}
	free(tag);
	free(en);
	return rc;
}

int
spif_narrows(const xmlNode *node, const char *name, const char *dflt)
{
	xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
	int narrows = v != NULL && strcmp((const char *)v, dflt) != 0;

	xmlFree(v);
	return narrows;
}

/* Reports the attributes among NAMES that NODE gives and that narrow
 * what the SPIF accepts (see spif_narrows, each with its DEFAULTS). */
static void
spif_refuse_attrs(struct spif_reader *r, const xmlNode *node,
    const char *const *names, const char *const *defaults)
{
	for (; *names != NULL; names++, defaults++)
		if (spif_narrows(node, *names, *defaults))
			spif_notice(r, node, "attribute", *names, 1,
			    spif_refused);
}

/* Reads tagCategory NODE of a tag of TYPE into tag set TS, with its
 * equivalences; a category met already in another tag of the set is
 * read once. */
static void
spif_category(struct spif_reader *r, const xmlNode *node,
    struct m_tagset *ts, enum ast_tag_type type)
{
	static const char *const known[] = { "name", "lacv", "obsolete",
	    "userInput", "requiredClass", "dateFormat", "notBefore",
	    "notAfter", NULL };
	/* Each narrows the labels the SPIF accepts whatever its value. */
	static const char *const narrowing[] = { "userInput",
	    "requiredClass", "dateFormat", "notBefore", "notAfter", NULL };
	static const char *const never[] = { "", "", "", "", "", NULL };
	struct m_label_value v = { 0 };
	const xmlNode *c;
	long long lacv;
	size_t i;
	int ok;

	spif_attrs(r, node, known);
	if (type != TAG_INFORMATIVE)
		spif_refuse_attrs(r, node, narrowing, never);
	ok = (v.name = spif_text(r, node, "name", 1)) != NULL &&
	    spif_number(r, node, "lacv", 0, UINT32_MAX, &lacv) == 0;
	for (c = node->children; c != NULL; c = c->next) {
		if (spif_is(c, "equivalentSecCategoryTag")) {
			if (ok)
				spif_equivalent_category(r, c, ts->oid,
				    (uint32_t)lacv);
		} else if (!spif_is(c, "excludedClass"))
			spif_other(r, c);
	}
	if (!ok) {
		free(v.name);
		return;
	}
	v.lacv = (uint32_t)lacv;
	v.loc = v.value_loc = spif_loc(r, node);
	for (i = 0; i < ts->ncats; i++) {
		if (strcmp(ts->cats[i].name, v.name) == 0 &&
		    ts->cats[i].lacv == v.lacv) {
			spif_excluded(r, node, &ts->cats[i]);
			free(v.name);
			return;
		}
	}
	spif_excluded(r, node, &v);
	ts->cats = xreallocarray(ts->cats, ts->ncats + 1, sizeof(*ts->cats));
	ts->cats[ts->ncats++] = v;
}

/* The syntaxes a tag set's tags are given in. */
enum spif_syntax { SPIF_SYNTAX_BITS = 1, SPIF_SYNTAX_ENUMERATED = 2 };

/*
 * Reads securityCategoryTag NODE of tag set TS: its type is the tag
 * set's (*SYNTAXES, the enum spif_syntax bits of the tags read before,
 * not 0: TS has one already), and its categories are the tag set's. A
 * tag set whose tags are of two types is an error: xedge keys a tag set
 * by its OID, with one type.
 */
static void
spif_tag(struct spif_reader *r, const xmlNode *node, struct m_tagset *ts,
    unsigned *syntaxes)
{
	static const char *const known[] = { "name", "tagType", "enumType",
	    "tag7Encoding", "singleSelection", "minSelection", "maxSelection",
	    NULL };
	static const char *const narrowing[] = { "singleSelection",
	    "minSelection", "maxSelection", NULL };
	static const char *const all[] = { "false", "unbounded", "unbounded",
	    NULL };
	struct ast_loc loc = spif_loc(r, node);
	enum ast_tag_type type;
	const xmlNode *c;
	int enumerated;

	spif_attrs(r, node, known);
	if (spif_tag_type(r, node, &type, &enumerated) == -1)
		return;
	if (*syntaxes != 0 && ts->type != type) {
		diag_error(&loc, "tagset '%s' has %s and %s tags: xedge "
		    "keys a tag set by its OID, with one type", ts->name,
		    ast_tag_type_name(ts->type), ast_tag_type_name(type));
		return;
	}
	ts->type = type;
	*syntaxes |= enumerated ? SPIF_SYNTAX_ENUMERATED : SPIF_SYNTAX_BITS;
	if (type != TAG_INFORMATIVE)
		spif_refuse_attrs(r, node, narrowing, all);
	for (c = node->children; c != NULL; c = c->next) {
		if (spif_is(c, "tagCategory"))
			spif_category(r, c, ts, type);
		else
			spif_other(r, c);
	}
}

/* Reads securityCategoryTagSet NODE into the reader's label policy: a
 * label the guard writes carries its categories as enumerated attributes
 * if the SPIF gives them only so. */
static void
spif_tagset(struct spif_reader *r, const xmlNode *node)
{
	static const char *const known[] = { "name", "id", NULL };
	struct m_label_policy *lp = r->lp;
	struct m_tagset ts = { 0 };
	const xmlNode *c;
	unsigned syntaxes = 0;

	spif_attrs(r, node, known);
	ts.name = spif_text(r, node, "name", 1);
	ts.oid = spif_text(r, node, "id", 1);
	if (ts.name == NULL || ts.oid == NULL) {
		free(ts.name);
		free(ts.oid);
		return;
	}
	ts.loc = ts.oid_loc = spif_loc(r, node);
	for (c = node->children; c != NULL; c = c->next) {
		if (spif_is(c, "securityCategoryTag"))
			spif_tag(r, c, &ts, &syntaxes);
		else if (spif_is(c, "equivalentSecurityCategoryTagSet"))
			spif_equivalent_tagset(r, c);
		else
			spif_other(r, c);
	}
	ts.enumerated = syntaxes == SPIF_SYNTAX_ENUMERATED;
	lp->tagsets = xreallocarray(lp->tagsets, lp->ntagsets + 1,
	    sizeof(*lp->tagsets));
	lp->tagsets[lp->ntagsets++] = ts;
}

/* Reads the children NAME of container NODE (with attributes KNOWN)
 * with READ, and reports the others. */
static void
spif_each(struct spif_reader *r, const xmlNode *node,
    const char *const *known, const char *name,
    void (*read)(struct spif_reader *, const xmlNode *))
{
	const xmlNode *c;

	spif_attrs(r, node, known);
	for (c = node->children; c != NULL; c = c->next) {
		if (spif_is(c, name))
			read(r, c);
		else
			spif_other(r, c);
	}
}

/* Whether a category of another tag set than T of LP is called NAME. */
static int
spif_name_shared(const struct m_label_policy *lp, size_t t, const char *name)
{
	size_t u, k;

	for (u = 0; u < lp->ntagsets; u++)
		for (k = 0; u != t && k < lp->tagsets[u].ncats; k++)
			if (strcmp(lp->tagsets[u].cats[k].name, name) == 0)
				return 1;
	return 0;
}

/* Names "TAGSET:CATEGORY" each category whose name another tag set's
 * category has too: a clearance names a category alone. */
static void
spif_qualify(struct m_label_policy *lp)
{
	struct m_tagset *ts;
	size_t t, k, n = 0, *shared = NULL;
	char *name;

	for (t = 0; t < lp->ntagsets; t++) {
		for (k = 0; k < lp->tagsets[t].ncats; k++) {
			if (!spif_name_shared(lp, t, lp->tagsets[t].cats[k].name))
				continue;
			shared = xreallocarray(shared, n + 1, 2 * sizeof(*shared));
			shared[2 * n] = t;
			shared[2 * n++ + 1] = k;
		}
	}
	for (; n > 0; n--) {
		ts = &lp->tagsets[shared[2 * n - 2]];
		k = shared[2 * n - 1];
		name = xstrfmt("%s:%s", ts->name, ts->cats[k].name);
		free(ts->cats[k].name);
		ts->cats[k].name = name;
	}
	free(shared);
}

/* Reads the root element NODE of a SPIF into the reader's label policy. */
static void
spif_root(struct spif_reader *r, const xmlNode *node)
{
	static const char *const known[] = { "schemaVersion", "version",
	    "creationDate", "originatorDN", "keyIdentifier", "privilegeId",
	    "rbacId", "userRefURI", "docRefURI", "notBefore", "notAfter",
	    NULL };
	static const char *const validity[] = { "notBefore", "notAfter",
	    NULL };
	static const char *const id_known[] = { "name", "id", NULL };
	static const char *const none[] = { NULL };
	struct m_label_policy *lp = r->lp;
	struct ast_loc loc = spif_loc(r, node);
	const xmlNode *c, *id = NULL;
	size_t i;

	spif_attrs(r, node, known);
	for (i = 0; validity[i] != NULL; i++)
		if (spif_narrows(node, validity[i], ""))
			spif_notice(r, node, "attribute", validity[i], 0,
			    "the SPIF's validity period is not checked");
	for (c = node->children; c != NULL; c = c->next) {
		if (spif_is(c, "securityPolicyId") && id == NULL) {
			id = c;
			spif_attrs(r, c, id_known);
			lp->spif_name = spif_text(r, c, "name", 1);
			lp->oid = spif_text(r, c, "id", 1);
			lp->oid_loc = spif_loc(r, c);
			spif_others(r, c);
		} else if (spif_is(c, "securityPolicyId"))
			diag_error((struct ast_loc[]){ spif_loc(r, c) },
			    "second securityPolicyId in the SPIF");
		else if (spif_is(c, "securityClassifications"))
			spif_each(r, c, (const char *const[]){ "name", NULL },
			    "securityClassification", spif_classification);
		else if (spif_is(c, "securityCategoryTagSets"))
			spif_each(r, c, none, "securityCategoryTagSet",
			    spif_tagset);
		else if (spif_is(c, "equivalentPolicies"))
			spif_equivalent_policies(r, c);
		else
			spif_other(r, c);
	}
	if (id == NULL)
		diag_error(&loc, "SPIF without 'securityPolicyId'");
	spif_rank(r);
	spif_qualify(lp);
	spif_requires(r);
	spif_equivalents_bind(r);
}

/* Parses the text of SRC and returns its document (caller frees with
 * xmlFreeDoc), or NULL after reporting why it is not one. */
static xmlDoc *
spif_parse(const struct src_file *src)
{
	xmlParserCtxt *ctxt;
	const xmlError *e;
	struct ast_loc loc = { src, 1, 1, 1, 1 };
	xmlDoc *doc;
	size_t len;

	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		diag_error(&src->named_at, "cannot read '%s': out of memory",
		    src->path);
		return NULL;
	}
	/* Nothing is fetched from the network, and a document type, whose
	 * entities would stand for text the reader never sees as such, is
	 * refused below. */
	doc = xmlCtxtReadMemory(ctxt, src->text, (int)src->len, src->path,
	    NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_BIG_LINES);
	if (doc == NULL) {
		e = xmlCtxtGetLastError(ctxt);
		loc.first_line = loc.last_line = e != NULL && e->line > 0 ?
		    e->line : 1;
		len = e != NULL && e->message != NULL ? strlen(e->message) : 0;
		while (len > 0 && e->message[len - 1] == '\n')
			len--;
		diag_error(&loc, "not well-formed XML: %.*s", (int)len,
		    len > 0 ? e->message : "unreadable");
	} else if (doc->intSubset != NULL) {
		loc.first_line = loc.last_line =
		    (int)xmlGetLineNo((xmlNode *)doc->intSubset);
		diag_error(&loc, "a SPIF with a document type declaration is "
		    "not read");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

int
spif_read(const struct ast_value *file, const char *lang,
    struct m_label_policy *draft, struct spif_equivs *eq)
{
	unsigned before = diag_errors();
	struct spif_reader r = { .lang = lang, .lp = draft, .eq = eq };
	struct src_file *src;
	xmlNode *root;
	xmlDoc *doc;
	char *path;

	if (file->str[0] == '\0') {
		diag_error(&file->loc, "empty SPIF path");
		return -1;
	}
	path = incl_join(file->loc.file->path, file->str);
	src = src_load(path);
	if (src == NULL)
		diag_error(&file->loc, "cannot read '%s': %s", path,
		    strerror(errno));
	free(path);
	if (src == NULL)
		return -1;
	src->named_at = file->loc;
	r.src = src;
	if ((doc = spif_parse(src)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !spif_is(root, "SPIF"))
		diag_error(&file->loc, "'%s' is not a SPIF: its root element "
		    "is '%s'", src->path, root != NULL ?
		    (const char *)root->name : "");
	else
		spif_root(&r, root);
	spif_report(&r);
	free(r.hierarchy);
	xmlFreeDoc(doc);
	return diag_errors() == before ? 0 : -1;
}
