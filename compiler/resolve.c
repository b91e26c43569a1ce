/*
 * Resolution of the syntax tree into the model (see resolve.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "resolve_int.h"
#include "source.h"
#include "suggest.h"
#include "tlsname.h"
#include "xmalloc.h"

/* Defaults of the global limits, as documented in xedge.policy(5). */
static const uint32_t resolve_default_limits[LIMIT_COUNT] = {
	[LIMIT_STANZA_SIZE] = 256 * 1024,
	[LIMIT_QUEUE_LENGTH] = 1000,
	[LIMIT_CONNECT_TIMEOUT] = 10,
	[LIMIT_NEGOTIATE_TIMEOUT] = 30,
	[LIMIT_IDLE_TIMEOUT] = 600,
	[LIMIT_KEEPALIVE] = 60,
};


static struct resolve_def *
resolve_find_def(struct resolver *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ndefs; i++)
		if (strcmp(r->defs[i].st->name, name) == 0)
			return &r->defs[i];
	return NULL;
}

const char *
resolve_suggest(const struct resolver *r, enum resolve_names kind,
    const char *name)
{
	struct suggest s;
	size_t i;

	suggest_init(&s, name);
	for (i = 0; kind == NAMES_CONSTANTS && i < r->ndefs; i++)
		suggest_offer(&s, r->defs[i].st->name);
	for (i = 0; kind == NAMES_PEERS && i < r->m->npeers; i++)
		suggest_offer(&s, r->m->peers[i].name);
	for (i = 0; kind == NAMES_FILTERS && i < r->m->nfilters; i++)
		suggest_offer(&s, r->m->filters[i].name);
	for (i = 0; kind == NAMES_GROUPS && i < GROUP_COUNT; i++)
		suggest_offer(&s, group_get(i)->name);
	for (i = 0; kind == NAMES_LABEL_POLICIES && i < r->m->nlabels; i++)
		suggest_offer(&s, r->m->labels[i].name);
	return suggest_best(&s);
}

int
resolve_peer_named(struct resolver *r, const char *name,
    const struct ast_loc *loc)
{
	size_t i;

	for (i = 0; i < r->m->npeers; i++)
		if (strcmp(r->m->peers[i].name, name) == 0)
			return (int)i;
	diag_error_hint(loc, resolve_suggest(r, NAMES_PEERS, name),
	    "undefined peer '%s'", name);
	return -1;
}

/* The error counted is up to the statement after ST. */
int
resolve_lost(const struct ast_stmt *st)
{
	return diag_reported_between(&st->loc,
	    st->next != NULL ? &st->next->loc : NULL);
}

char *
resolve_where(const char *kind, const char *name)
{
	return xstrfmt("%s '%s'", kind, name);
}

/*
 * Follows V through the constants it names to a literal. Returns the
 * literal, or NULL after reporting an undefined constant or a cycle. *DEF
 * is set to the last constant followed (NULL for a literal).
 */
static const struct ast_value *
resolve_follow(struct resolver *r, const struct ast_value *v,
    struct resolve_def **def)
{
	const struct ast_value *lit;
	struct resolve_def *d;

	*def = NULL;
	if (v->kind != AST_NAME)
		return v;
	if ((d = resolve_find_def(r, v->str)) == NULL) {
		diag_error_hint(&v->loc, resolve_suggest(r, NAMES_CONSTANTS,
		    v->str), "undefined constant '%s'", v->str);
		return NULL;
	}
	d->used = 1;
	switch (d->state) {
	case DEF_BROKEN:
		return NULL;
	case DEF_BUSY:
		diag_error(&d->st->name_loc, "constant '%s' is defined in "
		    "terms of itself", d->st->name);
		d->state = DEF_BROKEN;
		return NULL;
	default:
		break;
	}
	d->state = DEF_BUSY;
	lit = resolve_follow(r, d->st->value, def);
	if (d->state == DEF_BROKEN)
		return NULL;
	d->state = lit == NULL ? DEF_BROKEN : DEF_DONE;
	*def = d;
	return lit;
}

static const char *
resolve_kind_name(enum ast_value_kind kind)
{
	switch (kind) {
	case AST_NUMBER:
		return "a number";
	case AST_DURATION:
		return "a duration";
	case AST_SIZE:
		return "a size";
	case AST_STRING:
		return "a string";
	case AST_ADDRESS:
		return "an address";
	case AST_VERSION:
		return "a version";
	default:
		return "a name";
	}
}

