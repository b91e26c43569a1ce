/*
 * What inbound and outbound streams share: their life cycle, the read loop
 * that turns bytes into stream events, stream headers and errors, timers,
 * and backpressure between streams.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "guard.h"
#include "log.h"
#include "s2s_int.h"
#include "status.h"
#include "stanza.h"

/* Connection buffer bounds: input is parsed as it arrives, so a read's
 * worth suffices; output holds what a slow peer has not taken yet. */
#define S2S_INBUF (16 * 1024)
#define S2S_OUTBUF_MIN (256 * 1024)
/*
 * Until a stream is ready it carries negotiation only: stream headers,
 * features, STARTTLS, SASL and dialback. The largest of these elements, a
 * header or a db:verify naming two domains of 1023 bytes with a stream id
 * (and a key), takes under 3 KiB, and its tree as much again; servers'
 * features take under 1 KiB in a few dozen nodes. The bounds below leave
 * room for those and keep what a stream that never authenticates makes
 * the guard hold small: the bytes of one element (and so its token
 * buffer), the memory of its tree (each tokenizer arena), and the output,
 * which holds only the guard's headers, features, errors and dialback
 * answers. s2s_ready lifts them.
 */
#define S2S_NEGOTIATE_STANZA (16 * 1024)
#define S2S_NEGOTIATE_MEMORY (16 * 1024)
#define S2S_NEGOTIATE_OUTBUF (16 * 1024)

static void s2s_conn_connected(struct conn *c, int err);
static void s2s_conn_readable(struct conn *c);
static void s2s_conn_tls_ready(struct conn *c);
static void s2s_conn_drained(struct conn *c);
static void s2s_conn_closed(struct conn *c, const char *reason);

static const struct conn_handler s2s_handler = {
	.connected = s2s_conn_connected,
	.readable = s2s_conn_readable,
	.tls_ready = s2s_conn_tls_ready,
	.drained = s2s_conn_drained,
	.closed = s2s_conn_closed,
};

static const struct gen_limits *
s2s_limits(const struct s2s *s)
{
	if (s->peer >= 0)
		return &guard.policy->peers[s->peer].limits;
	return &guard.policy->limits;
}

/* The output bound: room for several of the largest stanzas. */
static size_t
s2s_outbuf(const struct s2s *s)
{
	size_t n = 4 * (size_t)s2s_limits(s)->stanza_size;

	return n < S2S_OUTBUF_MIN ? S2S_OUTBUF_MIN : n;
}

static void s2s_timer_fired(struct loop *l, struct loop_timer *t, void *arg);
static void s2s_keepalive_fired(struct loop *l, struct loop_timer *t,
    void *arg);
static uint64_t s2s_keepalive_ms(const struct s2s *s);

/*
 * The tokenizer's bound for stream S until it is ready: the negotiation
 * bound, or the largest stanza its peer may send if that is smaller (any
 * peer's, for an inbound stream whose header has not named its peer yet;
 * the header lowers it to the peer's own). s2s_ready raises it to the
 * peer's limit.
 */
static size_t
s2s_negotiate_stanza(const struct s2s *s)
{
	size_t i, max = s2s_limits(s)->stanza_size;

	if (s->dir == S2S_IN && s->peer < 0)
		for (i = 0; i < guard.policy->npeers; i++)
			if (guard.policy->peers[i].limits.stanza_size > max)
				max = guard.policy->peers[i].limits.stanza_size;
	return max < S2S_NEGOTIATE_STANZA ? max : S2S_NEGOTIATE_STANZA;
}

/* (Re)arms the stream's one timer: connect, negotiation or idle, by state. */
void
s2s_arm_timer(struct s2s *s, uint32_t seconds)
{
	loop_timer_arm(guard.loop, &s->timer, (uint64_t)seconds * 1000,
	    s2s_timer_fired, s);
}

