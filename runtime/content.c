/*
 * The content stage (see content.h). One walk per filter over the stanza's
 * elements: each element's namespace is looked up once by the generated
 * machine (gen_ns_lookup), its entry says whether the filter strips it
 * (unlinked, not descended into) or blocks the stanza (the rule's verdict
 * ends the walk). Bodies met on the way are checked for what no namespace
 * shows (OTR markers, encrypted links). The tree is changed in place: it is
 * the caller's, made for this stanza, and what crosses is serialized from
 * it afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "content_text.h"
#include "fold_memo.h"
#include "pipeline_int.h"

#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_CAPS "http://jabber.org/protocol/caps"
#define NS_CARBONS "urn:xmpp:carbons:2"

/* One filter's pass over one stanza. */
struct content_walk {
	struct pipe_ctx *c;
	const struct gen_filter *f;
	int peer;
	enum pipe_dir dir;
	unsigned strip_rule;		/* the last strip that removed one */
	const char *last_ns;		/* lookup cache: consecutive elements */
	int last_index;			/* mostly share a namespace */
};

/* Applies RULE, with its own verdict, in walk W. */
static int
content_fire(struct content_walk *w, unsigned rule, const char *why)
{
	return pipeline_fire(w->c, rule, w->c->policy->rules[rule].verdict,
	    w->peer, w->dir, why);
}

/* Whether E is a jabber:server or jabber:client element NAME. */
static int
content_is(const struct stanza_node *e, const char *name)
{
	return strcmp(e->name, name) == 0 &&
	    (strcmp(e->ns, STANZA_NS_SERVER) == 0 ||
	    strcmp(e->ns, STANZA_NS_CLIENT) == 0);
}

/* What filter W does with element NAME in namespace NS (NUL-terminated),
 * or, NAME NULL, with namespace NS[0..len) as a whole (a feature); sets
 * *RULE. An element's namespace is looked up only when it is not the one
 * of the element before. */
static unsigned
content_action(struct content_walk *w, const char *ns, size_t len,
    const char *name, unsigned *rule)
{
	const struct gen_policy *p = w->c->policy;
	const struct gen_ns *g;
	const struct gen_ns_action *a;
	unsigned k;
	int i;

	if (name != NULL && ns == w->last_ns)
		i = w->last_index;
	else
		i = gen_ns_lookup(ns, name != NULL ? strlen(ns) : len);
	if (name != NULL) {
		w->last_ns = ns;
		w->last_index = i;
	}
	if (i < 0)
		return GEN_NS_NONE;
	g = &p->ns[i];
	for (k = g->first + g->whole; name != NULL && k < g->first + g->n;
	    k++) {
		a = &w->f->ns[k];
		if (a->what != GEN_NS_NONE &&
		    strcmp(p->ns_entries[k], name) == 0) {
			*rule = a->rule;
			return a->what;
		}
	}
	if (!g->whole)
		return GEN_NS_NONE;
	a = &w->f->ns[g->first];
	*rule = a->rule;
	return a->what;
}

/* Checks the text of body or subject E (BODY set for a body), once
 * stripped, against filter W. Returns 0, or -1 when the run ended. */
static int
content_body(struct content_walk *w, const struct stanza_node *e, int body)
{
	const char *why;
	unsigned rule;

	rule = content_text(w->c, w->f, e, body, &why);
	if (rule != 0)
		return content_fire(w, rule, why);
	if (why == NULL)
		return pipeline_refuse(w->c, GEN_RULE_RESOURCES,
		    STANZA_COND_RESOURCE_CONSTRAINT, "no memory for the text");
	return 0;
}

/*
 * Walks the children of PARENT: strips what filter W strips, stops at
 * what it blocks, checks bodies, and descends into the rest (wrappers
 * included). Returns 0, or -1 when the run ended.
 */
