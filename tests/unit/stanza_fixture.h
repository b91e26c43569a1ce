/*
 * Test fixture: a stanza parsed from text by the guard's own tokenizer, as
 * it would arrive on a jabber:server stream.
 */
#ifndef XEDGE_TEST_STANZA_FIXTURE_H
#define XEDGE_TEST_STANZA_FIXTURE_H

#include <string.h>

#include "xml.h"

#define FIXTURE_HEADER "<stream:stream xmlns='jabber:server' " \
	"xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

/* Parses TEXT (one top-level element) with parser *P, made on first use;
 * the element lives until the next call. Fails the test if TEXT is not
 * exactly one element. */
static inline struct stanza_node *
fixture_stanza(struct xml_parser **p, const char *text)
{
	struct xml_limits lim = { .max_stanza = 1 << 20, .max_depth = 32,
	    .max_attrs = 64 };
	size_t used;

	if (*p == NULL) {
		*p = xml_new(&lim);
		assert_non_null(*p);
		assert_int_equal(xml_parse(*p, FIXTURE_HEADER,
		    strlen(FIXTURE_HEADER), &used), XML_STREAM_OPEN);
	}
	assert_int_equal(xml_parse(*p, text, strlen(text), &used),
	    XML_ELEMENT);
	assert_int_equal(used, strlen(text));
	return xml_element(*p);
}

#endif
