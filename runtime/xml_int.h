/*
 * Private to the XML tokenizer (xml.rl and runtime/xml_*.c): the parser's
 * state, the byte classes, and the small helpers inlined on the hot path.
 */
#ifndef XEDGE_XML_INT_H
#define XEDGE_XML_INT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

/* Limits used where struct xml_limits has 0. */
#define XML_DEFAULT_MAX_STANZA 262144
#define XML_DEFAULT_MAX_DEPTH 64
#define XML_DEFAULT_MAX_ATTRS 64
/* Namespace bindings in scope at once: resolving a prefix walks them, so
 * they are bounded well below max_depth * max_attrs; XMPP uses a few. */
#define XML_MAX_BINDINGS 128
/* The arena of one element may use this much per byte of its text, which
 * covers the worst case (a node for every few bytes), plus some slack. */
#define XML_ARENA_PER_BYTE 40
#define XML_ARENA_SLACK 65536
/* A token buffer larger than this is freed after the element that grew it:
 * one large text must not cost its size for the rest of the stream. */
#define XML_SCRATCH_KEEP 4096

/* Token flags: what a finished token needs besides a copy. */
#define XML_TOK_REF 0x1		/* contains a reference */
#define XML_TOK_WS 0x2		/* contains CR (or TAB/LF in an attribute) */
#define XML_TOK_COLON 0x4	/* a name with a colon */
#define XML_TOK_U8 0x8		/* a name with non-ASCII characters */
#define XML_TOK_CDATA 0x10	/* character data with CDATA sections */

/*
 * Byte classes for the loops that skip runs of ordinary bytes without the
 * machine (ASCII only: the machine checks every UTF-8 sequence itself).
 */
#define XML_C_TEXT 0x01		/* plain character data: not < & ] > CR */
#define XML_C_DQ 0x02		/* plain in a "-quoted value: not " & < */
#define XML_C_SQ 0x04		/* plain in a '-quoted value: not ' & < */
#define XML_C_NAME 0x08		/* ASCII NameChar but the colon */
#define XML_C_TEXT_DEC 0x10	/* decoded specially in text: & CR < */
#define XML_C_ATTR_DEC 0x20	/* decoded specially in values: & TAB LF CR */

static const unsigned char xml_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 33, 33, 0, 0, 48, 0, 0,	/* 00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 10 */
	7, 7, 5, 7, 7, 7, 48, 3, 7, 7, 7, 7, 7, 15, 15, 7,	/* 20 */
	15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 7, 7, 16, 7, 6, 7,	/* 30 */
	7, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,	/* 40 */
	15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 7, 7, 6, 7, 15,	/* 50 */
	7, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,	/* 60 */
	15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 7, 7, 7, 7, 7,	/* 70 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 80 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 90 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* a0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* b0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* c0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* d0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* e0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* f0 */
};

/* Whether S[0..n) is the string literal LIT. */
#define XML_IS(s, n, lit) \
	((n) == sizeof(lit) - 1 && memcmp((s), (lit), sizeof(lit) - 1) == 0)

/* How a token is decoded. */
enum xml_mode {
	XML_MODE_TEXT,		/* character data: references, line ends, CDATA */
	XML_MODE_ATTR		/* attribute value: also white space to space */
};

/* What the machine does after a tag. */
enum xml_next {
	XML_NEXT_ERROR = -1,
	XML_NEXT_CONTENT,	/* still inside a top-level element */
	XML_NEXT_EVENT		/* X->event is ready to return */
};

/* A namespace binding in scope; innermost first. */
struct xml_ns {
	const char *prefix;	/* "" for the default namespace */
	size_t plen;
	const char *uri;	/* "": the default namespace undeclared */
	struct xml_ns *next;
	unsigned count;		/* bindings in scope, this one included */
};

/*
 * An attribute as read, before namespaces are resolved at the tag's end.
 * Until then its name and raw value are in the input or saved raw in the
 * arena (xml_tag_save); xml_tag_build copies them into the tag's memory.
 */
struct xml_rawattr {
	struct stanza_attr *at;	/* to fill in, in the tag's memory */
	struct xml_ns *binding;	/* for a declaration, in the tag's memory */
	int decl;		/* xmlns or xmlns:prefix */
	const char *qname;
	size_t qlen;
	size_t colon;		/* offset of ':' in qname, or qlen */
	const char *value;
	size_t vlen;
	unsigned vflags;	/* the value's token flags */
};

