/*
 * Allocation that cannot fail: xedgec is a command that runs once, so running
 * out of memory ends it with a message instead of threading errors through
 * every pass.
 */
#ifndef XEDGEC_XMALLOC_H
#define XEDGEC_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

/* A string made from FMT, as printf(3) would write it. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
