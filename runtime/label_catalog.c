/*
 * Security label catalogs (XEP-0258, urn:xmpp:sec-label:catalog:2)
 * crossing the guard (see label_int.h). A catalog tells a client which
 * labels to offer its user for messages to a domain: one that crosses
 * offers only the labels that may cross there, so that a user is never
 * offered a label the guard would refuse. The peer a request goes to
 * says whether it crosses, is answered by the guard, or is refused.
 */
#include <stdio.h>
#include <string.h>

#include "label_int.h"
#include "pipeline_int.h"

#define NS_CATALOG "urn:xmpp:sec-label:catalog:2"

/* The most items of a catalog decided: each may cost a label decoded,
 * and a catalog offers a user a choice, not a stanza's worth of labels.
 * Those past it are not offered. */
#define LABEL_CATALOG_ITEMS 256

/* Whether item E of a catalog offers a label that may cross between
 * clearances K[0] and K[1] (the requester's, then the catalog owner's). */
static int
label_catalog_offers(const struct gen_policy *p, struct stanza_node *e,
    const struct gen_clearance *const k[2])
{
	static char text[ESS_TEXT_MAX];
	struct label_found f;

	/* An item without a label offers to send without one. */
	label_find(e, 1, text, &f);
	return label_verdict_of(p, text, &f, k).deny == LABEL_ALLOW;
}

/* Sets the 'size' of catalog CAT, if it has one, to N items. */
static int
label_catalog_size(struct arena *a, struct stanza_node *cat, size_t n)
{
	char size[24];

	if (stanza_attr(cat, "", "size") == NULL)
		return 0;
	snprintf(size, sizeof(size), "%zu", n);
	return stanza_set_attr(a, cat, "", "size", size);
}

/*
 * Removes from catalog CAT, an answer from the side of clearance K[0] to
 * that of K[1], the items whose labels may not cross the other way (the
 * way the labels will be used), and those past LABEL_CATALOG_ITEMS. A
 * removal counts as RULE's.
 */
static int
label_catalog_filter(struct pipe_ctx *c, struct stanza_node *cat,
    unsigned rule, const struct gen_clearance *const k[2])
{
	const struct gen_clearance *const back[2] = { k[PIPE_OUTBOUND],
	    k[PIPE_INBOUND] };
	struct stanza_node **link = &cat->children, *e, *last = NULL;
	size_t kept = 0, removed = 0;

	while ((e = *link) != NULL) {
		if (stanza_is(e, NS_CATALOG, "item")) {
			if (kept + removed >= LABEL_CATALOG_ITEMS ||
			    !label_catalog_offers(c->policy, e, back)) {
				*link = e->next;
				removed++;
				continue;
			}
			kept++;
		}
		last = e;
		link = &e->next;
	}
	cat->last_child = last;
	if (removed == 0)
		return 0;
	if (label_catalog_size(c->arena, cat, kept) == -1)
		return pipeline_refuse(c, GEN_RULE_RESOURCES,
		    STANZA_COND_RESOURCE_CONSTRAINT, "no memory for a catalog");
	pipeline_modified(c, rule);
	return 0;
}

/* Adds to CAT an item offering label L, of classification CL, written as
 * the ESS label TEXT (LEN bytes). Returns 0, or -1 out of memory. */
static int
label_catalog_item(struct arena *a, struct stanza_node *cat,
    const struct gen_classification *cl, const char *text, size_t len)
{
	struct label_verdict v = { LABEL_ALLOW, NULL, cl, text, len };
	struct label_found f = { .form = LABEL_ESS };
	struct stanza_node *item;

	if ((item = stanza_add_child(a, cat, NS_CATALOG, "item")) == NULL ||
	    stanza_set_attr(a, item, "", "selector", cl->name) == -1 ||
	    (f.sl = stanza_add_child(a, item, NS_SECLABEL,
	    "securitylabel")) == NULL)
		return -1;
	return label_write(a, &f, &v, 0) == 1 ? 0 : -1;
}

/*
 * Fills catalog CAT with the labels of label policy LP that may cross
 * between clearances K[0] (the requester's) and K[1]: one per
 * classification, lowest first, without categories. Returns how many,
 * or -1 out of memory.
 */
