/*
 * An edge of a guard pair (xedge-gcxp(7)): its link to the validator and
 * the egress towards the other edge's peers over it.
 *
 * Towards the validator, each stanza that routing hands over becomes a
 * STANZA frame with the next sequence number, encoded once and kept until
 * the other edge acknowledges it (an ACK names one frame) or a refusal
 * comes back (REFUSE: bounced to its sender with an alert). At most the window's frames are written and not
 * yet acknowledged; past twice the window, stanzas bounce with
 * resource-constraint, and from the window on, sources wait. After a
 * reconnect every frame not acknowledged is written again, in order: the
 * other edge discards what it already took. So a stanza is delivered
 * once, or bounced, whatever happens to the validator or the link.
 *
 * From the validator, STANZA frames of the other edge enter routing as
 * from their source peer, and leave by S2S; each is acknowledged once
 * routing took it (delivered, queued or bounced), and one whose sequence
 * number is not above the last taken is a duplicate: answered again (its
 * acknowledgement, or its refusal), not routed again.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gcxp.h"
#include "gcxp_int.h"
#include "guard.h"
#include "jid.h"
#include "log.h"
#include "route.h"
#include "status.h"
#include "tls.h"
#include "xml.h"

/* Frames of the other edge refused here that are remembered, to be
 * refused again when written again: refusals here are rare, for the
 * validator stops what an edge cannot take. */
#define GCXP_REFUSED_KEPT 128

/* Redialling the validator: the first wait, the longest, and how long a
 * link must have stayed up for the next failure to start again from the
 * first. */
#define GCXP_REDIAL_FIRST_MS 500
#define GCXP_REDIAL_MAX_MS 30000
#define GCXP_STEADY_MS 10000

/* A frame not yet acknowledged: its bytes, then the strings of its
 * meta. */
struct gcxp_item {
	struct gcxp_item *next;
	uint64_t seq;
	size_t len;
	struct egress_meta meta;	/* path: none, the frame holds it */
	unsigned char data[];
};

struct gcxp_edge {
	struct gcxp_link link;
	struct gcxp_self self;
	int index;			/* this edge, 0 or 1 */
	struct gcxp_item *head, *tail;	/* not acknowledged, by seq */
	struct gcxp_item *unsent;	/* the first not written on this link */
	size_t nitems, ninflight;
	uint64_t next_seq;		/* of the next frame */
	uint64_t received;		/* the last seq taken from the other edge */
	struct egress_waiter *waiters;	/* sources waiting for room */
	struct egress_waiter waiter;	/* the link waiting for an S2S peer */
	struct status_link status;	/* what the status page shows */
	/* The last frames of the other edge refused here (a ring). */
	struct gcxp_refused {
		uint64_t seq;
		enum stanza_cond cond;
	} refused[GCXP_REFUSED_KEPT];
	size_t nrefused;
	struct xml_parser *xml;		/* the other edge's stanzas */
	struct gcxp_check check;	/* of the frame being taken */
	struct loop_timer redial;
	unsigned failures;		/* links in a row that did not stay up */
	char *authed[1];		/* a stanza's source domain */
};

static int gcxp_peer_of(const char *jid, int route);

static struct gcxp_edge *
gcxp_edge_of(struct gcxp_link *l)
{
	return (struct gcxp_edge *)((char *)l - offsetof(struct gcxp_edge,
	    link));
}

/* The most frames kept: written or waiting. */
static size_t
gcxp_edge_bound(const struct gcxp_edge *e)
{
	return 2 * (size_t)e->self.window;
}

/* Writes what waits while the window and the link's output have room. */
static void
gcxp_edge_pump(struct gcxp_edge *e)
{
	struct gcxp_item *it;

	while ((it = e->unsent) != NULL && e->link.state == GCXP_UP &&
	    e->ninflight < e->link.window && !gcxp_link_congested(&e->link)) {
		if (gcxp_link_write(&e->link, it->data, it->len) == -1)
			break;
		e->unsent = it->next;
		e->ninflight++;
		e->status.frames[STATUS_OUT]++;
	}
	if (e->nitems <= (size_t)e->self.window / 2)
		egress_release(&e->waiters);
}

