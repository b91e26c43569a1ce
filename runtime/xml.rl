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
 * after it was returned. The element stack and the attribute table are
 * allocated once per parser and grow only up to the limits; the scratch
 * buffer grows up to the size limit and is freed after the element that
 * grew it past XML_SCRATCH_KEEP.
 */
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "xml_int.h"

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
		if (x->held != NULL)
			*x->held += cap - x->scratch_cap;
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

/* A '<' at the stream level or before the root: counting starts anew. */
static void
xml_elem_begin(struct xml_parser *x)
{
	x->in_elem = 1;
	x->acct_bytes = 0;
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
		return xml_alloc_failed(x, &x->elem_arena, sizeof(*t) + n + 1);
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

/* Puts the machine in its start state (for xml_reset). */
void
xml_machine_start(struct xml_parser *x)
{
	x->cs = xml_start;
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
		if (x->scratch_cap > XML_SCRATCH_KEEP)
			xml_scratch_free(x);
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
