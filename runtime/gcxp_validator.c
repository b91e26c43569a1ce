/*
 * The validator of a guard pair (xedge-gcxp(7), xedge(8)): the XML guard
 * between the two edges, an xedge build of the same policy. It listens for
 * the edges' links, checks each STANZA frame (gcxp_check.c) and passes it
 * on unchanged, byte for byte, to the other edge, or refuses it (REFUSE
 * back to its edge, and an alert). It keeps no stanza: a frame waits,
 * unread, until the other edge's link is up and has room, and the other
 * edge's ACK and REFUSE frames go back to the sending edge as they came.
 * The sequence numbers are the sending edge's, end to end, so that after
 * a restart of the validator the edges resend what was not acknowledged
 * and the receiving edge discards what it already took.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gcxp_int.h"
#include "guard.h"
#include "log.h"
#include "route.h"
#include "tls.h"

/* Connections at once, and of them still in their handshake: past that, a
 * new caller takes the place of the one that has waited longest, so that
 * connections that never finish their handshake cannot keep the edges
 * out. */
#define GCXP_VALIDATOR_LINKS 16
#define GCXP_VALIDATOR_HANDSHAKES 8

struct gcxp_vlink {
	struct gcxp_link link;
	struct xml_parser *xml;		/* its edge's stanzas */
	uint64_t last_seq;		/* of the last STANZA on this link */
};

struct gcxp_validator {
	struct gcxp_self self;
	int listen_fd;
	struct gcxp_vlink links[GCXP_VALIDATOR_LINKS];
	struct gcxp_vlink *up[2];	/* each edge's link, NULL while down */
	/* Per edge: the last STANZA passed on to it and the last ACK it
	 * sent back; what lies between was not acknowledged. */
	uint64_t forwarded[2], acked[2];
	struct status_link status[2];	/* each edge's, for the page */
	struct gcxp_check check;
};

static struct gcxp_vlink *
gcxp_vlink_of(struct gcxp_link *l)
{
	return (struct gcxp_vlink *)((char *)l -
	    offsetof(struct gcxp_vlink, link));
}

/* The link of the edge other than edge I, or NULL while it is down. */
static struct gcxp_link *
gcxp_validator_other_of(int i)
{
	struct gcxp_vlink *o = guard.gcxp_validator->up[1 - i];

	return o != NULL ? &o->link : NULL;
}

/* The link of the edge other than L's. */
static struct gcxp_link *
gcxp_validator_other(struct gcxp_link *l)
{
	return gcxp_validator_other_of(l->peer_index);
}

/* Edge I's link is gone. Frames passed on to it and not acknowledged
 * are lost with it: the other edge still has them, and is made to connect
 * again, which makes it send them again. */
static void
gcxp_validator_lost(struct gcxp_validator *v, int i)
{
	struct gcxp_link *other;

	if (v->forwarded[i] > v->acked[i] &&
	    (other = gcxp_validator_other_of(i)) != NULL)
		gcxp_link_fail(other, GCXP_ERR_RESEND, "the other edge's link "
		    "went down before it acknowledged this link's frames: "
		    "connect again and resend them");
	v->forwarded[i] = v->acked[i] = 0;
}

static void
gcxp_validator_up(struct gcxp_link *l)
{
	struct gcxp_validator *v = guard.gcxp_validator;
	struct gcxp_vlink *old = v->up[l->peer_index];
	struct gcxp_link *other;

	if (old != NULL && &old->link != l) {
		gcxp_link_fail(&old->link, GCXP_ERR_REPLACED, "the edge "
		    "linked again");
		gcxp_validator_lost(v, l->peer_index);
	}
	v->up[l->peer_index] = gcxp_vlink_of(l);
	gcxp_status_changed(&v->status[l->peer_index], 1, NULL);
	/* Frames of the other edge may have waited for this one. */
	if ((other = gcxp_validator_other(l)) != NULL)
		gcxp_link_resume(other);
}

static void
gcxp_validator_down(struct gcxp_link *l, const char *why)
{
	struct gcxp_validator *v = guard.gcxp_validator;
	int i = l->peer_index;

	log_event(LOG_LVL_INFO, 0, "gcxp-down", "guard=%s reason=\"%s\"",
	    l->expect != NULL ? l->expect : "-", why);
	l->expect = NULL;
	l->peer_index = -1;
	if (i < 0 || v->up[i] != gcxp_vlink_of(l))
		return;
	v->up[i] = NULL;
	gcxp_status_changed(&v->status[i], 0, why);
	gcxp_validator_lost(v, i);
}

static void
gcxp_validator_drained(struct gcxp_link *l)
{
	struct gcxp_link *other = gcxp_validator_other(l);

	if (other != NULL)
		gcxp_link_resume(other);
}