static int
content_walk(struct content_walk *w, struct stanza_node *parent)
{
	struct stanza_node **link = &parent->children, *ch, *last = NULL;
	unsigned rule = 0;

	while ((ch = *link) != NULL) {
		if (ch->kind == STANZA_ELEMENT) {
			switch (content_action(w, ch->ns, 0, ch->name, &rule)) {
			case GEN_NS_BLOCK:
				return content_fire(w, rule,
				    "blocked content");
			case GEN_NS_STRIP:
				*link = ch->next;
				w->c->nstrips++;
				w->strip_rule = rule;
				continue;
			default:
				break;
			}
			if (content_walk(w, ch) == -1)
				return -1;
			if ((content_is(ch, "body") || content_is(ch,
			    "subject")) && content_body(w, ch,
			    ch->name[0] == 'b') == -1)
				return -1;
		}
		last = ch;
		link = &ch->next;
	}
	parent->last_child = last;
	return 0;
}

/* Whether message E carries something once stripped: an element other
 * than a thread, hints (the carbons' <private/> included), ids and
 * delays, looking into carbons and forwards for the message inside. */
static int
content_payload(const struct stanza_node *e)
{
	static const char *const inert[] = {
		"urn:xmpp:hints", "urn:xmpp:sid:0", "urn:xmpp:delay",
	};
	const struct stanza_node *ch, *in;
	size_t i;

	for (ch = e->children; ch != NULL; ch = ch->next) {
		if (ch->kind != STANZA_ELEMENT || content_is(ch, "thread"))
			continue;
		for (i = 0; i < sizeof(inert) / sizeof(inert[0]); i++)
			if (strcmp(ch->ns, inert[i]) == 0)
				break;
		if (i < sizeof(inert) / sizeof(inert[0]))
			continue;
		in = strcmp(ch->ns, NS_CARBONS) == 0 ?
		    stanza_child(ch, STANZA_NS_FORWARD, "forwarded") : ch;
		if (in == NULL)
			continue;
		if (strcmp(in->ns, STANZA_NS_FORWARD) == 0 &&
		    strcmp(in->name, "forwarded") == 0) {
			for (in = in->children; in != NULL; in = in->next)
				if (in->kind == STANZA_ELEMENT &&
				    content_is(in, "message"))
					break;
			if (in == NULL || !content_payload(in))
				continue;
		}
		return 1;
	}
	return 0;
}

/* Orders a string key against a string, or against a struct whose first
 * member is one (struct gen_service), for bsearch(). */
static int
content_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A localpart sought among a service's rooms. */
struct content_local {
	const char *local;
	size_t n;
};

/* Orders a localpart, compared in ASCII lower case, against a struct
 * gen_room's, for bsearch(). */
static int
content_local_cmp(const void *k, const void *r)
{
	const struct content_local *key = k;
	const unsigned char *local = (const unsigned char *)
	    ((const struct gen_room *)r)->local;
	unsigned char c;
	size_t i;

	for (i = 0; i < key->n; i++, local++) {
		c = (unsigned char)key->local[i];
		c = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
		if (c != *local)
			return c - *local;
	}
	return -*local;
}

/* Whether JID J, whose domain is DOMAIN (canonical), is at one of filter
 * F's rooms or services: its domain is blocked whole, or its localpart
 * (ASCII lower case) is one of the rooms there. Sets *RULE. */
static int
content_room(const struct gen_filter *f, const char *j, const char *domain,
    unsigned *rule)
{
	const struct gen_service *s;
	const struct gen_room *r;
	struct content_local key = { j, 0 };

	/* Most stanzas are at no domain that holds a room. */
	if ((s = bsearch(&domain, f->services, f->nservices,
	    sizeof(*f->services), content_str_cmp)) == NULL)
		return 0;
	if (s->rule != 0) {
		*rule = s->rule;
		return 1;
	}
	while (j[key.n] != '\0' && j[key.n] != '@' && j[key.n] != '/')
		key.n++;
	/* A service blocked whole has no rooms, and no table. */
	if (j[key.n] != '@' || s->nrooms == 0 || (r = bsearch(&key, s->rooms,
	    s->nrooms, sizeof(*s->rooms), content_local_cmp)) == NULL)
		return 0;
	*rule = r->rule;
	return 1;
}

/* Rooms and the message detectors of filter W, before the walk. Returns
 * 0, or -1 when the run ended. */
