/*
 * Differential tests of the XML tokenizer against libxml2 over the corpus
 * in tests/unit/xml-corpus (XEDGE_XML_CORPUS overrides the path), one test
 * per file:
 *  - valid/NAME.xml: both accept; the stream root and every top-level
 *    element are the same tree in both (names, namespaces, attributes,
 *    text); and each element as xedge serializes it, read by libxml2 alone,
 *    is again that tree. The tokenizer gives the same trees fed whole, one
 *    byte at a time and (for small files) split in two anywhere.
 *  - invalid/CONDITION--NAME.xml: xedge fails with stream error CONDITION
 *    however the file is split. libxml2 must reject it too, unless
 *    CONDITION is one XMPP adds to XML (restricted-xml, invalid-namespace,
 *    unsupported-encoding), which libxml2 may accept.
 * libxml2 reads with XML_PARSE_NONET and without entity substitution or
 * DTD loading, and CDATA merged into text (XML_PARSE_NOCDATA).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* libxml2 has enumerators named as two of xml.h's: renamed here, unused. */
#define XML_ERR_NONE LIBXML2_XML_ERR_NONE
#define XML_ERR_UNSUPPORTED_ENCODING LIBXML2_XML_ERR_UNSUPPORTED_ENCODING
#include <libxml/parser.h>
#include <libxml/tree.h>
#undef XML_ERR_NONE
#undef XML_ERR_UNSUPPORTED_ENCODING

#include "test_xml_dump.h"

#define DIFF_MAX_FILE (1 << 20)
#define DIFF_SPLIT_MAX 4096

static const struct xml_limits diff_limits = { 65536, 64, 64, 0 };

struct diff_file {
	char path[1024];
	char name[256];		/* "valid/NAME" or "invalid/COND--NAME" */
	const char *base;	/* NAME or COND--NAME */
	int valid;
};

static char *
diff_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(DIFF_MAX_FILE);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, DIFF_MAX_FILE, f);
	assert_true(*len < DIFF_MAX_FILE);
	fclose(f);
	return buf;
}

/* Reads BUF with libxml2; returns the document if it is well-formed and
 * namespace-well-formed, else NULL. */
static xmlDoc *
diff_libxml2(const char *buf, size_t len)
{
	xmlParserCtxt *ctxt = xmlNewParserCtxt();
	xmlDoc *doc;

	assert_non_null(ctxt);
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, "corpus.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc != NULL && (!ctxt->wellFormed || !ctxt->nsWellFormed)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* Dumps a libxml2 element in dump_tree's form: attributes in document
 * order, namespace declarations (for the stream root, KEEP_DECLS) among
 * them as xedge keeps them, adjacent text merged. */
static void
diff_dump_xml(struct dump *d, xmlNode *e, int keep_decls)
{
	xmlNs *ns;
	xmlAttr *a;
	xmlNode *c;
	xmlChar *v;
	struct dump text = { 0 };

	dump_str(d, "<{");
	dump_str(d, e->ns ? (const char *)e->ns->href : "");
	dump_str(d, "}");
	dump_str(d, (const char *)e->name);
	for (ns = keep_decls ? e->nsDef : NULL; ns != NULL; ns = ns->next) {
		dump_str(d, " {http://www.w3.org/2000/xmlns/}");
		dump_str(d, ns->prefix ? (const char *)ns->prefix : "xmlns");
		dump_str(d, "=");
		dump_quoted(d, (const char *)ns->href,
		    strlen((const char *)ns->href));
	}
	for (a = e->properties; a != NULL; a = a->next) {
		dump_str(d, " {");
		dump_str(d, a->ns ? (const char *)a->ns->href : "");
		dump_str(d, "}");
		dump_str(d, (const char *)a->name);
		dump_str(d, "=");
		v = xmlNodeGetContent((xmlNode *)a);
		dump_quoted(d, (const char *)v, strlen((const char *)v));
		xmlFree(v);
	}
	dump_str(d, ">");
	dump_str(&text, "");
	for (c = keep_decls ? NULL : e->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE) {
			dump_str(&text, (const char *)c->content);
			continue;
		}
		assert_int_equal(c->type, XML_ELEMENT_NODE);
		if (text.len > 0) {
			dump_quoted(d, text.s, text.len);
			text.len = 0;
		}
		diff_dump_xml(d, c, 0);
	}
	if (text.len > 0)
		dump_quoted(d, text.s, text.len);
	free(text.s);
	dump_str(d, "</>");
}

