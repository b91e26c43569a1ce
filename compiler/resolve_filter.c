/*
 * Resolution of the content statements: filters and the peers' use of
 * them, the alert block and the policy's tests (see xedge.policy(5),
 * FILTERS, ALERTS and TESTS).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "resolve_int.h"
#include "xmalloc.h"

/* Appends TEXT to the growing string *S (", " between parts). */
static void
resolve_what(char **s, const char *text)
{
	size_t n = *s != NULL ? strlen(*s) : 0;

	*s = xreallocarray(*s, n + strlen(text) + 3, 1);
	if (n > 0)
		memcpy(*s + n, ", ", 2), n += 2;
	strcpy(*s + n, text);
}

/* Whether S holds no byte a namespace or element name may not: no space,
 * no control character, no braces. */
static int
resolve_ns_chars(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == '{' || *s == '}' ||
		    *s == 0x7f)
			return 0;
	return 1;
}

/* Fills *REF from the string TEXT at LOC: "ns" or "{ns}name". Returns 0,
 * or -1 after an error. */
static int
resolve_nsref(const char *text, const struct ast_loc *loc,
    struct m_nsref *ref)
{
	const char *close;

	memset(ref, 0, sizeof(*ref));
	ref->loc = *loc;
	if (text[0] == '{' && (close = strchr(text, '}')) != NULL) {
		ref->ns = xstrdup(text + 1);
		ref->ns[close - text - 1] = '\0';
		ref->name = xstrdup(close + 1);
		if (ref->ns[0] != '\0' && ref->name[0] != '\0' &&
		    resolve_ns_chars(ref->ns) && resolve_ns_chars(ref->name))
			return 0;
	} else if (text[0] != '\0' && resolve_ns_chars(text)) {
		ref->ns = xstrdup(text);
		return 0;
	}
	diag_error(loc, "invalid namespace '%s': expected a namespace "
	    "\"urn:...\" or an element \"{urn:...}name\"", text);
	free(ref->ns);
	free(ref->name);
	return -1;
}

/* Adds the groups and namespaces of list V to control C (a strip or a
 * block). */
static void
resolve_contents(struct resolver *r, const struct ast_value *v,
    struct m_control *c)
{
	const struct group_def *g;
	const struct ast_value *lit;
	struct m_nsref ref;
	unsigned bit;

	for (; v != NULL; v = v->next) {
		if (v->kind == AST_NAME && (g = group_find(v->str)) != NULL) {
			bit = 1u << (g - group_get(0));
			if (c->groups & bit) {
				diag_error(&v->loc, "'%s' is named twice",
				    v->str);
				continue;
			}
			if (c->kind == CTL_STRIP && g->whole) {
				diag_error(&v->loc, "'%s' cannot be stripped: "
				    "it is blocked whole (use 'block %s')",
				    g->name, g->name);
				continue;
			}
			c->groups |= bit;
			c->group_loc[g - group_get(0)] = v->loc;
			resolve_what(&c->what, v->str);
			continue;
		}
		if (v->kind == AST_NAME) {
			size_t i;

			for (i = 0; i < r->ndefs; i++)
				if (strcmp(r->defs[i].st->name, v->str) == 0)
					break;
			if (i == r->ndefs) {
				diag_error_hint(&v->loc, resolve_suggest(r,
				    NAMES_GROUPS, v->str), "unknown content "
				    "group '%s'", v->str);
				continue;
			}
		}
		if ((lit = resolve_as(r, v, WANT_STRING)) == NULL ||
		    resolve_nsref(lit->str, &v->loc, &ref) == -1)
			continue;
		c->ns = xreallocarray(c->ns, c->nns + 1, sizeof(*c->ns));
		c->ns[c->nns++] = ref;
		resolve_what(&c->what, lit->str);
	}
}

/* Whether TEXT is a room JID "room@service" or a service "service". */
static int
resolve_room_syntax(char *text, const char **why)
{
	char *at = strchr(text, '@'), *p;

	for (p = text; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strchr(text, '/') != NULL) {
		*why = "a room is a bare JID, without a resource";
		return -1;
	}
	if (at == NULL)
		return model_domain_syntax(text, 0, why);
	if (at == text || strchr(at + 1, '@') != NULL) {
		*why = "expected room@service";
		return -1;
	}
	return model_domain_syntax(at + 1, 0, why);
}

/* Adds the strings of V to control C's items (rooms or words). */
static void
resolve_items(struct resolver *r, const struct ast_value *v,
    struct m_control *c)
{
	const char *why;
	char *text;

	for (; v != NULL; v = v->next) {
		if ((text = resolve_string(r, v, WANT_STRING)) == NULL)
			continue;
		if (c->kind == CTL_ROOM &&
		    resolve_room_syntax(text, &why) == -1) {
			diag_error(&v->loc, "invalid room '%s': %s", text, why);
			free(text);
			continue;
		}
		if (c->kind == CTL_WORDS && text[0] == '\0') {
			diag_error(&v->loc, "empty %s", c->words ==
			    WORDS_LITERAL ? "word" : "pattern");
			free(text);
			continue;
		}
		c->items = xreallocarray(c->items, c->nitems + 1,
		    sizeof(*c->items));
		c->item_loc = xreallocarray(c->item_loc, c->nitems + 1,
		    sizeof(*c->item_loc));
		c->item_loc[c->nitems] = v->loc;
		c->items[c->nitems++] = text;
	}
}

