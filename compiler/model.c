/*
 * The resolved policy: small queries and freeing (see model.h).
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xmalloc.h"

uint32_t
model_peer_limit(const struct model *m, const struct m_peer *p,
    enum ast_limit_key key)
{
	if (p->limits.set & (1u << key))
		return p->limits.v[key];
	return m->limits.v[key];
}

const struct ast_loc *
model_peer_limit_loc(const struct model *m, const struct m_peer *p,
    enum ast_limit_key key)
{
	if (p->limits.set & (1u << key))
		return &p->limits.loc[key];
	if (m->limits.set & (1u << key))
		return &m->limits.loc[key];
	return &p->loc;
}

const struct m_route *
model_default_route(const struct model *m)
{
	size_t i;

	for (i = 0; i < m->nroutes; i++)
		if (m->routes[i].is_default)
			return &m->routes[i];
	return NULL;
}

const struct m_tls *
model_peer_tls(const struct model *m, const struct m_peer *p,
    enum ast_tls_key key)
{
	if (p != NULL && (p->tls_policy.set & (1u << key)))
		return &p->tls_policy;
	return &m->tls_policy;
}

void
model_tls_free_list(struct m_tls *t, enum ast_tls_key key)
{
	size_t i;

	for (i = 0; i < t->n[key]; i++)
		free(t->list[key][i].name);
	free(t->list[key]);
	t->list[key] = NULL;
	t->n[key] = 0;
}

/* Frees every list of T. */
static void
model_tls_free(struct m_tls *t)
{
	int k;

	for (k = 0; k < TLS_KEY_LISTS; k++)
		model_tls_free_list(t, k);
}

int
model_pattern_eq(const struct m_pattern *a, const struct m_pattern *b)
{
	return a->wildcard == b->wildcard && strcmp(a->name, b->name) == 0;
}

int
model_domain_syntax(const char *name, int wildcard, const char **why)
{
	const char *p, *label;
	size_t len;

	if (wildcard && strncmp(name, "*.", 2) == 0)
		name += 2;
	if ((len = strlen(name)) == 0 || len > 253) {
		*why = len ? "longer than 253 bytes" : "empty";
		return -1;
	}
	if (name[len - 1] == '.') {
		*why = "a trailing dot is not allowed";
		return -1;
	}
	for (label = p = name;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label) {
				*why = "empty label";
				return -1;
			}
			if (p - label > 63) {
				*why = "label longer than 63 bytes";
				return -1;
			}
			if (*label == '-' || p[-1] == '-') {
				*why = "label starts or ends with '-'";
				return -1;
			}
			if (*p == '\0')
				return 0;
			label = p + 1;
		} else if (*p == '*') {
			*why = wildcard ? "'*' is allowed only as \"*.\" at the "
			    "start" : "'*' is not allowed here";
			return -1;
		} else if (!((*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-')) {
			*why = "only letters, digits, '-' and '.' are allowed";
			return -1;
		}
	}
}

int
model_peer_uncleared(const struct m_peer *p)
{
	return !p->clearance.given && p->ndomain_clearances < p->ndomains;
}

int
model_peer_catalogs(const struct m_peer *p)
{
	return p->catalog_given || p->clearance.given ||
	    p->ndomain_clearances > 0;
}

int
model_label_named(const struct m_label_ref *refs, size_t n, size_t tagset,
    size_t index)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (refs[i].tagset == tagset && refs[i].index == index)
			return 1;
	return 0;
}

int
model_clearance_holds(const struct m_clearance *c, size_t tagset, size_t cat)
{
	size_t i;

	for (i = 0; i < c->nheld; i++)
		if (c->held[i].tagset == tagset && c->held[i].cat == cat)
			return 1;
	return 0;
}

size_t
model_label_ncats(const struct m_label_policy *lp)
{
	const struct m_tagset *last;

	if (lp->ntagsets == 0)
		return 0;
	last = &lp->tagsets[lp->ntagsets - 1];
	return last->first_bit + last->ncats;
}

