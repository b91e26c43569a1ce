/*
 * The report for accreditors (see report.h). It is read from the model, as
 * the emitters are, and follows what the runtime does with the tables they
 * write: a stanza from peer P to peer Q goes through P's inbound filters,
 * then Q's outbound ones, each in the order the peer names them; within a
 * filter the first statement that names a namespace decides it; content
 * one filter removes (strips, or blocks with a verdict that stops the
 * stanza) is not seen by the filters after it. A statement that can have
 * no effect on a way is shown as such rather than left to mislead.
 *
 * Everything is built as strings and tables first, then written by
 * report_out.c in the format asked for.
 */
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "report_int.h"
#include "source.h"
#include "xmalloc.h"

/* One filter on the way of a stanza from one peer to another. */
struct report_stage {
	const struct m_peer *peer;
	enum ast_direction dir;
	const struct m_filter *f;
};

/* A namespace entry a statement of a stage named (NAME NULL: the whole
 * namespace), and whether it removes what it names. */
struct report_seen {
	const char *ns, *name;
	size_t stage;
	int removes;
	const struct m_control *by;
};

/* The way from one peer to another and what its statements decided so
 * far. GRP_NAMED and GRP_REMOVED hold 1 + a stage index (0: none): the
 * last stage that named a group, the first whose first naming of it
 * removes what the group's detectors find. */
struct report_way {
	struct report_stage *st;
	size_t nst;
	struct report_seen *seen;
	size_t nseen;
	size_t grp_named[GROUP_COUNT];
	size_t grp_removed[GROUP_COUNT];
	const struct m_control *grp_by[GROUP_COUNT];
};

/* What the report says of one way: its bullets, its table and the cells
 * of the overview. All owned. */
struct report_pair {
	size_t from, to;
	char **bullet;
	size_t nbullet;
	struct report_table table;
	char *filters, *dests, *presence, *stripped, *blocked, *size;
};

/* The domain patterns PAT[0..N) joined with ", "; the caller frees. */
static char *
report_patterns(const struct m_pattern *pat, size_t n)
{
	char *s = xstrdup("");
	size_t i;

	for (i = 0; i < n; i++)
		report_cat(&s, ", ", pat[i].name);
	return s;
}

/* A verdict of control C, short (as in tables) or in words. */
static char *
report_verdict(const struct m_control *c, int words)
{
	const char *cond = ast_cond_name(c->cond);

	switch (c->verdict) {
	case VERDICT_PASS:
		return xstrdup(words ? "let through with an alert (audit)" :
		    "pass (audit)");
	case VERDICT_DROP:
		return xstrdup(words ? "dropped with an alert (an IQ get or "
		    "set is bounced instead: it must be answered)" : "drop");
	case VERDICT_BOUNCE:
		return xstrfmt(words ? "bounced with the error %s and an "
		    "alert" : "bounce %s", cond);
	default:
		return xstrdup("modify");
	}
}

/* The identity of the policy: name, digest, files, guard. */
static void
report_identity(struct report *r)
{
	const struct model *m = r->m;
	const struct m_pair_guard *self;
	struct report_table t = { 0 };
	const struct src_file *f;
	char *files = NULL, *build;

	report_heading(r, 1, "xedge policy report");
	report_row(&t, 2, "item", "value");
	report_row(&t, 2, "policy", m->name);
	report_row(&t, 2, "SHA-256", m->sha256);
	for (f = src_main(); f != NULL; f = f->next)
		report_cat(&files, ", ", f->path);
	report_row(&t, 2, "files", files);
	report_row(&t, 2, "guard", m->guard_name);
	if ((self = model_role_guard(m)) != NULL) {
		build = xstrfmt("the %s %s of the guard pair", m->role ==
		    ROLE_EDGE ? "edge" : "validator", self->name);
		report_row(&t, 2, "build", build);
		free(build);
	}
	report_table(r, &t);
	free(files);
	report_para(r, "What this policy lets cross the guard, read from the "
	    "model that xedgec generates the guard's code from. The SHA-256 "
	    "digest covers every file above, in that order; xedge --version "
	    "prints the digest of the policy a binary enforces. Every stanza "
	    "that crosses has been parsed, checked and re-serialized; what "
	    "is not well-formed, not addressed or not from a domain its "
	    "sender is authenticated for never crosses.");
}


