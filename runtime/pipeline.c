/*
 * The stages of the decision pipeline. Each takes the context, may end the
 * run (setting the verdict, the rule and, for a refusal, the stanza error),
 * and otherwise leaves what later stages need in it. Nothing here touches a
 * socket or the guard's global state: the policy and the source are in the
 * context.
 */
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "label.h"
#include "pipeline_int.h"

int
pipeline_end(struct pipe_ctx *c, enum pipe_end end, unsigned rule,
    enum gen_verdict verdict, const char *why)
{
	c->end = end;
	c->decision.rule = rule;
	c->decision.verdict = verdict;
	c->why = why;
	return -1;
}

int
pipeline_refuse(struct pipe_ctx *c, unsigned rule, enum stanza_cond cond,
    const char *why)
{
	c->cond = cond;
	return pipeline_end(c, PIPE_REFUSE, rule, GEN_VERDICT_BOUNCE, why);
}

void
pipeline_hit(struct pipe_ctx *c, unsigned rule, enum gen_verdict verdict,
    int peer, enum pipe_dir dir)
{
	unsigned i;

	c->at_peer = peer;
	c->at_dir = dir;
	/* A rule counts once per stanza, however often it matched. */
	for (i = 0; i < c->nhits; i++)
		if (c->hits[i].rule == rule && c->hits[i].verdict == verdict)
			return;
	if (c->nhits < PIPE_MAX_HITS)
		c->hits[c->nhits++] = (struct pipe_hit){ rule, verdict, peer,
		    dir };
}

void
pipeline_modified(struct pipe_ctx *c, unsigned rule)
{
	c->decision.verdict = GEN_VERDICT_MODIFY;
	c->decision.rule = rule;
}

static int
pipe_stream_error(struct pipe_ctx *c, enum pipe_stream_error se,
    const char *why)
{
	c->stream_error = se;
	return pipeline_end(c, PIPE_STREAM_ERROR, GEN_RULE_ADDRESS,
	    GEN_VERDICT_DROP, why);
}

/*
 * Address: 'from' and 'to' present (RFC 6120 section 8.1.1.1 and 8.1.2.1
 * for server-to-server streams), 'from' a JID whose domain is
 * authenticated on the stream it came on; 'to' a valid JID. The kind and
 * type are read here, so that a refusal from this stage on is answered
 * with a stanza of the right kind.
 */
static int
pipe_address(struct pipe_ctx *c)
{
	const struct stanza_node *e = c->stanza;

	c->facts.kind = e->name[0] == 'm' ? GEN_KIND_MESSAGE :
	    e->name[0] == 'p' ? GEN_KIND_PRESENCE : GEN_KIND_IQ;
	stanza_head(e, &c->head);
	c->facts.type = c->head.type;
	c->facts.room_join = 0;		/* known once classified */
	if (c->head.from == NULL || c->head.to == NULL)
		return pipe_stream_error(c, PIPE_SE_IMPROPER_ADDRESSING,
		    "stanza without 'from' or 'to'");
	if (jid_domain(c->head.from, c->from_domain) < 0 ||
	    !jid_valid(c->head.from) ||
	    !jid_domain_in(c->from_domain, c->src.authed, c->src.nauthed))
		return pipe_stream_error(c, PIPE_SE_INVALID_FROM,
		    "'from' malformed or not authenticated on this stream");
	if (jid_domain(c->head.to, c->to_domain) < 0 || !jid_valid(c->head.to))
		return pipeline_refuse(c, GEN_RULE_ADDRESS,
		    STANZA_COND_JID_MALFORMED, "bad 'to' address");
	return 0;
}

/* Structure: what RFC 6120 section 8 requires of the stanza
 * (stanza_check.h), before anything reads more of it. */
static int
pipe_structure(struct pipe_ctx *c)
{
	c->defect = stanza_check_stanza(c->stanza, &c->head);
	if (c->defect == STANZA_CHECK_OK)
		return 0;
	return pipeline_refuse(c, GEN_RULE_STRUCTURE, STANZA_COND_BAD_REQUEST,
	    stanza_check_defect_name(c->defect));
}

