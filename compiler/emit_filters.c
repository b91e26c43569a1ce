/*
 * The content tables of policy.c and the namespace machine of content.rl
 * (see runtime/policy_types.h, "Content filters").
 *
 * Every namespace the filters name, directly or through a group, becomes
 * one entry of a table; the machine gen_ns_lookup() finds a namespace in
 * one pass over its bytes, however many the policy names, and each filter
 * holds one action per entry. A filter's statements are its rules, after
 * the peers' own in the rules table, in policy order.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "pattern.h"
#include "source.h"
#include "xmalloc.h"

/* One entry: a namespace, or one element of it. */
struct emit_ns_entry {
	const char *ns;
	const char *name;		/* NULL: the whole namespace */
};

/* The entries of a model, sorted by namespace, the whole one first. */
struct emit_ns_table {
	struct emit_ns_entry *e;
	size_t n;
};

static int
emit_ns_cmp(const void *a, const void *b)
{
	const struct emit_ns_entry *x = a, *y = b;
	int c = strcmp(x->ns, y->ns);

	if (c != 0)
		return c;
	if (x->name == NULL || y->name == NULL)
		return (x->name != NULL) - (y->name != NULL);
	return strcmp(x->name, y->name);
}

static void
emit_ns_add(struct emit_ns_table *t, const char *ns, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (emit_ns_cmp(&t->e[i], &(struct emit_ns_entry){ ns, name })
		    == 0)
			return;
	t->e = xreallocarray(t->e, t->n + 1, sizeof(*t->e));
	t->e[t->n++] = (struct emit_ns_entry){ ns, name };
}

/* Calls FN for every namespace entry of control C. */
static void
emit_ctl_entries(const struct m_control *c,
    void (*fn)(void *, const char *, const char *), void *arg)
{
	const struct group_def *g;
	size_t i, j;

	if (c->kind != CTL_STRIP && c->kind != CTL_BLOCK)
		return;
	for (i = 0; i < GROUP_COUNT; i++) {
		if (!(c->groups & (1u << i)))
			continue;
		g = group_get(i);
		for (j = 0; g->ns[j] != NULL; j++)
			fn(arg, g->ns[j], NULL);
	}
	for (i = 0; i < c->nns; i++)
		fn(arg, c->ns[i].ns, c->ns[i].name);
}

static void
emit_ns_collect(void *arg, const char *ns, const char *name)
{
	emit_ns_add(arg, ns, name);
}

static void
emit_ns_table(const struct model *m, struct emit_ns_table *t)
{
	size_t i, j;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < m->nfilters; i++)
		for (j = 0; j < m->filters[i].nctl; j++)
			emit_ctl_entries(&m->filters[i].ctl[j],
			    emit_ns_collect, t);
	if (t->n > 0)
		qsort(t->e, t->n, sizeof(*t->e), emit_ns_cmp);
}

/* The index of entry NS/NAME in T. */
static size_t
emit_ns_index(const struct emit_ns_table *t, const char *ns, const char *name)
{
	const struct emit_ns_entry key = { ns, name }, *e;

	e = bsearch(&key, t->e, t->n, sizeof(*t->e), emit_ns_cmp);
	return (size_t)(e - t->e);
}

/* The number of rules before filter F's first one: the label rules
 * follow the filters'. */
static size_t
emit_filter_first_rule(const struct model *m, size_t f)
{
	size_t i, n = emit_rules_count(m) - emit_filter_rules_count(m) -
	    emit_label_rules_count(m);

	for (i = 0; i < f; i++)
		n += m->filters[i].nctl;
	return n;
}

size_t
emit_filter_rules_count(const struct model *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->nfilters; i++)
		n += m->filters[i].nctl;
	return n;
}

const char *
emit_verdict(enum ast_verdict v)
{
	static const char *const names[] = {
		[VERDICT_PASS] = "GEN_VERDICT_PASS",
		[VERDICT_MODIFY] = "GEN_VERDICT_MODIFY",
		[VERDICT_DROP] = "GEN_VERDICT_DROP",
		[VERDICT_BOUNCE] = "GEN_VERDICT_BOUNCE",
	};

	return names[v];
}

