/*
 * Checks of the content statements (see check.h): filters applied where
 * they can act, rules that can never fire, the alert block's addresses.
 */
#include <stdio.h>
#include <string.h>

#include "check_int.h"
#include "diag.h"
#include "pattern.h"

/* Checks the words or patterns of control C, each at its string. */
static void
check_words(const struct m_control *c)
{
	struct ast_loc at;
	const char *why;
	size_t i, col;

	for (i = 0; i < c->nitems; i++) {
		if (pattern_check(c->words == WORDS_LITERAL ? PATTERN_WORDS :
		    PATTERN_REGEX, c->items[i], &why, &col) == 0)
			continue;
		/* Past the opening quote, where the string is on one line
		 * and written without escapes. */
		at = c->item_loc[i];
		if (at.first_line == at.last_line &&
		    (size_t)(at.last_column - at.first_column) ==
		    strlen(c->items[i]) + 1)
			at.first_column = at.last_column =
			    at.first_column + 1 + (int)col;
		diag_error(&at, "%s %s", c->words == WORDS_LITERAL ? "word:" :
		    "pattern:", why);
	}
}

/* Reports a filter applied twice in one direction of peer P. */
static void
check_peer_filters(const struct model *m, const struct m_peer *p)
{
	enum ast_direction d;
	size_t i, j;

	for (d = DIR_INBOUND; d < DIR_COUNT; d++)
		for (i = 0; i < p->nfilters[d]; i++)
			for (j = 0; j < i; j++)
				if (p->filters[d][j].filter ==
				    p->filters[d][i].filter) {
					diag_error(&p->filters[d][i].loc,
					    "filter '%s' is applied twice "
					    "%s", m->filters[p->filters[d][i].
					    filter].name, d == DIR_INBOUND ?
					    "inbound" : "outbound");
					diag_note(&p->filters[d][j].loc,
					    "first applied here");
				}
}

/* Where a namespace entry was first named in a filter, by which control. */
struct check_entry {
	const char *ns, *name;
	const struct m_control *by;
	const struct ast_loc *loc;
};

/* Reports entry NS/NAME of control C at LOC when an earlier control of
 * the same filter already named it: the later one never acts on it. A
 * group's entries are reported as the GROUP, once. Returns -1 when
 * reported. */
static int
check_entry_once(struct check_entry *seen, size_t *n, size_t cap,
    const struct m_control *c, const char *ns, const char *name,
    const struct ast_loc *loc, const char *group)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (strcmp(seen[i].ns, ns) != 0 || (seen[i].name == NULL) !=
		    (name == NULL) || (name != NULL &&
		    strcmp(seen[i].name, name) != 0))
			continue;
		if (seen[i].by == c)
			return 0;
		diag_warning(loc, "'%s%s%s%s' is already %s by line %d of this "
		    "filter: this never acts on it", group ? group : "",
		    name ? "{" : "", group ? "" : ns, name ? "}" : "",
		    seen[i].by->kind == CTL_STRIP ? "stripped" : "blocked",
		    seen[i].by->loc.first_line);
		return -1;
	}
	if (*n < cap)
		seen[(*n)++] = (struct check_entry){ ns, name, c, loc };
	return 0;
}

/* Reports, in filter F, what a control names that an earlier one
 * already strips or blocks, a second size limit, and blocks of rooms and
 * of one-to-one chat that together leave no message. */
static void
check_filter_dead(const struct m_filter *f)
{
	struct check_entry seen[256];
	const struct m_control *c, *size = NULL, *muc = NULL, *chat = NULL;
	const struct m_control *by[GROUP_COUNT] = { NULL };
	const struct group_def *g;
	size_t i, j, k, n = 0;
	int warned = 0;

	for (i = 0; i < f->nctl; i++) {
		c = &f->ctl[i];
		if (c->kind == CTL_BLOCK && (c->groups & (1u << GROUP_MUC)))
			muc = muc != NULL ? muc : c;
		if (c->kind == CTL_BLOCK &&
		    (c->groups & (1u << GROUP_ONE_TO_ONE)))
			chat = chat != NULL ? chat : c;
		if (muc != NULL && chat != NULL && !warned) {
			diag_warning(&c->loc, "with line %d, this blocks every "
			    "message between users, in rooms and out",
			    (c == muc ? chat : muc)->loc.first_line);
			warned = 1;
		}
		if (c->kind == CTL_SIZE) {
			if (size != NULL) {
				diag_error(&c->loc, "duplicate 'stanza-size' "
				    "in filter");
				diag_note(&size->loc, "first given here");
			}
			size = c;
		}
		if (c->kind != CTL_STRIP && c->kind != CTL_BLOCK)
			continue;
		for (j = 0; j < GROUP_COUNT; j++) {
			if (!(c->groups & (1u << j)))
				continue;
			g = group_get(j);
			if (by[j] != NULL) {
				diag_warning(&c->group_loc[j], "'%s' is already "
				    "%s by line %d of this filter: this never "
				    "acts on it", g->name, by[j]->kind ==
				    CTL_STRIP ? "stripped" : "blocked",
				    by[j]->loc.first_line);
				continue;
			}
			by[j] = c;
			for (k = 0; g->ns[k] != NULL; k++)
				if (check_entry_once(seen, &n, 256, c, g->ns[k],
				    NULL, &c->group_loc[j], g->name) == -1)
					break;
		}
		for (j = 0; j < c->nns; j++)
			check_entry_once(seen, &n, 256, c, c->ns[j].ns,
			    c->ns[j].name, &c->ns[j].loc, NULL);
	}
}