/* Route: the generated routing machine names the destination peer. */
static int
pipe_route(struct pipe_ctx *c)
{
	const struct gen_peer *dst;
	int peer;

	peer = gen_route(c->to_domain, strlen(c->to_domain));
	if (peer < 0)
		return pipeline_refuse(c, GEN_RULE_NO_ROUTE,
		    STANZA_COND_REMOTE_SERVER_NOT_FOUND, "no route");
	/* A peer's stanza routed back to the peer would loop through it. */
	if (peer == c->src.peer)
		return pipeline_refuse(c, GEN_RULE_LOOP,
		    STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "destination is on the sender's own side");
	c->facts.dst_peer = peer;
	dst = &c->policy->peers[peer];
	/* On an edge of a pair, what came over gcxp from the other side
	 * leaves by S2S on this one: sent back over gcxp, it would go to
	 * the side it came from. */
	if (c->policy->role == GEN_ROLE_EDGE &&
	    dst->protocol == GEN_PROTO_GCXP &&
	    c->policy->peers[c->src.peer].protocol == GEN_PROTO_GCXP)
		return pipeline_refuse(c, dst->rules.protocol,
		    STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "destination on the side the stanza came from");
	return 0;
}

/* Classify: the facts the decision reads, computed once (the kind and
 * type by pipe_address). */
static int
pipe_classify(struct pipe_ctx *c)
{
	const struct stanza_node *e = c->stanza, *ch;
	struct gen_facts *f = &c->facts;

	f->src_peer = c->src.peer;
	f->from_domain = c->from_domain;
	f->to_domain = c->to_domain;
	f->child_ns = NULL;
	f->nchildren = 0;
	for (ch = e->children; ch != NULL; ch = ch->next) {
		if (ch->kind != STANZA_ELEMENT)
			continue;
		if (f->nchildren++ == 0)
			f->child_ns = ch->ns;
		if (f->kind == GEN_KIND_PRESENCE && f->type == NULL &&
		    strcmp(ch->name, "x") == 0 &&
		    strcmp(ch->ns, PIPE_NS_MUC) == 0)
			f->room_join = 1;
	}
	return 0;
}

int
pipeline_fire(struct pipe_ctx *c, unsigned rule, enum gen_verdict v,
    int peer, enum pipe_dir dir, const char *why)
{
	const struct gen_rule *r = &c->policy->rules[rule];
	int answer = pipeline_answerable(c->facts.kind, c->head.type,
	    c->facts.room_join);

	/* What must be answered is never dropped silently; what may not be
	 * answered is dropped, and counted so. */
	if (v == GEN_VERDICT_DROP && c->facts.kind == GEN_KIND_IQ && answer)
		v = GEN_VERDICT_BOUNCE;
	else if (v == GEN_VERDICT_BOUNCE && !answer)
		v = GEN_VERDICT_DROP;
	pipeline_hit(c, rule, v, peer, dir);
	switch (v) {
	case GEN_VERDICT_DROP:
		return pipeline_end(c, PIPE_DROP, rule, v, why);
	case GEN_VERDICT_BOUNCE:
		return pipeline_refuse(c, rule, r->cond ==
		    GEN_COND_NOT_ACCEPTABLE ? STANZA_COND_NOT_ACCEPTABLE :
		    STANZA_COND_POLICY_VIOLATION, why);
	default:
		return 0;
	}
}

/* Decide: the generated decision function. */
static int
pipe_decide(struct pipe_ctx *c)
{
	gen_decide(&c->facts, &c->decision);
	switch (c->decision.verdict) {
	case GEN_VERDICT_PASS:
	case GEN_VERDICT_MODIFY:
		return 0;
	case GEN_VERDICT_DROP:
		return pipeline_end(c, PIPE_DROP, c->decision.rule,
		    GEN_VERDICT_DROP, "dropped by the policy");
	case GEN_VERDICT_BOUNCE:
	case GEN_VERDICT_COUNT:
		break;
	}
	return pipeline_refuse(c, c->decision.rule, STANZA_COND_POLICY_VIOLATION,
	    "refused by the policy");
}

int
pipeline_buf_reserve(struct pipe_buf *b, size_t n)
{
	char *grown;

	if (n <= b->cap)
		return 0;
	if ((grown = realloc(b->data, n)) == NULL)
		return -1;
	b->data = grown;
	b->cap = n;
	return 0;
}

