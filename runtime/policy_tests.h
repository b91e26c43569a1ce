/*
 * Types of the tests a policy carries (xedge.policy(5), TESTS), which
 * xedgec writes as generated/policy_tests.c and the guard runs through
 * its pipeline when it is built (replay.h, replay_tests). Constant data,
 * like the rest of the policy (policy_types.h).
 */
#ifndef XEDGE_POLICY_TESTS_H
#define XEDGE_POLICY_TESTS_H

#include <stddef.h>

#include "policy_types.h"

/* One test: a stanza arriving from a peer, and what must become of it. */
struct gen_test {
	const char *name;
	const char *file;		/* where the test stands, for messages */
	unsigned line, col;
	int from;			/* index of the peer it arrives from */
	const char *stanza;		/* one element, as on an S2S stream */
	enum gen_verdict expect;
	const char *cond;		/* BOUNCE: the RFC 6120 condition;
					 * NULL: any */
	const char *output;		/* MODIFY: the stanza that must cross */
};

struct gen_test_table {
	const struct gen_test *tests;
	size_t n;
};

extern const struct gen_test_table gen_tests;

#endif
