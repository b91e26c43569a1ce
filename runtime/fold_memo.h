/*
 * What presence folding last sent for each pair of users, so that an
 * update whose folded state did not change is not sent again
 * (xedge.policy(5), "presence fold").
 *
 * Bounded: a fixed table of pairs (bare sender, bare recipient), each with
 * the state last sent from a few of the sender's resources to the
 * recipient's bare JID or to one of its resources (directed presence, as
 * to a room occupant, counts apart); a pair that finds no room
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

/* Returns a memo of NSLOTS pairs, or NULL (also when NSLOTS is not a
 * power of two); free with fold_memo_free. */
struct fold_memo *fold_memo_new(size_t nslots);
void fold_memo_free(struct fold_memo *m);

/* Whether presence from full JID FROM to TO (bare or full) in STATE
 * repeats what that resource last sent to TO (returns 1: do not send);
 * else remembers STATE and returns 0. FOLD_UNAVAILABLE forgets what the
 * resource sent to any JID of TO's user. */
int fold_memo_repeat(struct fold_memo *m, const char *from, const char *to,
    enum fold_state state);

/* Forgets what was sent between the users of JIDs A and B, either way:
 * a probe or a subscription change asks for presence to be sent again. */
void fold_memo_forget(struct fold_memo *m, const char *a, const char *b);

#endif
