/*
 * Unit tests for the stanza model: builders, lookups, deep copy and the
 * serializer (exact output, escaping, namespaces, and a round trip through
 * libxml2 that must read back exactly the tree that was written).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "stanza.h"

struct fixture {
	struct arena a;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	arena_free(&f->a);
	free(f);
	return 0;
}

/* Serializes E under PARENT_NS into a static buffer, checking that the
 * returned length is exact and that a short buffer is never overrun. */
static const char *
ser(const struct stanza_node *e, const char *parent_ns, int open)
{
	static char buf[8192];
	char small[8];
	size_t n, m;

	n = open ? stanza_serialize_open(e, buf, sizeof(buf) - 1) :
	    stanza_serialize(e, parent_ns, buf, sizeof(buf) - 1);
	assert_true(n < sizeof(buf));
	buf[n] = '\0';
	memset(small, 'Z', sizeof(small));
	m = open ? stanza_serialize_open(e, small, 4) :
	    stanza_serialize(e, parent_ns, small, 4);
	assert_int_equal(m, n);
	assert_memory_equal(small, buf, n < 4 ? n : 4);
	assert_int_equal(small[4], 'Z');
	return buf;
}

static void
test_build_and_lookup(void **state)
{
	struct fixture *f = *state;
	struct stanza_node *m, *b;

	m = stanza_element(&f->a, STANZA_NS_SERVER, "message");
	assert_non_null(m);
	assert_int_equal(stanza_set_attr(&f->a, m, "", "to", "b@x"), 0);
	assert_int_equal(stanza_set_attr(&f->a, m, "", "from", "a@y"), 0);
	assert_int_equal(stanza_set_attr(&f->a, m, STANZA_NS_XML, "lang",
	    "en"), 0);
	assert_int_equal(stanza_set_attr(&f->a, m, "", "to", "c@x"), 0);
	assert_string_equal(stanza_attr(m, "", "to"), "c@x");
	assert_string_equal(stanza_attr(m, STANZA_NS_XML, "lang"), "en");
	assert_null(stanza_attr(m, "", "lang"));
	assert_string_equal(m->attrs->name, "to");
	assert_string_equal(m->attrs->next->name, "from");
	b = stanza_add_child(&f->a, m, STANZA_NS_SERVER, "body");
	assert_non_null(b);
	assert_int_equal(stanza_append_text(&f->a, b, "hi", 2), 0);
	assert_ptr_equal(stanza_child(m, NULL, "body"), b);
	assert_ptr_equal(stanza_child(m, STANZA_NS_SERVER, "body"), b);
	assert_null(stanza_child(m, STANZA_NS_CLIENT, "body"));
	assert_ptr_equal(b->parent, m);
	assert_int_equal(b->children->kind, STANZA_TEXT);
	stanza_remove_attr(m, "", "to");
	assert_null(stanza_attr(m, "", "to"));
	stanza_remove_attr(m, "", "nothing");
	assert_string_equal(ser(m, STANZA_NS_SERVER, 0),
	    "<message from='a@y' xml:lang='en'><body>hi</body></message>");
}

static void
test_escape(void **state)
{
	struct fixture *f = *state;
	struct stanza_node *m;
	char out[64];
	size_t n;

	m = stanza_element(&f->a, STANZA_NS_SERVER, "body");
	assert_int_equal(stanza_set_attr(&f->a, m, "", "a",
	    "<&>'\"\t\n\r x"), 0);
	assert_int_equal(stanza_append_text(&f->a, m,
	    "a<b>c&d]]>'\"\t\n\r", 15), 0);
	assert_string_equal(ser(m, STANZA_NS_SERVER, 0),
	    "<body a='&lt;&amp;&gt;&apos;&quot;&#9;&#10;&#13; x'>"
	    "a&lt;b&gt;c&amp;d]]&gt;'\"\t\n&#13;</body>");
	n = stanza_escape("a&b", 3, out, sizeof(out));
	assert_int_equal(n, 7);
	assert_memory_equal(out, "a&amp;b", 7);
	n = stanza_escape("<<", 2, out, 3);
	assert_int_equal(n, 8);
}

