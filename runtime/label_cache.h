/*
 * The label stage's memory of its decisions (label_cache.c): labelled
 * traffic repeats a few labels, and decoding and deciding one costs far
 * more than finding it again. A decision is kept per label text and pair
 * of clearances (the source's and the destination's), in a bounded table; a label is compared whole, never by its
 * hash alone, so that a collision cannot pass one label for another.
 */
#ifndef XEDGE_LABEL_CACHE_H
#define XEDGE_LABEL_CACHE_H

#include <stddef.h>

/* The longest label text kept; longer ones are decided every time. */
#define LABEL_CACHE_TEXT 240

/* Decisions kept, at most. */
#define LABEL_CACHE_SLOTS 512

struct gen_classification;

/* A decision on a label between two clearances. */
struct label_verdict {
	int deny;			/* LABEL_ALLOW, or who refuses it */
	const char *why;		/* static text, for a refusal */
	/* Allowed: the label's classification in the destination's label
	 * policy, for its display marking (NULL: not cleared, or no
	 * label); and the ESS label (base64) it leaves as, when it is
	 * relabelled (NULL: it leaves as it came). */
	const struct gen_classification *mark;
	const char *out;
	size_t out_len;
};

/* label_verdict.deny: allowed; refused by the source's clearance, by the
 * destination's (PIPE_INBOUND, PIPE_OUTBOUND); invalid (the label rule). */
#define LABEL_ALLOW (-1)
#define LABEL_BAD 2

/* Sets *V to the decision kept for label TEXT (LEN bytes) between the
 * clearances SRC and DST (their addresses: the generated tables'); its
 * OUT is then the cache's copy, valid until the next label_cache_put().
 * Returns 1, or 0 when none is kept. */
int label_cache_get(const char *text, size_t len, const void *src,
    const void *dst, struct label_verdict *v);

/* Keeps decision V for label TEXT (LEN bytes) between SRC and DST, in
 * place of another if need be; not when the label, or the one it leaves
 * as, is longer than LABEL_CACHE_TEXT. */
void label_cache_put(const char *text, size_t len, const void *src,
    const void *dst, const struct label_verdict *v);

#endif