/* The statement's keyword, as a rule's name shows it. */
static const char *
emit_ctl_keyword(const struct m_control *c)
{
	switch (c->kind) {
	case CTL_FOLD:
		return "presence fold";
	case CTL_STRIP:
		return "strip";
	case CTL_BLOCK:
		return "block";
	case CTL_ROOM:
		return "block room";
	case CTL_SIZE:
		return "stanza-size";
	default:
		return c->words == WORDS_LITERAL ? "words" : "pattern";
	}
}

void
emit_filter_rules(struct out *o, const struct model *m)
{
	const struct m_filter *f;
	const struct m_control *c;
	size_t i, j;
	char *name;

	for (i = 0; i < m->nfilters; i++) {
		f = &m->filters[i];
		for (j = 0; j < f->nctl; j++) {
			c = &f->ctl[j];
			name = c->kind == CTL_STRIP || c->kind == CTL_BLOCK ?
			    xstrfmt("filter %s %s %s", f->name,
			    emit_ctl_keyword(c), c->what) :
			    xstrfmt("filter %s %s", f->name,
			    emit_ctl_keyword(c));
			emit_rule_entry(o, name, &c->loc, c->verdict, c->cond,
			    c->kind != CTL_FOLD && c->kind != CTL_STRIP);
			free(name);
		}
	}
}

static void emit_filter_rooms(struct out *, const struct model *, size_t,
    size_t);

/* What one filter's action table is built from. */
struct emit_actions {
	const struct emit_ns_table *t;
	unsigned *what, *rule;
	unsigned cur_what, cur_rule;
};

static void
emit_action_set(void *arg, const char *ns, const char *name)
{
	struct emit_actions *a = arg;
	size_t i = emit_ns_index(a->t, ns, name);

	/* The first statement that names an entry decides it; the checks
	 * warn about the later ones. */
	if (a->what[i] != 0)
		return;
	a->what[i] = a->cur_what;
	a->rule[i] = a->cur_rule;
}

/* Writes filter F's namespace actions, rooms and entry (number I). */
static void
emit_filter(struct out *o, const struct model *m,
    const struct emit_ns_table *t, size_t fi, size_t *text)
{
	const struct m_filter *f = &m->filters[fi];
	const struct m_control *c;
	struct emit_actions a = { t, NULL, NULL, 0, 0 };
	unsigned detect[DETECT_COUNT] = { 0 }, fold = 0, size_rule = 0;
	unsigned restricts = 0, rule;
	uint64_t bits = 0;
	uint32_t size = 0;
	size_t i, j, nrooms = 0;
	const struct group_def *g;

	a.what = xcalloc(t->n + 1, sizeof(*a.what));
	a.rule = xcalloc(t->n + 1, sizeof(*a.rule));
	for (i = 0; i < f->nctl; i++) {
		c = &f->ctl[i];
		rule = (unsigned)(emit_filter_first_rule(m, fi) + i);
		switch (c->kind) {
		case CTL_FOLD:
			fold = rule;
			break;
		case CTL_STRIP:
		case CTL_BLOCK:
			a.cur_what = c->kind == CTL_STRIP ? 1 : 2;
			a.cur_rule = rule;
			emit_ctl_entries(c, emit_action_set, &a);
			if (restricts == 0)
				restricts = rule;
			for (j = 0; j < GROUP_COUNT; j++) {
				if (!(c->groups & (1u << j)))
					continue;
				g = group_get(j);
				for (size_t k = 0; k < DETECT_COUNT; k++)
					if ((g->detect & (1u << k)) &&
					    detect[k] == 0)
						detect[k] = rule;
			}
			break;
		case CTL_ROOM:
			nrooms += c->nitems;
			break;
		case CTL_SIZE:
			if (size_rule == 0) {
				size = c->size;
				size_rule = rule;
			}
			break;
		case CTL_WORDS:
			bits |= (uint64_t)1 << (*text)++;
			break;
		}
	}
	if (t->n > 0) {
		out_printf(o, "static const struct gen_ns_action "
		    "gen_filter%zu_ns[%zu] = {\n", fi, t->n);
		for (i = 0; i < t->n; i++)
			out_printf(o, "\t{ %u, %u },\n", a.what[i], a.rule[i]);
		out_printf(o, "};\n");
	}
	if (nrooms > 0)
		emit_filter_rooms(o, m, fi, nrooms);
	out_printf(o, "static const struct gen_filter gen_filter%zu = {\n"
	    "\t.name = ", fi);
	out_cstring(o, f->name);
	out_printf(o, ",\n\t.fold = %u,\n", fold);
	if (t->n > 0)
		out_printf(o, "\t.ns = gen_filter%zu_ns,\n", fi);
	out_printf(o, "\t.restricts = %u,\n\t.detect = {", restricts);
	for (i = 0; i < DETECT_COUNT; i++)
		out_printf(o, " [%s] = %u,", group_detect_name(i), detect[i]);
	out_printf(o, " },\n");
	if (nrooms > 0)
		out_printf(o, "\t.services = gen_filter%zu_services,\n"
		    "\t.nservices = sizeof(gen_filter%zu_services) / "
		    "sizeof(gen_filter%zu_services[0]),\n", fi, fi, fi);
	out_printf(o, "\t.size = %u,\n\t.size_rule = %u,\n"
	    "\t.text = UINT64_C(0x%llx),\n};\n\n", size, size_rule,
	    (unsigned long long)bits);
	free(a.what);
	free(a.rule);
}

