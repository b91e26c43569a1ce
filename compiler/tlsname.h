/*
 * The names a tls-policy block may use: TLS versions, TLS 1.3 suites, TLS
 * 1.2 ciphers and key exchange groups, each with the spelling OpenSSL
 * takes (which the canonical form prints) and the other spellings it may
 * be written in. A name outside these tables is refused, with the reason
 * when it is a known weak one. The rules are in xedge.policy(5).
 */
#ifndef XEDGEC_TLSNAME_H
#define XEDGEC_TLSNAME_H

#include <stddef.h>

#include "ast.h"

enum tlsname_verdict {
	TLSNAME_OK,		/* allowed */
	TLSNAME_WEAK,		/* known and refused */
	TLSNAME_MISPLACED,	/* belongs to the other list of suites */
	TLSNAME_UNKNOWN		/* not in the table */
};

/*
 * Judges NAME (case ignored) for list KEY (one before TLS_KEY_LISTS).
 * TLSNAME_OK: *CANON is the canonical spelling. TLSNAME_WEAK: *WHY says
 * why it is refused. TLSNAME_MISPLACED: *CANON says what NAME is ("TLS
 * 1.2 cipher") and *WHY the key it belongs under. TLSNAME_UNKNOWN: *WHY
 * says what is allowed. All strings are static.
 */
enum tlsname_verdict tlsname_judge(enum ast_tls_key key, const char *name,
    const char **canon, const char **why);

/* Returns the canonical spelling of NAME in list KEY, or NULL if it is
 * not allowed there. */
const char *tlsname_canon(enum ast_tls_key key, const char *name);

/* What a name of list KEY is, for messages: "TLS 1.2 cipher". */
const char *tlsname_what(enum ast_tls_key key);

/* The I-th default name of list KEY, in order of preference; NULL after
 * the last. */
const char *tlsname_default(enum ast_tls_key key, size_t i);

#endif