/* Refuses STANZA frame S of link L as C found, with an alert. */
static void
gcxp_validator_refuse(struct gcxp_link *l, const struct gcxp_stanza *s,
    const struct gcxp_check *c)
{
	struct gcxp_frame f = { .type = GCXP_FRAME_REFUSE };
	struct egress_meta m = { .kind = GEN_KIND_MESSAGE };
	const struct stanza_node *e = c->element;

	if (e != NULL) {
		m.kind = e->name[0] == 'm' ? GEN_KIND_MESSAGE :
		    e->name[0] == 'p' ? GEN_KIND_PRESENCE : GEN_KIND_IQ;
		m.from = stanza_attr(e, "", "from");
		m.to = stanza_attr(e, "", "to");
		m.id = stanza_attr(e, "", "id");
	}
	route_judged(&guard.route, l->conn->id, &m, c->cond, c->rule,
	    c->to_peer, c->why);
	f.refuse.seq = s->seq;
	f.refuse.rule = c->rule + 1;	/* on the wire, index plus one */
	f.refuse.condition = c->cond;
	f.refuse.text.p = c->why;
	f.refuse.text.len = strlen(c->why);
	gcxp_link_send(l, &f, NULL);
}

static int
gcxp_validator_frame(struct gcxp_link *l, const struct gcxp_frame *f,
    const char *raw, size_t len)
{
	struct gcxp_validator *v = guard.gcxp_validator;
	struct gcxp_link *other = gcxp_validator_other(l);
	size_t i;

	switch (f->type) {
	case GCXP_FRAME_STANZA:
		/* Kept unread until the other edge can take it. */
		if (other == NULL || gcxp_link_congested(other)) {
			gcxp_link_pause(l);
			return 1;
		}
		/* Within one connection an edge never repeats a number:
		 * it resends only on a new one. */
		if (f->stanza.seq <= gcxp_vlink_of(l)->last_seq) {
			gcxp_link_fail(l, GCXP_ERR_SEQUENCE, "sequence number "
			    "not above the last on this link (replayed)");
			return -1;
		}
		for (i = 0; i < f->stanza.nrules; i++)
			if (gcxp_stanza_rule(&f->stanza, i) == 0 ||
			    gcxp_stanza_rule(&f->stanza, i) >
			    guard.policy->nrules) {
				gcxp_link_fail(l, GCXP_ERR_MALFORMED,
				    "verdict path names no rule of the policy");
				return -1;
			}
		if (gcxp_check_stanza(&v->check, gcxp_vlink_of(l)->xml,
		    &f->stanza, l->peer_index) == -1) {
			v->status[l->peer_index].refused++;
			gcxp_validator_refuse(l, &f->stanza, &v->check);
		} else if (gcxp_link_write(other, raw, len) == -1) {
			/* Checked again once the other link drains. */
			gcxp_link_pause(l);
			return 1;
		} else {
			v->forwarded[1 - l->peer_index] = f->stanza.seq;
			v->status[1 - l->peer_index].frames[STATUS_OUT]++;
		}
		gcxp_vlink_of(l)->last_seq = f->stanza.seq;
		v->status[l->peer_index].frames[STATUS_IN]++;
		return 0;
	case GCXP_FRAME_ACK:
		if (f->ack > v->acked[l->peer_index])
			v->acked[l->peer_index] = f->ack;
		/* FALLTHROUGH */
	case GCXP_FRAME_REFUSE:
		/* Lost with the other link when it is down: that edge
		 * resends, and this one acknowledges again. */
		if (other != NULL)
			gcxp_link_write(other, raw, len);
		return 0;
	default:
		gcxp_link_fail(l, GCXP_ERR_UNEXPECTED, "frame out of place");
		return -1;
	}
}

static const struct gcxp_link_ops gcxp_validator_link_ops = {
	.up = gcxp_validator_up,
	.frame = gcxp_validator_frame,
	.drained = gcxp_validator_drained,
	.down = gcxp_validator_down,
};

/* Whether L's connection is open and its handshake not done. */
static int
gcxp_validator_handshaking(const struct gcxp_link *l)
{
	return l->conn != NULL && l->state != GCXP_UP &&
	    l->state != GCXP_CLOSING;
}

/* Makes room for a new caller when GCXP_VALIDATOR_HANDSHAKES connections
 * are in their handshake: the one that has waited longest goes. */