/* xmlns is written only where the namespace changes, including back to
 * the empty namespace. */
static void
test_namespaces(void **state)
{
	struct fixture *f = *state;
	struct stanza_node *iq, *q, *item, *plain;

	iq = stanza_element(&f->a, STANZA_NS_CLIENT, "iq");
	q = stanza_add_child(&f->a, iq, "jabber:iq:roster", "query");
	item = stanza_add_child(&f->a, q, "jabber:iq:roster", "item");
	plain = stanza_add_child(&f->a, item, "", "x");
	assert_non_null(plain);
	assert_string_equal(ser(iq, STANZA_NS_CLIENT, 0),
	    "<iq><query xmlns='jabber:iq:roster'><item><x xmlns=''/></item>"
	    "</query></iq>");
	assert_string_equal(ser(iq, STANZA_NS_SERVER, 0),
	    "<iq xmlns='jabber:client'><query xmlns='jabber:iq:roster'><item>"
	    "<x xmlns=''/></item></query></iq>");
	assert_string_equal(ser(plain, NULL, 0), "<x/>");
}

/* Attributes in other namespaces get prefixes declared on their element,
 * one per namespace. */
static void
test_attr_prefixes(void **state)
{
	struct fixture *f = *state;
	struct stanza_node *e, *c;

	e = stanza_element(&f->a, "urn:a", "e");
	stanza_set_attr(&f->a, e, "urn:x", "p", "1");
	stanza_set_attr(&f->a, e, "urn:y", "q", "2");
	stanza_set_attr(&f->a, e, "urn:x", "r", "3");
	stanza_set_attr(&f->a, e, "", "s", "4");
	c = stanza_add_child(&f->a, e, "urn:a", "c");
	stanza_set_attr(&f->a, c, "urn:y", "t", "5");
	assert_string_equal(ser(e, "urn:a", 0),
	    "<e xmlns:ns1='urn:x' ns1:p='1' xmlns:ns2='urn:y' ns2:q='2' "
	    "ns1:r='3' s='4'><c xmlns:ns1='urn:y' ns1:t='5'/></e>");
}

static void
test_stream_open(void **state)
{
	struct fixture *f = *state;
	struct stanza_node *r;

	r = stanza_element(&f->a, STANZA_NS_STREAMS, "stream");
	stanza_set_attr(&f->a, r, STANZA_NS_XMLNS, "xmlns", STANZA_NS_SERVER);
	stanza_set_attr(&f->a, r, STANZA_NS_XMLNS, "db", STANZA_NS_DIALBACK);
	stanza_set_attr(&f->a, r, "", "from", "a.example");
	stanza_set_attr(&f->a, r, "", "version", "1.0");
	stanza_set_attr(&f->a, r, STANZA_NS_XML, "lang", "en");
	assert_string_equal(ser(r, NULL, 1),
	    "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
	    "xmlns='jabber:server' xmlns:db='jabber:server:dialback' "
	    "from='a.example' version='1.0' xml:lang='en'>");

	/* A declared stream prefix is used as it is. */
	r = stanza_element(&f->a, STANZA_NS_STREAMS, "stream");
	stanza_set_attr(&f->a, r, STANZA_NS_XMLNS, "s", STANZA_NS_STREAMS);
	stanza_set_attr(&f->a, r, STANZA_NS_XMLNS, "xmlns", STANZA_NS_CLIENT);
	stanza_set_attr(&f->a, r, "urn:other", "x", "1");
	assert_string_equal(ser(r, NULL, 1),
	    "<s:stream xmlns:s='http://etherx.jabber.org/streams' "
	    "xmlns='jabber:client' xmlns:ns3='urn:other' ns3:x='1'>");

	/* Made-up prefixes avoid the declared ones. */
	r = stanza_element(&f->a, "urn:root", "r");
	stanza_set_attr(&f->a, r, STANZA_NS_XMLNS, "xmlns", "urn:content");
	stanza_set_attr(&f->a, r, STANZA_NS_XMLNS, "ns0", "urn:zero");
	stanza_set_attr(&f->a, r, STANZA_NS_XMLNS, "ns0_1", "urn:one");
	stanza_set_attr(&f->a, r, "urn:root", "a", "1");
	stanza_set_attr(&f->a, r, "urn:other", "b", "2");
	stanza_set_attr(&f->a, r, STANZA_NS_XMLNS, "ns5", "urn:five");
	assert_string_equal(ser(r, NULL, 1),
	    "<ns0_2:r xmlns:ns0_2='urn:root' xmlns='urn:content' "
	    "xmlns:ns0='urn:zero' xmlns:ns0_1='urn:one' ns0_2:a='1' "
	    "xmlns:ns5_1='urn:other' ns5_1:b='2' xmlns:ns5='urn:five'>");

	/* Without a content namespace the root is unprefixed. */
	r = stanza_element(&f->a, STANZA_NS_STREAMS, "stream");
	assert_string_equal(ser(r, NULL, 1),
	    "<stream xmlns='http://etherx.jabber.org/streams'>");
}