/* A room of a filter, with the rule that blocks it: LOCAL NULL for a
 * whole service. */
struct emit_room {
	const char *domain, *local;
	size_t nlocal;
	size_t rule;
};

/* Orders rooms by domain, then localpart (a whole service first), then
 * rule. */
static int
emit_room_cmp(const void *a, const void *b)
{
	const struct emit_room *x = a, *y = b;
	int c = strcmp(x->domain, y->domain);
	size_t n = x->nlocal < y->nlocal ? x->nlocal : y->nlocal;

	if (c == 0 && (x->local == NULL || y->local == NULL))
		c = (x->local != NULL) - (y->local != NULL);
	if (c == 0 && (c = memcmp(x->local, y->local, n)) == 0)
		c = (x->nlocal > y->nlocal) - (x->nlocal < y->nlocal);
	return c != 0 ? c : (x->rule > y->rule) - (x->rule < y->rule);
}

/* Room JID J, blocked by RULE. */
static struct emit_room
emit_room_of(const char *j, size_t rule)
{
	const char *at = strchr(j, '@');

	return at != NULL ? (struct emit_room){ at + 1, j,
	    (size_t)(at - j), rule } : (struct emit_room){ j, NULL, 0, rule };
}

/* Whether rooms A and B are the same room or service. */
static int
emit_room_same(const struct emit_room *a, const struct emit_room *b)
{
	return strcmp(a->domain, b->domain) == 0 &&
	    (a->local == NULL) == (b->local == NULL) && a->nlocal == b->nlocal &&
	    (a->local == NULL || memcmp(a->local, b->local, a->nlocal) == 0);
}

/*
 * Writes the NROOMS rooms of filter FI: the rooms' localparts in one
 * array (each service's together, sorted), and the services, sorted by
 * domain, each with the rule that blocks it whole and its rooms. A room
 * or service listed twice keeps its first rule.
 */
static void
emit_filter_rooms(struct out *o, const struct model *m, size_t fi,
    size_t nrooms)
{
	const struct m_filter *f = &m->filters[fi];
	struct emit_room *r = xcalloc(nrooms, sizeof(*r));
	size_t i, j, n = 0, nlocal = 0, first;

	for (i = 0; i < f->nctl; i++)
		if (f->ctl[i].kind == CTL_ROOM)
			for (j = 0; j < f->ctl[i].nitems; j++)
				r[n++] = emit_room_of(f->ctl[i].items[j],
				    emit_filter_first_rule(m, fi) + i);
	qsort(r, n, sizeof(*r), emit_room_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || !emit_room_same(&r[i], &r[j - 1]))
			r[j++] = r[i];
	n = j;
	for (i = 0; i < n; i++)
		nlocal += r[i].local != NULL;
	if (nlocal > 0) {
		out_printf(o, "static const struct gen_room "
		    "gen_filter%zu_rooms[%zu] = {\n", fi, nlocal);
		for (i = 0; i < n; i++)
			if (r[i].local != NULL) {
				out_printf(o, "\t{ ");
				out_cstring_n(o, r[i].local, r[i].nlocal);
				out_printf(o, ", %zu },\n", r[i].rule);
			}
		out_printf(o, "};\n");
	}
	out_printf(o, "static const struct gen_service gen_filter%zu_services[] "
	    "= {\n", fi);
	for (i = nlocal = 0; i < n; i = j) {
		first = nlocal;
		for (j = i; j < n && strcmp(r[j].domain, r[i].domain) == 0; j++)
			nlocal += r[j].local != NULL;
		out_printf(o, "\t{ ");
		out_cstring(o, r[i].domain);
		out_printf(o, ", %zu, ", r[i].local == NULL ? r[i].rule : 0);
		if (nlocal > first)
			out_printf(o, "gen_filter%zu_rooms + %zu, %zu },\n", fi,
			    first, nlocal - first);
		else
			out_printf(o, "NULL, 0 },\n");
	}
	out_printf(o, "};\n");
	free(r);
}