/* The paragraph naming the peers whose link is required, if any. */
static void
report_required(struct report *r)
{
	const struct model *m = r->m;
	char *names = NULL, *t;
	size_t i;

	for (i = 0; i < m->npeers; i++) {
		if (!m->peers[i].required)
			continue;
		t = names == NULL ? xstrfmt("%s", m->peers[i].name) :
		    xstrfmt("%s, %s", names, m->peers[i].name);
		free(names);
		names = t;
	}
	if (names == NULL)
		return;
	t = xstrfmt("A link to %s is required: the guard reports itself "
	    "unhealthy while no authenticated stream to or from such a peer "
	    "is up. The peer is still dialled on demand.", names);
	report_para(r, t);
	free(t);
	free(names);
}
/* Section 1: the peers, their domains, TLS and authentication. */
static void
report_peers(struct report *r)
{
	const struct model *m = r->m;
	const struct m_peer *p;
	struct report_table t = { 0 };
	char *dom, *orig, *tls, size[PRINT_FMT_MAX];
	size_t i;

	report_heading(r, 2, "1. Peers");
	report_para(r, "A peer is a server the guard exchanges stanzas with. "
	    "It may send stanzas only from the domains it originates, and "
	    "only once authenticated for them.");
	report_row(&t, 7, "peer", "domains", "originates", "protocol", "TLS",
	    "authentication", "stanza-size");
	for (i = 0; i < m->npeers; i++) {
		p = &m->peers[i];
		dom = report_patterns(p->domains, p->ndomains);
		orig = report_patterns(p->origins, p->norigins);
		tls = xstrfmt("%s, %s", p->tls == TLS_REQUIRED ?
		    "required" : "optional", p->tls_mode == TLS_MODE_DIRECT ?
		    "direct TLS" : "STARTTLS");
		print_fmt_size(size, model_peer_limit(m, p,
		    LIMIT_STANZA_SIZE));
		report_row(&t, 7, p->name, dom, orig,
		    model_peer_reached(m, p) == PROTO_GCXP ? "gcxp" : "s2s",
		    tls,
		    p->auth == (AUTH_CERTIFICATE | AUTH_DIALBACK) ?
		    (p->force_insecure && p->tls == TLS_OPTIONAL ?
		    "certificate, or dialback even without TLS" :
		    "certificate, or dialback over TLS") :
		    p->auth == AUTH_DIALBACK ? (p->force_insecure &&
		    p->tls == TLS_OPTIONAL ? "dialback, even without TLS" :
		    "dialback over TLS") : "certificate", size);
		free(dom);
		free(orig);
		free(tls);
	}
	report_table(r, &t);
	report_para(r, "Authentication by certificate is SASL EXTERNAL with "
	    "a certificate the site's CA bundle verifies (RFC 6120, RFC "
	    "7590); dialback (XEP-0220) is weaker and allowed only where "
	    "listed. stanza-size is the largest stanza the peer may send or "
	    "be sent; a larger one from it closes its stream.");
	report_required(r);
	report_guard_pair(r);
}