const struct ast_value *
resolve_as(struct resolver *r, const struct ast_value *v,
    enum resolve_want want)
{
	static const char *const wanted[] = {
		[WANT_STRING] = "a string",
		[WANT_HOST] = "an address or a string",
		[WANT_NUMBER] = "a number",
		[WANT_SIZE] = "a size (like 64KiB) or a number of bytes",
		[WANT_DURATION] = "a duration (like 30s, 5m, 1h or 1d)",
		[WANT_VERSION] = "a TLS version (like 1.3)",
	};
	const struct ast_value *lit;
	struct resolve_def *def;
	int ok;

	if ((lit = resolve_follow(r, v, &def)) == NULL)
		return NULL;
	switch (want) {
	case WANT_STRING:
		ok = lit->kind == AST_STRING;
		break;
	case WANT_HOST:
		ok = lit->kind == AST_STRING || lit->kind == AST_ADDRESS;
		break;
	case WANT_NUMBER:
		ok = lit->kind == AST_NUMBER;
		break;
	case WANT_SIZE:
		ok = lit->kind == AST_SIZE || lit->kind == AST_NUMBER;
		break;
	case WANT_VERSION:
		ok = lit->kind == AST_VERSION;
		break;
	default:
		ok = lit->kind == AST_DURATION;
		break;
	}
	if (ok)
		return lit;
	diag_error(&v->loc, "expected %s, found %s", wanted[want],
	    resolve_kind_name(lit->kind));
	if (def != NULL)
		diag_note(&def->st->name_loc, "'%s' is defined here",
		    def->st->name);
	return NULL;
}

char *
resolve_string(struct resolver *r, const struct ast_value *v,
    enum resolve_want want)
{
	const struct ast_value *lit = resolve_as(r, v, want);

	return lit == NULL ? NULL : xstrdup(lit->str);
}

int
resolve_port(struct resolver *r, const struct ast_value *v, uint16_t *port)
{
	const struct ast_value *lit = resolve_as(r, v, WANT_NUMBER);

	if (lit == NULL)
		return -1;
	if (lit->num < 1 || lit->num > 65535) {
		diag_error(&v->loc, "port %llu out of range (1 to 65535)",
		    (unsigned long long)lit->num);
		return -1;
	}
	*port = (uint16_t)lit->num;
	return 0;
}

