/*
 * Bounded byte buffers. A buffer takes memory on first use, reuses the
 * space before its start (memmove) before it grows, never holds more than
 * its bound, and gives its memory back as soon as it empties, so an idle
 * connection costs no buffer memory at all.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"

/* The smallest allocation, so that a few small appends do not each
 * reallocate. */
#define BUF_MIN_CAP 512

/*
 * Makes at least WANT bytes (fewer if the bound says so) free at the end of
 * B: first by moving the unread bytes to the front, then by growing to twice
 * the capacity or to what is needed, whichever is more, within the bound.
 * Returns the free space at the end (0 if the buffer is full), or (size_t)-1
 * when memory is exhausted.
 */
static size_t
buf_make_room(struct buf *b, size_t want)
{
	size_t len = buf_len(b);
	size_t limit = b->max - len;
	size_t need, cap;
	char *p;

	if (want > limit)
		want = limit;
	if (want == 0)
		return 0;
	if (b->cap - b->end >= want)
		return b->cap - b->end;
	if (b->start > 0 && b->cap - len >= want) {
		memmove(b->data, b->data + b->start, len);
		b->start = 0;
		b->end = len;
		return b->cap - b->end;
	}
	need = len + want;
	cap = b->cap * 2;
	if (cap < BUF_MIN_CAP)
		cap = BUF_MIN_CAP;
	if (cap < need)
		cap = need;
	if (cap > b->max)
		cap = b->max;
	if (b->start > 0) {
		memmove(b->data, b->data + b->start, len);
		b->start = 0;
		b->end = len;
	}
	p = realloc(b->data, cap);
	if (p == NULL)
		return (size_t)-1;
	if (b->held != NULL)
		*b->held += cap - b->cap;
	b->data = p;
	b->cap = cap;
	return b->cap - b->end;
}

int
buf_append(struct buf *b, const void *data, size_t len)
{
	size_t room;

	if (len == 0)
		return 0;
	if (len > b->max - buf_len(b))
		return -1;
	room = buf_make_room(b, len);
	if (room == (size_t)-1 || room < len)
		return -1;
	memcpy(b->data + b->end, data, len);
	b->end += len;
	return 0;
}

char *
buf_reserve(struct buf *b, size_t want, size_t *room)
{
	size_t n;

	n = buf_make_room(b, want);
	if (n == 0 || n == (size_t)-1) {
		*room = 0;
		return NULL;
	}
	/* Space past the bound is allocated but not the caller's to fill. */
	if (n > b->max - buf_len(b))
		n = b->max - buf_len(b);
	*room = n;
	return b->data + b->end;
}

/*
 * Commits N bytes written after buf_reserve. A reader that got nothing
 * commits 0, which gives back the memory buf_reserve took if the buffer is
 * still empty.
 */
void
buf_commit(struct buf *b, size_t n)
{
	XEDGE_ASSERT(n <= b->cap - b->end);
	b->end += n;
	if (b->end == b->start)
		buf_free(b);
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= buf_len(b)) {
		buf_free(b);
		return;
	}
	b->start += n;
}

void
buf_free(struct buf *b)
{
	if (b->held != NULL)
		*b->held -= b->cap;
	free(b->data);
	b->data = NULL;
	b->start = 0;
	b->end = 0;
	b->cap = 0;
}

void
buf_count_into(struct buf *b, size_t *held)
{
	if (b->held != NULL)
		*b->held -= b->cap;
	if (held != NULL)
		*held += b->cap;
	b->held = held;
}
