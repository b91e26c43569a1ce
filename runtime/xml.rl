/*
 * The XML tokenizer for XMPP streams: a ragel machine over bytes (below,
 * in its own section) whose actions only set offsets or call the small C
 * functions above it. Nesting, namespaces and limits are kept in C.
 *
 * What it accepts is the XML of RFC 6120 section 11, strictly:
 *  - an optional UTF-8 byte order mark and XML declaration (version 1.0,
 *    encoding UTF-8 if named) before the stream root <stream:stream>;
 *  - then top-level elements, each returned whole as a stanza tree, and
 *    white space between them (keepalives), until </stream:stream>;
 *  - UTF-8 with no overlong forms, surrogates or code points past U+10FFFF,
 *    and only XML 1.0 Chars (no C0 controls but TAB, LF, CR); names per
 *    XML 1.0 fifth edition and Namespaces in XML 1.0; the five predefined
 *    entities and character references to Chars;
 *  - CDATA sections inside elements: RFC 6120 section 11.1 restricts
 *    comments, processing instructions, DTDs and entity references other
 *    than the predefined ones, not CDATA, which is plain XML 1.0 character
 *    data. A CDATA section becomes text, merged with adjacent text.
 * Character data at the stream level (between stanzas) other than white
 * space is reported as restricted-xml: XMPP streams carry only stanzas
 * there. XML versions other than 1.0 are restricted-xml too.
 *
 * Streaming: a token (a name, an attribute value, a run of text) may span
 * any number of calls. While a token is open the machine keeps a pointer
 * to its start in the current input (MARK); when the input ends first, the
 * bytes read so far are saved in the parser's scratch buffer and the next
 * call continues them. Every token is bounded by the stanza size limit,
 * which counts every byte from the '<' that opens a top-level element (or
 * the stream root) to its end. A finished token is decoded (references,
 * line ends, attribute white space) straight into the element's arena.
 *
 * Memory: the stream root lives in ROOT_ARENA until xml_reset; the element
 * being parsed lives in ELEM_ARENA, reset when xml_parse is next called
 * after it was returned. The element stack, the attribute table and the
 * scratch buffer are allocated once per parser and grow only up to the
 * limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/* Records the error (the first one wins) and returns -1. */
static int
xml_fail(struct xml_parser *x, enum xml_error err, const char *text)
{
	if (x->err == XML_ERR_NONE) {
		x->err = err;
		x->err_text = text;
	}
	return -1;
}

/* The arena the tag being read is built in. */
static struct arena *
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
static void
xml_tok_start(struct xml_parser *x)
{
	x->tok_open = 1;
	x->tok_flags = 0;
}

/* Appends S[0..n) to the scratch buffer; -1 without memory. The caller
 * has checked the size limit, which bounds the buffer. */
static int
xml_scratch_add(struct xml_parser *x, const unsigned char *s, size_t n)
{
	size_t cap;
	char *b;

	if (n == 0)
		return 0;
	if (n > x->scratch_cap - x->scratch_len) {
		cap = x->scratch_cap ? x->scratch_cap : 256;
		while (cap - x->scratch_len < n)
			cap *= 2;
		if ((b = realloc(x->scratch, cap)) == NULL)
			return xml_fail(x, XML_ERR_INTERNAL, "out of memory");
		x->scratch = b;
		x->scratch_cap = cap;
	}
	memcpy(x->scratch + x->scratch_len, s, n);
	x->scratch_len += n;
	return 0;
}

/*
 * Closes the open token, which ends at END in this call's input and began
 * at MARK (or, with bytes in the scratch buffer, in an earlier call).
 * Stores its bytes, contiguous, in *S and *N: they stay valid until the
 * next token is opened, and the scratch buffer is left empty for it (a
 * token is always closed here, or with no bytes saved, before the next
 * one opens). Returns -1 past the size limit or without memory.
 */
static inline int
xml_tok_end(struct xml_parser *x, const unsigned char *mark,
    const unsigned char *end, const unsigned char *acct, const char **s,
    size_t *n)
{
	x->tok_open = 0;
	if (xml_check_size(x, acct, end) == -1)
		return -1;
	if (x->scratch_len == 0) {
		*s = (const char *)mark;
		*n = (size_t)(end - mark);
		return 0;
	}
	if (xml_scratch_add(x, mark, (size_t)(end - mark)) == -1)
		return -1;
	*s = x->scratch;
	*n = x->scratch_len;
	x->scratch_len = 0;
	return 0;
}

/* Returns the first byte from P on (or PE) not in class CLS. Always inlined:
 * the machine calls it for every name and every run of text or value, most
 * of them short, where a call and a class known only at run time cost as
 * much as the skip itself. */
static inline __attribute__((always_inline)) const unsigned char *
xml_skip(const unsigned char *p, const unsigned char *pe, unsigned char cls)
{
	while (pe - p >= 4) {
		if (!(xml_class[p[0]] & cls))
			return p;
		if (!(xml_class[p[1]] & cls))
			return p + 1;
		if (!(xml_class[p[2]] & cls))
			return p + 2;
		if (!(xml_class[p[3]] & cls))
			return p + 3;
		p += 4;
	}
	while (p < pe && (xml_class[*p] & cls))
		p++;
	return p;
}

/*
 * Returns the first byte from P on (or PE) that is not plain in text or in
 * a value, CLS saying which: with SSE2, 16 bytes at a time stop at any
 * byte below 0x20 or above 0x7f (signed compare) or equal to one of the
 * class's specials, then the table decides (TAB and LF are plain in text).
 * Always inlined, as xml_skip is, so that CLS picks the specials at compile
 * time.
 */
