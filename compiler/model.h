/*
 * The resolved policy: what the syntax tree means once constants are
 * substituted, names bound and defaults applied. The checks, the canonical
 * printer and the emitters read only this. Every item keeps the location it
 * came from for messages and #line directives.
 */
#ifndef XEDGEC_MODEL_H
#define XEDGEC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "groups.h"

/* Defaults of the language (see xedge.policy(5)). */
#define MODEL_PORT_STARTTLS	5269
#define MODEL_PORT_DIRECT	5270

/* A domain pattern: "example.org" exactly, or "*.example.org" for every
 * name below example.org (at any depth), lower case. */
struct m_pattern {
	char *name;
	int wildcard;
	struct ast_loc loc;
};

/* The part of a wildcard pattern after "*.", or the whole exact name. */
#define M_SUFFIX(pat) ((pat)->wildcard ? (pat)->name + 2 : (pat)->name)

struct m_limits {
	uint32_t v[LIMIT_COUNT];
	unsigned set;			/* bit (1 << key) per key given */
	struct ast_loc loc[LIMIT_COUNT];
};

/* A name of a tls-policy list as written; the checks judge it against
 * the tables of tlsname.h. */
struct m_name {
	char *name;
	struct ast_loc loc;
};

/* A tls-policy block: the global one holds the defaults of the keys it
 * does not give, a peer's only the keys it gives. */
struct m_tls {
	struct m_name *list[TLS_KEY_LISTS];
	size_t n[TLS_KEY_LISTS];
	enum ast_crl_expired crl_expired;
	unsigned set;			/* bit (1 << key) per key given */
	struct ast_loc loc[TLS_KEY_COUNT];	/* the items given */
};

struct m_listen {
	char *host;
	struct ast_loc host_loc;
	uint16_t port;
	int direct_tls;
	struct ast_loc loc;
};

struct m_cert {
	struct m_pattern domain;
	char *file;
	char *key;
	struct ast_loc loc;
};

/* A namespace a filter names: every element in NS, or only the one
 * called NAME ("{ns}name"). */
struct m_nsref {
	char *ns;
	char *name;			/* NULL: the whole namespace */
	struct ast_loc loc;
};

enum m_control_kind {
	CTL_FOLD,			/* presence fold */
	CTL_STRIP,			/* strip groups and namespaces */
	CTL_BLOCK,			/* block groups and namespaces */
	CTL_ROOM,			/* block room JIDs */
	CTL_SIZE,			/* stanza-size */
	CTL_WORDS			/* words or pattern */
};

/* One statement of a filter: one rule of the generated policy. */
struct m_control {
	enum m_control_kind kind;
	struct ast_loc loc;
	enum ast_verdict verdict;	/* never VERDICT_DEFAULT */
	enum ast_cond cond;		/* VERDICT_BOUNCE: never COND_DEFAULT */
	unsigned groups;		/* bit (1 << enum group) per group */
	struct ast_loc group_loc[GROUP_COUNT];
	struct m_nsref *ns;		/* CTL_STRIP, CTL_BLOCK */
	size_t nns;
	char **items;			/* CTL_ROOM: JIDs; CTL_WORDS: texts */
	struct ast_loc *item_loc;
	size_t nitems;
	enum ast_words words;		/* CTL_WORDS */
	uint32_t size;			/* CTL_SIZE */
	char *what;			/* CTL_STRIP, CTL_BLOCK: what it names,
					 * as written, for the rule's name */
};

struct m_filter {
	char *name;
	struct ast_loc loc;		/* the name */
	struct m_control *ctl;
	size_t nctl;
	int used;			/* named by a peer */
};

/* A filter a peer applies in one direction. */
struct m_use {
	size_t filter;			/* index into model.filters */
	struct ast_loc loc;
};

struct m_alert {
	int given;			/* an alert block was written */
	struct ast_loc loc;
	int log;
	char *file;
	char *to, *from;		/* an XMPP message to TO from FROM */
	struct ast_loc to_loc, from_loc;
	uint32_t rate;			/* alerts per rule per window */
	uint32_t window;		/* seconds */
	uint32_t recent;		/* alerts kept for the status page */
};

