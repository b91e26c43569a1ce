/*
 * Unit tests for the XML tokenizer. Every case is fed whole, split in two
 * at every byte offset, and one byte at a time; every way must give the
 * same events and the same trees. Valid cases check the exact trees, and
 * invalid cases the exact stream error condition.
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

#define NS_STREAMS "http://etherx.jabber.org/streams"
#define HDR "<stream:stream xmlns='jabber:server' " \
	"xmlns:stream='" NS_STREAMS "'>"
#define OPEN "OPEN <{" NS_STREAMS "}stream " \
	"{http://www.w3.org/2000/xmlns/}xmlns=\"jabber:server\" " \
	"{http://www.w3.org/2000/xmlns/}stream=\"" NS_STREAMS "\"></>\n"
#define END "</stream:stream>"
#define CLOSED "CLOSE\nMORE\n"

struct xml_case {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *expect;	/* the transcript, or "ERROR cond" at its end */
};

static const struct xml_limits lim_default = { 4096, 16, 16, 0 };

/*
 * Runs case C every way it can be split and checks each transcript
 * against the whole-input one and that one against C's expectation.
 */
static void
check_case_limits(const struct xml_case *c, const struct xml_limits *lim)
{
	size_t len = c->len ? c->len : strlen(c->in), k, el;
	char *whole, *t;

	whole = xml_transcript(c->in, len, lim, len, len);
	if (strncmp(c->expect, "ERROR ", 6) == 0) {
		el = strlen(c->expect);
		t = whole + strlen(whole) - el - 1;
		if (strlen(whole) < el + 1 || strncmp(t, c->expect, el) != 0 ||
		    strcmp(t + el, "\n") != 0)
			fail_msg("%s: expected %s, got:\n%s", c->name,
			    c->expect, whole);
	} else if (strcmp(whole, c->expect) != 0) {
		fail_msg("%s: expected:\n%s\ngot:\n%s", c->name, c->expect,
		    whole);
	}
	for (k = 0; k <= len; k++) {
		t = xml_transcript(c->in, len, lim, k, len);
		if (strcmp(t, whole) != 0)
			fail_msg("%s: split at %zu:\n%s\nwhole:\n%s", c->name,
			    k, t, whole);
		free(t);
	}
	t = xml_transcript(c->in, len, lim, 0, 1);
	if (strcmp(t, whole) != 0)
		fail_msg("%s: byte at a time:\n%s\nwhole:\n%s", c->name, t,
		    whole);
	free(t);
	free(whole);
}

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
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_lower_max_stanza),
		cmocka_unit_test(test_raise_max_stanza),
		cmocka_unit_test(test_max_memory),
		cmocka_unit_test(test_memory_counted),
		cmocka_unit_test(test_cdata_sections),
		cmocka_unit_test(test_lifetimes),
		cmocka_unit_test(test_error_names),
		cmocka_unit_test(test_reserialize),
	};

	return cmocka_run_group_tests_name("xml", tests, NULL, NULL);
}