static void
gcxp_edge_dial(struct gcxp_edge *e)
{
	const struct gen_pair *p = &guard.policy->pair;
	int fd;

	if (guard.shutting_down || e->link.conn != NULL)
		return;
	fd = conn_connect_fd(p->host, p->port);
	if (fd == -1 || gcxp_link_attach(&e->link, fd, 1,
	    tls_client_ctx(guard.gcxp_tls, e->self.name),
	    gcxp_edge_bound(e) * (size_t)e->self.max_frame) == -1) {
		log_errno(LOG_LVL_WARN, 0, "gcxp-connect-failed", "guard=%s "
		    "addr=%s:%u", p->validator, p->host, (unsigned)p->port);
		e->link.ops->down(&e->link, "connect failed");
		return;
	}
	snprintf(e->link.conn->peer_addr, sizeof(e->link.conn->peer_addr),
	    "%s:%u", p->host, (unsigned)p->port);
	log_event(LOG_LVL_INFO, e->link.conn->id, "gcxp-connect",
	    "guard=%s addr=%s", p->validator, e->link.conn->peer_addr);
}

static void
gcxp_edge_redial_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	gcxp_edge_dial(arg);
}

static void
gcxp_edge_up(struct gcxp_link *l)
{
	struct gcxp_edge *e = gcxp_edge_of(l);

	gcxp_status_changed(&e->status, 1, NULL);
	/* Everything not acknowledged goes again, in order. */
	e->unsent = e->head;
	e->ninflight = 0;
	gcxp_edge_pump(e);
}

static void
gcxp_edge_down(struct gcxp_link *l, const char *why)
{
	struct gcxp_edge *e = gcxp_edge_of(l);
	uint64_t wait;

	/* A link that stayed up a while starts the backoff again; one that
	 * fails as soon as it is up (a fault on the validator's side) does
	 * not keep it short. */
	if (e->status.up &&
	    loop_wall_ms() - e->status.since_ms >= GCXP_STEADY_MS)
		e->failures = 0;
	gcxp_status_changed(&e->status, 0, why);
	/* The link no longer waits for an S2S destination: the next
	 * connection may be made to wait afresh. */
	egress_unwait(&e->waiter);
	if (guard.shutting_down)
		return;
	if (e->failures < 16)
		e->failures++;
	wait = (uint64_t)GCXP_REDIAL_FIRST_MS << (e->failures - 1);
	if (wait > GCXP_REDIAL_MAX_MS)
		wait = GCXP_REDIAL_MAX_MS;
	log_event(LOG_LVL_WARN, 0, "gcxp-down", "guard=%s reason=\"%s\" "
	    "unacknowledged=%zu retry-in-ms=%llu", guard.policy->pair.validator,
	    why, e->nitems, (unsigned long long)wait);
	e->unsent = e->head;
	e->ninflight = 0;
	loop_timer_arm(guard.loop, &e->redial, wait, gcxp_edge_redial_fired,
	    e);
}

static void
gcxp_edge_drained(struct gcxp_link *l)
{
	gcxp_edge_pump(gcxp_edge_of(l));
}

/* Takes the written frame SEQ out of E's list, or returns NULL when no
 * frame written and kept has that number. */
static struct gcxp_item *
gcxp_edge_take(struct gcxp_edge *e, uint64_t seq)
{
	struct gcxp_item *prev = NULL, *it;

	for (it = e->head; it != NULL && it != e->unsent; it = it->next) {
		if (it->seq == seq)
			break;
		prev = it;
	}
	if (it == NULL || it == e->unsent)
		return NULL;
	if (prev != NULL)
		prev->next = it->next;
	else
		e->head = it->next;
	if (e->tail == it)
		e->tail = prev;
	e->nitems--;
	e->ninflight--;
	return it;
}

/*
 * The other edge took frame SEQ: it is freed. An acknowledgement names one
 * frame, not all those before it, for one of those may have been refused
 * on a connection that is gone; one for a frame no longer kept is a
 * repeat (a frame written twice, acknowledged twice). Returns -1 when SEQ
 * was never written.
 */
static int
gcxp_edge_ack(struct gcxp_edge *e, uint64_t seq)
{
	if (seq >= e->next_seq)
		return -1;
	free(gcxp_edge_take(e, seq));
	gcxp_edge_pump(e);
	return 0;
}

/* Copies the validator's text into BUF (LEN bytes) with nothing that could
 * break a log line or an alert: what is not printable ASCII, and quotes
 * and backslashes, become '?'. */
static const char *
gcxp_edge_text(const struct gcxp_bytes *t, char *buf, size_t len)
{
	size_t i, n = t->len < len - 1 ? t->len : len - 1;

	for (i = 0; i < n; i++)
		buf[i] = t->p[i] >= 0x20 && t->p[i] < 0x7f && t->p[i] != '"' &&
		    t->p[i] != '\\' ? t->p[i] : '?';
	buf[n] = '\0';
	return buf;
}

/* The validator refused frame R->seq: its stanza goes back to its sender
 * with R's condition, counted against R's rule, with an alert. */
