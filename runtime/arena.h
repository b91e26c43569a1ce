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
	size_t *held;			/* NULL, or a counter of the bytes its
					 * chunks take from malloc */
};

/* Whether SIZE more bytes stay within A's limit. */
static inline int
arena_fits(const struct arena *a, size_t size)
{
	return a->limit == 0 || (a->used <= a->limit &&
	    size <= a->limit - a->used);
}

/* Returns SIZE bytes aligned for any type, or NULL past the limit (see
 * arena_fits) or when memory is exhausted. The memory lives until
 * arena_reset or arena_free. */
void *arena_alloc(struct arena *a, size_t size);

/* Returns a NUL-terminated copy of S[0..len) in the arena, or NULL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* Forgets every allocation; keeps the oldest chunk for reuse if it has the
 * first chunk's size, and frees every other. */
void arena_reset(struct arena *a);

/* Moves what A holds from the counter it had (if any) to HELD (may be
 * NULL), which its chunks are counted in from now on. */
void arena_count_into(struct arena *a, size_t *held);

/* Releases all memory; the arena is empty again. */
void arena_free(struct arena *a);

#endif
