/*
 * The stanza model: an XML element tree with resolved namespaces, built in an
 * arena by the tokenizer or by code that makes replies, and serialized back
 * to bytes. Prefixes are not kept: the serializer chooses its own, so what
 * crosses the guard is exactly what was checked.
 */
#ifndef XEDGE_STANZA_H
#define XEDGE_STANZA_H

#include <stddef.h>

#include "arena.h"

#define STANZA_NS_XML "http://www.w3.org/XML/1998/namespace"
#define STANZA_NS_STREAMS "http://etherx.jabber.org/streams"
#define STANZA_NS_SERVER "jabber:server"
#define STANZA_NS_CLIENT "jabber:client"
#define STANZA_NS_DIALBACK "jabber:server:dialback"
#define STANZA_NS_FORWARD "urn:xmpp:forward:0"
/* Namespace declarations kept on a stream root are attributes in this
 * namespace: local name "xmlns" for the default namespace, else the prefix
 * (as in the DOM). Only stream roots carry them; see stanza_serialize_open. */
#define STANZA_NS_XMLNS "http://www.w3.org/2000/xmlns/"

struct stanza_attr {
	const char *ns;		/* namespace URI; "" for an unprefixed attribute */
	const char *name;	/* local name */
	const char *value;	/* unescaped, NUL-terminated */
	size_t value_len;
	struct stanza_attr *next;
};

enum stanza_kind {
	STANZA_ELEMENT = 0,
	STANZA_TEXT = 1
};

/* An element or a text node. Strings are NUL-terminated and live in the
 * arena the node was made in. */
struct stanza_node {
	enum stanza_kind kind;
	struct stanza_node *parent;
	struct stanza_node *next;	/* next sibling */
	/* STANZA_ELEMENT */
	const char *ns;			/* namespace URI, never NULL */
	const char *name;		/* local name */
	struct stanza_attr *attrs;	/* in document order */
	struct stanza_node *children;
	struct stanza_node *last_child;
	/* STANZA_TEXT: unescaped character data */
	const char *text;
	size_t text_len;
};

/* Makes an element NS:NAME (strings copied), or NULL when the arena is full. */
struct stanza_node *stanza_element(struct arena *a, const char *ns,
    const char *name);

/* Appends CHILD to PARENT's children. */
void stanza_append(struct stanza_node *parent, struct stanza_node *child);

/* Appends a text node with a copy of TEXT[0..len); returns -1 if no memory. */
int stanza_append_text(struct arena *a, struct stanza_node *parent,
    const char *text, size_t len);

/* Makes and appends a child element; returns it, or NULL. */
struct stanza_node *stanza_add_child(struct arena *a,
    struct stanza_node *parent, const char *ns, const char *name);

/* Sets (replacing any) attribute NS:NAME to a copy of VALUE; -1 if no memory. */
int stanza_set_attr(struct arena *a, struct stanza_node *e, const char *ns,
    const char *name, const char *value);

/* Removes attribute NS:NAME if present. */
void stanza_remove_attr(struct stanza_node *e, const char *ns,
    const char *name);

/* Returns the value of attribute NS:NAME ("" namespace for plain ones), or
 * NULL. */
const char *stanza_attr(const struct stanza_node *e, const char *ns,
    const char *name);

/* The attributes of a stanza that every stanza's checks and routing read,
 * each NULL when absent. */
struct stanza_head {
	const char *from, *to, *id, *type;
	const char *lang;	/* xml:lang */
};

/* Fills *H from E's attributes in one pass. */
void stanza_head(const struct stanza_node *e, struct stanza_head *h);

/* Whether node E is element NAME of namespace NS (NULL: any). */
int stanza_is(const struct stanza_node *e, const char *ns, const char *name);

/* Returns the first child element NS:NAME (NS NULL: any namespace), or NULL. */
struct stanza_node *stanza_child(const struct stanza_node *e, const char *ns,
    const char *name);

/* Returns a deep copy of E in arena A (parent NULL), or NULL. */
struct stanza_node *stanza_copy(struct arena *a, const struct stanza_node *e);

/*
 * Serializes E as it would appear inside a parent whose default namespace is
 * PARENT_NS (the stream's content namespace, e.g. jabber:server), so that no
 * redundant xmlns is written. Writes at most CAP bytes to OUT and returns the
 * length the full serialization needs (like snprintf, without a NUL): the
 * caller retries with a larger buffer when the result exceeds CAP.
 */
size_t stanza_serialize(const struct stanza_node *e, const char *parent_ns,
    char *out, size_t cap);

/* Serializes only the start tag of E, with its attributes and the namespace
 * declarations the serializer needs, as for a stream header. Same contract as
 * stanza_serialize. The content namespace and extra prefixes are attributes
 * in STANZA_NS_XMLNS, e.g. {STANZA_NS_XMLNS}xmlns = "jabber:server" and
 * {STANZA_NS_XMLNS}db = "jabber:server:dialback"; a root in
 * STANZA_NS_STREAMS is written as <stream:stream ...>. */
size_t stanza_serialize_open(const struct stanza_node *e, char *out,
    size_t cap);

/* Appends to OUT (at most CAP) the escaped form of S[0..len) for text or
 * attribute values; returns the length needed. */
size_t stanza_escape(const char *s, size_t len, char *out, size_t cap);

#endif
