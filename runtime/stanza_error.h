/*
 * Stanza error conditions (RFC 6120 section 8.3.3) as an enum: the guard
 * decides with the enum and turns it into a name only on the wire and in
 * the log.
 */
#ifndef XEDGE_STANZA_ERROR_H
#define XEDGE_STANZA_ERROR_H

#include <stddef.h>

#define STANZA_NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

enum stanza_cond {
	STANZA_COND_BAD_REQUEST = 0,
	STANZA_COND_CONFLICT,
	STANZA_COND_FEATURE_NOT_IMPLEMENTED,
	STANZA_COND_FORBIDDEN,
	STANZA_COND_GONE,
	STANZA_COND_INTERNAL_SERVER_ERROR,
	STANZA_COND_ITEM_NOT_FOUND,
	STANZA_COND_JID_MALFORMED,
	STANZA_COND_NOT_ACCEPTABLE,
	STANZA_COND_NOT_ALLOWED,
	STANZA_COND_NOT_AUTHORIZED,
	STANZA_COND_POLICY_VIOLATION,
	STANZA_COND_RECIPIENT_UNAVAILABLE,
	STANZA_COND_REDIRECT,
	STANZA_COND_REGISTRATION_REQUIRED,
	STANZA_COND_REMOTE_SERVER_NOT_FOUND,
	STANZA_COND_REMOTE_SERVER_TIMEOUT,
	STANZA_COND_RESOURCE_CONSTRAINT,
	STANZA_COND_SERVICE_UNAVAILABLE,
	STANZA_COND_SUBSCRIPTION_REQUIRED,
	STANZA_COND_UNDEFINED_CONDITION,
	STANZA_COND_UNEXPECTED_REQUEST,
	STANZA_COND_COUNT
};

/* The element name of COND, e.g. "bad-request". */
const char *stanza_cond_name(enum stanza_cond cond);

/* The error type the guard sends with COND (RFC 6120 section 8.3.3 gives
 * the usual one for each): "cancel", "modify", "wait" or "auth". */
const char *stanza_cond_type(enum stanza_cond cond);

/* The condition named NAME[0..len), or -1 if RFC 6120 defines none. */
int stanza_cond_lookup(const char *name, size_t len);

#endif
