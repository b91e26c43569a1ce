/*
 * Resolution of the pair block (xedge.policy(5), PAIRS): its validator and
 * two edges, the peers each edge serves, and the guard a build is of
 * (--role). The pair block and the blocks of its guards read the same
 * items (parser.y), so that a misplaced one is told here in words rather
 * than as a syntax error.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "resolve_int.h"
#include "suggest.h"
#include "xmalloc.h"

/* Items that may appear once in the pair block. */
struct resolve_pair_seen {
	const struct ast_item *validator, *ca, *window;
};

/* Items that may appear once in the block of a guard of the pair. */
struct resolve_pair_guard_seen {
	const struct ast_item *listen, *cert;
};

/* The keyword of item IT of a pair block, for messages. */
static const char *
resolve_pair_keyword(const struct ast_item *it)
{
	switch (it->kind) {
	case ITEM_PAIR_GUARD:
		return ast_pair_role_name(it->arg);
	case ITEM_CA_BUNDLE:
		return "ca-bundle";
	case ITEM_WINDOW:
		return "window";
	case ITEM_LISTEN:
		return "listen";
	case ITEM_CERTIFICATE:
		return "certificate";
	default:
		return "peers";
	}
}

/*
 * Sets the name of guard G from V: lower-cased, a domain name, and none
 * of the other guards'. A name that cannot be had is "" (reported), so
 * that the guard still counts as given.
 */
static void
resolve_pair_name(struct resolver *r, const struct ast_value *v,
    struct m_pair_guard *g)
{
	const struct m_pair *pr = &r->m->pair;
	const struct m_pair_guard *other[3] = { &pr->validator, &pr->edges[0],
	    &pr->edges[1] };
	const char *why;
	char *p;
	size_t i;

	g->loc = v->loc;
	if ((g->name = resolve_string(r, v, WANT_STRING)) == NULL) {
		g->name = xstrdup("");
		return;
	}
	for (p = g->name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (model_domain_syntax(g->name, 0, &why) == -1) {
		diag_error(&v->loc, "invalid guard name '%s': %s", g->name,
		    why);
		return;
	}
	for (i = 0; i < 3; i++) {
		if (other[i] == g || other[i]->name == NULL ||
		    strcmp(other[i]->name, g->name) != 0)
			continue;
		diag_error(&v->loc, "duplicate guard name '%s' in the pair",
		    g->name);
		diag_note(&other[i]->loc, "first given here");
		return;
	}
}

/* Gives the peers named by item IT to edge number E. */
static void
resolve_pair_peers(struct resolver *r, const struct ast_item *it, size_t e)
{
	struct model *m = r->m;
	const struct ast_value *v;
	struct m_peer *p;
	int i;

	for (v = it->vals; v != NULL; v = v->next) {
		if ((i = resolve_peer_named(r, v->str, &v->loc)) == -1)
			continue;
		p = &m->peers[i];
		if (p->edge >= 0) {
			diag_error(&v->loc, "peer '%s' is already served by "
			    "edge '%s': a peer is served by one edge",
			    p->name, m->pair.edges[p->edge].name);
			diag_note(&p->edge_loc, "given to '%s' here",
			    m->pair.edges[p->edge].name);
			continue;
		}
		p->edge = (int)e;
		p->edge_loc = v->loc;
		m->pair.edges[e].npeers++;
	}
}

/* Applies item IT of the block of guard G of the pair, of ROLE (edge
 * number E), named WHERE in messages. */
static void
resolve_pair_guard_item(struct resolver *r, const struct ast_item *it,
    struct m_pair_guard *g, enum ast_pair_role role, size_t e,
    struct resolve_pair_guard_seen *seen, const char *where)
{
	struct m_pair *pr = &r->m->pair;

	switch (it->kind) {
	case ITEM_LISTEN:
		if (role != PAIR_VALIDATOR)
			diag_error(&it->loc, "'listen' belongs in the "
			    "validator: an edge dials it");
		else if (resolve_once(it, &seen->listen, "listen",
		    where) == 0) {
			pr->listen_loc = it->loc;
			pr->host = resolve_string(r, it->vals, WANT_HOST);
			pr->host_loc = it->vals->loc;
			(void)resolve_port(r, it->port, &pr->port);
		}
		break;
	case ITEM_CERTIFICATE:
		if (resolve_once(it, &seen->cert, "certificate", where) == -1)
			break;
		g->cert_loc = it->loc;
		g->cert_file = resolve_string(r, it->file, WANT_STRING);
		if (it->key != NULL)
			g->key_file = resolve_string(r, it->key, WANT_STRING);
		else if (g->cert_file != NULL)
			g->key_file = xstrdup(g->cert_file);
		break;
	case ITEM_PEERS:
		if (role != PAIR_EDGE)
			diag_error(&it->loc, "'peers' belongs in an edge: the "
			    "validator serves no peer by S2S");
		else
			resolve_pair_peers(r, it, e);
		break;
	default:
		diag_error(&it->loc, "'%s' belongs in the pair block, not in "
		    "a%s %s", resolve_pair_keyword(it), role == PAIR_EDGE ?
		    "n" : "", ast_pair_role_name(role));
		break;
	}
}

/* Adds the guard of item IT (a validator or an edge block) to the pair;
 * SEEN holds the validator given before, if any. */
static void
resolve_pair_guard(struct resolver *r, const struct ast_item *it,
    struct resolve_pair_seen *seen)
{
	struct resolve_pair_guard_seen gseen = { 0 };
	struct m_pair *pr = &r->m->pair;
	unsigned before = diag_errors();
	const struct ast_item *sub;
	struct m_pair_guard *g;
	size_t e = 0;
	char *where;

