/*
 * The domain part of a JID, in the canonical form the generated lookups
 * take: ASCII lower case, no trailing dot.
 */
#ifndef XEDGE_JID_H
#define XEDGE_JID_H

#include <stddef.h>

/* The longest domainpart RFC 7622 allows, in bytes. */
#define JID_DOMAIN_MAX 1023

/*
 * Copies the domainpart of JID ("local@domain/resource") into OUT (at least
 * JID_DOMAIN_MAX + 1 bytes), lower-cased and without a trailing dot, and
 * returns its length; -1 if JID has no valid domainpart.
 */
int jid_domain(const char *jid, char *out);

/* Same for a bare domain, as found in stream headers. */
int jid_canon_domain(const char *domain, size_t len, char *out);

#endif
