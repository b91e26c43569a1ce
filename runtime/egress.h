/*
 * An egress: the way out towards a peer. Routing hands a checked,
 * serialized stanza to the egress of the destination peer's protocol; the
 * S2S layer is one (s2s_egress.c), the guard exchange protocol towards
 * a guard pair's validator another (gcxp_edge.c). What an egress cannot deliver comes back through
 * route_undeliverable(), the one upward edge besides route_stanza().
 */
#ifndef XEDGE_EGRESS_H
#define XEDGE_EGRESS_H

#include <stddef.h>

#include "policy_types.h"
#include "stanza_error.h"

/* The most rules a stanza's verdict path names. */
#define EGRESS_PATH_MAX 16

/* What a bounce needs of a stanza besides its bytes, and the rules that
 * acted on it (its verdict path, for a guard pair's validator). The
 * strings and the path belong to the caller; an egress that keeps the
 * stanza copies what it needs. */
struct egress_meta {
	enum gen_kind kind;
	const char *from, *to, *id, *type;
	unsigned rule;		/* the rule that let it cross */
	unsigned room_join;	/* presence joining a room: answered */
	const unsigned *path;	/* NPATH rules, in the order they acted */
	unsigned npath;
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

struct egress_ops;

/* A source that may wait for a destination: embedded in the source. */
struct egress_waiter {
	const struct egress_waiter_ops *ops;
	void *waiting_for;	/* the destination; NULL when not waiting */
	const struct egress_ops *egress;	/* the destination's egress */
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
	/* Takes W off the destination it waits for: its source is going
	 * away. */
	void (*unwait)(struct egress_waiter *w);
};

/*
 * For an egress that keeps a stanza waiting: the bytes the strings of M
 * take, and a copy of M in *KEPT whose strings are copied to TAIL (which
 * must have egress_meta_size(M) bytes); the verdict path is not kept.
 */
size_t egress_meta_size(const struct egress_meta *m);
void egress_meta_keep(struct egress_meta *kept, const struct egress_meta *m,
    char *tail);

/* A destination's list of waiting sources: W joins WAITERS of DST, of
 * egress EG, and its source pauses; W leaves the list; every source on the
 * list is let go (resumed). */
void egress_wait_on(struct egress_waiter **waiters, void *dst,
    const struct egress_ops *eg, struct egress_waiter *w);
void egress_unlist(struct egress_waiter **waiters, struct egress_waiter *w);
void egress_release(struct egress_waiter **waiters);

/* Takes W off whatever destination it waits for, of any egress. */
static inline void
egress_unwait(struct egress_waiter *w)
{
	if (w->waiting_for != NULL)
		w->egress->unwait(w);
}

/* The S2S egress (s2s_egress.c) and a guard pair's (gcxp_edge.c). */
extern const struct egress_ops s2s_egress;
extern const struct egress_ops gcxp_egress;

#endif
