/*
 * What presence folding last sent for each pair of users, so that an
 * update whose folded state did not change is not sent again
 * (xedge.policy(5), "presence fold").
 *
 * Bounded: a fixed table of pairs (bare sender, bare recipient), each with
 * the states of a few of the sender's resources; a pair that finds no room
 * is simply not remembered, which costs a repeated update, never a lost
 * one. Nothing is kept for a resource that went unavailable. Keys are
 * hashed with a secret drawn at start, so that a peer cannot aim its
 * stanzas at one slot.
 */
#ifndef XEDGE_FOLD_MEMO_H
#define XEDGE_FOLD_MEMO_H

#include <stddef.h>

/* Folded presence states; FOLD_UNAVAILABLE forgets. */
enum fold_state {
	FOLD_UNAVAILABLE = 0,
	FOLD_AVAILABLE,
	FOLD_AWAY
};

struct fold_memo;

/* Returns a memo of NSLOTS pairs (a power of two), or NULL; free with
 * fold_memo_free. */
struct fold_memo *fold_memo_new(size_t nslots);
void fold_memo_free(struct fold_memo *m);

/* Whether presence from full JID FROM to TO in STATE repeats what was
 * last sent for that resource (returns 1: do not send); else remembers
 * STATE (or forgets the resource for FOLD_UNAVAILABLE) and returns 0. */
int fold_memo_repeat(struct fold_memo *m, const char *from, const char *to,
    enum fold_state state);

/* Forgets what was sent between the users of JIDs A and B, either way:
 * a probe or a subscription change asks for presence to be sent again. */
void fold_memo_forget(struct fold_memo *m, const char *a, const char *b);

#endif
