/*
 * Unit tests for the XML tokenizer: what it accepts and the errors it
 * gives. Every case is fed whole, split in two at every byte offset, and
 * one byte at a time; every way must give the same events and the same
 * trees. Valid cases check the exact trees, and invalid cases the exact
 * stream error condition (not-well-formed, restricted-xml, namespaces,
 * encodings); the elements of valid cases, serialized, parse to the same
 * trees. Bounds and memory are tested in test_xml_bounds.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_xml_dump.h"
#include "xml_case_fixture.h"

static void
check_case(const struct xml_case *c)
{
	check_case_limits(c, &lim_default);
}

static void
check_cases(const struct xml_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check_case(&cases[i]);
}

#define CHECK_CASES(cases) check_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* ---- valid streams ------------------------------------------------------- */

static const struct xml_case valid_cases[] = {
	{ "minimal", HDR END, 0, OPEN CLOSED },
	{ "declaration", "<?xml version='1.0'?>" HDR END, 0, OPEN CLOSED },
	{ "declaration full",
	    "<?xml version=\"1.0\" encoding=\"utf-8\" standalone='yes' ?>\n"
	    HDR END, 0, OPEN CLOSED },
	{ "bom", "\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?>" HDR
	    END, 0, OPEN CLOSED },
	{ "s2s header",
	    "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:"
	    "dialback' xmlns:stream='" NS_STREAMS "' to='b.example' "
	    "from='a.example' version='1.0' xml:lang='en'>",
	    0,
	    "OPEN <{" NS_STREAMS "}stream "
	    "{http://www.w3.org/2000/xmlns/}xmlns=\"jabber:server\" "
	    "{http://www.w3.org/2000/xmlns/}db=\"jabber:server:dialback\" "
	    "{http://www.w3.org/2000/xmlns/}stream=\"" NS_STREAMS "\" "
	    "{}to=\"b.example\" {}from=\"a.example\" {}version=\"1.0\" "
	    "{http://www.w3.org/XML/1998/namespace}lang=\"en\"></>\nMORE\n" },
	{ "stanzas and keepalives",
	    HDR " \n<message to='a@b' type=\"chat\"><body>hi</body></message>"
	    "\r\n\t <iq type='get' id='1'/> " END "  \n",
	    0,
	    OPEN "ELEM <{jabber:server}message {}to=\"a@b\" {}type=\"chat\">"
	    "<{jabber:server}body>\"hi\"</></>\n"
	    "ELEM <{jabber:server}iq {}type=\"get\" {}id=\"1\"></>\n" CLOSED },
	{ "other stream prefix",
	    "<s:stream xmlns:s='" NS_STREAMS "' xmlns='jabber:client'>"
	    "<s:features/><presence/></s:stream>",
	    0,
	    "OPEN <{" NS_STREAMS "}stream "
	    "{http://www.w3.org/2000/xmlns/}s=\"" NS_STREAMS "\" "
	    "{http://www.w3.org/2000/xmlns/}xmlns=\"jabber:client\"></>\n"
	    "ELEM <{" NS_STREAMS "}features></>\n"
	    "ELEM <{jabber:client}presence></>\n" CLOSED },
	{ "empty root", "<stream:stream xmlns:stream='" NS_STREAMS "'/>", 0,
	    "OPEN <{" NS_STREAMS "}stream "
	    "{http://www.w3.org/2000/xmlns/}stream=\"" NS_STREAMS "\"></>\n"
	    CLOSED },
	{ "namespaces",
	    HDR "<iq xmlns:a='urn:a'><a:q xmlns='urn:d' a:x='1' x='2'>"
	    "<i/><a:j xmlns:a='urn:b'/><k xmlns=''/></a:q></iq>" END,
	    0,
	    OPEN "ELEM <{jabber:server}iq><{urn:a}q {urn:a}x=\"1\" {}x=\"2\">"
	    "<{urn:d}i></><{urn:b}j></><{}k></></></>\n" CLOSED },
	{ "xml prefix",
	    HDR "<m xml:lang='en'><xml:x xmlns:xml='http://www.w3.org/XML/"
	    "1998/namespace'/></m>" END,
	    0,
	    OPEN "ELEM <{jabber:server}m "
	    "{http://www.w3.org/XML/1998/namespace}lang=\"en\">"
	    "<{http://www.w3.org/XML/1998/namespace}x></></>\n" CLOSED },
	{ "same uri two prefixes",
	    HDR "<m xmlns:a='urn:u' xmlns:b='urn:u' a:x='1' b:y='2'/>" END,
	    0,
	    OPEN "ELEM <{jabber:server}m {urn:u}x=\"1\" {urn:u}y=\"2\"></>\n"
	    CLOSED },
	{ "attribute values",
	    HDR "<m a=\"x'y\" b='x\"y' c='&lt;&gt;&amp;&apos;&quot;' "
	    "d='a\tb\nc\r\nd\re' e='&#9;&#10;&#13;&#x20;' f='' g='>'/>" END,
	    0,
	    OPEN "ELEM <{jabber:server}m {}a=\"x'y\" {}b=\"x\\x22y\" "
	    "{}c=\"<>&'\\x22\" {}d=\"a b c d e\" "
	    "{}e=\"\\x09\\x0a\\x0d \" {}f=\"\" {}g=\">\"></>\n" CLOSED },
	{ "text",
	    HDR "<m>a &lt;b&gt; &amp; &apos;&quot; &#65;&#x42;&#x00043;"
	    " ]] ]> > x\r\ny\rz\n</m>" END,
	    0,
	    OPEN "ELEM <{jabber:server}m>\"a <b> & '\\x22 ABC ]] ]> > "
	    "x\\x0ay\\x0az\\x0a\"</>\n" CLOSED },
	{ "cdata merged with text",
	    HDR "<m>a<![CDATA[<b>&amp;]]]]>c<![CDATA[]]><![CDATA[\r\n]]>"
	    "<x/>d</m>" END,
	    0,
	    OPEN "ELEM <{jabber:server}m>\"a<b>&amp;]]c\\x0a\""
	    "<{jabber:server}x></>\"d\"</>\n" CLOSED },
	{ "empty cdata makes no text",
	    HDR "<m><![CDATA[]]><b/><![CDATA[]]><![CDATA[]]></m>" END,
	    0,
	    OPEN "ELEM <{jabber:server}m><{jabber:server}b></></>\n" CLOSED },
	{ "whitespace text kept",
	    HDR "<m>\n <b> x </b>\n</m>" END,
	    0,
	    OPEN "ELEM <{jabber:server}m>\"\\x0a \"<{jabber:server}b>"
	    "\" x \"</>\"\\x0a\"</>\n" CLOSED },
	{ "tag white space",
	    HDR "<m\n a = 'b'\t/><n  ></n\r\n>" END,
	    0,
	    OPEN "ELEM <{jabber:server}m {}a=\"b\"></>\n"
	    "ELEM <{jabber:server}n></>\n" CLOSED },
	{ "utf-8",
	    HDR "<m a='\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	    "\xef\xbf\xbd\xf0\x90\x80\x80\xf4\x8f\xbf\xbf'>\xc3\xa9\xe2\x82"
	    "\xac\xf0\x9f\x98\x80\x7f</m>" END,
	    0,
	    OPEN "ELEM <{jabber:server}m {}a=\"\xc2\x80\xdf\xbf\xe0\xa0\x80"
	    "\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbd\xf0\x90\x80\x80\xf4\x8f"
	    "\xbf\xbf\">\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\\x7f\"</>\n"
	    CLOSED },
	{ "character references to edges",
	    HDR "<m>&#xD7FF;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;&#128;</m>"
	    END,
	    0,
	    OPEN "ELEM <{jabber:server}m>\"\xed\x9f\xbf\xee\x80\x80\xef\xbf"
	    "\xbd\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\xc2\x80\"</>\n" CLOSED },
	{ "non-ascii names",
	    HDR "<\xc3\xa9l\xc3\xa8ve xmlns:\xe6\x97\xa5='urn:j' "
	    "\xe6\x97\xa5:x\xc2\xb7='1'><_a-b.c\xcc\x80/></\xc3\xa9l\xc3\xa8ve>"
	    END,
	    0,
	    "" },
	{ "names with digits and dots",
	    HDR "<a1.b-c_d xmlns:p1='urn:p'><p1:x.y p1:a-b='1'/></a1.b-c_d>"
	    END,
	    0,
	    OPEN "ELEM <{jabber:server}a1.b-c_d><{urn:p}x.y {urn:p}a-b=\"1\">"
	    "</></>\n" CLOSED },
	{ "default namespace is streams",
	    "<stream xmlns='" NS_STREAMS "'><error/></stream>",
	    0,
	    "OPEN <{" NS_STREAMS "}stream "
	    "{http://www.w3.org/2000/xmlns/}xmlns=\"" NS_STREAMS "\"></>\n"
	    "ELEM <{" NS_STREAMS "}error></>\n" CLOSED },
	{ "incomplete", HDR "<message><body>hel", 0, OPEN "MORE\n" },
};

