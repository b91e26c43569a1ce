/*
 * Internals of the guard pair's links (xedge-gcxp(7)), shared by
 * gcxp_link.c (one TLS connection carrying frames: the handshake, reading
 * and writing frames, keepalives), gcxp_edge.c (an edge's link to the
 * validator: the window, acknowledgements, resending, its egress) and
 * gcxp_validator.c (the validator: the edges' links, the checks, the
 * relay). Nothing outside those files includes it.
 */
#ifndef XEDGE_GCXP_INT_H
#define XEDGE_GCXP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "jid.h"
#include "gcxp_frame.h"
#include "loop.h"
#include "pipeline.h"
#include "status.h"
#include "xml.h"

/* How long a handshake may take, and how long a link may be silent
 * before it is taken for dead; a link that has sent nothing for
 * GCXP_PING_MS sends a PING. */
#define GCXP_HANDSHAKE_MS 10000
#define GCXP_IDLE_MS 45000
#define GCXP_PING_MS 15000

enum gcxp_link_state {
	GCXP_DOWN = 0,		/* no connection */
	GCXP_CONNECTING,	/* edge: TCP connect under way */
	GCXP_TLS,		/* TLS handshake under way */
	GCXP_HELLO,		/* waiting for the other guard's HELLO */
	GCXP_UP,		/* frames flow */
	GCXP_CLOSING		/* closed; waiting for the connection to end */
};

struct gcxp_link;

/* What the owner of a link is told. */
struct gcxp_link_ops {
	/* The handshake is done: frames may flow. */
	void (*up)(struct gcxp_link *l);
	/* A frame other than HELLO, PING or ERROR arrived, RAW[0..len) its
	 * bytes: valid during the call. Returns 0 when taken, 1 to be
	 * offered the same frame again after gcxp_link_resume (the owner
	 * paused the link), or -1 when the link was closed. */
	int (*frame)(struct gcxp_link *l, const struct gcxp_frame *f,
	    const char *raw, size_t len);
	/* The output fell below its low-water mark. */
	void (*drained)(struct gcxp_link *l);
	/* The link is down, WHY a short text; the owner may keep the link
	 * for another connection. */
	void (*down)(struct gcxp_link *l, const char *why);
};

/* Who a guard is on a link: its name, role and window, and whom it
 * expects at the other end (NULL: a validator learns it from the HELLO,
 * among EDGES). */
struct gcxp_self {
	const char *name;
	enum gcxp_role role;
	uint16_t window;
	uint64_t instance;		/* this process's run, never 0 */
	unsigned char digest[GCXP_DIGEST_SIZE];	/* the policy's SHA-256 */
	uint32_t max_frame;		/* the longest frame taken */
	/* The policy's global TLS settings, held to TLS 1.3. */
	struct gen_tls_policy tls;
};

struct gcxp_link {
	struct conn *conn;		/* NULL while down */
	enum gcxp_link_state state;
	const struct gcxp_link_ops *ops;
	void *owner;
	const struct gcxp_self *self;
	const char *expect;		/* the other guard's name, or NULL */
	const char *const *candidates;	/* validator: the edges' names */
	size_t ncandidates;
	int peer_index;			/* the other guard among candidates */
	uint16_t window;		/* the smaller of both HELLOs' */
	uint64_t peer_instance;		/* the other guard's run */
	uint64_t last_rx, last_tx;	/* loop_now() of the last frames */
	uint64_t opened;		/* loop_now() of its connection */
	unsigned paused;		/* the owner stopped the reading */
	SSL_CTX *ctx;			/* its connection's TLS context */
	struct loop_timer timer;	/* handshake, keepalive and idleness */
};

/* Takes socket FD (connecting when OUTBOUND) as link L's connection, with
 * CTX for TLS (client or server by OUTBOUND) and an output bound of
 * OUTBUF bytes. Returns 0, or -1 (FD closed, logged). */