static int
content_traffic(struct content_walk *w)
{
	struct pipe_ctx *c = w->c;
	const unsigned *d = w->f->detect;
	const char *t = c->head.type;
	unsigned rule;
	int groupchat;

	if (w->f->nservices > 0 &&
	    (content_room(w->f, c->head.to, c->to_domain, &rule) ||
	    content_room(w->f, c->head.from, c->from_domain, &rule)))
		return content_fire(w, rule, "room traffic");
	if (c->facts.kind != GEN_KIND_MESSAGE)
		return 0;
	groupchat = t != NULL && strcmp(t, "groupchat") == 0;
	if (groupchat && d[GEN_DETECT_GROUPCHAT] != 0)
		return content_fire(w, d[GEN_DETECT_GROUPCHAT],
		    "groupchat message");
	if (!groupchat && d[GEN_DETECT_ONE_TO_ONE] != 0 &&
	    stanza_child(c->stanza, NS_MUC_USER, "x") == NULL)
		return content_fire(w, d[GEN_DETECT_ONE_TO_ONE],
		    "one-to-one message");
	return 0;
}

/* Keeps of E's attributes only those named in KEEP (no namespace);
 * returns whether one went. */
static int
content_keep_attrs(struct stanza_node *e, const char *const *keep)
{
	struct stanza_attr **link = &e->attrs, *a;
	int removed = 0;
	size_t i;

	while ((a = *link) != NULL) {
		for (i = 0; keep[i] != NULL; i++)
			if (a->ns[0] == '\0' && strcmp(a->name, keep[i]) == 0)
				break;
		if (keep[i] == NULL) {
			*link = a->next;
			removed = 1;
			continue;
		}
		link = &a->next;
	}
	return removed;
}

/*
 * Folds presence E: available (no show, or chat), away (away, xa, dnd) or
 * unavailable, with nothing else but the room protocol's own element (a
 * room join or leave needs it; whether rooms may be used at all is the
 * muc group's business); subscriptions and probes lose every child.
 * Errors are left as they are. Sets *STATE; returns whether E changed.
 */
static int
content_fold(struct stanza_node *e, const char *type, enum fold_state *state)
{
	static const char *const attrs[] = { "from", "to", "id", "type", NULL };
	struct stanza_node **link = &e->children, *ch, *text, *last = NULL;
	int changed, keep, away;

	*state = FOLD_UNAVAILABLE;
	if (type != NULL && strcmp(type, "error") == 0)
		return 0;
	changed = content_keep_attrs(e, attrs);
	if (type == NULL)
		*state = FOLD_AVAILABLE;
	while ((ch = *link) != NULL) {
		keep = 0;
		if (ch->kind == STANZA_ELEMENT && type == NULL &&
		    content_is(ch, "show")) {
			text = ch->children;
			away = text != NULL && text->kind == STANZA_TEXT &&
			    text->next == NULL &&
			    (strcmp(text->text, "away") == 0 ||
			    strcmp(text->text, "xa") == 0 ||
			    strcmp(text->text, "dnd") == 0);
			if (away && strcmp(text->text, "away") != 0) {
				text->text = "away";
				text->text_len = 4;
				changed = 1;
			}
			keep = away && *state == FOLD_AVAILABLE;
			if (keep)
				*state = FOLD_AWAY;
		} else if (ch->kind == STANZA_ELEMENT &&
		    (type == NULL || strcmp(type, "unavailable") == 0))
			keep = strcmp(ch->name, "x") == 0 &&
			    (strcmp(ch->ns, PIPE_NS_MUC) == 0 ||
			    strcmp(ch->ns, NS_MUC_USER) == 0);
		if (!keep) {
			*link = ch->next;
			changed = 1;
			continue;
		}
		last = ch;
		link = &ch->next;
	}
	e->last_child = last;
	return changed;
}

/* Removes from disco#info result E the features filter W strips or
 * blocks ("NS+notify" stands for NS, XEP-0163), and from presence E its
 * entity caps (every <c/>: a second one is read as well as the first),
 * whose hash may name such features. Returns whether E changed. */