static inline __attribute__((always_inline)) const unsigned char *
xml_skip_run(const unsigned char *p, const unsigned char *pe,
    unsigned char cls)
{
#ifdef __SSE2__
	const __m128i space = _mm_set1_epi8(0x20), amp = _mm_set1_epi8('&'),
	    lt = _mm_set1_epi8('<');
	__m128i s1, s2, v, stop;
	int m;

	if (cls == XML_C_TEXT) {
		s1 = _mm_set1_epi8(']');
		s2 = _mm_set1_epi8('>');
	} else {
		s1 = s2 = _mm_set1_epi8(cls == XML_C_DQ ? '"' : '\'');
	}
	while (pe - p >= 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)p);
		stop = _mm_or_si128(_mm_cmplt_epi8(v, space),
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp),
		    _mm_cmpeq_epi8(v, lt)), _mm_or_si128(_mm_cmpeq_epi8(v, s1),
		    _mm_cmpeq_epi8(v, s2))));
		if ((m = _mm_movemask_epi8(stop)) != 0)
			return p + __builtin_ctz((unsigned)m);
		p += 16;
	}
#endif
	return xml_skip(p, pe, cls);
}

/* The value of hexadecimal (or decimal) digit C. */
static uint32_t
xml_hex(int c)
{
	return (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
}

/* Decodes the UTF-8 sequence at S (already validated) into *CP and returns
 * its length. */
static size_t
xml_utf8_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xe0) {
		*cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] < 0xf0) {
		*cp = (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	return 4;
}

/* Writes code point CP (a Char) as UTF-8 at D; returns the length. */
static size_t
xml_utf8_encode(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* XML 1.0 fifth edition NameStartChar and NameChar, above ASCII. */
static int
xml_name_start_cp(uint32_t c)
{
	return (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) ||
	    (c >= 0xf8 && c <= 0x2ff) || (c >= 0x370 && c <= 0x37d) ||
	    (c >= 0x37f && c <= 0x1fff) || (c >= 0x200c && c <= 0x200d) ||
	    (c >= 0x2070 && c <= 0x218f) || (c >= 0x2c00 && c <= 0x2fef) ||
	    (c >= 0x3001 && c <= 0xd7ff) || (c >= 0xf900 && c <= 0xfdcf) ||
	    (c >= 0xfdf0 && c <= 0xfffd) || (c >= 0x10000 && c <= 0xeffff);
}

static int
xml_name_cp(uint32_t c)
{
	return xml_name_start_cp(c) || c == 0xb7 ||
	    (c >= 0x300 && c <= 0x36f) || (c >= 0x203f && c <= 0x2040);
}

/*
 * Checks what the machine leaves to C in a name with a colon or non-ASCII
 * characters: at most one colon, not first or last (a QName), a
 * NameStartChar after it, and the non-ASCII characters. Stores the colon's
 * offset (or N) in *COLON.
 */
static int
xml_check_qname_chars(struct xml_parser *x, const char *name, size_t n,
    size_t *colon)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i = 0, len;
	uint32_t cp;
	int start = 1;

	*colon = n;
	while (i < n) {
		if (s[i] < 0x80) {
			if (s[i] == ':') {
				if (*colon != n || i == 0 || i == n - 1)
					return xml_fail(x,
					    XML_ERR_NOT_WELL_FORMED,
					    "bad qualified name");
				*colon = i++;
				start = 1;
				continue;
			}
			if (start && (s[i] == '-' || s[i] == '.' ||
			    (s[i] >= '0' && s[i] <= '9')))
				return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
				    "bad name start");
			i++;
		} else {
			len = xml_utf8_decode(s + i, &cp);
			if (start ? !xml_name_start_cp(cp) : !xml_name_cp(cp))
				return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
				    "bad name character");
			i += len;
		}
		start = 0;
	}
	return 0;
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
 * Returns the first byte from S on (or END) that xml_decode must treat in
 * MODE, knowing from the token's FLAGS which kinds occur at all: with one
 * kind, memchr finds it.
 */
static const char *
xml_decode_next(const char *s, const char *end, enum xml_mode mode,
    unsigned flags)
{
	unsigned char special = mode == XML_MODE_ATTR ? XML_C_ATTR_DEC :
	    XML_C_TEXT_DEC;
	const char *c;

	if (!(flags & (XML_TOK_WS | XML_TOK_CDATA)))
		c = memchr(s, '&', (size_t)(end - s));
	else
		for (c = s; c < end &&
		    !(xml_class[(unsigned char)*c] & special); c++)
			continue;
	return c != NULL ? c : end;
}

/* Copies S[0..n) to D with CR LF and lone CR turned into LF; returns the
 * length written. */
static size_t
xml_copy_lines(char *d, const char *s, size_t n)
{
	const char *end = s + n, *cr;
	char *d0 = d;

	while ((cr = memchr(s, '\r', (size_t)(end - s))) != NULL) {
		memcpy(d, s, (size_t)(cr - s));
		d += cr - s;
		*d++ = '\n';
		s = cr + 1;
		if (s < end && *s == '\n')
			s++;
	}
	memcpy(d, s, (size_t)(end - s));
	return (size_t)(d + (end - s) - d0);
}

/*
 * Decodes S[0..n), which the machine has checked and found to contain
 * what FLAGS say, into D (room for N bytes: decoding never lengthens).
 * Returns the decoded length.
 */