static long
label_catalog_fill(const struct gen_policy *p, struct arena *a,
    struct stanza_node *cat, const struct gen_label_policy *lp,
    const struct gen_clearance *const k[2])
{
	static struct ess_label l;
	static const struct label_found none = { .form = LABEL_ESS };
	char text[ESS_OID_MAX * 2 + 64];
	const struct gen_classification *cl;
	long n = 0, len;
	size_t rank, i;

	memcpy(l.policy, lp->oid, strlen(lp->oid) + 1);
	for (rank = 0; rank < lp->nclassifications; rank++)
		for (i = 0; i < lp->nclassifications; i++) {
			cl = &lp->classifications[i];
			if (cl->rank != rank)
				continue;
			l.classification = (int)cl->lacv;
			if (label_judge(p, &l, &none, k).deny != LABEL_ALLOW)
				continue;
			if ((len = ess_label_encode(&l, text,
			    sizeof(text))) < 0 || label_catalog_item(a, cat,
			    cl, text, (size_t)len) == -1)
				return -1;
			n++;
		}
	return n;
}

/* Answers the catalog request CAT of run C, from PEER[0] to PEER[1]
 * (clearances K[0], K[1]), with the labels that may cross there. */
static int
label_catalog_answer(struct pipe_ctx *c, const struct stanza_node *cat,
    const struct gen_clearance *const k[2])
{
	const struct gen_label_policy *lp = k[PIPE_INBOUND]->policy != NULL ?
	    k[PIPE_INBOUND]->policy : k[PIPE_OUTBOUND]->policy;
	const char *to = stanza_attr(cat, "", "to");
	struct stanza_node *answer;
	char size[24];
	long n = 0;

	answer = stanza_element(c->arena, NS_CATALOG, "catalog");
	if (answer == NULL || (to != NULL &&
	    stanza_set_attr(c->arena, answer, "", "to", to) == -1) ||
	    (lp != NULL && (n = label_catalog_fill(c->policy, c->arena,
	    answer, lp, k)) < 0))
		return pipeline_refuse(c, GEN_RULE_RESOURCES,
		    STANZA_COND_RESOURCE_CONSTRAINT, "no memory for a catalog");
	snprintf(size, sizeof(size), "%ld", n);
	if (stanza_set_attr(c->arena, answer, "", "name", "xedge") == -1 ||
	    stanza_set_attr(c->arena, answer, "", "desc",
	    "The labels that may cross to this domain") == -1 ||
	    stanza_set_attr(c->arena, answer, "", "size", size) == -1)
		return pipeline_refuse(c, GEN_RULE_RESOURCES,
		    STANZA_COND_RESOURCE_CONSTRAINT, "no memory for a catalog");
	c->stanza->children = c->stanza->last_child = NULL;
	stanza_append(c->stanza, answer);
	return pipeline_reply(c);
}

int
label_catalog(struct pipe_ctx *c, const int peer[2],
    const struct gen_clearance *const k[2])
{
	struct stanza_node *cat;
	const struct gen_peer *q;
	const char *type = c->head.type;

	/* An IQ carries one payload (RFC 6120 section 8.2.3): the first
	 * child the classify stage found. */
	if (c->facts.child_ns == NULL ||
	    strcmp(c->facts.child_ns, NS_CATALOG) != 0 || type == NULL ||
	    (cat = stanza_child(c->stanza, NS_CATALOG, "catalog")) == NULL)
		return 0;
	if (strcmp(type, "result") == 0) {
		q = &c->policy->peers[peer[PIPE_INBOUND]];
		return q->catalog_rule == 0 ? 0 :
		    label_catalog_filter(c, cat, q->catalog_rule, k);
	}
	q = &c->policy->peers[peer[PIPE_OUTBOUND]];
	if (strcmp(type, "get") != 0 || q->catalog_rule == 0)
		return 0;
	switch (q->catalog) {
	case GEN_CATALOG_BLOCK:
		return pipeline_fire(c, q->catalog_rule,
		    c->policy->rules[q->catalog_rule].verdict,
		    peer[PIPE_OUTBOUND], PIPE_OUTBOUND,
		    "a security label catalog the peer does not give out");
	case GEN_CATALOG_ANSWER:
		return label_catalog_answer(c, cat, k);
	case GEN_CATALOG_FORWARD:
		break;
	}
	return 0;
}