/* Non-ASCII names: the expectation is built here, being long. */
static void
test_valid(void **state)
{
	struct xml_case cases[sizeof(valid_cases) / sizeof(valid_cases[0])];
	size_t i;

	(void)state;
	memcpy(cases, valid_cases, sizeof(cases));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(cases[i].name, "non-ascii names") == 0)
			cases[i].expect = OPEN "ELEM <{jabber:server}"
			    "\xc3\xa9l\xc3\xa8ve {urn:j}x\xc2\xb7=\"1\">"
			    "<{jabber:server}_a-b.c\xcc\x80></></>\n" CLOSED;
	CHECK_CASES(cases);
}

/* ---- not-well-formed ----------------------------------------------------- */

static const struct xml_case nwf_cases[] = {
	{ "mismatched end", HDR "<a></b>", 0, "ERROR not-well-formed" },
	{ "mismatched prefix", HDR "<p:a xmlns:p='u' xmlns:q='u'></q:a>", 0,
	    "ERROR not-well-formed" },
	{ "end of root inside stanza", HDR "<a>" END, 0,
	    "ERROR not-well-formed" },
	{ "root closed by wrong name", HDR "</stream>", 0,
	    "ERROR not-well-formed" },
	{ "duplicate attribute", HDR "<a b='1' b='2'/>", 0,
	    "ERROR not-well-formed" },
	{ "duplicate expanded attribute",
	    HDR "<a xmlns:x='u' xmlns:y='u' x:b='1' y:b='2'/>", 0,
	    "ERROR not-well-formed" },
	{ "duplicate declaration", HDR "<a xmlns:x='u' xmlns:x='u'/>", 0,
	    "ERROR not-well-formed" },
	{ "duplicate default declaration", HDR "<a xmlns='u' xmlns='u'/>", 0,
	    "ERROR not-well-formed" },
	{ "overlong 2", HDR "<a>\xc0\x80</a>", 0, "ERROR not-well-formed" },
	{ "overlong 2b", HDR "<a>\xc1\xbf</a>", 0, "ERROR not-well-formed" },
	{ "overlong 3", HDR "<a>\xe0\x9f\xbf</a>", 0,
	    "ERROR not-well-formed" },
	{ "overlong 4", HDR "<a>\xf0\x8f\xbf\xbf</a>", 0,
	    "ERROR not-well-formed" },
	{ "surrogate", HDR "<a>\xed\xa0\x80</a>", 0, "ERROR not-well-formed" },
	{ "surrogate in attribute", HDR "<a b='\xed\xbf\xbf'/>", 0,
	    "ERROR not-well-formed" },
	{ "past U+10FFFF", HDR "<a>\xf4\x90\x80\x80</a>", 0,
	    "ERROR not-well-formed" },
	{ "byte F5", HDR "<a>\xf5\x80\x80\x80</a>", 0,
	    "ERROR not-well-formed" },
	{ "byte FF", HDR "<a>\xff</a>", 0, "ERROR not-well-formed" },
	{ "lone continuation", HDR "<a>\x80</a>", 0, "ERROR not-well-formed" },
	{ "truncated sequence", HDR "<a>\xe2\x82</a>", 0,
	    "ERROR not-well-formed" },
	{ "U+FFFE", HDR "<a>\xef\xbf\xbe</a>", 0, "ERROR not-well-formed" },
	{ "U+FFFF", HDR "<a>\xef\xbf\xbf</a>", 0, "ERROR not-well-formed" },
	{ "control in text", HDR "<a>\x01</a>", 0, "ERROR not-well-formed" },
	{ "NUL in text", HDR "<a>x\0</a>", sizeof(HDR "<a>x\0</a>") - 1,
	    "ERROR not-well-formed" },
	{ "vertical tab", HDR "<a>\x0b</a>", 0, "ERROR not-well-formed" },
	{ "control in attribute", HDR "<a b='\x1f'/>", 0,
	    "ERROR not-well-formed" },
	{ "control between stanzas", HDR "\x0c", 0,
	    "ERROR not-well-formed" },
	{ "reference to NUL", HDR "<a>&#0;</a>", 0, "ERROR not-well-formed" },
	{ "reference to control", HDR "<a>&#x1;</a>", 0,
	    "ERROR not-well-formed" },
	{ "reference to surrogate", HDR "<a>&#xD800;</a>", 0,
	    "ERROR not-well-formed" },
	{ "reference to FFFE", HDR "<a>&#xFFFE;</a>", 0,
	    "ERROR not-well-formed" },
	{ "reference past 10FFFF", HDR "<a>&#x110000;</a>", 0,
	    "ERROR not-well-formed" },
	{ "huge reference", HDR "<a>&#99999999999999999999999;</a>", 0,
	    "ERROR not-well-formed" },
	{ "huge hex reference", HDR "<a b='&#xffffffffffffff41;'/>", 0,
	    "ERROR not-well-formed" },
	{ "empty reference", HDR "<a>&#;</a>", 0, "ERROR not-well-formed" },
	{ "empty hex reference", HDR "<a>&#x;</a>", 0,
	    "ERROR not-well-formed" },
	{ "bad digit", HDR "<a>&#12a;</a>", 0, "ERROR not-well-formed" },
	{ "upper X", HDR "<a>&#X41;</a>", 0, "ERROR not-well-formed" },
	{ "bare ampersand", HDR "<a>a & b</a>", 0, "ERROR not-well-formed" },
	{ "unterminated entity", HDR "<a>&amp </a>", 0,
	    "ERROR not-well-formed" },
	{ "ampersand in attribute", HDR "<a b='&'/>", 0,
	    "ERROR not-well-formed" },
	{ "less-than in attribute", HDR "<a b='<'/>", 0,
	    "ERROR not-well-formed" },
	{ "unquoted attribute", HDR "<a b=c/>", 0, "ERROR not-well-formed" },
	{ "attribute without value", HDR "<a b/>", 0,
	    "ERROR not-well-formed" },
	{ "attributes not separated", HDR "<a b='1'c='2'/>", 0,
	    "ERROR not-well-formed" },
	{ "cdata end in text", HDR "<a>x]]>y</a>", 0,
	    "ERROR not-well-formed" },
	{ "cdata end after brackets", HDR "<a>]]]>", 0,
	    "ERROR not-well-formed" },
	{ "name starts with digit", HDR "<1a/>", 0, "ERROR not-well-formed" },
	{ "name starts with dash", HDR "<-a/>", 0, "ERROR not-well-formed" },
	{ "space before name", HDR "< a/>", 0, "ERROR not-well-formed" },
	{ "colon first", HDR "<:a/>", 0, "ERROR not-well-formed" },
	{ "colon last", HDR "<a:/>", 0, "ERROR not-well-formed" },
	{ "two colons", HDR "<a:b:c xmlns:a='u'/>", 0,
	    "ERROR not-well-formed" },
	{ "local part starts with digit", HDR "<a:1b xmlns:a='u'/>", 0,
	    "ERROR not-well-formed" },
	{ "attribute two colons", HDR "<a x:y:z='1'/>", 0,
	    "ERROR not-well-formed" },
	{ "non-name start char", HDR "<\xc3\x97/>", 0,
	    "ERROR not-well-formed" },
	{ "combining mark first", HDR "<\xcc\x80/>", 0,
	    "ERROR not-well-formed" },
	{ "non-name char", HDR "<a\xcd\xbe/>", 0, "ERROR not-well-formed" },
	{ "middle dot after colon", HDR "<a:\xc2\xb7 xmlns:a='u'/>", 0,
	    "ERROR not-well-formed" },
	{ "declares xmlns", HDR "<a xmlns:xmlns='urn:x'/>", 0,
	    "ERROR not-well-formed" },
	{ "rebinds xml", HDR "<a xmlns:xml='urn:x'/>", 0,
	    "ERROR not-well-formed" },
	{ "binds xml namespace", HDR "<a xmlns:x='http://www.w3.org/XML/1998/"
	    "namespace'/>", 0, "ERROR not-well-formed" },
	{ "default xml namespace", HDR "<a xmlns='http://www.w3.org/XML/1998/"
	    "namespace'/>", 0, "ERROR not-well-formed" },
	{ "binds xmlns namespace",
	    HDR "<a xmlns:x='http://www.w3.org/2000/xmlns/'/>", 0,
	    "ERROR not-well-formed" },
	{ "undeclares prefix", HDR "<a xmlns:x=''/>", 0,
	    "ERROR not-well-formed" },
	{ "element prefix xmlns", HDR "<xmlns:a/>", 0,
	    "ERROR not-well-formed" },
	{ "text before root", "x" HDR, 0, "ERROR not-well-formed" },
	{ "declaration after space", " <?xml version='1.0'?>" HDR, 0,
	    "ERROR not-well-formed" },
	{ "declaration without version", "<?xml encoding='UTF-8'?>" HDR, 0,
	    "ERROR not-well-formed" },
	{ "declaration out of order",
	    "<?xml encoding='UTF-8' version='1.0'?>" HDR, 0,
	    "ERROR not-well-formed" },
	{ "declaration bad standalone",
	    "<?xml version='1.0' standalone='maybe'?>" HDR, 0,
	    "ERROR not-well-formed" },
	{ "declaration mixed quotes", "<?xml version='1.0\"?>" HDR, 0,
	    "ERROR not-well-formed" },
	{ "element after close", HDR END "<a/>", 0,
	    "ERROR not-well-formed" },
	{ "text after close", HDR END "x", 0, "ERROR not-well-formed" },
	{ "slash space", HDR "<a / >", 0, "ERROR not-well-formed" },
	{ "doctype inside", HDR "<a><!DOCTYPE a></a>", 0,
	    "ERROR not-well-formed" },
	{ "bang garbage", HDR "<a><!x></a>", 0, "ERROR not-well-formed" },
	{ "end tag attribute", HDR "<a></a b='1'>", 0,
	    "ERROR not-well-formed" },
};

