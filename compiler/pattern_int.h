/*
 * What pattern.c offers emit_text.c: the ragel form of one checked word
 * or pattern, and of a set of characters.
 */
#ifndef XEDGEC_PATTERN_INT_H
#define XEDGEC_PATTERN_INT_H

#include "out.h"
#include "pattern.h"
#include "text_fold.h"

/*
 * The machines the ragel form of a pattern refers to, which the file
 * defines before the lists: one UTF-8 character, one separator (non-word
 * character), one word character.
 */
#define PATTERN_RL_CHAR "u8char"
#define PATTERN_RL_SEP "sep"
#define PATTERN_RL_WORD "word"

/*
 * Writes to O a ragel expression for the characters of the N sorted,
 * disjoint ranges R (surrogates left out): an alternation of UTF-8 byte
 * sequences, each byte a hex literal or a range of them.
 */
void pattern_write_ranges(struct out *o, const struct text_range *r,
    size_t n);

/*
 * Writes to O the ragel expression for TEXT of kind KIND, folded. TEXT
 * must have passed pattern_check(): anything else is a broken invariant
 * (fatal).
 */
void pattern_write(struct out *o, enum pattern_kind kind, const char *text);

#endif
