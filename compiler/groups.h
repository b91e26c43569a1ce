/*
 * The named groups of content a filter may strip or block (xedge.policy(5),
 * FILTERS): each is a set of namespaces, plus what no namespace shows (a
 * groupchat message, an OTR marker in a body), which the runtime detects.
 */
#ifndef XEDGEC_GROUPS_H
#define XEDGEC_GROUPS_H

#include <stddef.h>

enum group {
	GROUP_XHTML_IM,
	GROUP_CHAT_STATES,
	GROUP_RECEIPTS,
	GROUP_MARKERS,
	GROUP_CORRECTIONS,
	GROUP_FILE_TRANSFER,
	GROUP_MUC,
	GROUP_ONE_TO_ONE,
	GROUP_ENCRYPTED,
	GROUP_VOIP,
	GROUP_COUNT
};

/* What the runtime detects besides namespaces; emitted as the GEN_DETECT_
 * names of runtime/policy_types.h, in this order. */
enum group_detect {
	DETECT_GROUPCHAT = 1,	/* messages of type groupchat */
	DETECT_ONE_TO_ONE = 2,	/* messages between users, outside rooms */
	DETECT_OTR = 4,		/* OTR markers in a body */
	DETECT_LINKS = 8,	/* aesgcm:// links in a body */
	DETECT_COUNT = 4
};

/* The name of detector bit number I, as emitted. */
const char *group_detect_name(unsigned i);

struct group_def {
	const char *name;		/* as written in a policy */
	const char *const *ns;		/* NULL-terminated namespaces */
	unsigned detect;		/* enum gen_detect bits */
	int whole;			/* may only be blocked, never stripped */
};

/* The group named NAME, or NULL. */
const struct group_def *group_find(const char *name);

/* The definition of group G. */
const struct group_def *group_get(enum group g);

#endif