/* Writes one peer's filter list for direction D. */
static void
emit_peer_filters(struct out *o, const struct model *m, size_t pi,
    enum ast_direction d)
{
	const struct m_peer *p = &m->peers[pi];
	size_t i;

	if (p->nfilters[d] == 0)
		return;
	out_printf(o, "static const struct gen_filter *const "
	    "gen_peer%zu_%s[%zu] = {\n", pi, d == DIR_INBOUND ? "in" : "out",
	    p->nfilters[d]);
	for (i = 0; i < p->nfilters[d]; i++)
		out_printf(o, "\t&gen_filter%zu,\n", p->filters[d][i].filter);
	out_printf(o, "};\n");
}

void
emit_filters_peer(struct out *o, const struct model *m, size_t pi)
{
	const struct m_peer *p = &m->peers[pi];
	enum ast_direction d;

	/* A peer without filters leaves them all-zero. */
	for (d = DIR_INBOUND; d < DIR_COUNT; d++)
		if (p->nfilters[d] > 0)
			out_printf(o, "\t\t.filters[%d] = gen_peer%zu_%s,\n"
			    "\t\t.nfilters[%d] = %zu,\n", d, pi,
			    d == DIR_INBOUND ? "in" : "out", d, p->nfilters[d]);
}

void
emit_filters(struct out *o, const struct model *m)
{
	struct emit_ns_table t;
	size_t i, j, first, text = 0;

	emit_ns_table(m, &t);
	for (i = 0; i < m->nfilters; i++)
		emit_filter(o, m, &t, i, &text);
	for (i = 0; i < m->npeers; i++) {
		emit_peer_filters(o, m, i, DIR_INBOUND);
		emit_peer_filters(o, m, i, DIR_OUTBOUND);
	}
	if (t.n > 0) {
		out_printf(o, "\nstatic const struct gen_ns gen_ns[] = {\n");
		for (i = 0; i < t.n; i = j) {
			first = i;
			for (j = i + 1; j < t.n &&
			    strcmp(t.e[j].ns, t.e[i].ns) == 0; j++)
				;
			out_printf(o, "\t{ %zu, %zu, %d },\t/* ", first,
			    j - first, t.e[i].name == NULL);
			emit_comment_text(o, t.e[i].ns);
			out_printf(o, " */\n");
		}
		out_printf(o, "};\n\nstatic const char *const "
		    "gen_ns_entries[%zu] = {\n", t.n);
		for (i = 0; i < t.n; i++) {
			out_printf(o, "\t");
			out_cstring(o, t.e[i].name);
			out_printf(o, ",\n");
		}
		out_printf(o, "};\n");
	}
	if (text > 0) {
		out_printf(o, "\nstatic const unsigned gen_text_rules[%zu] = {",
		    text);
		for (i = 0; i < m->nfilters; i++)
			for (j = 0; j < m->filters[i].nctl; j++)
				if (m->filters[i].ctl[j].kind == CTL_WORDS)
					out_printf(o, " %zu,",
					    emit_filter_first_rule(m, i) + j);
		out_printf(o, " };\n");
	}
	out_printf(o, "\n");
	free(t.e);
}

