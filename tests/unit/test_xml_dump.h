/*
 * Test helpers shared by the tokenizer's tests: a canonical dump of a stanza
 * tree, and a transcript of the events a parser gives for an input fed in
 * chunks. Each chunk is a fresh heap copy freed right after the call that
 * reads it, so that AddressSanitizer catches a parser keeping pointers into
 * input it reported as consumed.
 */
#ifndef XEDGE_TEST_XML_DUMP_H
#define XEDGE_TEST_XML_DUMP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stanza.h"
#include "xml.h"

/* A growing string. */
struct dump {
	char *s;
	size_t len, cap;
};

static inline void
dump_add(struct dump *d, const char *s, size_t n)
{
	if (d->len + n + 1 > d->cap) {
		d->cap = (d->len + n + 1) * 2;
		d->s = realloc(d->s, d->cap);
		if (d->s == NULL)
			abort();
	}
	memcpy(d->s + d->len, s, n);
	d->len += n;
	d->s[d->len] = '\0';
}

static inline void
dump_str(struct dump *d, const char *s)
{
	dump_add(d, s, strlen(s));
}

/* Quotes S[0..n) with C-like escapes for anything unprintable. */
static inline void
dump_quoted(struct dump *d, const char *s, size_t n)
{
	char hex[8];
	size_t i;

	dump_add(d, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			dump_str(d, hex);
		} else {
			dump_add(d, s + i, 1);
		}
	}
	dump_add(d, "\"", 1);
}

/* Dumps a tree as <{ns}name {ns}attr="v"...>children</>, text quoted. */
static inline void
dump_tree(struct dump *d, const struct stanza_node *e)
{
	const struct stanza_attr *a;
	const struct stanza_node *c;

	if (e->kind == STANZA_TEXT) {
		dump_quoted(d, e->text, e->text_len);
		return;
	}
	dump_str(d, "<{");
	dump_str(d, e->ns);
	dump_str(d, "}");
	dump_str(d, e->name);
	for (a = e->attrs; a != NULL; a = a->next) {
		dump_str(d, " {");
		dump_str(d, a->ns);
		dump_str(d, "}");
		dump_str(d, a->name);
		dump_str(d, "=");
		dump_quoted(d, a->value, a->value_len);
	}
	dump_str(d, ">");
	for (c = e->children; c != NULL; c = c->next)
		dump_tree(d, c);
	dump_str(d, "</>");
}

/*
 * Feeds IN[0..len) to a parser with LIMITS: the first chunk is FIRST bytes
 * (0: none), the rest in chunks of STEP. Returns the transcript (caller
 * frees): one line per event, "MORE" when the input ends inside the
 * stream, and "CLOSE" / "ERROR condition" ends it.
 */
static inline char *
xml_transcript(const char *in, size_t len, const struct xml_limits *limits,
    size_t first, size_t step)
{
	struct xml_parser *x = xml_new(limits);
	struct dump d = { 0 };
	size_t off = 0, avail = first < len ? first : len, used;
	enum xml_event ev = XML_NEED_MORE;
	char *chunk;

	if (x == NULL)
		abort();
	dump_str(&d, "");
	for (;;) {
		/* After an event, the rest (even none) is fed again. */
		if (avail == off && ev == XML_NEED_MORE) {
			if (avail == len) {
				dump_str(&d, "MORE\n");
				break;
			}
			avail = avail + step < len ? avail + step : len;
		}
		if ((chunk = malloc(avail - off + 1)) == NULL)
			abort();
		memcpy(chunk, in + off, avail - off);
		ev = xml_parse(x, chunk, avail - off, &used);
		free(chunk);
		if (used > avail - off)
			abort();
		off += used;
		if (ev == XML_NEED_MORE) {
			if (off != avail)
				abort();
			continue;
		}
		if (ev == XML_STREAM_OPEN) {
			dump_str(&d, "OPEN ");
			dump_tree(&d, xml_stream_root(x));
		} else if (ev == XML_ELEMENT) {
			dump_str(&d, "ELEM ");
			dump_tree(&d, xml_element(x));
		} else if (ev == XML_STREAM_CLOSE) {
			dump_str(&d, "CLOSE");
		} else {
			dump_str(&d, "ERROR ");
			dump_str(&d, xml_error_name(xml_error_condition(x)));
			/* An error is final. */
			if (xml_parse(x, "<a/>", 4, &used) != XML_ERROR ||
			    used != 0)
				dump_str(&d, " (not final)");
		}
		dump_str(&d, "\n");
		if (ev == XML_ERROR)
			break;
	}
	xml_free(x);
	return d.s;
}

#endif