long
pipeline_serialize(struct pipe_buf *b, const struct stanza_node *e)
{
	size_t need;

	need = stanza_serialize(e, STANZA_NS_SERVER, b->data, b->cap);
	if (need > b->cap) {
		if (pipeline_buf_reserve(b, need) == -1)
			return -1;
		stanza_serialize(e, STANZA_NS_SERVER, b->data, b->cap);
	}
	return (long)need;
}

/* Serialize, then size: the destination's bound applies to the bytes
 * that will cross, re-serialized from what was checked. */
static int
pipe_serialize(struct pipe_ctx *c)
{
	const struct gen_peer *dst = &c->policy->peers[c->facts.dst_peer];
	long n = pipeline_serialize(c->out, c->stanza);

	if (n < 0)
		return pipeline_refuse(c, GEN_RULE_RESOURCES,
		    STANZA_COND_RESOURCE_CONSTRAINT, "no memory");
	if ((size_t)n > dst->limits.stanza_size) {
		c->at_peer = c->facts.dst_peer;
		c->at_dir = PIPE_OUTBOUND;
		return pipeline_refuse(c, dst->rules.stanza_size,
		    STANZA_COND_POLICY_VIOLATION,
		    "stanza larger than the destination allows");
	}
	c->bytes = c->out->data;
	c->len = (size_t)n;
	return content_size(c);
}

int
pipeline_reply(struct pipe_ctx *c)
{
	char domain[JID_DOMAIN_MAX + 1];
	const char *from = c->head.from;
	long n;

	if (stanza_set_attr(c->arena, c->stanza, "", "from", c->head.to) ==
	    -1 || stanza_set_attr(c->arena, c->stanza, "", "to", from) == -1 ||
	    stanza_set_attr(c->arena, c->stanza, "", "type", "result") == -1 ||
	    (n = pipeline_serialize(c->out, c->stanza)) < 0)
		return pipeline_refuse(c, GEN_RULE_RESOURCES,
		    STANZA_COND_RESOURCE_CONSTRAINT, "no memory for an answer");
	c->head.from = c->head.to;
	c->head.to = from;
	c->head.type = "result";
	memcpy(domain, c->from_domain, sizeof(domain));
	memcpy(c->from_domain, c->to_domain, sizeof(domain));
	memcpy(c->to_domain, domain, sizeof(domain));
	c->facts.dst_peer = c->src.peer;
	c->bytes = c->out->data;
	c->len = (size_t)n;
	return pipeline_end(c, PIPE_DELIVER, c->decision.rule,
	    GEN_VERDICT_PASS, "answered by the guard");
}

enum pipe_end
pipeline_run(struct pipe_ctx *c)
{
	static int (*const stages[])(struct pipe_ctx *) = {
		pipe_address, pipe_structure, pipe_route, pipe_classify,
		pipe_decide, label_stage, content_stage, pipe_serialize,
	};
	size_t i;

	c->end = PIPE_DELIVER;
	c->nhits = 0;
	c->nstrips = 0;
	c->text_of = NULL;
	c->at_peer = c->src.peer;
	c->at_dir = PIPE_INBOUND;
	c->defect = STANZA_CHECK_OK;
	c->bytes = NULL;
	c->len = 0;
	c->why = NULL;
	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (stages[i](c) == -1)
			break;
	return c->end;
}

int
pipeline_answerable(enum gen_kind kind, const char *type, int room_join)
{
	if (type != NULL && strcmp(type, "error") == 0)
		return 0;
	if (kind == GEN_KIND_IQ)
		return type == NULL || strcmp(type, "result") != 0;
	if (kind == GEN_KIND_PRESENCE)
		return room_join ||
		    (type != NULL && strcmp(type, "subscribe") == 0);
	return 1;
}

const char *
pipeline_stream_error_name(enum pipe_stream_error se)
{
	return se == PIPE_SE_IMPROPER_ADDRESSING ? "improper-addressing" :
	    "invalid-from";
}

int
pipeline_fronts(const char *domain)
{
	size_t n = strlen(domain);

	return gen_route(domain, n) >= 0 || gen_fronted_cert(domain, n) >= 0;
}

int
pipeline_may_speak_for(const char *domain)
{
	return pipeline_fronts(domain) ||
	    gen_origin_peer(domain, strlen(domain)) >= 0;
}
