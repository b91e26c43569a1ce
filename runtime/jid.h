/*
 * The domain part of a JID, in the canonical form the generated lookups
 * take: ASCII lower case, no trailing dot; and a light check of whole JIDs.
 */
#ifndef XEDGE_JID_H
#define XEDGE_JID_H

#include <stddef.h>

/* The longest domainpart RFC 7622 allows, in bytes. */
#define JID_DOMAIN_MAX 1023
/* The longest localpart or resourcepart, in bytes (RFC 7622). */
#define JID_PART_MAX 1023
/* The longest DNS label, in bytes (RFC 1035). */
#define JID_LABEL_MAX 63

/*
 * Copies the domainpart of JID ("local@domain/resource") into OUT (at least
 * JID_DOMAIN_MAX + 1 bytes), lower-cased and without a trailing dot, and
 * returns its length; -1 if JID has no valid domainpart.
 */
int jid_domain(const char *jid, char *out);

/* Same for a bare domain of LEN bytes, as found in stream headers: at most
 * one trailing dot, no empty label, no ASCII label over JID_LABEL_MAX. */
int jid_canon_domain(const char *domain, size_t len, char *out);

/* Returns 1 if JID has a valid domainpart, a localpart (if any) without the
 * characters RFC 7622 forbids ("&'/:<>@, controls, space) and a resourcepart
 * (if any) without control characters, each part at most 1023 bytes; else
 * 0. */
int jid_valid(const char *jid);

/* Whether DOMAIN is one of the N strings of LIST. */
int jid_domain_in(const char *domain, char *const *list, size_t n);

#endif
