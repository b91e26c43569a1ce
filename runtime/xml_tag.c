/*
 * A start tag becomes an element: its raw names and values are saved when
 * the input ends inside it, then copied and decoded into one allocation;
 * its namespace declarations become bindings in scope, prefixes are
 * resolved against them and duplicate attributes rejected; and the element
 * is linked into the tree (or opens the stream). One file, so that the
 * compiler inlines these steps into xml_start_tag, once per tag.
 */
#include "xml_int.h"

/*
 * The input ends inside a start tag: its names and values read so far that
 * are still in the input are saved before the input goes. Those of
 * attributes before TAG_SAVED already were.
 */
int
xml_tag_save_all(struct xml_parser *x)
{
	struct xml_rawattr *ra;
	unsigned i;

	if (!x->tag_name_saved && xml_tag_save(x, &x->tag_qname,
	    x->tag_qlen) == -1)
		return -1;
	x->tag_name_saved = 1;
	for (i = x->tag_saved; i < x->nattrs; i++) {
		ra = &x->attrs[i];
		if (xml_tag_save(x, &ra->qname, ra->qlen) == -1 ||
		    xml_tag_save(x, &ra->value, ra->vlen) == -1)
			return -1;
	}
	x->tag_saved = x->nattrs;
	if (x->name_pending) {
		x->name_pending = 0;
		if (xml_tag_save(x, &x->attrs[x->nattrs].qname,
		    x->attrs[x->nattrs].qlen) == -1)
			return -1;
	}
	return 0;
}

/*
 * A start tag ended: gives it its memory in one piece, the element, its
 * attributes, a binding for each namespace declaration, and copies of its
 * name and of every attribute's name and decoded value, all read until now
 * in place. Returns the element (name not set yet), or NULL.
 */
static struct stanza_node *
xml_tag_build(struct xml_parser *x)
{
	struct xml_rawattr *ra;
	struct stanza_node *e;
	struct stanza_attr *at;
	struct xml_ns *b;
	size_t size;
	unsigned i, ndecl = 0;
	char *d;

	size = x->tag_qlen + 1;
	for (i = 0; i < x->nattrs; i++) {
		ra = &x->attrs[i];
		ndecl += ra->decl;
		size += ra->qlen + ra->vlen + 2;
	}
	size += sizeof(*e) + x->nattrs * sizeof(*at) + ndecl * sizeof(*b);
	if ((e = arena_alloc(xml_arena(x), size)) == NULL) {
		xml_alloc_failed(x, xml_arena(x), size);
		return NULL;
	}
	at = (struct stanza_attr *)(void *)(e + 1);
	b = (struct xml_ns *)(void *)(at + x->nattrs);
	d = (char *)(b + ndecl);
	xml_copy_str(d, x->tag_qname, x->tag_qlen);
	x->tag_qname = d;
	d += x->tag_qlen + 1;
	for (i = 0; i < x->nattrs; i++) {
		ra = &x->attrs[i];
		ra->at = at++;
		ra->binding = ra->decl ? b++ : NULL;
		xml_copy_str(d, ra->qname, ra->qlen);
		ra->qname = d;
		d += ra->qlen + 1;
		ra->vlen = xml_put_token(d, ra->value, ra->vlen, XML_MODE_ATTR,
		    ra->vflags);
		ra->value = d;
		d += ra->vlen + 1;
	}
	x->tag_open = 0;
	return e;
}

/* Returns the URI bound to prefix P[0..n) (n > 0), or NULL when it is not
 * declared. */
static const char *
xml_ns_lookup(const struct xml_parser *x, const char *p, size_t n)
{
	const struct xml_ns *b;

	if (XML_IS(p, n, "xml"))
		return STANZA_NS_XML;
	for (b = x->ns; b != NULL; b = b->next)
		if (b->plen == n && memcmp(b->prefix, p, n) == 0)
			return b->uri;
	return NULL;
}

/*
 * Adds the namespace declarations among the tag's attributes to the
 * bindings in scope, checking Namespaces in XML 1.0 section 3: xmlns is
 * never declared, xml only to its own name, neither name bound to anything
 * else, and no prefix undeclared. Marks declarations with colon SIZE_MAX
 * so that the attribute pass skips them.
 */
static int
xml_declare(struct xml_parser *x)
{
	struct xml_rawattr *ra;
	struct xml_ns *b;
	const char *prefix;
	size_t plen;
	unsigned i;

	for (i = 0; i < x->nattrs; i++) {
		ra = &x->attrs[i];
		if (!ra->decl)
			continue;
		prefix = ra->qlen == 5 ? "" : ra->qname + 6;
		plen = ra->qlen == 5 ? 0 : ra->qlen - 6;
		if (XML_IS(prefix, plen, "xmlns") ||
		    XML_IS(ra->value, ra->vlen, STANZA_NS_XMLNS) ||
		    XML_IS(prefix, plen, "xml") !=
		    XML_IS(ra->value, ra->vlen, STANZA_NS_XML) ||
		    (plen > 0 && ra->vlen == 0))
			return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
			    "bad namespace declaration");
		b = ra->binding;
		b->prefix = prefix;
		b->plen = plen;
		b->uri = ra->value;
		b->next = x->ns;
		if ((b->count = x->ns != NULL ? x->ns->count + 1 : 1) >
		    XML_MAX_BINDINGS)
			return xml_fail(x, XML_ERR_POLICY_VIOLATION,
			    "too many namespace declarations in scope");
		x->ns = b;
		if (plen == 0)
			x->dflt = b->uri;
		ra->colon = SIZE_MAX;
	}
	return 0;
}

