/*
 * Semantic checks (see check.h). Patterns are compared as sets of domains:
 * "a.example" is one domain, "*.a.example" every domain below a.example at
 * any depth. The most specific pattern decides (exact before wildcard,
 * longer suffix before shorter), so an exact domain inside another peer's
 * wildcard is not ambiguous: only two equal patterns are.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "check_int.h"
#include "diag.h"
#include "tlsname.h"
#include "xmalloc.h"

/* Ranges of limits, as documented in xedge.policy(5). */
static const struct {
	uint32_t min, max;
} check_range[LIMIT_COUNT] = {
	[LIMIT_STANZA_SIZE] = { 1024, 16 * 1024 * 1024 },
	[LIMIT_QUEUE_LENGTH] = { 1, 1000000 },
	[LIMIT_CONNECT_TIMEOUT] = { 1, 3600 },
	[LIMIT_NEGOTIATE_TIMEOUT] = { 1, 3600 },
	[LIMIT_IDLE_TIMEOUT] = { 10, 7 * 86400 },
	[LIMIT_KEEPALIVE] = { 0, 3600 },
};

int
check_is_address(const char *name)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, name, buf) == 1 ||
	    inet_pton(AF_INET6, name, buf) == 1;
}

/* Whether domain NAME lies below SUFFIX: at any depth, or with ONE_LABEL
 * exactly one label below. */
static int
check_below(const char *name, const char *suffix, int one_label)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (n <= s + 1 || name[n - s - 1] != '.' ||
	    strcmp(name + n - s, suffix) != 0)
		return 0;
	return !one_label || memchr(name, '.', n - s - 1) == NULL;
}

/* Offers PAT, which sends to PEER, for DOMAIN: an exact match ranks above
 * every wildcard, a longer suffix above a shorter one. */
static void
check_route_offer(const struct m_pattern *pat, size_t peer,
    const char *domain, int *best, size_t *rank)
{
	size_t r;

	if (pat->name == NULL)
		return;
	if (!pat->wildcard)
		r = strcmp(pat->name, domain) == 0 ? (size_t)-1 : 0;
	else
		r = check_below(domain, M_SUFFIX(pat), 0) ?
		    strlen(M_SUFFIX(pat)) : 0;
	if (r > *rank) {
		*rank = r;
		*best = (int)peer;
	}
}

int
check_route_of(const struct model *m, const char *domain)
{
	const struct m_route *dflt = model_default_route(m);
	int best = dflt != NULL ? (int)dflt->peer : -1;
	size_t i, j, rank = 0;

	for (i = 0; i < m->npeers; i++)
		for (j = 0; j < m->peers[i].ndomains; j++)
			check_route_offer(&m->peers[i].domains[j], i, domain,
			    &best, &rank);
	for (i = 0; i < m->nroutes; i++)
		if (!m->routes[i].is_default)
			check_route_offer(&m->routes[i].pattern,
			    m->routes[i].peer, domain, &best, &rank);
	return best;
}

int
check_origin_of(const struct model *m, const char *domain)
{
	int best = -1;
	size_t i, j, rank = 0;

	for (i = 0; i < m->npeers; i++)
		for (j = 0; j < m->peers[i].norigins; j++)
			check_route_offer(&m->peers[i].origins[j], i, domain,
			    &best, &rank);
	return best;
}

/* Whether certificate pattern CERT serves the domains of pattern PAT: an
 * exact one by name or by a one-label wildcard, a wildcard only by the
 * same wildcard. */
static int
check_cert_covers(const struct m_pattern *cert, const struct m_pattern *pat)
{
	if (pat->wildcard)
		return model_pattern_eq(cert, pat);
	if (cert->wildcard)
		return check_below(pat->name, M_SUFFIX(cert), 1);
	return strcmp(cert->name, pat->name) == 0;
}

