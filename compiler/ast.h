/*
 * The syntax tree of a policy, as the parser builds it: statements, the items
 * of their blocks and the values in them, each with the source location it
 * came from. Nothing here is resolved yet: a value may name a constant.
 */
#ifndef XEDGEC_AST_H
#define XEDGEC_AST_H

#include <stdint.h>

struct src_file;

/* A span of source text; lines and columns count from 1, columns in bytes,
 * the last column inclusive. */
struct ast_loc {
	const struct src_file *file;
	int first_line;
	int first_column;
	int last_line;
	int last_column;
};

enum ast_value_kind {
	AST_NUMBER,	/* 1000 */
	AST_DURATION,	/* 10s, 5m, 1h, 1d: NUM in seconds */
	AST_SIZE,	/* 64KiB, 1MiB: NUM in bytes */
	AST_STRING,	/* "text", escapes removed */
	AST_ADDRESS,	/* 127.0.0.1 written bare */
	AST_VERSION,	/* 1.3 written bare: a TLS version */
	AST_NAME	/* an identifier naming a constant */
};

struct ast_value {
	enum ast_value_kind kind;
	struct ast_loc loc;
	uint64_t num;		/* AST_NUMBER, AST_DURATION, AST_SIZE */
	char *str;		/* AST_STRING, AST_ADDRESS, AST_VERSION,
				 * AST_NAME */
	struct ast_value *next;	/* in a comma-separated list */
};

/* The keys of a limits block, in canonical order. */
enum ast_limit_key {
	LIMIT_STANZA_SIZE,
	LIMIT_QUEUE_LENGTH,
	LIMIT_CONNECT_TIMEOUT,
	LIMIT_NEGOTIATE_TIMEOUT,
	LIMIT_IDLE_TIMEOUT,
	LIMIT_KEEPALIVE,
	LIMIT_COUNT
};

/* The keys of a tls-policy block, in canonical order; those before
 * TLS_KEY_LISTS take a list of names. */
enum ast_tls_key {
	TLS_KEY_VERSIONS,
	TLS_KEY_CIPHERSUITES,
	TLS_KEY_CIPHERS,
	TLS_KEY_GROUPS,
	TLS_KEY_CRL_EXPIRED,
	TLS_KEY_COUNT
};
#define TLS_KEY_LISTS TLS_KEY_CRL_EXPIRED

/* What a peer certificate checked against an expired CRL gets. */
enum ast_crl_expired { CRL_EXPIRED_REFUSE, CRL_EXPIRED_WARN };

