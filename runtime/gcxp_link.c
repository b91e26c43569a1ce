/*
 * One gcxp link (xedge-gcxp(7)): a TCP connection with TLS 1.3 both ways,
 * the HELLO handshake that names both guards and compares the policies'
 * digests, then frames. The edge dials and speaks first; the validator
 * answers once it knows from the HELLO which edge called, and the
 * certificate must name that edge. What is neither handshake nor
 * keepalive goes to the link's owner (gcxp_edge.c, gcxp_validator.c).
 */
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "gcxp_int.h"
#include "log.h"
#include "tls.h"

static void gcxp_conn_connected(struct conn *c, int err);
static void gcxp_conn_readable(struct conn *c);
static void gcxp_conn_tls_ready(struct conn *c);
static void gcxp_conn_drained(struct conn *c);
static void gcxp_conn_closed(struct conn *c, const char *reason);

static const struct conn_handler gcxp_handler = {
	.connected = gcxp_conn_connected,
	.readable = gcxp_conn_readable,
	.tls_ready = gcxp_conn_tls_ready,
	.drained = gcxp_conn_drained,
	.closed = gcxp_conn_closed,
};

int
gcxp_digest_bytes(const char *hex, unsigned char *digest)
{
	unsigned v;
	size_t i;

	if (strlen(hex) != 2 * GCXP_DIGEST_SIZE)
		return -1;
	for (i = 0; i < GCXP_DIGEST_SIZE; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		digest[i] = (unsigned char)v;
	}
	return 0;
}

static const char *
gcxp_refusal_name(int code)
{
	switch (code) {
	case GCXP_REFUSAL_VERSION:
		return "version";
	case GCXP_REFUSAL_POLICY:
		return "policy";
	case GCXP_REFUSAL_NAME:
		return "name";
	case GCXP_REFUSAL_ROLE:
		return "role";
	case GCXP_REFUSAL_SEQUENCE:
		return "sequence";
	default:
		return "other";
	}
}

/* Arms L's one timer for the state it is in. */
static void gcxp_link_arm(struct gcxp_link *l);

static void
gcxp_link_fired(struct loop *lp, struct loop_timer *t, void *arg)
{
	struct gcxp_link *l = arg;
	struct gcxp_frame ping = { .type = GCXP_FRAME_PING };
	uint64_t now = loop_now(lp);

	(void)t;
	if (l->state != GCXP_UP) {
		gcxp_link_fail(l, GCXP_ERR_TIMEOUT, "handshake took too long");
		return;
	}
	/* A link whose reading its owner stopped hears nothing, PINGs
	 * included: silence is then no sign of a dead peer. */
	if (l->paused)
		l->last_rx = now;
	if (now - l->last_rx >= GCXP_IDLE_MS) {
		gcxp_link_fail(l, GCXP_ERR_TIMEOUT, "nothing received");
		return;
	}
	if (now - l->last_tx >= GCXP_PING_MS)
		gcxp_link_send(l, &ping, NULL);
	gcxp_link_arm(l);
}

static void
gcxp_link_arm(struct gcxp_link *l)
{
	loop_timer_arm(guard.loop, &l->timer, l->state == GCXP_UP ?
	    GCXP_PING_MS / 3 : GCXP_HANDSHAKE_MS, gcxp_link_fired, l);
}

int
gcxp_link_attach(struct gcxp_link *l, int fd, int outbound, SSL_CTX *ctx,
    size_t outbuf)
{
	struct conn *c;

	c = conn_new(guard.loop, fd, outbound, &gcxp_handler, l,
	    (size_t)l->self->max_frame + 4096, outbuf);
	if (c == NULL)
		return -1;
	l->conn = c;
	l->ctx = ctx;
	l->paused = 0;
	l->peer_index = -1;
	l->opened = l->last_rx = l->last_tx = loop_now(guard.loop);
	gcxp_link_arm(l);
	if (outbound) {
		l->state = GCXP_CONNECTING;
		return 0;
	}
	l->state = GCXP_TLS;
	if (conn_start_tls(c, ctx, 1, NULL, &l->self->tls) == -1) {
		conn_close(c, 0, "TLS setup failed");
		l->state = GCXP_CLOSING;
	}
	return 0;
}