static int
gcxp_edge_refused(struct gcxp_edge *e, const struct gcxp_refuse *r)
{
	struct gcxp_item *it;
	char why[256];
	unsigned rule;
	int peer;

	if (r->seq >= e->next_seq)
		return -1;
	/* A repeat: the frame was refused already. */
	if ((it = gcxp_edge_take(e, r->seq)) == NULL)
		return 0;
	/* A rule on the wire is its index plus one; a refusal outside any
	 * rule counts against the rule of the stanza's structure. */
	rule = r->rule >= 1 && r->rule <= guard.policy->nrules ? r->rule - 1 :
	    GEN_RULE_STRUCTURE;
	peer = gcxp_peer_of(it->meta.to, 1);
	e->status.refused++;
	route_refused(&guard.route, &it->meta, r->condition, rule, peer,
	    gcxp_edge_text(&r->text, why, sizeof(why)));
	free(it);
	gcxp_edge_pump(e);
	return 0;
}

/* Acknowledges frame SEQ of the other edge. */
static void
gcxp_edge_send_ack(struct gcxp_edge *e, uint64_t seq)
{
	struct gcxp_frame ack = { .type = GCXP_FRAME_ACK };

	ack.ack = seq;
	gcxp_link_send(&e->link, &ack, NULL);
}

/* Sends the REFUSE of frame SEQ with COND and WHY. */
static void
gcxp_edge_send_refuse(struct gcxp_edge *e, uint64_t seq,
    enum stanza_cond cond, const char *why)
{
	struct gcxp_frame f = { .type = GCXP_FRAME_REFUSE };

	f.refuse.seq = seq;
	f.refuse.condition = cond;
	f.refuse.text.p = why;
	f.refuse.text.len = strlen(why);
	gcxp_link_send(&e->link, &f, NULL);
}

/* Refuses STANZA frame S of the other edge, which this edge cannot take
 * (the validator should not have let it through), with COND; it is
 * remembered, so that the frame written again is refused again rather
 * than acknowledged as a duplicate. */
static void
gcxp_edge_cannot_take(struct gcxp_edge *e, const struct gcxp_stanza *s,
    enum stanza_cond cond, const char *why)
{
	struct gcxp_refused *r = &e->refused[e->nrefused++ % GCXP_REFUSED_KEPT];

	log_event(LOG_LVL_ERR, e->link.conn->id, "gcxp-refuse", "seq=%llu "
	    "condition=%s reason=\"%s\"", (unsigned long long)s->seq,
	    stanza_cond_name(cond), why);
	gcxp_edge_send_refuse(e, s->seq, cond, why);
	r->seq = s->seq;
	r->cond = cond;
	e->received = s->seq;
}

/* A frame not above the last taken, written again: refused again if it
 * was refused, else acknowledged again. */
static void
gcxp_edge_repeat(struct gcxp_edge *e, uint64_t seq)
{
	size_t i;

	for (i = 0; i < GCXP_REFUSED_KEPT; i++)
		if (e->refused[i].seq == seq) {
			gcxp_edge_send_refuse(e, seq, e->refused[i].cond,
			    "refused when first written");
			return;
		}
	gcxp_edge_send_ack(e, seq);
}

/*
 * A stanza of the other edge: from a peer that edge serves, to one this
 * edge serves, parsed again, into routing as from its source peer (the
 * validator vouches for its source domain), and acknowledged.
 */
static int
gcxp_edge_stanza(struct gcxp_edge *e, const struct gcxp_stanza *s)
{
	struct gcxp_check *v = &e->check;
	struct route_source src = { .conn_id = e->link.conn->id,
	    .waiter = &e->waiter };
	enum pipe_stream_error se;
	const char *why;

	if (s->seq <= e->received) {
		gcxp_edge_repeat(e, s->seq);
		return 0;
	}
	/* What the validator checked of the frame, checked again: it comes
	 * from the other edge. */
	if (gcxp_check_frame(v, e->xml, s, 1 - e->index) == -1) {
		gcxp_edge_cannot_take(e, s, v->cond, v->why);
		return 0;
	}
	/* The validator vouched for the source domain; bounces come from
	 * the domain the stanza was sent to. */
	e->authed[0] = v->from_domain;
	src.pipe = (struct pipe_source){ .peer = v->from_peer,
	    .local = v->to_domain, .authed = e->authed, .nauthed = 1 };
	src.arena = xml_element_arena(e->xml);
	e->received = s->seq;
	e->status.frames[STATUS_IN]++;
	if (route_stanza(&guard.route, &src, v->element, &se, &why) == -1)
		log_event(LOG_LVL_ERR, e->link.conn->id, "gcxp-stanza-error",
		    "seq=%llu condition=%s reason=\"%s\"",
		    (unsigned long long)s->seq,
		    pipeline_stream_error_name(se), why);
	gcxp_edge_send_ack(e, s->seq);
	return 0;
}

