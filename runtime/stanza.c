/*
 * The stanza model: builders, lookups, deep copy and the serializer.
 *
 * The serializer writes what the tree says and nothing else: prefixes are
 * chosen here (an element's namespace is always its default namespace,
 * declared only where it differs from the parent's; a namespaced attribute
 * gets xml: or a prefix declared on its own element), text and attribute
 * values are escaped so that a conforming parser reads back exactly the
 * characters in the tree, and attribute values are quoted with '.
 */
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "stanza.h"

/* Whether two strings are equal; the parser shares namespace strings, so
 * the pointers are often the same, and different namespaces mostly differ
 * in their first byte. */
static inline int
stanza_streq(const char *a, const char *b)
{
	return a == b || (a[0] == b[0] && strcmp(a, b) == 0);
}

/* Makes a node of KIND with every pointer field empty, or NULL. */
static struct stanza_node *
stanza_node_new(struct arena *a, enum stanza_kind kind)
{
	struct stanza_node *n;

	if ((n = arena_alloc(a, sizeof(*n))) == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->ns = "";
	n->name = "";
	n->text = "";
	return n;
}

struct stanza_node *
stanza_element(struct arena *a, const char *ns, const char *name)
{
	struct stanza_node *e;

	if ((e = stanza_node_new(a, STANZA_ELEMENT)) == NULL ||
	    (e->ns = arena_strndup(a, ns, strlen(ns))) == NULL ||
	    (e->name = arena_strndup(a, name, strlen(name))) == NULL)
		return NULL;
	return e;
}

void
stanza_append(struct stanza_node *parent, struct stanza_node *child)
{
	child->parent = parent;
	child->next = NULL;
	if (parent->last_child != NULL)
		parent->last_child->next = child;
	else
		parent->children = child;
	parent->last_child = child;
}

int
stanza_append_text(struct arena *a, struct stanza_node *parent,
    const char *text, size_t len)
{
	struct stanza_node *t;
	char *copy;

	if ((t = stanza_node_new(a, STANZA_TEXT)) == NULL ||
	    (copy = arena_strndup(a, text, len)) == NULL)
		return -1;
	t->text = copy;
	t->text_len = len;
	stanza_append(parent, t);
	return 0;
}

struct stanza_node *
stanza_add_child(struct arena *a, struct stanza_node *parent, const char *ns,
    const char *name)
{
	struct stanza_node *e;

	if ((e = stanza_element(a, ns, name)) == NULL)
		return NULL;
	stanza_append(parent, e);
	return e;
}

/* Returns attribute NS:NAME of E, or NULL; a NULL NS means "". */
static struct stanza_attr *
stanza_find_attr(const struct stanza_node *e, const char *ns,
    const char *name)
{
	struct stanza_attr *at;

	if (ns == NULL)
		ns = "";
	for (at = e->attrs; at != NULL; at = at->next)
		if (strcmp(at->name, name) == 0 && strcmp(at->ns, ns) == 0)
			return at;
	return NULL;
}

int
stanza_set_attr(struct arena *a, struct stanza_node *e, const char *ns,
    const char *name, const char *value)
{
	struct stanza_attr *at, **tail;
	size_t len = strlen(value);
	char *v;

	if ((v = arena_strndup(a, value, len)) == NULL)
		return -1;
	if ((at = stanza_find_attr(e, ns, name)) != NULL) {
		at->value = v;
		at->value_len = len;
		return 0;
	}
	if (ns == NULL)
		ns = "";
	if ((at = arena_alloc(a, sizeof(*at))) == NULL ||
	    (at->ns = arena_strndup(a, ns, strlen(ns))) == NULL ||
	    (at->name = arena_strndup(a, name, strlen(name))) == NULL)
		return -1;
	at->value = v;
	at->value_len = len;
	at->next = NULL;
	for (tail = &e->attrs; *tail != NULL; tail = &(*tail)->next)
		continue;
	*tail = at;
	return 0;
}

void
stanza_remove_attr(struct stanza_node *e, const char *ns, const char *name)
{
	struct stanza_attr **pp;

	if (ns == NULL)
		ns = "";
	for (pp = &e->attrs; *pp != NULL; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name) == 0 &&
		    strcmp((*pp)->ns, ns) == 0) {
			*pp = (*pp)->next;
			return;
		}
	}
}