/* Reports a filter's size limit that the peer's own stanza-size (which
 * bounds every stanza on its streams) already makes unreachable. */
static void
check_filter_size(const struct model *m, const struct m_peer *p,
    const struct m_filter *f)
{
	uint32_t limit = model_peer_limit(m, p, LIMIT_STANZA_SIZE);
	size_t i;

	/* The first limit is the one that acts (see check_filter_dead). */
	for (i = 0; i < f->nctl && f->ctl[i].kind != CTL_SIZE; i++)
		;
	if (i < f->nctl && f->ctl[i].size >= limit)
		diag_warning(&f->ctl[i].loc, "stanza-size %lu never fires for "
		    "peer '%s', whose own limit is %lu bytes",
		    (unsigned long)f->ctl[i].size, p->name,
		    (unsigned long)limit);
}

/* Reports the rooms of control C that no stanza can reach: on a domain
 * the policy neither routes nor lets a peer originate. */
static void
check_rooms(const struct model *m, const struct m_control *c)
{
	const char *domain, *at;
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		at = strchr(c->items[i], '@');
		domain = at != NULL ? at + 1 : c->items[i];
		if (check_route_of(m, domain) < 0 &&
		    check_origin_of(m, domain) < 0)
			diag_warning(&c->item_loc[i], "no stanza reaches room "
			    "'%s': the policy neither routes '%s' nor lets a "
			    "peer send from it", c->items[i], domain);
	}
}

/* Writes into OUT (CAP bytes) the domain of JID J: between its '@', if
 * any, and its '/', if any. */
static void
check_jid_domain(const char *j, char *out, size_t cap)
{
	const char *at = strchr(j, '@'), *d = at != NULL ? at + 1 : j;

	snprintf(out, cap, "%.*s", (int)strcspn(d, "/"), d);
}

/* Checks the alert block's message: its recipient routed by the policy,
 * its sender a domain the guard stands in for. */
static void
check_alert(const struct model *m)
{
	const struct m_alert *a = &m->alert;
	char to[256], from[256];
	int to_peer, from_peer;

	if (a->to == NULL || a->from == NULL)
		return;
	check_jid_domain(a->to, to, sizeof(to));
	check_jid_domain(a->from, from, sizeof(from));
	to_peer = check_route_of(m, to);
	from_peer = check_route_of(m, from);
	if (to_peer < 0)
		diag_error(&a->to_loc, "no route to '%s': the alert message "
		    "could not leave", a->to);
	if (from_peer < 0 || from_peer == to_peer)
		diag_error(&a->from_loc, "the guard does not stand in for "
		    "'%s' towards the operator's server: it cannot send from "
		    "there", from);
}

void
check_content(const struct model *m)
{
	const struct m_peer *p;
	enum ast_direction d;
	size_t i, j, text = 0;

	for (i = 0; i < m->npeers; i++) {
		p = &m->peers[i];
		check_peer_filters(m, p);
		for (d = DIR_INBOUND; d < DIR_COUNT; d++)
			for (j = 0; j < p->nfilters[d]; j++)
				if (j == 0 || p->filters[d][j].filter !=
				    p->filters[d][j - 1].filter)
					check_filter_size(m, p, &m->filters[
					    p->filters[d][j].filter]);
	}
	for (i = 0; i < m->nfilters; i++) {
		if (!m->filters[i].used)
			diag_warning(&m->filters[i].loc, "filter '%s' is "
			    "applied by no peer", m->filters[i].name);
		check_filter_dead(&m->filters[i]);
		for (j = 0; j < m->filters[i].nctl; j++) {
			if (m->filters[i].ctl[j].kind == CTL_ROOM)
				check_rooms(m, &m->filters[i].ctl[j]);
			if (m->filters[i].ctl[j].kind != CTL_WORDS)
				continue;
			check_words(&m->filters[i].ctl[j]);
			if (++text > PATTERN_MAX_LISTS)
				diag_error(&m->filters[i].ctl[j].loc, "more "
				    "than %d 'words' and 'pattern' statements",
				    PATTERN_MAX_LISTS);
		}
	}
	check_alert(m);
}
