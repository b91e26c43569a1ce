/*
 * Unit tests for the XML tokenizer's bounds and memory: depth, attributes,
 * namespace bindings and size at and past their limits (each case fed
 * every way it can be split, as in test_xml.c); many CDATA sections in
 * linear memory; max_stanza lowered and raised on a live stream;
 * max_memory; what the parser holds, counted and given back; how long an
 * element and the stream root live.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xml_case_fixture.h"

/* ---- limits -------------------------------------------------------------- */

static void
test_limits(void **state)
{
	struct xml_case c = { 0 };
	struct xml_limits lim;
	char in[8192], expect[8192], *p;
	size_t hdr = strlen(HDR);
	int i;

	(void)state;
	/* Depth: the stanza is depth 1. */
	lim = (struct xml_limits){ 4096, 3, 4, 0 };
	c.name = "depth at limit";
	c.in = HDR "<a><b><c/></b></a>";
	c.expect = OPEN "ELEM <{jabber:server}a><{jabber:server}b>"
	    "<{jabber:server}c></></></>\nMORE\n";
	check_case_limits(&c, &lim);
	c.name = "depth past limit";
	c.in = HDR "<a><b><c><d/></c></b></a>";
	c.expect = "ERROR policy-violation";
	check_case_limits(&c, &lim);
	c.name = "empty element past depth limit";
	c.in = HDR "<a><b><c><d></d></c></b></a>";
	check_case_limits(&c, &lim);

	/* Attributes, namespace declarations included. */
	c.name = "attributes at limit";
	c.in = HDR "<a b='1' c='2' xmlns:x='u' x:d='3'/>";
	c.expect = OPEN "ELEM <{jabber:server}a {}b=\"1\" {}c=\"2\" "
	    "{u}d=\"3\"></>\nMORE\n";
	check_case_limits(&c, &lim);
	c.name = "attributes past limit";
	c.in = HDR "<a b='1' c='2' xmlns:x='u' x:d='3' e=''/>";
	c.expect = "ERROR policy-violation";
	check_case_limits(&c, &lim);
	c.name = "bindings in scope past limit";
	{
		static char deep[16384];
		char *q = deep;
		int d, k;

		q += sprintf(q, "%s", HDR);
		for (d = 0; d < 33; d++) {
			*q++ = '<';
			*q++ = 'e';
			for (k = 0; k < 4; k++)
				q += sprintf(q, " xmlns:p%d_%d='u'", d, k);
			*q++ = '>';
		}
		*q = '\0';
		c.in = deep;
		check_case_limits(&c, &(struct xml_limits){ 65536, 64, 4, 0 });
	}
	c.name = "root attributes past limit";
	c.in = "<stream:stream xmlns='jabber:server' xmlns:stream='"
	    NS_STREAMS "' a='' b='' c=''>";
	check_case_limits(&c, &lim);

	/* Size: every byte from '<' to '>' counts, white space between
	 * stanzas does not. */
	lim = (struct xml_limits){ 100, 8, 8, 0 };
	memcpy(in, HDR, hdr);
	p = in + hdr;
	for (i = 0; i < 300; i++)
		*p++ = ' ';
	memcpy(p, "<a>", 3);
	memset(p + 3, 'x', 100 - 7);
	memcpy(p + 100 - 4, "</a>", 4);
	p[100] = '\0';
	c.name = "stanza at size limit";
	c.in = in;
	snprintf(expect, sizeof(expect), "%sELEM <{jabber:server}a>\"%.*s\""
	    "</>\nMORE\n", OPEN, 100 - 7, p + 3);
	c.expect = expect;
	check_case_limits(&c, &lim);
	memcpy(p + 100 - 4, "x</a>", 5);
	p[101] = '\0';
	c.name = "stanza past size limit";
	c.expect = "ERROR policy-violation";
	check_case_limits(&c, &lim);
	/* An unfinished element past the limit fails without its end. */
	memset(p + 3, 'x', 200);
	p[203] = '\0';
	c.name = "unfinished stanza past size limit";
	check_case_limits(&c, &lim);
	c.name = "stream header past size limit";
	c.in = "<stream:stream xmlns='jabber:server' xmlns:stream='"
	    NS_STREAMS "' to='aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'>";
	check_case_limits(&c, &lim);
	c.name = "long name past size limit";
	memcpy(in, HDR, hdr);
	in[hdr] = '<';
	memset(in + hdr + 1, 'n', 300);
	in[hdr + 301] = '\0';
	c.in = in;
	check_case_limits(&c, &lim);
}

