/*
 * The defined stanza error conditions and the error type that goes with
 * each when the guard is the one that refuses (RFC 6120 section 8.3.3).
 */
#include <string.h>

#include "log.h"
#include "stanza_error.h"

static const struct {
	const char *name;
	const char *type;
} stanza_conds[STANZA_COND_COUNT] = {
	[STANZA_COND_BAD_REQUEST] = { "bad-request", "modify" },
	[STANZA_COND_CONFLICT] = { "conflict", "cancel" },
	[STANZA_COND_FEATURE_NOT_IMPLEMENTED] =
	    { "feature-not-implemented", "cancel" },
	[STANZA_COND_FORBIDDEN] = { "forbidden", "auth" },
	[STANZA_COND_GONE] = { "gone", "cancel" },
	[STANZA_COND_INTERNAL_SERVER_ERROR] =
	    { "internal-server-error", "cancel" },
	[STANZA_COND_ITEM_NOT_FOUND] = { "item-not-found", "cancel" },
	[STANZA_COND_JID_MALFORMED] = { "jid-malformed", "modify" },
	[STANZA_COND_NOT_ACCEPTABLE] = { "not-acceptable", "modify" },
	[STANZA_COND_NOT_ALLOWED] = { "not-allowed", "cancel" },
	[STANZA_COND_NOT_AUTHORIZED] = { "not-authorized", "auth" },
	[STANZA_COND_POLICY_VIOLATION] = { "policy-violation", "modify" },
	[STANZA_COND_RECIPIENT_UNAVAILABLE] =
	    { "recipient-unavailable", "wait" },
	[STANZA_COND_REDIRECT] = { "redirect", "modify" },
	[STANZA_COND_REGISTRATION_REQUIRED] =
	    { "registration-required", "auth" },
	[STANZA_COND_REMOTE_SERVER_NOT_FOUND] =
	    { "remote-server-not-found", "cancel" },
	[STANZA_COND_REMOTE_SERVER_TIMEOUT] =
	    { "remote-server-timeout", "wait" },
	[STANZA_COND_RESOURCE_CONSTRAINT] = { "resource-constraint", "wait" },
	[STANZA_COND_SERVICE_UNAVAILABLE] =
	    { "service-unavailable", "cancel" },
	[STANZA_COND_SUBSCRIPTION_REQUIRED] =
	    { "subscription-required", "auth" },
	[STANZA_COND_UNDEFINED_CONDITION] =
	    { "undefined-condition", "cancel" },
	[STANZA_COND_UNEXPECTED_REQUEST] = { "unexpected-request", "wait" },
};

const char *
stanza_cond_name(enum stanza_cond cond)
{
	XEDGE_ASSERT((unsigned)cond < STANZA_COND_COUNT);
	return stanza_conds[cond].name;
}

const char *
stanza_cond_type(enum stanza_cond cond)
{
	XEDGE_ASSERT((unsigned)cond < STANZA_COND_COUNT);
	return stanza_conds[cond].type;
}

int
stanza_cond_lookup(const char *name, size_t len)
{
	int i;

	for (i = 0; i < STANZA_COND_COUNT; i++)
		if (strlen(stanza_conds[i].name) == len &&
		    memcmp(stanza_conds[i].name, name, len) == 0)
			return i;
	return -1;
}
