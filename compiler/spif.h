/*
 * A label policy read from an Open XML SPIF (Security Policy Information
 * File, namespace http://www.xmlspif.org/spif) when the policy is
 * compiled: see xedge.policy(5), LABELS, "Reading a SPIF", for what is
 * read and what each element xedge does not use does.
 */
#ifndef XEDGEC_SPIF_H
#define XEDGEC_SPIF_H

#include "model.h"

/*
 * Reads the SPIF named by FILE, the string of a label-policy statement
 * (a path relative to the directory of the policy file it is written
 * in), into the zeroed *DRAFT: spif_name and oid, the classifications
 * lowest first with their display markings (the phrases of language
 * LANG; NULL: none asked for) and the categories they require, and the
 * tag sets with their categories and the classifications each excludes,
 * a category named as in another tag set renamed "TAGSET:CATEGORY"
 * (requirements name them so); names a rule gives are left to bind.
 * Each item is located at its line of the SPIF (see source.h); names are
 * left for the caller to find repeated. The file is read as the policy's
 * own are (src_load), so that the digest and the dependencies cover it.
 * The caller owns what DRAFT holds, whatever the outcome. Returns 0, or
 * -1 after reporting errors.
 */
int spif_read(const struct ast_value *file, const char *lang,
    struct m_label_policy *draft);

#endif