/* Many CDATA sections make one text node, in linear time and memory. */
static void
test_cdata_sections(void **state)
{
	static const struct xml_limits lim = { 65536, 4, 4, 0 };
	struct xml_parser *x = xml_new(&lim);
	char in[65536], *p = in;
	struct stanza_node *e;
	size_t used;
	int i;

	(void)state;
	p += sprintf(p, "%s<a>", HDR);
	for (i = 0; i < 4000; i++)
		p += sprintf(p, "x<![CDATA[y]]>");
	p += sprintf(p, "</a>");
	assert_int_equal(xml_parse(x, in, (size_t)(p - in), &used),
	    XML_STREAM_OPEN);
	assert_int_equal(xml_parse(x, in + used, (size_t)(p - in) - used,
	    &used), XML_ELEMENT);
	e = xml_element(x);
	assert_non_null(e->children);
	assert_null(e->children->next);
	assert_int_equal(e->children->text_len, 8000);
	assert_memory_equal(e->children->text, "xyxyxy", 6);
	assert_true(xml_element_arena(x)->used < (size_t)(p - in) * 2);
	xml_free(x);
}

/* ---- the API around the machine ------------------------------------------ */

/* A bound lowered after the header (the peer became known) applies to the
 * next elements and survives a stream restart. */
static void
test_lower_max_stanza(void **state)
{
	static const struct xml_limits lim = { 1000, 8, 8, 0 };
	static const char small[] = "<a>0123456789</a>";
	/* The bound counts the stream header too: 100 bytes admit it. */
	static const char big[] = "<a>0123456789012345678901234567890123456789"
	    "01234567890123456789012345678901234567890123456789"
	    "01234567890123456789012345678901234567890123456789</a>";
	struct xml_parser *x = xml_new(&lim);
	size_t used;
	int round;

	(void)state;
	for (round = 0; round < 2; round++) {
		assert_int_equal(xml_parse(x, HDR, strlen(HDR), &used),
		    XML_STREAM_OPEN);
		xml_lower_max_stanza(x, 100);
		xml_lower_max_stanza(x, 5000);	/* never raised again */
		assert_int_equal(xml_parse(x, small, strlen(small), &used),
		    XML_ELEMENT);
		if (round == 0) {
			xml_reset(x);
			continue;
		}
		assert_int_equal(xml_parse(x, big, strlen(big), &used),
		    XML_ERROR);
		assert_int_equal(xml_error_condition(x),
		    XML_ERR_POLICY_VIOLATION);
	}
	xml_free(x);
}

/* A bound raised (the stream authenticated) holds at once, for the element
 * being read too, and is never lowered by a smaller raise. */
static void
test_raise_max_stanza(void **state)
{
	static const struct xml_limits lim = { 100, 8, 8, 0 };
	char big[400];
	struct xml_parser *x = xml_new(&lim);
	size_t used;

	(void)state;
	memset(big, 'x', sizeof(big));
	memcpy(big, "<a>", 3);
	memcpy(big + sizeof(big) - 4, "</a>", 4);
	assert_int_equal(xml_parse(x, HDR, strlen(HDR), &used),
	    XML_STREAM_OPEN);
	assert_int_equal(xml_parse(x, big, 80, &used), XML_NEED_MORE);
	xml_raise_max_stanza(x, 1000);
	xml_raise_max_stanza(x, 50);
	assert_int_equal(xml_parse(x, big + 80, sizeof(big) - 80, &used),
	    XML_ELEMENT);
	assert_int_equal(xml_element(x)->children->text_len, sizeof(big) - 7);
	assert_int_equal(xml_parse(x, big, sizeof(big), &used), XML_ELEMENT);
	xml_free(x);

	/* Without the raise, the same element is too large. */
	x = xml_new(&lim);
	assert_int_equal(xml_parse(x, HDR, strlen(HDR), &used),
	    XML_STREAM_OPEN);
	assert_int_equal(xml_parse(x, big, sizeof(big), &used), XML_ERROR);
	assert_int_equal(xml_error_condition(x), XML_ERR_POLICY_VIOLATION);
	xml_free(x);
}

/* Writes into BUF (CAP bytes) an element of N empty children, the most
 * tree for its bytes; returns its length. */
static size_t
many_children(char *buf, size_t cap, size_t n)
{
	size_t len = 0, i;

	assert_true(cap >= 4 * n + 7);
	memcpy(buf, "<m>", 3);
	len = 3;
	for (i = 0; i < n; i++, len += 4)
		memcpy(buf + len, "<a/>", 4);
	memcpy(buf + len, "</m>", 4);
	return len + 4;
}

/* max_memory bounds the tree of an element within max_stanza: past it,
 * policy-violation; the header's arena has the same bound; a raise lifts
 * it. */
static void
test_max_memory(void **state)
{
	static const struct xml_limits lim = { 8192, 8, 8, 4096 };
	static char buf[8192];
	size_t len = many_children(buf, sizeof(buf), 1000), used;
	struct xml_parser *x = xml_new(&lim);

	(void)state;
	assert_int_equal(xml_parse(x, HDR, strlen(HDR), &used),
	    XML_STREAM_OPEN);
	/* A few children fit. */
	assert_int_equal(xml_parse(x, "<m><a/><a/></m>", 15, &used),
	    XML_ELEMENT);
	assert_int_equal(xml_parse(x, buf, len, &used), XML_ERROR);
	assert_int_equal(xml_error_condition(x), XML_ERR_POLICY_VIOLATION);
	assert_string_equal(xml_error_text(x), "stanza takes too much memory");
	xml_free(x);

	x = xml_new(&lim);
	assert_int_equal(xml_parse(x, HDR, strlen(HDR), &used),
	    XML_STREAM_OPEN);
	xml_raise_max_stanza(x, 8192);
	assert_int_equal(xml_parse(x, buf, len, &used), XML_ELEMENT);
	xml_free(x);
}