int
resolve_pattern(struct resolver *r, const struct ast_value *v,
    int wildcard, struct m_pattern *pat)
{
	const char *why;
	char *name, *p;

	if ((name = resolve_string(r, v, WANT_STRING)) == NULL)
		return -1;
	for (p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (model_domain_syntax(name, wildcard, &why) == -1) {
		diag_error(&v->loc, "invalid domain '%s': %s", name, why);
		free(name);
		return -1;
	}
	pat->name = name;
	pat->wildcard = strncmp(name, "*.", 2) == 0;
	pat->loc = v->loc;
	return 0;
}

/*
 * Appends the patterns in list V to *PATS (*N of them), refusing one that
 * is already there.
 */
static void
resolve_patterns(struct resolver *r, const struct ast_value *v,
    struct m_pattern **pats, size_t *n, const char *what)
{
	struct m_pattern pat;
	size_t i;

	for (; v != NULL; v = v->next) {
		if (resolve_pattern(r, v, 1, &pat) == -1)
			continue;
		for (i = 0; i < *n; i++)
			if (model_pattern_eq(&(*pats)[i], &pat))
				break;
		if (i < *n) {
			diag_error(&pat.loc, "duplicate %s '%s'", what,
			    pat.name);
			diag_note(&(*pats)[i].loc, "first given here");
			free(pat.name);
			continue;
		}
		*pats = xreallocarray(*pats, *n + 1, sizeof(**pats));
		(*pats)[(*n)++] = pat;
	}
}

int
resolve_once(const struct ast_item *it, const struct ast_item **first,
    const char *what, const char *where)
{
	if (*first != NULL) {
		diag_error(&it->loc, "duplicate '%s' in %s", what, where);
		diag_note(&(*first)->loc, "first given here");
		return -1;
	}
	*first = it;
	return 0;
}

/* Fills L from the limit items IT of block WHERE. */
static void
resolve_limits(struct resolver *r, const struct ast_item *it,
    struct m_limits *l, const char *where)
{
	static const enum resolve_want want[LIMIT_COUNT] = {
		[LIMIT_STANZA_SIZE] = WANT_SIZE,
		[LIMIT_QUEUE_LENGTH] = WANT_NUMBER,
		[LIMIT_CONNECT_TIMEOUT] = WANT_DURATION,
		[LIMIT_NEGOTIATE_TIMEOUT] = WANT_DURATION,
		[LIMIT_IDLE_TIMEOUT] = WANT_DURATION,
		[LIMIT_KEEPALIVE] = WANT_DURATION,
	};
	const struct ast_item *first[LIMIT_COUNT] = { NULL };
	const struct ast_value *lit;

	for (; it != NULL; it = it->next) {
		if (resolve_once(it, &first[it->arg],
		    ast_limit_name(it->arg), where) == -1)
			continue;
		if ((lit = resolve_as(r, it->vals, want[it->arg])) == NULL)
			continue;
		l->v[it->arg] = (uint32_t)lit->num;
		l->set |= 1u << it->arg;
		l->loc[it->arg] = it->vals->loc;
	}
}

/*
 * Fills T from the tls-policy items IT of block WHERE. A list given
 * replaces the one T holds (the global defaults); its names are judged
 * later, by the checks.
 */
static void
resolve_tls(struct resolver *r, const struct ast_item *it, struct m_tls *t,
    const char *where)
{
	const struct ast_item *first[TLS_KEY_COUNT] = { NULL };
	const struct ast_value *v, *lit;
	struct m_name *names;
	size_t n;

	for (; it != NULL; it = it->next) {
		if (resolve_once(it, &first[it->arg],
		    ast_tls_key_name(it->arg), where) == -1)
			continue;
		t->set |= 1u << it->arg;
		t->loc[it->arg] = it->loc;
		if (it->arg == TLS_KEY_CRL_EXPIRED) {
			t->crl_expired = it->arg2;
			continue;
		}
		names = NULL;
		n = 0;
		for (v = it->vals; v != NULL; v = v->next) {
			lit = resolve_as(r, v, it->arg == TLS_KEY_VERSIONS ?
			    WANT_VERSION : WANT_STRING);
			if (lit == NULL)
				continue;
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n].name = xstrdup(lit->str);
			names[n++].loc = v->loc;
		}
		model_tls_free_list(t, it->arg);
		t->list[it->arg] = names;
		t->n[it->arg] = n;
	}
}

/* Fills the global tls-policy block with the defaults of the language. */
static void
resolve_tls_defaults(struct m_tls *t)
{
	const char *name;
	size_t i;
	int k;

	for (k = 0; k < TLS_KEY_LISTS; k++) {
		for (i = 0; (name = tlsname_default(k, i)) != NULL; i++) {
			t->list[k] = xreallocarray(t->list[k], i + 1,
			    sizeof(*t->list[k]));
			t->list[k][i].name = xstrdup(name);
			memset(&t->list[k][i].loc, 0,
			    sizeof(t->list[k][i].loc));
		}
		t->n[k] = i;
	}
	t->crl_expired = CRL_EXPIRED_REFUSE;
}

/* Fills the guard's part of the model from guard block ST: listen
 * addresses (default ports applied), certificates (the key file defaults
 * to the certificate file) and the CA bundle. */