int
gcxp_link_write(struct gcxp_link *l, const void *frame, size_t len)
{
	if (l->conn == NULL || l->state == GCXP_CLOSING ||
	    conn_write(l->conn, frame, len) == -1)
		return -1;
	l->last_tx = loop_now(guard.loop);
	return 0;
}

int
gcxp_link_send(struct gcxp_link *l, const struct gcxp_frame *f,
    const uint32_t *rules)
{
	/* Every frame but a STANZA is small; a STANZA is encoded by its
	 * owner, once, and written with gcxp_link_write. */
	unsigned char buf[GCXP_NAME_MAX * 2 + GCXP_TEXT_MAX + 128];
	size_t n;

	n = gcxp_frame_write(buf, sizeof(buf), f, rules);
	XEDGE_ASSERT(n > 0);
	return gcxp_link_write(l, buf, n);
}

int
gcxp_link_congested(const struct gcxp_link *l)
{
	return l->conn == NULL || buf_len(&l->conn->out) > l->conn->out_low * 2;
}

void
gcxp_link_pause(struct gcxp_link *l)
{
	if (l->conn != NULL && !l->paused) {
		l->paused = 1;
		conn_pause(l->conn);
	}
}

void
gcxp_link_resume(struct gcxp_link *l)
{
	if (l->conn != NULL && l->paused) {
		l->paused = 0;
		conn_resume(l->conn);
	}
}

/* Sends a frame with a reason: ERROR or HELLO_REFUSE. */
static void
gcxp_link_reason(struct gcxp_link *l, enum gcxp_type type, int code,
    const char *text)
{
	struct gcxp_frame f = { .type = type };
	size_t len = strlen(text);

	f.reason.code = code;
	f.reason.text.p = text;
	f.reason.text.len = len < GCXP_TEXT_MAX ? len : GCXP_TEXT_MAX;
	gcxp_link_send(l, &f, NULL);
}

void
gcxp_link_fail(struct gcxp_link *l, enum gcxp_error code, const char *text)
{
	if (l->conn == NULL || l->state == GCXP_CLOSING)
		return;
	log_event(LOG_LVL_WARN, l->conn->id, "gcxp-error", "guard=%s "
	    "code=%d reason=\"%s\"", l->expect ? l->expect : "-", (int)code,
	    text);
	if (l->state == GCXP_UP || l->state == GCXP_HELLO)
		gcxp_link_reason(l, GCXP_FRAME_ERROR, code, text);
	l->state = GCXP_CLOSING;
	loop_timer_cancel(guard.loop, &l->timer);
	conn_close(l->conn, 1, text);
}

/* Refuses the other guard's HELLO with CODE and TEXT, and closes. */
static void
gcxp_link_refuse_hello(struct gcxp_link *l, enum gcxp_refusal code,
    const char *text)
{
	log_event(LOG_LVL_WARN, l->conn->id, "gcxp-refused", "guard=%s "
	    "refusal=%s reason=\"%s\"", l->expect ? l->expect : "-",
	    gcxp_refusal_name(code), text);
	gcxp_link_reason(l, GCXP_FRAME_HELLO_REFUSE, code, text);
	l->state = GCXP_CLOSING;
	loop_timer_cancel(guard.loop, &l->timer);
	conn_close(l->conn, 1, "handshake refused");
}

/* Sends this guard's HELLO. */
static void
gcxp_link_hello(struct gcxp_link *l)
{
	struct gcxp_frame f = { .type = GCXP_FRAME_HELLO };

	f.hello.version = GCXP_VERSION;
	f.hello.role = l->self->role;
	f.hello.window = l->self->window;
	f.hello.instance = l->self->instance;
	f.hello.received = 0;
	f.hello.digest = l->self->digest;
	f.hello.name.p = l->self->name;
	f.hello.name.len = strlen(l->self->name);
	f.hello.peer.p = l->expect;
	f.hello.peer.len = strlen(l->expect);
	gcxp_link_send(l, &f, NULL);
}