/* Section 2: the routes. */
static void
report_routes(struct report *r)
{
	const struct model *m = r->m;
	const struct m_route *def = model_default_route(m);
	struct report_table t = { 0 };
	char *loc;
	size_t i, j;

	report_heading(r, 2, "2. Routes");
	report_para(r, "A stanza goes to the peer of its destination domain, "
	    "found among every peer's domains and every route together: an "
	    "exact pattern before any wildcard, and among wildcards the "
	    "longest suffix. A stanza whose destination is on its sender's "
	    "own side is refused (remote-server-not-found).");
	report_row(&t, 4, "destination", "peer", "by", "statement");
	for (i = 0; i < m->npeers; i++) {
		for (j = 0; j < m->peers[i].ndomains; j++) {
			loc = report_loc(&m->peers[i].domains[j].loc);
			report_row(&t, 4, m->peers[i].domains[j].name,
			    m->peers[i].name, "domain", loc);
			free(loc);
		}
	}
	for (i = 0; i < m->nroutes; i++) {
		if (m->routes[i].is_default)
			continue;
		loc = report_loc(&m->routes[i].loc);
		report_row(&t, 4, m->routes[i].pattern.name,
		    m->peers[m->routes[i].peer].name, "route", loc);
		free(loc);
	}
	loc = def != NULL ? report_loc(&def->loc) : xstrdup("");
	report_row(&t, 4, "any other domain", def != NULL ?
	    m->peers[def->peer].name : "none: bounced "
	    "(remote-server-not-found)", def != NULL ? "default route" : "",
	    loc);
	free(loc);
	report_table(r, &t);
}

/* The destinations of peer Q in words; the caller frees. */
static char *
report_dests(const struct model *m, size_t q)
{
	const struct m_route *def = model_default_route(m);
	char *s = report_patterns(m->peers[q].domains, m->peers[q].ndomains);
	size_t i;

	for (i = 0; i < m->nroutes; i++)
		if (!m->routes[i].is_default && m->routes[i].peer == q)
			report_cat(&s, ", ", m->routes[i].pattern.name);
	if (def != NULL && def->peer == q)
		report_cat(&s, ", ", "any other domain");
	return s;
}

/* Fills W with the stages of the way from peer P to peer Q. */
static void
report_way(const struct model *m, size_t p, size_t q, struct report_way *w)
{
	const struct m_peer *peer;
	enum ast_direction d;
	size_t i;

	memset(w, 0, sizeof(*w));
	for (d = DIR_INBOUND; d < DIR_COUNT; d++) {
		peer = &m->peers[d == DIR_INBOUND ? p : q];
		w->st = xreallocarray(w->st, w->nst + peer->nfilters[d],
		    sizeof(*w->st));
		for (i = 0; i < peer->nfilters[d]; i++)
			w->st[w->nst++] = (struct report_stage){ peer, d,
			    &m->filters[peer->filters[d][i].filter] };
	}
}

/* The statement that decided entry NS/NAME before, as met in stage K: in
 * stage K one that named the same entry, in an earlier stage one that
 * removed it or its whole namespace. NULL: none did. */
static const struct m_control *
report_decided(const struct report_way *w, size_t k, const char *ns,
    const char *name)
{
	const struct report_seen *s;
	int same_ns, same;
	size_t i;

	for (i = 0; i < w->nseen; i++) {
		s = &w->seen[i];
		same_ns = strcmp(s->ns, ns) == 0;
		same = same_ns && (s->name == NULL ? name == NULL :
		    name != NULL && strcmp(s->name, name) == 0);
		if ((s->stage == k && same) || (s->stage < k && s->removes &&
		    same_ns && (s->name == NULL || same)))
			return s->by;
	}
	return NULL;
}

/* Records entry NS/NAME of control C in stage K, unless decided in K. */
static void
report_see(struct report_way *w, size_t k, const char *ns, const char *name,
    const struct m_control *c)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		if (w->seen[i].stage == k && strcmp(w->seen[i].ns, ns) == 0 &&
		    (w->seen[i].name == NULL ? name == NULL : name != NULL &&
		    strcmp(w->seen[i].name, name) == 0))
			return;
	w->seen = xreallocarray(w->seen, w->nseen + 1, sizeof(*w->seen));
	w->seen[w->nseen++] = (struct report_seen){ ns, name, k,
	    c->kind == CTL_STRIP || c->verdict != VERDICT_PASS, c };
}

/*
 * Whether group G, named by control C in stage K, is already decided
 * there: each of its namespaces, and what its detectors find (named
 * before in this stage, or removed in an earlier one). Returns the
 * statement that decided it, or NULL; then records it as C's.
 */