/* A test the policy carries. */
struct m_test {
	char *name;
	struct ast_loc loc;		/* the name */
	size_t peer;			/* the peer the stanza arrives from */
	char *stanza;
	struct ast_loc stanza_loc;
	enum ast_verdict expect;	/* PASS, MODIFY, DROP or BOUNCE */
	struct ast_loc expect_loc;
	enum ast_cond cond;		/* a bounce's condition if named... */
	char *cond_name;		/* ...or its RFC 6120 name; both unset:
					 * any condition */
	char *output;			/* MODIFY: the stanza expected */
};

/*
 * A classification or category a rule of a label policy names, as
 * written, and, once bound, its place: a category's tag set and index
 * in it, or a classification's rank (INDEX).
 */
struct m_label_ref {
	char *name;
	struct ast_loc loc;
	size_t tagset;
	size_t index;
};

/* Categories a label of a classification must carry (require, SPIF
 * requiredCategory): OP of CATS. */
struct m_require {
	enum ast_require_op op;
	struct ast_loc loc;
	struct m_label_ref *cats;	/* in the order given */
	size_t ncats;
};

/*
 * Security labels (xedge.policy(5), LABELS). A classification of a label
 * policy, or a category of a tag set: its name and its value in an ESS
 * label.
 */
struct m_label_value {
	char *name;
	uint32_t lacv;
	struct ast_loc loc;		/* the name */
	struct ast_loc value_loc;
	/* A classification's display marking, by enum ast_display: each
	 * NULL where not given, and always for a category. */
	char *display[DISPLAY_COUNT];
	struct ast_loc display_loc[DISPLAY_COUNT];
	/* A classification's rules, each of which a label of it must
	 * meet; none for a category. */
	struct m_require *requires;
	size_t nrequires;
	/* A category's excluded classifications (excludes, SPIF
	 * excludedClass): a label carrying it may not have one; none for
	 * a classification. */
	struct m_label_ref *excludes;
	size_t nexcludes;
};

/* A tag set: an ESS security category's tagName and its categories. */
struct m_tagset {
	char *name;
	struct ast_loc loc;		/* the name */
	char *oid;			/* dotted, as written */
	struct ast_loc oid_loc;
	enum ast_tag_type type;
	struct m_label_value *cats;	/* in policy order */
	size_t ncats;
	unsigned first_bit;		/* of its first category: the bits of a
					 * label policy's categories follow
					 * their order in the policy */
	int enumerated;			/* written "enumerated", or given by a
					 * SPIF only as enumerated tags */
};

/* The most categories of one label policy (GEN_LABEL_BITS). */
#define MODEL_LABEL_BITS	256
/* The largest value of a classification (RFC 2634 ub-integer-options). */
#define MODEL_CLASSIFICATION_MAX	256

/* What one classification or category of a label policy becomes in
 * another (xedge.policy(5), "Equivalences"). */
struct m_equiv {
	int given;			/* 0: none was given */
	int none;			/* given as having none: a label
					 * carrying it is not relabelled */
	size_t tagset;			/* a category's: the tag set, */
	size_t to;			/* and the category in it; a
					 * classification's: the rank */
	struct ast_loc loc;		/* the name mapped, or the SPIF line */
	struct ast_loc to_loc;		/* the equivalent's name, or the line */
};

/* How the labels of a label policy are relabelled into another. */
struct m_label_map {
	size_t to;			/* index into model.labels */
	struct ast_loc loc;		/* the name in the equivalent statement,
					 * or the SPIF line of the first
					 * equivalence read */
	struct m_equiv *cls;		/* by rank of the policy mapped from */
	struct m_equiv *cats;		/* by bit of its categories */
	int incomplete;			/* an error lost some of it */
};