void
s2s_count_stanza(struct s2s *s, enum s2s_dir dir)
{
	if (dir == S2S_IN)
		s->stanzas_in++;
	else
		s->stanzas_out++;
	if (guard.peer_status != NULL && s->peer >= 0)
		guard.peer_status[s->peer].stanzas[dir]++;
}

/* Counts S, just ready (DELTA 1) or no longer (-1), among its peer's ready
 * streams, which tell the status page whether a required link is up. */
static void
s2s_ready_count(const struct s2s *s, int delta)
{
	if (guard.peer_status != NULL && s->peer >= 0)
		guard.peer_status[s->peer].ready[s->dir] += (size_t)delta;
}

void
s2s_peer_stream_error(struct s2s *s, const struct stanza_node *e)
{
	char why[STATUS_ERROR_MAX];

	log_event(LOG_LVL_WARN, s->conn->id, "peer-stream-error",
	    "remote=%s condition=%s", s->remote, s2s_error_condition(e));
	snprintf(why, sizeof(why), "peer stream error: %s",
	    s2s_error_condition(e));
	s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND, why);
}

/*
 * Returns a new stream, registered in guard.streams, with its parser and
 * negotiation timer; NULL on no memory. The caller attaches a connection.
 */
struct s2s *
s2s_new(enum s2s_dir dir, int peer)
{
	struct s2s *s;
	struct xml_limits xl;

	/* Every stream holds a descriptor and buffers: past the bound set
	 * at start, new ones are refused rather than starving the rest. */
	if (guard.max_streams != 0 && guard.nstreams >= guard.max_streams) {
		log_event(LOG_LVL_WARN, 0, "refuse", "reason=\"stream limit\" "
		    "streams=%zu", guard.nstreams);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->dir = dir;
	s->peer = peer;
	s->since_ms = loop_wall_ms();
	s->waiter.ops = &s2s_waiter_ops;
	xl.max_stanza = s2s_negotiate_stanza(s);
	xl.max_depth = XML_STREAM_DEPTH;
	xl.max_attrs = XML_STREAM_ATTRS;
	xl.max_memory = S2S_NEGOTIATE_MEMORY;
	s->xml = xml_new(&xl);
	if (s->xml == NULL) {
		free(s);
		return NULL;
	}
	xml_count_into(s->xml, &guard.admit.held);
	guard.nstreams++;
	s->next = guard.streams;
	if (guard.streams != NULL)
		guard.streams->prev = s;
	guard.streams = s;
	s->last_stanza = s->last_write = loop_now(guard.loop);
	s2s_arm_timer(s, s2s_limits(s)->negotiate_timeout);
	return s;
}

/*
 * Wraps socket FD in a connection owned by S; OUTBOUND when FD is still
 * connecting. Returns the connection, or NULL (FD is then closed).
 */
struct conn *
s2s_conn_new(struct s2s *s, int fd, int outbound)
{
	struct conn *c;

	c = conn_new(guard.loop, fd, outbound, &s2s_handler, s, S2S_INBUF,
	    S2S_NEGOTIATE_OUTBUF);
	if (c == NULL)
		return NULL;
	conn_count_into(c, &guard.admit.held);
	s->conn = c;
	return c;
}

/* The stream whose waiter W is. */
static struct s2s *
s2s_of_waiter(struct egress_waiter *w)
{
	return (struct s2s *)((char *)w - offsetof(struct s2s, waiter));
}

/* An inbound stream as a source that waits for a destination: its reads
 * stop, and what it buffered waits with them. */
static void
s2s_source_pause(struct egress_waiter *w)
{
	struct s2s *s = s2s_of_waiter(w);

	if (s->conn != NULL)
		conn_pause(s->conn);
}

static void
s2s_source_resume(struct egress_waiter *w)
{
	struct s2s *s = s2s_of_waiter(w);

	if (s->conn != NULL)
		conn_resume(s->conn);
}

const struct egress_waiter_ops s2s_waiter_ops = {
	.pause = s2s_source_pause,
	.resume = s2s_source_resume,
};

/* Unlinks S from everything that points at it and frees it. */
void
s2s_free(struct s2s *s)
{
	size_t i;

	s2s_egress_forget(s);
	if (s->verify != NULL)
		s->verify->verify_for = NULL;
	if (s->verify_for != NULL)
		s->verify_for->verify = NULL;
	if (s->resolving != NULL)
		resolve_cancel(s->resolving);
	loop_timer_cancel(guard.loop, &s->timer);
	loop_timer_cancel(guard.loop, &s->keepalive);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		guard.streams = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	guard.nstreams--;
	if (s->purpose == S2S_VERIFY)
		guard.nverify--;
	for (i = 0; i < s->nauthed; i++)
		free(s->authed[i]);
	xml_free(s->xml);
	admit_release(&guard.admit, &s->admit, loop_now(guard.loop));
	free(s);
}

void
s2s_write(struct s2s *s, const char *data, size_t len)
{
	/* A drained stream's side is closed: nothing more goes on it. */
	if (s->conn == NULL || s->state == S2S_CLOSED || s->draining)
		return;
	if (conn_write(s->conn, data, len) == -1) {
		/* Stanzas go through the S2S egress, which respects the
		 * bound; protocol elements are small. A full buffer here
		 * means the peer stopped reading altogether. */
		s2s_close(s, STANZA_COND_REMOTE_SERVER_TIMEOUT,
		    "output buffer full");
		return;
	}
	s->last_write = loop_now(guard.loop);
}

void
s2s_printf(struct s2s *s, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* Every value written here is bounded by a check upstream; should
	 * one slip through, the stream ends rather than the guard. */
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		log_event(LOG_LVL_ERR, s->conn ? s->conn->id : 0,
		    "internal-error", "reason=\"protocol element too long\"");
		s2s_close(s, STANZA_COND_INTERNAL_SERVER_ERROR,
		    "element too long");
		return;
	}
	s2s_write(s, buf, (size_t)n);
}