static const struct m_control *
report_group(struct report_way *w, size_t k, enum group g,
    const struct m_control *c)
{
	const struct group_def *d = group_get(g);
	const struct m_control *by = NULL, *e;
	size_t i;
	int all = 1;

	if (d->detect != 0) {
		all = w->grp_named[g] == k + 1 ||
		    (w->grp_removed[g] != 0 && w->grp_removed[g] <= k);
		by = w->grp_by[g];
	}
	for (i = 0; d->ns[i] != NULL; i++) {
		if ((e = report_decided(w, k, d->ns[i], NULL)) == NULL)
			all = 0;
		else if (by == NULL)
			by = e;
		report_see(w, k, d->ns[i], NULL, c);
	}
	if (w->grp_named[g] != k + 1 && w->grp_removed[g] == 0 &&
	    (c->kind == CTL_STRIP || c->verdict != VERDICT_PASS))
		w->grp_removed[g] = k + 1;
	w->grp_named[g] = k + 1;
	if (w->grp_by[g] == NULL)
		w->grp_by[g] = c;
	return all ? by : NULL;
}

/* The name of stage S's place, as the tables show it ("partner out"). */
static char *
report_at(const struct report_stage *s)
{
	return xstrfmt("%s %s", s->peer->name, s->dir == DIR_INBOUND ?
	    "in" : "out");
}

/* Adds item ITEM of strip or block C (decided before by BY, if not NULL)
 * to the pair's table and to the list *LIST of the bullet. */
static void
report_content(struct report_pair *out, const struct report_stage *s,
    const struct m_control *c, const char *item,
    const struct m_control *by, char **list)
{
	char *at = report_at(s), *v = report_verdict(c, 0), *loc =
	    report_loc(&c->loc), *ref = xstrfmt("%s, %s", s->f->name, loc),
	    *byloc = by != NULL ? report_loc(&by->loc) : NULL, *text;

	text = by != NULL ? xstrfmt("%s (no effect: decided before, %s)",
	    item, byloc) : xstrdup(item);
	report_cat(list, ", ", text);
	report_row(&out->table, 6, at, item, c->kind == CTL_STRIP ? "strip" :
	    "block", by != NULL ? "no effect" : v, c->kind == CTL_STRIP ?
	    "no" : "yes", ref);
	free(text);
	free(byloc);
	free(ref);
	free(loc);
	free(v);
	free(at);
}

/* The items of strip or block C in stage K, in the table and in a
 * bullet; in the overview's cells as well where they have an effect. */
static void
report_contents(struct report_pair *out, struct report_way *w, size_t k,
    const struct m_control *c)
{
	const struct report_stage *s = &w->st[k];
	const struct m_control *by;
	char *list = NULL, *ns, *v, *loc, *sum = NULL;
	size_t i;

	for (i = 0; i < GROUP_COUNT; i++) {
		if (!(c->groups & (1u << i)))
			continue;
		by = report_group(w, k, i, c);
		report_content(out, s, c, group_get(i)->name, by, &list);
		if (by == NULL)
			report_cat(&sum, ", ", group_get(i)->name);
	}
	for (i = 0; i < c->nns; i++) {
		ns = c->ns[i].name != NULL ? xstrfmt("{%s}%s", c->ns[i].ns,
		    c->ns[i].name) : xstrdup(c->ns[i].ns);
		by = report_decided(w, k, c->ns[i].ns, c->ns[i].name);
		report_see(w, k, c->ns[i].ns, c->ns[i].name, c);
		report_content(out, s, c, ns, by, &list);
		if (by == NULL)
			report_cat(&sum, ", ", ns);
		free(ns);
	}
	loc = report_loc(&c->loc);
	v = report_verdict(c, 1);
	out->bullet = xreallocarray(out->bullet, out->nbullet + 1,
	    sizeof(*out->bullet));
	out->bullet[out->nbullet++] = c->kind == CTL_STRIP ?
	    xstrfmt("Removed wherever found, the stanza crossing without "
	    "them: %s; a message left with nothing to say is dropped (%s, "
	    "%s).", list, s->f->name, loc) :
	    xstrfmt("A stanza carrying %s, at any depth (inside forwarded "
	    "messages and carbons too), is %s (%s, %s).", list, v, s->f->name,
	    loc);
	free(v);
	if (sum != NULL && c->kind == CTL_STRIP)
		report_cat(&out->stripped, ", ", sum);
	else if (sum != NULL) {
		v = report_verdict(c, 0);
		report_cat(&sum, ": ", v);
		report_cat(&out->blocked, "; ", sum);
		free(v);
	}
	free(sum);
	free(list);
	free(loc);
}