static void
test_not_well_formed(void **state)
{
	(void)state;
	CHECK_CASES(nwf_cases);
}

/* ---- restricted-xml ------------------------------------------------------ */

static const struct xml_case restricted_cases[] = {
	{ "comment in prolog", "<!-- hi -->" HDR, 0, "ERROR restricted-xml" },
	{ "comment after declaration", "<?xml version='1.0'?><!---->" HDR, 0,
	    "ERROR restricted-xml" },
	{ "comment between stanzas", HDR "<!-- x -->", 0,
	    "ERROR restricted-xml" },
	{ "comment in stanza", HDR "<a><!-- x --></a>", 0,
	    "ERROR restricted-xml" },
	{ "pi in prolog", "<?foo bar?>" HDR, 0, "ERROR restricted-xml" },
	{ "pi xml-stylesheet", "<?xml-stylesheet href='x'?>" HDR, 0,
	    "ERROR restricted-xml" },
	{ "pi xm", "<?xm?>" HDR, 0, "ERROR restricted-xml" },
	{ "pi between stanzas", HDR "<?foo?>", 0, "ERROR restricted-xml" },
	{ "pi in stanza", HDR "<a><?foo?></a>", 0, "ERROR restricted-xml" },
	{ "declaration in stanza", HDR "<a><?xml version='1.0'?></a>", 0,
	    "ERROR restricted-xml" },
	{ "doctype", "<!DOCTYPE stream>" HDR, 0, "ERROR restricted-xml" },
	{ "doctype with subset",
	    "<?xml version='1.0'?><!DOCTYPE s [<!ENTITY x 'y'>]>" HDR, 0,
	    "ERROR restricted-xml" },
	{ "entity in text", HDR "<a>&nbsp;</a>", 0, "ERROR restricted-xml" },
	{ "entity in attribute", HDR "<a b='&x;'/>", 0,
	    "ERROR restricted-xml" },
	{ "entity like predefined", HDR "<a>&ltx;</a>", 0,
	    "ERROR restricted-xml" },
	{ "entity upper case", HDR "<a>&LT;</a>", 0, "ERROR restricted-xml" },
	{ "entity in root attribute",
	    "<stream:stream xmlns:stream='" NS_STREAMS "' to='&x;'>", 0,
	    "ERROR restricted-xml" },
	{ "text between stanzas", HDR " x ", 0, "ERROR restricted-xml" },
	{ "reference between stanzas", HDR "&amp;", 0,
	    "ERROR restricted-xml" },
	{ "cdata between stanzas", HDR "<![CDATA[x]]>", 0,
	    "ERROR restricted-xml" },
	{ "xml 1.1", "<?xml version='1.1'?>" HDR, 0, "ERROR restricted-xml" },
};