/* Whether some domain of certificate pattern CERT is also in pattern PAT. */
static int
check_cert_used_by(const struct m_pattern *cert, const struct m_pattern *pat)
{
	if (!pat->wildcard)
		return check_cert_covers(cert, pat);
	if (!cert->wildcard)
		return check_below(cert->name, M_SUFFIX(pat), 0);
	return strcmp(M_SUFFIX(cert), M_SUFFIX(pat)) == 0 ||
	    check_below(M_SUFFIX(cert), M_SUFFIX(pat), 0);
}

/*
 * Checks the limits given globally (P NULL) or by peer P against their
 * ranges, and the effective keepalive against the idle timeout.
 */
static void
check_limits(const struct model *m, const struct m_peer *p)
{
	const struct m_limits *l = p != NULL ? &p->limits : &m->limits;
	unsigned before = diag_errors();
	uint32_t idle, keep;
	int k;

	for (k = 0; k < LIMIT_COUNT; k++) {
		if (!(l->set & (1u << k)))
			continue;
		if (l->v[k] < check_range[k].min ||
		    l->v[k] > check_range[k].max)
			diag_error(&l->loc[k], "%s %lu out of range (%lu to "
			    "%lu%s)", ast_limit_name(k),
			    (unsigned long)l->v[k],
			    (unsigned long)check_range[k].min,
			    (unsigned long)check_range[k].max,
			    k == LIMIT_STANZA_SIZE ? " bytes" :
			    k == LIMIT_QUEUE_LENGTH ? "" : " seconds");
	}
	if (diag_errors() != before)
		return;
	if (p == NULL) {
		idle = m->limits.v[LIMIT_IDLE_TIMEOUT];
		keep = m->limits.v[LIMIT_KEEPALIVE];
	} else {
		if (!(l->set & (1u << LIMIT_IDLE_TIMEOUT |
		    1u << LIMIT_KEEPALIVE)))
			return;
		idle = model_peer_limit(m, p, LIMIT_IDLE_TIMEOUT);
		keep = model_peer_limit(m, p, LIMIT_KEEPALIVE);
	}
	if (keep != 0 && keep >= idle)
		diag_warning(l->set & (1u << LIMIT_KEEPALIVE) ?
		    &l->loc[LIMIT_KEEPALIVE] : l->set &
		    (1u << LIMIT_IDLE_TIMEOUT) ? &l->loc[LIMIT_IDLE_TIMEOUT] :
		    &m->loc, "keepalive %lus is not shorter than "
		    "idle-timeout %lus: idle streams close before a "
		    "keepalive is sent", (unsigned long)keep,
		    (unsigned long)idle);
}

/*
 * Checks each name of list KEY in tls-policy block T: allowed (see
 * tlsname.h), and not given twice in any spelling.
 */
static void
check_tls_names(const struct m_tls *t, enum ast_tls_key key)
{
	const struct m_name *names = t->list[key];
	const char *canon, *why;
	size_t i, j;

	for (i = 0; i < t->n[key]; i++) {
		switch (tlsname_judge(key, names[i].name, &canon, &why)) {
		case TLSNAME_OK:
			break;
		case TLSNAME_WEAK:
			diag_error(&names[i].loc, "%s '%s' is refused: %s",
			    tlsname_what(key), names[i].name, why);
			continue;
		case TLSNAME_MISPLACED:
			diag_error(&names[i].loc, "'%s' is a %s: list it under "
			    "'%s'", names[i].name, canon, why);
			continue;
		default:
			diag_error(&names[i].loc, "unknown %s '%s' (%s)",
			    tlsname_what(key), names[i].name, why);
			continue;
		}
		for (j = 0; j < i; j++) {
			if (tlsname_canon(key, names[j].name) == canon) {
				diag_error(&names[i].loc, "duplicate %s '%s'",
				    tlsname_what(key), canon);
				diag_note(&names[j].loc, "first given here");
				break;
			}
		}
	}
}

/* Whether the versions of tls-policy block T allow TLS VERSION. */
static int
check_tls_allows(const struct m_tls *t, const char *version)
{
	size_t i;

	for (i = 0; i < t->n[TLS_KEY_VERSIONS]; i++)
		if (strcmp(t->list[TLS_KEY_VERSIONS][i].name, version) == 0)
			return 1;
	return 0;
}