/* Fills control C from item IT of a filter. Returns 0, or -1 when the
 * item makes no control (it was reported). */
static int
resolve_control(struct resolver *r, const struct ast_item *it,
    struct m_control *c)
{
	const struct ast_value *lit;

	memset(c, 0, sizeof(*c));
	c->loc = it->loc;
	c->verdict = it->verdict != VERDICT_DEFAULT ? it->verdict :
	    VERDICT_BOUNCE;
	c->cond = it->cond != COND_DEFAULT ? it->cond :
	    COND_POLICY_VIOLATION;
	switch (it->kind) {
	case ITEM_FOLD:
		c->kind = CTL_FOLD;
		c->verdict = VERDICT_MODIFY;
		return 0;
	case ITEM_STRIP:
		c->kind = CTL_STRIP;
		c->verdict = VERDICT_MODIFY;
		resolve_contents(r, it->vals, c);
		return c->groups == 0 && c->nns == 0 ? -1 : 0;
	case ITEM_BLOCK:
		c->kind = CTL_BLOCK;
		resolve_contents(r, it->vals, c);
		return c->groups == 0 && c->nns == 0 ? -1 : 0;
	case ITEM_ROOM:
		c->kind = CTL_ROOM;
		resolve_items(r, it->vals, c);
		return c->nitems == 0 ? -1 : 0;
	case ITEM_SIZE:
		c->kind = CTL_SIZE;
		if ((lit = resolve_as(r, it->vals, WANT_SIZE)) == NULL)
			return -1;
		if (lit->num == 0 || lit->num > UINT32_MAX) {
			diag_error(&it->vals->loc, "stanza-size out of range "
			    "(1 byte to 4GiB)");
			return -1;
		}
		c->size = (uint32_t)lit->num;
		return 0;
	case ITEM_WORDS:
		c->kind = CTL_WORDS;
		c->words = it->arg;
		if (it->cond == COND_DEFAULT)
			c->cond = COND_NOT_ACCEPTABLE;
		resolve_items(r, it->vals, c);
		return c->nitems == 0 ? -1 : 0;
	default:
		return -1;
	}
}