static size_t
xml_decode(char *d, const char *s, size_t n, enum xml_mode mode,
    unsigned flags)
{
	const char *end = s + n, *run, *semi;
	char *d0 = d;
	uint32_t cp;

	for (;;) {
		/* Copy the run of bytes that stand for themselves. */
		run = xml_decode_next(s, end, mode, flags);
		memcpy(d, s, (size_t)(run - s));
		d += run - s;
		if ((s = run) == end)
			break;
		switch (*s) {
		case '\r':
			if (s + 1 < end && s[1] == '\n')
				s++;
			*d++ = mode == XML_MODE_ATTR ? ' ' : '\n';
			s++;
			break;
		case '\t':
		case '\n':
			*d++ = ' ';
			s++;
			break;
		case '<':
			/* Only a CDATA section: its content as it is. */
			s += sizeof("<![CDATA[") - 1;
			semi = memmem(s, (size_t)(end - s), "]]>", 3);
			d += xml_copy_lines(d, s, (size_t)(semi - s));
			s = semi + 3;
			break;
		default:
			/* The machine has checked the reference: a character
			 * reference's digits run to its ';', and each
			 * predefined entity has its own length. */
			if (s[1] == '#') {
				cp = 0;
				if (s[2] == 'x')
					for (s += 3; *s != ';'; s++)
						cp = cp << 4 | xml_hex(*s);
				else
					for (s += 2; *s != ';'; s++)
						cp = cp * 10 + xml_hex(*s);
				d += xml_utf8_encode(d, cp);
				s++;
				break;
			}
			switch (s[1]) {
			case 'l': *d++ = '<'; s += sizeof("&lt;") - 1; break;
			case 'g': *d++ = '>'; s += sizeof("&gt;") - 1; break;
			case 'q': *d++ = '"'; s += sizeof("&quot;") - 1; break;
			default:
				if (s[2] == 'm') {
					*d++ = '&';
					s += sizeof("&amp;") - 1;
				} else {
					*d++ = '\'';
					s += sizeof("&apos;") - 1;
				}
				break;
			}
			break;
		}
	}
	return (size_t)(d - d0);
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
static size_t
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

/* A '<' at the stream level or before the root: counting starts anew. */
static void
xml_elem_begin(struct xml_parser *x)
{
	x->in_elem = 1;
	x->acct_bytes = 0;
}

/*
 * Moves string *S of N bytes, a name or a raw value of the start tag being
 * read, out of the input or the scratch buffer into the arena, where it
 * waits for xml_tag_build. Returns -1 without memory.
 */
static int
xml_tag_save(struct xml_parser *x, const char **s, size_t n)
{
	char *d;

	if ((d = arena_alloc(xml_arena(x), n == 0 ? 1 : n)) == NULL)
		return xml_fail(x, XML_ERR_INTERNAL, "out of memory");
	memcpy(d, *s, n);
	*s = d;
	return 0;
}

/*
 * The input ends inside a start tag: its names and values read so far that
 * are still in the input are saved before the input goes. Those of
 * attributes before TAG_SAVED already were.
 */
static int
xml_tag_save_all(struct xml_parser *x)
{
	struct xml_rawattr *ra;
	unsigned i;

	if (!x->tag_name_saved && xml_tag_save(x, &x->tag_qname,
	    x->tag_qlen) == -1)
		return -1;
	x->tag_name_saved = 1;
	for (i = x->tag_saved; i < x->nattrs; i++) {
		ra = &x->attrs[i];
		if (xml_tag_save(x, &ra->qname, ra->qlen) == -1 ||
		    xml_tag_save(x, &ra->value, ra->vlen) == -1)
			return -1;
	}
	x->tag_saved = x->nattrs;
	if (x->name_pending) {
		x->name_pending = 0;
		if (xml_tag_save(x, &x->attrs[x->nattrs].qname,
		    x->attrs[x->nattrs].qlen) == -1)
			return -1;
	}
	return 0;
}

/*
 * The name of a start tag ended at END. It stays where it is, like the
 * attributes' names and values, until the tag ends (xml_tag_build), unless
 * it is in the scratch buffer, which the next token reuses.
 */
static int
xml_elem_name(struct xml_parser *x, const unsigned char *mark,
    const unsigned char *end, const unsigned char *acct)
{
	if (xml_tok_end(x, mark, end, acct, &x->tag_qname, &x->tag_qlen) ==
	    -1 || xml_check_qname(x, x->tag_qname, x->tag_qlen,
	    &x->tag_colon) == -1)
		return -1;
	x->tag_open = 1;
	x->tag_name_saved = x->tag_qname == x->scratch;
	x->tag_saved = 0;
	x->nattrs = 0;
	if (x->tag_name_saved)
		return xml_tag_save(x, &x->tag_qname, x->tag_qlen);
	return 0;
}

/* The name of an attribute ended at END. */
static int
xml_attr_name(struct xml_parser *x, const unsigned char *mark,
    const unsigned char *end, const unsigned char *acct)
{
	struct xml_rawattr *ra;
	unsigned cap;
	const char *s;
	size_t n;

	if (x->nattrs >= x->lim.max_attrs)
		return xml_fail(x, XML_ERR_POLICY_VIOLATION,
		    "too many attributes");
	if (x->nattrs == x->attrs_cap) {
		cap = x->attrs_cap ? x->attrs_cap * 2 : 8;
		if (cap > x->lim.max_attrs)
			cap = x->lim.max_attrs;
		if ((ra = reallocarray(x->attrs, cap, sizeof(*ra))) == NULL)
			return xml_fail(x, XML_ERR_INTERNAL, "out of memory");
		x->attrs = ra;
		x->attrs_cap = cap;
	}
	ra = &x->attrs[x->nattrs];
	if (xml_tok_end(x, mark, end, acct, &s, &n) == -1 ||
	    xml_check_qname(x, s, n, &ra->colon) == -1)
		return -1;
	ra->qname = s;
	ra->qlen = n;
	ra->decl = XML_IS(s, n, "xmlns") || XML_IS(s, ra->colon, "xmlns");
	if (s == x->scratch)
		return xml_tag_save(x, &ra->qname, n);
	x->name_pending = 1;
	return 0;
}

/* The value of the attribute just named ended at END; it is decoded when
 * the tag ends. */
static int
xml_attr_value(struct xml_parser *x, const unsigned char *mark,
    const unsigned char *end, const unsigned char *acct)
{
	struct xml_rawattr *ra = &x->attrs[x->nattrs];

	if (xml_tok_end(x, mark, end, acct, &ra->value, &ra->vlen) == -1)
		return -1;
	ra->vflags = x->tok_flags;
	x->name_pending = 0;
	x->nattrs++;
	if (ra->value == x->scratch)
		return xml_tag_save(x, &ra->value, ra->vlen);
	return 0;
}

/*
 * A start tag ended: gives it its memory in one piece, the element, its
 * attributes, a binding for each namespace declaration, and copies of its
 * name and of every attribute's name and decoded value, all read until now
 * in place. Returns the element (name not set yet), or NULL.
 */
static struct stanza_node *
xml_tag_build(struct xml_parser *x)
{
	struct xml_rawattr *ra;
	struct stanza_node *e;
	struct stanza_attr *at;
	struct xml_ns *b;
	size_t size;
	unsigned i, ndecl = 0;
	char *d;

	size = x->tag_qlen + 1;
	for (i = 0; i < x->nattrs; i++) {
		ra = &x->attrs[i];
		ndecl += ra->decl;
		size += ra->qlen + ra->vlen + 2;
	}
	size += sizeof(*e) + x->nattrs * sizeof(*at) + ndecl * sizeof(*b);
	if ((e = arena_alloc(xml_arena(x), size)) == NULL) {
		xml_fail(x, XML_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	at = (struct stanza_attr *)(void *)(e + 1);
	b = (struct xml_ns *)(void *)(at + x->nattrs);
	d = (char *)(b + ndecl);
	xml_copy_str(d, x->tag_qname, x->tag_qlen);
	x->tag_qname = d;
	d += x->tag_qlen + 1;
	for (i = 0; i < x->nattrs; i++) {
		ra = &x->attrs[i];
		ra->at = at++;
		ra->binding = ra->decl ? b++ : NULL;
		xml_copy_str(d, ra->qname, ra->qlen);
		ra->qname = d;
		d += ra->qlen + 1;
		ra->vlen = xml_put_token(d, ra->value, ra->vlen, XML_MODE_ATTR,
		    ra->vflags);
		ra->value = d;
		d += ra->vlen + 1;
	}
	x->tag_open = 0;
	return e;
}

/* Returns the URI bound to prefix P[0..n) (n > 0), or NULL when it is not
 * declared. */
static const char *
xml_ns_lookup(const struct xml_parser *x, const char *p, size_t n)
{
	const struct xml_ns *b;

	if (XML_IS(p, n, "xml"))
		return STANZA_NS_XML;
	for (b = x->ns; b != NULL; b = b->next)
		if (b->plen == n && memcmp(b->prefix, p, n) == 0)
			return b->uri;
	return NULL;
}

/*
 * Adds the namespace declarations among the tag's attributes to the
 * bindings in scope, checking Namespaces in XML 1.0 section 3: xmlns is
 * never declared, xml only to its own name, neither name bound to anything
 * else, and no prefix undeclared. Marks declarations with colon SIZE_MAX
 * so that the attribute pass skips them.
 */
static int
xml_declare(struct xml_parser *x)
{
	struct xml_rawattr *ra;
	struct xml_ns *b;
	const char *prefix;
	size_t plen;
	unsigned i;

	for (i = 0; i < x->nattrs; i++) {
		ra = &x->attrs[i];
		if (!ra->decl)
			continue;
		prefix = ra->qlen == 5 ? "" : ra->qname + 6;
		plen = ra->qlen == 5 ? 0 : ra->qlen - 6;
		if (XML_IS(prefix, plen, "xmlns") ||
		    XML_IS(ra->value, ra->vlen, STANZA_NS_XMLNS) ||
		    XML_IS(prefix, plen, "xml") !=
		    XML_IS(ra->value, ra->vlen, STANZA_NS_XML) ||
		    (plen > 0 && ra->vlen == 0))
			return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
			    "bad namespace declaration");
		b = ra->binding;
		b->prefix = prefix;
		b->plen = plen;
		b->uri = ra->value;
		b->next = x->ns;
		if ((b->count = x->ns != NULL ? x->ns->count + 1 : 1) >
		    XML_MAX_BINDINGS)
			return xml_fail(x, XML_ERR_POLICY_VIOLATION,
			    "too many namespace declarations in scope");
		x->ns = b;
		if (plen == 0)
			x->dflt = b->uri;
		ra->colon = SIZE_MAX;
	}
	return 0;
}

/*
 * Makes the attribute list of E from the tag's attributes: resolves their
 * prefixes, keeps namespace declarations (as attributes in the xmlns
 * namespace) only on the stream root, and rejects duplicates by qualified
 * name and by expanded name.
 */
static int
xml_resolve_attrs(struct xml_parser *x, struct stanza_node *e, int keep_decls)
{
	struct stanza_attr *at, *o, **tail = &e->attrs;
	struct xml_rawattr *ra;
	unsigned i, j;

	for (i = 0; i < x->nattrs; i++) {
		ra = &x->attrs[i];
		for (j = 0; j < i; j++)
			if (x->attrs[j].qlen == ra->qlen &&
			    x->attrs[j].qname[0] == ra->qname[0] &&
			    memcmp(x->attrs[j].qname, ra->qname, ra->qlen) == 0)
				return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
				    "duplicate attribute");
		if (ra->colon == SIZE_MAX && !keep_decls)
			continue;
		at = ra->at;
		if (ra->colon == SIZE_MAX) {
			at->ns = STANZA_NS_XMLNS;
			at->name = ra->qlen == 5 ? ra->qname : ra->qname + 6;
		} else if (ra->colon == ra->qlen) {
			at->ns = "";
			at->name = ra->qname;
		} else {
			if ((at->ns = xml_ns_lookup(x, ra->qname,
			    ra->colon)) == NULL)
				return xml_fail(x,
				    XML_ERR_BAD_NAMESPACE_PREFIX,
				    "undeclared attribute prefix");
			at->name = ra->qname + ra->colon + 1;
			for (o = e->attrs; o != NULL; o = o->next)
				if (o->name[0] == at->name[0] &&
				    strcmp(o->name, at->name) == 0 &&
				    strcmp(o->ns, at->ns) == 0)
					return xml_fail(x,
					    XML_ERR_NOT_WELL_FORMED,
					    "duplicate expanded attribute");
		}
		at->value = ra->value;
		at->value_len = ra->vlen;
		at->next = NULL;
		*tail = at;
		tail = &at->next;
	}
	return 0;
}

/* Makes room for one more open element; -1 past the depth limit. */
static int
xml_stack_grow(struct xml_parser *x)
{
	struct xml_open *s;
	unsigned cap;

	if (x->root_open && x->depth >= x->lim.max_depth)
		return xml_fail(x, XML_ERR_POLICY_VIOLATION,
		    "elements nested too deeply");
	if (x->depth + 1 < x->stack_cap)
		return 0;
	cap = x->stack_cap ? x->stack_cap * 2 : 8;
	if (cap > x->lim.max_depth + 1)
		cap = x->lim.max_depth + 1;
	if ((s = reallocarray(x->stack, cap, sizeof(*s))) == NULL)
		return xml_fail(x, XML_ERR_INTERNAL, "out of memory");
	x->stack = s;
	x->stack_cap = cap;
	return 0;
}

/*
 * A start tag ended (EMPTY: with "/>"): resolves its namespaces, makes the
 * element and links it into the tree, or opens the stream.
 */
static enum xml_next
xml_start_tag(struct xml_parser *x, int empty)
{
	struct stanza_node *e;
	struct xml_open *o;
	struct xml_ns *outer = x->ns;
	const char *outer_dflt = x->dflt, *q;
	size_t colon = x->tag_colon;

	if ((x->root_open || x->stack_cap == 0) && xml_stack_grow(x) == -1)
		return XML_NEXT_ERROR;
	if ((e = xml_tag_build(x)) == NULL || xml_declare(x) == -1)
		return XML_NEXT_ERROR;
	q = x->tag_qname;
	if (XML_IS(q, colon, "xmlns"))
		return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
		    "element with prefix xmlns");
	*e = (struct stanza_node){ .kind = STANZA_ELEMENT, .text = "",
	    .name = colon == x->tag_qlen ? q : q + colon + 1 };
	if ((e->ns = colon == x->tag_qlen ? x->dflt :
	    xml_ns_lookup(x, q, colon)) == NULL)
		return xml_fail(x, XML_ERR_BAD_NAMESPACE_PREFIX,
		    "undeclared element prefix");
	if (xml_resolve_attrs(x, e, !x->root_open) == -1)
		return XML_NEXT_ERROR;

	if (!x->root_open) {
		if (strcmp(e->ns, STANZA_NS_STREAMS) != 0 ||
		    strcmp(e->name, "stream") != 0)
			return xml_fail(x, XML_ERR_INVALID_NAMESPACE,
			    "stream root is not <stream:stream>");
		x->root_open = 1;
		x->close_pending = empty;
		x->stack[0] = (struct xml_open){ e, q, x->tag_qlen, outer,
		    outer_dflt };
		x->event = XML_STREAM_OPEN;
		return XML_NEXT_EVENT;
	}
	o = &x->stack[x->depth];
	if (x->depth > 0)
		stanza_append(o->node, e);
	if (empty) {
		x->ns = outer;
		x->dflt = outer_dflt;
		if (x->depth > 0)
			goto content;
		x->stack[1].node = e;
		goto element;
	}
	x->depth++;
	x->stack[x->depth] = (struct xml_open){ e, q, x->tag_qlen, outer,
	    outer_dflt };
content:
	xml_tok_start(x);
	return XML_NEXT_CONTENT;
element:
	x->event = XML_ELEMENT;
	return XML_NEXT_EVENT;
}