/* Stream ids are 128 random bits in hex: unguessable, as dialback needs. */
static void
s2s_new_id(char *out)
{
	unsigned char raw[16];
	size_t i;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		log_fatal("RAND_bytes failed", __FILE__, __LINE__);
	for (i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/*
 * The guard's stream header. Domains written here were checked by
 * jid_canon_domain, so they need no escaping. Inbound streams get a fresh
 * id; outbound ones send none (the receiving entity assigns it).
 */
void
s2s_send_header(struct s2s *s)
{
	if (s->dir == S2S_IN) {
		/* A stream refused before its header named a domain still
		 * gets a header of the guard's own. */
		if (s->local[0] == '\0')
			snprintf(s->local, sizeof(s->local), "%s",
			    guard.policy->guard.name);
		s2s_new_id(s->id);
		s2s_printf(s, "<?xml version='1.0'?><stream:stream"
		    " xmlns='jabber:server'"
		    " xmlns:stream='http://etherx.jabber.org/streams'"
		    " xmlns:db='jabber:server:dialback'"
		    " from='%s'%s%s%s id='%s' version='1.0'>",
		    s->local, s->remote[0] ? " to='" : "", s->remote,
		    s->remote[0] ? "'" : "", s->id);
	} else {
		s2s_printf(s, "<?xml version='1.0'?><stream:stream"
		    " xmlns='jabber:server'"
		    " xmlns:stream='http://etherx.jabber.org/streams'"
		    " xmlns:db='jabber:server:dialback'"
		    " from='%s' to='%s' version='1.0'>", s->local, s->remote);
	}
	s->header_sent = 1;
}

/*
 * Logs the refusal, sends the stream error (after a header of the guard's
 * own if none went out yet) and closes S; an outbound stream's queue is
 * bounced with remote-server-timeout after a timeout, else
 * remote-server-not-found.
 */
void
s2s_stream_error(struct s2s *s, const char *cond, const char *text)
{
	if (s->conn == NULL || s->state == S2S_CLOSED)
		return;
	log_event(LOG_LVL_WARN, s->conn->id, "stream-error",
	    "dir=%s local=%s remote=%s condition=%s reason=\"%s\"",
	    s->dir == S2S_IN ? "in" : "out", s->local, s->remote, cond,
	    text ? text : cond);
	if (!s->header_sent)
		s2s_send_header(s);
	s2s_printf(s, "<stream:error><%s xmlns="
	    "'urn:ietf:params:xml:ns:xmpp-streams'/>", cond);
	if (text != NULL) {
		char esc[512];
		size_t n = stanza_escape(text, strlen(text), esc,
		    sizeof(esc) - 1);

		if (n >= sizeof(esc))
			n = 0;
		s2s_printf(s, "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'"
		    ">%.*s</text>", (int)n, esc);
	}
	S2S_WRITE_LIT(s, "</stream:error>");
	s2s_status_failed(s, cond);
	s2s_close(s, strcmp(cond, "connection-timeout") == 0 ?
	    STANZA_COND_REMOTE_SERVER_TIMEOUT :
	    STANZA_COND_REMOTE_SERVER_NOT_FOUND, cond);
}

/*
 * Closes S: bounces its queue with COND, writes the closing tag if the
 * stream was open, and lets the connection flush and end. The stream is
 * freed when the connection reports it closed. An outbound stanza stream
 * that ends before it was ever ready counts as a failed attempt to reach
 * its peer (s2s_egress.c backs off) and, unless orderly, is its peer's
 * last failure; a ready stream is one ready stream of its peer fewer.
 */
void
s2s_close(struct s2s *s, enum stanza_cond cond, const char *reason)
{
	struct s2s *v;

	if (s->state == S2S_CLOSED)
		return;
	if (s->state == S2S_READY)
		s2s_ready_count(s, -1);
	else if (!s->orderly)
		s2s_status_failed(s, reason);
	if (s->dir == S2S_OUT && s->purpose == S2S_STANZAS &&
	    s->state != S2S_READY && !guard.shutting_down)
		s2s_egress_attempt(s->remote, 1);
	/* Closed and out of the table first, so that no bounce below can
	 * find this stream and queue on it again. */
	s->state = S2S_CLOSED;
	s2s_egress_unlink(s);
	if (s->dir == S2S_OUT)
		s2s_egress_drop_queue(s, cond);
	if (s->header_sent && !s->draining && s->conn != NULL)
		conn_write(s->conn, "</stream:stream>", 16);
	if (s->verify_for != NULL) {
		s2s_dialback_unverified(s->verify_for);
		s->verify_for = NULL;
	}
	/* A verification nobody waits for any more is abandoned. */
	if ((v = s->verify) != NULL) {
		s->verify = NULL;
		v->verify_for = NULL;
		s2s_close(v, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "inbound stream gone");
	}
	if (s->conn != NULL)
		conn_close(s->conn, 1, reason);
	else
		s2s_free(s);
}

const struct gen_peer *
s2s_peer(const struct s2s *s)
{
	XEDGE_ASSERT(s->peer >= 0);
	return &guard.policy->peers[s->peer];
}

int
s2s_may_dialback(const struct s2s *s)
{
	const struct gen_peer *p = s2s_peer(s);

	return (p->auth & GEN_AUTH_DIALBACK) &&
	    (s->tls_up || p->dialback_forced);
}

const char *
s2s_error_condition(const struct stanza_node *e)
{
	const struct stanza_node *c = e->children;

	while (c != NULL && c->kind != STANZA_ELEMENT)
		c = c->next;
	return c != NULL ? c->name : "-";
}

int
s2s_header_ns_ok(struct s2s *s, const struct stanza_node *root)
{
	const char *ns = stanza_attr(root, STANZA_NS_XMLNS, "xmlns");

	if (ns != NULL && strcmp(ns, STANZA_NS_SERVER) == 0)
		return 1;
	s2s_stream_error(s, "invalid-namespace",
	    "the stream's content namespace must be jabber:server");
	return 0;
}

int
s2s_is_authed(const struct s2s *s, const char *domain)
{
	return jid_domain_in(domain, s->authed, s->nauthed);
}

/* A stream finished negotiating: the negotiation bounds on its input and
 * output become the peer's limits, it no longer counts as unauthenticated,
 * the negotiation timer becomes the idle timer, keepalives start, and an
 * outbound stream sends its queue. */
void
s2s_ready(struct s2s *s)
{
	const struct gen_limits *lim = s2s_limits(s);

	s->state = S2S_READY;
	s2s_ready_count(s, 1);
	admit_authenticated(&guard.admit, &s->admit);
	xml_raise_max_stanza(s->xml, lim->stanza_size);
	conn_raise_outbuf(s->conn, s2s_outbuf(s));
	/* auth= is how the sending side proved itself: the peer on an
	 * inbound stream, the guard on an outbound one, where the peer's
	 * own certificate is reported apart. */
	log_event(LOG_LVL_INFO, s->conn->id, "stream-ready",
	    "dir=%s local=%s remote=%s peer=%s tls=%s auth=%s%s",
	    s->dir == S2S_IN ? "in" : "out", s->local, s->remote,
	    s2s_peer(s)->name, s->tls_up ? "yes" : "no",
	    s->sasl_done ? "certificate" : "dialback",
	    s->dir == S2S_IN ? "" : s->peer_verified ?
	    " peer-certificate=valid" : " peer-certificate=unverified");
	s2s_arm_timer(s, lim->idle_timeout);
	if (s2s_keepalive_ms(s) > 0)
		loop_timer_arm(guard.loop, &s->keepalive, s2s_keepalive_ms(s),
		    s2s_keepalive_fired, s);
	if (s->dir == S2S_OUT) {
		if (s->purpose == S2S_STANZAS)
			s2s_egress_attempt(s->remote, 0);
		s2s_egress_flush(s);
	}
}

/* Negotiation timeout before S2S_READY, idle timeout after. */
static void
s2s_timer_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	struct s2s *s = arg;
	uint64_t idle_ms = (uint64_t)s2s_limits(s)->idle_timeout * 1000;
	/* Keepalives do not count: idle means no stanza either way. */
	uint64_t last = s->last_stanza;

	(void)t;
	if (s->state == S2S_CONNECTING) {
		log_event(LOG_LVL_WARN, s->conn ? s->conn->id : 0,
		    "connect-timeout", "remote=%s", s->remote);
		s2s_close(s, STANZA_COND_REMOTE_SERVER_TIMEOUT,
		    "connect timeout");
		return;
	}
	if (s->state != S2S_READY) {
		s2s_stream_error(s, "connection-timeout",
		    "negotiation took too long");
		return;
	}
	/* A required link stays up, idle or not; keepalives hold it. */
	if (s->link)
		last = loop_now(l);
	if (loop_now(l) - last < idle_ms) {
		loop_timer_arm(l, &s->timer, idle_ms - (loop_now(l) - last),
		    s2s_timer_fired, s);
		return;
	}
	log_event(LOG_LVL_INFO, s->conn ? s->conn->id : 0, "idle-close",
	    "local=%s remote=%s", s->local, s->remote);
	s2s_close(s, STANZA_COND_REMOTE_SERVER_TIMEOUT, "idle");
}

/*
 * Milliseconds between keepalives: the policy's interval, shortened to half
 * the idle time a peer announced (XEP-0478) so that it never drops us.
 */
static uint64_t
s2s_keepalive_ms(const struct s2s *s)
{
	uint64_t every = (uint64_t)s2s_limits(s)->keepalive * 1000;

	if (s->peer_idle_seconds > 0 &&
	    (every == 0 || s->peer_idle_seconds * 500 < every))
		every = s->peer_idle_seconds * 500;
	return every;
}

/* A single space keeps NATs and firewalls from forgetting a quiet stream
 * (RFC 6120 section 4.6.1). */
static void
s2s_keepalive_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	struct s2s *s = arg;
	uint64_t every = s2s_keepalive_ms(s);

	if (s->state != S2S_READY)
		return;
	if (loop_now(l) - s->last_write >= every)
		s2s_write(s, " ", 1);
	loop_timer_arm(l, t, every, s2s_keepalive_fired, s);
}