/*
 * Whether list KEY of the tls-policy block of peer P (NULL: the global
 * one) can be used: some session that takes it may speak TLS VERSION.
 * The global list serves inbound direct TLS and every peer that does not
 * give its own.
 */
static int
check_tls_used(const struct model *m, const struct m_peer *p,
    enum ast_tls_key key, const char *version)
{
	size_t i;

	if (p != NULL)
		return check_tls_allows(model_peer_tls(m, p,
		    TLS_KEY_VERSIONS), version);
	if (check_tls_allows(&m->tls_policy, version))
		return 1;
	for (i = 0; i < m->npeers; i++)
		if (!(m->peers[i].tls_policy.set & (1u << key)) &&
		    check_tls_allows(model_peer_tls(m, &m->peers[i],
		    TLS_KEY_VERSIONS), version))
			return 1;
	return 0;
}

/*
 * Checks the tls-policy block of peer P (NULL: the global one): its names,
 * then, if they are good, warns about a list of suites that no session
 * can use for want of its TLS version.
 */
static void
check_tls(const struct model *m, const struct m_peer *p)
{
	const struct m_tls *t = p != NULL ? &p->tls_policy : &m->tls_policy;
	unsigned before = diag_errors();
	int k;

	for (k = 0; k < TLS_KEY_LISTS; k++)
		if (t->set & (1u << k))
			check_tls_names(t, k);
	if (diag_errors() != before)
		return;
	if ((t->set & (1u << TLS_KEY_CIPHERS)) &&
	    !check_tls_used(m, p, TLS_KEY_CIPHERS, "1.2"))
		diag_warning(&t->loc[TLS_KEY_CIPHERS], "'ciphers' has no "
		    "effect: TLS 1.2 is not allowed where they apply");
	if ((t->set & (1u << TLS_KEY_CIPHERSUITES)) &&
	    !check_tls_used(m, p, TLS_KEY_CIPHERSUITES, "1.3"))
		diag_warning(&t->loc[TLS_KEY_CIPHERSUITES], "'ciphersuites' "
		    "has no effect: TLS 1.3 is not allowed where they apply");
}

static void
check_guard(const struct model *m)
{
	size_t i, j;

	if (!m->has_guard)
		return;
	if (m->nlisten == 0 && !m->guard_incomplete)
		diag_error(&m->guard_loc, "the guard has no 'listen' address");
	for (i = 0; i < m->nlisten; i++) {
		const struct m_listen *l = &m->listen[i];

		if (l->host != NULL && !check_is_address(l->host))
			diag_error(&l->host_loc, "listen address '%s' is not "
			    "a numeric IP address", l->host);
		for (j = 0; j < i; j++) {
			if (l->host != NULL && m->listen[j].host != NULL &&
			    strcmp(l->host, m->listen[j].host) == 0 &&
			    l->port == m->listen[j].port) {
				diag_error(&l->loc, "duplicate listen "
				    "address %s port %u", l->host, l->port);
				diag_note(&m->listen[j].loc, "first given "
				    "here");
				break;
			}
		}
	}
	for (i = 0; m->ca_file == NULL && !m->guard_incomplete &&
	    i < m->npeers; i++) {
		if ((m->peers[i].auth & AUTH_CERTIFICATE) &&
		    !m->peers[i].incomplete) {
			diag_error(&m->guard_loc, "the guard has no "
			    "'ca-bundle' to check peer certificates with");
			diag_note(&m->peers[i].auth_loc, "peer '%s' "
			    "authenticates by certificate", m->peers[i].name);
			break;
		}
	}
	for (i = 0; i < m->ncerts; i++) {
		for (j = 0; j < i; j++) {
			if (m->certs[i].domain.name != NULL &&
			    m->certs[j].domain.name != NULL &&
			    model_pattern_eq(&m->certs[i].domain,
			    &m->certs[j].domain)) {
				diag_error(&m->certs[i].domain.loc, "duplicate "
				    "certificate for '%s'",
				    m->certs[i].domain.name);
				diag_note(&m->certs[j].loc, "first given here");
				break;
			}
		}
	}
}

