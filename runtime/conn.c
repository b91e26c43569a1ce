/*
 * Connections: a non-blocking socket, plain or TLS, with bounded buffers,
 * driven by the event loop.
 *
 * The owner sees bytes in c->in, writes with conn_write, and hears about
 * the connection through its handler. Everything TLS does underneath (a
 * read that must wait for the socket to be writable, a write that must
 * wait for it to be readable, the handshake) is mapped here onto epoll
 * interest, as OpenSMTPD's ioev.c does.
 *
 * Three rules keep the owner safe:
 *  - No public function calls a handler: conn_write, conn_close,
 *    conn_start_tls, conn_pause and conn_resume only change state and
 *    schedule work. Handlers run from the loop (an fd event or the
 *    connection's 0 ms "io" timer), one at a time per connection.
 *  - closed() is called exactly once, from the loop, after every other
 *    handler of that connection has returned; the connection is freed right
 *    after it. A connection found dead at the end of a handler is reaped
 *    there; one killed from elsewhere is reaped by its io timer.
 *  - Output is not written per conn_write: the io timer flushes it once at
 *    the end of the loop iteration, unless it grows past CONN_FLUSH_AT.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "conn.h"
#include "log.h"
#include "tls.h"

/* What one read asks for: a TLS record's worth. */
#define CONN_READ_CHUNK 16384
/* Output past this is written at once rather than at the iteration's end. */
#define CONN_FLUSH_AT 16384
/* How long conn_close(c, 1, ...) may take to send what is queued. */
#define CONN_CLOSE_MS 2000

/* c->flags */
#define CONN_F_CONNECTING 0x01	/* outbound connect in progress */
#define CONN_F_BLOCKED 0x02	/* the last write would have blocked */
#define CONN_F_OVER_LOW 0x04	/* out reached out_low since drained() */
#define CONN_F_READ_MORE 0x08	/* a read stopped at a full buffer */
#define CONN_F_REDELIVER 0x10	/* tell readable() of input already held */

/* c->ssl_want: LOOP_READ / LOOP_WRITE while the handshake waits, then: */
#define CONN_WANT_RD_WRITE 0x04	/* SSL_read waits for a writable socket */
#define CONN_WANT_WR_READ 0x08	/* SSL_write waits for a readable socket */

/* Ids are unique per process and increase, so logs sort by age. */
static uint64_t conn_last_id;

union conn_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_storage ss;
};

static void conn_on_fd(struct loop *l, int fd, unsigned events, void *arg);
static void conn_on_io(struct loop *l, struct loop_timer *t, void *arg);
static void conn_read(struct conn *c);

/* Records why C ends: "WHAT" or "WHAT: DETAIL". WHAT may be c->reason. */
static void
conn_set_reason(struct conn *c, const char *what, const char *detail)
{
	char tmp[sizeof(c->reason)];
	int n;

	/* A long reason is cut; that is all the log loses. */
	if (detail != NULL)
		n = snprintf(tmp, sizeof(tmp), "%s: %s", what, detail);
	else
		n = snprintf(tmp, sizeof(tmp), "%s", what);
	if (n < 0)
		tmp[0] = '\0';
	memcpy(c->reason, tmp, sizeof(c->reason));
}

/* Arms the io timer, which runs at the end of this loop iteration. */
static void
conn_schedule(struct conn *c)
{
	if (c->io_timer.heap_index == 0)
		loop_timer_arm(c->loop, &c->io_timer, 0, conn_on_io, c);
}

/*
 * Marks C dead with a reason and stops all I/O on it; closed() and the free
 * follow from the loop. GRACEFUL sends a TLS close_notify first (best
 * effort: the peer may be gone).
 */
static void
conn_kill(struct conn *c, int graceful, const char *what, const char *detail)
{
	if (c->dead)
		return;
	c->dead = 1;
	conn_set_reason(c, what, detail);
	if (graceful && c->tls == CONN_TLS_UP) {
		ERR_clear_error();
		(void)SSL_shutdown(c->ssl);
	}
	loop_del(c->loop, c->fd);
	c->events = 0;
	loop_timer_cancel(c->loop, &c->flush_timer);
	if (!c->in_callback)
		conn_schedule(c);
}

