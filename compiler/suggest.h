/*
 * "Did you mean": the candidate nearest to a misspelled word, by
 * Damerau-Levenshtein distance (optimal string alignment: insertions,
 * deletions, substitutions and swaps of two neighbouring bytes). A
 * candidate is suggested only when it is close for the word's length, so
 * that a short or a wholly different word gets no suggestion rather than
 * a wrong one.
 *
 * The caller offers the candidates one by one (keywords from the parser's
 * token table, names from a pass's own tables), so that each pass keeps
 * its names where they are:
 *
 *	struct suggest s;
 *
 *	suggest_init(&s, word);
 *	for (...)
 *		suggest_offer(&s, name);
 *	if (suggest_best(&s) != NULL) ...
 */
#ifndef XEDGEC_SUGGEST_H
#define XEDGEC_SUGGEST_H

#include <stddef.h>

/* Words longer than this get no suggestion: no name of a policy is as
 * long, and the distance is computed in fixed rows. */
#define SUGGEST_MAX_LEN 64

struct suggest {
	const char *word;	/* the misspelling; borrowed */
	const char *best;	/* the nearest candidate so far; borrowed */
	size_t dist;		/* its distance */
};

/* Starts a search for the nearest candidate to WORD, which must outlive
 * S. */
void suggest_init(struct suggest *s, const char *word);

/* Offers CANDIDATE (which must outlive S). The first of equally near
 * candidates is kept, so that the order of offering decides ties. */
void suggest_offer(struct suggest *s, const char *candidate);

/* The nearest candidate offered if it is close enough to suggest (a
 * distance of at most 2, and less than half the word's length), else
 * NULL. */
const char *suggest_best(const struct suggest *s);

/* The Damerau-Levenshtein (optimal string alignment) distance between A
 * and B, or SIZE_MAX if either is longer than SUGGEST_MAX_LEN. */
size_t suggest_distance(const char *a, const char *b);

#endif
