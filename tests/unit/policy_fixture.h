/*
 * Test fixture: lookups in the policy the tests are built with.
 */
#ifndef XEDGE_TEST_POLICY_FIXTURE_H
#define XEDGE_TEST_POLICY_FIXTURE_H

#include <string.h>

#include "policy_types.h"

/* The index of the policy's peer called NAME; fails the test if none. */
static inline int
fixture_peer(const char *name)
{
	size_t i;

	for (i = 0; i < gen_policy.npeers; i++)
		if (strcmp(gen_policy.peers[i].name, name) == 0)
			return (int)i;
	fail_msg("no peer %s", name);
	return -1;
}

/* The index of the rule called NAME; fails the test if none. */
static inline unsigned
fixture_rule(const char *name)
{
	size_t i;

	for (i = 0; i < gen_policy.nrules; i++)
		if (strcmp(gen_policy.rules[i].name, name) == 0)
			return (unsigned)i;
	fail_msg("no rule %s", name);
	return 0;
}

#endif
