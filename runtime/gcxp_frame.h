/*
 * The frames of GCXP, xedge's guard content exchange protocol (its own
 * framing, not Isode's; xedge-gcxp(7) is the specification): a pure codec
 * that reads one frame from bytes received and writes one frame into a
 * caller's buffer. It does no I/O, allocates nothing and keeps no state;
 * what a parsed frame holds points into the bytes it was parsed from.
 */
#ifndef XEDGE_GCXP_FRAME_H
#define XEDGE_GCXP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "stanza_error.h"

#define GCXP_VERSION 1
#define GCXP_DIGEST_SIZE 32	/* a policy's SHA-256 */
#define GCXP_NAME_MAX 255	/* a guard's or a peer's name */
#define GCXP_TEXT_MAX 1024	/* the text of a refusal or an error */
#define GCXP_PATH_MAX 1024	/* rules in a stanza's verdict path */

enum gcxp_type {
	GCXP_FRAME_HELLO = 1,
	GCXP_FRAME_HELLO_REFUSE = 2,
	GCXP_FRAME_STANZA = 3,
	GCXP_FRAME_ACK = 4,
	GCXP_FRAME_REFUSE = 5,
	GCXP_FRAME_PING = 6,
	GCXP_FRAME_ERROR = 7
};

enum gcxp_role {
	GCXP_ROLE_EDGE = 1,
	GCXP_ROLE_VALIDATOR = 2
};

/* Why a handshake is refused (HELLO_REFUSE). */
enum gcxp_refusal {
	GCXP_REFUSAL_VERSION = 1,	/* a version the refuser does not speak */
	GCXP_REFUSAL_POLICY = 2,	/* another policy's digest */
	GCXP_REFUSAL_NAME = 3,		/* a guard name not the one expected */
	GCXP_REFUSAL_ROLE = 4,		/* a role not the one expected */
	GCXP_REFUSAL_SEQUENCE = 5,	/* a received count out of range */
	GCXP_REFUSAL_OTHER = 6
};

/* Why the sender of an ERROR closes the link. */
enum gcxp_error {
	GCXP_ERR_MALFORMED = 1,		/* a frame that does not parse */
	GCXP_ERR_UNEXPECTED = 2,	/* a frame the link's state forbids */
	GCXP_ERR_SEQUENCE = 3,		/* a gap, or acknowledging unsent */
	GCXP_ERR_WINDOW = 4,		/* more unacknowledged than the window */
	GCXP_ERR_TIMEOUT = 5,		/* nothing received for too long */
	GCXP_ERR_REPLACED = 6,		/* a new connection took the link */
	GCXP_ERR_SHUTDOWN = 7,		/* the sender stops */
	GCXP_ERR_INTERNAL = 8
};

/* Bytes of a frame: a name, a text or XML; not NUL-terminated. */
struct gcxp_bytes {
	const char *p;
	size_t len;
};

/* HELLO. When version is not GCXP_VERSION, nothing else is set: the
 * rest of the frame is that version's, and is not read. */
struct gcxp_hello {
	uint16_t version;
	enum gcxp_role role;
	uint16_t window;		/* at least 1 */
	uint64_t instance;		/* the sender's run, never 0 */
	uint64_t peer_instance;		/* the receiver's, as last seen; 0 none */
	uint64_t received;		/* the highest seq taken from it, 0 none */
	const unsigned char *digest;	/* GCXP_DIGEST_SIZE bytes */
	struct gcxp_bytes name;		/* the sender's guard name */
	struct gcxp_bytes peer;		/* the guard it expects to reach */
};

/* HELLO_REFUSE (code an enum gcxp_refusal) and ERROR (enum gcxp_error). */
struct gcxp_reason {
	int code;
	struct gcxp_bytes text;		/* UTF-8, at most GCXP_TEXT_MAX */
};

/* STANZA. The verdict path's rule ids are read with gcxp_stanza_rule(). */
struct gcxp_stanza {
	uint64_t seq;			/* at least 1 */
	uint8_t direction;		/* 0 from the first edge, 1 the other way */
	struct gcxp_bytes from;		/* the source peer's name */
	struct gcxp_bytes to;		/* the destination peer's name */
	uint16_t nrules;		/* at most GCXP_PATH_MAX */
	const unsigned char *rules;	/* as received: nrules uint32 */
	struct gcxp_bytes xml;		/* at least 1 byte */
};

/* REFUSE. */
struct gcxp_refuse {
	uint64_t seq;			/* at least 1 */
	uint32_t rule;			/* 0 outside any rule */
	enum stanza_cond condition;
	struct gcxp_bytes text;		/* UTF-8, at most GCXP_TEXT_MAX */
};

struct gcxp_frame {
	enum gcxp_type type;
	union {
		struct gcxp_hello hello;
		struct gcxp_reason reason;	/* HELLO_REFUSE, ERROR */
		struct gcxp_stanza stanza;
		uint64_t ack;			/* at least 1 */
		struct gcxp_refuse refuse;
	};
};

/*
 * Reads the frame at the start of IN (LEN bytes) into *F, refusing one
 * whose length field says more than MAX. Returns 1 with *USED set to the
 * frame's size, 0 when IN holds only the start of a frame that may yet
 * be valid, or -1 with *WHY set to a static text that says what is wrong
 * (a frame too long is refused as soon as its length field is in). *F
 * points into IN and is valid as long as IN is.
 */
int gcxp_frame_parse(const void *in, size_t len, uint32_t max,
    struct gcxp_frame *f, size_t *used, const char **why);

/* Rule I (below s->nrules) of a parsed STANZA's verdict path. */
uint32_t gcxp_stanza_rule(const struct gcxp_stanza *s, size_t i);

/* The largest length field of a frame whose XML is at most XML_MAX bytes:
 * the MAX a receiver passes to gcxp_frame_parse(). */
uint32_t gcxp_frame_max(uint32_t xml_max);

/*
 * Writes frame F at OUT (CAP bytes), a STANZA's verdict path taken from
 * RULES (f->stanza.nrules of them; f->stanza.rules is not read, and RULES
 * is not read for other types). Returns the frame's size, or 0, having
 * written nothing, when it does not fit or a field is out of its bounds:
 * what it writes always parses back to F. A HELLO of another version than
 * GCXP_VERSION is written as far as its version.
 */
size_t gcxp_frame_write(void *out, size_t cap, const struct gcxp_frame *f,
    const uint32_t *rules);

#endif