const char *
stanza_attr(const struct stanza_node *e, const char *ns, const char *name)
{
	const struct stanza_attr *at = stanza_find_attr(e, ns, name);

	return at != NULL ? at->value : NULL;
}

void
stanza_head(const struct stanza_node *e, struct stanza_head *h)
{
	const struct stanza_attr *at;
	const char *n;

	*h = (struct stanza_head){ 0 };
	for (at = e->attrs; at != NULL; at = at->next) {
		n = at->name;
		if (at->ns[0] != '\0') {
			if (strcmp(n, "lang") == 0 &&
			    strcmp(at->ns, STANZA_NS_XML) == 0)
				h->lang = at->value;
		} else if (strcmp(n, "from") == 0) {
			h->from = at->value;
		} else if (strcmp(n, "to") == 0) {
			h->to = at->value;
		} else if (strcmp(n, "id") == 0) {
			h->id = at->value;
		} else if (strcmp(n, "type") == 0) {
			h->type = at->value;
		}
	}
}

int
stanza_is(const struct stanza_node *e, const char *ns, const char *name)
{
	/* The name first: it tells most elements apart. */
	return e->kind == STANZA_ELEMENT && strcmp(e->name, name) == 0 &&
	    (ns == NULL || strcmp(e->ns, ns) == 0);
}

struct stanza_node *
stanza_child(const struct stanza_node *e, const char *ns, const char *name)
{
	struct stanza_node *c;

	for (c = e->children; c != NULL; c = c->next)
		if (stanza_is(c, ns, name))
			return c;
	return NULL;
}

/* Copies node N alone (no children) into A, to become a child of PARENT
 * (NULL: none); returns the copy or NULL. */
static struct stanza_node *
stanza_copy_node(struct arena *a, const struct stanza_node *n,
    const struct stanza_node *parent)
{
	const struct stanza_attr *at;
	struct stanza_attr *c, **tail;
	struct stanza_node *d;

	if ((d = stanza_node_new(a, n->kind)) == NULL)
		return NULL;
	if (n->kind == STANZA_TEXT) {
		if ((d->text = arena_strndup(a, n->text, n->text_len)) == NULL)
			return NULL;
		d->text_len = n->text_len;
		return d;
	}
	/* A child in its parent's namespace shares the parent's string. */
	if (parent != NULL && strcmp(parent->ns, n->ns) == 0)
		d->ns = parent->ns;
	else if ((d->ns = arena_strndup(a, n->ns, strlen(n->ns))) == NULL)
		return NULL;
	if ((d->name = arena_strndup(a, n->name, strlen(n->name))) == NULL)
		return NULL;
	tail = &d->attrs;
	for (at = n->attrs; at != NULL; at = at->next) {
		if ((c = arena_alloc(a, sizeof(*c))) == NULL ||
		    (c->ns = arena_strndup(a, at->ns,
		    strlen(at->ns))) == NULL ||
		    (c->name = arena_strndup(a, at->name,
		    strlen(at->name))) == NULL ||
		    (c->value = arena_strndup(a, at->value,
		    at->value_len)) == NULL)
			return NULL;
		c->value_len = at->value_len;
		c->next = NULL;
		*tail = c;
		tail = &c->next;
	}
	return d;
}

/*
 * Copies the tree under E without recursion, so that no depth of tree can
 * exhaust the stack: the walk follows parent pointers back up.
 */
struct stanza_node *
stanza_copy(struct arena *a, const struct stanza_node *e)
{
	const struct stanza_node *n = e;
	struct stanza_node *root, *cur, *d;

	if ((root = stanza_copy_node(a, e, NULL)) == NULL)
		return NULL;
	cur = root;
	while (n != NULL) {
		if (n->kind == STANZA_ELEMENT && n->children != NULL) {
			n = n->children;
		} else {
			/* Climb until a node with a next sibling, or to E. */
			while (n != e && n->next == NULL) {
				n = n->parent;
				cur = cur->parent;
			}
			if (n == e)
				break;
			n = n->next;
			cur = cur->parent;
		}
		if ((d = stanza_copy_node(a, n, cur)) == NULL)
			return NULL;
		stanza_append(cur, d);
		cur = d;
	}
	return root;
}

