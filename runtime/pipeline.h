/*
 * The one decision pipeline every stanza goes through, without sockets:
 *
 *   address -> structure -> route -> classify -> decide -> content
 *   -> serialize -> size
 *
 * Each stage may end the run with a verdict and the rule that gave it; the
 * caller (route.c on a running guard, a unit test or an offline replay)
 * then delivers the bytes, bounces or drops. Controls are rules of these
 * stages, never another path. The content stage (content.h) changes the
 * stanza in place.
 */
#ifndef XEDGE_PIPELINE_H
#define XEDGE_PIPELINE_H

#include <stddef.h>

#include "jid.h"
#include "policy_types.h"
#include "stanza.h"
#include "stanza_check.h"
#include "stanza_error.h"

/* Where a stanza came from: a peer, over a stream opened to LOCAL (a
 * domain the guard stands in for) on which AUTHED are authenticated. */
struct pipe_source {
	int peer;
	const char *local;
	char *const *authed;
	size_t nauthed;
};

/* A growable buffer for the serialized stanza; all-zero is empty. The
 * owner frees data. */
struct pipe_buf {
	char *data;
	size_t cap;
};

/* How a run ended. */
enum pipe_end {
	PIPE_DELIVER = 0,	/* bytes ready for the destination */
	PIPE_REFUSE,		/* a stanza error COND is due to the sender */
	PIPE_DROP,		/* discarded without an answer */
	PIPE_STREAM_ERROR	/* the source stream broke the protocol */
};

/* Stream errors a stanza can cause. */
enum pipe_stream_error {
	PIPE_SE_IMPROPER_ADDRESSING = 0,	/* no 'from' or 'to' */
	PIPE_SE_INVALID_FROM	/* 'from' not authenticated on the stream */
};

/* Directions of a peer's filters (gen_peer.filters). */
enum pipe_dir { PIPE_INBOUND = 0, PIPE_OUTBOUND };

/* A rule that acted on the stanza, at a peer's filter in a direction:
 * for counters and alerts. */
struct pipe_hit {
	unsigned rule;
	enum gen_verdict verdict;
	int peer;
	enum pipe_dir dir;
};

/* Rules recorded per run; more act on no stanza of a sane policy, and
 * the verdict does not depend on the record. */
#define PIPE_MAX_HITS 8

struct fold_memo;

struct pipe_ctx {
	/* Set by the caller. */
	const struct gen_policy *policy;
	struct pipe_source src;
	struct stanza_node *stanza;	/* changed in place by the filters */
	struct arena *arena;		/* the stanza's, for what stages add */
	struct pipe_buf *out;
	struct fold_memo *memo;		/* folded presence sent; NULL: none */
	/* Set by the stages. */
	enum pipe_end end;
	struct gen_facts facts;
	struct gen_decision decision;	/* verdict and rule, for counters */
	int at_peer;			/* where the deciding rule stands */
	enum pipe_dir at_dir;
	struct pipe_hit hits[PIPE_MAX_HITS];	/* content rules that acted */
	unsigned nhits;
	unsigned nstrips;		/* elements the filters removed */
	/* What was found in one body or subject, for the next filter that
	 * reads it unchanged (content_text.c). */
	const struct stanza_node *text_of;
	unsigned text_strips;		/* nstrips when it was read */
	unsigned text_known;		/* which of the two below hold */
	unsigned text_marks;		/* OTR markers, encrypted links */
	uint64_t text_hits;		/* the words and patterns */
	enum stanza_cond cond;		/* PIPE_REFUSE */
	enum stanza_check_defect defect;	/* what structure found */
	enum pipe_stream_error stream_error;	/* PIPE_STREAM_ERROR */
	const char *why;		/* a short text for the log */
	struct stanza_head head;	/* the stanza's attributes */
	char from_domain[JID_DOMAIN_MAX + 1];
	char to_domain[JID_DOMAIN_MAX + 1];
	const char *bytes;		/* PIPE_DELIVER: in out->data */
	size_t len;
};

/* Runs every stage over C->stanza and sets C->end and what goes with it;
 * only the fields under "Set by the caller" need be set before, the rest
 * (two domain buffers, the hits) is left to the stages rather than zeroed
 * for every stanza. Returns C->end. */
enum pipe_end pipeline_run(struct pipe_ctx *c);

/* The namespace of a room join (XEP-0045). */
#define PIPE_NS_MUC "http://jabber.org/protocol/muc"

/*
 * Whether a stanza of KIND and TYPE (NULL: none) deserves an error in
 * return: never an error (RFC 6120 section 8.3.1), nor an IQ result; IQ
 * get and set always, and an IQ of no known type (section 8.2.3); presence
 * only a subscription request or a room join (ROOM_JOIN, XEP-0045 answers
 * a refused join with an error), so that a flood of availability
 * broadcasts that cannot cross does not come back.
 */
int pipeline_answerable(enum gen_kind kind, const char *type, int room_join);

/* The name of stream error SE on the wire, e.g. "invalid-from". */
const char *pipeline_stream_error_name(enum pipe_stream_error se);

/* Makes B hold at least N bytes; 0, or -1 when memory is exhausted. */
int pipeline_buf_reserve(struct pipe_buf *b, size_t n);

/* Serializes E for a jabber:server stream into B, growing it; returns the
 * length, or -1 when memory is exhausted. */
long pipeline_serialize(struct pipe_buf *b, const struct stanza_node *e);

/* Whether the guard stands in for DOMAIN (canonical): it routes there, or
 * holds a certificate for it. */
int pipeline_fronts(const char *domain);

/* Whether the guard may open a stream in DOMAIN's name: it stands in for
 * it, or a peer of the policy may originate it (the guard carries that
 * peer's stanzas as DOMAIN). A domain a sender made up is neither. */
int pipeline_may_speak_for(const char *domain);

#endif
