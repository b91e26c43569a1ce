/*
 * The parts of the label stage (label.c): where a stanza's label is and
 * in what form (label_find.c), and the access decision (label_acdf.c).
 */
#ifndef XEDGE_LABEL_INT_H
#define XEDGE_LABEL_INT_H

#include "label_cache.h"
#include "label_ess.h"
#include "pipeline.h"
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

/* The most <equivalentlabel/>s of a label: each is read, and a label
 * names its equivalents in the few policies of the parties to it. */
#define LABEL_EQUIVALENTS_MAX 8

/* Where a stanza's label is, and what it is. */
struct label_found {
	enum label_form form;
	struct stanza_node *sl;		/* <securitylabel/>; LABEL_NONE: NULL */
	struct stanza_node *label;	/* its <label/> */
	struct stanza_node *inner;	/* the label in it (LABEL_ESS,
					 * LABEL_4774), else NULL */
	struct stanza_node *marking;	/* its <displaymarking/>, or NULL */
	unsigned equivalents;		/* its <equivalentlabel/>s */
	size_t len;			/* LABEL_ESS: the text's length */
	const char *why;		/* LABEL_INVALID: what is wrong */
};

/*
 * The label of stanza S, as XEP-0258 carries it, into *F: at most one
 * <securitylabel/> among its children, on a message only, holding exactly
 * one <label/> (empty, or one ESS or STANAG 4774 label), at most one
 * <displaymarking/> and at most LABEL_EQUIVALENTS_MAX <equivalentlabel/>s,
 * in any order, and nothing else. For LABEL_ESS, the base64 text is
 * copied to TEXT (ESS_TEXT_MAX bytes). Returns F->form.
 */
enum label_form label_find(struct stanza_node *s, int message, char *text,
    struct label_found *f);

/*
 * Reads the label inside <equivalentlabel/> E (one ESS or STANAG 4774
 * label) into *L, as the label of a <label/> is read. Returns 0, or -1
 * with *WHY.
 */
int label_read_equivalent(const struct stanza_node *e, const struct gen_policy *p,
    struct ess_label *l, const char **why);

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

/* Why a label is refused, where two parts of the stage find it. */
#define LABEL_WHY_CLASSIFICATION \
	"a classification the security policy does not define"
#define LABEL_WHY_TAGSET "a tag set the security policy does not define"
#define LABEL_WHY_CATEGORY "a security category the policy does not define"
#define LABEL_WHY_SYNTAX \
	"a security category of a syntax the guard does not know"

/* The classification of label L in label policy P (an absent one is
 * ESS's "unmarked", 0), or NULL when P does not define it. */
const struct gen_classification *label_classification(
    const struct gen_label_policy *p, const struct ess_label *l);

/* The tag set of P of tagName OID, or NULL. */
const struct gen_tagset *label_tagset(const struct gen_label_policy *p,
    const char *oid);

/* The category of tag set T of value LACV, or NULL. */
const struct gen_label_category *label_category_of(const struct gen_tagset *t,
    uint32_t lacv);

/*
 * Relabels L, a label of label policy FROM, into the policy of FROM's map
 * M, into *OUT: its classification and each of its categories replaced
 * by their equivalents, its privacy mark kept. Returns NULL, or why it
 * cannot be (a static text): something FROM does not define, or has no
 * equivalent for.
 */
const char *label_map(const struct ess_label *l,
    const struct gen_label_policy *from, const struct gen_label_map *m,
    struct ess_label *out);

/*
 * The decision on the label of F (its TEXT for LABEL_ESS) between the
 * clearances K[0] (the source's) and K[1] (the destination's), for the
 * guard's policy P: invalid (LABEL_BAD), refused by one side, or allowed
 * with the label it leaves with. Kept in the cache for ESS labels.
 */
struct label_verdict label_verdict_of(const struct gen_policy *p,
    const char *text, const struct label_found *f,
    const struct gen_clearance *const k[2]);

/*
 * The decision on label L (NULL: none, or the default one) of F between
 * K[0] and K[1], the source's first, each on the label brought into its
 * policy; and the label it leaves with.
 */
struct label_verdict label_judge(const struct gen_policy *p,
    const struct ess_label *l, const struct label_found *f,
    const struct gen_clearance *const k[2]);

/*
 * Writes in the stanza of F the label it leaves with, as decision V says
 * (A the stanza's arena): relabelled into the destination's label
 * policy, with its display marking, and the original label kept as an
 * <equivalentlabel/> if KEEP (all else in the <securitylabel/> goes: the
 * equivalents the sender gave were not decided); or, not relabelled, its
 * display marking made the destination's, where it has one. Returns 1
 * when it changed the stanza, 0 when not, -1 out of memory.
 */
int label_write(struct arena *a, struct label_found *f,
    const struct label_verdict *v, int keep);

/*
 * Decides a security label catalog (XEP-0258) in IQ run C from PEER[0] to
 * PEER[1], of clearances K[0] and K[1], as the peer whose catalog it is
 * says: a request crosses, is answered by the guard with the labels that
 * may cross to that peer, or is refused by its catalog rule; an answer's
 * items whose labels may not cross to it are removed. Returns 0 to go
 * on, -1 when the run ended.
 */
int label_catalog(struct pipe_ctx *c, const int peer[2],
    const struct gen_clearance *const k[2]);

/*
 * The access decision for label L against clearance K: NULL when K allows
 * it, else why not (a static text). L NULL stands for a stanza without a
 * label, or with the default one. A label that breaks the rules of K's
 * label policy (a category excluding its classification, a category its
 * classification requires missing) is refused whatever K holds.
 */
const char *label_acdf(const struct ess_label *l,
    const struct gen_clearance *k);

#endif