/* Room again: first what waited in the queue, then the sources. */
static void
s2s_conn_drained(struct conn *c)
{
	struct s2s *s = c->owner;

	if (s->dir == S2S_OUT)
		s2s_egress_flush(s);
}

static void
s2s_conn_connected(struct conn *c, int err)
{
	struct s2s *s = c->owner;

	s2s_arm_timer(s, s2s_limits(s)->negotiate_timeout);
	if (err != 0) {
		log_event(LOG_LVL_WARN, c->id, "connect-failed",
		    "remote=%s peer=%s addr=%s err=\"%s\"", s->remote,
		    guard.policy->peers[s->peer].name, c->peer_addr,
		    strerror(err));
		s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
		    "connect failed");
		return;
	}
	s2s_out_connected(s);
}

void
s2s_restart(struct s2s *s)
{
	xml_reset(s->xml);
	s->header_sent = 0;
	s->state = S2S_HEADER;
}

static void
s2s_conn_tls_ready(struct conn *c)
{
	struct s2s *s = c->owner;

	s->tls_up = 1;
	s2s_restart(s);
	if (s->dir == S2S_IN)
		s2s_in_tls_ready(s);
	else
		s2s_out_tls_ready(s);
}

/* Runs the tokenizer over everything buffered, one event at a time, until
 * it needs more input or the stream stops being readable. */
