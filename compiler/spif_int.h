/*
 * What the files of the SPIF reader share (spif.c, spif_equiv.c): the
 * reader's state and its helpers for elements and attributes.
 */
#ifndef XEDGEC_SPIF_INT_H
#define XEDGEC_SPIF_INT_H

#include <libxml/tree.h>

#include "spif.h"

struct spif_notice;

/* A requiredCategory of a classification, read once the tag sets it
 * names are. */
struct spif_required {
	const xmlNode *node;
	const char *cls;		/* the classification's name, as the
					 * label policy holds it */
};

struct spif_reader {
	const struct src_file *src;
	const char *lang;
	struct m_label_policy *lp;
	struct spif_equivs *eq;
	char **refs;			/* the policyRef of each of eq->v, until
					 * spif_equivalents_bind() */
	long long *hierarchy;		/* of each of lp->cls */
	struct spif_notice *notices;	/* in the order first met */
	size_t nnotices;
	struct spif_required *required;	/* in the order met */
	size_t nrequired;
};

/* The place of NODE: its line of the SPIF. */
struct ast_loc spif_loc(const struct spif_reader *r, const xmlNode *node);

/* Whether NODE is the SPIF element NAME (in the SPIF namespace or in
 * none). */
int spif_is(const xmlNode *node, const char *name);

/* Counts item NAME of KIND ("element", "attribute") at NODE, left unused
 * for WHY (NULL: unknown), as an error or a warning: each is reported
 * once a file, with its count, when the file is read. */
void spif_notice(struct spif_reader *r, const xmlNode *node, const char *kind,
    const char *name, int error, const char *why);

/* Reports element NODE, met where the reader does not read it. */
void spif_other(struct spif_reader *r, const xmlNode *node);

/* Reports the attributes of NODE in no namespace that are not among the
 * NULL-terminated KNOWN. Those of other namespaces (xml:lang,
 * xsi:schemaLocation) are for the reader of each element to read or
 * leave. */
void spif_attrs(struct spif_reader *r, const xmlNode *node,
    const char *const *known);

/*
 * Returns a copy of attribute NAME of NODE (caller frees), or NULL if it
 * has none, reported if REQUIRED, or after reporting a control character
 * (which no string of the policy may hold).
 */
char *spif_text(struct spif_reader *r, const xmlNode *node, const char *name,
    int required);

/*
 * Reads attribute NAME of NODE, a decimal integer (leading zeros and
 * surrounding spaces allowed, a sign if SIGNED) of at most MAX, into
 * *OUT. Returns 0, or -1 after reporting it missing or malformed.
 */
int spif_number(struct spif_reader *r, const xmlNode *node, const char *name,
    int is_signed, unsigned long long max, long long *out);

/* Reads the tag type of NODE (its tagType and enumType) into *TYPE, and
 * whether it is of enumerated attributes into *ENUMERATED. Returns 0, or
 * -1 after an error. */
int spif_tag_type(struct spif_reader *r, const xmlNode *node,
    enum ast_tag_type *type, int *enumerated);

/* Reports the child elements of NODE, which the reader reads none of. */
void spif_others(struct spif_reader *r, const xmlNode *node);

/* Whether attribute NAME of NODE narrows the labels the SPIF accepts:
 * given, and not the value that leaves them all (DEFAULT). */
int spif_narrows(const xmlNode *node, const char *name, const char *dflt);

/* spif_rules.c: the requiredCategory children of classification NODE,
 * called CLS, kept to read once the tag sets are (spif_requires); the
 * excludedClass children of tagCategory NODE, into category V. */
void spif_defer_required(struct spif_reader *r, const xmlNode *node,
    const char *cls);
void spif_requires(struct spif_reader *r);
void spif_excluded(struct spif_reader *r, const xmlNode *node,
    struct m_label_value *v);

/* spif_equiv.c: the equivalences of classification NODE of value LACV,
 * of category NODE of value LACV in the tag set of OID TAGSET, and of
 * tag set NODE; the equivalentPolicies NODE; and, once the file is read,
 * each equivalence bound to the policy its policyRef names. */
void spif_equivalent_classification(struct spif_reader *r,
    const xmlNode *node, uint32_t lacv);
void spif_equivalent_category(struct spif_reader *r, const xmlNode *node,
    const char *tagset, uint32_t lacv);
void spif_equivalent_tagset(struct spif_reader *r, const xmlNode *node);
void spif_equivalent_policies(struct spif_reader *r, const xmlNode *node);
void spif_equivalents_bind(struct spif_reader *r);

#endif