int gcxp_link_attach(struct gcxp_link *l, int fd, int outbound, SSL_CTX *ctx,
    size_t outbuf);

/* Writes frame F (RULES for a STANZA's verdict path) on L; 0, or -1 when
 * L's output is full or L is down. */
int gcxp_link_send(struct gcxp_link *l, const struct gcxp_frame *f,
    const uint32_t *rules);

/* Writes the bytes of an encoded frame on L; 0, or -1 as above. */
int gcxp_link_write(struct gcxp_link *l, const void *frame, size_t len);

/* Whether L's output holds more than half its bound. */
int gcxp_link_congested(const struct gcxp_link *l);

/* Stops and restarts the reading of frames (backpressure). */
void gcxp_link_pause(struct gcxp_link *l);
void gcxp_link_resume(struct gcxp_link *l);

/* Ends L with ERROR CODE and TEXT (when up) and closes its connection;
 * ops->down follows from the loop. */
void gcxp_link_fail(struct gcxp_link *l, enum gcxp_error code,
    const char *text);

/* What the validator's check of a STANZA frame found (gcxp_check.c). */
struct gcxp_check {
	int from_peer, to_peer;		/* the frame's peers, -1 unknown */
	struct stanza_node *element;	/* the stanza parsed, or NULL */
	char from_domain[JID_DOMAIN_MAX + 1];	/* of its 'from' and 'to' */
	char to_domain[JID_DOMAIN_MAX + 1];
	unsigned rule;			/* a refusal's rule, */
	enum stanza_cond cond;		/* its condition */
	const char *why;		/* and a static text */
	struct pipe_buf out;		/* the pipeline's output, reused */
};

/*
 * Checks what STANZA frame S, which came from edge EDGE, says of itself:
 * its peers (the source's served by EDGE, the destination's by the
 * other), its XML parsed with X (one element, on a jabber:server stream X
 * has opened; the stream is opened again after a failure), and its
 * addresses (of those peers). Returns 0 with V's peers, element and
 * domains set, or -1 with V's rule, cond and why set.
 */
int gcxp_check_frame(struct gcxp_check *v, struct xml_parser *x,
    const struct gcxp_stanza *s, int edge);

/*
 * Checks STANZA frame S, which came from edge EDGE, against the policy:
 * its peers (the source's served by EDGE, the destination's by the
 * other), its XML parsed with X (one element, on a jabber:server stream
 * X has opened), its addresses, and every control's postcondition. Returns
 * 0 when it may cross unchanged, -1 with V's rule, cond and why set.
 */
int gcxp_check_stanza(struct gcxp_check *v, struct xml_parser *x,
    const struct gcxp_stanza *s, int edge);

/* The policy peer named N, or -1. */
int gcxp_peer_named(const struct gcxp_bytes *n);

/* A parser for the stanzas of frames: a jabber:server stream already
 * open; NULL without memory. */
struct xml_parser *gcxp_stanza_parser(void);

/* Opens X's stream again after an error, for the next frame. */
void gcxp_stanza_parser_reset(struct xml_parser *x);

/* The edge (gcxp_edge.c) and the validator (gcxp_validator.c) of a
 * build, started with SELF copied; 0, or -1 (logged). The free functions
 * do nothing for a role the build does not have. */
int gcxp_edge_start(const struct gcxp_self *self);
size_t gcxp_edge_shutdown_step(int force);
size_t gcxp_validator_shutdown_step(void);
void gcxp_edge_status(struct status_link *out);
void gcxp_validator_status(struct status_link *out);

/* Records on S that its link came up, or went down for WHY. */
void gcxp_status_changed(struct status_link *s, int up, const char *why);
void gcxp_edge_free(void);
int gcxp_validator_start(const struct gcxp_self *self);
void gcxp_validator_free(void);

/* The policy's hex SHA-256 HEX as the bytes of DIGEST; 0, or -1 when it
 * is not 64 hex digits. */
int gcxp_digest_bytes(const char *hex, unsigned char *digest);

#endif