static void
test_copy(void **state)
{
	struct fixture *f = *state;
	struct arena b = { 0 };
	struct stanza_node *m, *c, *d;
	char one[512], two[512];
	size_t n1, n2;

	m = stanza_element(&f->a, STANZA_NS_SERVER, "message");
	stanza_set_attr(&f->a, m, "", "to", "x@y");
	c = stanza_add_child(&f->a, m, STANZA_NS_SERVER, "body");
	stanza_append_text(&f->a, c, "one", 3);
	c = stanza_add_child(&f->a, c, "urn:z", "deep");
	stanza_add_child(&f->a, c, "urn:z", "deeper");
	stanza_append_text(&f->a, m, "tail", 4);
	c = stanza_add_child(&f->a, m, "urn:w", "last");
	stanza_set_attr(&f->a, c, "urn:q", "a", "v");
	d = stanza_copy(&b, m);
	assert_non_null(d);
	assert_null(d->parent);
	arena_free(&f->a);
	memset(&f->a, 0, sizeof(f->a));
	n2 = stanza_serialize(d, STANZA_NS_SERVER, two, sizeof(two));
	assert_string_equal(d->children->children->next->name, "deep");
	assert_ptr_equal(d->children->children->next->parent, d->children);
	assert_ptr_equal(d->last_child->parent, d);
	snprintf(one, sizeof(one), "%s", "<message to='x@y'><body>one<deep "
	    "xmlns='urn:z'><deeper/></deep></body>tail<last xmlns='urn:w' "
	    "xmlns:ns1='urn:q' ns1:a='v'/></message>");
	n1 = strlen(one);
	assert_int_equal(n1, n2);
	assert_memory_equal(one, two, n1);
	arena_free(&b);
}

/* Compares a libxml2 node with a stanza node: names, namespaces,
 * attributes (ignoring declarations) and text, with adjacent text merged. */
static void
check_same(xmlNode *x, const struct stanza_node *s)
{
	const struct stanza_attr *sa;
	const struct stanza_node *sc;
	xmlAttr *xa;
	xmlNode *xc;
	int nx = 0, ns = 0;

	assert_int_equal(x->type, XML_ELEMENT_NODE);
	assert_string_equal((const char *)x->name, s->name);
	assert_string_equal(x->ns ? (const char *)x->ns->href : "", s->ns);
	for (xa = x->properties; xa != NULL; xa = xa->next) {
		xmlChar *v = xmlNodeListGetString(x->doc, xa->children, 1);
		const char *uri = xa->ns ? (const char *)xa->ns->href : "";
		const char *sv = stanza_attr(s, uri, (const char *)xa->name);

		assert_non_null(sv);
		assert_string_equal((const char *)v, sv);
		xmlFree(v);
		nx++;
	}
	for (sa = s->attrs; sa != NULL; sa = sa->next)
		ns++;
	assert_int_equal(nx, ns);
	xc = x->children;
	for (sc = s->children; sc != NULL; sc = sc->next) {
		if (sc->kind == STANZA_TEXT) {
			assert_non_null(xc);
			assert_true(xc->type == XML_TEXT_NODE);
			assert_string_equal((const char *)xc->content,
			    sc->text);
		} else {
			check_same(xc, sc);
		}
		xc = xc->next;
	}
	assert_null(xc);
}