void
emit_filters_policy(struct out *o, const struct model *m)
{
	struct emit_ns_table t;
	size_t i, nns = 0, text = 0;
	const struct m_alert *a = &m->alert;

	emit_ns_table(m, &t);
	for (i = 0; i < t.n; i++)
		nns += i == 0 || strcmp(t.e[i].ns, t.e[i - 1].ns) != 0;
	for (i = 0; i < m->nfilters; i++)
		for (size_t j = 0; j < m->filters[i].nctl; j++)
			text += m->filters[i].ctl[j].kind == CTL_WORDS;
	out_printf(o, "\t.ns = %s,\n\t.nns = %zu,\n", nns ? "gen_ns" : "NULL",
	    nns);
	out_printf(o, "\t.ns_entries = %s,\n\t.nns_entries = %zu,\n",
	    t.n ? "gen_ns_entries" : "NULL", t.n);
	out_printf(o, "\t.text_rules = %s,\n\t.ntext = %zu,\n",
	    text ? "gen_text_rules" : "NULL", text);
	out_printf(o, "\t.alert = {\n\t\t.log = %d,\n\t\t.file = ", a->log);
	out_cstring(o, a->file);
	out_printf(o, ",\n\t\t.message_to = ");
	out_cstring(o, a->to);
	out_printf(o, ",\n\t\t.message_from = ");
	out_cstring(o, a->from);
	out_printf(o, ",\n\t\t.rate = %u,\n\t\t.window = %u,\n"
	    "\t\t.recent = %u,\n\t},\n", a->rate, a->window, a->recent);
	free(t.e);
}

/* Writes namespace S as a ragel literal: printable runs quoted, other
 * bytes (and the quote and backslash) as hex. */
static void
emit_rl_literal(struct out *o, const char *s)
{
	int quoted = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		int plain = c > 0x20 && c < 0x7f && c != '"' && c != '\\';

		if (plain != quoted)
			out_printf(o, quoted ? "\" " : " \"");
		quoted = plain;
		if (plain)
			out_printf(o, "%c", c);
		else
			out_printf(o, "0x%02x", c);
	}
	if (quoted)
		out_printf(o, "\"");
}

void
emit_content_rl(struct out *o, const struct model *m)
{
	struct emit_ns_table t;
	size_t i, n = 0;

	emit_ns_table(m, &t);
	emit_header(o, m);
	out_printf(o, "\n#include <stddef.h>\n#include <stdint.h>\n\n"
	    "#include \"policy_types.h\"\n\n");
	out_printf(o, "/* ragel -G2 falls from one state's code into the next "
	    "on purpose. */\n#pragma GCC diagnostic ignored "
	    "\"-Wimplicit-fallthrough\"\n\n");
	out_printf(o, "int\ngen_ns_lookup(const char *ns, size_t len)\n{\n");
	if (t.n == 0) {
		out_printf(o, "\t(void)ns;\n\t(void)len;\n\treturn -1;\n}\n");
		free(t.e);
		return;
	}
	out_printf(o, "\tconst char *p = ns, *pe = ns + len, *eof = pe;\n"
	    "\tint found = -1, cs;\n%%%%{\n\tmachine gen_ns_lookup;\n\n"
	    "\tmain := (\n");
	for (i = 0; i < t.n; i++) {
		if (i > 0 && strcmp(t.e[i].ns, t.e[i - 1].ns) == 0)
			continue;
		out_printf(o, "\t\t%s(", n == 0 ? "  " : "| ");
		emit_rl_literal(o, t.e[i].ns);
		out_printf(o, " ) %%{ found = %zu; }\t# ", n++);
		emit_comment_text(o, t.e[i].ns);
		out_printf(o, "\n");
	}
	out_printf(o, "\t);\n\n\twrite data noerror nofinal noentry;\n"
	    "\twrite init;\n\twrite exec;\n}%%%%\n\n\treturn found;\n}\n");
	free(t.e);
}

void
emit_text_rl(struct out *o, const struct model *m)
{
	struct pattern_list *lists;
	const struct m_control *c;
	size_t i, j, n = 0;

	lists = xcalloc(emit_filter_rules_count(m) + 1, sizeof(*lists));
	/* In the order emit_filter() gives the lists their bits. */
	for (i = 0; i < m->nfilters; i++) {
		for (j = 0; j < m->filters[i].nctl; j++) {
			c = &m->filters[i].ctl[j];
			if (c->kind != CTL_WORDS)
				continue;
			lists[n++] = (struct pattern_list){ c->words ==
			    WORDS_LITERAL ? PATTERN_WORDS : PATTERN_REGEX,
			    (const char *const *)c->items, c->nitems,
			    c->loc.file->path, c->loc.first_line };
		}
	}
	emit_text(o, m, lists, n);
	free(lists);
}