/* Adds bullet TEXT, which it takes, to OUT. */
static void
report_add(struct report_pair *out, char *text)
{
	out->bullet = xreallocarray(out->bullet, out->nbullet + 1,
	    sizeof(*out->bullet));
	out->bullet[out->nbullet++] = text;
}

/* A fold, a blocked room list or a word list C of stage S: in the table,
 * in a bullet and in the overview. */
static void
report_other(struct report_pair *out, const struct report_stage *s,
    const struct m_control *c)
{
	char *at = report_at(s), *v = report_verdict(c, 0), *vw =
	    report_verdict(c, 1), *loc = report_loc(&c->loc), *ref =
	    xstrfmt("%s, %s", s->f->name, loc), *list = NULL, *q, *sum;
	const char *what = c->words == WORDS_LITERAL ? "words" : "patterns";
	size_t i;

	if (c->kind == CTL_FOLD) {
		report_row(&out->table, 6, at, "presence", "fold", v, "no",
		    ref);
		report_add(out, xstrfmt("Presence is folded: only "
		    "available, away (away, xa, dnd) or unavailable crosses, "
		    "without status text, priority, caps, avatar, nick or "
		    "anything else; subscriptions and probes cross without "
		    "children, and an update that does not change the folded "
		    "state is not sent again (%s).", ref));
		free(out->presence);
		out->presence = xstrdup("folded");
	} else {
		for (i = 0; i < c->nitems; i++) {
			q = c->kind == CTL_ROOM ? xstrdup(c->items[i]) :
			    xstrfmt("\"%s\"", c->items[i]);
			report_cat(&list, ", ", q);
			if (c->kind == CTL_ROOM)
				report_row(&out->table, 6, at, q, "block room",
				    v, "yes", ref);
			free(q);
		}
		if (c->kind == CTL_WORDS)
			report_row(&out->table, 6, at, list, what, v, "yes",
			    ref);
		report_add(out, c->kind == CTL_ROOM ? xstrfmt("Traffic to "
		    "or from the rooms (or room services) %s is %s (%s).",
		    list, vw, ref) : xstrfmt("A message whose body or "
		    "subject %s one of the %s %s (whole words, "
		    "case-insensitive) is %s (%s).", c->words ==
		    WORDS_LITERAL ? "contains" : "matches", what, list, vw,
		    ref));
		sum = xstrfmt("%s %s: %s", c->kind == CTL_ROOM ? "rooms" :
		    what, list, v);
		report_cat(&out->blocked, "; ", sum);
		free(sum);
	}
	free(list);
	free(ref);
	free(loc);
	free(vw);
	free(v);
	free(at);
}

/* A size limit on a way: a peer's (C NULL) or a filter's. */
struct report_limit {
	uint32_t size;
	const struct m_control *c;
	const struct report_stage *s;	/* a filter's */
	const struct m_peer *peer;	/* a peer's */
	enum ast_direction dir;
};

/* Limit L in the table of OUT; its verdict in words in *WORDS and the
 * statement in *REF (the caller frees both). */
