/*
 * Admission of inbound connections. A connection that has not
 * authenticated yet costs the guard memory and a descriptor and proves
 * nothing, so the guard bounds how many it keeps, in all and per source
 * address, and keeps a guard-wide memory budget: what the tokenizers and
 * connection buffers hold, counted as they allocate, plus an estimate per
 * accepted stream. Past a bound a new connection is closed at once, before
 * TLS, and the refusal logged at most once per interval; streams already
 * authenticated are never refused.
 */
#ifndef XEDGE_ADMIT_H
#define XEDGE_ADMIT_H

#include <stddef.h>
#include <stdint.h>

/* The site's bounds (site file keywords memory-budget, max-unauthenticated
 * and max-unauthenticated-per-source); 0: no bound. The bound per source
 * holds only under a bound in all, which sizes its table. */
struct admit_settings {
	size_t memory_budget;		/* bytes counted in admit.held */
	size_t max_unauth;		/* connections not yet authenticated */
	size_t max_unauth_per_source;	/* the same, per source */
};

/* The defaults: room for the streams a large trunk negotiates at once
 * (a few per peer domain), and a budget twice what 1024 streams would be
 * counted for at every negotiation bound at once (about 128 KiB each:
 * token buffer, both arenas, both buffers and the estimate); a stream
 * that stalls below them is counted for 40 to 60 KiB. */
#define ADMIT_DEFAULT_BUDGET ((size_t)256 << 20)
#define ADMIT_DEFAULT_UNAUTH 1024
#define ADMIT_DEFAULT_UNAUTH_PER_SOURCE 64

/* What a stream holds of the admission state; all-zero is nothing. */
struct admit_ticket {
	unsigned char source[16];	/* the source key (see admit.c) */
	unsigned unauth;		/* counted as not authenticated */
	size_t charged;			/* the estimate charged to held */
};

struct admit_source;

/* All-zero admits everything (no bounds), as a test's guard needs. */
struct admit {
	struct admit_settings set;
	size_t held;			/* bytes counted, see above */
	size_t unauth;			/* connections not authenticated */
	struct admit_source *sources;	/* open addressing, linear probing */
	size_t nslots;			/* a power of two; 0: no table */
	uint64_t log_at;		/* when a refusal was last logged */
	size_t unlogged;		/* refusals since, not logged */
	uint64_t refused;		/* refusals since the start */
	size_t high;			/* most held since the last trim */
	const char *why;		/* the last refusal's reason */
	unsigned char why_source[16];	/* and its source */
};

/* Fills A for SETTINGS (copied). Returns 0, or -1 without memory. Free
 * with admit_free, which logs the refusals not logged yet. */
int admit_init(struct admit *a, const struct admit_settings *settings);
void admit_free(struct admit *a);

/*
 * Decides on the connection accepted on socket FD at NOW_MS (monotonic).
 * Returns 0 when it is admitted, with T counting it as not authenticated
 * and charged for until admit_release; or -1 when a bound is reached,
 * logged (at most one line per interval, with the number of refusals
 * since the last), T untouched: the caller closes FD.
 */
int admit_accept(struct admit *a, int fd, uint64_t now_ms,
    struct admit_ticket *t);

/* The stream of T authenticated: it no longer counts against the bounds
 * on unauthenticated connections. */
void admit_authenticated(struct admit *a, struct admit_ticket *t);

/* The stream of T is gone: releases all it counted (T becomes all-zero),
 * and logs the refusals not logged yet if the interval has passed. */
void admit_release(struct admit *a, struct admit_ticket *t, uint64_t now_ms);

/* Whether the bytes counted have reached the memory budget. */
int admit_over_budget(const struct admit *a);

#endif
