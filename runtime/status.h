/*
 * A read-only view of the running guard for the status page (web/): the
 * streams and what crossed them, copied out of the s2s layer so that no
 * reader reaches into its structures. Nothing here changes the guard.
 * Strings in a view are borrowed: valid until the event loop runs again.
 */
#ifndef XEDGE_STATUS_H
#define XEDGE_STATUS_H

#include <stddef.h>
#include <stdint.h>

/* Which side opened a stream. */
enum status_dir {
	STATUS_IN = 0,
	STATUS_OUT,
	STATUS_DIRS
};

/* Stream states, as s2s_int.h orders them (checked in s2s_status.c). */
#define STATUS_STATES 10
/* The state of an authenticated stream that carries stanzas. */
#define STATUS_STATE_READY 8

/* The longest failure a peer keeps, its NUL included. */
#define STATUS_ERROR_MAX 64

/* What the guard keeps of one policy peer beyond its streams: stanzas
 * and bytes that crossed since the start by direction (in from the peer,
 * out to it), its streams that are ready now by direction, and the last
 * failure of a stream to or from it (a stream error condition or why the
 * connection ended; "" none), kept in place so that no failure
 * allocates. In guard.peer_status, BYTES counts only the streams that
 * have ended; s2s_status_peers adds those alive. */
struct status_peer {
	uint64_t stanzas[STATUS_DIRS];
	uint64_t bytes[STATUS_DIRS];
	size_t ready[STATUS_DIRS];
	char error[STATUS_ERROR_MAX];
	uint64_t error_ms;		/* wall clock, ms since the epoch */
};

/* One stream as the page shows it. */
struct status_stream {
	uint64_t conn;			/* connection id; 0 none */
	int peer;			/* policy peer, -1 not yet known */
	enum status_dir dir;
	unsigned state;			/* below STATUS_STATES */
	const char *local;		/* the guard's domain, "" unknown */
	const char *remote;		/* the peer's domain, "" unknown */
	const char *addr;		/* "host:port", "" none */
	const char *tls_version;	/* NULL: no TLS */
	const char *tls_cipher;
	const char *auth;		/* "certificate", "dialback" or NULL */
	char *const *authed;		/* inbound: domains authenticated */
	size_t nauthed;
	uint64_t since_ms;		/* wall clock, ms since the epoch */
	uint64_t bytes_in, bytes_out;
	uint64_t stanzas_in, stanzas_out;
	size_t queue_len;		/* outbound: stanzas waiting */
};

/* A guard pair's link as the page shows it: an edge has one, to the
 * validator; the validator one per edge (up or not). */
struct status_link {
	const char *guard;		/* the guard at the other end */
	int up;				/* the handshake is done */
	uint64_t since_ms;		/* wall clock of the last change */
	size_t unacknowledged;		/* an edge's frames not acknowledged */
	size_t window;
	uint64_t frames[STATUS_DIRS];	/* STANZA frames taken and sent */
	uint64_t refused;		/* refused by the validator */
	char error[STATUS_ERROR_MAX];	/* why it last went down; "" none */
};

/* The most links a build has. */
#define STATUS_LINKS_MAX 2

/* Fills OUT with the links of a pair's guard and returns how many (0 for
 * a single guard). */
size_t gcxp_status_links(struct status_link *out);

/* The name of stream state STATE (below STATUS_STATES). */
const char *s2s_status_state_name(unsigned state);

/*
 * Fills OUT with up to MAX streams, newest first, and returns how many;
 * COUNTS gets the number of every stream alive by direction and state,
 * those past MAX included.
 */
size_t s2s_status_streams(struct status_stream *out, size_t max,
    size_t counts[STATUS_DIRS][STATUS_STATES]);

/* Fills OUT (one per policy peer) with what the guard keeps of each peer,
 * bytes of the streams alive included. */
void s2s_status_peers(struct status_peer *out);

#endif
