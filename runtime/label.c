/*
 * The label stage (see label.h). A stanza's label is decided against the
 * clearance of the source (its domain's, else its peer's), then the
 * destination's; so is the label of every
 * message forwarded inside it (a carbon, a forward, an archive result),
 * which would otherwise carry its content past the decision. Decisions on
 * ESS labels are kept (label_cache.h): a label seen before between the
 * same clearances costs a lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "label.h"
#include "label_cache.h"
#include "label_int.h"
#include "pipeline_int.h"

/* Applies RULE, with its verdict, at PEER's side of direction DIR. */
static int
label_deny(struct pipe_ctx *c, unsigned rule, int peer, enum pipe_dir dir,
    const char *why)
{
	return pipeline_fire(c, rule, c->policy->rules[rule].verdict, peer,
	    dir, why);
}

/* The most messages of one stanza decided: itself and those forwarded
 * inside it (carbons, forwards, archive results), which the XML depth
 * bound keeps few. */
#define LABEL_MESSAGES 16

/* Adds to M (*N of LABEL_MESSAGES) the messages forwarded (XEP-0297)
 * anywhere below E. Returns -1 when there are more than M holds. */
static int
label_forwarded(struct stanza_node *e, struct stanza_node **m, size_t *n)
{
	struct stanza_node *ch, *f;

	for (ch = e->children; ch != NULL; ch = ch->next) {
		/* Text, and an element of one text (a body, a label's
		 * base64), holds no message: most of a stanza is either. */
		if (ch->kind != STANZA_ELEMENT || ch->children == NULL ||
		    (ch->children->next == NULL &&
		    ch->children->kind == STANZA_TEXT))
			continue;
		/* Most elements differ at the first letter of their name. */
		if (ch->name[0] == 'f' &&
		    stanza_is(ch, STANZA_NS_FORWARD, "forwarded"))
			for (f = ch->children; f != NULL; f = f->next)
				if (stanza_is(f, NULL, "message")) {
					if (*n == LABEL_MESSAGES)
						return -1;
					m[(*n)++] = f;
				}
		if (label_forwarded(ch, m, n) == -1)
			return -1;
	}
	return 0;
}

/* Decides message or stanza S (a message if MESSAGE) in run C between
 * PEER[0] (the source) and PEER[1] (the destination), of clearances K[0]
 * and K[1], and writes the label it leaves with. Returns 0 to go on, -1
 * when the run ended. */
static int
label_decide(struct pipe_ctx *c, struct stanza_node *s, int message,
    const int peer[2], const struct gen_clearance *const k[2])
{
	static char text[ESS_TEXT_MAX];
	struct label_found f;
	struct label_verdict v;
	int changed;

	if (label_find(s, message, text, &f) == LABEL_NONE && !message)
		return 0;
	v = label_verdict_of(c->policy, text, &f, k);
	if (v.deny == LABEL_BAD)
		return label_deny(c, c->policy->label_rule, peer[PIPE_INBOUND],
		    PIPE_INBOUND, v.why);
	if (v.deny != LABEL_ALLOW)
		return label_deny(c, k[v.deny]->rule, peer[v.deny],
		    (enum pipe_dir)v.deny, v.why);
	/* A destination not cleared takes the label as it came. */
	if (f.sl == NULL || k[PIPE_OUTBOUND]->policy == NULL)
		return 0;
	changed = label_write(c->arena, &f, &v,
	    k[PIPE_OUTBOUND]->policy->keep_original);
	if (changed == -1)
		return pipeline_refuse(c, GEN_RULE_RESOURCES,
		    STANZA_COND_RESOURCE_CONSTRAINT, "no memory to relabel");
	if (changed)
		pipeline_modified(c, k[PIPE_OUTBOUND]->rule);
	return 0;
}

/* Orders a domain (canonical) against a gen_domain_clearance's. */
static int
label_domain_cmp(const void *k, const void *e)
{
	return strcmp(*(const char *const *)k,
	    ((const struct gen_domain_clearance *)e)->domain);
}

/* The clearance of PEER of policy P for its domain DOMAIN (canonical):
 * the domain's own, else the peer's. */
static const struct gen_clearance *
label_clearance(const struct gen_policy *p, int peer, const char *domain)
{
	const struct gen_peer *q = &p->peers[peer];
	const struct gen_domain_clearance *d;

	/* Most peers have none, and no table: bsearch() takes no NULL. */
	if (q->ndomain_clearances == 0)
		return &q->clearance;
	d = bsearch(&domain, q->domain_clearances, q->ndomain_clearances,
	    sizeof(*d), label_domain_cmp);
	return d != NULL ? &d->clearance : &q->clearance;
}

int
label_stage(struct pipe_ctx *c)
{
	const int peer[2] = { c->src.peer, c->facts.dst_peer };
	const struct gen_clearance *const k[2] = {
		label_clearance(c->policy, peer[PIPE_INBOUND], c->from_domain),
		label_clearance(c->policy, peer[PIPE_OUTBOUND], c->to_domain),
	};
	struct stanza_node *m[LABEL_MESSAGES];
	size_t n = 0, i;

	if (c->facts.kind == GEN_KIND_IQ && label_catalog(c, peer, k) == -1)
		return -1;
	if (k[PIPE_INBOUND]->policy == NULL && k[PIPE_OUTBOUND]->policy == NULL)
		return 0;
	if (label_decide(c, c->stanza, c->facts.kind == GEN_KIND_MESSAGE,
	    peer, k) == -1)
		return -1;
	if (label_forwarded(c->stanza, m, &n) == -1)
		return label_deny(c, c->policy->label_rule, peer[PIPE_INBOUND],
		    PIPE_INBOUND, "more forwarded messages than the guard "
		    "decides on");
	for (i = 0; i < n; i++)
		if (label_decide(c, m[i], 1, peer, k) == -1)
			return -1;
	return 0;
}