static int
gcxp_edge_frame(struct gcxp_link *l, const struct gcxp_frame *f,
    const char *raw, size_t len)
{
	struct gcxp_edge *e = gcxp_edge_of(l);

	(void)raw;
	(void)len;
	switch (f->type) {
	case GCXP_FRAME_STANZA:
		if (e->link.paused)
			return 1;
		return gcxp_edge_stanza(e, &f->stanza);
	case GCXP_FRAME_ACK:
		if (gcxp_edge_ack(e, f->ack) == -1)
			break;
		return 0;
	case GCXP_FRAME_REFUSE:
		if (gcxp_edge_refused(e, &f->refuse) == -1)
			break;
		return 0;
	default:
		gcxp_link_fail(l, GCXP_ERR_UNEXPECTED, "frame out of place");
		return -1;
	}
	gcxp_link_fail(l, GCXP_ERR_SEQUENCE, "acknowledges a frame not sent");
	return -1;
}

static const struct gcxp_link_ops gcxp_edge_link_ops = {
	.up = gcxp_edge_up,
	.frame = gcxp_edge_frame,
	.drained = gcxp_edge_drained,
	.down = gcxp_edge_down,
};

/* The link as a source that waits for an S2S destination: its frames stay
 * unread, and so unacknowledged, until that destination has room. */
static void
gcxp_edge_source_pause(struct egress_waiter *w)
{
	struct gcxp_edge *e = guard.gcxp_edge;

	(void)w;
	gcxp_link_pause(&e->link);
}

static void
gcxp_edge_source_resume(struct egress_waiter *w)
{
	struct gcxp_edge *e = guard.gcxp_edge;

	(void)w;
	gcxp_link_resume(&e->link);
}

static const struct egress_waiter_ops gcxp_edge_waiter_ops = {
	.pause = gcxp_edge_source_pause,
	.resume = gcxp_edge_source_resume,
};

/* ---- the egress: routing's way to the other edge's peers ---- */

static void *
gcxp_egress_get(int peer, const char *local, const char *remote,
    enum stanza_cond *cond)
{
	(void)peer;
	(void)local;
	(void)remote;
	*cond = STANZA_COND_REMOTE_SERVER_NOT_FOUND;
	/* A shutdown lets what the link can still carry cross. */
	if (guard.shutting_down && guard.gcxp_edge->link.state != GCXP_UP)
		return NULL;
	return guard.gcxp_edge;
}

/* The peer of the domain of JID, by ROUTE (destination) or not (origin);
 * -1 if none. */
static int
gcxp_peer_of(const char *jid, int route)
{
	char domain[JID_DOMAIN_MAX + 1];
	int n;

	if (jid == NULL || (n = jid_domain(jid, domain)) < 0)
		return -1;
	return route ? gen_route(domain, (size_t)n) :
	    gen_origin_peer(domain, (size_t)n);
}

static int
gcxp_egress_send(void *dst, const char *bytes, size_t len,
    const struct egress_meta *m, enum stanza_cond *cond)
{
	struct gcxp_edge *e = dst;
	struct gcxp_frame f = { .type = GCXP_FRAME_STANZA };
	uint32_t path[EGRESS_PATH_MAX];
	struct gcxp_item *it;
	int from, to;
	size_t cap, i;

	*cond = STANZA_COND_RESOURCE_CONSTRAINT;
	if (e->nitems >= gcxp_edge_bound(e))
		return -1;
	*cond = STANZA_COND_REMOTE_SERVER_NOT_FOUND;
	from = gcxp_peer_of(m->from, 0);
	to = gcxp_peer_of(m->to, 1);
	if (from < 0 || to < 0)
		return -1;
	f.stanza.seq = e->next_seq;
	f.stanza.direction = (uint8_t)e->index;
	f.stanza.from.p = guard.policy->peers[from].name;
	f.stanza.from.len = strlen(f.stanza.from.p);
	f.stanza.to.p = guard.policy->peers[to].name;
	f.stanza.to.len = strlen(f.stanza.to.p);
	f.stanza.nrules = 0;
	/* On the wire a rule is its index plus one: 0 names none. */
	for (i = 0; i < m->npath && i < EGRESS_PATH_MAX; i++)
		path[f.stanza.nrules++] = m->path[i] + 1;
	f.stanza.xml.p = bytes;
	f.stanza.xml.len = len;
	cap = len + 2 * GCXP_NAME_MAX + 4 * EGRESS_PATH_MAX + 64;
	it = malloc(sizeof(*it) + cap + egress_meta_size(m));
	if (it == NULL)
		return -1;
	it->len = gcxp_frame_write(it->data, cap, &f, path);
	if (it->len == 0) {
		free(it);
		*cond = STANZA_COND_POLICY_VIOLATION;
		return -1;
	}
	it->next = NULL;
	it->seq = e->next_seq++;
	egress_meta_keep(&it->meta, m, (char *)it->data + it->len);
	if (e->tail != NULL)
		e->tail->next = it;
	else
		e->head = it;
	e->tail = it;
	if (e->unsent == NULL)
		e->unsent = it;
	e->nitems++;
	gcxp_edge_pump(e);
	return 0;
}