struct m_label_policy {
	char *name;
	struct ast_loc loc;		/* the name */
	struct ast_loc stmt_loc;	/* the label-policy keyword */
	char *spif;			/* the SPIF file it was read from, as
					 * written; NULL: written in the policy */
	char *spif_name;		/* the SPIF's name of the policy */
	char *oid;			/* NULL: not given */
	struct ast_loc oid_loc;
	struct m_label_value *cls;	/* lowest first: the index is the rank */
	size_t ncls;
	struct m_tagset *tagsets;	/* in policy order */
	size_t ntagsets;
	int missing;			/* the classification a stanza without
					 * a label is assumed to carry; -1:
					 * such a stanza is denied */
	int used;			/* named by a clearance */
	int incomplete;			/* as m_peer.incomplete */
	struct m_label_map *maps;	/* in the order of their targets */
	size_t nmaps;
	int keep_original;		/* original keep */
	struct ast_loc original_loc;	/* the original statement (file NULL:
					 * not given) */
};

/* A category a clearance holds. */
struct m_held {
	size_t tagset, cat;		/* indices in its label policy */
	struct ast_loc loc;
};

/* What a peer is cleared for; all-zero: no clearance. */
struct m_clearance {
	int given;
	struct ast_loc loc;		/* the statement */
	size_t policy;			/* index into model.labels */
	size_t rank;			/* the highest classification */
	struct m_held *held;		/* in the order given */
	size_t nheld;
};

/* A clearance of one domain of a peer, in place of the peer's own for
 * stanzas from and to that domain. */
struct m_domain_clearance {
	char *domain;			/* canonical, one of the peer's exact
					 * domains */
	struct m_clearance clearance;
};

/* The bit of category H of label policy LP. */
#define M_HELD_BIT(lp, h) ((lp)->tagsets[(h)->tagset].first_bit + (h)->cat)

struct m_peer {
	char *name;
	struct ast_loc loc;		/* the name */
	struct m_pattern *domains;
	size_t ndomains;
	struct m_pattern *origins;	/* the domains unless given */
	size_t norigins;
	int origins_given;
	enum ast_connect connect;
	char *host;			/* CONNECT_STATIC */
	struct ast_loc host_loc;
	uint16_t port;			/* CONNECT_STATIC */
	struct ast_loc connect_loc;
	enum ast_protocol protocol;
	struct ast_loc protocol_loc;
	enum ast_tls tls;
	enum ast_tls_mode tls_mode;	/* never TLS_MODE_DEFAULT */
	struct ast_loc tls_loc;
	unsigned auth;			/* enum ast_auth bits */
	int force_insecure;
	struct ast_loc auth_loc;
	struct m_limits limits;		/* only the keys the peer sets */
	struct m_tls tls_policy;	/* only the keys the peer sets */
	struct m_use *filters[DIR_COUNT];	/* in the order given */
	size_t nfilters[DIR_COUNT];
	struct m_clearance clearance;
	struct m_domain_clearance *domain_clearances;	/* by domain
							 * (strcmp) */
	size_t ndomain_clearances;
	enum ast_catalog catalog;	/* catalog requests to it */
	int catalog_given;		/* by a catalog statement */
	struct ast_loc catalog_loc;
	int required;			/* link required: health needs it up */
	struct ast_loc link_loc;
	int edge;			/* in a pair: the edge that serves it
					 * (index into pair.edges); -1: none */
	struct ast_loc edge_loc;	/* its name in that edge's peers */
	/* Part of its statement was lost to an error already reported:
	 * what it seems to lack is not judged. */
	int incomplete;
};

/* A guard of a pair (xedge.policy(5), PAIRS): the validator or an edge. */
struct m_pair_guard {
	char *name;			/* lower case, domain-like */
	struct ast_loc loc;		/* the name */
	char *cert_file, *key_file;	/* its gcxp certificate; NULL: none */
	struct ast_loc cert_loc;
	size_t npeers;			/* an edge: the peers it serves */
	int incomplete;			/* as m_peer.incomplete */
};

/* The most frames a gcxp link may leave unacknowledged, and the default. */
#define MODEL_PAIR_WINDOW	64
#define MODEL_PAIR_WINDOW_MAX	4096

