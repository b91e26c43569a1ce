/*
 * The prefilter of text_match(): where in a text the policy's words and
 * patterns may start.
 *
 * A match starts with three bytes (the separator after a short word, or
 * the separator the text is taken to end with, counting among them). The
 * gate knows, for each of the first three places, a set of bytes in each
 * of a few buckets (TEXT_GATE_BUCKETS): every start of every list, read
 * in the folded text, is in all three sets of some bucket. The sets are
 * learnt from the machine itself (gen_text_anchor()), by every path of
 * three bytes that does not kill it; a set holds the upper case of each
 * lower case ASCII letter it holds, so that the gate may read text not
 * yet folded. Bytes beyond ASCII are in no set: a window of three bytes
 * that holds one is always let through, whatever fold would make of it.
 *
 * The sets are kept as the high and low halves of each byte (the way a
 * byte shuffle can look them up sixteen or thirty-two bytes at a time),
 * which lets through a little more than the sets themselves: what is let
 * through is checked by the caller, so the gate need only never miss.
 */
#ifndef XEDGE_TEXT_GATE_H
#define XEDGE_TEXT_GATE_H

#include <stdint.h>

/* The buckets: one bit of a byte each. */
#define TEXT_GATE_BUCKETS 8

/* The places of a window the gate looks at. */
#define TEXT_GATE_WIDTH 3

/* The learnt sets: bit K of lo[I][N] (hi[I][N]) is set when bucket K
 * holds at place I a byte whose low (high) four bits are N. Each table of
 * sixteen is there twice, as a shuffle of 32 bytes reads it. */
struct text_gate {
	_Alignas(32) uint8_t lo[TEXT_GATE_WIDTH][32];
	_Alignas(32) uint8_t hi[TEXT_GATE_WIDTH][32];
};

/* Learns the gate from the machine of the policy's lists (at least one):
 * a millisecond or so, once. */
void text_gate_learn(struct text_gate *g);

/*
 * The first position in [P, END) of the text [TEXT, END) that may start
 * a list for G: where a word may start (the byte before is no ASCII
 * letter or digit; the text is taken to start after a separator) and
 * the three bytes from it (a space for each one past END, the separator
 * the text is taken to end with) are all in the sets of one bucket, or
 * hold a byte beyond ASCII. END when there is none.
 */
const unsigned char *text_gate_next(const struct text_gate *g,
    const unsigned char *text, const unsigned char *p,
    const unsigned char *end);

#endif
