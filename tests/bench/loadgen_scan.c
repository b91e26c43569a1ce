/*
 * loadgen: the stanza splitter, which cuts received plaintext into stream
 * headers and top-level elements, and helpers that look inside a tag.
 */
#include <stddef.h>
#include <string.h>

#include "loadgen.h"

/*
 * Finds the next event in BUF[0..LEN) from S->pos on. For LG_EV_OPEN and
 * LG_EV_ELEMENT, [*START, *END) is the stream header or the element. This
 * is a splitter for trusted peers, not a parser: it follows quotes inside
 * tags and element depth, skips declarations, and believes the rest.
 */
enum lg_event
lg_scan_next(struct lg_scan *s, const char *buf, size_t len, size_t *start,
    size_t *end)
{
	while (s->pos < len) {
		const char *lt, *p;
		char quote = 0;
		size_t tag, gt;

		if ((lt = memchr(buf + s->pos, '<', len - s->pos)) == NULL) {
			s->pos = len;
			break;
		}
		tag = (size_t)(lt - buf);
		s->pos = tag;
		for (p = lt + 1; p < buf + len; p++) {
			if (quote != 0) {
				if (*p == quote)
					quote = 0;
			} else if (*p == '\'' || *p == '"')
				quote = *p;
			else if (*p == '>')
				break;
		}
		if (p == buf + len)
			break;
		gt = (size_t)(p - buf);
		s->pos = gt + 1;
		if (gt == tag + 1)
			return LG_EV_ERROR;
		if (buf[tag + 1] == '?' || buf[tag + 1] == '!')
			continue;
		if (buf[tag + 1] == '/') {
			if (--s->depth == 1) {
				*start = s->elem;
				*end = s->pos;
				return LG_EV_ELEMENT;
			}
			if (s->depth == 0)
				return LG_EV_CLOSE;
			if (s->depth < 0)
				return LG_EV_ERROR;
			continue;
		}
		if (s->depth == 0) {
			s->depth = 1;
			*start = tag;
			*end = s->pos;
			return LG_EV_OPEN;
		}
		if (s->depth == 1)
			s->elem = tag;
		if (buf[gt - 1] != '/')
			s->depth++;
		else if (s->depth == 1) {
			*start = tag;
			*end = s->pos;
			return LG_EV_ELEMENT;
		}
	}
	return LG_EV_MORE;
}

/* Returns whether the tag at BUF[START..END) has local name NAME. */
int
lg_is(const char *buf, size_t start, size_t end, const char *name)
{
	const char *p = buf + start + 1, *e = buf + end, *q, *colon;
	size_t len = strlen(name);

	for (q = p; q < e && strchr(" \t\r\n/>", *q) == NULL; q++)
		;
	if ((colon = memchr(p, ':', (size_t)(q - p))) != NULL)
		p = colon + 1;
	return (size_t)(q - p) == len && memcmp(p, name, len) == 0;
}

int
lg_has(const char *buf, size_t start, size_t end, const char *s)
{
	return memmem(buf + start, end - start, s, strlen(s)) != NULL;
}

/*
 * Copies the value of attribute NAME of the tag at BUF[START..END) into
 * VAL (SIZE bytes, NUL-terminated). Returns 0, or -1 if it is absent or
 * too long.
 */
int
lg_attr(const char *buf, size_t start, size_t end, const char *name,
    char *val, size_t size)
{
	const char *p = buf + start, *e = buf + end, *q;
	size_t len = strlen(name);

	while ((q = memmem(p, (size_t)(e - p), name, len)) != NULL) {
		p = q + len;
		if (q > buf + start && strchr(" \t\r\n", q[-1]) != NULL &&
		    p + 1 < e && *p == '=' && (p[1] == '\'' || p[1] == '"')) {
			const char *v = p + 2, *ve = memchr(v, p[1],
			    (size_t)(e - v));

			if (ve == NULL || (size_t)(ve - v) >= size)
				return -1;
			memcpy(val, v, (size_t)(ve - v));
			val[ve - v] = '\0';
			return 0;
		}
	}
	return -1;
}