/*
 * A required link that the guard dials (the runtime's s2s_link.c) needs a
 * pair of names: an exact domain of peer P to dial, and an exact domain of
 * another peer, served by one of the guard's certificates and not routed
 * to P, to dial from.
 */
static int
check_link_from(const struct model *m, size_t index)
{
	const struct m_pattern *d;
	size_t i, j, c;

	for (i = 0; i < m->npeers; i++)
		for (j = 0; i != index && j < m->peers[i].ndomains; j++) {
			d = &m->peers[i].domains[j];
			if (d->wildcard || check_route_of(m, d->name) ==
			    (int)index)
				continue;
			for (c = 0; c < m->ncerts; c++)
				if (m->certs[c].domain.name != NULL &&
				    check_cert_covers(&m->certs[c].domain, d))
					return 1;
		}
	return 0;
}

static void
check_link(const struct model *m, const struct m_peer *p, size_t index)
{
	size_t i;
	int exact = 0;

	if (!p->required || p->connect == CONNECT_NONE || p->incomplete)
		return;
	for (i = 0; i < p->ndomains; i++)
		exact |= !p->domains[i].wildcard;
	if (!exact)
		diag_error(&p->link_loc, "the guard keeps the link to peer "
		    "'%s' by dialling it, and it has no exact domain to dial "
		    "(only patterns)", p->name);
	if (!check_link_from(m, index))
		diag_error(&p->link_loc, "the guard keeps the link to peer "
		    "'%s' by dialling it, and holds no certificate for an "
		    "exact domain of another peer to dial from", p->name);
}

/* Checks one peer on its own: domains, connection, TLS, authentication
 * and limits. */
static void
check_peer(const struct model *m, const struct m_peer *p)
{
	const char *why;

	if (p->ndomains == 0 && !p->incomplete)
		diag_error(&p->loc, "peer '%s' has no domain", p->name);
	if (p->protocol == PROTO_GCXP) {
		diag_error(&p->protocol_loc, "'protocol gcxp' is not written: "
		    "a peer is reached over gcxp when the other edge of a "
		    "guard pair serves it");
		if (m->pair.given)
			diag_note(&m->pair.loc, "the pair block gives each "
			    "peer to the edge that serves it");
		else
			diag_note(NULL, "a pair block gives each peer to the "
			    "edge that serves it (xedge.policy(5), PAIRS)");
	}
	if (p->connect == CONNECT_STATIC && p->host != NULL &&
	    !check_is_address(p->host) &&
	    model_domain_syntax(p->host, 0, &why) == -1)
		diag_error(&p->host_loc, "invalid host '%s': %s", p->host, why);
	if (p->tls == TLS_OPTIONAL && p->tls_mode == TLS_MODE_DIRECT)
		diag_error(&p->tls_loc, "'tls optional' with 'direct-tls': "
		    "direct TLS is always TLS; write 'tls required "
		    "direct-tls'");
	if ((p->auth & AUTH_DIALBACK) && p->tls == TLS_OPTIONAL &&
	    !p->force_insecure) {
		diag_error(&p->auth_loc, "peer '%s' allows dialback without "
		    "'tls required'", p->name);
		diag_note(&p->tls_loc, "write 'tls required' here, or "
		    "'force-insecure' after the auth methods to accept "
		    "unencrypted dialback");
	} else if (p->force_insecure && !(p->auth & AUTH_DIALBACK))
		diag_warning(&p->auth_loc, "'force-insecure' has no effect "
		    "without dialback");
	else if (p->force_insecure && p->tls == TLS_REQUIRED)
		diag_warning(&p->auth_loc, "'force-insecure' has no effect "
		    "with 'tls required'");
	if (p->connect == CONNECT_NONE && p->ndomains > 0 && !p->incomplete)
		diag_warning(&p->loc, "peer '%s' is never dialled (no "
		    "'connect'): stanzas to its domains cannot be delivered",
		    p->name);
	check_limits(m, p);
	check_tls(m, p);
}