/* The name of an end tag ended at END: it must match the open element. */
static int
xml_end_name(struct xml_parser *x, const unsigned char *mark,
    const unsigned char *end, const unsigned char *acct)
{
	const struct xml_open *o = &x->stack[x->depth];
	const char *s;
	size_t n;

	if (xml_tok_end(x, mark, end, acct, &s, &n) == -1)
		return -1;
	if (n != o->qlen || !xml_same(s, o->qname, n))
		return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
		    "mismatched end tag");
	return 0;
}

/* An end tag ended: closes the element, the stanza or the stream. */
static enum xml_next
xml_end_tag(struct xml_parser *x)
{
	x->ns = x->stack[x->depth].ns;
	x->dflt = x->stack[x->depth].dflt;
	if (x->depth == 0) {
		x->event = XML_STREAM_CLOSE;
		return XML_NEXT_EVENT;
	}
	if (--x->depth > 0) {
		xml_tok_start(x);
		return XML_NEXT_CONTENT;
	}
	x->event = XML_ELEMENT;
	return XML_NEXT_EVENT;
}

/*
 * Character data ended at END, on the byte after the '<' that ends it:
 * becomes a text node of the open element (CDATA sections included, so
 * that text nodes are never adjacent). The node and its text take one
 * allocation.
 */