/*
 * A counter follows what the parser holds for elements: a token spanning
 * reads grows it, the next element gives a large token buffer back, a
 * reset leaves one small chunk per arena at most, and the free leaves
 * nothing.
 */
static void
test_memory_counted(void **state)
{
	static const struct xml_limits lim = { 200000, 8, 8, 0 };
	static char text[100000];
	struct xml_parser *x = xml_new(&lim);
	size_t held = 0, used, small;

	(void)state;
	memset(text, 'x', sizeof(text));
	xml_count_into(x, &held);
	assert_int_equal(xml_parse(x, HDR, strlen(HDR), &used),
	    XML_STREAM_OPEN);
	small = held;
	assert_true(small > 0 && small < 3 * 8192);
	assert_int_equal(xml_parse(x, "<a>", 3, &used), XML_NEED_MORE);
	assert_int_equal(xml_parse(x, text, sizeof(text), &used),
	    XML_NEED_MORE);
	assert_true(held >= small + sizeof(text));
	assert_int_equal(xml_parse(x, "</a>", 4, &used), XML_ELEMENT);
	assert_int_equal(xml_parse(x, " ", 1, &used), XML_NEED_MORE);
	assert_true(held <= small + 8192 + 256);
	xml_reset(x);
	assert_true(held <= 2 * (8192 + 256));
	xml_count_into(x, NULL);
	assert_int_equal(held, 0);
	xml_count_into(x, &held);
	xml_free(x);
	assert_int_equal(held, 0);
}

/* After an element the next call resets its arena; the stream root stays. */
static void
test_lifetimes(void **state)
{
	static const char in[] = HDR "<a x='1'/><b>t</b>" END;
	struct xml_parser *x = xml_new(&lim_default);
	const struct stanza_node *root;
	struct stanza_node *e;
	size_t off = 0, used;

	(void)state;
	assert_non_null(x);
	assert_null(xml_stream_root(x));
	assert_int_equal(xml_parse(x, in, sizeof(in) - 1, &used),
	    XML_STREAM_OPEN);
	off += used;
	assert_int_equal(off, strlen(HDR));
	root = xml_stream_root(x);
	assert_string_equal(root->name, "stream");
	assert_string_equal(stanza_attr(root, STANZA_NS_XMLNS, "xmlns"),
	    "jabber:server");
	assert_int_equal(xml_parse(x, in + off, sizeof(in) - 1 - off, &used),
	    XML_ELEMENT);
	off += used;
	e = xml_element(x);
	assert_string_equal(e->name, "a");
	assert_null(e->parent);
	/* The caller may build on the element in its arena. */
	assert_int_equal(stanza_set_attr(xml_element_arena(x), e, "", "y",
	    "2"), 0);
	assert_int_equal(xml_parse(x, in + off, sizeof(in) - 1 - off, &used),
	    XML_ELEMENT);
	off += used;
	e = xml_element(x);
	assert_string_equal(e->name, "b");
	assert_string_equal(e->children->text, "t");
	assert_ptr_equal(xml_stream_root(x), root);
	assert_int_equal(xml_parse(x, in + off, sizeof(in) - 1 - off, &used),
	    XML_STREAM_CLOSE);
	off += used;
	assert_int_equal(off, sizeof(in) - 1);
	assert_null(xml_element(x));
	assert_int_equal(xml_parse(x, "  ", 2, &used), XML_NEED_MORE);
	assert_int_equal(used, 2);

	/* A restart (after STARTTLS) expects a new stream. */
	xml_reset(x);
	assert_null(xml_stream_root(x));
	assert_int_equal(xml_parse(x, "<?xml version='1.0'?>" HDR,
	    strlen("<?xml version='1.0'?>" HDR), &used), XML_STREAM_OPEN);
	assert_int_equal(xml_parse(x, "<c/>", 4, &used), XML_ELEMENT);
	assert_string_equal(xml_element(x)->ns, "jabber:server");
	xml_reset(x);
	assert_int_equal(xml_parse(x, "<c/>", 4, &used), XML_ERROR);
	assert_int_equal(xml_error_condition(x), XML_ERR_INVALID_NAMESPACE);
	assert_string_not_equal(xml_error_text(x), "");
	xml_free(x);
	xml_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_lower_max_stanza),
		cmocka_unit_test(test_raise_max_stanza),
		cmocka_unit_test(test_max_memory),
		cmocka_unit_test(test_memory_counted),
		cmocka_unit_test(test_cdata_sections),
		cmocka_unit_test(test_lifetimes),
	};

	return cmocka_run_group_tests_name("xml_bounds", tests, NULL, NULL);
}
