/*
 * libFuzzer target for the XML tokenizer. For each input (a stream as a
 * peer would send it) it checks, aborting on any difference:
 *  - the events and trees are the same fed whole, split in two, and in
 *    small chunks (split points derived from the input itself, so that the
 *    seed corpus can be plain XML files);
 *  - every element, serialized and parsed again in a stream with the same
 *    content namespace, is the same tree, and so is its deep copy;
 *  - the stream root, serialized with stanza_serialize_open, opens a
 *    stream with the same name, namespace and attributes.
 * AddressSanitizer and UndefinedBehaviorSanitizer do the rest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "test_xml_dump.h"


static const struct xml_limits fuzz_limits = { 4096, 16, 16, 0 };
/* Re-serialized elements may be longer (escapes) and carry more
 * declarations (prefixes declared where used) than the originals. */
static const struct xml_limits fuzz_relimits = { 65536, 16, 64, 0 };

/* Dumps a stream root without its namespace declarations, which the
 * serializer may choose differently, but with its content namespace. */
static void
fuzz_dump_root(struct dump *d, const struct stanza_node *root)
{
	struct stanza_node copy = *root;
	const struct stanza_attr *a;
	const char *content;
	struct arena ar = { 0 };

	copy.attrs = NULL;
	for (a = root->attrs; a != NULL; a = a->next)
		if (strcmp(a->ns, STANZA_NS_XMLNS) != 0)
			fuzz_check(stanza_set_attr(&ar, &copy, a->ns, a->name,
			    a->value) == 0, "out of memory");
	dump_tree(d, &copy);
	content = stanza_attr(root, STANZA_NS_XMLNS, "xmlns");
	dump_str(d, content != NULL ? content : "(none)");
	arena_free(&ar);
}

/* Serializes element E under CONTENT, parses it again and compares. */
static void
fuzz_reparse(const struct stanza_node *e, const char *content)
{
	static char buf[1 << 18];
	struct xml_parser *y = xml_new(&fuzz_relimits);
	struct dump d1 = { 0 }, d2 = { 0 };
	struct arena a = { 0 };
	size_t n, m, used;

	n = (size_t)snprintf(buf, sizeof(buf), "<s:stream xmlns:s='"
	    STANZA_NS_STREAMS "' xmlns='");
	n += stanza_escape(content, strlen(content), buf + n,
	    sizeof(buf) - n);
	fuzz_check(n < sizeof(buf) - 2, "header too long");
	buf[n++] = '\'';
	buf[n++] = '>';
	m = stanza_serialize(e, content, buf + n, sizeof(buf) - n);
	fuzz_check(m <= sizeof(buf) - n, "element too long");
	n += m;
	fuzz_check(xml_parse(y, buf, n, &used) == XML_STREAM_OPEN,
	    "header of re-serialized element");
	fuzz_check(xml_parse(y, buf + used, n - used, &used) == XML_ELEMENT,
	    "re-serialized element does not parse");
	dump_tree(&d1, e);
	dump_tree(&d2, xml_element(y));
	fuzz_check(strcmp(d1.s, d2.s) == 0, "re-serialized element differs");
	d2.len = 0;
	dump_tree(&d2, stanza_copy(&a, e));
	fuzz_check(strcmp(d1.s, d2.s) == 0, "copy differs");
	free(d1.s);
	free(d2.s);
	arena_free(&a);
	xml_free(y);
}

/* Serializes the stream root, parses it again and compares. */
static void
fuzz_reopen(const struct stanza_node *root)
{
	static char buf[1 << 16];
	struct xml_parser *y = xml_new(&fuzz_relimits);
	struct dump d1 = { 0 }, d2 = { 0 };
	size_t n, used;

	n = stanza_serialize_open(root, buf, sizeof(buf));
	fuzz_check(n <= sizeof(buf), "root too long");
	fuzz_check(xml_parse(y, buf, n, &used) == XML_STREAM_OPEN &&
	    used == n, "re-serialized root does not open a stream");
	fuzz_dump_root(&d1, root);
	fuzz_dump_root(&d2, xml_stream_root(y));
	fuzz_check(strcmp(d1.s, d2.s) == 0, "re-serialized root differs");
	free(d1.s);
	free(d2.s);
	xml_free(y);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct xml_parser *x;
	size_t i, sum = 0, used, off = 0;
	const char *content;
	enum xml_event ev;
	char *whole, *t;

	for (i = 0; i < size; i++)
		sum += data[i];
	whole = xml_transcript(in, size, &fuzz_limits, size, size);
	t = xml_transcript(in, size, &fuzz_limits, sum % (size + 1), size);
	fuzz_check(strcmp(whole, t) == 0, "split in two differs");
	free(t);
	t = xml_transcript(in, size, &fuzz_limits, 0, 1 + sum % 7);
	fuzz_check(strcmp(whole, t) == 0, "small chunks differ");
	free(t);
	free(whole);

	x = xml_new(&fuzz_limits);
	while ((ev = xml_parse(x, in + off, size - off, &used)) !=
	    XML_NEED_MORE && ev != XML_ERROR) {
		off += used;
		if (ev == XML_STREAM_OPEN)
			fuzz_reopen(xml_stream_root(x));
		if (ev != XML_ELEMENT)
			continue;
		content = stanza_attr(xml_stream_root(x), STANZA_NS_XMLNS,
		    "xmlns");
		fuzz_reparse(xml_element(x), content != NULL ? content : "");
	}
	xml_free(x);
	return 0;
}