/* Whether B holds exactly NAME. */
static int
gcxp_bytes_are(const struct gcxp_bytes *b, const char *name)
{
	return name != NULL && b->len == strlen(name) &&
	    memcmp(b->p, name, b->len) == 0;
}

/*
 * The other guard's HELLO H, in xedge-gcxp(7)'s order: the version, its
 * role, its name (the one expected, or for the validator one of the
 * edges, which its certificate must name) and whom it expects, the
 * policy's digest. Returns 0 when the link is up, -1 when refused.
 */
static int
gcxp_link_check_hello(struct gcxp_link *l, const struct gcxp_hello *h)
{
	enum gcxp_role want = l->self->role == GCXP_ROLE_EDGE ?
	    GCXP_ROLE_VALIDATOR : GCXP_ROLE_EDGE;
	size_t i;

	if (h->version != GCXP_VERSION) {
		gcxp_link_refuse_hello(l, GCXP_REFUSAL_VERSION,
		    "this guard speaks gcxp version 1 only");
		return -1;
	}
	/* The validator learns here which edge calls, so that every refusal
	 * below names it. */
	for (i = 0; l->expect == NULL && i < l->ncandidates; i++)
		if (gcxp_bytes_are(&h->name, l->candidates[i])) {
			l->expect = l->candidates[i];
			l->peer_index = (int)i;
		}
	if (h->role != want) {
		gcxp_link_refuse_hello(l, GCXP_REFUSAL_ROLE, want ==
		    GCXP_ROLE_EDGE ? "a validator takes links from edges only" :
		    "an edge links to the validator only");
		return -1;
	}
	if (!gcxp_bytes_are(&h->name, l->expect) ||
	    !tls_peer_matches(l->conn->ssl, l->expect)) {
		gcxp_link_refuse_hello(l, GCXP_REFUSAL_NAME, "the guard's "
		    "name is not one this guard links to, or its certificate "
		    "does not name it");
		return -1;
	}
	if (!gcxp_bytes_are(&h->peer, l->self->name)) {
		gcxp_link_refuse_hello(l, GCXP_REFUSAL_NAME, "the guard "
		    "expects another guard than this one");
		return -1;
	}
	if (memcmp(h->digest, l->self->digest, GCXP_DIGEST_SIZE) != 0) {
		gcxp_link_refuse_hello(l, GCXP_REFUSAL_POLICY, "the guards "
		    "were built from different policies (SHA-256 differs): "
		    "a pair is three builds of one policy");
		return -1;
	}
	l->window = h->window < l->self->window ? h->window : l->self->window;
	l->peer_instance = h->instance;
	if (l->self->role == GCXP_ROLE_VALIDATOR)
		gcxp_link_hello(l);
	l->state = GCXP_UP;
	log_event(LOG_LVL_INFO, l->conn->id, "gcxp-up", "guard=%s window=%u "
	    "instance=%llu", l->expect, (unsigned)l->window,
	    (unsigned long long)l->peer_instance);
	gcxp_link_arm(l);
	l->ops->up(l);
	return 0;
}

/* One frame F (RAW[0..len)) of L; returns 0 to go on, 1 to stop reading
 * and keep it, -1 when L closed. */
static int
gcxp_link_frame(struct gcxp_link *l, const struct gcxp_frame *f,
    const char *raw, size_t len)
{
	char text[GCXP_TEXT_MAX + 1], quoted[LOG_QUOTE_SIZE(GCXP_TEXT_MAX)];

	switch (f->type) {
	case GCXP_FRAME_HELLO:
		if (l->state != GCXP_HELLO)
			break;
		return gcxp_link_check_hello(l, &f->hello);
	case GCXP_FRAME_HELLO_REFUSE:
	case GCXP_FRAME_ERROR:
		/* The other guard's words: quoted for the log. */
		snprintf(text, sizeof(text), "%.*s", (int)f->reason.text.len,
		    f->reason.text.p);
		log_event(LOG_LVL_WARN, l->conn->id, f->type ==
		    GCXP_FRAME_ERROR ? "gcxp-peer-error" : "gcxp-peer-refused",
		    "guard=%s code=%d reason=%s", l->expect ? l->expect : "-",
		    f->reason.code, log_quote(text, quoted, sizeof(quoted)));
		l->state = GCXP_CLOSING;
		conn_close(l->conn, 1, "the other guard closed the link");
		return -1;
	case GCXP_FRAME_PING:
		if (l->state != GCXP_UP)
			break;
		return 0;
	default:
		if (l->state != GCXP_UP)
			break;
		return l->ops->frame(l, f, raw, len);
	}
	gcxp_link_fail(l, GCXP_ERR_UNEXPECTED, "frame out of sequence");
	return -1;
}

