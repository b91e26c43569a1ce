/*
 * A connection: a non-blocking socket, optionally wrapped in TLS, with
 * bounded input and output buffers, driven by the event loop. TLS "want read
 * / want write" stays in here: the owner only sees bytes in, room out, and
 * the end. Reads are batched (one read fills the buffer, the owner parses
 * all of it) and writes are flushed once per loop iteration.
 */
#ifndef XEDGE_CONN_H
#define XEDGE_CONN_H

#include <stdint.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "loop.h"
#include "policy_types.h"

struct conn;

/* What the owner of a connection is told. Every callback may call
 * conn_close; none may free the connection. Handlers run only from the
 * loop, never from inside a conn_ function. */
struct conn_handler {
	/* Outbound connect finished: ERR 0 on success, else an errno. */
	void (*connected)(struct conn *c, int err);
	/* New bytes are in c->in (plain text, after TLS). The owner takes
	 * what it uses with buf_consume; the rest stays for the next call.
	 * Leaving a full c->in without conn_pause closes the connection
	 * ("input buffer full"): no progress would be possible. */
	void (*readable)(struct conn *c);
	/* The TLS handshake finished; c->ssl is usable for peer checks. */
	void (*tls_ready)(struct conn *c);
	/* The output buffer fell below its low-water mark. */
	void (*drained)(struct conn *c);
	/* The connection is gone (EOF, error, or conn_close done); REASON is a
	 * short text for the log. The owner must forget C: it is freed after
	 * this returns. */
	void (*closed)(struct conn *c, const char *reason);
};

enum conn_tls_state {
	CONN_TLS_NONE = 0,
	CONN_TLS_HANDSHAKE,
	CONN_TLS_UP
};

struct conn {
	uint64_t id;		/* for logs: "conn=ID" */
	int fd;
	struct loop *loop;
	SSL *ssl;		/* NULL before STARTTLS */
	enum conn_tls_state tls;
	struct buf in;
	struct buf out;
	size_t out_low;		/* drained() fires when out falls below this */
	unsigned paused;	/* reads stopped by conn_pause */
	unsigned closing;	/* flush then close */
	const struct conn_handler *h;
	void *owner;
	char peer_addr[64];	/* "host:port", for logs */
	/* private to conn.c */
	unsigned events;	/* LOOP_READ | LOOP_WRITE registered */
	unsigned ssl_want;	/* what a stalled TLS call waits for */
	unsigned in_callback;	/* a handler runs: the free is deferred */
	unsigned dead;		/* closed; closed() and the free follow */
	unsigned flags;		/* CONN_F_* in conn.c */
	size_t plain_left;	/* bytes of out to send in clear before TLS */
	uint64_t bytes_in;
	uint64_t bytes_out;
	struct loop_timer io_timer;	/* deferred work, once per iteration */
	struct loop_timer flush_timer;	/* bounds conn_close(c, 1, ...) */
	char reason[96];	/* why the connection ended */
};

/* Wraps accepted or connecting socket FD (non-blocking) in a new connection
 * owned by OWNER; INBUF and OUTBUF bound the buffers. Returns NULL on failure
 * (FD is then closed). OUTBOUND: FD is connecting, connected() will follow. */
struct conn *conn_new(struct loop *l, int fd, int outbound,
    const struct conn_handler *h, void *owner, size_t inbuf, size_t outbuf);

/* Counts the memory of C's buffers into HELD (NULL: nowhere) from now on. */
void conn_count_into(struct conn *c, size_t *held);

/* Raises the output bound to MAX bytes, and the low-water mark with it to
 * a quarter; never lowers them. */
void conn_raise_outbuf(struct conn *c, size_t max);

/* Queues bytes for sending; -1 (nothing queued) if over the output bound. */
int conn_write(struct conn *c, const void *data, size_t len);

/* Starts TLS on C as server (CTX chooses the certificate by SNI) or as
 * client (SNI is sent, the peer's certificate is checked later by the
 * owner), the session held to POLICY (see tls_session_init). Input
 * buffered so far must be empty. Returns 0 or -1. */
int conn_start_tls(struct conn *c, SSL_CTX *ctx, int server, const char *sni,
    const struct gen_tls_policy *policy);

/* Stops and restarts reading (backpressure). After conn_resume, input left
 * in c->in is offered to readable() again even if no new bytes arrive. */
void conn_pause(struct conn *c);
void conn_resume(struct conn *c);

/* Closes C: with FLUSH, after the output buffer is sent (bounded by a short
 * timer) and a TLS close_notify; closed() is then called, from the loop,
 * never from inside conn_close. Further conn_write calls return -1. */
void conn_close(struct conn *c, int flush, const char *reason);

/* Opens a non-blocking TCP connection to HOST:PORT (numeric address);
 * returns the fd or -1. */
int conn_connect_fd(const char *host, uint16_t port);

/* Opens a listening socket on HOST:PORT; returns the fd or -1. */
int conn_listen_fd(const char *host, uint16_t port);

#endif
