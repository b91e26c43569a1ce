/*
 * What the GCXP frame tests and the GCXP fuzz target share: whether two
 * frames say the same thing, field by field, whichever buffers they point
 * into. Header-only, as the fuzz targets are one file each.
 */
#ifndef XEDGE_GCXP_FIXTURE_H
#define XEDGE_GCXP_FIXTURE_H

#include <string.h>

#include "gcxp_frame.h"

static inline int
gcxp_fixture_bytes_equal(const struct gcxp_bytes *a,
    const struct gcxp_bytes *b)
{
	return a->len == b->len &&
	    (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/* Rule I of S's path: from RULES where given (a frame about to be
 * written), else as parsed. */
static inline uint32_t
gcxp_fixture_rule(const struct gcxp_stanza *s, const uint32_t *rules,
    size_t i)
{
	return rules != NULL ? rules[i] : gcxp_stanza_rule(s, i);
}

static inline int
gcxp_fixture_hello_equal(const struct gcxp_hello *a,
    const struct gcxp_hello *b)
{
	if (a->version != b->version)
		return 0;
	if (a->version != GCXP_VERSION)
		return 1;
	return a->role == b->role && a->window == b->window &&
	    a->instance == b->instance &&
	    a->peer_instance == b->peer_instance &&
	    a->received == b->received &&
	    memcmp(a->digest, b->digest, GCXP_DIGEST_SIZE) == 0 &&
	    gcxp_fixture_bytes_equal(&a->name, &b->name) &&
	    gcxp_fixture_bytes_equal(&a->peer, &b->peer);
}

static inline int
gcxp_fixture_stanza_equal(const struct gcxp_stanza *a, const uint32_t *ar,
    const struct gcxp_stanza *b, const uint32_t *br)
{
	size_t i;

	if (a->seq != b->seq || a->direction != b->direction ||
	    !gcxp_fixture_bytes_equal(&a->from, &b->from) ||
	    !gcxp_fixture_bytes_equal(&a->to, &b->to) ||
	    !gcxp_fixture_bytes_equal(&a->xml, &b->xml) ||
	    a->nrules != b->nrules)
		return 0;
	for (i = 0; i < a->nrules; i++)
		if (gcxp_fixture_rule(a, ar, i) != gcxp_fixture_rule(b, br, i))
			return 0;
	return 1;
}

/*
 * Whether A and B are the same frame. AR and BR are their verdict paths
 * when they are STANZA frames about to be written, NULL when parsed.
 */
static inline int
gcxp_fixture_equal(const struct gcxp_frame *a, const uint32_t *ar,
    const struct gcxp_frame *b, const uint32_t *br)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case GCXP_FRAME_HELLO:
		return gcxp_fixture_hello_equal(&a->hello, &b->hello);
	case GCXP_FRAME_HELLO_REFUSE:
	case GCXP_FRAME_ERROR:
		return a->reason.code == b->reason.code &&
		    gcxp_fixture_bytes_equal(&a->reason.text,
		    &b->reason.text);
	case GCXP_FRAME_STANZA:
		return gcxp_fixture_stanza_equal(&a->stanza, ar, &b->stanza,
		    br);
	case GCXP_FRAME_ACK:
		return a->ack == b->ack;
	case GCXP_FRAME_REFUSE:
		return a->refuse.seq == b->refuse.seq &&
		    a->refuse.rule == b->refuse.rule &&
		    a->refuse.condition == b->refuse.condition &&
		    gcxp_fixture_bytes_equal(&a->refuse.text,
		    &b->refuse.text);
	case GCXP_FRAME_PING:
		return 1;
	}
	return 0;
}

#endif
