/*
 * Bounded byte buffers for connection input and output. Memory is taken on
 * first use and given back when the buffer empties, so that an idle stream
 * holds none.
 */
#ifndef XEDGE_BUF_H
#define XEDGE_BUF_H

#include <stddef.h>

/* All-zero is an empty buffer with no bound (set max before use). */
struct buf {
	char *data;
	size_t start;	/* first unread byte */
	size_t end;	/* one past the last byte */
	size_t cap;	/* allocated */
	size_t max;	/* the bound on end - start */
	size_t *held;	/* NULL, or a counter of the bytes allocated */
};

static inline size_t buf_len(const struct buf *b) { return b->end - b->start; }
static inline const char *buf_head(const struct buf *b) { return b->data + b->start; }

/* Appends DATA[0..len); returns -1 (nothing appended) past the bound or when
 * memory is exhausted. */
int buf_append(struct buf *b, const void *data, size_t len);

/* Makes room for at least WANT bytes at the end (within the bound) and
 * returns where to write them and how many fit in *ROOM; NULL if full. */
char *buf_reserve(struct buf *b, size_t want, size_t *room);
/* Commits N bytes written after buf_reserve. */
void buf_commit(struct buf *b, size_t n);

/* Drops N bytes from the front; frees the memory when the buffer empties. */
void buf_consume(struct buf *b, size_t n);

void buf_free(struct buf *b);

/* Moves what B holds from the counter it had (if any) to HELD (may be
 * NULL), which its memory is counted in from now on. */
void buf_count_into(struct buf *b, size_t *held);

#endif
