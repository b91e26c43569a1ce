/*
 * A bump allocator for per-stanza memory: everything a stanza needs is taken
 * from one arena and released in one call when the stanza has been handled.
 */
#ifndef XEDGE_ARENA_H
#define XEDGE_ARENA_H

#include <stddef.h>

struct arena_chunk;

/* All-zero is an empty arena that allocates its first chunk on demand. */
struct arena {
	struct arena_chunk *head;	/* chunk being filled; older ones follow */
	size_t used;			/* bytes handed out in total */
	size_t limit;			/* 0: unbounded; else arena_alloc fails past it */
};

/* Returns SIZE bytes aligned for any type, or NULL past the limit or when
 * memory is exhausted. The memory lives until arena_reset or arena_free. */
void *arena_alloc(struct arena *a, size_t size);

/* Returns a NUL-terminated copy of S[0..len) in the arena, or NULL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* Forgets every allocation but keeps the first chunk for reuse. */
void arena_reset(struct arena *a);

/* Releases all memory; the arena is empty again. */
void arena_free(struct arena *a);

#endif