/* An open element: the stream root is entry 0. */
struct xml_open {
	struct stanza_node *node;
	const char *qname;	/* as written, to match the end tag */
	size_t qlen;
	struct xml_ns *ns;	/* bindings in scope outside this element */
	const char *dflt;	/* the default namespace outside it */
};

struct xml_parser {
	int cs;				/* ragel state */
	struct xml_limits lim;
	enum xml_event event;		/* the event the last call found */
	enum xml_error err;
	const char *err_text;

	struct arena root_arena;
	struct arena elem_arena;
	int elem_returned;		/* reset elem_arena on the next call */
	int close_pending;		/* an empty root: close after open */

	/* The open token: its bytes from earlier calls, and its flags. */
	int tok_open;
	unsigned tok_flags;
	char *scratch;
	size_t scratch_len, scratch_cap;
	size_t *held;			/* NULL, or where scratch_cap counts */

	/* Bytes of the current top-level element (or stream header) read in
	 * earlier calls; counted only while IN_ELEM. */
	int in_elem;
	size_t acct_bytes;

	/* The start tag being read (TAG_OPEN): its name and its attributes'
	 * names and values may point into the input until it ends; they are
	 * saved when the input ends first (xml_tag_save_all). */
	int tag_open;
	int tag_name_saved;		/* the tag's name is in the arena */
	int name_pending;		/* attrs[nattrs] has a name, no value */
	unsigned tag_saved;		/* attributes before this are saved */
	const char *tag_qname;
	size_t tag_qlen, tag_colon;
	struct xml_rawattr *attrs;
	unsigned nattrs, attrs_cap;
	uint32_t cref;			/* character reference being read */

	/* Open elements; depth 0 is the stream root. */
	struct xml_open *stack;
	unsigned depth, stack_cap;
	int root_open;
	struct xml_ns *ns;
	/* The default namespace in scope, also among NS: kept apart so that
	 * an unprefixed element, the usual kind, needs no walk. */
	const char *dflt;
};

/* xml_name.c */
int xml_check_qname_chars(struct xml_parser *x, const char *name, size_t n,
    size_t *colon);
/* xml_decode.c */
size_t xml_decode(char *d, const char *s, size_t n, enum xml_mode mode,
    unsigned flags);
/* xml_tag.c */
int xml_tag_save_all(struct xml_parser *x);
enum xml_next xml_start_tag(struct xml_parser *x, int empty);
/* xml.rl */
void xml_machine_start(struct xml_parser *x);

/* Frees the token buffer, which must hold no open token's bytes. */
static inline void
xml_scratch_free(struct xml_parser *x)
{
	if (x->held != NULL)
		*x->held -= x->scratch_cap;
	free(x->scratch);
	x->scratch = NULL;
	x->scratch_len = x->scratch_cap = 0;
}

/* Records the error (the first one wins) and returns -1. */
static inline int
xml_fail(struct xml_parser *x, enum xml_error err, const char *text)
{
	if (x->err == XML_ERR_NONE) {
		x->err = err;
		x->err_text = text;
	}
	return -1;
}

/*
 * An allocation of SIZE bytes in A, one of the parser's arenas, failed:
 * past the arena's bound (which an element within max_stanza reaches only
 * under a max_memory of its own) it is a policy violation, else memory is
 * exhausted. Returns -1.
 */
static inline int
xml_alloc_failed(struct xml_parser *x, const struct arena *a, size_t size)
{
	if (!arena_fits(a, size))
		return xml_fail(x, XML_ERR_POLICY_VIOLATION,
		    "stanza takes too much memory");
	return xml_fail(x, XML_ERR_INTERNAL, "out of memory");
}

/* The arena the tag being read is built in. */
static inline struct arena *
xml_arena(struct xml_parser *x)
{
	return x->root_open ? &x->elem_arena : &x->root_arena;
}

/* Fails with policy-violation when the element has grown past the limit by
 * Q, counting from ACCT in this call. */
static inline int
xml_check_size(struct xml_parser *x, const unsigned char *acct,
    const unsigned char *q)
{
	if (x->acct_bytes + (size_t)(q - acct) > x->lim.max_stanza)
		return xml_fail(x, XML_ERR_POLICY_VIOLATION,
		    "stanza too large");
	return 0;
}

