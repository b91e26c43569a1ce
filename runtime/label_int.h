/*
 * The parts of the label stage (label.c): where a stanza's label is and
 * in what form (label_find.c), and the access decision (label_acdf.c).
 */
#ifndef XEDGE_LABEL_INT_H
#define XEDGE_LABEL_INT_H

#include "label_ess.h"
#include "policy_types.h"
#include "stanza.h"

#define NS_SECLABEL "urn:xmpp:sec-label:0"
#define NS_SECLABEL_ESS "urn:xmpp:sec-label:ess:0"
#define NS_STANAG_4774 "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"

/* What a stanza carries as its label. */
enum label_form {
	LABEL_NONE,			/* no <securitylabel/> */
	LABEL_DEFAULT,			/* an empty <label/>: the default */
	LABEL_ESS,			/* an ESS label */
	LABEL_4774,			/* a STANAG 4774 XML label */
	LABEL_INVALID			/* anything else */
};

/*
 * The label of stanza S, as XEP-0258 carries it: at most one
 * <securitylabel/> among its children, on a message only, holding exactly
 * one <label/> (empty, or one ESS or STANAG 4774 label), at most one
 * <displaymarking/> and any number of <equivalentlabel/>s, in any order,
 * and nothing else. For LABEL_ESS, the base64 text is copied to TEXT
 * (ESS_TEXT_MAX bytes) and its length set in *LEN; for LABEL_4774, *XML
 * is the label's element; for LABEL_INVALID, *WHY says what is wrong.
 */
enum label_form label_find(const struct stanza_node *s, int message,
    char *text, size_t *len, const struct stanza_node **xml,
    const char **why);

/*
 * Reads the STANAG 4774 confidentiality label XML (an originator,
 * alternative or successor confidentiality label) into *L, mapped
 * through the label policy of P that its policy identifier names (by
 * OID, else by name): classification, tag sets and categories by their
 * names, as ESS values, so that label_acdf() decides it as an ESS label.
 * Returns 0, or -1 with *WHY when it is malformed or names what that
 * label policy does not define. A label of a policy the guard does not
 * know is read with that policy's OID (for label_acdf() to refuse).
 */
int label_4774_read(const struct stanza_node *xml, const struct gen_policy *p,
    struct ess_label *l, const char **why);

/*
 * The access decision for label L against clearance K: NULL when K allows
 * it, else why not (a static text). L NULL stands for a stanza without a
 * label, or with the default one.
 */
const char *label_acdf(const struct ess_label *l,
    const struct gen_clearance *k);

#endif