/*
 * The stream root's declarations come first in libxml2's dump and among
 * the attributes in xedge's; this puts xedge's root dump in libxml2's
 * order by dumping declarations, then the rest.
 */
static void
diff_dump_root(struct dump *d, const struct stanza_node *root)
{
	struct stanza_node copy = *root;
	struct stanza_attr *a, decls[64], rest[64], **dt, **rt;
	size_t nd = 0, nr = 0;

	dt = &copy.attrs;
	for (a = root->attrs; a != NULL; a = a->next) {
		assert_true(nd < 64 && nr < 64);
		if (strcmp(a->ns, STANZA_NS_XMLNS) == 0)
			decls[nd++] = *a;
		else
			rest[nr++] = *a;
	}
	for (size_t i = 0; i < nd; i++) {
		*dt = &decls[i];
		dt = &decls[i].next;
	}
	rt = dt;
	for (size_t i = 0; i < nr; i++) {
		*rt = &rest[i];
		rt = &rest[i].next;
	}
	*rt = NULL;
	dump_tree(d, &copy);
}

/* The transcript libxml2's tree implies, in xml_transcript's form. */
static char *
diff_expected(xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc), *c;
	struct dump d = { 0 };

	dump_str(&d, "OPEN ");
	diff_dump_xml(&d, root, 1);
	dump_str(&d, "\n");
	for (c = root->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		dump_str(&d, "ELEM ");
		diff_dump_xml(&d, c, 0);
		dump_str(&d, "\n");
	}
	dump_str(&d, "CLOSE\nMORE\n");
	return d.s;
}

/*
 * Parses BUF with xedge (whole); rewrites the OPEN line with the root's
 * declarations first; and checks that every element, serialized alone,
 * reads back in libxml2 as the same tree.
 */
static char *
diff_xedge(const char *buf, size_t len)
{
	struct xml_parser *x = xml_new(&diff_limits);
	struct dump d = { 0 }, e1 = { 0 }, e2 = { 0 };
	size_t used, n;
	enum xml_event ev;
	char *out;
	xmlDoc *doc;

	out = malloc(DIFF_MAX_FILE * 2);
	assert_non_null(out);
	while ((ev = xml_parse(x, buf, len, &used)) != XML_NEED_MORE) {
		buf += used;
		len -= used;
		if (ev == XML_ERROR) {
			dump_str(&d, "ERROR ");
			dump_str(&d, xml_error_name(xml_error_condition(x)));
			dump_str(&d, "\n");
			break;
		}
		if (ev == XML_STREAM_OPEN) {
			dump_str(&d, "OPEN ");
			diff_dump_root(&d, xml_stream_root(x));
		} else if (ev == XML_ELEMENT) {
			dump_str(&d, "ELEM ");
			dump_tree(&d, xml_element(x));
			n = stanza_serialize(xml_element(x), "", out,
			    DIFF_MAX_FILE * 2);
			assert_true(n < DIFF_MAX_FILE * 2);
			doc = diff_libxml2(out, n);
			if (doc == NULL)
				fail_msg("libxml2 rejects serialized %.*s",
				    (int)n, out);
			e1.len = e2.len = 0;
			dump_tree(&e1, xml_element(x));
			diff_dump_xml(&e2, xmlDocGetRootElement(doc), 0);
			if (strcmp(e1.s, e2.s) != 0)
				fail_msg("serialized %.*s\nreads as %s\nnot %s",
				    (int)n, out, e2.s, e1.s);
			xmlFreeDoc(doc);
		} else {
			dump_str(&d, "CLOSE");
		}
		dump_str(&d, "\n");
	}
	if (ev == XML_NEED_MORE)
		dump_str(&d, "MORE\n");
	free(e1.s);
	free(e2.s);
	free(out);
	xml_free(x);
	return d.s;
}

/* Checks that xedge's transcript of BUF is WHOLE however BUF is split. */
static void
diff_splits(const struct diff_file *f, const char *buf, size_t len,
    const char *whole)
{
	size_t k;
	char *t;

	t = xml_transcript(buf, len, &diff_limits, 0, 1);
	if (strcmp(t, whole) != 0)
		fail_msg("%s: byte at a time:\n%s\nwhole:\n%s", f->name, t,
		    whole);
	free(t);
	for (k = 1; len <= DIFF_SPLIT_MAX && k < len; k++) {
		t = xml_transcript(buf, len, &diff_limits, k, len);
		if (strcmp(t, whole) != 0)
			fail_msg("%s: split at %zu:\n%s\nwhole:\n%s", f->name,
			    k, t, whole);
		free(t);
	}
}

