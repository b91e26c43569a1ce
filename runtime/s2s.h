/*
 * Server-to-server streams (RFC 6120), both directions. An inbound stream
 * is one a peer opened to the guard: it negotiates TLS and authentication
 * and then only carries stanzas to the guard. An outbound stream is one the
 * guard opened to a peer in the name of a domain it stands in for: it
 * carries stanzas from that domain to the peer's domain, or, for dialback,
 * a single verification request.
 */
#ifndef XEDGE_S2S_H
#define XEDGE_S2S_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "jid.h"
#include "loop.h"
#include "resolve.h"
#include "xml.h"

/* Domains one inbound stream may authenticate (XEP-0220 piggybacking). */
#define S2S_MAX_AUTHED 8
/* Dialback verifications under way at once, across all peers. */
#define S2S_MAX_VERIFY 256
/* The longest stream id kept; RFC 6120 sets no bound, servers use ~40. */
#define S2S_ID_MAX 255

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

/* A stanza waiting for an outbound stream to become ready. It keeps what a
 * bounce needs besides the serialized bytes. */
struct s2s_item {
	struct s2s_item *next;
	size_t len;		/* bytes of the serialized stanza in data */
	const char *kind;	/* "message", "presence" or "iq" */
	const char *from, *to, *id, *type;	/* in data, after the stanza */
	char data[];
};

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
	unsigned sasl_done;	/* out: SASL succeeded, in: peer authenticated */
	unsigned offered_external;	/* out: peer offers SASL EXTERNAL */
	unsigned offered_dialback;	/* out: peer offers dialback */
	unsigned peer_verified;	/* out: the peer's certificate names it */
	size_t peer_max_bytes;	/* out: XEP-0478 limits the peer announced */
	uint64_t peer_idle_seconds;
	char *authed[S2S_MAX_AUTHED];	/* in: domains authenticated */
	size_t nauthed;
	/* out: stanzas waiting for S2S_READY, at most the peer's queue length */
	struct s2s_item *queue_head, *queue_tail;
	size_t queue_len;
	/* Backpressure: inbound streams paused until this one drains. */
	struct s2s *waiters;
	struct s2s *blocked_on;	/* in: the stream this one waits for */
	struct s2s *next_waiter;
	/* Dialback: an outbound verify stream and the inbound stream it serves. */
	struct s2s *verify;	/* in: pending verification of a db:result */
	struct s2s *verify_for;	/* out (S2S_VERIFY): the inbound stream */
	char *db_key;		/* out (S2S_VERIFY): the key to verify */
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
};

/* Accepts the connected socket FD as a new inbound stream; DIRECT_TLS: TLS
 * starts with the first byte. */
void s2s_accept(int fd, int direct_tls);

/*
 * Returns the ready or negotiating outbound stream from LOCAL to REMOTE,
 * opening one towards PEER if there is none; NULL if it cannot be opened.
 */
struct s2s *s2s_out_get(int peer, const char *local, const char *remote);

/* Opens a verification stream from LOCAL to REMOTE (dialback authoritative
 * server of PEER) that asks whether KEY was issued for stream ID, for the
 * inbound stream IN. Returns 0 or -1. */
int s2s_out_verify(int peer, const char *local, const char *remote,
    const char *key, const char *id, struct s2s *in);

/*
 * Sends serialized stanza BYTES[0..len) on outbound stream S, or queues it
 * while S negotiates. ITEM describes the stanza for a bounce (its bytes are
 * ignored). Returns 0, or -1 with *COND set to the stanza error condition
 * when the stanza cannot be taken.
 */
int s2s_out_send(struct s2s *s, const char *bytes, size_t len,
    const struct s2s_item *item, const char **cond);

/* Makes inbound stream IN wait (reads paused) until OUT drains. */
void s2s_block_on(struct s2s *in, struct s2s *out);

/* Whether outbound stream S holds so much unsent output that its sources
 * must wait. */
int s2s_out_congested(const struct s2s *s);

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
void s2s_close(struct s2s *s, const char *cond, const char *reason);

/* Starts a clean shutdown of every stream (SIGTERM); returns the number of
 * streams still alive. */
size_t s2s_shutdown_all(void);

/* Handlers per direction, in s2s_in.c and s2s_out.c. */
void s2s_in_header(struct s2s *s, const struct stanza_node *root);
void s2s_in_element(struct s2s *s, struct stanza_node *e);
void s2s_in_tls_ready(struct s2s *s);
void s2s_in_dialback_ok(struct s2s *s, const char *domain);
void s2s_out_connected(struct s2s *s);
void s2s_out_header(struct s2s *s, const struct stanza_node *root);
void s2s_out_element(struct s2s *s, struct stanza_node *e);
void s2s_out_tls_ready(struct s2s *s);

/* Internal to the s2s files: a new registered stream (NULL on no memory),
 * its connection around socket FD (NULL on failure, FD closed), and the
 * release of a stream that never got a connection. */
struct s2s *s2s_new(enum s2s_dir dir, int peer);
struct conn *s2s_conn_new(struct s2s *s, int fd, int outbound);
void s2s_free(struct s2s *s);
void s2s_out_unlink(struct s2s *s);
void s2s_ready(struct s2s *s);
void s2s_arm_timer(struct s2s *s, uint32_t seconds);
int s2s_is_authed(const struct s2s *s, const char *domain);
/* Whether ROOT declares jabber:server as the content namespace; if not,
 * sends the stream error and returns 0. */
int s2s_header_ns_ok(struct s2s *s, const struct stanza_node *root);

#endif