void
model_label_bit(const struct m_label_policy *lp, size_t bit, size_t *ts,
    size_t *cat)
{
	size_t t;

	for (t = 0; bit >= lp->tagsets[t].first_bit + lp->tagsets[t].ncats;
	    t++)
		;
	*ts = t;
	*cat = bit - lp->tagsets[t].first_bit;
}

const struct m_label_map *
model_label_map(const struct m_label_policy *from, size_t to)
{
	size_t i;

	for (i = 0; i < from->nmaps; i++)
		if (from->maps[i].to == to)
			return &from->maps[i];
	return NULL;
}

int
model_label_relabelled_into(const struct model *m, size_t l)
{
	size_t i;

	for (i = 0; i < m->nlabels; i++)
		if (i != l && model_label_map(&m->labels[i], l) != NULL)
			return 1;
	return 0;
}

int
model_tagset_enumerated(const struct m_tagset *ts)
{
	size_t k;

	if (ts->type == TAG_INFORMATIVE || ts->enumerated)
		return 1;
	for (k = 0; k < ts->ncats; k++)
		if (ts->cats[k].lacv > 255)
			return 1;
	return 0;
}

struct m_cleared *
model_clearances(const struct model *m, size_t *n)
{
	struct m_cleared *all;
	const struct m_peer *p;
	size_t i, d;

	*n = 0;
	for (i = 0; i < m->npeers; i++)
		*n += 1 + m->peers[i].ndomain_clearances;
	all = xcalloc(*n + 1, sizeof(*all));
	*n = 0;
	for (i = 0; i < m->npeers; i++) {
		p = &m->peers[i];
		if (p->clearance.given)
			all[(*n)++] = (struct m_cleared){ p, NULL,
			    &p->clearance };
		for (d = 0; d < p->ndomain_clearances; d++)
			if (p->domain_clearances[d].clearance.given)
				all[(*n)++] = (struct m_cleared){ p,
				    p->domain_clearances[d].domain,
				    &p->domain_clearances[d].clearance };
	}
	return all;
}

int
model_clearance_may_carry(const struct m_label_policy *lp,
    const struct m_clearance *c, size_t tagset, size_t cat)
{
	size_t i;

	switch (lp->tagsets[tagset].type) {
	case TAG_RESTRICTIVE:
		return model_clearance_holds(c, tagset, cat);
	case TAG_PERMISSIVE:
		for (i = 0; i < c->nheld; i++)
			if (c->held[i].tagset == tagset)
				return 1;
		return 0;
	case TAG_INFORMATIVE:
		break;
	}
	return 1;
}

char *
model_cleared_name(const struct m_cleared *x, const char *quote)
{
	if (x->domain != NULL)
		return xstrfmt("domain %s%s%s of peer %s%s%s", quote,
		    x->domain, quote, quote, x->peer->name, quote);
	return xstrfmt("peer %s%s%s", quote, x->peer->name, quote);
}

static void
model_free_patterns(struct m_pattern *pats, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(pats[i].name);
	free(pats);
}

static void
model_free_filter(struct m_filter *f)
{
	struct m_control *c;
	size_t i, j;

	for (i = 0; i < f->nctl; i++) {
		c = &f->ctl[i];
		for (j = 0; j < c->nns; j++) {
			free(c->ns[j].ns);
			free(c->ns[j].name);
		}
		free(c->ns);
		for (j = 0; j < c->nitems; j++)
			free(c->items[j]);
		free(c->items);
		free(c->item_loc);
		free(c->what);
	}
	free(f->ctl);
	free(f->name);
}

void
model_label_refs_free(struct m_label_ref *refs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(refs[i].name);
	free(refs);
}

void
model_label_value_free(struct m_label_value *v)
{
	size_t d, i;

	free(v->name);
	for (d = 0; d < DISPLAY_COUNT; d++)
		free(v->display[d]);
	for (i = 0; i < v->nrequires; i++)
		model_label_refs_free(v->requires[i].cats,
		    v->requires[i].ncats);
	free(v->requires);
	model_label_refs_free(v->excludes, v->nexcludes);
}

