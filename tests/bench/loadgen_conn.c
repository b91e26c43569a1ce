/*
 * loadgen: a connection's buffers, its reads and writes in clear or over
 * TLS, the dispatch of what it receives, and its turn on the epoll loop.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "loadgen.h"

/* For messages, in the order of enum lg_state. */
static const char *const lg_state_names[] = {
	"connecting", "features-tls", "proceed", "handshake", "features-sasl",
	"sasl-result", "features-end", "header-plain", "starttls",
	"header-tls", "auth", "header-authed", "ready"
};

/* Reports a failed connection with its OpenSSL errors; returns -1. */
int
lg_fail(const struct lg_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "loadgen: conn=%u role=%s state=%s: ", c->id,
	    c->role == LG_SOURCE ? "source" : "sink",
	    lg_state_names[c->state]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	ERR_print_errors_fp(stderr);
	return -1;
}

/* Makes room for N more bytes of output. Exits when out of memory. */
char *
lg_out_reserve(struct lg_conn *c, size_t n)
{
	if (c->outoff > 0) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	if (c->outcap - c->outlen < n) {
		size_t cap = c->outcap ? c->outcap : 1024;

		while (cap - c->outlen < n)
			cap *= 2;
		if ((c->out = realloc(c->out, cap)) == NULL)
			lg_die("out of memory");
		c->outcap = cap;
	}
	return c->out + c->outlen;
}

void
lg_send(struct lg_conn *c, const char *s)
{
	size_t n = strlen(s);

	memcpy(lg_out_reserve(c, n), s, n);
	c->outlen += n;
}

void
lg_runnable(struct lg *lg, struct lg_conn *c)
{
	if (c->runnable)
		return;
	c->runnable = 1;
	c->next_run = lg->run_head;
	lg->run_head = c;
}

/*
 * Splits what C has received into events and acts on them, then drops
 * the bytes no longer needed. Returns 0 or -1.
 */
static int
lg_dispatch(struct lg *lg, struct lg_conn *c)
{
	enum lg_event ev;
	size_t start = 0, end = 0, keep;
	uint64_t now = 0;

	while ((ev = lg_scan_next(&c->scan, c->in, c->inlen, &start,
	    &end)) != LG_EV_MORE) {
		if (ev == LG_EV_ERROR)
			return lg_fail(c, "malformed XML");
		if (ev == LG_EV_CLOSE)
			return lg_fail(c, "the peer closed the stream");
		if (ev == LG_EV_ELEMENT && lg_is(c->in, start, end, "error"))
			return lg_fail(c, "%.*s", (int)(end - start),
			    c->in + start);
		if (c->state != LG_READY) {
			if ((c->role == LG_SOURCE ? lg_source_event(lg, c, ev,
			    start, end) : lg_sink_event(lg, c, ev, start,
			    end)) == -1)
				return -1;
			if (c->state == LG_HANDSHAKE) {
				/* TLS begins; nothing may follow in clear. */
				c->inlen = 0;
				memset(&c->scan, 0, sizeof(c->scan));
				return 0;
			}
		} else if (c->role == LG_SOURCE)
			lg->returned++;
		else if (lg_is(c->in, start, end, "message")) {
			lg->received++;
			if (lg->phase == LG_PH_MEASURE) {
				if (now == 0)
					now = lg_now();
				lg_latency(lg, c->in, start, end, now);
			}
		} else
			lg->other++;
	}
	keep = c->scan.depth >= 2 ? c->scan.elem : c->scan.pos;
	if (keep == c->inlen) {
		c->inlen = 0;
		c->scan.pos = 0;
	} else if (keep > 0 && c->incap - c->inlen < LG_READ_MIN) {
		memmove(c->in, c->in + keep, c->inlen - keep);
		c->inlen -= keep;
		c->scan.pos -= keep;
		if (c->scan.depth >= 2)
			c->scan.elem -= keep;
	}
	return 0;
}

/*
 * Reads what is available into C->in. Returns the bytes read, 0 when
 * nothing is available now, or -1 on error or end of stream.
 */
