/*
 * The escapes of the test files of tests/compiler/text/, for emit.c and
 * driver.c: %XX stands for the byte of hex value XX, so that a test can
 * hold invalid UTF-8 and control characters.
 */
#ifndef XEDGE_TEST_TEXT_UNESCAPE_H
#define XEDGE_TEST_TEXT_UNESCAPE_H

#include <stdio.h>

/* Decodes the escapes of the C string S in place; returns its new length
 * (it may hold NUL bytes now). */
static inline size_t
text_unescape(char *s)
{
	char *r = s, *w = s;
	unsigned v;

	for (; *r != '\0'; w++)
		if (r[0] == '%' && sscanf(r + 1, "%2x", &v) == 1) {
			*w = (char)v;
			r += 3;
		} else
			*w = *r++;
	*w = '\0';
	return (size_t)(w - s);
}

#endif