static int
content_features(struct content_walk *w, struct stanza_node *e)
{
	struct stanza_node *q, **link, *ch;
	const char *var;
	size_t len;
	unsigned rule;
	int changed = 0;

	if (w->c->facts.kind == GEN_KIND_PRESENCE) {
		for (link = &e->children; (ch = *link) != NULL;) {
			if (ch->kind == STANZA_ELEMENT &&
			    strcmp(ch->ns, NS_CAPS) == 0) {
				*link = ch->next;
				changed = 1;
				continue;
			}
			link = &ch->next;
		}
	} else if ((q = stanza_child(e, NS_DISCO_INFO, "query")) != NULL) {
		for (link = &q->children; (ch = *link) != NULL;) {
			var = ch->kind == STANZA_ELEMENT &&
			    strcmp(ch->name, "feature") == 0 ?
			    stanza_attr(ch, "", "var") : NULL;
			len = var != NULL ? strlen(var) : 0;
			if (len > 7 && strcmp(var + len - 7, "+notify") == 0)
				len -= 7;
			if (var != NULL && content_action(w, var, len, NULL,
			    &rule) != GEN_NS_NONE) {
				*link = ch->next;
				changed = 1;
				continue;
			}
			link = &ch->next;
		}
		q->last_child = NULL;
		for (ch = q->children; ch != NULL; ch = ch->next)
			q->last_child = ch;
		/* A caps node#ver names the features as they were: an
		 * answer that lost some does not carry it (XEP-0115). */
		if (changed)
			stanza_remove_attr(q, "", "node");
	}
	for (ch = e->children, e->last_child = NULL; ch != NULL; ch = ch->next)
		e->last_child = ch;
	return changed;
}

/* Whether stanza E of C, stripped, has nothing left to cross with: a
 * message (not an error) without payload, an IQ get or set without its
 * child. */
static int
content_emptied(const struct pipe_ctx *c, const struct stanza_node *e)
{
	const struct stanza_node *ch;
	const char *t = c->head.type;

	if (c->facts.kind == GEN_KIND_MESSAGE)
		return (t == NULL || strcmp(t, "error") != 0) &&
		    !content_payload(e);
	if (c->facts.kind != GEN_KIND_IQ || t == NULL ||
	    (strcmp(t, "get") != 0 && strcmp(t, "set") != 0))
		return 0;
	for (ch = e->children; ch != NULL; ch = ch->next)
		if (ch->kind == STANZA_ELEMENT)
			return 0;
	return 1;
}

/* Runs filter F of PEER in direction DIR over the stanza of C; sets
 * *FOLDED to the fold rule when it folded presence. Returns 0, or -1 when
 * the run ended. */
static int
content_filter(struct pipe_ctx *c, const struct gen_filter *f, int peer,
    enum pipe_dir dir, unsigned *folded)
{
	struct content_walk w = { c, f, peer, dir, 0, NULL, -1 };
	struct stanza_node *e = c->stanza;
	enum fold_state state;
	const char *t = c->head.type;

	if (content_traffic(&w) == -1 || content_walk(&w, e) == -1)
		return -1;
	if (c->facts.kind == GEN_KIND_PRESENCE && f->fold != 0) {
		if (content_fold(e, t, &state))
			pipeline_hit(c, f->fold, GEN_VERDICT_MODIFY, peer, dir);
		*folded = f->fold;
	}
	if (f->restricts != 0 && (c->facts.kind == GEN_KIND_PRESENCE ||
	    (c->facts.kind == GEN_KIND_IQ && t != NULL &&
	    strcmp(t, "result") == 0)) && content_features(&w, e))
		pipeline_hit(c, f->restricts, GEN_VERDICT_MODIFY, peer, dir);
	if (w.strip_rule == 0)
		return 0;
	/* A message left with nothing to say is not sent empty, and an IQ
	 * request that lost its payload would break RFC 6120 section 8.2.3:
	 * it is answered instead (content_fire_at). */
	if (content_emptied(c, e))
		return pipeline_fire(c, w.strip_rule, GEN_VERDICT_DROP, peer,
		    dir, "nothing left once stripped");
	pipeline_hit(c, w.strip_rule, GEN_VERDICT_MODIFY, peer, dir);
	return 0;
}