static void
report_limit(const struct model *m, struct report_pair *out,
    const struct report_limit *l, char **words, char **ref)
{
	char size[PRINT_FMT_MAX], *at, *what, *v, *loc;

	print_fmt_size(size, l->size);
	what = xstrfmt("stanza over %s", size);
	if (l->c != NULL) {
		at = report_at(l->s);
		loc = report_loc(&l->c->loc);
		*ref = xstrfmt("%s, %s", l->s->f->name, loc);
		v = report_verdict(l->c, 0);
		*words = report_verdict(l->c, 1);
	} else {
		at = xstrfmt("%s %s", l->peer->name, l->dir ==
		    DIR_INBOUND ? "in" : "out");
		loc = report_loc(model_peer_limit_loc(m, l->peer,
		    LIMIT_STANZA_SIZE));
		*ref = xstrfmt("peer %s, %s", l->peer->name, loc);
		v = xstrdup(l->dir == DIR_INBOUND ? "stream closed "
		    "(policy-violation)" : "bounce policy-violation");
		*words = xstrfmt(l->dir == DIR_INBOUND ? "refused: the "
		    "stream from %s is closed with the stream error "
		    "policy-violation" : "bounced with the error "
		    "policy-violation and an alert", l->peer->name);
	}
	report_row(&out->table, 6, at, what, "stanza-size", v,
	    l->c == NULL && l->dir == DIR_INBOUND ? "no" : "yes", *ref);
	free(loc);
	free(v);
	free(what);
	free(at);
}

/*
 * The size limits of way W from P to Q in the order the guard applies
 * them: what P may send, what Q may be sent, then each filter's (its
 * first stanza-size). The smallest that does not let a stanza through
 * is the way's limit; one that lets it through with an alert (an audit)
 * is said as such.
 */
static void
report_sizes(const struct model *m, struct report_pair *out,
    const struct report_way *w, size_t p, size_t q)
{
	struct report_limit *l = xcalloc(w->nst + 2, sizeof(*l));
	char size[PRINT_FMT_MAX], *words, *ref;
	size_t i, j, n = 2, best = 0;

	l[0] = (struct report_limit){ model_peer_limit(m, &m->peers[p],
	    LIMIT_STANZA_SIZE), NULL, NULL, &m->peers[p], DIR_INBOUND };
	l[1] = (struct report_limit){ model_peer_limit(m, &m->peers[q],
	    LIMIT_STANZA_SIZE), NULL, NULL, &m->peers[q], DIR_OUTBOUND };
	for (i = 0; i < w->nst; i++) {
		for (j = 0; j < w->st[i].f->nctl; j++) {
			if (w->st[i].f->ctl[j].kind != CTL_SIZE)
				continue;
			l[n++] = (struct report_limit){ w->st[i].f->ctl[j].size,
			    &w->st[i].f->ctl[j], &w->st[i], NULL, 0 };
			break;
		}
	}
	for (i = 1; i < n; i++)
		if ((l[i].c == NULL || l[i].c->verdict != VERDICT_PASS) &&
		    l[i].size < l[best].size)
			best = i;
	for (i = 0; i < n; i++) {
		report_limit(m, out, &l[i], &words, &ref);
		print_fmt_size(size, l[i].size);
		if (i == best) {
			report_add(out, xstrfmt("The largest stanza that "
			    "crosses is %s (%lu bytes): a larger one is %s "
			    "(%s).", size, (unsigned long)l[i].size, words,
			    ref));
			out->size = xstrdup(size);
		} else if (l[i].c != NULL && l[i].c->verdict == VERDICT_PASS &&
		    l[i].size < l[best].size)
			report_add(out, xstrfmt("A stanza over %s crosses "
			    "with an alert (audit) (%s).", size, ref));
		free(words);
		free(ref);
	}
	free(l);
}

/* Makes what the report says of the way from peer P to peer Q. */
static void
report_pair(const struct model *m, size_t p, size_t q,
    struct report_pair *out)
{
	struct report_way w;
	const struct m_control *c;
	char *name;
	size_t k, i;
	int features = 0;