/* Adds the filter of statement ST to the model. */
static void
resolve_filter(struct resolver *r, const struct ast_stmt *st)
{
	const struct ast_item *it, *fold = NULL;
	struct model *m = r->m;
	struct m_filter *f;
	struct m_control c;
	unsigned errors = diag_errors();
	size_t i;

	for (i = 0; i < m->nfilters; i++) {
		if (strcmp(m->filters[i].name, st->name) == 0) {
			diag_error(&st->name_loc, "duplicate filter '%s'",
			    st->name);
			diag_note(&m->filters[i].loc, "first defined here");
			return;
		}
	}
	m->filters = xreallocarray(m->filters, m->nfilters + 1,
	    sizeof(*m->filters));
	f = &m->filters[m->nfilters++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(st->name);
	f->loc = st->name_loc;
	for (it = st->items; it != NULL; it = it->next) {
		if (it->kind == ITEM_FOLD &&
		    resolve_once(it, &fold, "presence fold", "filter") == -1)
			continue;
		if (resolve_control(r, it, &c) == -1) {
			free(c.ns);
			free(c.items);
			free(c.item_loc);
			free(c.what);
			continue;
		}
		f->ctl = xreallocarray(f->ctl, f->nctl + 1, sizeof(*f->ctl));
		f->ctl[f->nctl++] = c;
	}
	if (f->nctl == 0 && diag_errors() == errors)
		diag_warning(&f->loc, "filter '%s' does nothing", f->name);
}

void
resolve_filters(struct resolver *r, const struct ast_stmt *st)
{
	for (; st != NULL; st = st->next)
		if (st->kind == STMT_FILTER)
			resolve_filter(r, st);
}

void
resolve_peer_filter(struct resolver *r, const struct ast_item *it,
    struct m_peer *p)
{
	const struct ast_value *v = it->vals;
	struct model *m = r->m;
	enum ast_direction d = it->arg;
	size_t i;

	if (v->kind != AST_NAME) {
		diag_error(&v->loc, "expected the name of a filter");
		return;
	}
	for (i = 0; i < m->nfilters; i++)
		if (strcmp(m->filters[i].name, v->str) == 0)
			break;
	if (i == m->nfilters) {
		diag_error_hint(&v->loc, resolve_suggest(r, NAMES_FILTERS,
		    v->str), "undefined filter '%s'", v->str);
		return;
	}
	m->filters[i].used = 1;
	p->filters[d] = xreallocarray(p->filters[d], p->nfilters[d] + 1,
	    sizeof(*p->filters[d]));
	p->filters[d][p->nfilters[d]++] = (struct m_use){ i, it->loc };
}

/* Sets *OUT from the alert block's value V, MIN to MAX. */
static void
resolve_alert_count(struct resolver *r, const struct ast_value *v,
    enum resolve_want want, uint64_t min, uint64_t max, uint32_t *out)
{
	const struct ast_value *lit = resolve_as(r, v, want);

	if (lit == NULL)
		return;
	if (lit->num < min || lit->num > max) {
		diag_error(&v->loc, "value out of range (%llu to %llu)",
		    (unsigned long long)min, (unsigned long long)max);
		return;
	}
	*out = (uint32_t)lit->num;
}

void
resolve_alert(struct resolver *r, const struct ast_stmt *st)
{
	struct m_alert *a = &r->m->alert;
	const struct ast_item *it, *seen[ITEM_ALERT_RECENT + 1] = { NULL };

	a->rate = MODEL_ALERT_RATE;
	a->window = MODEL_ALERT_WINDOW;
	a->recent = MODEL_ALERT_RECENT;
	/* Without an alert block, alerts go to the log. */
	a->log = st == NULL;
	if (st == NULL)
		return;
	a->given = 1;
	a->loc = st->loc;
	for (it = st->items; it != NULL; it = it->next) {
		if (resolve_once(it, &seen[it->kind], it->kind ==
		    ITEM_ALERT_LOG ? "log" : it->kind == ITEM_ALERT_FILE ?
		    "file" : it->kind == ITEM_ALERT_MESSAGE ? "message" :
		    it->kind == ITEM_ALERT_RATE ? "rate" : "recent",
		    "alert") == -1)
			continue;
		switch (it->kind) {
		case ITEM_ALERT_LOG:
			a->log = 1;
			break;
		case ITEM_ALERT_FILE:
			a->file = resolve_string(r, it->vals, WANT_STRING);
			break;
		case ITEM_ALERT_MESSAGE:
			a->to = resolve_string(r, it->vals, WANT_STRING);
			a->from = resolve_string(r, it->from, WANT_STRING);
			a->to_loc = it->vals->loc;
			a->from_loc = it->from->loc;
			break;
		case ITEM_ALERT_RATE:
			resolve_alert_count(r, it->vals, WANT_NUMBER, 1,
			    MODEL_ALERT_MAX_RATE, &a->rate);
			resolve_alert_count(r, it->per, WANT_DURATION, 1,
			    MODEL_ALERT_MAX_WINDOW, &a->window);
			break;
		default:
			resolve_alert_count(r, it->vals, WANT_NUMBER, 0,
			    MODEL_ALERT_MAX_RECENT, &a->recent);
			break;
		}
	}
}

/* Fills test T from the items of statement ST. */
static void
resolve_test(struct resolver *r, const struct ast_stmt *st, struct m_test *t)
{
	const struct ast_item *it, *from = NULL, *stanza = NULL, *expect = NULL;
	const char *where = "test";
	int i;

	t->name = xstrdup(st->name);
	t->loc = st->name_loc;
	t->peer = (size_t)-1;
	for (it = st->items; it != NULL; it = it->next) {
		switch (it->kind) {
		case ITEM_TEST_FROM:
			if (resolve_once(it, &from, "from", where) == -1)
				break;
			if (it->vals->kind != AST_NAME) {
				diag_error(&it->vals->loc, "expected the name "
				    "of a peer");
				break;
			}
			if ((i = resolve_peer_named(r, it->vals->str,
			    &it->vals->loc)) != -1)
				t->peer = (size_t)i;
			break;
		case ITEM_TEST_STANZA:
			if (resolve_once(it, &stanza, "stanza", where) == 0) {
				t->stanza = xstrdup(it->vals->str);
				t->stanza_loc = it->vals->loc;
			}
			break;
		default:
			if (resolve_once(it, &expect, "expect", where) == -1)
				break;
			t->expect = it->verdict;
			t->expect_loc = it->loc;
			t->cond = it->cond;
			if (it->vals != NULL && it->verdict == VERDICT_MODIFY)
				t->output = xstrdup(it->vals->str);
			else if (it->vals != NULL)
				t->cond_name = xstrdup(it->vals->str);
			break;
		}
	}
	if (from == NULL || stanza == NULL || expect == NULL)
		diag_error(&t->loc, "test '%s' needs 'from', 'stanza' and "
		    "'expect'", t->name);
}

void
resolve_tests(struct resolver *r, const struct ast_stmt *st)
{
	struct model *m = r->m;
	size_t i;

	for (; st != NULL; st = st->next) {
		if (st->kind != STMT_TEST)
			continue;
		for (i = 0; i < m->ntests; i++) {
			if (strcmp(m->tests[i].name, st->name) == 0) {
				diag_error(&st->name_loc, "duplicate test "
				    "'%s'", st->name);
				diag_note(&m->tests[i].loc, "first defined "
				    "here");
				break;
			}
		}
		if (i < m->ntests)
			continue;
		m->tests = xreallocarray(m->tests, m->ntests + 1,
		    sizeof(*m->tests));
		memset(&m->tests[m->ntests], 0, sizeof(*m->tests));
		resolve_test(r, st, &m->tests[m->ntests++]);
	}
}