static void
resolve_guard(struct resolver *r, const struct ast_stmt *st)
{
	const struct ast_item *it, *ca = NULL;
	struct model *m = r->m;
	struct m_listen *ls;
	struct m_cert *c;

	m->has_guard = 1;
	m->guard_loc = st->loc;
	m->guard_name = resolve_string(r, st->value, WANT_STRING);
	for (it = st->items; it != NULL; it = it->next) {
		switch (it->kind) {
		case ITEM_LISTEN:
			m->listen = xreallocarray(m->listen, m->nlisten + 1,
			    sizeof(*m->listen));
			ls = &m->listen[m->nlisten++];
			memset(ls, 0, sizeof(*ls));
			ls->loc = it->loc;
			ls->direct_tls = it->arg;
			ls->port = it->arg ? MODEL_PORT_DIRECT :
			    MODEL_PORT_STARTTLS;
			ls->host = resolve_string(r, it->vals, WANT_HOST);
			ls->host_loc = it->vals->loc;
			if (it->port != NULL)
				(void)resolve_port(r, it->port, &ls->port);
			break;
		case ITEM_CERTIFICATE:
			m->certs = xreallocarray(m->certs, m->ncerts + 1,
			    sizeof(*m->certs));
			c = &m->certs[m->ncerts++];
			memset(c, 0, sizeof(*c));
			c->loc = it->loc;
			(void)resolve_pattern(r, it->vals, 1, &c->domain);
			c->file = resolve_string(r, it->file, WANT_STRING);
			if (it->key != NULL)
				c->key = resolve_string(r, it->key,
				    WANT_STRING);
			else if (c->file != NULL)
				c->key = xstrdup(c->file);
			break;
		case ITEM_CA_BUNDLE:
			if (resolve_once(it, &ca, "ca-bundle", "guard") == 0) {
				m->ca_file = resolve_string(r, it->vals,
				    WANT_STRING);
				m->ca_loc = it->loc;
			}
			break;
		default:
			break;
		}
	}
}

/* Singleton items of a peer block, to report repetitions. */
struct resolve_peer_seen {
	const struct ast_item *connect, *protocol, *tls, *auth, *limits;
	const struct ast_item *tls_policy, *clearance, *catalog, *link;
};

/* Applies item IT of the block of peer P (WHERE names it for messages);
 * SEEN holds the items that may appear once. */
static void
resolve_peer_item(struct resolver *r, const struct ast_item *it,
    struct m_peer *p, struct resolve_peer_seen *seen, const char *where)
{
	switch (it->kind) {
	case ITEM_DOMAIN:
		resolve_patterns(r, it->vals, &p->domains, &p->ndomains,
		    "domain");
		break;
	case ITEM_ORIGINATES:
		p->origins_given = 1;
		resolve_patterns(r, it->vals, &p->origins, &p->norigins,
		    "originated domain");
		break;
	case ITEM_CONNECT:
		if (resolve_once(it, &seen->connect, "connect", where) == -1)
			break;
		p->connect = it->arg;
		p->connect_loc = it->loc;
		if (it->arg == CONNECT_STATIC) {
			p->host = resolve_string(r, it->vals, WANT_HOST);
			p->host_loc = it->vals->loc;
			if (it->port != NULL)
				(void)resolve_port(r, it->port, &p->port);
		}
		break;
	case ITEM_PROTOCOL:
		if (resolve_once(it, &seen->protocol, "protocol", where) == 0) {
			p->protocol = it->arg;
			p->protocol_loc = it->loc;
		}
		break;
	case ITEM_TLS:
		if (resolve_once(it, &seen->tls, "tls", where) == 0) {
			p->tls = it->arg;
			p->tls_mode = it->arg2;
			p->tls_loc = it->loc;
		}
		break;
	case ITEM_AUTH:
		if (resolve_once(it, &seen->auth, "auth", where) == 0) {
			p->auth = (unsigned)it->arg;
			p->force_insecure = it->arg2;
			p->auth_loc = it->loc;
		}
		break;
	case ITEM_LIMITS:
		if (resolve_once(it, &seen->limits, "limits", where) == 0)
			resolve_limits(r, it->sub, &p->limits, where);
		break;
	case ITEM_TLS_POLICY:
		if (resolve_once(it, &seen->tls_policy, "tls-policy",
		    where) == 0)
			resolve_tls(r, it->sub, &p->tls_policy, where);
		break;
	case ITEM_FILTER:
		resolve_peer_filter(r, it, p);
		break;
	case ITEM_CLEARANCE:
		/* One for a domain waits for all the peer's domains. */
		if (it->value == NULL && resolve_once(it, &seen->clearance,
		    "clearance", where) == 0)
			resolve_clearance(r, it, &p->clearance);
		break;
	case ITEM_CATALOG:
		if (resolve_once(it, &seen->catalog, "catalog", where) == 0) {
			p->catalog = it->arg;
			p->catalog_given = 1;
			p->catalog_loc = it->loc;
		}
		break;
	case ITEM_LINK:
		if (resolve_once(it, &seen->link, "link", where) == 0) {
			p->required = it->arg;
			p->link_loc = it->loc;
		}
		break;
	default:
		break;
	}
}