/*
 * The memo's part in presence C, which the fold rule RULE folded (0: no
 * filter folded it). Subscription changes and probes, from either side
 * and folded or not, make the next update go out whatever it says. A
 * folded update that repeats what was last sent is dropped by RULE,
 * without an alert: nothing was refused. Presence carrying the room
 * protocol (joins, roles) is not a status update, and always crosses.
 * Returns 0, or -1 when the run ended.
 */
static int
content_memo(struct pipe_ctx *c, unsigned rule)
{
	const char *t = c->head.type;
	enum fold_state state;
	unsigned i;

	if (c->memo == NULL || c->facts.kind != GEN_KIND_PRESENCE)
		return 0;
	if (t != NULL && strcmp(t, "unavailable") != 0) {
		if (strcmp(t, "error") != 0)
			fold_memo_forget(c->memo, c->head.from, c->head.to);
		return 0;
	}
	if (rule == 0 || stanza_child(c->stanza, PIPE_NS_MUC, "x") != NULL ||
	    stanza_child(c->stanza, NS_MUC_USER, "x") != NULL)
		return 0;
	state = t != NULL ? FOLD_UNAVAILABLE :
	    stanza_child(c->stanza, NULL, "show") != NULL ? FOLD_AWAY :
	    FOLD_AVAILABLE;
	if (!fold_memo_repeat(c->memo, c->head.from, c->head.to, state))
		return 0;
	/* The rule counts once for the stanza, as what it did in the end:
	 * not as a change as well as a drop. */
	for (i = 0; i < c->nhits && c->hits[i].rule != rule; i++)
		;
	if (i < c->nhits)
		c->hits[i].verdict = GEN_VERDICT_DROP;
	else
		pipeline_hit(c, rule, GEN_VERDICT_DROP, c->at_peer, c->at_dir);
	return pipeline_end(c, PIPE_DROP, rule, GEN_VERDICT_DROP,
	    "folded presence unchanged");
}

int
content_stage(struct pipe_ctx *c)
{
	const struct gen_peer *src = &c->policy->peers[c->src.peer];
	const struct gen_peer *dst = &c->policy->peers[c->facts.dst_peer];
	const struct gen_filter *f;
	unsigned folded = 0, i, j;

	for (i = 0; i < src->nfilters[PIPE_INBOUND]; i++)
		if (content_filter(c, src->filters[PIPE_INBOUND][i],
		    c->src.peer, PIPE_INBOUND, &folded) == -1)
			return -1;
	for (i = 0; i < dst->nfilters[PIPE_OUTBOUND]; i++) {
		f = dst->filters[PIPE_OUTBOUND][i];
		/* A filter that already ran on the way in would find nothing
		 * more: what it strips, folds and cuts down is gone, and what
		 * it blocks would have ended the run. */
		for (j = 0; j < src->nfilters[PIPE_INBOUND] &&
		    src->filters[PIPE_INBOUND][j] != f; j++)
			;
		if (j == src->nfilters[PIPE_INBOUND] && content_filter(c, f,
		    c->facts.dst_peer, PIPE_OUTBOUND, &folded) == -1)
			return -1;
	}
	/* Modified by the last rule that changed it; an audit (a pass that
	 * raises an alert) changes nothing. */
	for (i = 0; i < c->nhits; i++) {
		if (c->hits[i].verdict != GEN_VERDICT_MODIFY)
			continue;
		c->decision.verdict = GEN_VERDICT_MODIFY;
		c->decision.rule = c->hits[i].rule;
	}
	return content_memo(c, folded);
}

int
content_size(struct pipe_ctx *c)
{
	const struct gen_peer *p;
	const struct gen_filter *f;
	int peer;
	size_t i;
	unsigned d;

	for (d = PIPE_INBOUND; d <= PIPE_OUTBOUND; d++) {
		peer = d == PIPE_INBOUND ? c->src.peer : c->facts.dst_peer;
		p = &c->policy->peers[peer];
		for (i = 0; i < p->nfilters[d]; i++) {
			f = p->filters[d][i];
			if (f->size != 0 && c->len > f->size &&
			    pipeline_fire(c, f->size_rule,
			    c->policy->rules[f->size_rule].verdict, peer, d,
			    "stanza larger than the filter allows") == -1)
				return -1;
		}
	}
	return 0;
}