/* Tells the owner C is gone, then frees it. */
static void
conn_reap(struct conn *c)
{
	log_event(LOG_LVL_INFO, c->id, "conn-closed",
	    "peer=%s reason=\"%s\" bytes_in=%" PRIu64 " bytes_out=%" PRIu64,
	    c->peer_addr, c->reason, c->bytes_in, c->bytes_out);
	c->in_callback = 1;
	c->h->closed(c, c->reason);
	loop_timer_cancel(c->loop, &c->io_timer);
	loop_timer_cancel(c->loop, &c->flush_timer);
	SSL_free(c->ssl);
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

/* Whether C takes input: not paused, not closing, not connecting, not
 * between STARTTLS and the handshake's end. */
static int
conn_reading(const struct conn *c)
{
	return !c->dead && !c->paused && !c->closing &&
	    !(c->flags & CONN_F_CONNECTING) && c->tls != CONN_TLS_HANDSHAKE;
}

/* Whether C takes input and has room for it. */
static int
conn_may_read(const struct conn *c)
{
	return conn_reading(c) && buf_len(&c->in) < c->in.max;
}

/* Whether queued output can be written now without waiting for an
 * event. */
static int
conn_may_write(const struct conn *c)
{
	return !c->dead && !(c->flags & (CONN_F_CONNECTING | CONN_F_BLOCKED)) &&
	    !(c->ssl_want & CONN_WANT_WR_READ) &&
	    (c->plain_left > 0 || c->tls != CONN_TLS_HANDSHAKE);
}

/* Registers with the loop the events C waits for in its current state. */
static void
conn_update_events(struct conn *c)
{
	unsigned ev = 0;

	if (c->dead)
		return;
	if (c->flags & CONN_F_CONNECTING) {
		ev = LOOP_WRITE;
	} else if (c->tls == CONN_TLS_HANDSHAKE && c->plain_left == 0) {
		ev = c->ssl_want & (LOOP_READ | LOOP_WRITE);
	} else {
		if (conn_may_read(c))
			ev |= (c->ssl_want & CONN_WANT_RD_WRITE) ?
			    LOOP_WRITE : LOOP_READ;
		if (buf_len(&c->out) > 0) {
			if (c->flags & CONN_F_BLOCKED)
				ev |= LOOP_WRITE;
			if (c->ssl_want & CONN_WANT_WR_READ)
				ev |= LOOP_READ;
		}
	}
	if (ev == c->events)
		return;
	if (loop_set(c->loop, c->fd, ev) == -1) {
		conn_kill(c, 0, "epoll_ctl failed", strerror(errno));
		return;
	}
	c->events = ev;
}

/* Ends a handler frame: reaps C if it died in it, else updates its events. */
static void
conn_settle(struct conn *c)
{
	if (c->dead)
		conn_reap(c);
	else
		conn_update_events(c);
}

/* Fills c->peer_addr with the peer's "host:port" ("[v6]:port"). */
static void
conn_peer_name(struct conn *c)
{
	union conn_addr a;
	socklen_t len = sizeof(a);
	char host[INET6_ADDRSTRLEN];

	memset(&a, 0, sizeof(a));
	if (getpeername(c->fd, &a.sa, &len) == -1) {
		snprintf(c->peer_addr, sizeof(c->peer_addr), "-");
		return;
	}
	if (a.sa.sa_family == AF_INET &&
	    inet_ntop(AF_INET, &a.sin.sin_addr, host, sizeof(host)) != NULL)
		snprintf(c->peer_addr, sizeof(c->peer_addr), "%s:%u", host,
		    ntohs(a.sin.sin_port));
	else if (a.sa.sa_family == AF_INET6 &&
	    inet_ntop(AF_INET6, &a.sin6.sin6_addr, host, sizeof(host)) != NULL)
		snprintf(c->peer_addr, sizeof(c->peer_addr), "[%s]:%u", host,
		    ntohs(a.sin6.sin6_port));
	else
		snprintf(c->peer_addr, sizeof(c->peer_addr), "local");
}

struct conn *
conn_new(struct loop *l, int fd, int outbound, const struct conn_handler *h,
    void *owner, size_t inbuf, size_t outbuf)
{
	struct conn *c;
	int fl, one = 1;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		goto fail;
	fl = fcntl(fd, F_GETFL);
	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		goto fail;
	/* Stanzas are written whole and batched here; Nagle would only add
	 * latency. Not a TCP socket (a test's socketpair): no matter. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->id = ++conn_last_id;
	c->fd = fd;
	c->loop = l;
	c->h = h;
	c->owner = owner;
	c->in.max = inbuf;
	c->out.max = outbuf;
	c->out_low = outbuf / 4;
	if (outbound)
		c->flags |= CONN_F_CONNECTING;
	c->events = outbound ? LOOP_WRITE : LOOP_READ;
	if (loop_add(l, fd, c->events, conn_on_fd, c) == -1)
		goto fail;
	conn_peer_name(c);
	log_event(LOG_LVL_INFO, c->id, outbound ? "tcp-connect" : "tcp-accept",
	    "peer=%s", c->peer_addr);
	return c;
fail:
	log_errno(LOG_LVL_ERR, 0, "conn-new", "fd=%d", fd);
	free(c);
	close(fd);
	return NULL;
}

void
conn_count_into(struct conn *c, size_t *held)
{
	buf_count_into(&c->in, held);
	buf_count_into(&c->out, held);
}

void
conn_raise_outbuf(struct conn *c, size_t max)
{
	if (max <= c->out.max)
		return;
	c->out.max = max;
	c->out_low = max / 4;
}

/*
 * Reads up to ROOM bytes into P from the socket or TLS. Returns 1 with *N
 * set, 0 if it would block, -1 at the end of the stream (*DETAIL NULL) or
 * on an error (*DETAIL says which).
 */
static int
conn_recv(struct conn *c, char *p, size_t room, size_t *n,
    const char **detail)
{
	ssize_t r;

	*detail = NULL;
	if (c->tls == CONN_TLS_UP) {
		ERR_clear_error();
		errno = 0;
		if (SSL_read_ex(c->ssl, p, room, n) == 1) {
			c->ssl_want &= ~CONN_WANT_RD_WRITE;
			return 1;
		}
		switch (SSL_get_error(c->ssl, 0)) {
		case SSL_ERROR_WANT_READ:
			c->ssl_want &= ~CONN_WANT_RD_WRITE;
			return 0;
		case SSL_ERROR_WANT_WRITE:
			c->ssl_want |= CONN_WANT_RD_WRITE;
			return 0;
		case SSL_ERROR_ZERO_RETURN:
			return -1;
		case SSL_ERROR_SYSCALL:
			if (errno != 0)
				*detail = strerror(errno);
			return -1;
		default:
			*detail = tls_last_error();
			return -1;
		}
	}
	for (;;) {
		r = read(c->fd, p, room);
		if (r > 0) {
			*n = (size_t)r;
			return 1;
		}
		if (r == 0)
			return -1;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		*detail = strerror(errno);
		return -1;
	}
}

/*
 * Writes up to LEN bytes from P, in clear if PLAIN. Returns 1 with *N set,
 * 0 if it would block (and notes what to wait for), -1 on an error with
 * *DETAIL.
 */
static int
conn_send(struct conn *c, int plain, const char *p, size_t len, size_t *n,
    const char **detail)
{
	ssize_t r;

	if (!plain) {
		ERR_clear_error();
		errno = 0;
		if (SSL_write_ex(c->ssl, p, len, n) == 1)
			return 1;
		switch (SSL_get_error(c->ssl, 0)) {
		case SSL_ERROR_WANT_READ:
			c->ssl_want |= CONN_WANT_WR_READ;
			return 0;
		case SSL_ERROR_WANT_WRITE:
			c->flags |= CONN_F_BLOCKED;
			return 0;
		case SSL_ERROR_SYSCALL:
			*detail = errno != 0 ? strerror(errno) : "connection lost";
			return -1;
		default:
			*detail = tls_last_error();
			return -1;
		}
	}
	for (;;) {
		/* MSG_NOSIGNAL: a peer gone away is EPIPE, not a signal. */
		r = send(c->fd, p, len, MSG_NOSIGNAL);
		if (r >= 0) {
			*n = (size_t)r;
			return 1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			c->flags |= CONN_F_BLOCKED;
			return 0;
		}
		*detail = strerror(errno);
		return -1;
	}
}

/*
 * Writes queued output until it is gone or the socket would block: first
 * the bytes queued before STARTTLS, in clear, then (once the handshake is
 * done) the rest. Calls no handler. Returns 0, or -1 if C died.
 */
static int
conn_flush(struct conn *c)
{
	const char *detail;
	size_t len, n;
	int plain, r;

	c->flags &= ~CONN_F_BLOCKED;
	c->ssl_want &= ~CONN_WANT_WR_READ;
	while (buf_len(&c->out) > 0) {
		plain = c->plain_left > 0 || c->tls == CONN_TLS_NONE;
		if (!plain && c->tls != CONN_TLS_UP)
			break;
		len = c->plain_left > 0 ? c->plain_left : buf_len(&c->out);
		r = conn_send(c, plain, buf_head(&c->out), len, &n, &detail);
		if (r == 0)
			break;
		if (r == -1) {
			conn_kill(c, 0, "write error", detail);
			return -1;
		}
		buf_consume(&c->out, n);
		c->bytes_out += n;
		if (c->plain_left > 0) {
			c->plain_left -= n;
			/* The clear text is out: the handshake may begin. */
			if (c->plain_left == 0)
				conn_schedule(c);
		}
	}
	return 0;
}

/*
 * Flushes from a handler frame, then tells the owner if the output fell
 * below its low-water mark, and finishes a flushing close.
 */
static void
conn_output(struct conn *c)
{
	if (conn_flush(c) == -1)
		return;
	if ((c->flags & CONN_F_OVER_LOW) && buf_len(&c->out) < c->out_low) {
		c->flags &= ~CONN_F_OVER_LOW;
		if (!c->closing && c->h->drained != NULL) {
			c->h->drained(c);
			if (c->dead)
				return;
		}
	}
	if (c->closing && buf_len(&c->out) == 0)
		conn_kill(c, 1, c->reason, NULL);
}

/*
 * Advances the TLS handshake; on completion tells the owner, sends what it
 * queued meanwhile and reads what TLS already holds.
 */
static void
conn_handshake(struct conn *c)
{
	int r;

	ERR_clear_error();
	errno = 0;
	r = SSL_do_handshake(c->ssl);
	if (r != 1) {
		switch (SSL_get_error(c->ssl, r)) {
		case SSL_ERROR_WANT_READ:
			c->ssl_want = LOOP_READ;
			return;
		case SSL_ERROR_WANT_WRITE:
			c->ssl_want = LOOP_WRITE;
			return;
		case SSL_ERROR_SYSCALL:
			conn_kill(c, 0, "tls handshake failed",
			    errno != 0 ? strerror(errno) : "connection lost");
			return;
		default:
			conn_kill(c, 0, "tls handshake failed", tls_last_error());
			return;
		}
	}
	c->tls = CONN_TLS_UP;
	c->ssl_want = 0;
	log_event(LOG_LVL_INFO, c->id, "tls-up", "peer=%s version=%s cipher=%s "
	    "group=%s", c->peer_addr, SSL_get_version(c->ssl),
	    SSL_get_cipher_name(c->ssl), tls_group_name(c->ssl));
	if (!c->closing && c->h->tls_ready != NULL) {
		c->h->tls_ready(c);
		if (c->dead)
			return;
	}
	if (buf_len(&c->out) > 0) {
		conn_output(c);
		if (c->dead)
			return;
	}
	/* Records that came with the handshake's last flight are in TLS's
	 * buffer, where epoll cannot see them. */
	if (SSL_has_pending(c->ssl) && conn_may_read(c))
		conn_read(c);
}

/*
 * Reads what fits into c->in, then tells the owner once. Stops at a full
 * buffer (reading goes on once the owner made room), at "would block", or
 * at the end of the stream.
 */
static void
conn_read(struct conn *c)
{
	const char *detail = NULL;
	size_t got = 0, room, n = 0;
	char *p;
	int r = 1, redeliver;

	c->flags &= ~CONN_F_READ_MORE;
	while (r == 1) {
		p = buf_reserve(&c->in, CONN_READ_CHUNK, &room);
		if (p == NULL) {
			if (buf_len(&c->in) < c->in.max) {
				conn_kill(c, 0, "out of memory", NULL);
				return;
			}
			c->flags |= CONN_F_READ_MORE;
			break;
		}
		r = conn_recv(c, p, room, &n, &detail);
		buf_commit(&c->in, r == 1 ? n : 0);
		if (r != 1)
			break;
		got += n;
		/* A short read from a socket leaves it empty; TLS may hold
		 * more records than one read returns, so it reads on. */
		if (c->tls != CONN_TLS_UP && n < room)
			break;
	}
	c->bytes_in += got;
	redeliver = (c->flags & CONN_F_REDELIVER) && buf_len(&c->in) > 0;
	c->flags &= ~CONN_F_REDELIVER;
	if (got > 0 || redeliver) {
		c->h->readable(c);
		if (c->dead)
			return;
	}
	if (r == -1) {
		/* A flushing close keeps sending to a half-closed peer. */
		if (!c->closing)
			conn_kill(c, 0, detail != NULL ? "read error" : "eof",
			    detail);
		return;
	}
	/* The owner took nothing from a full buffer and does not wait for
	 * anything: no progress is possible. */
	if (buf_len(&c->in) == c->in.max && !c->paused && !c->closing) {
		conn_kill(c, 0, "input buffer full", NULL);
		return;
	}
	/* What the socket still holds, epoll reports at the next wait (it is
	 * level-triggered, and waiting there is fair to other connections);
	 * what TLS holds it cannot see, so that is read from the io timer. */
	if ((c->flags & CONN_F_READ_MORE) && conn_may_read(c) &&
	    c->tls == CONN_TLS_UP && SSL_has_pending(c->ssl))
		conn_schedule(c);
}

/* An outbound connect finished (or failed): tells the owner. */
static void
conn_connect_done(struct conn *c)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	c->flags &= ~CONN_F_CONNECTING;
	if (err == 0) {
		conn_peer_name(c);
		log_event(LOG_LVL_INFO, c->id, "tcp-connected", "peer=%s",
		    c->peer_addr);
	}
	if (c->h->connected != NULL) {
		c->h->connected(c, err);
		if (c->dead)
			return;
	}
	if (err != 0) {
		conn_kill(c, 0, "connect failed", strerror(err));
		return;
	}
	/* What the owner queued or started (TLS) goes at the iteration's
	 * end. */
	conn_schedule(c);
}

/*
 * Does what EVENTS (LOOP_READ | LOOP_WRITE) allow, or with EVENTS 0 the
 * deferred work: flushing, starting the handshake, reading on after a full
 * buffer. Runs in a handler frame.
 */
static void
conn_step(struct conn *c, unsigned events)
{
	int out, in;

	if (c->flags & CONN_F_CONNECTING) {
		if (events & LOOP_WRITE)
			conn_connect_done(c);
		return;
	}
	if (buf_len(&c->out) == 0)
		out = events == 0 && (c->flags & CONN_F_OVER_LOW);
	else if (events == 0)
		out = conn_may_write(c);
	else
		out = ((events & LOOP_WRITE) && (c->flags & CONN_F_BLOCKED)) ||
		    ((events & LOOP_READ) && (c->ssl_want & CONN_WANT_WR_READ));
	if (out) {
		conn_output(c);
		if (c->dead)
			return;
	}
	if (c->tls == CONN_TLS_HANDSHAKE) {
		if (c->plain_left == 0 &&
		    (events == 0 ? c->ssl_want == 0 : (events & c->ssl_want)))
			conn_handshake(c);
		return;
	}
	if (!conn_reading(c))
		return;
	if (events == 0)
		in = (c->flags & (CONN_F_READ_MORE | CONN_F_REDELIVER)) != 0;
	else if (c->ssl_want & CONN_WANT_RD_WRITE)
		in = (events & LOOP_WRITE) != 0;
	else
		in = (events & LOOP_READ) != 0;
	if (in)
		conn_read(c);
}

/* Runs one step for EVENTS (0: deferred work) with handlers allowed to
 * close C; its free waits for conn_settle. */
static void
conn_run(struct conn *c, unsigned events)
{
	c->in_callback = 1;
	if (!c->dead)
		conn_step(c, events);
	c->in_callback = 0;
	conn_settle(c);
}

static void
conn_on_fd(struct loop *l, int fd, unsigned events, void *arg)
{
	(void)l;
	(void)fd;
	conn_run(arg, events);
}

static void
conn_on_io(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	conn_run(arg, 0);
}

/* A flushing close ran out of time: close now, keeping the reason. */
static void
conn_on_flush_timeout(struct loop *l, struct loop_timer *t, void *arg)
{
	struct conn *c = arg;

	(void)l;
	(void)t;
	c->in_callback = 1;
	conn_kill(c, 0, c->reason, "output not sent in time");
	c->in_callback = 0;
	conn_settle(c);
}

/*
 * Queues LEN bytes. They go out at the end of the loop iteration, or at
 * once if the queue passed CONN_FLUSH_AT; at the bound, what can be sent
 * now is sent to make room. Returns 0, or -1 with nothing queued (over the
 * bound, closing, or closed).
 */
int
conn_write(struct conn *c, const void *data, size_t len)
{
	if (c->dead || c->closing)
		return -1;
	if (buf_append(&c->out, data, len) == -1) {
		if (!conn_may_write(c) || conn_flush(c) == -1 ||
		    buf_append(&c->out, data, len) == -1) {
			conn_update_events(c);
			return -1;
		}
	}
	if (buf_len(&c->out) >= c->out_low)
		c->flags |= CONN_F_OVER_LOW;
	if (buf_len(&c->out) >= CONN_FLUSH_AT && conn_may_write(c))
		(void)conn_flush(c);
	if (c->dead)
		return 0;
	/* A flush that took the queue below out_low owes a drained(). */
	if ((buf_len(&c->out) > 0 && conn_may_write(c)) ||
	    ((c->flags & CONN_F_OVER_LOW) && buf_len(&c->out) < c->out_low))
		conn_schedule(c);
	conn_update_events(c);
	return 0;
}

int
conn_start_tls(struct conn *c, SSL_CTX *ctx, int server, const char *sni,
    const struct gen_tls_policy *policy)
{
	SSL *ssl;

	if (c->dead || c->closing || c->ssl != NULL || ctx == NULL)
		return -1;
	/* Bytes after <starttls/> or <proceed/> would be read as clear text
	 * of the TLS stream: a peer that sends them is broken or hostile. */
	if (buf_len(&c->in) > 0) {
		log_event(LOG_LVL_WARN, c->id, "tls-refused",
		    "peer=%s reason=\"input after STARTTLS\"", c->peer_addr);
		return -1;
	}
	ssl = SSL_new(ctx);
	if (ssl == NULL || SSL_set_fd(ssl, c->fd) != 1 ||
	    tls_session_init(ssl, policy, c->id) == -1)
		goto fail;
	if (server) {
		SSL_set_accept_state(ssl);
	} else {
		SSL_set_connect_state(ssl);
		if (sni != NULL && SSL_set_tlsext_host_name(ssl, sni) != 1)
			goto fail;
	}
	c->ssl = ssl;
	c->tls = CONN_TLS_HANDSHAKE;
	c->ssl_want = 0;
	/* A <proceed/> still queued goes out in clear before the
	 * handshake. */
	c->plain_left = buf_len(&c->out);
	c->flags &= ~(CONN_F_READ_MORE | CONN_F_REDELIVER);
	conn_update_events(c);
	conn_schedule(c);
	return 0;
fail:
	log_event(LOG_LVL_ERR, c->id, "tls-start", "peer=%s err=\"%s\"",
	    c->peer_addr, tls_last_error());
	SSL_free(ssl);
	return -1;
}

void
conn_pause(struct conn *c)
{
	c->paused = 1;
	conn_update_events(c);
}

/*
 * Restarts reading. Input the owner left in c->in while paused is offered
 * to readable() again (from the loop), as is what TLS holds.
 */
void
conn_resume(struct conn *c)
{
	if (!c->paused)
		return;
	c->paused = 0;
	if (c->dead)
		return;
	if (buf_len(&c->in) > 0)
		c->flags |= CONN_F_REDELIVER | CONN_F_READ_MORE;
	if (c->tls == CONN_TLS_UP && SSL_has_pending(c->ssl))
		c->flags |= CONN_F_READ_MORE;
	if ((c->flags & CONN_F_READ_MORE) && conn_reading(c))
		conn_schedule(c);
	conn_update_events(c);
}

void
conn_close(struct conn *c, int flush, const char *reason)
{
	if (c->dead)
		return;
	if (flush && c->closing)
		return;
	if (!flush || buf_len(&c->out) == 0 ||
	    (c->flags & CONN_F_CONNECTING)) {
		conn_kill(c, flush, reason, NULL);
		return;
	}
	c->closing = 1;
	conn_set_reason(c, reason, NULL);
	loop_timer_arm(c->loop, &c->flush_timer, CONN_CLOSE_MS,
	    conn_on_flush_timeout, c);
	if (conn_may_write(c))
		conn_schedule(c);
	conn_update_events(c);
}

/* Parses numeric HOST and PORT into A; returns its length, or 0. */
static socklen_t
conn_addr_parse(const char *host, uint16_t port, union conn_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, host, &a->sin.sin_addr) == 1) {
		a->sin.sin_family = AF_INET;
		a->sin.sin_port = htons(port);
		return sizeof(a->sin);
	}
	if (inet_pton(AF_INET6, host, &a->sin6.sin6_addr) == 1) {
		a->sin6.sin6_family = AF_INET6;
		a->sin6.sin6_port = htons(port);
		return sizeof(a->sin6);
	}
	errno = EINVAL;
	return 0;
}

/* A non-blocking TCP socket for HOST:PORT, whose address goes to *A and
 * *LEN; the fd, or -1 (errno set). */
static int
conn_socket(const char *host, uint16_t port, union conn_addr *a,
    socklen_t *len)
{
	*len = conn_addr_parse(host, port, a);
	if (*len == 0)
		return -1;
	return socket(a->sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
}

int
conn_connect_fd(const char *host, uint16_t port)
{
	union conn_addr a;
	socklen_t len;
	int fd, one = 1, saved;

	fd = conn_socket(host, port, &a, &len);
	if (fd == -1)
		return -1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, &a.sa, len) == -1 && errno != EINPROGRESS &&
	    errno != EINTR) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
conn_listen_fd(const char *host, uint16_t port)
{
	union conn_addr a;
	socklen_t len;
	int fd, one = 1, saved;

	fd = conn_socket(host, port, &a, &len);
	if (fd == -1)
		return -1;
	/* A v6 listener takes only v6: "::" must not steal the v4 port a
	 * second listen line asks for. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    (a.sa.sa_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1 ||
	    bind(fd, &a.sa, len) == -1 || listen(fd, SOMAXCONN) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
