/*
 * Text checks of the content stage (see content_text.h). A body is read a
 * few times over, each time by memchr() for a byte that the marker sought
 * must contain and ordinary text seldom does, which costs far less than a
 * substring search; the words and patterns then read the text where they
 * may start, whatever their number (text_scan.c).
 */
#include <string.h>
#include <strings.h>

#include "content_text.h"
#include "text_fold.h"

/* Whether TEXT[0..len) holds NEEDLE (of NLEN bytes) with its byte at
 * offset AT being C: memchr() for C, then a compare around it. */
static int
content_text_has(const char *text, size_t len, char c, const char *needle,
    size_t nlen, size_t at, int nocase)
{
	const char *p = text, *end = text + len, *q;

	while ((q = memchr(p, c, (size_t)(end - p))) != NULL) {
		if ((size_t)(q - text) >= at &&
		    (size_t)(end - (q - at)) >= nlen &&
		    (nocase ? strncasecmp(q - at, needle, nlen) :
		    memcmp(q - at, needle, nlen)) == 0)
			return 1;
		p = q + 1;
	}
	return 0;
}

/* Whether body text T carries OTR: the "?OTR" every OTR message starts
 * its protocol data with, or the whitespace tag that offers OTR in plain
 * text (OTR protocol, "Tagged plaintext messages"). */
static int
content_text_otr(const char *t, size_t n)
{
	static const char tag[] = " \t  \t\t\t\t \t \t \t  ";

	return content_text_has(t, n, '?', "?OTR", 4, 0, 0) ||
	    content_text_has(t, n, '\t', tag, sizeof(tag) - 1, 1, 0);
}

/* Whether body text T carries an encrypted file link (XEP-0454). */
static int
content_text_link(const char *t, size_t n)
{
	return content_text_has(t, n, ':', "aesgcm://", 9, 6, 1);
}

/* The length of the text below E, every text node in document order
 * (stripping may have made nodes adjacent); counts its nodes into *NODES
 * and leaves the last in *LAST. */
static size_t
content_text_len(const struct stanza_node *e, size_t *nodes,
    const struct stanza_node **last)
{
	const struct stanza_node *t;
	size_t n = 0;

	for (t = e->children; t != NULL; t = t->next) {
		if (t->kind == STANZA_TEXT) {
			++*nodes;
			*last = t;
			n += t->text_len;
		} else
			n += content_text_len(t, nodes, last);
	}
	return n;
}

/* Copies the text below E to OUT; returns the length copied. */
static size_t
content_text_copy(const struct stanza_node *e, char *out)
{
	const struct stanza_node *t;
	size_t n = 0;

	for (t = e->children; t != NULL; t = t->next) {
		if (t->kind == STANZA_TEXT) {
			memcpy(out + n, t->text, t->text_len);
			n += t->text_len;
		} else
			n += content_text_copy(t, out + n);
	}
	return n;
}

/* What content_text() knows of the text it read last (pipe_ctx.
 * text_known and text_marks). */
enum {
	CONTENT_TEXT_MARKS = 1,		/* text_marks holds the markers */
	CONTENT_TEXT_WORDS = 2,		/* text_hits holds the words */
	CONTENT_TEXT_OTR = 1,		/* text_marks: an OTR marker */
	CONTENT_TEXT_LINK = 2		/* text_marks: an encrypted link */
};

/* Reads the text below E into C: its markers if MARKS, its words if
 * WORDS, each unless known already. Returns 0, or -1 without memory. */
static int
content_text_read(struct pipe_ctx *c, const struct stanza_node *e,
    int marks, int words)
{
	struct pipe_buf *scratch = c->out;
	const struct stanza_node *one = NULL;
	const char *text;
	size_t nodes = 0, len = content_text_len(e, &nodes, &one), n;

	if (nodes > 1)
		one = NULL;
	/* The text in one piece: the node itself, or a copy at the start
	 * of SCRATCH; the folded text goes after it. */
	if (pipeline_buf_reserve(scratch, one != NULL ? len : 2 * len) == -1)
		return -1;
	text = one != NULL ? one->text : scratch->data;
	if (one == NULL)
		content_text_copy(e, scratch->data);
	if (marks) {
		c->text_marks = (content_text_otr(text, len) ?
		    CONTENT_TEXT_OTR : 0) | (content_text_link(text, len) ?
		    CONTENT_TEXT_LINK : 0);
		c->text_known |= CONTENT_TEXT_MARKS;
	}
	if (words) {
		/* Most text can match no list, which is found without
		 * folding it. Folding never lengthens text (text_fold.h). */
		c->text_hits = 0;
		if (text_may_match(text, len)) {
			n = text_fold(text, len, scratch->data +
			    (one != NULL ? 0 : len), len);
			c->text_hits = text_match(scratch->data +
			    (one != NULL ? 0 : len), n);
		}
		c->text_known |= CONTENT_TEXT_WORDS;
	}
	return 0;
}

unsigned
content_text(struct pipe_ctx *c, const struct gen_filter *f,
    const struct stanza_node *e, int body, const char **why)
{
	const unsigned *d = f->detect;
	int marks, words;
	uint64_t hit;

	*why = "";
	if (c->text_of != e || c->text_strips != c->nstrips) {
		c->text_of = e;
		c->text_strips = c->nstrips;
		c->text_known = 0;
	}
	marks = (d[GEN_DETECT_OTR] != 0 || d[GEN_DETECT_LINKS] != 0) &&
	    !(c->text_known & CONTENT_TEXT_MARKS);
	words = f->text != 0 && !(c->text_known & CONTENT_TEXT_WORDS);
	if ((marks || words) && content_text_read(c, e, marks, words) == -1) {
		*why = NULL;
		return 0;
	}
	if (d[GEN_DETECT_OTR] != 0 && (c->text_marks & CONTENT_TEXT_OTR)) {
		*why = "OTR-encrypted message";
		return d[GEN_DETECT_OTR];
	}
	if (d[GEN_DETECT_LINKS] != 0 && (c->text_marks & CONTENT_TEXT_LINK)) {
		*why = "encrypted file link";
		return d[GEN_DETECT_LINKS];
	}
	hit = c->text_hits & f->text;
	if (hit == 0)
		return 0;
	*why = body ? "words in the body" : "words in the subject";
	return c->policy->text_rules[__builtin_ctzll(hit)];
}