static void
test_restricted(void **state)
{
	(void)state;
	CHECK_CASES(restricted_cases);
}

/* ---- namespaces, encodings ----------------------------------------------- */

static const struct xml_case ns_cases[] = {
	{ "root in wrong namespace",
	    "<stream:stream xmlns:stream='urn:wrong'>", 0,
	    "ERROR invalid-namespace" },
	{ "root with wrong name",
	    "<stream:foo xmlns:stream='" NS_STREAMS "'>", 0,
	    "ERROR invalid-namespace" },
	{ "root in content namespace", "<stream xmlns='jabber:server'>", 0,
	    "ERROR invalid-namespace" },
	{ "root without namespace", "<stream>", 0,
	    "ERROR invalid-namespace" },
	{ "root prefix undeclared", "<stream:stream xmlns='jabber:server'>",
	    0, "ERROR bad-namespace-prefix" },
	{ "element prefix undeclared", HDR "<a><foo:bar/></a>", 0,
	    "ERROR bad-namespace-prefix" },
	{ "attribute prefix undeclared", HDR "<a foo:b='1'/>", 0,
	    "ERROR bad-namespace-prefix" },
	{ "prefix out of scope",
	    HDR "<a><b xmlns:p='u'/><p:c/></a>", 0,
	    "ERROR bad-namespace-prefix" },
	{ "prefix of previous stanza",
	    HDR "<a xmlns:p='u'/><p:a/>", 0, "ERROR bad-namespace-prefix" },
	{ "encoding latin-1",
	    "<?xml version='1.0' encoding='ISO-8859-1'?>" HDR, 0,
	    "ERROR unsupported-encoding" },
	{ "encoding utf-16", "<?xml version='1.0' encoding=\"UTF-16\"?>" HDR,
	    0, "ERROR unsupported-encoding" },
	{ "encoding utf8", "<?xml version='1.0' encoding='utf8'?>" HDR, 0,
	    "ERROR unsupported-encoding" },
	{ "utf-16 bom", "\xfe\xff\0<", 4, "ERROR unsupported-encoding" },
	{ "utf-16le bom", "\xff\xfe<\0", 4, "ERROR unsupported-encoding" },
	{ "utf-16 without bom", "\0<\0?", 4, "ERROR unsupported-encoding" },
};