static void
model_free_values(struct m_label_value *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		model_label_value_free(&v[i]);
	free(v);
}

static void
model_free_label_policy(struct m_label_policy *lp)
{
	size_t i;

	for (i = 0; i < lp->ntagsets; i++) {
		free(lp->tagsets[i].name);
		free(lp->tagsets[i].oid);
		model_free_values(lp->tagsets[i].cats, lp->tagsets[i].ncats);
	}
	free(lp->tagsets);
	model_free_values(lp->cls, lp->ncls);
	for (i = 0; i < lp->nmaps; i++) {
		free(lp->maps[i].cls);
		free(lp->maps[i].cats);
	}
	free(lp->maps);
	free(lp->name);
	free(lp->spif);
	free(lp->spif_name);
	free(lp->oid);
}

static void
model_free_test(struct m_test *t)
{
	free(t->name);
	free(t->stanza);
	free(t->cond_name);
	free(t->output);
}

/* Frees what pair guard G owns. */
static void
model_free_pair_guard(struct m_pair_guard *g)
{
	free(g->name);
	free(g->cert_file);
	free(g->key_file);
}

const struct m_pair_guard *
model_role_guard(const struct model *m)
{
	switch (m->role) {
	case ROLE_EDGE:
		return &m->pair.edges[m->role_edge];
	case ROLE_VALIDATOR:
		return &m->pair.validator;
	default:
		return NULL;
	}
}

enum ast_protocol
model_peer_reached(const struct model *m, const struct m_peer *p)
{
	if (m->role == ROLE_VALIDATOR || (m->role == ROLE_EDGE &&
	    p->edge != (int)m->role_edge))
		return PROTO_GCXP;
	return PROTO_S2S;
}

void
model_free(struct model *m)
{
	size_t i, j;

	free(m->name);
	free(m->guard_name);
	for (i = 0; i < m->nlisten; i++)
		free(m->listen[i].host);
	free(m->listen);
	for (i = 0; i < m->ncerts; i++) {
		free(m->certs[i].domain.name);
		free(m->certs[i].file);
		free(m->certs[i].key);
	}
	free(m->certs);
	free(m->ca_file);
	model_tls_free(&m->tls_policy);
	for (i = 0; i < m->npeers; i++) {
		model_tls_free(&m->peers[i].tls_policy);
		free(m->peers[i].name);
		free(m->peers[i].host);
		model_free_patterns(m->peers[i].domains, m->peers[i].ndomains);
		model_free_patterns(m->peers[i].origins, m->peers[i].norigins);
		free(m->peers[i].filters[DIR_INBOUND]);
		free(m->peers[i].filters[DIR_OUTBOUND]);
		free(m->peers[i].clearance.held);
		for (j = 0; j < m->peers[i].ndomain_clearances; j++) {
			free(m->peers[i].domain_clearances[j].domain);
			free(m->peers[i].domain_clearances[j].clearance.held);
		}
		free(m->peers[i].domain_clearances);
	}
	free(m->peers);
	for (i = 0; i < m->nroutes; i++)
		free(m->routes[i].pattern.name);
	free(m->routes);
	for (i = 0; i < m->nfilters; i++)
		model_free_filter(&m->filters[i]);
	free(m->filters);
	free(m->alert.file);
	free(m->alert.to);
	free(m->alert.from);
	for (i = 0; i < m->nlabels; i++)
		model_free_label_policy(&m->labels[i]);
	free(m->labels);
	for (i = 0; i < m->ntests; i++)
		model_free_test(&m->tests[i]);
	free(m->tests);
	model_free_pair_guard(&m->pair.validator);
	for (i = 0; i < m->pair.nedges; i++)
		model_free_pair_guard(&m->pair.edges[i]);
	free(m->pair.host);
	free(m->pair.ca_file);
	memset(m, 0, sizeof(*m));
}