	memset(out, 0, sizeof(*out));
	out->from = p;
	out->to = q;
	out->dests = report_dests(m, q);
	report_way(m, p, q, &w);
	report_row(&out->table, 6, "at", "content", "control", "verdict",
	    "alert", "statement");
	for (k = 0; k < w.nst; k++) {
		name = xstrfmt("%s (%s of %s)", w.st[k].f->name,
		    w.st[k].dir == DIR_INBOUND ? "inbound" : "outbound",
		    w.st[k].peer->name);
		report_cat(&out->filters, ", ", name);
		free(name);
		for (i = 0; i < w.st[k].f->nctl; i++) {
			c = &w.st[k].f->ctl[i];
			if (c->kind == CTL_STRIP || c->kind == CTL_BLOCK) {
				report_contents(out, &w, k, c);
				features = 1;
			} else if (c->kind != CTL_SIZE)
				report_other(out, &w.st[k], c);
		}
	}
	if (features)
		report_add(out, xstrdup("Service discovery results crossing "
		    "do not advertise what is stripped or blocked, and "
		    "presence crosses without its entity caps."));
	report_sizes(m, out, &w, p, q);
	if (out->filters == NULL)
		out->filters = xstrdup("none");
	if (out->presence == NULL)
		out->presence = xstrdup("as sent");
	if (out->stripped == NULL)
		out->stripped = xstrdup("nothing");
	if (out->blocked == NULL)
		out->blocked = xstrdup("nothing");
	free(w.st);
	free(w.seen);
}

/* Writes the section of pair OUT (number N) and frees what it holds. */
static void
report_pair_write(struct report *r, struct report_pair *out, size_t n)
{
	const struct m_peer *p = &r->m->peers[out->from];
	const struct m_peer *q = &r->m->peers[out->to];
	char *text, *dom = report_patterns(p->domains, p->ndomains);
	size_t i;

	text = xstrfmt("3.%zu From %s to %s", n, p->name, q->name);
	report_heading(r, 3, text);
	free(text);
	text = xstrfmt("A stanza from %s (%s) to %s (%s) goes through "
	    "these filters, in this order: %s. Message, presence and IQ "
	    "stanzas cross, subject to what follows; an IQ get or set "
	    "refused is always answered with an error.", p->name, dom,
	    q->name, out->dests, out->filters);
	report_para(r, text);
	free(text);
	for (i = 0; i < out->nbullet; i++) {
		report_bullet(r, out->bullet[i]);
		free(out->bullet[i]);
	}
	fputc('\n', r->fp);
	report_table(r, &out->table);
	free(out->bullet);
	free(out->filters);
	free(out->dests);
	free(out->presence);
	free(out->stripped);
	free(out->blocked);
	free(out->size);
	free(dom);
}

/* Section 3: the overview, then each pair of peers. */
static void
report_crossing(struct report *r)
{
	const struct model *m = r->m;
	struct report_pair *pairs;
	struct report_table t = { 0 };
	size_t i, j, n = 0;

	report_heading(r, 2, "3. What may cross");
	report_para(r, "A stanza from peer P to peer Q, routed to Q by the "
	    "routes above, goes through P's inbound filters, then Q's "
	    "outbound ones; what a filter strips or blocks is not seen by "
	    "the filters after it. Verdicts: modify (the stanza crosses "
	    "changed), drop (it does not cross, its sender is not told), "
	    "bounce (it does not cross, its sender gets the stanza error "
	    "named, with a text naming the rule and none of the content), "
	    "pass (an audit: it crosses, an alert is raised). The groups "
	    "of content are listed in the appendix.");
	pairs = xcalloc(m->npeers * m->npeers + 1, sizeof(*pairs));
	for (i = 0; i < m->npeers; i++)
		for (j = 0; j < m->npeers; j++)
			if (i != j)
				report_pair(m, i, j, &pairs[n++]);
	report_row(&t, 7, "from", "to", "filters", "presence", "stripped",
	    "blocked", "largest stanza");
	for (i = 0; i < n; i++)
		report_row(&t, 7, m->peers[pairs[i].from].name,
		    m->peers[pairs[i].to].name, pairs[i].filters,
		    pairs[i].presence, pairs[i].stripped, pairs[i].blocked,
		    pairs[i].size);
	report_table(r, &t);
	for (i = 0; i < n; i++)
		report_pair_write(r, &pairs[i], i + 1);
	free(pairs);
}