/* Adds the peer of statement ST to the model, with the defaults of the
 * items it leaves out (connect none, s2s, tls required starttls, auth
 * certificate, originates its domains). */
static void
resolve_peer(struct resolver *r, const struct ast_stmt *st)
{
	struct resolve_peer_seen seen = { 0 };
	const struct ast_item *it;
	struct model *m = r->m;
	unsigned before = diag_errors();
	struct m_peer *p;
	char *where;
	size_t i;

	for (i = 0; i < m->npeers; i++) {
		if (strcmp(m->peers[i].name, st->name) == 0) {
			diag_error(&st->name_loc, "duplicate peer '%s'",
			    st->name);
			diag_note(&m->peers[i].loc, "first defined here");
			return;
		}
	}
	m->peers = xreallocarray(m->peers, m->npeers + 1, sizeof(*m->peers));
	p = &m->peers[m->npeers++];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(st->name);
	p->loc = st->name_loc;
	p->connect = CONNECT_NONE;
	p->protocol = PROTO_S2S;
	p->tls = TLS_REQUIRED;
	p->auth = AUTH_CERTIFICATE;
	p->edge = -1;
	p->connect_loc = p->protocol_loc = p->tls_loc = p->auth_loc = p->loc;
	where = resolve_where("peer", st->name);
	for (it = st->items; it != NULL; it = it->next)
		resolve_peer_item(r, it, p, &seen, where);
	free(where);
	resolve_domain_clearances(r, st->items, p);
	p->incomplete = diag_errors() != before || resolve_lost(st);
	if (p->tls_mode == TLS_MODE_DEFAULT)
		p->tls_mode = TLS_MODE_STARTTLS;
	if (p->connect == CONNECT_STATIC && p->port == 0)
		p->port = p->tls_mode == TLS_MODE_DIRECT ? MODEL_PORT_DIRECT :
		    MODEL_PORT_STARTTLS;
	if (!p->origins_given) {
		p->origins = xcalloc(p->ndomains, sizeof(*p->origins));
		for (p->norigins = 0; p->norigins < p->ndomains; p->norigins++) {
			p->origins[p->norigins] = p->domains[p->norigins];
			p->origins[p->norigins].name =
			    xstrdup(p->domains[p->norigins].name);
		}
	}
}

/* Adds the route of statement ST, bound to the peer it names. */
static void
resolve_route(struct resolver *r, const struct ast_stmt *st)
{
	struct model *m = r->m;
	struct m_route *rt;
	int i;

	if ((i = resolve_peer_named(r, st->name, &st->name_loc)) == -1)
		return;
	m->routes = xreallocarray(m->routes, m->nroutes + 1,
	    sizeof(*m->routes));
	rt = &m->routes[m->nroutes];
	memset(rt, 0, sizeof(*rt));
	rt->peer = (size_t)i;
	rt->loc = st->loc;
	rt->via_loc = st->name_loc;
	if (st->value == NULL) {
		rt->is_default = 1;
		rt->pattern.loc = st->loc;
	} else if (resolve_pattern(r, st->value, 1, &rt->pattern) == -1)
		return;
	m->nroutes++;
}

/* Collects the constants of ST into R, refusing duplicates, and checks
 * that each stands for a literal. */
static void
resolve_defines(struct resolver *r, const struct ast_stmt *st)
{
	const struct ast_stmt *s;
	struct resolve_def *d;
	size_t i;

	for (s = st; s != NULL; s = s->next) {
		if (s->kind != STMT_DEFINE)
			continue;
		if ((d = resolve_find_def(r, s->name)) != NULL) {
			diag_error(&s->name_loc, "duplicate constant '%s'",
			    s->name);
			diag_note(&d->st->name_loc, "first defined here");
			continue;
		}
		r->defs = xreallocarray(r->defs, r->ndefs + 1,
		    sizeof(*r->defs));
		r->defs[r->ndefs++] = (struct resolve_def){ s, DEF_NEW, 0 };
	}
	for (i = 0; i < r->ndefs; i++) {
		struct resolve_def *via;

		(void)resolve_follow(r, r->defs[i].st->value, &via);
		if (r->defs[i].state == DEF_NEW)
			r->defs[i].state = DEF_DONE;
	}
}

/*
 * Reports block statement ST as a repetition if *FIRST is already set (a
 * block WHAT that may appear once), else remembers it. Returns 0 for the
 * first, -1 for a repetition.
 */