static void
test_namespaces_encodings(void **state)
{
	(void)state;
	CHECK_CASES(ns_cases);
}

static void
test_error_names(void **state)
{
	(void)state;
	assert_string_equal(xml_error_name(XML_ERR_NOT_WELL_FORMED),
	    "not-well-formed");
	assert_string_equal(xml_error_name(XML_ERR_RESTRICTED_XML),
	    "restricted-xml");
	assert_string_equal(xml_error_name(XML_ERR_INVALID_NAMESPACE),
	    "invalid-namespace");
	assert_string_equal(xml_error_name(XML_ERR_BAD_NAMESPACE_PREFIX),
	    "bad-namespace-prefix");
	assert_string_equal(xml_error_name(XML_ERR_UNSUPPORTED_ENCODING),
	    "unsupported-encoding");
	assert_string_equal(xml_error_name(XML_ERR_POLICY_VIOLATION),
	    "policy-violation");
	assert_string_equal(xml_error_name(XML_ERR_INTERNAL),
	    "internal-server-error");
	assert_string_equal(xml_error_name(XML_ERR_NONE),
	    "undefined-condition");
}

/*
 * Every element of every valid case, serialized and parsed again inside a
 * stream with the same content namespace, gives the same tree.
 */
static void
test_reserialize(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++) {
		const struct xml_case *c = &valid_cases[i];
		struct xml_parser *x = xml_new(&lim_default), *y;
		const char *in = c->in, *content;
		size_t len = strlen(in), used, n;
		struct dump d1 = { 0 }, d2 = { 0 };
		enum xml_event ev;
		char buf[4096];

		while ((ev = xml_parse(x, in, len, &used)) != XML_NEED_MORE &&
		    ev != XML_ERROR) {
			in += used;
			len -= used;
			if (ev != XML_ELEMENT)
				continue;
			content = stanza_attr(xml_stream_root(x),
			    STANZA_NS_XMLNS, "xmlns");
			if (content == NULL)
				content = "";
			n = (size_t)snprintf(buf, sizeof(buf),
			    "<s:stream xmlns:s='" NS_STREAMS "' xmlns='%s'>",
			    content);
			n += stanza_serialize(xml_element(x), content,
			    buf + n, sizeof(buf) - n);
			assert_true(n < sizeof(buf));
			y = xml_new(&lim_default);
			assert_int_equal(xml_parse(y, buf, n, &used),
			    XML_STREAM_OPEN);
			assert_int_equal(xml_parse(y, buf + used, n - used,
			    &used), XML_ELEMENT);
			d1.len = d2.len = 0;
			dump_tree(&d1, xml_element(x));
			dump_tree(&d2, xml_element(y));
			assert_string_equal(d1.s, d2.s);
			xml_free(y);
		}
		assert_int_not_equal(ev, XML_ERROR);
		free(d1.s);
		free(d2.s);
		xml_free(x);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_not_well_formed),
		cmocka_unit_test(test_restricted),
		cmocka_unit_test(test_namespaces_encodings),
		cmocka_unit_test(test_error_names),
		cmocka_unit_test(test_reserialize),
	};

	return cmocka_run_group_tests_name("xml", tests, NULL, NULL);
}