static void
s2s_conn_readable(struct conn *c)
{
	struct s2s *s = c->owner;
	size_t used;
	enum xml_event ev;

	while (buf_len(&c->in) > 0 && s->state != S2S_CLOSED &&
	    s->state != S2S_TLS) {
		ev = xml_parse(s->xml, buf_head(&c->in), buf_len(&c->in),
		    &used);
		buf_consume(&c->in, used);
		switch (ev) {
		case XML_NEED_MORE:
			/* The budget is kept for authenticated streams: an
			 * inbound one still negotiating that grew past it
			 * ends. */
			if (s->admit.unauth && admit_over_budget(&guard.admit))
				s2s_stream_error(s, "resource-constraint",
				    "memory budget reached");
			return;
		case XML_STREAM_OPEN:
			if (s->dir == S2S_IN)
				s2s_in_header(s, xml_stream_root(s->xml));
			else
				s2s_out_header(s, xml_stream_root(s->xml));
			break;
		case XML_ELEMENT:
			if (s->dir == S2S_IN)
				s2s_in_element(s, xml_element(s->xml));
			else
				s2s_out_element(s, xml_element(s->xml));
			break;
		case XML_STREAM_CLOSE:
			log_event(LOG_LVL_INFO, c->id, "stream-end",
			    "local=%s remote=%s", s->local, s->remote);
			s->orderly = 1;
			s2s_close(s, STANZA_COND_REMOTE_SERVER_TIMEOUT,
			    "peer closed stream");
			return;
		case XML_ERROR:
			s2s_stream_error(s,
			    xml_error_name(xml_error_condition(s->xml)),
			    xml_error_text(s->xml));
			return;
		}
		/* A waiting stream stops after the stanza that filled the
		 * destination: the rest waits in the buffer. */
		if (s->waiter.waiting_for != NULL)
			return;
	}
}