/* Reports a pattern given to two peers, among their domains or (ORIGINS)
 * among the domains they originate. */
static void
check_unique_across_peers(const struct model *m, int origins)
{
	size_t i, j, a, b;

	for (i = 0; i < m->npeers; i++) {
		const struct m_peer *p = &m->peers[i];
		const struct m_pattern *pp = origins ? p->origins : p->domains;
		size_t pn = origins ? p->norigins : p->ndomains;

		for (a = 0; a < pn; a++) {
			for (j = 0; j < i; j++) {
				const struct m_peer *q = &m->peers[j];
				const struct m_pattern *qp = origins ?
				    q->origins : q->domains;
				size_t qn = origins ? q->norigins :
				    q->ndomains;

				for (b = 0; b < qn; b++)
					if (model_pattern_eq(&pp[a], &qp[b]))
						break;
				/* Default origins repeat the domains,
				 * whose clash is reported already. */
				if (b == qn || (origins && !p->origins_given &&
				    !q->origins_given))
					continue;
				diag_error(&pp[a].loc, "%s '%s' of peer '%s' "
				    "is also %s of peer '%s'",
				    origins ? "originated domain" : "domain",
				    pp[a].name, p->name, origins ?
				    "an originated domain" : "a domain",
				    q->name);
				diag_note(&qp[b].loc, "given to '%s' here",
				    q->name);
				break;
			}
		}
	}
}

/* Warns about a domain a peer originates but that is not its own. */
static void
check_origins(const struct m_peer *p)
{
	size_t a, b;

	if (!p->origins_given || p->incomplete)
		return;
	for (a = 0; a < p->norigins; a++) {
		const struct m_pattern *o = &p->origins[a];

		for (b = 0; b < p->ndomains; b++) {
			const struct m_pattern *d = &p->domains[b];

			if (model_pattern_eq(o, d) || (d->wildcard &&
			    check_below(M_SUFFIX(o), M_SUFFIX(d), 0)))
				break;
		}
		if (b == p->ndomains)
			diag_warning(&o->loc, "peer '%s' originates '%s' "
			    "but is not given that domain: replies to it "
			    "will not be routed to '%s'", p->name, o->name,
			    p->name);
	}
}

static void
check_routes(const struct model *m)
{
	const struct m_route *dflt = NULL;
	size_t i, j, k;

	for (i = 0; i < m->nroutes; i++) {
		const struct m_route *r = &m->routes[i];
		const struct m_peer *via = &m->peers[r->peer];

		if (via->connect == CONNECT_NONE && !via->incomplete) {
			diag_error(&r->via_loc, "route to nothing: peer '%s' "
			    "is never dialled", via->name);
			diag_note(&via->loc, "'%s' has no 'connect'",
			    via->name);
		}
		if (r->is_default) {
			if (dflt != NULL) {
				diag_error(&r->loc, "duplicate default route");
				diag_note(&dflt->loc, "first given here");
			} else
				dflt = r;
			continue;
		}
		for (j = 0; j < i; j++) {
			if (!m->routes[j].is_default &&
			    model_pattern_eq(&r->pattern,
			    &m->routes[j].pattern)) {
				diag_error(&r->pattern.loc, "route '%s' is "
				    "never taken: an earlier route has the "
				    "same pattern", r->pattern.name);
				diag_note(&m->routes[j].pattern.loc, "the "
				    "earlier route");
				break;
			}
		}
		if (j < i)
			continue;
		for (j = 0; j < m->npeers; j++) {
			const struct m_peer *p = &m->peers[j];

			for (k = 0; k < p->ndomains; k++)
				if (model_pattern_eq(&r->pattern,
				    &p->domains[k]))
					break;
			if (k == p->ndomains)
				continue;
			diag_error(&r->pattern.loc, "route '%s' is never "
			    "taken: peer '%s' has that domain",
			    r->pattern.name, p->name);
			diag_note(&p->domains[k].loc, "given to '%s' here",
			    p->name);
			break;
		}
	}
}

