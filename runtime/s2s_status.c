/*
 * The s2s layer's side of the status view (status.h): streams copied into
 * plain records, and what is kept per peer in guard.peer_status: stanza
 * counts, ready streams (s2s.c), bytes of streams that ended and the last
 * failure.
 */
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "s2s_int.h"
#include "status.h"

_Static_assert(S2S_CLOSED + 1 == STATUS_STATES,
    "status.h's STATUS_STATES follows enum s2s_state");
_Static_assert(S2S_READY == STATUS_STATE_READY, "the ready state agrees");
_Static_assert((int)S2S_IN == (int)STATUS_IN &&
    (int)S2S_OUT == (int)STATUS_OUT, "directions agree");

const char *
s2s_status_state_name(unsigned state)
{
	static const char *const names[STATUS_STATES] = {
		[S2S_CONNECTING] = "connecting",
		[S2S_HEADER] = "header",
		[S2S_FEATURES] = "features",
		[S2S_PROCEED] = "starttls",
		[S2S_TLS] = "tls",
		[S2S_NEGOTIATE] = "negotiate",
		[S2S_SASL] = "sasl",
		[S2S_DIALBACK] = "dialback",
		[S2S_READY] = "ready",
		[S2S_CLOSED] = "closed",
	};

	return state < STATUS_STATES ? names[state] : "unknown";
}

/* How stream S was authenticated, or NULL while it is not. */
static const char *
s2s_status_auth(const struct s2s *s)
{
	if (s->state != S2S_READY && !s->sasl_done && s->nauthed == 0)
		return NULL;
	return s->sasl_done ? "certificate" : "dialback";
}

/* Copies stream S into V. */
static void
s2s_status_copy(const struct s2s *s, struct status_stream *v)
{
	const struct conn *c = s->conn;

	memset(v, 0, sizeof(*v));
	v->peer = s->peer;
	v->dir = (enum status_dir)s->dir;
	v->state = (unsigned)s->state;
	v->local = s->local;
	v->remote = s->remote;
	v->addr = "";
	v->auth = s2s_status_auth(s);
	v->authed = s->authed;
	v->nauthed = s->nauthed;
	v->since_ms = s->since_ms;
	v->stanzas_in = s->stanzas_in;
	v->stanzas_out = s->stanzas_out;
	v->queue_len = s->queue_len;
	if (c == NULL)
		return;
	v->conn = c->id;
	v->addr = c->peer_addr;
	v->bytes_in = c->bytes_in;
	v->bytes_out = c->bytes_out;
	if (c->ssl != NULL && s->tls_up) {
		v->tls_version = SSL_get_version(c->ssl);
		v->tls_cipher = SSL_get_cipher_name(c->ssl);
	}
}

size_t
s2s_status_streams(struct status_stream *out, size_t max,
    size_t counts[STATUS_DIRS][STATUS_STATES])
{
	const struct s2s *s;
	size_t n = 0;

	memset(counts, 0, sizeof(size_t) * STATUS_DIRS * STATUS_STATES);
	for (s = guard.streams; s != NULL; s = s->next) {
		counts[s->dir][s->state]++;
		if (n < max)
			s2s_status_copy(s, &out[n++]);
	}
	return n;
}

void
s2s_status_peers(struct status_peer *out)
{
	const struct s2s *s;

	memcpy(out, guard.peer_status,
	    guard.policy->npeers * sizeof(*out));
	for (s = guard.streams; s != NULL; s = s->next)
		if (s->peer >= 0 && s->conn != NULL) {
			out[s->peer].bytes[STATUS_IN] += s->conn->bytes_in;
			out[s->peer].bytes[STATUS_OUT] += s->conn->bytes_out;
		}
}

void
s2s_status_ended(const struct s2s *s)
{
	struct status_peer *p;

	if (guard.peer_status == NULL || s->peer < 0 || s->conn == NULL)
		return;
	p = &guard.peer_status[s->peer];
	p->bytes[STATUS_IN] += s->conn->bytes_in;
	p->bytes[STATUS_OUT] += s->conn->bytes_out;
}

void
s2s_status_failed(const struct s2s *s, const char *why)
{
	struct status_peer *p;

	if (guard.peer_status == NULL || s->peer < 0 || guard.shutting_down)
		return;
	p = &guard.peer_status[s->peer];
	snprintf(p->error, sizeof(p->error), "%s", why);
	p->error_ms = loop_wall_ms();
}