static void
s2s_conn_closed(struct conn *c, const char *reason)
{
	struct s2s *s = c->owner;

	log_event(LOG_LVL_INFO, c->id, "close",
	    "dir=%s local=%s remote=%s reason=\"%s\"",
	    s->dir == S2S_IN ? "in" : "out", s->local[0] ? s->local : "-",
	    s->remote[0] ? s->remote : "-", reason);
	s2s_status_ended(s);
	s->conn = NULL;
	if (s->state != S2S_CLOSED) {
		/* s2s_close records only what fails before ready. */
		if (s->state == S2S_READY)
			s2s_status_failed(s, reason);
		s2s_close(s, s->state == S2S_READY ?
		    STANZA_COND_REMOTE_SERVER_TIMEOUT :
		    STANZA_COND_REMOTE_SERVER_NOT_FOUND, reason);
		return;
	}
	s2s_free(s);
}

void
s2s_accept(int fd, int direct_tls)
{
	struct admit_ticket t = { 0 };
	struct s2s *s;
	struct conn *c;

	if (admit_accept(&guard.admit, fd, loop_now(guard.loop), &t) == -1) {
		close(fd);
		return;
	}
	s = s2s_new(S2S_IN, -1);
	if (s == NULL) {
		log_event(LOG_LVL_ERR, 0, "accept-failed", "reason=no-memory");
		admit_release(&guard.admit, &t, loop_now(guard.loop));
		close(fd);
		return;
	}
	s->admit = t;
	c = s2s_conn_new(s, fd, 0);
	if (c == NULL) {
		s->state = S2S_CLOSED;
		s2s_free(s);
		return;
	}
	s->state = S2S_HEADER;
	log_event(LOG_LVL_INFO, c->id, "accept", "peer=%s tls=%s",
	    c->peer_addr, direct_tls ? "direct" : "starttls");
	if (direct_tls) {
		s->state = S2S_TLS;
		/* No stream header yet, so no peer: the global policy. */
		if (conn_start_tls(c, tls_server_ctx(guard.tls, NULL), 1, NULL,
		    &guard.policy->tls_policy) == -1)
			s2s_close(s, STANZA_COND_REMOTE_SERVER_NOT_FOUND,
			    "TLS setup failed");
	}
}