enum ast_item_kind {
	ITEM_LISTEN,		/* VALS host, PORT, ARG direct-tls */
	ITEM_CERTIFICATE,	/* VALS domain (NULL in a pair: the guard's
				 * own), FILE, KEY (may be NULL) */
	ITEM_CA_BUNDLE,		/* VALS path */
	ITEM_DOMAIN,		/* VALS patterns */
	ITEM_CONNECT,		/* ARG enum ast_connect; VALS host, PORT */
	ITEM_PROTOCOL,		/* ARG enum ast_protocol */
	ITEM_TLS,		/* ARG enum ast_tls, ARG2 enum ast_tls_mode */
	ITEM_AUTH,		/* ARG enum ast_auth bits, ARG2 force-insecure */
	ITEM_ORIGINATES,	/* VALS patterns */
	ITEM_LIMITS,		/* SUB limit items */
	ITEM_LIMIT,		/* ARG enum ast_limit_key, VALS value */
	ITEM_TLS_POLICY,	/* SUB tls-policy items */
	ITEM_TLS_KEY,		/* ARG enum ast_tls_key; VALS names, or
				 * ARG2 enum ast_crl_expired */
	ITEM_FILTER,		/* in a peer: VALS filter name, ARG enum
				 * ast_direction */
	ITEM_FOLD,		/* presence fold */
	ITEM_STRIP,		/* VALS groups (names) and namespaces */
	ITEM_BLOCK,		/* VALS groups and namespaces, VERDICT */
	ITEM_ROOM,		/* block room: VALS JIDs, VERDICT */
	ITEM_SIZE,		/* in a filter: VALS size, VERDICT */
	ITEM_WORDS,		/* ARG enum ast_words, VALS strings, VERDICT */
	ITEM_ALERT_LOG,		/* log */
	ITEM_ALERT_FILE,	/* VALS path */
	ITEM_ALERT_MESSAGE,	/* VALS operator JID, FROM sender JID */
	ITEM_ALERT_RATE,	/* VALS count, PER window */
	ITEM_ALERT_RECENT,	/* VALS count */
	ITEM_TEST_FROM,		/* VALS peer name */
	ITEM_TEST_STANZA,	/* VALS XML */
	ITEM_TEST_EXPECT,	/* VERDICT; VALS XML of modify, or COND */
	ITEM_OID,		/* in a label-policy: VALS the dotted OID */
	ITEM_CLASSIFICATION,	/* VALS name, VALUE its value, SUB display
				 * and require items */
	ITEM_DISPLAY,		/* in a classification: ARG enum
				 * ast_display, VALS its text */
	ITEM_REQUIRE,		/* in a classification: ARG enum
				 * ast_require_op, VALS the categories */
	ITEM_SPIF,		/* the label policy read from a SPIF: VALS
				 * the file, VALUE the language (NULL: not
				 * given) */
	ITEM_TAGSET,		/* VALS name, VALUE its OID, ARG enum
				 * ast_tag_type, ARG2 written as enumerated
				 * attributes, SUB category items */
	ITEM_CATEGORY,		/* in a tagset: VALS name, VALUE its value,
				 * SUB its excludes item */
	ITEM_EXCLUDES,		/* in a category: VALS the classifications */
	ITEM_MISSING_LABEL,	/* ARG 1: VALS the classification assumed;
				 * 0: deny */
	ITEM_EQUIVALENT,	/* VALS the label policy relabelled into
				 * (a name), SUB its pairs */
	ITEM_EQUIVALENT_PAIR,	/* in an equivalent: ARG 0 classification,
				 * 1 category; VALS its name, VALUE its
				 * equivalent's (NULL: none) */
	ITEM_ORIGINAL,		/* ARG 1 keep, 0 replace */
	ITEM_CLEARANCE,		/* in a peer: VALS the label policy (a
				 * name), the classification, then the
				 * categories held; VALUE the domain it is
				 * for (NULL: the whole peer) */
	ITEM_CATALOG,		/* in a peer: ARG enum ast_catalog */
	ITEM_LINK,		/* in a peer: ARG 1 required, 0 on demand */
	ITEM_PAIR_GUARD,	/* in a pair: ARG enum ast_pair_role, VALS
				 * its name, SUB its items */
	ITEM_PEERS,		/* in a pair's edge: VALS peer names */
	ITEM_WINDOW		/* in a pair: VALS the frames per link */
};

/* The guards of a pair besides the one between the sides. */
enum ast_pair_role { PAIR_VALIDATOR, PAIR_EDGE };

/* How a tag set's categories decide access (xedge.policy(5), LABELS). */
enum ast_tag_type { TAG_RESTRICTIVE, TAG_PERMISSIVE, TAG_INFORMATIVE };

/* How many of the categories of a classification's require item a label
 * of it must carry (SPIF requiredCategory's operation). */
enum ast_require_op { REQUIRE_EXACTLY_ONE, REQUIRE_ONE_OR_MORE,
    REQUIRE_ALL };

/* What becomes of a security label catalog request to a peer (XEP-0258):
 * it crosses, the guard answers it, or it is refused. */
enum ast_catalog { CATALOG_FORWARD, CATALOG_ANSWER, CATALOG_BLOCK };

/* What a classification says of its display marking (XEP-0258): the
 * text shown, and its colours. */
enum ast_display { DISPLAY_MARKING, DISPLAY_FGCOLOR, DISPLAY_BGCOLOR,
    DISPLAY_COUNT };

/* Directions of a peer's filters: stanzas it sends us, or we send it. */
enum ast_direction { DIR_INBOUND, DIR_OUTBOUND, DIR_COUNT };

/* What a control does with a stanza it finds; DEFAULT: the control's own
 * default. */
enum ast_verdict { VERDICT_DEFAULT, VERDICT_PASS, VERDICT_MODIFY,
    VERDICT_DROP, VERDICT_BOUNCE };

/* The stanza error of a bounce; DEFAULT: the control's own. */
enum ast_cond { COND_DEFAULT, COND_POLICY_VIOLATION, COND_NOT_ACCEPTABLE };

/* The two forms of content patterns. */
enum ast_words { WORDS_LITERAL, WORDS_PATTERN };