static int
xml_text(struct xml_parser *x, const unsigned char *mark,
    const unsigned char *end, const unsigned char *acct)
{
	struct stanza_node *t;
	const char *s;
	size_t n;
	char *m;

	if (xml_tok_end(x, mark, end, acct, &s, &n) == -1)
		return -1;
	if (--n == 0)
		return 0;
	if ((t = arena_alloc(&x->elem_arena, sizeof(*t) + n + 1)) == NULL)
		return xml_fail(x, XML_ERR_INTERNAL, "out of memory");
	m = (char *)(t + 1);
	*t = (struct stanza_node){ .kind = STANZA_TEXT, .ns = "", .name = "",
	    .text = m, .text_len = xml_put_token(m, s, n, XML_MODE_TEXT,
	    x->tok_flags) };
	/* Empty CDATA sections make no text. */
	if (t->text_len > 0)
		stanza_append(x->stack[x->depth].node, t);
	return 0;
}

/* A character reference's value must be a Char. */
static int
xml_check_cref(struct xml_parser *x)
{
	uint32_t c = x->cref;

	if (c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	    (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff))
		return 0;
	return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
	    "character reference to a non-character");
}

/* Adds digit value D in BASE to the character reference, saturating past
 * any Char so that long digit strings cannot overflow. */
