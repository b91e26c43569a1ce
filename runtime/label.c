/*
 * The label stage (see label.h). A stanza's label is decided against the
 * source's clearance, then the destination's; so is the label of every
 * message forwarded inside it (a carbon, a forward, an archive result),
 * which would otherwise carry its content past the decision.
 */
#include <string.h>

#include "label.h"
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
label_forwarded(const struct stanza_node *e, const struct stanza_node **m,
    size_t *n)
{
	const struct stanza_node *ch, *f;

	for (ch = e->children; ch != NULL; ch = ch->next) {
		if (ch->kind != STANZA_ELEMENT)
			continue;
		if (strcmp(ch->ns, STANZA_NS_FORWARD) == 0 &&
		    strcmp(ch->name, "forwarded") == 0)
			for (f = ch->children; f != NULL; f = f->next)
				if (f->kind == STANZA_ELEMENT &&
				    strcmp(f->name, "message") == 0) {
					if (*n == LABEL_MESSAGES)
						return -1;
					m[(*n)++] = f;
				}
		if (label_forwarded(ch, m, n) == -1)
			return -1;
	}
	return 0;
}

/* Decides message or stanza S (a message if MESSAGE) in run C against the
 * clearances of PEER[0] (the source) and PEER[1] (the destination).
 * Returns 0 to go on, -1 when the run ended. */
static int
label_decide(struct pipe_ctx *c, const struct stanza_node *s, int message,
    const int peer[2])
{
	/* The guard runs one stanza at a time, on one thread: the decoded
	 * label and its text (some 40 KiB) need not be on the stack. */
	static struct ess_label l;
	static char text[ESS_TEXT_MAX];
	const struct gen_clearance *k;
	enum label_form form;
	const char *why = NULL;
	size_t len = 0;
	int d;

	form = label_find(s, message, text, &len, &why);
	if (form == LABEL_ESS && ess_label_decode(text, len, &l, &why) == -1)
		form = LABEL_INVALID;
	if (form == LABEL_INVALID)
		return label_deny(c, c->policy->label_rule, peer[PIPE_INBOUND],
		    PIPE_INBOUND, why);
	if (form == LABEL_NONE && !message)
		return 0;
	for (d = PIPE_INBOUND; d <= PIPE_OUTBOUND; d++) {
		k = &c->policy->peers[peer[d]].clearance;
		if (k->policy != NULL && (why = label_acdf(form == LABEL_ESS ?
		    &l : NULL, k)) != NULL)
			return label_deny(c, k->rule, peer[d],
			    (enum pipe_dir)d, why);
	}
	return 0;
}

int
label_stage(struct pipe_ctx *c)
{
	const int peer[2] = { c->src.peer, c->facts.dst_peer };
	const struct stanza_node *m[LABEL_MESSAGES];
	size_t n = 0, i;

	if (c->policy->peers[peer[PIPE_INBOUND]].clearance.policy == NULL &&
	    c->policy->peers[peer[PIPE_OUTBOUND]].clearance.policy == NULL)
		return 0;
	if (label_decide(c, c->stanza, c->facts.kind == GEN_KIND_MESSAGE,
	    peer) == -1)
		return -1;
	if (label_forwarded(c->stanza, m, &n) == -1)
		return label_deny(c, c->policy->label_rule, peer[PIPE_INBOUND],
		    PIPE_INBOUND, "more forwarded messages than the guard "
		    "decides on");
	for (i = 0; i < n; i++)
		if (label_decide(c, m[i], 1, peer) == -1)
			return -1;
	return 0;
}