static void
gcxp_conn_readable(struct conn *c)
{
	struct gcxp_link *l = c->owner;
	struct gcxp_frame f;
	const char *why;
	size_t used;
	int r;

	while (l->state == GCXP_HELLO || l->state == GCXP_UP) {
		if (l->paused)
			return;
		r = gcxp_frame_parse(buf_head(&c->in), buf_len(&c->in),
		    l->self->max_frame, &f, &used, &why);
		if (r == 0)
			return;
		if (r == -1) {
			gcxp_link_fail(l, GCXP_ERR_MALFORMED, why);
			return;
		}
		l->last_rx = loop_now(guard.loop);
		r = gcxp_link_frame(l, &f, buf_head(&c->in), used);
		if (r == 1)
			return;
		if (r == -1)
			return;
		buf_consume(&c->in, used);
	}
}

static void
gcxp_conn_connected(struct conn *c, int err)
{
	struct gcxp_link *l = c->owner;

	if (err != 0) {
		log_event(LOG_LVL_WARN, c->id, "gcxp-connect-failed",
		    "guard=%s addr=%s err=\"%s\"", l->expect, c->peer_addr,
		    strerror(err));
		l->state = GCXP_CLOSING;
		conn_close(c, 0, "connect failed");
		return;
	}
	l->state = GCXP_TLS;
	if (conn_start_tls(c, l->ctx, 0, l->expect, &l->self->tls) == -1) {
		l->state = GCXP_CLOSING;
		conn_close(c, 0, "TLS setup failed");
	}
}

/* TLS is up: the other guard's certificate must chain to the pair's CA
 * (its name is checked against the HELLO); the edge speaks first. */
static void
gcxp_conn_tls_ready(struct conn *c)
{
	struct gcxp_link *l = c->owner;

	if (!tls_peer_verified(c->ssl)) {
		log_event(LOG_LVL_WARN, c->id, "gcxp-refused", "guard=%s "
		    "reason=\"certificate not from the pair's CA: %s\"",
		    l->expect ? l->expect : "-",
		    tls_peer_verify_text(c->ssl, NULL));
		l->state = GCXP_CLOSING;
		conn_close(c, 0, "certificate refused");
		return;
	}
	/* The edge tells its HELLO, policy digest and all, only to the
	 * validator its certificate names. */
	if (l->self->role == GCXP_ROLE_EDGE &&
	    !tls_peer_matches(c->ssl, l->expect)) {
		log_event(LOG_LVL_WARN, c->id, "gcxp-refused", "guard=%s "
		    "reason=\"the certificate does not name the validator\"",
		    l->expect);
		l->state = GCXP_CLOSING;
		conn_close(c, 0, "certificate refused");
		return;
	}
	l->state = GCXP_HELLO;
	if (l->self->role == GCXP_ROLE_EDGE)
		gcxp_link_hello(l);
}

static void
gcxp_conn_drained(struct conn *c)
{
	struct gcxp_link *l = c->owner;

	if (l->state == GCXP_UP)
		l->ops->drained(l);
}

static void
gcxp_conn_closed(struct conn *c, const char *reason)
{
	struct gcxp_link *l = c->owner;

	loop_timer_cancel(guard.loop, &l->timer);
	l->conn = NULL;
	l->state = GCXP_DOWN;
	l->paused = 0;
	l->ops->down(l, reason);
}