static void
xml_cref_digit(struct xml_parser *x, uint32_t base, uint32_t d)
{
	x->cref = x->cref > 0x10ffff ? x->cref : x->cref * base + d;
}

%%{
	machine xml;
	access x->;
	alphtype unsigned char;

	# ---- actions: offsets, flags and calls into the C above ----------

	action tok_mark { xml_tok_start(x); mark = fpc; }
	action skip_text { fexec xml_skip_run(fpc + 1, pe, XML_C_TEXT); }
	action skip_dq { fexec xml_skip_run(fpc + 1, pe, XML_C_DQ); }
	action skip_sq { fexec xml_skip_run(fpc + 1, pe, XML_C_SQ); }
	action skip_name { fexec xml_skip(fpc + 1, pe, XML_C_NAME); }
	action name_colon { x->tok_flags |= XML_TOK_COLON; }
	action name_u8 { x->tok_flags |= XML_TOK_U8; }
	action val_mark { xml_tok_start(x); mark = fpc + 1; }
	action flag_ref { x->tok_flags |= XML_TOK_REF; }
	action flag_ws { x->tok_flags |= XML_TOK_WS; }
	action elem_begin { xml_elem_begin(x); acct = fpc; }
	action elem_name {
		if (xml_elem_name(x, mark, fpc, acct) == -1)
			fbreak;
	}
	action attr_name {
		if (xml_attr_name(x, mark, fpc, acct) == -1)
			fbreak;
	}
	action attr_value {
		if (xml_attr_value(x, mark, fpc, acct) == -1)
			fbreak;
	}
	action stag_end {
		next = xml_check_size(x, acct, fpc + 1) == -1 ?
		    XML_NEXT_ERROR : xml_start_tag(x, 0);
	}
	action empty_end {
		next = xml_check_size(x, acct, fpc + 1) == -1 ?
		    XML_NEXT_ERROR : xml_start_tag(x, 1);
	}
	action end_name {
		if (xml_end_name(x, mark, fpc, acct) == -1)
			fbreak;
	}
	action etag_end {
		next = xml_check_size(x, acct, fpc + 1) == -1 ?
		    XML_NEXT_ERROR : xml_end_tag(x);
	}
	action tag_done {
		if (next == XML_NEXT_ERROR)
			fbreak;
		if (next == XML_NEXT_CONTENT) {
			mark = fpc + 1;
			fnext content;
		} else {
			if (x->event == XML_STREAM_CLOSE || x->close_pending)
				fnext closed;
			else
				fnext stream;
			fbreak;
		}
	}
	# On the byte after the '<' that ends character data (and that the
	# token includes). Most tags follow tags: no text, nothing to do.
	action text_end {
		if ((fpc - mark > 1 || x->scratch_len != 0) &&
		    xml_text(x, mark, fpc, acct) == -1)
			fbreak;
		x->tok_open = 0;
	}
	action flag_cdata { x->tok_flags |= XML_TOK_CDATA; }
	action cref_init { x->cref = 0; }
	action cref_dec { xml_cref_digit(x, 10, xml_hex(fc)); }
	action cref_hex { xml_cref_digit(x, 16, xml_hex(fc)); }
	action cref_check {
		if (xml_check_cref(x) == -1)
			fbreak;
	}
	action restricted_entity {
		xml_fail(x, XML_ERR_RESTRICTED_XML, "entity reference");
		fbreak;
	}
	action restricted_comment {
		xml_fail(x, XML_ERR_RESTRICTED_XML, "comment");
		fbreak;
	}
	action restricted_pi {
		xml_fail(x, XML_ERR_RESTRICTED_XML, "processing instruction");
		fbreak;
	}
	action restricted_dtd {
		xml_fail(x, XML_ERR_RESTRICTED_XML,
		    "document type declaration");
		fbreak;
	}
	action restricted_text {
		xml_fail(x, XML_ERR_RESTRICTED_XML,
		    "character data between stanzas");
		fbreak;
	}
	action restricted_version {
		xml_fail(x, XML_ERR_RESTRICTED_XML,
		    "XML version other than 1.0");
		fbreak;
	}
	action bad_encoding {
		xml_fail(x, XML_ERR_UNSUPPORTED_ENCODING,
		    "encoding is not UTF-8");
		fbreak;
	}

	# ---- characters ---------------------------------------------------

	S = [ \t\r\n];
	u8tail = 0x80..0xbf;
	# UTF-8 for the Chars above ASCII: no overlong forms, no surrogates,
	# no U+FFFE/U+FFFF, nothing past U+10FFFF.
	u8multi = 0xc2..0xdf u8tail
	    | 0xe0 0xa0..0xbf u8tail
	    | (0xe1..0xec | 0xee) u8tail u8tail
	    | 0xed 0x80..0x9f u8tail
	    | 0xef (0x80..0xbe u8tail | 0xbf 0x80..0xbd)
	    | 0xf0 0x90..0xbf u8tail u8tail
	    | 0xf1..0xf3 u8tail u8tail u8tail
	    | 0xf4 0x80..0x8f u8tail u8tail;

	# Names: ASCII checked here, the rest (and QName form) in C.
	name_start = [A-Za-z_:] | u8multi;
	name_char = [A-Za-z0-9_:.\-] | u8multi;
	name = name_start name_char*;
	# In tags, runs of ASCII name characters are skipped in C: after one
	# the machine is in the same state whatever follows.
	# A colon or a non-ASCII character leaves the name for C to check.
	tag_name = ( [A-Za-z_] | u8multi @name_u8 ) ( [A-Za-z0-9_.\-] @skip_name
	    | ':' @name_colon | u8multi @name_u8 )*;

	predefined = 'lt' | 'gt' | 'amp' | 'apos' | 'quot';
	reference = '&' @flag_ref (
	      predefined
	    | (name - predefined) %restricted_entity
	    | '#' @cref_init ( [0-9]+ $cref_dec | 'x' [0-9a-fA-F]+ $cref_hex )
	      %cref_check
	    ) ';';

	# ---- tags -----------------------------------------------------------

	eq = S* '=' S*;
	attr_ws = [\t\n\r] @flag_ws;
	dq_value = '"' @val_mark ( (0x20..0x7f - ["&<]) @skip_dq | u8multi
	    | attr_ws | reference )* '"' @attr_value;
	sq_value = "'" @val_mark ( (0x20..0x7f - ['&<]) @skip_sq | u8multi
	    | attr_ws | reference )* "'" @attr_value;
	attribute = tag_name >tok_mark %attr_name eq ( dq_value | sq_value );

	stag_rest = tag_name >tok_mark %elem_name ( S+ attribute )* S*
	    ( '>' @stag_end @tag_done | '/>' @empty_end @tag_done );
	etag_rest = '/' tag_name >tok_mark %end_name S* '>' @etag_end @tag_done;

	# ---- the XML declaration and what may precede the root --------------

	q_version = '1.0' | ('1.' [0-9]+ - '1.0') %restricted_version;
	enc_name = 'utf-8'i
	    | ([A-Za-z] [A-Za-z0-9._\-]* - 'utf-8'i) %bad_encoding;
	yes_no = 'yes' | 'no';
	xmldecl = '<?xml' S+ 'version' eq
	    ('"' q_version '"' | "'" q_version "'")
	    ( S+ 'encoding' eq ('"' enc_name '"' | "'" enc_name "'") )?
	    ( S+ 'standalone' eq ('"' yes_no '"' | "'" yes_no "'") )?
	    S* '?>';
	# After "<?", anything but "xml" and white space is a PI.
	pi_rest = '?' ( (any - 'x') | 'x' (any - 'm') | 'xm' (any - 'l')
	    | 'xml' (any - S) ) @restricted_pi;
	prolog_lt = '<' @elem_begin ( stag_rest | '!--' @restricted_comment
	    | '!DOCTYPE' @restricted_dtd | pi_rest );
	# No XML in UTF-16 or UTF-32 starts with these bytes.
	bad_start = (0x00 | 0xfe | 0xff) @bad_encoding;

	main := bad_start
	    | (0xef 0xbb 0xbf)? xmldecl? S* prolog_lt;

	# ---- between stanzas ------------------------------------------------

	stream_lt = '<' @elem_begin ( stag_rest | etag_rest
	    | '!' @restricted_comment | '?' @restricted_pi );
	stream := ( S | stream_lt
	    | ((0x21..0x7f - '<') | u8multi) @restricted_text )*;

	# ---- inside a stanza ------------------------------------------------

	# Plain bytes are skipped in C; ']' and '>' are not plain, so that the
	# machine sees every "]]>".
	text_char = ( [\t\n] | 0x20..0x7f - [<&\]>] ) @skip_text | [\]>]
	    | '\r' @flag_ws | u8multi;
	chardata = ( text_char | reference )* -- ']]>';
	# A CDATA section stays in the character data's token.
	cdata_rest = '![CDATA[' @flag_cdata
	    ( ( 0x20..0x7f | [\t\n\r] | u8multi )* -- ']]>' ) ']]>';
	pi_rest_any = '?' @restricted_pi;
	# text_end runs before stag_rest's own entering action (ragel orders
	# the outer embedding first).
	content_lt = '<' ( (stag_rest | etag_rest) >text_end | cdata_rest
	    | '!--' @restricted_comment | pi_rest_any );
	content := ( chardata content_lt )*;

	# ---- after </stream:stream> -----------------------------------------

	closed := S*;

	write data noentry nofinal;
}%%

struct xml_parser *
xml_new(const struct xml_limits *limits)
{
	struct xml_parser *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->lim = *limits;
	if (x->lim.max_stanza == 0)
		x->lim.max_stanza = XML_DEFAULT_MAX_STANZA;
	if (x->lim.max_depth == 0)
		x->lim.max_depth = XML_DEFAULT_MAX_DEPTH;
	if (x->lim.max_attrs == 0)
		x->lim.max_attrs = XML_DEFAULT_MAX_ATTRS;
	x->root_arena.limit = x->elem_arena.limit =
	    x->lim.max_stanza > (SIZE_MAX - XML_ARENA_SLACK) /
	    XML_ARENA_PER_BYTE ? 0 :
	    x->lim.max_stanza * XML_ARENA_PER_BYTE + XML_ARENA_SLACK;
	xml_reset(x);
	return x;
}

void
xml_lower_max_stanza(struct xml_parser *x, size_t max)
{
	if (max != 0 && max < x->lim.max_stanza)
		x->lim.max_stanza = max;
}

void
xml_free(struct xml_parser *x)
{
	if (x == NULL)
		return;
	arena_free(&x->root_arena);
	arena_free(&x->elem_arena);
	free(x->scratch);
	free(x->attrs);
	free(x->stack);
	free(x);
}

void
xml_reset(struct xml_parser *x)
{
	arena_reset(&x->root_arena);
	arena_reset(&x->elem_arena);
	x->cs = xml_start;
	x->event = XML_NEED_MORE;
	x->err = XML_ERR_NONE;
	x->err_text = NULL;
	x->elem_returned = 0;
	x->close_pending = 0;
	x->tok_open = 0;
	x->scratch_len = 0;
	x->tag_open = 0;
	x->name_pending = 0;
	x->in_elem = 0;
	x->acct_bytes = 0;
	x->depth = 0;
	x->root_open = 0;
	x->ns = NULL;
	x->dflt = "";
}

/* The machine's goto code falls from state to state by design. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
enum xml_event
xml_parse(struct xml_parser *x, const char *data, size_t len,
    size_t *consumed)
{
	const unsigned char *p = (const unsigned char *)data, *pe = p + len;
	const unsigned char *mark = p, *acct = p;
	enum xml_next next = XML_NEXT_CONTENT;

	*consumed = 0;
	if (x->err != XML_ERR_NONE)
		return XML_ERROR;
	if (x->elem_returned) {
		arena_reset(&x->elem_arena);
		x->elem_returned = 0;
	}
	if (x->close_pending) {
		x->close_pending = 0;
		return x->event = XML_STREAM_CLOSE;
	}
	x->event = XML_NEED_MORE;

	%% write exec;

	if (x->err == XML_ERR_NONE && x->cs == xml_error)
		xml_fail(x, XML_ERR_NOT_WELL_FORMED, "not well-formed");
	if (x->err != XML_ERR_NONE)
		return x->event = XML_ERROR;
	*consumed = (size_t)(p - (const unsigned char *)data);
	if (x->event != XML_NEED_MORE) {
		x->in_elem = 0;
		x->elem_returned = x->event == XML_ELEMENT;
		return x->event;
	}
	/* The input ended inside a token: keep what was read of it. */
	if (x->in_elem) {
		if (xml_check_size(x, acct, pe) == -1)
			return x->event = XML_ERROR;
		x->acct_bytes += (size_t)(pe - acct);
	}
	if (x->tok_open && xml_scratch_add(x, mark, (size_t)(pe - mark)) == -1)
		return x->event = XML_ERROR;
	if (x->tag_open && xml_tag_save_all(x) == -1)
		return x->event = XML_ERROR;
	return XML_NEED_MORE;
}
#pragma GCC diagnostic pop

const struct stanza_node *
xml_stream_root(const struct xml_parser *x)
{
	return x->root_open ? x->stack[0].node : NULL;
}

struct stanza_node *
xml_element(struct xml_parser *x)
{
	return x->event == XML_ELEMENT ? x->stack[1].node : NULL;
}

struct arena *
xml_element_arena(struct xml_parser *x)
{
	return &x->elem_arena;
}

enum xml_error
xml_error_condition(const struct xml_parser *x)
{
	return x->err;
}

const char *
xml_error_text(const struct xml_parser *x)
{
	return x->err_text != NULL ? x->err_text : "";
}

const char *
xml_error_name(enum xml_error e)
{
	switch (e) {
	case XML_ERR_NOT_WELL_FORMED: return "not-well-formed";
	case XML_ERR_RESTRICTED_XML: return "restricted-xml";
	case XML_ERR_INVALID_NAMESPACE: return "invalid-namespace";
	case XML_ERR_BAD_NAMESPACE_PREFIX: return "bad-namespace-prefix";
	case XML_ERR_UNSUPPORTED_ENCODING: return "unsupported-encoding";
	case XML_ERR_POLICY_VIOLATION: return "policy-violation";
	case XML_ERR_INTERNAL: return "internal-server-error";
	case XML_ERR_NONE: break;
	}
	return "undefined-condition";
}
