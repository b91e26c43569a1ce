/*
 * An egress: the way out towards a peer. Routing hands a checked,
 * serialized stanza to the egress of the destination peer's protocol; the
 * S2S layer is one (s2s_egress.c), the guard exchange protocol will be
 * another. What an egress cannot deliver comes back through
 * route_undeliverable(), the one upward edge besides route_stanza().
 */
#ifndef XEDGE_EGRESS_H
#define XEDGE_EGRESS_H

#include <stddef.h>

#include "policy_types.h"
#include "stanza_error.h"

/* What a bounce needs of a stanza besides its bytes. The strings belong to
 * the caller; an egress that keeps the stanza copies them. */
struct egress_meta {
	enum gen_kind kind;
	const char *from, *to, *id, *type;
	unsigned rule;		/* the rule that let it cross */
	unsigned room_join;	/* presence joining a room: answered */
};

struct egress_waiter;

/*
 * How backed up a destination is, in increasing order. A source waits for
 * a destination it sends to only at EGRESS_SLOW; for the destination of
 * the bounces it causes, already at EGRESS_BACKLOG.
 */
enum egress_pressure {
	EGRESS_OK = 0,
	EGRESS_BACKLOG,	/* stanzas wait for the stream to be ready */
	EGRESS_SLOW	/* ready, and its output is backed up but moving */
};

/* How a source is stopped and restarted (backpressure). */
struct egress_waiter_ops {
	void (*pause)(struct egress_waiter *w);
	void (*resume)(struct egress_waiter *w);
};

/* A source that may wait for a destination: embedded in the source. */
struct egress_waiter {
	const struct egress_waiter_ops *ops;
	void *waiting_for;	/* the destination; NULL when not waiting */
	struct egress_waiter *next;	/* the destination's list */
};

struct egress_ops {
	/*
	 * Returns the destination for stanzas from LOCAL (a domain the guard
	 * stands in for) to REMOTE at PEER, opening one if there is none and
	 * the peer may be tried now; NULL with *COND set when none can be
	 * had (peer down and backing off, shutting down, no memory).
	 */
	void *(*get)(int peer, const char *local, const char *remote,
	    enum stanza_cond *cond);
	/* Sends BYTES[0..len), or keeps them until DST is ready. Returns 0,
	 * or -1 with *COND when DST cannot take the stanza. */
	int (*send)(void *dst, const char *bytes, size_t len,
	    const struct egress_meta *m, enum stanza_cond *cond);
	/* How backed up DST is. */
	enum egress_pressure (*pressure)(const void *dst);
	/* Pauses W until DST has caught up, or gives up on it. */
	void (*wait)(void *dst, struct egress_waiter *w);
};

/* The S2S egress (s2s_egress.c). */
extern const struct egress_ops s2s_egress;

#endif
