/*
 * Edit distance and the nearest candidate (see suggest.h).
 */
#include <stdint.h>
#include <string.h>

#include "suggest.h"

/* The largest distance suggested, whatever the word's length: a word
 * three edits away from a name is more likely another word. */
#define SUGGEST_MAX_DIST 2

/* The smallest of A, B and C. */
static size_t
suggest_min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * The distance by the usual dynamic programme, keeping three rows of the
 * table: the row before the previous one is what a swap of two bytes
 * looks back to.
 */
size_t
suggest_distance(const char *a, const char *b)
{
	size_t rows[3][SUGGEST_MAX_LEN + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;
	size_t la = strlen(a), lb = strlen(b), i, j, cost;

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] != b[j - 1];
			cur[j] = suggest_min3(prev[j] + 1, cur[j - 1] + 1,
			    prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

void
suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->dist = SIZE_MAX;
}

void
suggest_offer(struct suggest *s, const char *candidate)
{
	size_t d = suggest_distance(s->word, candidate);

	if (d < s->dist) {
		s->best = candidate;
		s->dist = d;
	}
}

const char *
suggest_best(const struct suggest *s)
{
	if (s->best == NULL || s->dist > SUGGEST_MAX_DIST ||
	    s->dist * 2 >= strlen(s->word))
		return NULL;
	return s->best;
}
