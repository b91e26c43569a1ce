/*
 * The process-wide state of a running guard: one loop, one set of TLS
 * contexts, the effective site plumbing, and the streams alive.
 */
#ifndef XEDGE_GUARD_H
#define XEDGE_GUARD_H

#include <stddef.h>

#include "admit.h"
#include "dialback.h"
#include "loop.h"
#include "policy_types.h"
#include "route.h"
#include "site.h"
#include "tls.h"

struct s2s;
struct status_peer;
struct s2s_egress_state;
struct gcxp_edge;
struct gcxp_validator;
struct stanza_node;

struct guard {
	struct loop *loop;
	struct tls_ctx *tls;
	struct site site;
	const struct gen_policy *policy;
	struct s2s *streams;		/* every stream, newest first */
	/* XEP-0185: fresh per process */
	unsigned char dialback_secret[DIALBACK_SECRET_LEN];
	int shutting_down;
	size_t nstreams;		/* streams alive */
	size_t max_streams;		/* 0: no bound (tests) */
	size_t nverify;			/* dialback verifications under way */
	struct route_env route;		/* the stanza pipeline's state */
	struct s2s_egress_state *egress;	/* s2s_init(), s2s_egress.c */
	struct admit admit;		/* bounds on what is accepted */
	/* Per policy peer (status.h), s2s_init() to s2s_fini(). */
	struct status_peer *peer_status;
	uint64_t started_ms;		/* wall clock at the start */
	/* A guard pair's (gcxp.h): the TLS material of its links, and this
	 * build's edge or validator. */
	struct tls_ctx *gcxp_tls;
	struct gcxp_edge *gcxp_edge;
	struct gcxp_validator *gcxp_validator;
};

extern struct guard guard;

#endif