static void
gcxp_validator_evict(struct gcxp_validator *v)
{
	struct gcxp_link *l, *oldest = NULL;
	size_t i, n = 0;

	for (i = 0; i < GCXP_VALIDATOR_LINKS; i++) {
		l = &v->links[i].link;
		if (!gcxp_validator_handshaking(l))
			continue;
		n++;
		if (oldest == NULL || l->opened < oldest->opened)
			oldest = l;
	}
	if (n < GCXP_VALIDATOR_HANDSHAKES)
		return;
	log_event(LOG_LVL_WARN, oldest->conn->id, "gcxp-evicted", "addr=%s "
	    "reason=\"%zu connections in their handshake\"",
	    oldest->conn->peer_addr, n);
	oldest->state = GCXP_CLOSING;
	conn_close(oldest->conn, 0, "evicted: handshake not done");
}

/* Accepts the edges' connections while a link is free. */
static void
gcxp_validator_accept(struct loop *lp, int fd, unsigned events, void *arg)
{
	struct gcxp_validator *v = arg;
	struct gcxp_vlink *vl;
	size_t i;
	int c;

	(void)lp;
	(void)events;
	while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) !=
	    -1) {
		gcxp_validator_evict(v);
		for (i = 0, vl = NULL; i < GCXP_VALIDATOR_LINKS; i++)
			if (v->links[i].link.conn == NULL) {
				vl = &v->links[i];
				break;
			}
		if (vl == NULL) {
			log_event(LOG_LVL_WARN, 0, "gcxp-refused", "reason=\"no "
			    "link free\"");
			close(c);
			continue;
		}
		gcxp_stanza_parser_reset(vl->xml);
		vl->last_seq = 0;
		if (gcxp_link_attach(&vl->link, c, 0,
		    tls_server_ctx(guard.gcxp_tls, NULL),
		    2 * (size_t)v->self.window * v->self.max_frame) == -1)
			continue;
		log_event(LOG_LVL_INFO, vl->link.conn->id, "gcxp-accept",
		    "addr=%s", vl->link.conn->peer_addr);
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		log_errno(LOG_LVL_WARN, 0, "gcxp-accept-failed", NULL);
}

int
gcxp_validator_start(const struct gcxp_self *self)
{
	const struct gen_pair *p = &guard.policy->pair;
	struct gcxp_validator *v;
	size_t i;

	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return -1;
	v->self = *self;
	for (i = 0; i < 2; i++) {
		v->status[i].guard = p->edges[i];
		v->status[i].window = p->window;
		v->status[i].since_ms = loop_wall_ms();
	}
	v->listen_fd = -1;
	guard.gcxp_validator = v;
	for (i = 0; i < GCXP_VALIDATOR_LINKS; i++) {
		v->links[i].link.ops = &gcxp_validator_link_ops;
		v->links[i].link.self = &v->self;
		v->links[i].link.candidates = p->edges;
		v->links[i].link.ncandidates = 2;
		v->links[i].link.peer_index = -1;
		if ((v->links[i].xml = gcxp_stanza_parser()) == NULL)
			return -1;
	}
	v->listen_fd = conn_listen_fd(p->host, p->port);
	if (v->listen_fd == -1 || loop_add(guard.loop, v->listen_fd,
	    LOOP_READ, gcxp_validator_accept, v) == -1) {
		log_errno(LOG_LVL_ERR, 0, "gcxp-listen-failed", "addr=%s:%u",
		    p->host, (unsigned)p->port);
		return -1;
	}
	log_event(LOG_LVL_INFO, 0, "gcxp-listen", "addr=%s:%u edges=%s,%s",
	    p->host, (unsigned)p->port, p->edges[0], p->edges[1]);
	return 0;
}

size_t
gcxp_validator_shutdown_step(void)
{
	struct gcxp_validator *v = guard.gcxp_validator;
	size_t i, open = 0;

	if (v->listen_fd != -1) {
		loop_del(guard.loop, v->listen_fd);
		close(v->listen_fd);
		v->listen_fd = -1;
	}
	for (i = 0; i < GCXP_VALIDATOR_LINKS; i++) {
		gcxp_link_fail(&v->links[i].link, GCXP_ERR_SHUTDOWN,
		    "the guard stops");
		open += v->links[i].link.conn != NULL;
	}
	return open;
}

void
gcxp_validator_status(struct status_link *out)
{
	out[0] = guard.gcxp_validator->status[0];
	out[1] = guard.gcxp_validator->status[1];
}

void
gcxp_validator_free(void)
{
	struct gcxp_validator *v = guard.gcxp_validator;
	size_t i;

	if (v == NULL)
		return;
	if (v->listen_fd != -1) {
		loop_del(guard.loop, v->listen_fd);
		close(v->listen_fd);
	}
	for (i = 0; i < GCXP_VALIDATOR_LINKS; i++) {
		loop_timer_cancel(guard.loop, &v->links[i].link.timer);
		xml_free(v->links[i].xml);
	}
	free(v->check.out.data);
	free(v);
	guard.gcxp_validator = NULL;
}