static enum egress_pressure
gcxp_egress_pressure(const void *dst)
{
	const struct gcxp_edge *e = dst;

	if (e->nitems < e->self.window)
		return EGRESS_OK;
	return e->link.state == GCXP_UP ? EGRESS_SLOW : EGRESS_BACKLOG;
}

static void
gcxp_egress_wait(void *dst, struct egress_waiter *w)
{
	struct gcxp_edge *e = dst;

	if (w->waiting_for == NULL)
		egress_wait_on(&e->waiters, e, &gcxp_egress, w);
}

static void
gcxp_egress_unwait(struct egress_waiter *w)
{
	struct gcxp_edge *e = w->waiting_for;

	egress_unlist(&e->waiters, w);
}

const struct egress_ops gcxp_egress = {
	.get = gcxp_egress_get,
	.send = gcxp_egress_send,
	.pressure = gcxp_egress_pressure,
	.wait = gcxp_egress_wait,
	.unwait = gcxp_egress_unwait,
};

/* ---- life cycle ---- */

/*
 * The first sequence number of this run: the wall clock in microseconds.
 * The other edge discards what is not above the last number it took, and
 * knows nothing of this edge's restarts; a run that starts later starts
 * above every number an earlier run could have used, unless that run sent
 * more than a frame per microsecond of its life.
 */
static uint64_t
gcxp_edge_first_seq(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int
gcxp_edge_start(const struct gcxp_self *self)
{
	const struct gen_pair *p = &guard.policy->pair;
	struct gcxp_edge *e;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -1;
	e->self = *self;
	e->index = p->edge;
	e->next_seq = gcxp_edge_first_seq();
	e->link.ops = &gcxp_edge_link_ops;
	e->link.self = &e->self;
	e->link.expect = p->validator;
	e->waiter.ops = &gcxp_edge_waiter_ops;
	e->status.guard = p->validator;
	e->status.since_ms = loop_wall_ms();
	e->xml = gcxp_stanza_parser();
	if (e->xml == NULL) {
		free(e);
		return -1;
	}
	guard.gcxp_edge = e;
	gcxp_edge_dial(e);
	return 0;
}

size_t
gcxp_edge_shutdown_step(int force)
{
	struct gcxp_edge *e = guard.gcxp_edge;

	loop_timer_cancel(guard.loop, &e->redial);
	if (e->link.conn == NULL)
		return 0;
	if (e->nitems == 0 || force || e->link.state != GCXP_UP) {
		if (e->nitems > 0)
			log_event(LOG_LVL_WARN, 0, "gcxp-abandoned", "guard=%s "
			    "unacknowledged=%zu", guard.policy->pair.validator,
			    e->nitems);
		gcxp_link_fail(&e->link, GCXP_ERR_SHUTDOWN, "the guard stops");
	}
	return 1;
}

void
gcxp_edge_status(struct status_link *out)
{
	const struct gcxp_edge *e = guard.gcxp_edge;

	*out = e->status;
	out->unacknowledged = e->nitems;
	out->window = e->self.window;
}

void
gcxp_edge_free(void)
{
	struct gcxp_edge *e = guard.gcxp_edge;
	struct gcxp_item *it;

	if (e == NULL)
		return;
	/* Its connection, if the shutdown's bound cut it short, is left
	 * with the loop's; its timers are not. */
	loop_timer_cancel(guard.loop, &e->redial);
	loop_timer_cancel(guard.loop, &e->link.timer);
	while ((it = e->head) != NULL) {
		e->head = it->next;
		free(it);
	}
	egress_unwait(&e->waiter);
	xml_free(e->xml);
	free(e);
	guard.gcxp_edge = NULL;
}
