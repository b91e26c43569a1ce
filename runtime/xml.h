/*
 * The XML tokenizer for XMPP streams (RFC 6120 section 11): a ragel machine
 * (xml.rl) that accepts only what XMPP allows, checks UTF-8 and names,
 * resolves namespaces, bounds depth, attributes and stanza size, and builds
 * each top-level element of the stream as a stanza tree.
 *
 * It is a pull parser: the caller hands it bytes and gets events back, one at
 * a time. It copies what it keeps, so the caller may discard the bytes it
 * reports as consumed; a token may span any number of calls.
 *
 * Notes for callers:
 *  - A 0 in struct xml_limits means a default (256 KiB, depth 64, 64
 *    attributes). The arena of one element (and that of the stream
 *    header) is bounded by 40 bytes per byte of max_stanza (plus 64 KiB),
 *    which no element within max_stanza reaches, and follows max_stanza
 *    when it is lowered or raised. A max_memory below that bounds the
 *    arenas tighter, for streams that carry only small elements of few
 *    parts: an element past it is a policy-violation, as one past
 *    max_stanza is.
 *  - Memory is taken as an element needs it and given back after it:
 *    between elements a parser holds the stream header, one small chunk
 *    of the element arena and no token buffer larger than a few KiB.
 *  - The stream root keeps its namespace declarations as attributes in
 *    STANZA_NS_XMLNS (see stanza.h): the content namespace is
 *    stanza_attr(root, STANZA_NS_XMLNS, "xmlns"), a dialback prefix
 *    stanza_attr(root, STANZA_NS_XMLNS, "db"). Other elements keep none:
 *    <db:result/> is {jabber:server:dialback}result.
 *  - An empty root tag (<stream:stream .../>) gives XML_STREAM_OPEN, then
 *    XML_STREAM_CLOSE from the next call, even one with no bytes.
 *  - Character data between stanzas other than white space, CDATA there
 *    included, is restricted-xml; CDATA inside stanzas is text.
 */
#ifndef XEDGE_XML_H
#define XEDGE_XML_H

#include <stddef.h>

#include "arena.h"
#include "stanza.h"

/* The nesting and attribute bounds of the guard's streams, which an
 * offline replay of stanzas applies too. */
#define XML_STREAM_DEPTH 32
#define XML_STREAM_ATTRS 64

struct xml_limits {
	size_t max_stanza;	/* bytes of one top-level element, tags included */
	unsigned max_depth;	/* element nesting below the stream root */
	unsigned max_attrs;	/* attributes (and xmlns declarations) per tag */
	size_t max_memory;	/* bytes of each arena (see below), 0: derived */
};

enum xml_event {
	XML_NEED_MORE = 0,	/* all input consumed; feed more */
	XML_STREAM_OPEN,	/* the stream root's start tag: xml_stream_root() */
	XML_ELEMENT,		/* a complete top-level element: xml_element() */
	XML_STREAM_CLOSE,	/* </stream:stream> */
	XML_ERROR		/* xml_error_condition() names the stream error */
};

/*
 * RFC 6120 section 4.9.3 stream error conditions the tokenizer raises. Names
 * are the condition elements' local names (see xml_error_name).
 */
enum xml_error {
	XML_ERR_NONE = 0,
	XML_ERR_NOT_WELL_FORMED,	/* not-well-formed */
	XML_ERR_RESTRICTED_XML,		/* restricted-xml: DTD, PI, comment, entity */
	XML_ERR_INVALID_NAMESPACE,	/* invalid-namespace: bad stream root */
	XML_ERR_BAD_NAMESPACE_PREFIX,	/* bad-namespace-prefix: undeclared prefix */
	XML_ERR_UNSUPPORTED_ENCODING,	/* unsupported-encoding: not UTF-8 */
	XML_ERR_POLICY_VIOLATION,	/* policy-violation: a limit was exceeded */
	XML_ERR_INTERNAL		/* internal-server-error: out of memory */
};

struct xml_parser;

/* Returns a new parser with LIMITS (copied), or NULL. Free with xml_free. */
struct xml_parser *xml_new(const struct xml_limits *limits);

/* Lowers to MAX, never raising it, the bound on the bytes of each top-level
 * element still to come and of a restarted stream's header: as when a
 * stream's peer becomes known. */
void xml_lower_max_stanza(struct xml_parser *p, size_t max);

/* Raises to MAX, never lowering it, the same bound, which then holds for
 * the element being read too, and lifts max_memory: the arenas' bound
 * follows MAX from then on. As when a stream authenticates and its peer's
 * own limit replaces the bounds for negotiation. */
void xml_raise_max_stanza(struct xml_parser *p, size_t max);

/* Counts the memory P takes for elements (arenas, the token buffer) into
 * HELD (NULL: nowhere) from now on, moving there what it holds already. */
void xml_count_into(struct xml_parser *p, size_t *held);

/* Frees P and everything it allocated. */
void xml_free(struct xml_parser *p);

/* Forgets all state, as for a stream restart after STARTTLS or SASL: the
 * next bytes must open a new stream. */
void xml_reset(struct xml_parser *p);

/*
 * Parses from DATA[0..len) until one event is complete or the input is used
 * up; stores in *CONSUMED how many bytes it took. Call again with the rest
 * of the input after each event other than XML_NEED_MORE. After XML_ERROR
 * every further call returns XML_ERROR.
 */
enum xml_event xml_parse(struct xml_parser *p, const char *data, size_t len,
    size_t *consumed);

/* After XML_STREAM_OPEN: the root element, attributes only, valid until
 * xml_reset or xml_free. */
const struct stanza_node *xml_stream_root(const struct xml_parser *p);

/* After XML_ELEMENT: the element, valid until the next xml_parse call. Its
 * arena may be used to build on it (xml_element_arena). */
struct stanza_node *xml_element(struct xml_parser *p);
struct arena *xml_element_arena(struct xml_parser *p);

/* After XML_ERROR: the condition and a short human-readable reason. */
enum xml_error xml_error_condition(const struct xml_parser *p);
const char *xml_error_text(const struct xml_parser *p);

/* The stream error condition's element name, e.g. "restricted-xml". */
const char *xml_error_name(enum xml_error e);

#endif
