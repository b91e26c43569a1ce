/*
 * Server Dialback (XEP-0220) with keys per XEP-0185, as pure functions: the
 * key for a stream, its check, and the parsing of db:result and db:verify
 * elements into a bounded struct. The stream side (what is written when,
 * and the verification streams) is s2s_dialback.c's.
 */
#ifndef XEDGE_DIALBACK_H
#define XEDGE_DIALBACK_H

#include <stddef.h>

#include "jid.h"
#include "stanza.h"

#define DIALBACK_KEY_LEN 64	/* hex of HMAC-SHA256 */
#define DIALBACK_SECRET_LEN 32
/* The longest key passed on to an authoritative server: XEP-0185 keys are
 * 64 hex digits; other servers' keys are alphanumeric and shorter than
 * this. */
#define DIALBACK_KEY_MAX 128
/* The longest stream id taken in a db:verify. RFC 6120 sets no bound;
 * servers use about 40 bytes. */
#define DIALBACK_ID_MAX 255

enum dialback_kind {
	DIALBACK_RESULT = 0,	/* db:result */
	DIALBACK_VERIFY = 1	/* db:verify */
};

/* What is wrong with a db:* element, in the order the checks run. */
enum dialback_fault {
	DIALBACK_OK = 0,
	DIALBACK_UNKNOWN,	/* not db:result or db:verify */
	DIALBACK_BAD_ADDRESS,	/* 'from' or 'to' missing or not a domain */
	DIALBACK_BAD_ID,	/* db:verify without 'id', or over the bound */
	DIALBACK_BAD_KEY	/* a request whose key is empty or malformed */
};

/* A db:* element with its addresses canonical and every field bounded.
 * ID, KEY and TYPE point into the element (or are NULL / ""). */
struct dialback_msg {
	enum dialback_kind kind;
	char from[JID_DOMAIN_MAX + 1];
	char to[JID_DOMAIN_MAX + 1];
	const char *id;		/* NULL for a db:result */
	const char *type;	/* NULL for a request */
	const char *key;	/* "" in an answer */
};

/*
 * Parses E (in the jabber:server:dialback namespace) into *M. A request
 * (no 'type') must carry a key; an answer ('type' present) carries none
 * that matters. Returns DIALBACK_OK or the first fault found.
 */
enum dialback_fault dialback_parse(const struct stanza_node *e,
    struct dialback_msg *m);

/* A short text for FAULT, for logs and stream error texts. */
const char *dialback_fault_text(enum dialback_fault fault);

/*
 * Writes into OUT (DIALBACK_KEY_LEN + 1 bytes) the key that the guard, as
 * ORIGINATING, issues for the stream with id ID to RECEIVING, under SECRET.
 * Any lengths: nothing is copied into a fixed buffer.
 */
void dialback_key(const unsigned char secret[DIALBACK_SECRET_LEN],
    const char *receiving, const char *originating, const char *id,
    char *out);

/* The least a secret file holds: as much as the secret itself. */
#define DIALBACK_SECRET_FILE_MIN 32
#define DIALBACK_SECRET_FILE_MAX 4096

/*
 * Reads the secret the guards of one site share from the file at PATH
 * (XEP-0185: a server farm's members must issue keys they can all check):
 * the SHA-256 of its content, which must be DIALBACK_SECRET_FILE_MIN to
 * DIALBACK_SECRET_FILE_MAX bytes. Returns 0, or -1 with *WHY set.
 */
int dialback_secret_read(const char *path,
    unsigned char secret[DIALBACK_SECRET_LEN], const char **why);

/* Whether KEY is the one dialback_key gives for these arguments, compared
 * in constant time. */
int dialback_key_valid(const unsigned char secret[DIALBACK_SECRET_LEN],
    const char *receiving, const char *originating, const char *id,
    const char *key);

#endif