enum ast_connect { CONNECT_NONE, CONNECT_STATIC, CONNECT_SRV };
enum ast_protocol { PROTO_S2S, PROTO_GCXP };
enum ast_tls { TLS_REQUIRED, TLS_OPTIONAL };
enum ast_tls_mode { TLS_MODE_DEFAULT, TLS_MODE_STARTTLS, TLS_MODE_DIRECT };
enum ast_auth { AUTH_CERTIFICATE = 1, AUTH_DIALBACK = 2 };

/* One item of a guard, peer or limits block. */
struct ast_item {
	enum ast_item_kind kind;
	struct ast_loc loc;		/* the whole item */
	int arg;
	int arg2;
	struct ast_value *vals;
	struct ast_value *port;
	struct ast_value *file;
	struct ast_value *key;
	struct ast_value *from;		/* ITEM_ALERT_MESSAGE */
	struct ast_value *per;		/* ITEM_ALERT_RATE */
	struct ast_value *value;	/* ITEM_CLASSIFICATION, ITEM_TAGSET,
					 * ITEM_CATEGORY, ITEM_CLEARANCE,
					 * ITEM_EQUIVALENT_PAIR */
	enum ast_verdict verdict;
	enum ast_cond cond;
	struct ast_item *sub;
	struct ast_item *next;
};

enum ast_stmt_kind {
	STMT_POLICY,	/* VALUE name */
	STMT_INCLUDE,	/* VALUE path */
	STMT_DEFINE,	/* NAME = VALUE */
	STMT_GUARD,	/* VALUE name, ITEMS */
	STMT_LIMITS,	/* ITEMS */
	STMT_TLS_POLICY,	/* ITEMS */
	STMT_PEER,	/* NAME, ITEMS */
	STMT_ROUTE,	/* VALUE pattern (NULL: default) via NAME */
	STMT_FILTER,	/* NAME, ITEMS */
	STMT_ALERT,	/* ITEMS */
	STMT_TEST,	/* NAME, ITEMS */
	STMT_LABEL_POLICY,	/* NAME, ITEMS */
	STMT_PAIR	/* ITEMS */
};

struct ast_stmt {
	enum ast_stmt_kind kind;
	struct ast_loc loc;		/* the keyword */
	char *name;
	struct ast_loc name_loc;
	struct ast_value *value;
	struct ast_item *items;
	struct ast_stmt *next;
};

/* Constructors return nodes the caller owns (free with the ast_free_*). */
struct ast_value *ast_value_new(enum ast_value_kind kind,
    const struct ast_loc *loc);
struct ast_item *ast_item_new(enum ast_item_kind kind,
    const struct ast_loc *loc);
struct ast_stmt *ast_stmt_new(enum ast_stmt_kind kind,
    const struct ast_loc *loc);

/* Appends list B to list A and returns the joined list. */
struct ast_value *ast_value_append(struct ast_value *a, struct ast_value *b);
struct ast_item *ast_item_append(struct ast_item *a, struct ast_item *b);
struct ast_stmt *ast_stmt_append(struct ast_stmt *a, struct ast_stmt *b);

/* Each frees a whole list (following NEXT). */
void ast_free_values(struct ast_value *v);
void ast_free_items(struct ast_item *it);
void ast_free_stmts(struct ast_stmt *st);

/* The keyword that spells a limit key, for messages. */
const char *ast_limit_name(enum ast_limit_key key);

/* The keyword that spells a tls-policy key. */
const char *ast_tls_key_name(enum ast_tls_key key);

/* The keyword that spells verdict V (not VERDICT_DEFAULT). */
const char *ast_verdict_name(enum ast_verdict v);

/* The RFC 6120 name of condition C, NULL for COND_DEFAULT. */
const char *ast_cond_name(enum ast_cond c);

/* The keyword that spells tag set type T. */
const char *ast_tag_type_name(enum ast_tag_type t);

/* The keyword that spells display item D. */
const char *ast_display_name(enum ast_display d);

/* The keyword that spells require operation OP. */
const char *ast_require_op_name(enum ast_require_op op);

/* The keyword that spells catalog mode C. */
const char *ast_catalog_name(enum ast_catalog c);

/* The keyword that spells pair role R. */
const char *ast_pair_role_name(enum ast_pair_role r);

#endif
