/*
 * The S2S egress: outbound stanza streams by their from and to domains,
 * the queue of each (filled, drained and freed here alone), backpressure
 * towards the sources, and backoff towards peers that cannot be reached.
 *
 * When a source is paused (documented in xedge(8)):
 *   - it sent to a ready destination whose output is over half its bound
 *     (EGRESS_SLOW): it waits until that destination is under a quarter of
 *     its bound with at most a quarter of its queue left;
 *   - a bounce it caused went to a destination whose queue is over half
 *     full (EGRESS_BACKLOG): its own flood is what fills the way back.
 * A destination that writes nothing for S2S_STALL_MS while sources wait for
 * it is stalled: its sources go on, and what they send to it is queued up
 * to its queue length and then bounced with resource-constraint. So a
 * destination that stops reading holds up the other destinations of a
 * trunk stream for at most S2S_STALL_MS.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "log.h"
#include "pipeline.h"
#include "route.h"
#include "s2s_int.h"
#include "status.h"

/* How long a destination may write nothing while sources wait for it. */
#define S2S_STALL_MS 2000
/* Backoff after failed attempts to reach a domain: the first wait, the
 * longest, and the number of domains remembered. */
#define S2S_BACKOFF_FIRST_MS 1000
#define S2S_BACKOFF_MAX_MS 60000
#define S2S_BACKOFF_SLOTS 1024

/* A stanza waiting for its stream: the serialized bytes, then the strings
 * its meta points at. */
struct s2s_item {
	struct s2s_item *next;
	size_t len;
	struct egress_meta meta;
	char data[];
};

#define S2S_OUT_BUCKETS 1024

/* A domain that could not be reached: by the 64-bit hash of its name (a
 * collision only shares a backoff), failures in a row and when to try
 * again. A slot is reused by whichever domain hashes to it last. */
struct s2s_backoff {
	uint64_t key;
	uint32_t failures;
	uint64_t retry_at;
};

/* The egress's state, one per guard (guard.egress). */
struct s2s_egress_state {
	/* Stanza streams by their from and to domains, looked up per
	 * stanza. */
	struct s2s *table[S2S_OUT_BUCKETS];
	struct s2s_backoff backoffs[S2S_BACKOFF_SLOTS];
	uint64_t jitter;	/* xorshift state */
};

int
s2s_init(void)
{
	guard.egress = calloc(1, sizeof(*guard.egress));
	if (guard.egress == NULL)
		return -1;
	guard.egress->jitter = 0x9e3779b97f4a7c15u;
	if (guard.policy != NULL && guard.policy->npeers > 0) {
		guard.peer_status = calloc(guard.policy->npeers,
		    sizeof(*guard.peer_status));
		if (guard.peer_status == NULL) {
			s2s_fini();
			return -1;
		}
	}
	return 0;
}

void
s2s_fini(void)
{
	free(guard.egress);
	guard.egress = NULL;
	free(guard.peer_status);
	guard.peer_status = NULL;
}