/* ---- serializer ---------------------------------------------------------- */

/* Output that counts what it cannot store, as snprintf does. */
struct stanza_out {
	char *buf;
	size_t cap;
	size_t len;
};

/* Inline, so that the many short constant-length writes become moves; the
 * output is almost always large enough, which is checked once. */
static inline void
stanza_put(struct stanza_out *o, const char *s, size_t n)
{
	if (o->len <= o->cap && n <= o->cap - o->len)
		memcpy(o->buf + o->len, s, n);
	else if (o->len < o->cap)
		memcpy(o->buf + o->len, s, o->cap - o->len);
	o->len += n;
}

static void
stanza_puts(struct stanza_out *o, const char *s)
{
	stanza_put(o, s, strlen(s));
}

/* Bytes the serializer escapes: 1 in text, 2 in attribute values; none is
 * above '>'. */
static const unsigned char stanza_escaped[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 3, 0, 0,	/* 00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 10 */
	0, 0, 2, 0, 0, 0, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0,	/* 20 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 3, 0,	/* 30 */
};

/*
 * Returns the first byte from S on (or END) that MASK (1 text, 2 attribute
 * values) says is escaped. All such bytes are below 0x40: with SSE2, 16
 * bytes at a time are skipped unless one of them is below 0x20 or one of
 * " & ' < >, and the table decides for the candidates.
 */
static const char *
stanza_next_escaped(const char *s, const char *end, unsigned char mask)
{
#ifdef __SSE2__
	const __m128i c1f = _mm_set1_epi8(0x1f), amp = _mm_set1_epi8('&'),
	    lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
	    apos = _mm_set1_epi8('\''), quot = _mm_set1_epi8('"');
	__m128i v, stop;
	unsigned m;

	while (end - s >= 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)s);
		stop = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v),
		    _mm_or_si128(_mm_cmpeq_epi8(v, amp),
		    _mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, gt))));
		if (mask == 2)
			stop = _mm_or_si128(stop, _mm_or_si128(
			    _mm_cmpeq_epi8(v, apos), _mm_cmpeq_epi8(v, quot)));
		for (m = (unsigned)_mm_movemask_epi8(stop); m != 0;
		    m &= m - 1)
			if (stanza_escaped[(unsigned char)s[__builtin_ctz(m)]] &
			    mask)
				return s + __builtin_ctz(m);
		s += 16;
	}
#endif
	for (; s < end; s++)
		if (stanza_escaped[(unsigned char)*s] & mask)
			return s;
	return end;
}

/*
 * Writes S[0..len) escaped. In text, & < > are escaped (> for "]]>") and CR
 * as a character reference, because a parser turns a literal CR into LF. In
 * attribute values the quotes, TAB and LF are escaped too, because a parser
 * normalizes literal white space in attribute values to spaces.
 */
static void
stanza_put_escaped(struct stanza_out *o, const char *s, size_t len, int attr)
{
	const char *end = s + len, *c;
	unsigned char mask = attr ? 2 : 1;

	while ((c = stanza_next_escaped(s, end, mask)) != end) {
		stanza_put(o, s, (size_t)(c - s));
		switch (*c) {
		case '&': stanza_put(o, "&amp;", 5); break;
		case '<': stanza_put(o, "&lt;", 4); break;
		case '>': stanza_put(o, "&gt;", 4); break;
		case '\r': stanza_put(o, "&#13;", 5); break;
		case '\'': stanza_put(o, "&apos;", 6); break;
		case '"': stanza_put(o, "&quot;", 6); break;
		case '\t': stanza_put(o, "&#9;", 4); break;
		default: stanza_put(o, "&#10;", 5); break;
		}
		s = c + 1;
	}
	stanza_put(o, s, (size_t)(end - s));
}

size_t
stanza_escape(const char *s, size_t len, char *out, size_t cap)
{
	struct stanza_out o = { out, cap, 0 };

	stanza_put_escaped(&o, s, len, 1);
	return o.len;
}