/*
 * Makes the attribute list of E from the tag's attributes: resolves their
 * prefixes, keeps namespace declarations (as attributes in the xmlns
 * namespace) only on the stream root, and rejects duplicates by qualified
 * name and by expanded name.
 */
static int
xml_resolve_attrs(struct xml_parser *x, struct stanza_node *e, int keep_decls)
{
	struct stanza_attr *at, *o, **tail = &e->attrs;
	struct xml_rawattr *ra;
	unsigned i, j;

	for (i = 0; i < x->nattrs; i++) {
		ra = &x->attrs[i];
		for (j = 0; j < i; j++)
			if (x->attrs[j].qlen == ra->qlen &&
			    x->attrs[j].qname[0] == ra->qname[0] &&
			    memcmp(x->attrs[j].qname, ra->qname, ra->qlen) == 0)
				return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
				    "duplicate attribute");
		if (ra->colon == SIZE_MAX && !keep_decls)
			continue;
		at = ra->at;
		if (ra->colon == SIZE_MAX) {
			at->ns = STANZA_NS_XMLNS;
			at->name = ra->qlen == 5 ? ra->qname : ra->qname + 6;
		} else if (ra->colon == ra->qlen) {
			at->ns = "";
			at->name = ra->qname;
		} else {
			if ((at->ns = xml_ns_lookup(x, ra->qname,
			    ra->colon)) == NULL)
				return xml_fail(x,
				    XML_ERR_BAD_NAMESPACE_PREFIX,
				    "undeclared attribute prefix");
			at->name = ra->qname + ra->colon + 1;
			for (o = e->attrs; o != NULL; o = o->next)
				if (o->name[0] == at->name[0] &&
				    strcmp(o->name, at->name) == 0 &&
				    strcmp(o->ns, at->ns) == 0)
					return xml_fail(x,
					    XML_ERR_NOT_WELL_FORMED,
					    "duplicate expanded attribute");
		}
		at->value = ra->value;
		at->value_len = ra->vlen;
		at->next = NULL;
		*tail = at;
		tail = &at->next;
	}
	return 0;
}

/* Makes room for one more open element; -1 past the depth limit. */
static int
xml_stack_grow(struct xml_parser *x)
{
	struct xml_open *s;
	unsigned cap;

	if (x->root_open && x->depth >= x->lim.max_depth)
		return xml_fail(x, XML_ERR_POLICY_VIOLATION,
		    "elements nested too deeply");
	if (x->depth + 1 < x->stack_cap)
		return 0;
	cap = x->stack_cap ? x->stack_cap * 2 : 8;
	if (cap > x->lim.max_depth + 1)
		cap = x->lim.max_depth + 1;
	if ((s = reallocarray(x->stack, cap, sizeof(*s))) == NULL)
		return xml_fail(x, XML_ERR_INTERNAL, "out of memory");
	x->stack = s;
	x->stack_cap = cap;
	return 0;
}

/*
 * A start tag ended (EMPTY: with "/>"): resolves its namespaces, makes the
 * element and links it into the tree, or opens the stream.
 */
enum xml_next
xml_start_tag(struct xml_parser *x, int empty)
{
	struct stanza_node *e;
	struct xml_open *o;
	struct xml_ns *outer = x->ns;
	const char *outer_dflt = x->dflt, *q;
	size_t colon = x->tag_colon;

	if ((x->root_open || x->stack_cap == 0) && xml_stack_grow(x) == -1)
		return XML_NEXT_ERROR;
	if ((e = xml_tag_build(x)) == NULL || xml_declare(x) == -1)
		return XML_NEXT_ERROR;
	q = x->tag_qname;
	if (XML_IS(q, colon, "xmlns"))
		return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
		    "element with prefix xmlns");
	*e = (struct stanza_node){ .kind = STANZA_ELEMENT, .text = "",
	    .name = colon == x->tag_qlen ? q : q + colon + 1 };
	if ((e->ns = colon == x->tag_qlen ? x->dflt :
	    xml_ns_lookup(x, q, colon)) == NULL)
		return xml_fail(x, XML_ERR_BAD_NAMESPACE_PREFIX,
		    "undeclared element prefix");
	if (xml_resolve_attrs(x, e, !x->root_open) == -1)
		return XML_NEXT_ERROR;

	if (!x->root_open) {
		if (strcmp(e->ns, STANZA_NS_STREAMS) != 0 ||
		    strcmp(e->name, "stream") != 0)
			return xml_fail(x, XML_ERR_INVALID_NAMESPACE,
			    "stream root is not <stream:stream>");
		x->root_open = 1;
		x->close_pending = empty;
		x->stack[0] = (struct xml_open){ e, q, x->tag_qlen, outer,
		    outer_dflt };
		x->event = XML_STREAM_OPEN;
		return XML_NEXT_EVENT;
	}
	o = &x->stack[x->depth];
	if (x->depth > 0)
		stanza_append(o->node, e);
	if (empty) {
		x->ns = outer;
		x->dflt = outer_dflt;
		if (x->depth > 0)
			goto content;
		x->stack[1].node = e;
		goto element;
	}
	x->depth++;
	x->stack[x->depth] = (struct xml_open){ e, q, x->tag_qlen, outer,
	    outer_dflt };
content:
	xml_tok_start(x);
	return XML_NEXT_CONTENT;
element:
	x->event = XML_ELEMENT;
	return XML_NEXT_EVENT;
}