/* Ends inbound stream S for a shutdown: an authenticated one is drained
 * (read on until its peer closes), any other ends at once. */
static void
s2s_shutdown_in(struct s2s *s)
{
	if (s->state != S2S_READY || s->conn == NULL) {
		s2s_stream_error(s, "system-shutdown", NULL);
		return;
	}
	log_event(LOG_LVL_INFO, s->conn->id, "stream-error", "dir=in local=%s "
	    "remote=%s condition=system-shutdown reason=\"reading on until "
	    "the peer closes\"", s->local, s->remote);
	S2S_WRITE_LIT(s, "<stream:error><system-shutdown xmlns='urn:ietf:"
	    "params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
	s->draining = 1;
}

size_t
s2s_shutdown_all(void)
{
	struct s2s *s, *next;

	guard.shutting_down = 1;
	for (s = guard.streams; s != NULL; s = next) {
		next = s->next;
		if (s->dir == S2S_IN && s->state != S2S_CLOSED)
			s2s_shutdown_in(s);
	}
	/* Outbound streams not ready will not be: what waits on them is
	 * bounced now, while ready streams can still carry the bounces. */
	for (s = guard.streams; s != NULL; s = next) {
		next = s->next;
		if (s->dir == S2S_OUT && s->state != S2S_READY)
			s2s_close(s, STANZA_COND_REMOTE_SERVER_TIMEOUT,
			    "shutdown");
	}
	return s2s_shutdown_step(0);
}

size_t
s2s_shutdown_step(int force)
{
	struct s2s *s, *next;
	int inbound = 0;

	for (s = guard.streams; s != NULL; s = next) {
		next = s->next;
		if (s->dir != S2S_IN || s->state == S2S_CLOSED)
			continue;
		if (force)
			s2s_close(s, STANZA_COND_REMOTE_SERVER_TIMEOUT,
			    "shutdown: the peer did not close its stream");
		else
			inbound = 1;
	}
	if (!inbound)
		for (s = guard.streams; s != NULL; s = next) {
			next = s->next;
			if (s->state != S2S_CLOSED)
				s2s_close(s, STANZA_COND_REMOTE_SERVER_TIMEOUT,
				    "shutdown");
		}
	return guard.nstreams;
}