/*
 * A guard pair: two edges, one per security domain, each serving some
 * peers by S2S, joined through a validator over gcxp. All three guards are
 * builds of the one policy; the role of a build names its guard.
 */
struct m_pair {
	int given;
	struct ast_loc loc;		/* the pair keyword */
	struct m_pair_guard validator;	/* name NULL: none given */
	struct m_pair_guard edges[2];	/* in policy order */
	size_t nedges;
	char *host;			/* where the validator listens */
	struct ast_loc host_loc;
	uint16_t port;
	struct ast_loc listen_loc;	/* file NULL: no listen given */
	uint32_t window;
	struct ast_loc window_loc;	/* file NULL: the default */
	char *ca_file;			/* NULL: none given */
	struct ast_loc ca_loc;
	int incomplete;			/* as m_peer.incomplete */
};

/* Which guard a build is of. */
enum m_role {
	ROLE_SINGLE,			/* the one guard: the policy has no pair */
	ROLE_EDGE,			/* an edge of the pair */
	ROLE_VALIDATOR			/* the pair's validator */
};

struct m_route {
	struct m_pattern pattern;	/* unused for the default route */
	int is_default;
	size_t peer;			/* index into model.peers */
	struct ast_loc loc;		/* the statement */
	struct ast_loc via_loc;
};

struct model {
	char *name;
	struct ast_loc loc;		/* the policy statement */
	int has_guard;
	char *guard_name;
	struct ast_loc guard_loc;
	int guard_incomplete;		/* as m_peer.incomplete */
	struct m_listen *listen;
	size_t nlisten;
	struct m_cert *certs;
	size_t ncerts;
	char *ca_file;			/* NULL if not given */
	struct ast_loc ca_loc;
	struct m_limits limits;		/* defaults with the limits block */
	struct m_tls tls_policy;	/* defaults with the tls-policy block */
	struct m_peer *peers;
	size_t npeers;
	struct m_route *routes;
	size_t nroutes;
	struct m_filter *filters;
	size_t nfilters;
	struct m_alert alert;
	struct m_label_policy *labels;
	size_t nlabels;
	struct m_test *tests;
	size_t ntests;
	struct m_pair pair;
	enum m_role role;		/* the build's (--role) */
	size_t role_edge;		/* ROLE_EDGE: its index in pair.edges */
	/* Statements were lost to errors reported before resolution (a
	 * syntax error, an include that cannot be read): what the policy
	 * seems to lack as a whole is not judged. */
	int incomplete;
	const char *source;		/* the path given to xedgec */
	char sha256[65];		/* src_digest() */
};

/* The guard of the pair this build is of (--role), or NULL for a single
 * guard. */
const struct m_pair_guard *model_role_guard(const struct model *m);

/* How this build reaches peer P: over gcxp in the validator, and in an
 * edge for the peers of the other edge (through the validator); else by
 * S2S. */
enum ast_protocol model_peer_reached(const struct model *m,
    const struct m_peer *p);

/* The value of limit KEY for peer P: its own, else the global one. */
uint32_t model_peer_limit(const struct model *m, const struct m_peer *p,
    enum ast_limit_key key);

/* Where limit KEY of peer P was set: the peer's limits block, else the
 * global one, else (a default of the language) the peer statement. */
const struct ast_loc *model_peer_limit_loc(const struct model *m,
    const struct m_peer *p, enum ast_limit_key key);

/* The default route of M, or NULL if it has none. */
const struct m_route *model_default_route(const struct model *m);

/* The tls-policy block that gives key KEY to peer P (NULL: the global
 * one): its own if it sets KEY, else the global one. */
const struct m_tls *model_peer_tls(const struct model *m,
    const struct m_peer *p, enum ast_tls_key key);

/* Frees the names of list KEY of T and empties it. */
void model_tls_free_list(struct m_tls *t, enum ast_tls_key key);

