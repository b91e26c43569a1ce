/*
 * The process-wide state of a running guard: one loop, one set of TLS
 * contexts, the effective site plumbing, and the streams alive.
 */
#ifndef XEDGE_GUARD_H
#define XEDGE_GUARD_H

#include <stddef.h>

#include "loop.h"
#include "policy_types.h"
#include "site.h"
#include "tls.h"

struct s2s;
struct stanza_node;

struct guard {
	struct loop *loop;
	struct tls_ctx *tls;
	struct site site;
	const struct gen_policy *policy;
	struct s2s *streams;		/* every stream, newest first */
	unsigned char dialback_secret[32];	/* XEP-0185: fresh per process */
	int shutting_down;
	size_t nstreams;		/* streams alive */
	size_t max_streams;		/* 0: no bound (tests) */
	size_t nverify;			/* dialback verifications under way */
	char *scratch;			/* serialization buffer */
	size_t scratch_cap;
};

extern struct guard guard;

/*
 * Serializes E for a jabber:server stream into the guard's scratch buffer
 * and returns its length (*OUT points at the bytes until the next call), or
 * -1 when memory is exhausted. The buffer grows to the largest stanza
 * serialized so far, which the tokenizer's bound (and escaping) limits.
 */
long guard_serialize(const struct stanza_node *e, const char **out);

#endif