static int
resolve_first_block(const struct ast_stmt *st, const struct ast_stmt **first,
    const char *what)
{
	if (*first != NULL) {
		diag_error(&st->loc, "duplicate '%s' block", what);
		diag_note(&(*first)->loc, "first given here");
		return -1;
	}
	*first = st;
	return 0;
}

/* Handles the policy statement ST, FIRST if it opens the main file. */
static void
resolve_policy_stmt(struct resolver *r, const struct ast_stmt *st,
    int first)
{
	struct model *m = r->m;

	if (st->loc.file != src_main())
		diag_error(&st->loc, "'policy' belongs in the main policy "
		    "file, not in an included one");
	else if (m->name != NULL) {
		diag_error(&st->loc, "duplicate 'policy' statement");
		diag_note(&m->loc, "first given here");
	} else if (!first)
		diag_error(&st->loc, "'policy' must be the first statement");
	else {
		m->loc = st->loc;
		m->name = resolve_string(r, st->value, WANT_STRING);
		if (m->name == NULL)
			m->name = xstrdup("");
	}
}

int
resolve_policy(const struct ast_stmt *st, const char *role, struct model *m)
{
	struct resolver r = { .m = m };
	const struct ast_stmt *s, *limits = NULL, *guard = NULL, *tls = NULL;
	const struct ast_stmt *alert = NULL, *pair = NULL;
	unsigned before = diag_errors();
	struct ast_loc start = { src_main(), 1, 1, 1, 1 };
	int policies = 0;
	unsigned guard_errors;
	size_t i;

	m->incomplete = diag_reported_between(NULL, NULL);
	memcpy(m->limits.v, resolve_default_limits, sizeof(m->limits.v));
	resolve_tls_defaults(&m->tls_policy);
	resolve_defines(&r, st);
	/* Peers name filters and label policies, which may be defined after
	 * them. */
	resolve_filters(&r, st);
	resolve_labels(&r, st);
	for (s = st; s != NULL; s = s->next) {
		switch (s->kind) {
		case STMT_POLICY:
			resolve_policy_stmt(&r, s, s == st);
			policies++;
			break;
		case STMT_GUARD:
			if (resolve_first_block(s, &guard, "guard") == -1)
				break;
			guard_errors = diag_errors();
			resolve_guard(&r, s);
			m->guard_incomplete = diag_errors() != guard_errors ||
			    resolve_lost(s);
			break;
		case STMT_LIMITS:
			if (resolve_first_block(s, &limits, "limits") == 0)
				resolve_limits(&r, s->items, &m->limits,
				    "limits");
			break;
		case STMT_TLS_POLICY:
			if (resolve_first_block(s, &tls, "tls-policy") == 0)
				resolve_tls(&r, s->items, &m->tls_policy,
				    "tls-policy");
			break;
		case STMT_PEER:
			resolve_peer(&r, s);
			break;
		case STMT_ALERT:
			if (resolve_first_block(s, &alert, "alert") == 0)
				resolve_alert(&r, s);
			break;
		default:
			break;
		}
	}
	/* Routes and the pair name peers, which may be defined after them. */
	for (s = st; s != NULL; s = s->next) {
		if (s->kind == STMT_ROUTE)
			resolve_route(&r, s);
		else if (s->kind == STMT_PAIR &&
		    resolve_first_block(s, &pair, "pair") == 0)
			resolve_guard_pair(&r, s);
	}
	if (alert == NULL)
		resolve_alert(&r, NULL);
	resolve_tests(&r, st);
	/* What is missing may be in the statements that were lost. */
	if (policies == 0 && !m->incomplete)
		diag_error(st != NULL ? &st->loc : &start,
		    "missing 'policy' statement at the start of the file");
	if (m->name == NULL)
		m->name = xstrdup("");
	if (!m->has_guard && !m->incomplete)
		diag_error(m->loc.file != NULL ? &m->loc : &start,
		    "missing 'guard' block");
	resolve_role(&r, role);
	for (i = 0; i < r.ndefs && !m->incomplete; i++)
		if (!r.defs[i].used && r.defs[i].state != DEF_BROKEN)
			diag_warning(&r.defs[i].st->name_loc,
			    "constant '%s' is never used", r.defs[i].st->name);
	free(r.defs);
	return diag_errors() == before ? 0 : -1;
}