/* Reports PAT, a domain the guard stands in for, if no certificate of the
 * guard covers it. A guard block that lost a part to an error already
 * reported may have lost the certificate: it is not judged. */
static void
check_fronted(const struct model *m, const struct m_pattern *pat)
{
	size_t i;

	if (m->guard_incomplete)
		return;
	for (i = 0; i < m->ncerts; i++)
		if (m->certs[i].domain.name != NULL &&
		    check_cert_covers(&m->certs[i].domain, pat))
			return;
	if (pat->wildcard)
		diag_error(&pat->loc, "the guard stands in for '%s' but has no "
		    "certificate for it (a wildcard pattern needs a "
		    "certificate for \"%s\")", pat->name, pat->name);
	else
		diag_error(&pat->loc, "the guard stands in for '%s' but has no "
		    "certificate for it", pat->name);
}

/* Appends PAT to the N patterns in *SEEN unless an equal one is there.
 * Returns 1 if appended. */
static int
check_first(const struct m_pattern ***seen, size_t *n,
    const struct m_pattern *pat)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (model_pattern_eq((*seen)[i], pat))
			return 0;
	*seen = xreallocarray(*seen, *n + 1, sizeof(**seen));
	(*seen)[(*n)++] = pat;
	return 1;
}

/* Whether a domain the guard stands in for may have been lost to an error
 * already reported: in a statement that was lost, or in a peer. */
static int
check_lost_domains(const struct model *m)
{
	size_t i;

	for (i = 0; i < m->npeers; i++)
		if (m->peers[i].incomplete)
			return 1;
	return m->incomplete;
}

/*
 * The guard stands in for every domain it routes to (each peer's domains
 * and each route's pattern: the other side connects to the guard by that
 * name) and every domain it originates for (it dials out in that name).
 * Each pattern is checked once, where it first appears.
 */
static void
check_certificates(const struct model *m)
{
	const struct m_pattern **seen = NULL;
	int lost = check_lost_domains(m);
	size_t i, j, n = 0;

	if (!m->has_guard)
		return;
	for (i = 0; i < m->npeers; i++) {
		const struct m_peer *p = &m->peers[i];

		for (j = 0; j < p->ndomains; j++)
			if (check_first(&seen, &n, &p->domains[j]))
				check_fronted(m, &p->domains[j]);
		for (j = 0; j < p->norigins; j++)
			if (check_first(&seen, &n, &p->origins[j]))
				check_fronted(m, &p->origins[j]);
	}
	for (i = 0; i < m->nroutes; i++)
		if (!m->routes[i].is_default &&
		    check_first(&seen, &n, &m->routes[i].pattern))
			check_fronted(m, &m->routes[i].pattern);
	for (i = 0; i < m->ncerts && !lost; i++) {
		/* A domain that did not resolve was reported already. */
		if (m->certs[i].domain.name == NULL)
			continue;
		for (j = 0; j < n; j++)
			if (check_cert_used_by(&m->certs[i].domain, seen[j]))
				break;
		if (j == n)
			diag_warning(&m->certs[i].domain.loc, "certificate "
			    "for '%s' is not needed: the guard stands in for "
			    "no such domain", m->certs[i].domain.name);
	}
	free(seen);
}

int
check_policy(const struct model *m)
{
	unsigned before = diag_errors();
	size_t i;

	check_guard(m);
	check_limits(m, NULL);
	check_tls(m, NULL);
	if (m->npeers == 0 && !m->incomplete)
		diag_error(&m->loc, "no peer is defined");
	for (i = 0; i < m->npeers; i++) {
		check_peer(m, &m->peers[i]);
		check_link(m, &m->peers[i], i);
		check_origins(&m->peers[i]);
	}
	check_unique_across_peers(m, 0);
	check_unique_across_peers(m, 1);
	check_routes(m);
	check_certificates(m);
	check_content(m);
	check_labels(m);
	check_pair(m);
	return diag_errors() == before ? 0 : -1;
}