/* Opens a token with no bytes yet: the scratch buffer is empty, as
 * xml_tok_end leaves it. */
static inline void
xml_tok_start(struct xml_parser *x)
{
	x->tok_open = 1;
	x->tok_flags = 0;
}

/* The value of hexadecimal (or decimal) digit C. */
static inline uint32_t
xml_hex(int c)
{
	return (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
}

/*
 * As xml_check_qname_chars, for any name; the common case, a name of
 * ASCII NameChars without a colon, needs no more checks. An ASCII name
 * with a colon (xml:lang, stream:features) has had its characters and its
 * first one checked by the machine: only the colons remain, found in the
 * order xml_check_qname_chars would find them, for the same error.
 */
static inline int
xml_check_qname(struct xml_parser *x, const char *name, size_t n,
    size_t *colon)
{
	size_t i;

	*colon = n;
	if (!(x->tok_flags & (XML_TOK_COLON | XML_TOK_U8)))
		return 0;
	if (x->tok_flags & XML_TOK_U8)
		return xml_check_qname_chars(x, name, n, colon);
	for (i = 1; name[i] != ':'; i++)
		continue;
	if (i == n - 1)
		return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
		    "bad qualified name");
	if (name[i + 1] == '-' || name[i + 1] == '.' ||
	    (name[i + 1] >= '0' && name[i + 1] <= '9'))
		return xml_fail(x, XML_ERR_NOT_WELL_FORMED, "bad name start");
	*colon = i;
	while (++i < n)
		if (name[i] == ':')
			return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
			    "bad qualified name");
	return 0;
}

/*
 * Copies S[0..n) to D (room for n + 1 bytes) and NUL-terminates it. Names
 * and most values are shorter than 16 bytes: two overlapping moves copy
 * them in a few instructions where a call to memcpy costs a dozen or more.
 */
static inline void
xml_copy_str(char *d, const char *s, size_t n)
{
	uint64_t a, b;
	uint32_t c, e;

	if (n > 16)
		memcpy(d, s, n);
	else if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		memcpy(&c, s, 4);
		memcpy(&e, s + n - 4, 4);
		memcpy(d, &c, 4);
		memcpy(d + n - 4, &e, 4);
	} else if (n > 0) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
	d[n] = '\0';
}

/* Whether A[0..n) and B[0..n) are the same bytes: inline for names
 * shorter than 16 bytes, as in xml_copy_str. */
static inline int
xml_same(const char *a, const char *b, size_t n)
{
	uint64_t a0, a1, b0, b1;
	uint32_t c0, c1, e0, e1;

	if (n > 16 || n < 4)
		return memcmp(a, b, n) == 0;
	if (n >= 8) {
		memcpy(&a0, a, 8);
		memcpy(&a1, a + n - 8, 8);
		memcpy(&b0, b, 8);
		memcpy(&b1, b + n - 8, 8);
		return ((a0 ^ b0) | (a1 ^ b1)) == 0;
	}
	memcpy(&c0, a, 4);
	memcpy(&c1, a + n - 4, 4);
	memcpy(&e0, b, 4);
	memcpy(&e1, b + n - 4, 4);
	return ((c0 ^ e0) | (c1 ^ e1)) == 0;
}

/* Copies token S[0..n) to D (room for n + 1 bytes), decoding as its
 * FLAGS require, and NUL-terminates it; returns its length. */
static inline size_t
xml_put_token(char *d, const char *s, size_t n, enum xml_mode mode,
    unsigned flags)
{
	if (flags == 0) {
		xml_copy_str(d, s, n);
		return n;
	}
	n = xml_decode(d, s, n, mode, flags);
	d[n] = '\0';
	return n;
}

/*
 * Moves string *S of N bytes, a name or a raw value of the start tag being
 * read, out of the input or the scratch buffer into the arena, where it
 * waits for xml_tag_build. Returns -1 past the memory bound or without
 * memory.
 */
static inline int
xml_tag_save(struct xml_parser *x, const char **s, size_t n)
{
	char *d;

	if ((d = arena_alloc(xml_arena(x), n == 0 ? 1 : n)) == NULL)
		return xml_alloc_failed(x, xml_arena(x), n == 0 ? 1 : n);
	memcpy(d, *s, n);
	*s = d;
	return 0;
}

#endif
