/*
 * The validator's check of one STANZA frame (xedge-gcxp(7), xedge(8)):
 * the postconditions of the policy's controls for the frame's direction.
 *
 * The edge that took the stanza ran every control of the policy on it, and
 * each control is idempotent: a stanza it passed, or changed, passes it
 * again unchanged. So the postcondition of the whole policy is its
 * fixpoint, decided by the same generated code: parsed again from the
 * frame's bytes, the stanza must pass the pipeline, as from its source
 * peer, with no rule refusing, dropping or changing anything, and be
 * routed to the frame's destination peer. The validator never transforms:
 * a stanza that a control would still change (an element a filter removes,
 * a label not yet relabelled, a marking not put right) is refused, with
 * that control's rule.
 */
#include <string.h>

#include "gcxp.h"
#include "gcxp_int.h"
#include "guard.h"
#include "jid.h"
#include "pipeline.h"
#include "xml.h"

/* What a stream opens with, so that each frame's stanza parses as one on
 * a jabber:server stream. */
#define GCXP_STREAM_HEADER "<stream:stream xmlns='jabber:server' " \
	"xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

struct xml_parser *
gcxp_stanza_parser(void)
{
	struct xml_limits lim = {
	    .max_stanza = guard.policy->limits.stanza_size,
	    .max_depth = XML_STREAM_DEPTH, .max_attrs = XML_STREAM_ATTRS };
	struct xml_parser *x = xml_new(&lim);

	if (x != NULL)
		gcxp_stanza_parser_reset(x);
	return x;
}

void
gcxp_stanza_parser_reset(struct xml_parser *x)
{
	size_t used;

	xml_reset(x);
	/* A constant header always opens a stream. */
	(void)xml_parse(x, GCXP_STREAM_HEADER, strlen(GCXP_STREAM_HEADER),
	    &used);
}

int
gcxp_peer_named(const struct gcxp_bytes *n)
{
	size_t i;

	for (i = 0; i < guard.policy->npeers; i++)
		if (strlen(guard.policy->peers[i].name) == n->len &&
		    memcmp(guard.policy->peers[i].name, n->p, n->len) == 0)
			return (int)i;
	return -1;
}

/* Fails check V with RULE, COND and WHY (static text); returns -1. */
static int
gcxp_check_fail(struct gcxp_check *v, unsigned rule, enum stanza_cond cond,
    const char *why)
{
	v->rule = rule;
	v->cond = cond;
	v->why = why;
	return -1;
}

/* The first rule of run C that acted otherwise than by passing, or
 * GEN_RULE_BUILTIN when none did. */
static unsigned
gcxp_check_acted(const struct pipe_ctx *c)
{
	unsigned i;

	for (i = 0; i < c->nhits; i++)
		if (c->hits[i].verdict != GEN_VERDICT_PASS)
			return c->hits[i].rule;
	return c->decision.verdict != GEN_VERDICT_PASS ? c->decision.rule :
	    GEN_RULE_BUILTIN;
}

int
gcxp_check_frame(struct gcxp_check *v, struct xml_parser *x,
    const struct gcxp_stanza *s, int edge)
{
	const char *from, *to;
	size_t used;
	int n;

	v->from_peer = gcxp_peer_named(&s->from);
	v->to_peer = gcxp_peer_named(&s->to);
	v->element = NULL;
	if (s->direction != edge || v->from_peer < 0 || v->to_peer < 0 ||
	    guard.policy->peers[v->from_peer].edge != edge ||
	    guard.policy->peers[v->to_peer].edge != 1 - edge)
		return gcxp_check_fail(v, GEN_RULE_ADDRESS,
		    STANZA_COND_POLICY_VIOLATION, "source or destination peer "
		    "not of the sending edge's side and the other");
	if (xml_parse(x, s->xml.p, s->xml.len, &used) != XML_ELEMENT ||
	    used != s->xml.len) {
		gcxp_stanza_parser_reset(x);
		return gcxp_check_fail(v, GEN_RULE_STRUCTURE,
		    STANZA_COND_BAD_REQUEST, "not exactly one well-formed "
		    "stanza");
	}
	v->element = xml_element(x);
	from = stanza_attr(v->element, "", "from");
	to = stanza_attr(v->element, "", "to");
	if (from == NULL || to == NULL ||
	    jid_domain(from, v->from_domain) < 0 ||
	    (n = jid_domain(to, v->to_domain)) < 0 ||
	    gen_origin_peer(v->from_domain, strlen(v->from_domain)) !=
	    v->from_peer || gen_route(v->to_domain, (size_t)n) != v->to_peer)
		return gcxp_check_fail(v, GEN_RULE_ADDRESS,
		    STANZA_COND_POLICY_VIOLATION, "'from' or 'to' not of the "
		    "frame's peers");
	return 0;
}

int
gcxp_check_stanza(struct gcxp_check *v, struct xml_parser *x,
    const struct gcxp_stanza *s, int edge)
{
	char *authed[1] = { v->from_domain };
	struct pipe_ctx c;
	unsigned acted;

	if (gcxp_check_frame(v, x, s, edge) == -1)
		return -1;
	c.policy = guard.policy;
	c.src = (struct pipe_source){ .peer = v->from_peer,
	    .local = v->to_domain, .authed = authed, .nauthed = 1 };
	c.stanza = v->element;
	c.arena = xml_element_arena(x);
	c.out = &v->out;
	c.memo = NULL;
	pipeline_run(&c);
	if (c.end != PIPE_DELIVER)
		return gcxp_check_fail(v, c.decision.rule, c.end ==
		    PIPE_REFUSE ? c.cond : STANZA_COND_POLICY_VIOLATION, c.why);
	acted = gcxp_check_acted(&c);
	if (acted != GEN_RULE_BUILTIN)
		return gcxp_check_fail(v, acted, STANZA_COND_POLICY_VIOLATION,
		    "a control would still change it: the edge did not "
		    "apply it");
	if (c.facts.dst_peer != v->to_peer)
		return gcxp_check_fail(v, GEN_RULE_ADDRESS,
		    STANZA_COND_POLICY_VIOLATION, "routed elsewhere than the "
		    "frame says");
	return 0;
}