static long
lg_read(struct lg_conn *c)
{
	long n;
	int err;

	if (c->incap - c->inlen < LG_READ_MIN) {
		size_t cap = c->incap ? c->incap : LG_READ_MIN;

		while (cap - c->inlen < LG_READ_MIN)
			cap *= 2;
		if (cap > LG_IN_MAX)
			return lg_fail(c, "element larger than %d bytes",
			    LG_IN_MAX);
		if ((c->in = realloc(c->in, cap)) == NULL)
			lg_die("out of memory");
		c->incap = cap;
	}
	if (c->ssl == NULL) {
		n = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n == -1)
			return lg_fail(c, "read: %s", strerror(errno));
		if (n == 0)
			return lg_fail(c, "the peer closed the connection");
	} else {
		n = SSL_read(c->ssl, c->in + c->inlen,
		    (int)(c->incap - c->inlen));
		if (n <= 0) {
			err = SSL_get_error(c->ssl, (int)n);
			if (err == SSL_ERROR_WANT_READ ||
			    err == SSL_ERROR_WANT_WRITE)
				return 0;
			return lg_fail(c, "TLS read failed (error %d, %s)",
			    err, strerror(errno));
		}
	}
	c->inlen += (size_t)n;
	return n;
}

/*
 * Writes pending output, a TLS record at most per call so that records
 * stay whole. A retried SSL_write is given the same bytes and at least
 * the same length, as OpenSSL requires. Returns 1 when everything is
 * written, 0 when the socket is full, -1 on error; adds to *MOVED.
 */
int
lg_flush(struct lg_conn *c, size_t *moved)
{
	while (c->outoff < c->outlen) {
		size_t len = c->outlen - c->outoff;
		long n;

		if (c->ssl == NULL) {
			n = write(c->fd, c->out + c->outoff, len);
			if (n == -1 && (errno == EAGAIN || errno == EINTR))
				return 0;
			if (n == -1)
				return lg_fail(c, "write: %s", strerror(errno));
		} else {
			if (len > LG_RECORD)
				len = LG_RECORD;
			n = SSL_write(c->ssl, c->out + c->outoff, (int)len);
			if (n <= 0) {
				int err = SSL_get_error(c->ssl, (int)n);

				if (err == SSL_ERROR_WANT_WRITE ||
				    err == SSL_ERROR_WANT_READ)
					return 0;
				return lg_fail(c, "TLS write failed "
				    "(error %d, %s)", err, strerror(errno));
			}
		}
		c->outoff += (size_t)n;
		*moved += (size_t)n;
	}
	c->outoff = c->outlen = 0;
	return 1;
}

/*
 * Moves C along as far as its socket allows, up to LG_TURN bytes so that
 * one busy stream does not starve the others; a connection stopped by
 * that bound stays runnable. Edge-triggered epoll needs every stream
 * either to hit EAGAIN both ways or to stay runnable. Returns 0 or -1.
 */
int
lg_conn_run(struct lg *lg, struct lg_conn *c)
{
	size_t moved = 0;
	int progress, r;
	long n;

	if (c->state == LG_CONNECTING && (r = lg_connected(lg, c)) != 1)
		return r;
	do {
		progress = 0;
		if ((r = lg_flush(c, &moved)) == -1)
			return -1;
		if (c->state == LG_HANDSHAKE) {
			/* A sink's <proceed/> must leave before TLS starts. */
			if (r == 0)
				return 0;
			if ((r = lg_handshake(lg, c)) != 1)
				return r;
			progress = 1;
			continue;
		}
		if (r == 1 && lg_refill(lg, c))
			progress = 1;
		if ((n = lg_read(c)) == -1)
			return -1;
		if (n > 0) {
			moved += (size_t)n;
			progress = 1;
			if (lg_dispatch(lg, c) == -1)
				return -1;
		}
	} while (progress && moved < LG_TURN);
	if (progress)
		lg_runnable(lg, c);
	return 0;
}

/* Takes ownership of FD as a new connection in ROLE. */
struct lg_conn *
lg_conn_new(struct lg *lg, int fd, enum lg_role role)
{
	struct lg_conn *c;
	struct epoll_event ev;
	int one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		lg_die("out of memory");
	c->fd = fd;
	c->role = role;
	c->id = lg->next_id++;
	c->state = role == LG_SOURCE ? LG_CONNECTING : LG_HEADER_PLAIN;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1)
		lg_die("TCP_NODELAY: %s", strerror(errno));
	ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
	ev.data.ptr = c;
	if (epoll_ctl(lg->ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		lg_die("epoll_ctl: %s", strerror(errno));
	if (lg->nconns == lg->capconns) {
		lg->capconns = lg->capconns ? lg->capconns * 2 : 64;
		lg->conns = realloc(lg->conns, lg->capconns *
		    sizeof(*lg->conns));
		if (lg->conns == NULL)
			lg_die("out of memory");
	}
	lg->conns[lg->nconns++] = c;
	lg_runnable(lg, c);
	return c;
}