static uint64_t
s2s_hash(const char *a, const char *b)
{
	uint64_t h = 14695981039346656037u;	/* FNV-1a, 64 bits */
	const char *p;

	for (p = a; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	h = (h ^ 0xffu) * 1099511628211u;
	for (p = b; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	return h;
}

static size_t
s2s_bucket(const char *local, const char *remote)
{
	return s2s_hash(local, remote) % S2S_OUT_BUCKETS;
}

void
s2s_egress_unlink(struct s2s *s)
{
	struct s2s **pp;

	if (!s->hashed)
		return;
	for (pp = &guard.egress->table[s2s_bucket(s->local, s->remote)];
	    *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == s) {
			*pp = s->hnext;
			break;
		}
	s->hashed = 0;
}

/* A pseudo-random share of N, for jitter (not for secrets). */
static uint64_t
s2s_jitter(uint64_t n)
{
	uint64_t *x = &guard.egress->jitter;

	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return n != 0 ? *x % n : 0;
}

void
s2s_egress_attempt(const char *remote, int failed)
{
	uint64_t key = s2s_hash("", remote), wait;
	struct s2s_backoff *b =
	    &guard.egress->backoffs[key % S2S_BACKOFF_SLOTS];

	if (!failed) {
		if (b->key == key)
			*b = (struct s2s_backoff){ 0 };
		return;
	}
	if (b->key != key)
		*b = (struct s2s_backoff){ .key = key };
	if (b->failures < 31)
		b->failures++;
	wait = (uint64_t)S2S_BACKOFF_FIRST_MS << (b->failures - 1);
	if (wait > S2S_BACKOFF_MAX_MS || b->failures > 16)
		wait = S2S_BACKOFF_MAX_MS;
	/* Between half and all of the wait, so that guards and domains that
	 * failed together do not retry together. */
	wait = wait / 2 + s2s_jitter(wait / 2 + 1);
	b->retry_at = loop_now(guard.loop) + wait;
	log_event(LOG_LVL_WARN, 0, "backoff", "remote=%s failures=%u "
	    "retry-in-ms=%llu", remote, (unsigned)b->failures,
	    (unsigned long long)wait);
}

/* Whether REMOTE failed recently enough that no new attempt is made. */
static int
s2s_backing_off(const char *remote)
{
	uint64_t key = s2s_hash("", remote);
	const struct s2s_backoff *b =
	    &guard.egress->backoffs[key % S2S_BACKOFF_SLOTS];

	return b->key == key && b->failures > 0 &&
	    loop_now(guard.loop) < b->retry_at;
}

struct s2s *
s2s_egress_stream(int peer, const char *local, const char *remote,
    enum stanza_cond *cond)
{
	size_t b = s2s_bucket(local, remote);
	struct s2s *s;

	for (s = guard.egress->table[b]; s != NULL; s = s->hnext)
		if (strcmp(s->local, local) == 0 &&
		    strcmp(s->remote, remote) == 0)
			return s;
	*cond = STANZA_COND_REMOTE_SERVER_NOT_FOUND;
	/* Routing only asks in names the guard may speak for; this is the
	 * last line against a stream opened in a name a sender chose. */
	if (!pipeline_may_speak_for(local)) {
		log_event(LOG_LVL_ERR, 0, "internal-error", "local=%s "
		    "reason=\"no stream in a name the guard does not speak "
		    "for\"", local);
		return NULL;
	}
	if (guard.shutting_down || s2s_backing_off(remote))
		return NULL;
	s = s2s_out_open(peer, local, remote, S2S_STANZAS);
	if (s == NULL) {
		/* Failed at once (no address, dial refused at once, no
		 * memory): as much a failed attempt as a late one. */
		s2s_egress_attempt(remote, 1);
		return NULL;
	}
	s->hnext = guard.egress->table[b];
	guard.egress->table[b] = s;
	s->hashed = 1;
	return s;
}

static void *
s2s_egress_get(int peer, const char *local, const char *remote,
    enum stanza_cond *cond)
{
	return s2s_egress_stream(peer, local, remote, cond);
}

/* Whether S's output holds so much unsent that nothing more goes in. */
static int
s2s_congested(const struct s2s *s)
{
	return s->conn != NULL && buf_len(&s->conn->out) > s->conn->out.max / 2;
}

/* Writes a stanza on ready stream S; 0, or -1 with *COND. */
static int
s2s_egress_write(struct s2s *s, const char *bytes, size_t len,
    enum stanza_cond *cond)
{
	if (s->peer_max_bytes != 0 && len > s->peer_max_bytes) {
		*cond = STANZA_COND_POLICY_VIOLATION;
		return -1;
	}
	if (s->conn == NULL || conn_write(s->conn, bytes, len) == -1) {
		*cond = STANZA_COND_RESOURCE_CONSTRAINT;
		return -1;
	}
	s->last_write = s->last_stanza = loop_now(guard.loop);
	s2s_count_stanza(s, S2S_OUT);
	return 0;
}

static int
s2s_egress_send(void *dst, const char *bytes, size_t len,
    const struct egress_meta *m, enum stanza_cond *cond)
{
	struct s2s *s = dst;
	struct s2s_item *it;

	/* Straight out when nothing waits before it and there is room;
	 * otherwise behind the queue, to keep the order. */
	if (s->state == S2S_READY && s->queue_head == NULL && !s2s_congested(s))
		return s2s_egress_write(s, bytes, len, cond);
	*cond = STANZA_COND_RESOURCE_CONSTRAINT;
	if (s->queue_len >= s2s_peer(s)->limits.queue_length)
		return -1;
	it = malloc(sizeof(*it) + len + egress_meta_size(m));
	if (it == NULL)
		return -1;
	it->next = NULL;
	it->len = len;
	memcpy(it->data, bytes, len);
	egress_meta_keep(&it->meta, m, it->data + len);
	if (s->queue_tail != NULL)
		s->queue_tail->next = it;
	else
		s->queue_head = it;
	s->queue_tail = it;
	s->queue_len++;
	return 0;
}

static enum egress_pressure
s2s_egress_pressure(const void *dst)
{
	const struct s2s *s = dst;

	if (s->stalled)
		return EGRESS_OK;
	if (s->state == S2S_READY && s2s_congested(s))
		return EGRESS_SLOW;
	if (s->queue_len > s2s_peer(s)->limits.queue_length / 2)
		return EGRESS_BACKLOG;
	return EGRESS_OK;
}

/* Lets every source waiting for S go on. */
static void
s2s_release_waiters(struct s2s *s)
{
	loop_timer_cancel(guard.loop, &s->stall_timer);
	egress_release(&s->waiters);
}

/* Sources wait for S: whether it wrote anything since the timer was armed
 * decides between waiting on and giving up on it. */
static void
s2s_stall_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	struct s2s *s = arg;
	uint64_t written = s->conn != NULL ? s->conn->bytes_out : 0;

	if (written != s->stall_mark) {
		s->stall_mark = written;
		loop_timer_arm(l, t, S2S_STALL_MS, s2s_stall_fired, s);
		return;
	}
	s->stalled = 1;
	log_event(LOG_LVL_WARN, s->conn != NULL ? s->conn->id : 0, "stalled",
	    "local=%s remote=%s queued=%zu reason=\"destination wrote nothing "
	    "for %d ms; its sources go on\"", s->local, s->remote,
	    s->queue_len, S2S_STALL_MS);
	s2s_release_waiters(s);
}

static void
s2s_egress_wait(void *dst, struct egress_waiter *w)
{
	struct s2s *s = dst;

	if (w->waiting_for != NULL || s->stalled)
		return;
	if (s->waiters == NULL) {
		s->stall_mark = s->conn != NULL ? s->conn->bytes_out : 0;
		loop_timer_arm(guard.loop, &s->stall_timer, S2S_STALL_MS,
		    s2s_stall_fired, s);
	}
	egress_wait_on(&s->waiters, s, &s2s_egress, w);
}

static void
s2s_egress_unwait(struct egress_waiter *w)
{
	struct s2s *s = w->waiting_for;

	egress_unlist(&s->waiters, w);
	if (s->waiters == NULL)
		loop_timer_cancel(guard.loop, &s->stall_timer);
}

void
s2s_egress_flush(struct s2s *s)
{
	struct s2s_item *it;
	enum stanza_cond cond;

	while ((it = s->queue_head) != NULL && s->state == S2S_READY &&
	    !s2s_congested(s)) {
		s->queue_head = it->next;
		if (s->queue_head == NULL)
			s->queue_tail = NULL;
		s->queue_len--;
		if (s2s_egress_write(s, it->data, it->len, &cond) == -1)
			route_undeliverable(&guard.route, &it->meta, cond);
		free(it);
	}
	if (s->conn != NULL && buf_len(&s->conn->out) <= s->conn->out.max / 4)
		s->stalled = 0;
	if (!s2s_congested(s) &&
	    s->queue_len <= s2s_peer(s)->limits.queue_length / 4)
		s2s_release_waiters(s);
}

void
s2s_egress_drop_queue(struct s2s *s, enum stanza_cond cond)
{
	struct s2s_item *it;

	while ((it = s->queue_head) != NULL) {
		s->queue_head = it->next;
		s->queue_len--;
		route_undeliverable(&guard.route, &it->meta, cond);
		free(it);
	}
	s->queue_tail = NULL;
	s2s_release_waiters(s);
}

void
s2s_egress_forget(struct s2s *s)
{
	s2s_egress_unlink(s);
	s2s_release_waiters(s);
	egress_unwait(&s->waiter);
	XEDGE_ASSERT(s->queue_head == NULL);
}

const struct egress_ops s2s_egress = {
	.get = s2s_egress_get,
	.send = s2s_egress_send,
	.pressure = s2s_egress_pressure,
	.wait = s2s_egress_wait,
	.unwait = s2s_egress_unwait,
};
