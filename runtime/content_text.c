/*
 * Text checks of the content stage (see content_text.h). A body is read a
 * few times over, each time by memchr() for a byte that the marker sought
 * must contain and ordinary text seldom does, which costs far less than a
 * substring search; the words and patterns then read the folded text once,
 * whatever their number.
 */
#include <stdlib.h>
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

/* Folds the text nodes of E into SCRATCH; returns the length, or -1. */
static long
content_text_fold(const struct stanza_node *e, struct pipe_buf *scratch)
{
	const struct stanza_node *t;
	size_t len = 0, n = 0;
	char *grown;

	for (t = e->children; t != NULL; t = t->next)
		if (t->kind == STANZA_TEXT)
			len += t->text_len;
	/* Folding never lengthens text (text_fold.h). */
	if (len > scratch->cap) {
		if ((grown = realloc(scratch->data, len)) == NULL)
			return -1;
		scratch->data = grown;
		scratch->cap = len;
	}
	for (t = e->children; t != NULL; t = t->next)
		if (t->kind == STANZA_TEXT)
			n += text_fold(t->text, t->text_len, scratch->data + n,
			    len - n);
	return (long)n;
}

unsigned
content_text(const struct gen_policy *p, const struct gen_filter *f,
    const struct stanza_node *e, int body, struct pipe_buf *scratch,
    const char **why)
{
	const struct stanza_node *t;
	uint64_t hit;
	long n;

	*why = "";
	for (t = e->children; body && t != NULL; t = t->next) {
		if (t->kind != STANZA_TEXT)
			continue;
		if (f->detect[GEN_DETECT_OTR] != 0 &&
		    content_text_otr(t->text, t->text_len)) {
			*why = "OTR-encrypted message";
			return f->detect[GEN_DETECT_OTR];
		}
		if (f->detect[GEN_DETECT_LINKS] != 0 &&
		    content_text_link(t->text, t->text_len)) {
			*why = "encrypted file link";
			return f->detect[GEN_DETECT_LINKS];
		}
	}
	if (f->text == 0)
		return 0;
	if ((n = content_text_fold(e, scratch)) < 0) {
		*why = NULL;
		return 0;
	}
	hit = gen_text_match(scratch->data, (size_t)n) & f->text;
	if (hit == 0)
		return 0;
	*why = body ? "words in the body" : "words in the subject";
	return p->text_rules[__builtin_ctzll(hit)];
}