/* Writes " NAME='VALUE'" with PREFIX: before NAME when PREFIX is not NULL. */
static void
stanza_put_attr(struct stanza_out *o, const char *prefix, const char *name,
    const char *value, size_t len)
{
	stanza_put(o, " ", 1);
	if (prefix != NULL) {
		stanza_puts(o, prefix);
		stanza_put(o, ":", 1);
	}
	stanza_puts(o, name);
	stanza_put(o, "='", 2);
	stanza_put_escaped(o, value, len, 1);
	stanza_put(o, "'", 1);
}

/* Declarations carried as attributes in the xmlns namespace (stream
 * headers only): returns the prefix declared for NS on E, or NULL. */
static const char *
stanza_declared_prefix(const struct stanza_node *e, const char *ns)
{
	const struct stanza_attr *at;

	for (at = e->attrs; at != NULL; at = at->next)
		if (stanza_streq(at->ns, STANZA_NS_XMLNS) &&
		    strcmp(at->name, "xmlns") != 0 &&
		    strcmp(at->value, ns) == 0)
			return at->name;
	return NULL;
}

/*
 * Writes into BUF the prefix the serializer makes up for a namespace first
 * used by E's attribute number INDEX (from 1; 0 for E itself): "nsINDEX",
 * or "nsINDEX_K" for the first K that E does not declare (stream headers
 * carry declarations of their own).
 */
static void
stanza_gen_prefix(const struct stanza_node *e, unsigned index, char *buf,
    size_t size)
{
	unsigned k = 0;

	snprintf(buf, size, "ns%u", index);
	while (stanza_attr(e, STANZA_NS_XMLNS, buf) != NULL)
		snprintf(buf, size, "ns%u_%u", index, ++k);
}

/*
 * Returns the position (from 1) of the first attribute of E in AT's
 * namespace, which names its prefix, and sets *NEW when that is AT itself:
 * the declaration is still to be written.
 */
static unsigned
stanza_first_in_ns(const struct stanza_node *e, const struct stanza_attr *at,
    int *new)
{
	const struct stanza_attr *first;
	unsigned index = 1;

	for (first = e->attrs; !stanza_streq(first->ns, at->ns);
	    first = first->next)
		index++;
	*new = first == at;
	return index;
}

/*
 * Writes the start tag of E (without the closing '>'). PARENT_NS is the
 * default namespace in scope. DECLS is set for stream headers: attributes
 * in the xmlns namespace are written as namespace declarations and the
 * element takes a prefix (stream: for the streams namespace) when the
 * default namespace declared is another one.
 */