	if (it->arg == PAIR_VALIDATOR) {
		if (resolve_once(it, &seen->validator, "validator",
		    "pair") == -1)
			return;
		g = &pr->validator;
	} else if (pr->nedges == 2) {
		diag_error(&it->loc, "a third edge: a pair has exactly two");
		diag_note(&pr->edges[1].loc, "the second edge");
		return;
	} else {
		e = pr->nedges++;
		g = &pr->edges[e];
	}
	resolve_pair_name(r, it->vals, g);
	where = resolve_where(ast_pair_role_name(it->arg), g->name);
	for (sub = it->sub; sub != NULL; sub = sub->next)
		resolve_pair_guard_item(r, sub, g, it->arg, e, &gseen, where);
	free(where);
	g->incomplete = diag_errors() != before;
}

void
resolve_guard_pair(struct resolver *r, const struct ast_stmt *st)
{
	struct resolve_pair_seen seen = { 0 };
	struct m_pair *pr = &r->m->pair;
	const struct ast_item *it;
	const struct ast_value *lit;
	unsigned before = diag_errors();

	pr->given = 1;
	pr->loc = st->loc;
	pr->window = MODEL_PAIR_WINDOW;
	for (it = st->items; it != NULL; it = it->next) {
		switch (it->kind) {
		case ITEM_PAIR_GUARD:
			resolve_pair_guard(r, it, &seen);
			break;
		case ITEM_CA_BUNDLE:
			if (resolve_once(it, &seen.ca, "ca-bundle",
			    "pair") == 0) {
				pr->ca_file = resolve_string(r, it->vals,
				    WANT_STRING);
				pr->ca_loc = it->loc;
			}
			break;
		case ITEM_WINDOW:
			if (resolve_once(it, &seen.window, "window",
			    "pair") == -1 ||
			    (lit = resolve_as(r, it->vals, WANT_NUMBER)) ==
			    NULL)
				break;
			pr->window = (uint32_t)lit->num;
			pr->window_loc = it->vals->loc;
			break;
		default:
			diag_error(&it->loc, "'%s' belongs in a validator or "
			    "edge block", resolve_pair_keyword(it));
			break;
		}
	}
	pr->incomplete = diag_errors() != before || resolve_lost(st);
}

void
resolve_role(struct resolver *r, const char *role)
{
	struct model *m = r->m;
	const struct m_pair *pr = &m->pair;
	struct suggest s;
	size_t e;

	if (!pr->given) {
		/* The pair block may be in a statement that was lost. */
		if (role != NULL && !m->incomplete)
			diag_error(m->loc.file != NULL ? &m->loc : NULL,
			    "--role '%s' names a guard of a pair, and the "
			    "policy has no pair block", role);
		return;
	}
	/* A pair without its three guards was reported by the checks. */
	if (pr->validator.name == NULL || pr->nedges != 2)
		return;
	if (role == NULL) {
		diag_error(&pr->loc, "the pair makes three guards of the "
		    "policy: name the one to build with --role ('%s', '%s' "
		    "or '%s')", pr->validator.name, pr->edges[0].name,
		    pr->edges[1].name);
		return;
	}
	if (strcasecmp(role, pr->validator.name) == 0) {
		m->role = ROLE_VALIDATOR;
		return;
	}
	suggest_init(&s, role);
	suggest_offer(&s, pr->validator.name);
	for (e = 0; e < 2; e++) {
		if (strcasecmp(role, pr->edges[e].name) == 0) {
			m->role = ROLE_EDGE;
			m->role_edge = e;
			return;
		}
		suggest_offer(&s, pr->edges[e].name);
	}
	diag_error_hint(&pr->loc, suggest_best(&s), "--role '%s' names no "
	    "guard of the pair ('%s', '%s' or '%s')", role,
	    pr->validator.name, pr->edges[0].name, pr->edges[1].name);
}
