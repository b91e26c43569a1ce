/*
 * Test fixture for the tokenizer's tests (test_xml, test_xml_bounds): a
 * stream header and the transcript it gives, and a case checked every way
 * its input can be split. Header-only: included once per test binary,
 * after cmocka.h.
 */
#ifndef XEDGE_TEST_XML_CASE_FIXTURE_H
#define XEDGE_TEST_XML_CASE_FIXTURE_H

#include <stdlib.h>
#include <string.h>

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
static inline void
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

#endif