static void
stanza_put_start(struct stanza_out *o, const struct stanza_node *e,
    const char *parent_ns, int decls)
{
	const struct stanza_attr *at;
	const char *eprefix = NULL, *gen_ns = NULL, *dflt;
	char buf[32];
	int new;

	stanza_put(o, "<", 1);
	if (decls) {
		dflt = stanza_attr(e, STANZA_NS_XMLNS, "xmlns");
		if ((eprefix = stanza_declared_prefix(e, e->ns)) == NULL &&
		    dflt != NULL && strcmp(dflt, e->ns) != 0) {
			if (strcmp(e->ns, STANZA_NS_STREAMS) == 0 &&
			    stanza_attr(e, STANZA_NS_XMLNS, "stream") == NULL) {
				eprefix = "stream";
			} else {
				stanza_gen_prefix(e, 0, buf, sizeof(buf));
				eprefix = buf;
				gen_ns = e->ns;
			}
		}
		if (eprefix != NULL) {
			stanza_puts(o, eprefix);
			stanza_put(o, ":", 1);
		}
		stanza_puts(o, e->name);
		if (eprefix != NULL && stanza_declared_prefix(e, e->ns) == NULL)
			stanza_put_attr(o, "xmlns", eprefix, e->ns,
			    strlen(e->ns));
		if (eprefix == NULL && dflt == NULL && e->ns[0] != '\0')
			stanza_put_attr(o, NULL, "xmlns", e->ns, strlen(e->ns));
	} else if (stanza_streq(e->ns, STANZA_NS_XML)) {
		/* Never a default namespace; xml: is predeclared. */
		stanza_puts(o, "xml:");
		stanza_puts(o, e->name);
	} else {
		stanza_puts(o, e->name);
		if (!stanza_streq(e->ns, parent_ns))
			stanza_put_attr(o, NULL, "xmlns", e->ns, strlen(e->ns));
	}
	for (at = e->attrs; at != NULL; at = at->next) {
		if (at->ns[0] == '\0') {
			/* A builder's "xmlns" would declare, not describe. */
			if (!stanza_streq(at->name, "xmlns"))
				stanza_put_attr(o, NULL, at->name, at->value,
				    at->value_len);
			continue;
		}
		if (stanza_streq(at->ns, STANZA_NS_XMLNS)) {
			if (decls)
				stanza_put_attr(o, strcmp(at->name, "xmlns") ?
				    "xmlns" : NULL, at->name, at->value,
				    at->value_len);
			continue;
		}
		if (stanza_streq(at->ns, STANZA_NS_XML)) {
			stanza_put_attr(o, "xml", at->name, at->value,
			    at->value_len);
			continue;
		}
		if (decls && (eprefix = stanza_declared_prefix(e,
		    at->ns)) != NULL) {
			stanza_put_attr(o, eprefix, at->name, at->value,
			    at->value_len);
			continue;
		}
		if (gen_ns != NULL && stanza_streq(gen_ns, at->ns)) {
			stanza_gen_prefix(e, 0, buf, sizeof(buf));
			new = 0;
		} else {
			stanza_gen_prefix(e, stanza_first_in_ns(e, at, &new),
			    buf, sizeof(buf));
		}
		if (new)
			stanza_put_attr(o, "xmlns", buf, at->ns,
			    strlen(at->ns));
		stanza_put_attr(o, buf, at->name, at->value, at->value_len);
	}
}

/* Writes the end tag of element E (prefixed only in the xml namespace). */
static void
stanza_put_end(struct stanza_out *o, const struct stanza_node *e)
{
	stanza_put(o, "</", 2);
	if (stanza_streq(e->ns, STANZA_NS_XML))
		stanza_puts(o, "xml:");
	stanza_puts(o, e->name);
	stanza_put(o, ">", 1);
}

/*
 * Returns the default namespace in scope for N, a descendant of E that
 * serialization under PARENT_NS reached: its nearest ancestor's namespace,
 * skipping elements written with the xml: prefix.
 */
static const char *
stanza_scope_ns(const struct stanza_node *n, const struct stanza_node *e,
    const char *parent_ns)
{
	while (n != e) {
		n = n->parent;
		if (!stanza_streq(n->ns, STANZA_NS_XML))
			return n->ns;
	}
	return parent_ns;
}

/*
 * Walks the tree under E without recursion (the depth of a tree built by
 * code is not bounded by the tokenizer's limits), writing each node.
 */
size_t
stanza_serialize(const struct stanza_node *e, const char *parent_ns,
    char *out, size_t cap)
{
	struct stanza_out o = { out, cap, 0 };
	const struct stanza_node *n = e;

	if (parent_ns == NULL)
		parent_ns = "";
	for (;;) {
		if (n->kind == STANZA_TEXT) {
			stanza_put_escaped(&o, n->text, n->text_len, 0);
		} else {
			stanza_put_start(&o, n,
			    stanza_scope_ns(n, e, parent_ns), 0);
			if (n->children != NULL) {
				stanza_put(&o, ">", 1);
				n = n->children;
				continue;
			}
			stanza_put(&o, "/>", 2);
		}
		/* Close every ancestor this node was the last child of. */
		while (n != e && n->next == NULL) {
			n = n->parent;
			stanza_put_end(&o, n);
		}
		if (n == e)
			break;
		n = n->next;
	}
	return o.len;
}

size_t
stanza_serialize_open(const struct stanza_node *e, char *out, size_t cap)
{
	struct stanza_out o = { out, cap, 0 };

	stanza_put_start(&o, e, "", 1);
	stanza_put(&o, ">", 1);
	return o.len;
}
