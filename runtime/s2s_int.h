/*
 * Internals of the s2s files: the stream structure and what s2s.c (life
 * cycle, reading, stream errors, timers), s2s_in.c (inbound negotiation),
 * s2s_dialback.c (dialback on inbound streams), s2s_out.c (outbound
 * negotiation) and s2s_egress.c (the outbound table, queues, backpressure
 * and backoff) share. Nothing outside those files includes it.
 */
#ifndef XEDGE_S2S_INT_H
#define XEDGE_S2S_INT_H

#include <stddef.h>
#include <stdint.h>

#include "admit.h"
#include "conn.h"
#include "dialback.h"
#include "egress.h"
#include "jid.h"
#include "loop.h"
#include "resolve.h"
#include "s2s.h"
#include "xml.h"

/* Domains one inbound stream may authenticate (XEP-0220 piggybacking). */
#define S2S_MAX_AUTHED 8
/* Dialback verifications under way at once, across all peers. */
#define S2S_MAX_VERIFY 256
/* The longest stream id kept; RFC 6120 sets no bound, servers use ~40. */
#define S2S_ID_MAX DIALBACK_ID_MAX

#define S2S_NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"
#define S2S_NS_SASL "urn:ietf:params:xml:ns:xmpp-sasl"

/* Writes a string literal. */
#define S2S_WRITE_LIT(s, lit) s2s_write((s), (lit), sizeof(lit) - 1)

enum s2s_dir {
	S2S_IN = 0,
	S2S_OUT = 1
};

/* What an outbound stream is for. */
enum s2s_purpose {
	S2S_STANZAS = 0,	/* carries stanzas once authenticated */
	S2S_VERIFY = 1		/* asks the peer to verify one dialback key */
};

enum s2s_state {
	S2S_CONNECTING = 0,	/* out: TCP connect in progress */
	S2S_HEADER,		/* waiting for the peer's stream header */
	S2S_FEATURES,		/* out: waiting for stream features */
	S2S_PROCEED,		/* out: sent <starttls/> */
	S2S_TLS,		/* TLS handshake in progress */
	S2S_NEGOTIATE,		/* in: features sent, waiting for TLS or auth */
	S2S_SASL,		/* out: sent <auth/> */
	S2S_DIALBACK,		/* out: sent db:result or db:verify */
	S2S_READY,		/* authenticated: stanzas flow */
	S2S_CLOSED		/* closing; waiting for the connection to end */
};

struct s2s_item;

struct s2s {
	struct conn *conn;	/* NULL once the connection is gone */
	struct xml_parser *xml;
	enum s2s_dir dir;
	enum s2s_purpose purpose;
	enum s2s_state state;
	int peer;		/* index in gen_policy.peers, -1 if unknown */
	char local[JID_DOMAIN_MAX + 1];		/* the guard's side */
	char remote[JID_DOMAIN_MAX + 1];	/* the peer's side */
	char id[S2S_ID_MAX + 1];	/* ours (in) or the peer's (out) */
	unsigned tls_up;	/* TLS is established */
	unsigned header_sent;	/* our stream header went out */
	unsigned draining;	/* in: shutdown closed our side; the peer's
				 * stanzas are still taken until it closes */
	unsigned orderly;	/* ends as the protocol ends it (the peer's
				 * closing tag, a verification answered):
				 * not its peer's failure, ready or not */
	unsigned sasl_done;	/* out: SASL succeeded, in: peer authenticated */
	unsigned offered_external;	/* out: peer offers SASL EXTERNAL */
	unsigned offered_dialback;	/* out: peer offers dialback */
	unsigned peer_verified;	/* out: the peer's certificate names it */
	size_t peer_max_bytes;	/* out: XEP-0478 limits the peer announced */
	uint64_t peer_idle_seconds;
	char *authed[S2S_MAX_AUTHED];	/* in: domains authenticated */
	size_t nauthed;
	/* out (s2s_egress.c): stanzas waiting for S2S_READY or for room */
	struct s2s_item *queue_head, *queue_tail;
	size_t queue_len;
	/* Backpressure (s2s_egress.c). As a source, an inbound stream waits
	 * through WAITER; as a destination, an outbound stream keeps the
	 * sources waiting for it, and a timer that notices when it stops
	 * draining altogether. */
	struct egress_waiter waiter;
	struct egress_waiter *waiters;
	struct loop_timer stall_timer;
	uint64_t stall_mark;	/* conn->bytes_out when the timer was armed */
	unsigned stalled;	/* idle for S2S_STALL_MS: sources go on */
	/* Dialback: an outbound verify stream and the inbound stream it serves. */
	struct s2s *verify;	/* in: pending verification of a db:result */
	struct s2s *verify_for;	/* out (S2S_VERIFY): the inbound stream */
	char db_key[DIALBACK_KEY_MAX + 1];	/* out (S2S_VERIFY): the key */
	char db_id[S2S_ID_MAX + 1];	/* out (S2S_VERIFY): the stream id */
	char db_from[JID_DOMAIN_MAX + 1];	/* in: domain being verified */
	uint64_t last_stanza;	/* loop_now() of the last stanza either way */
	uint64_t last_write;	/* loop_now() of the last bytes written */
	struct loop_timer timer;	/* negotiation, then idle */
	struct loop_timer keepalive;
	struct s2s *next, *prev;	/* guard.streams */
	struct resolve_req *resolving;	/* out: DNS SRV lookup under way */
	struct s2s *hnext;	/* out: the from/to table's chain */
	unsigned hashed;	/* out: in that table */
	unsigned link;		/* out: keeps a required link (s2s_link.c):
				 * not closed for idleness */
	struct admit_ticket admit;	/* in: what admission counts */
	uint64_t since_ms;	/* wall clock at s2s_new, for the status page */
	uint64_t stanzas_in;	/* stanzas taken from the peer */
	uint64_t stanzas_out;	/* stanzas written to it */
};

