/*
 * Routing: the stanza pipeline on a running guard. A stanza from an
 * authenticated stream goes through pipeline_run(); what passes is handed
 * to the egress of its destination peer; what is refused, or what an
 * egress cannot deliver, goes back to its sender as a stanza error from a
 * domain the guard stands in for. Every outcome is counted against the rule
 * that decided it, and every violation raises an alert.
 */
#ifndef XEDGE_ROUTE_H
#define XEDGE_ROUTE_H

#include <stdint.h>

#include "alert.h"
#include "egress.h"
#include "pipeline.h"

struct fold_memo;

/* The router's state; one per guard, or one per test. */
struct route_env {
	const struct gen_policy *policy;
	/* The egress of each protocol; NULL where none is built. */
	const struct egress_ops *egress[2];
	struct pipe_buf out;		/* serialization buffer */
	struct pipe_buf bounce;		/* a bounce's, apart: see route.c */
	uint64_t (*counters)[GEN_VERDICT_COUNT];	/* per rule */
	struct alert_config alert_cfg;	/* from the policy's alert block */
	struct alert_state alerts;
	struct fold_memo *memo;		/* folded presence already sent */
};

/* A stanza's source: the stream it came on, as the pipeline sees it, plus
 * what routing needs to make it wait. */
struct route_source {
	struct pipe_source pipe;
	uint64_t conn_id;		/* for the log; 0 if none */
	struct egress_waiter *waiter;	/* NULL: the source never waits */
	struct arena *arena;		/* the stanza's (see pipe_ctx) */
};

/* Presence pairs the fold memo keeps (fold_memo.h): 32 bytes each. */
#define ROUTE_FOLD_SLOTS 32768

/* Sets up R for policy P with the S2S egress, its alerts (their file is
 * opened here: call it before privileges drop) and the fold memo; 0, or
 * -1 (reported). */
int route_init(struct route_env *r, const struct gen_policy *p);

/* Closes the rate windows of R's alerts that are over; called about
 * once a second. */
void route_tick(struct route_env *r);

/* Frees what R holds; R is all-zero again. */
void route_free(struct route_env *r);

/*
 * Takes stanza E from SRC: delivers it, bounces it or drops it. Returns 0,
 * or -1 when SRC broke the protocol and must end with the stream error *SE
 * (*WHY is a short text for it).
 */
int route_stanza(struct route_env *r, const struct route_source *src,
    struct stanza_node *e, enum pipe_stream_error *se,
    const char **why);

/* An egress could not deliver the stanza M describes: it goes back to its
 * sender with stanza error COND (when one is due). */
void route_undeliverable(struct route_env *r, const struct egress_meta *m,
    enum stanza_cond cond);

/*
 * A guard pair's validator refuses stanza M, which came on connection
 * CONN, by RULE at PEER's side with COND, for WHY (a printable text):
 * counted as bounced by RULE, logged, and an alert raised, whether or not
 * the rule alerts of itself (the edge should have stopped the stanza).
 */
void route_judged(struct route_env *r, uint64_t conn,
    const struct egress_meta *m, enum stanza_cond cond, unsigned rule,
    int peer, const char *why);

/* The stanza M that left by an egress was refused further on, as
 * route_judged says, and is bounced to its sender with COND. */
void route_refused(struct route_env *r, const struct egress_meta *m,
    enum stanza_cond cond, unsigned rule, int peer, const char *why);

#endif
