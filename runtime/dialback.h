/*
 * Server Dialback (XEP-0220) with keys per XEP-0185. The guard both asks
 * peers to verify keys they present (receiving side) and answers db:verify
 * for keys it issued in the name of the domains it stands in for
 * (originating side).
 */
#ifndef XEDGE_DIALBACK_H
#define XEDGE_DIALBACK_H

#include "s2s.h"
#include "stanza.h"

#define DIALBACK_KEY_LEN 64	/* hex of HMAC-SHA256 */

/* Writes into OUT (DIALBACK_KEY_LEN + 1 bytes) the key for a stream with id
 * ID from ORIGINATING to RECEIVING. */
void dialback_key(const char *receiving, const char *originating,
    const char *id, char *out);

/* Handles a db:result element E from the peer on inbound stream IN. */
void dialback_result_in(struct s2s *in, const struct stanza_node *e);

/* Handles a db:verify element E on inbound stream IN: the peer asks whether
 * the guard issued a key. */
void dialback_verify_in(struct s2s *in, const struct stanza_node *e);

/* The authoritative server answered the verification for inbound stream IN:
 * VALID or not. */
void dialback_verify_answer(struct s2s *in, int valid);

/* The verification stream for IN ended without an answer. */
void dialback_verify_failed(struct s2s *in);

#endif