static void
diff_valid(const struct diff_file *f, const char *buf, size_t len)
{
	char *ours, *want, *whole;
	xmlDoc *doc;

	if ((doc = diff_libxml2(buf, len)) == NULL)
		fail_msg("%s: libxml2 rejects a valid file", f->name);
	want = diff_expected(doc);
	xmlFreeDoc(doc);
	ours = diff_xedge(buf, len);
	if (strcmp(ours, want) != 0)
		fail_msg("%s: xedge:\n%s\nlibxml2:\n%s", f->name, ours, want);
	whole = xml_transcript(buf, len, &diff_limits, len, len);
	diff_splits(f, buf, len, whole);
	free(whole);
	free(ours);
	free(want);
}

static void
diff_invalid(const struct diff_file *f, const char *buf, size_t len)
{
	const char *sep = strstr(f->base, "--");
	char want[64], *whole, *end;
	xmlDoc *doc;
	int xmpp_only;

	assert_non_null(sep);
	snprintf(want, sizeof(want), "ERROR %.*s\n", (int)(sep - f->base),
	    f->base);
	whole = xml_transcript(buf, len, &diff_limits, len, len);
	end = whole + strlen(whole) - strlen(want);
	if (end < whole || strcmp(end, want) != 0)
		fail_msg("%s: expected %sgot:\n%s", f->name, want, whole);
	diff_splits(f, buf, len, whole);
	free(whole);
	xmpp_only = strstr(want, "restricted-xml") != NULL ||
	    strstr(want, "invalid-namespace") != NULL ||
	    strstr(want, "unsupported-encoding") != NULL;
	if ((doc = diff_libxml2(buf, len)) != NULL) {
		xmlFreeDoc(doc);
		if (!xmpp_only)
			fail_msg("%s: libxml2 accepts it", f->name);
	}
}

static void
test_corpus_file(void **state)
{
	const struct diff_file *f = *state;
	size_t len;
	char *buf = diff_read(f->path, &len);

	if (f->valid)
		diff_valid(f, buf, len);
	else
		diff_invalid(f, buf, len);
	free(buf);
}

static int
diff_cmp(const void *a, const void *b)
{
	return strcmp(((const struct CMUnitTest *)a)->name,
	    ((const struct CMUnitTest *)b)->name);
}

/* Adds a test per .xml file in DIR/SUB to TESTS (room for MAX). */
static size_t
diff_scan(const char *dir, const char *sub, int valid,
    struct CMUnitTest *tests, size_t n, size_t max)
{
	char path[512];
	struct dirent *de;
	struct diff_file *f;
	DIR *d;
	size_t l;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "test_xml_diff: %s: cannot open\n", path);
		exit(1);
	}
	while ((de = readdir(d)) != NULL && n < max) {
		l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".xml") != 0)
			continue;
		if ((f = calloc(1, sizeof(*f))) == NULL)
			exit(1);
		if ((size_t)snprintf(f->path, sizeof(f->path), "%s/%s", path,
		    de->d_name) >= sizeof(f->path) ||
		    (size_t)snprintf(f->name, sizeof(f->name), "%s/%.*s", sub,
		    (int)(l - 4), de->d_name) >= sizeof(f->name))
			exit(1);
		f->base = f->name + strlen(sub) + 1;
		f->valid = valid;
		tests[n++] = (struct CMUnitTest){ f->name, test_corpus_file,
		    NULL, NULL, f };
	}
	closedir(d);
	return n;
}

int
main(void)
{
	static struct CMUnitTest tests[1024];
	const char *dir = getenv("XEDGE_XML_CORPUS");
	size_t n;

	if (dir == NULL)
		dir = "tests/unit/xml-corpus";
	n = diff_scan(dir, "valid", 1, tests, 0, 1024);
	n = diff_scan(dir, "invalid", 0, tests, n, 1024);
	qsort(tests, n, sizeof(tests[0]), diff_cmp);
	return _cmocka_run_group_tests("xml_diff", tests, n, NULL, NULL);
}