/* Section 4: where alerts go, and how many. */
static void
report_alerts(struct report *r)
{
	const struct m_alert *a = &r->m->alert;
	struct report_table t = { 0 };
	char win[PRINT_FMT_MAX], *msg, *rate, *recent;

	report_heading(r, 2, "4. Alerts");
	report_para(r, a->given ? "Every block, blocked room, word list and "
	    "size limit that acts raises an alert naming the peer, the "
	    "direction, the rule (its file and line), the verdict, the "
	    "addresses and the kind of stanza, never its content; a strip "
	    "or a fold does not (it refuses nothing)." : "Every block, "
	    "blocked room, word list and size limit that acts raises an "
	    "alert; the policy has no alert block, so alerts go to the log "
	    "at the default rate.");
	print_fmt_duration(win, a->window);
	msg = a->to != NULL ? xstrfmt("to %s, from %s, through the "
	    "guard's routes", a->to, a->from) : xstrdup("none");
	rate = xstrfmt("at most %lu per rule per %s; the rest are counted "
	    "and reported as suppressed", (unsigned long)a->rate, win);
	recent = xstrfmt("the last %lu, on the status page",
	    (unsigned long)a->recent);
	report_row(&t, 2, "sink", "setting");
	report_row(&t, 2, "log", a->log ? "yes (syslog or standard error)" :
	    "no");
	report_row(&t, 2, "file", a->file != NULL ? a->file : "none");
	report_row(&t, 2, "XMPP message", msg);
	report_row(&t, 2, "rate", rate);
	report_row(&t, 2, "recent", recent);
	report_table(r, &t);
	free(recent);
	free(rate);
	free(msg);
}

/* A row of the appendix: WHAT (a namespace or a detection) of group G,
 * named on its FIRST row only. */
static void
report_group_row(struct report_table *t, const struct group_def *g,
    const char *what, int first)
{
	report_row(t, 3, first ? g->name : "", what, !first ? "" :
	    g->whole ? "yes" : "no");
}

/* The appendix: the namespaces and detections of each group. */
static void
report_groups(struct report *r)
{
	static const char *const detect[DETECT_COUNT] = {
		"messages of type groupchat",
		"messages between users, outside rooms",
		"OTR markers in a message body",
		"aesgcm:// links in a message body",
	};
	const struct group_def *g;
	struct report_table t = { 0 };
	size_t i, j;

	report_heading(r, 2, "Appendix: groups of content");
	report_para(r, "A group covers every element in its namespaces, at "
	    "any depth, and what its detections find. Groups marked whole "
	    "may be blocked, never stripped: stripping them would leave a "
	    "fallback that says what the blocked content said.");
	report_row(&t, 3, "group", "namespace or detection", "whole");
	for (i = 0; i < GROUP_COUNT; i++) {
		g = group_get(i);
		for (j = 0; g->ns[j] != NULL; j++)
			report_group_row(&t, g, g->ns[j], j == 0);
		for (j = 0; j < DETECT_COUNT; j++)
			if (g->detect & (1u << j))
				report_group_row(&t, g, detect[j],
				    g->ns[0] == NULL && (g->detect &
				    ((1u << j) - 1)) == 0);
	}
	report_table(r, &t);
}

int
report_format_find(const char *name, enum report_format *f)
{
	if (strcmp(name, "text") == 0)
		*f = REPORT_TEXT;
	else if (strcmp(name, "markdown") == 0 || strcmp(name, "md") == 0)
		*f = REPORT_MARKDOWN;
	else
		return -1;
	return 0;
}

void
report_policy(FILE *fp, const struct model *m, enum report_format f)
{
	struct report r = { fp, f, m };

	report_identity(&r);
	report_peers(&r);
	report_clearances(&r);
	report_routes(&r);
	report_crossing(&r);
	report_alerts(&r);
	report_groups(&r);
}
