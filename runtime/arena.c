/*
 * The per-stanza bump allocator. Memory comes in chunks kept in a list, the
 * newest first; an allocation that does not fit the newest chunk starts a
 * new one twice as large (or as large as the request), so a stanza of N
 * bytes costs O(log N) calls to malloc and none once the first chunk is
 * large enough for the stanzas a connection usually carries. Between
 * stanzas an arena keeps one chunk of the first size at most, so memory a
 * large stanza took goes back when it has been handled.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* The first chunk's payload: a typical message stanza and its tree fit. */
#define ARENA_FIRST_CHUNK 8192
/* Chunks stop doubling here; larger requests still get a chunk of their own. */
#define ARENA_MAX_CHUNK (1024 * 1024)

struct arena_chunk {
	struct arena_chunk *next;	/* the chunk filled before this one */
	size_t size;			/* bytes of data[] */
	size_t off;			/* bytes of data[] in use */
	alignas(max_align_t) unsigned char data[];
};

/*
 * Takes a new chunk able to hold at least NEED bytes and puts it at the
 * head of A's list. Returns the chunk, or NULL when malloc fails.
 */
static struct arena_chunk *
arena_grow(struct arena *a, size_t need)
{
	struct arena_chunk *c;
	size_t size;

	size = a->head == NULL ? ARENA_FIRST_CHUNK : a->head->size * 2;
	if (size > ARENA_MAX_CHUNK)
		size = ARENA_MAX_CHUNK;
	if (size < need)
		size = need;
	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	if ((c = malloc(sizeof(*c) + size)) == NULL)
		return NULL;
	if (a->held != NULL)
		*a->held += sizeof(*c) + size;
	c->next = a->head;
	c->size = size;
	c->off = 0;
	a->head = c;
	return c;
}

/* The slow path of arena_take: a new chunk for SIZE bytes, or NULL. */
static void *
arena_take_new(struct arena *a, size_t size)
{
	struct arena_chunk *c;

	if ((c = arena_grow(a, size)) == NULL)
		return NULL;
	c->off = size;
	a->used += size;
	return c->data;
}

/*
 * Returns SIZE bytes whose offset in their chunk is a multiple of ALIGN (a
 * power of two), or NULL past the limit or without memory. The common case,
 * room in the head chunk, comes first and calls nothing.
 */
static inline void *
arena_take(struct arena *a, size_t size, size_t align)
{
	struct arena_chunk *c = a->head;
	size_t off;

	if (!arena_fits(a, size))
		return NULL;
	if (c != NULL) {
		off = (c->off + align - 1) & ~(align - 1);
		if (off <= c->size && size <= c->size - off) {
			c->off = off + size;
			a->used += size;
			return c->data + off;
		}
	}
	return arena_take_new(a, size);
}

void *
arena_alloc(struct arena *a, size_t size)
{
	return arena_take(a, size == 0 ? 1 : size, alignof(max_align_t));
}

/* Strings need no alignment, which keeps short names packed together. */
char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *d;

	if (len == SIZE_MAX || (d = arena_take(a, len + 1, 1)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* Frees chunk C of A, which no longer lists it. */
static void
arena_chunk_free(struct arena *a, struct arena_chunk *c)
{
	if (a->held != NULL)
		*a->held -= sizeof(*c) + c->size;
	free(c);
}

/*
 * Keeps the oldest chunk if it has the first chunk's size (a single large
 * request may have made it larger): a long-lived connection thus holds one
 * small chunk between stanzas however large a past stanza was.
 */
void
arena_reset(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (a->head == NULL)
		return;
	for (c = a->head; c->next != NULL; c = next) {
		next = c->next;
		arena_chunk_free(a, c);
	}
	a->used = 0;
	if (c->size > ARENA_FIRST_CHUNK) {
		arena_chunk_free(a, c);
		a->head = NULL;
		return;
	}
	c->off = 0;
	a->head = c;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		arena_chunk_free(a, c);
	}
	a->head = NULL;
	a->used = 0;
}

void
arena_count_into(struct arena *a, size_t *held)
{
	const struct arena_chunk *c;
	size_t n = 0;

	for (c = a->head; c != NULL; c = c->next)
		n += sizeof(*c) + c->size;
	if (a->held != NULL)
		*a->held -= n;
	if (held != NULL)
		*held += n;
	a->held = held;
}