/* Whether pattern A is the same set of domains as pattern B. */
int model_pattern_eq(const struct m_pattern *a, const struct m_pattern *b);

/*
 * Checks that NAME is a lower-case domain name (LDH labels of 1 to 63 bytes,
 * at most 253 bytes, no trailing dot), or with WILDCARD also "*." followed
 * by one. Returns 0, or -1 with *WHY set to a static explanation.
 */
int model_domain_syntax(const char *name, int wildcard, const char **why);

/* Defaults of the alert block (xedge.policy(5), ALERTS). */
#define MODEL_ALERT_RATE	10
#define MODEL_ALERT_WINDOW	60
#define MODEL_ALERT_RECENT	100
/* Their bounds: the runtime keeps at most 10000 recent alerts
 * (ALERT_RECENT_MAX), and a window is counted in 32-bit milliseconds. */
#define MODEL_ALERT_MAX_RATE	1000000
#define MODEL_ALERT_MAX_WINDOW	(24 * 3600)
#define MODEL_ALERT_MAX_RECENT	10000

/* Whether stanzas to and from some domain of peer P are checked against
 * no clearance: P has none of its own, and not every one of its domains
 * has one (each is of a distinct exact domain). */
int model_peer_uncleared(const struct m_peer *p);

/* Whether peer P has a rule deciding the security label catalogs asked
 * of it: it has a clearance, or a catalog statement. */
int model_peer_catalogs(const struct m_peer *p);

/* Whether one of the N bound references REFS names the place of tag set
 * TAGSET (0 for a classification) and INDEX. */
int model_label_named(const struct m_label_ref *refs, size_t n,
    size_t tagset, size_t index);

/* Whether clearance C holds category CAT of tag set TAGSET. */
int model_clearance_holds(const struct m_clearance *c, size_t tagset,
    size_t cat);

/* Frees the N references REFS and their names. */
void model_label_refs_free(struct m_label_ref *refs, size_t n);
/* The number of categories of LP, over all its tag sets, once their
 * bits are given (as the resolution of LP ends). */
size_t model_label_ncats(const struct m_label_policy *lp);

/* Sets *TS and *CAT to the tag set and category of LP whose bit is BIT
 * (below model_label_ncats). */
void model_label_bit(const struct m_label_policy *lp, size_t bit,
    size_t *ts, size_t *cat);

/* The map of FROM into label policy number TO, or NULL. */
const struct m_label_map *model_label_map(const struct m_label_policy *from,
    size_t to);

/* Whether another label policy of M has a map into label policy number
 * L: labels may be relabelled into it. */
int model_label_relabelled_into(const struct model *m, size_t l);

/* Whether a label the guard writes carries the categories of TS as
 * enumerated attributes rather than as a bit map: those of an
 * informative tag set always, the others if it says so or a value is
 * past what the guard writes in a bit map (255). */
int model_tagset_enumerated(const struct m_tagset *ts);

/* A clearance given of a peer: its own (DOMAIN NULL) or one of its
 * domains'. */
struct m_cleared {
	const struct m_peer *peer;
	const char *domain;
	const struct m_clearance *c;
};

/* Returns the clearances given of the peers of M, each peer's own before
 * those of its domains, and sets *N to their number (caller frees). */
struct m_cleared *model_clearances(const struct model *m, size_t *n);

/* Returns who X is the clearance of, "peer P" or "domain D of peer P",
 * each name between QUOTE and QUOTE (caller frees). */
char *model_cleared_name(const struct m_cleared *x, const char *quote);

/* Whether a label of LP that clearance C (of LP) lets cross may carry
 * category CAT of tag set TAGSET: a restrictive one C holds, any of a
 * permissive tag set of which C holds one (a label may name others
 * beside it), any informative one (never decided by). */
int model_clearance_may_carry(const struct m_label_policy *lp,
    const struct m_clearance *c, size_t tagset, size_t cat);

/* Frees what label value V owns. */
void model_label_value_free(struct m_label_value *v);

/* Frees everything M owns and zeroes it. */
void model_free(struct model *m);

#endif