/* s2s.c: life cycle, writing, stream errors, timers. */

/* A new registered stream (NULL on no memory or past the stream bound). */
struct s2s *s2s_new(enum s2s_dir dir, int peer);
/* Its connection around socket FD (NULL on failure, FD closed); OUTBOUND
 * when FD is still connecting. */
struct conn *s2s_conn_new(struct s2s *s, int fd, int outbound);
/* Releases a stream that never got a connection, or whose connection is
 * gone. */
void s2s_free(struct s2s *s);
void s2s_ready(struct s2s *s);
/* A stream restart after TLS or SASL (RFC 6120 sections 4.3.3, 5.4.3.3,
 * 6.4.6): a new stream on the same connection, whose headers (the peer's
 * and the guard's) are still to come; a stream error before the guard's
 * header goes out is preceded by one. */
void s2s_restart(struct s2s *s);
void s2s_arm_timer(struct s2s *s, uint32_t seconds);
int s2s_is_authed(const struct s2s *s, const char *domain);
/* Whether ROOT declares jabber:server as the content namespace; if not,
 * sends the stream error and returns 0. */
int s2s_header_ns_ok(struct s2s *s, const struct stanza_node *root);

/* The policy's peer of S, which must be known. */
const struct gen_peer *s2s_peer(const struct s2s *s);

/* Whether the policy lets S use dialback now: allowed for the peer, and
 * over TLS unless explicitly forced. */
int s2s_may_dialback(const struct s2s *s);

/* The condition of a <stream:error/> element E, for the log. */
const char *s2s_error_condition(const struct stanza_node *e);

/* Sends a stream error with condition COND (and TEXT, may be NULL), closes
 * the stream and logs the refusal. */
void s2s_stream_error(struct s2s *s, const char *cond, const char *text);

/* Writes raw protocol bytes on S (stream-level elements the guard makes). */
void s2s_write(struct s2s *s, const char *data, size_t len);
void s2s_printf(struct s2s *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sends the guard's stream header on S. */
void s2s_send_header(struct s2s *s);

/* Closes S (flushing what was written) and, for outbound streams, bounces
 * what is queued with COND. */
void s2s_close(struct s2s *s, enum stanza_cond cond, const char *reason);


/* Records WHY (copied, cut to fit) as the last failure of S's peer, if
 * it is known and the guard is not shutting down (s2s_status.c). */
void s2s_status_failed(const struct s2s *s, const char *why);
/* S's connection is ending: its bytes join its peer's. */
void s2s_status_ended(const struct s2s *s);

/* Logs stream error E that the peer sent on S, records it and closes S. */
void s2s_peer_stream_error(struct s2s *s, const struct stanza_node *e);

/* Counts a stanza that crossed S in direction DIR (S2S_IN: from the
 * peer), on the stream and on its peer (status.h). */
void s2s_count_stanza(struct s2s *s, enum s2s_dir dir);

/* s2s_in.c and s2s_out.c: the handlers of each direction. */
void s2s_in_header(struct s2s *s, const struct stanza_node *root);
void s2s_in_element(struct s2s *s, struct stanza_node *e);
void s2s_in_tls_ready(struct s2s *s);
/* DOMAIN was verified by dialback on inbound stream S. */
void s2s_in_dialback_ok(struct s2s *s, const char *domain);
void s2s_out_connected(struct s2s *s);
void s2s_out_header(struct s2s *s, const struct stanza_node *root);
void s2s_out_element(struct s2s *s, struct stanza_node *e);
void s2s_out_tls_ready(struct s2s *s);
/* Opens an outbound stream from LOCAL to REMOTE towards PEER for PURPOSE;
 * NULL (logged) when the peer cannot be reached. */
struct s2s *s2s_out_open(int peer, const char *local, const char *remote,
    enum s2s_purpose purpose);

/* s2s_dialback.c: dialback elements on inbound streams, and the answers of
 * verification streams. */
void s2s_dialback_in(struct s2s *in, const struct stanza_node *e);
void s2s_dialback_verified(struct s2s *in, int valid);
void s2s_dialback_unverified(struct s2s *in);

/* s2s_egress.c: the outbound side's table, queue and backpressure. */

/* The outbound stanza stream from LOCAL to REMOTE towards PEER, opened
 * if there is none (unless its domain is backing off); NULL, with *COND
 * the bounce it is worth, when there is none to be had. */
struct s2s *s2s_egress_stream(int peer, const char *local,
    const char *remote, enum stanza_cond *cond);
/* Takes outbound stream S out of the from/to table: no stanza finds it
 * any more. */
void s2s_egress_unlink(struct s2s *s);
/* Unlinks S from every egress structure (table, waiters, timers) before it
 * is freed; its own sources go on. */
void s2s_egress_forget(struct s2s *s);
/* Sends what waited on S, now ready or with room again, and lets its
 * sources go on when it has caught up. */
void s2s_egress_flush(struct s2s *s);
/* Bounces everything queued on S with COND, and lets its sources go. */
void s2s_egress_drop_queue(struct s2s *s, enum stanza_cond cond);
/* An outbound stream to REMOTE could not be established (FAILED) or was
 * (!FAILED): starts or ends its backoff. */
void s2s_egress_attempt(const char *remote, int failed);

/* The pause/resume of an inbound stream as a source. */
extern const struct egress_waiter_ops s2s_waiter_ops;

#endif