/* Text and attribute values with every character class the escaper
 * treats specially survive a trip through libxml2 unchanged. */
static void
test_roundtrip_libxml2(void **state)
{
	struct fixture *f = *state;
	struct stanza_node *m, *c;
	static const char nasty[] = "a < b && c > d ]]> 'q' \"Q\" \t\n\r\r\n"
	    " \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 &amp;";
	char buf[2048];
	size_t n;
	xmlDoc *doc;

	m = stanza_element(&f->a, STANZA_NS_SERVER, "message");
	stanza_set_attr(&f->a, m, "", "a", nasty);
	stanza_set_attr(&f->a, m, STANZA_NS_XML, "lang", nasty);
	stanza_set_attr(&f->a, m, "urn:p", "a", nasty);
	stanza_set_attr(&f->a, m, "urn:q", "a", "other");
	c = stanza_add_child(&f->a, m, STANZA_NS_SERVER, "body");
	stanza_append_text(&f->a, c, nasty, sizeof(nasty) - 1);
	c = stanza_add_child(&f->a, m, "", "nons");
	stanza_add_child(&f->a, c, "urn:x", "x");
	n = stanza_serialize(m, "", buf, sizeof(buf));
	assert_true(n < sizeof(buf));
	doc = xmlReadMemory(buf, (int)n, "t.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	assert_non_null(doc);
	check_same(xmlDocGetRootElement(doc), m);
	xmlFreeDoc(doc);
}

/* Trees deeper than any stack survive copy and serialization. */
static void
test_deep(void **state)
{
	struct fixture *f = *state;
	struct stanza_node *root, *e;
	size_t n;
	int i;

	root = e = stanza_element(&f->a, "", "d");
	for (i = 0; i < 200000; i++)
		e = stanza_add_child(&f->a, e, "", "d");
	assert_non_null(e);
	assert_non_null(stanza_copy(&f->a, root));
	n = stanza_serialize(root, "", NULL, 0);
	assert_int_equal(n, 200000 * 7 + 4);
}

/* The one-pass head finds the stanza's plain attributes and xml:lang,
 * and nothing of the same names in other namespaces. */
static void
test_head(void **state)
{
	struct fixture *f = *state;
	struct stanza_node *m;
	struct stanza_head h;

	m = stanza_element(&f->a, STANZA_NS_SERVER, "iq");
	assert_non_null(m);
	assert_int_equal(stanza_set_attr(&f->a, m, "urn:x", "to", "no"), 0);
	assert_int_equal(stanza_set_attr(&f->a, m, "", "type", "get"), 0);
	assert_int_equal(stanza_set_attr(&f->a, m, STANZA_NS_XML, "lang",
	    "de"), 0);
	assert_int_equal(stanza_set_attr(&f->a, m, "", "from", "a@y"), 0);
	assert_int_equal(stanza_set_attr(&f->a, m, "urn:x", "lang", "no"), 0);
	assert_int_equal(stanza_set_attr(&f->a, m, "", "id", "7"), 0);
	stanza_head(m, &h);
	assert_string_equal(h.from, "a@y");
	assert_null(h.to);
	assert_string_equal(h.id, "7");
	assert_string_equal(h.type, "get");
	assert_string_equal(h.lang, "de");
	assert_int_equal(stanza_set_attr(&f->a, m, "", "to", "b@x"), 0);
	stanza_head(m, &h);
	assert_string_equal(h.to, "b@x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build_and_lookup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_namespaces, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_attr_prefixes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stream_open, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip_libxml2, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head, setup, teardown),
	};

	return cmocka_run_group_tests_name("stanza", tests, NULL, NULL);
}
