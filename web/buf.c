/*
 * The response buffer and the escaping of every value that came from the
 * network, one function per output format (web_int.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_int.h"

/* Makes room for N more bytes and a terminator; 0 or -1 (B failed). */
static int
web_grow(struct web_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (n > WEB_BODY_MAX - b->len) {
		b->failed = 1;
		return -1;
	}
	if (b->len + n + 1 <= b->cap)
		return 0;
	cap = b->cap == 0 ? 4096 : b->cap;
	while (cap < b->len + n + 1)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void
web_putn(struct web_buf *b, const char *s, size_t n)
{
	if (web_grow(b, n) == -1)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
web_puts(struct web_buf *b, const char *s)
{
	web_putn(b, s, strlen(s));
}

void
web_printf(struct web_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || web_grow(b, (size_t)n) == -1)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/*
 * Appends S, each byte that ESCAPE names replaced by its text. Runs of
 * plain bytes are copied whole.
 */
static void
web_put_escaped(struct web_buf *b, const char *s,
    const char *(*escape)(unsigned char c, char tmp[8]))
{
	const char *run = s, *e;
	char tmp[8];

	for (; *s != '\0'; s++) {
		e = escape((unsigned char)*s, tmp);
		if (e == NULL)
			continue;
		web_putn(b, run, (size_t)(s - run));
		web_puts(b, e);
		run = s + 1;
	}
	web_putn(b, run, (size_t)(s - run));
}

static const char *
web_escape_html(unsigned char c, char tmp[8])
{
	(void)tmp;
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

/* '<', '>' and '&' too, so that a JSON text is inert inside HTML. */
static const char *
web_escape_json(unsigned char c, char tmp[8])
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default:
		break;
	}
	if (c >= 0x20 && c != 0x7f && c != '<' && c != '>' && c != '&')
		return NULL;
	snprintf(tmp, 8, "\\u%04x", c);
	return tmp;
}

static const char *
web_escape_label(unsigned char c, char tmp[8])
{
	(void)tmp;
	switch (c) {
	case '\\': return "\\\\";
	case '"': return "\\\"";
	case '\n': return "\\n";
	default: return NULL;
	}
}

void
web_put_html(struct web_buf *b, const char *s)
{
	web_put_escaped(b, s, web_escape_html);
}

void
web_put_json(struct web_buf *b, const char *s)
{
	web_putn(b, "\"", 1);
	web_put_escaped(b, s, web_escape_json);
	web_putn(b, "\"", 1);
}

void
web_put_json_or_null(struct web_buf *b, const char *s)
{
	if (s != NULL)
		web_put_json(b, s);
	else
		web_puts(b, "null");
}

void
web_put_label(struct web_buf *b, const char *s)
{
	web_put_escaped(b, s, web_escape_label);
}
