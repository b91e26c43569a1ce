/*
 * Types shared by the code that xedgec generates and the runtime.
 *
 * The compiler emits generated/policy.c, which defines gen_policy and the
 * gen_ lookup functions below from a policy file; the runtime reads nothing
 * else of the policy. Everything here is constant data: the runtime never
 * changes it, and the site file (runtime/site.c) may only override where a
 * listener binds, where a peer is reached and where certificate files lie.
 */
#ifndef XEDGE_POLICY_TYPES_H
#define XEDGE_POLICY_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* How a peer is spoken to. */
enum gen_protocol {
	GEN_PROTO_S2S = 0,	/* RFC 6120 server-to-server */
	GEN_PROTO_GCXP = 1	/* xedge's guard content exchange framing:
				 * the peers of a pair's other edge, through
				 * its validator (see gen_pair) */
};

/* Which guard of its policy a build is (xedge.policy(5), PAIRS). */
enum gen_role {
	GEN_ROLE_SINGLE = 0,	/* the one guard: the policy has no pair */
	GEN_ROLE_EDGE,		/* an edge of a guard pair: its own peers by
				 * S2S, the other edge's over gcxp through
				 * the validator */
	GEN_ROLE_VALIDATOR	/* the XML guard between the edges of a
				 * pair: gcxp only, no S2S listener */
};

/* Whether TLS is required on streams with a peer. */
enum gen_tls {
	GEN_TLS_REQUIRED = 0,
	GEN_TLS_OPTIONAL = 1
};

/* How TLS starts: STARTTLS inside the stream, or TLS from the first byte. */
enum gen_tls_mode {
	GEN_TLS_STARTTLS = 0,
	GEN_TLS_DIRECT = 1
};

/* Authentication methods a peer may use; a bit set. */
enum gen_auth {
	GEN_AUTH_CERTIFICATE = 1,	/* SASL EXTERNAL with a PKIX certificate */
	GEN_AUTH_DIALBACK = 2		/* XEP-0220 Server Dialback */
};

/* Where a peer's server is found. */
enum gen_connect {
	GEN_CONNECT_NONE = 0,	/* the peer only connects to us */
	GEN_CONNECT_STATIC = 1,	/* host and port below */
	GEN_CONNECT_SRV = 2	/* DNS SRV _xmpp-server._tcp / _xmpps-server._tcp */
};

/* Bounds and timers; every value is resolved by the compiler. */
struct gen_limits {
	uint32_t stanza_size;		/* bytes of one top-level element */
	uint32_t queue_length;		/* stanzas waiting per outbound stream */
	uint32_t connect_timeout;	/* seconds to establish TCP */
	uint32_t negotiate_timeout;	/* seconds from connect to authenticated */
	uint32_t idle_timeout;		/* seconds without traffic before close */
	uint32_t keepalive;		/* seconds between whitespace pings */
};

/* Whether a peer certificate is accepted when the CRL that covers it is
 * past its nextUpdate. */
enum gen_crl_expired {
	GEN_CRL_EXPIRED_REFUSE = 0,
	GEN_CRL_EXPIRED_WARN = 1
};

/* What a TLS session may negotiate, as OpenSSL takes it: versions as wire
 * values (0x0303 TLS 1.2, 0x0304 TLS 1.3), lists joined by ':'. */
struct gen_tls_policy {
	uint16_t min_version;
	uint16_t max_version;
	const char *ciphersuites;	/* TLS 1.3, SSL_set_ciphersuites */
	const char *ciphers;		/* TLS 1.2, SSL_set_cipher_list */
	const char *groups;		/* SSL_set1_groups_list */
	enum gen_crl_expired crl_expired;
};

/* A certificate the guard presents for a domain it stands in for. */
struct gen_cert {
	const char *domain;	/* exact name or "*.example" */
	const char *cert_file;	/* PEM chain, leaf first */
	const char *key_file;	/* PEM private key */
	unsigned line;		/* policy line, for messages */
};

/* A listen address of the guard. */
struct gen_listen {
	const char *host;	/* numeric address */
	uint16_t port;
	enum gen_tls_mode tls_mode;	/* direct TLS listeners (XEP-0368) */
	unsigned line;
};

/*
 * A rule: one thing the policy decides about stanzas, with the statement it
 * comes from. Counters and alerts refer to rules by their index in
 * gen_policy.rules; the first GEN_RULE_BUILTIN entries are the checks every
 * policy has (RFC 6120 and the guard's own bounds), in this order.
 */
enum gen_rule_builtin {
	GEN_RULE_ADDRESS = 0,	/* 'from' and 'to' present and well formed */
	GEN_RULE_STRUCTURE,	/* RFC 6120 section 8 stanza structure */
	GEN_RULE_NO_ROUTE,	/* no route for the 'to' domain */
	GEN_RULE_LOOP,		/* routed back to the peer it came from */
	GEN_RULE_RESOURCES,	/* the guard's memory and queue bounds */
	GEN_RULE_BUILTIN
};

/* The stanza error a rule's bounce carries. */
enum gen_cond {
	GEN_COND_POLICY_VIOLATION = 0,
	GEN_COND_NOT_ACCEPTABLE
};

/* What the decision makes of a stanza; counters are kept per verdict. */
enum gen_verdict {
	GEN_VERDICT_PASS = 0,	/* crosses unchanged */
	GEN_VERDICT_MODIFY,	/* crosses as transformed */
	GEN_VERDICT_DROP,	/* silently discarded (an alert is raised) */
	GEN_VERDICT_BOUNCE,	/* refused with a stanza error to its sender */
	GEN_VERDICT_COUNT
};

struct gen_rule {
	const char *name;	/* e.g. "route partner", "peer partner stanza-size" */
	const char *file;	/* policy file of the statement; NULL: built in */
	unsigned line;		/* its line; 0: built in */
	enum gen_verdict verdict;	/* what a content rule does when it
					 * fires (a pass raises an alert) */
	enum gen_cond cond;	/* the error of its bounce */
	unsigned alert;		/* its firing is a violation: alert */
};

/* The rules a peer's own statements make. */
struct gen_peer_rules {
	unsigned route;		/* stanzas routed to the peer */
	unsigned stanza_size;	/* its stanza-size limit, on the way out */
	unsigned queue;		/* its queue-length limit */
	unsigned protocol;	/* its protocol statement */
};

/* The kind of a stanza: its element name in jabber:server. */
enum gen_kind {
	GEN_KIND_MESSAGE = 0,
	GEN_KIND_PRESENCE,
	GEN_KIND_IQ
};

/*
 * Facts about a stanza, computed once by the pipeline's classify stage and
 * read by the generated decision: whatever several rules need is here, so
 * that no rule looks at the element for it again.
 */
struct gen_facts {
	enum gen_kind kind;
	const char *type;	/* the 'type' attribute, NULL if absent */
	int src_peer;		/* index of the peer it came from */
	int dst_peer;		/* index of the peer it goes to */
	const char *from_domain;	/* canonical */
	const char *to_domain;		/* canonical */
	const char *child_ns;	/* namespace of the first child element */
	unsigned nchildren;	/* child elements */
	unsigned room_join;	/* available presence with a room join's
				 * <x xmlns='http://jabber.org/protocol/muc'/> */
};

/* The decision about one stanza: the verdict and the rule that gave it. */
struct gen_decision {
	enum gen_verdict verdict;
	unsigned rule;
};

/*
 * Content filters (xedge.policy(5), FILTERS). Every namespace a policy's
 * filters name is one entry of gen_policy.ns_entries, found by
 * gen_ns_lookup(); an element matches the entry of its namespace with its
 * name, else the entry of the whole namespace. A filter says per entry
 * what it does, and with which rule.
 */
enum gen_ns_what {
	GEN_NS_NONE = 0,	/* crosses */
	GEN_NS_STRIP,		/* removed from the stanza */
	GEN_NS_BLOCK		/* the stanza gets the rule's verdict */
};

struct gen_ns_action {
	unsigned char what;	/* enum gen_ns_what */
	unsigned rule;
};

/* A namespace the policy names: its entries are first .. first + n - 1
 * of gen_policy.ns_entries; entry first is the whole namespace when
 * WHOLE is set. */
struct gen_ns {
	unsigned first;
	unsigned n;
	unsigned whole;
};

/* What the runtime detects besides namespaces, each a filter may block. */
enum gen_detect {
	GEN_DETECT_GROUPCHAT = 0,	/* messages of type groupchat */
	GEN_DETECT_ONE_TO_ONE,		/* messages between users */
	GEN_DETECT_OTR,			/* OTR markers in a body */
	GEN_DETECT_LINKS,		/* aesgcm:// links in a body */
	GEN_DETECT_COUNT
};

/* A room a filter blocks traffic to and from: its localpart (ASCII lower
 * case) at a service. */
struct gen_room {
	const char *local;
	unsigned rule;
};

/* A domain that holds rooms a filter blocks: the whole of it, or the
 * rooms listed. */
struct gen_service {
	const char *domain;		/* canonical */
	unsigned rule;			/* blocks the whole service; 0: only
					 * its rooms */
	const struct gen_room *rooms;	/* sorted by localpart */
	size_t nrooms;
};

/* A filter; a rule index of 0 (a built-in rule) means "none". */
struct gen_filter {
	const char *name;
	unsigned fold;			/* presence fold */
	const struct gen_ns_action *ns;	/* one per gen_policy.ns_entries */
	unsigned restricts;		/* the first rule that strips or blocks
					 * a namespace: disco answers and caps
					 * are cut down by it */
	unsigned detect[GEN_DETECT_COUNT];
	const struct gen_service *services;	/* sorted by domain: most
						 * stanzas are at none */
	size_t nservices;
	uint32_t size;			/* 0: no limit of its own */
	unsigned size_rule;
	uint64_t text;			/* bits of text_match() lists */
};

/* Where alerts go and how many (xedge.policy(5), ALERTS). */
struct gen_alert {
	unsigned log;			/* a log line */
	const char *file;		/* JSON lines, NULL: none */
	const char *message_to;		/* an operator's JID, NULL: none */
	const char *message_from;	/* the JID the guard sends it from */
	unsigned rate;			/* alerts per rule per window */
	unsigned window;		/* seconds */
	unsigned recent;		/* alerts kept for the status page */
};

/*
 * Security labels (xedge.policy(5), LABELS). A label policy's tables, in
 * the form the access decision reads them: the runtime never interprets
 * an OID or a value by itself.
 */

/* How a tag set's categories decide access. */
enum gen_tag_type {
	GEN_TAG_RESTRICTIVE,		/* every category held */
	GEN_TAG_PERMISSIVE,		/* at least one held */
	GEN_TAG_INFORMATIVE		/* never decides */
};

/* The most categories of one label policy, over all its tag sets. */
#define GEN_LABEL_BITS 256

/* A set of a label policy's categories, one bit each. */
struct gen_label_bits {
	uint64_t w[GEN_LABEL_BITS / 64];
};

/* How many of a set of categories a label of a classification must
 * carry (SPIF requiredCategory's operation). */
enum gen_require_op {
	GEN_REQUIRE_ONE,		/* exactly one */
	GEN_REQUIRE_SOME,		/* one or more */
	GEN_REQUIRE_ALL			/* every one */
};

/* Categories a label of a classification must carry. */
struct gen_label_require {
	enum gen_require_op op;
	struct gen_label_bits cats;
};

/* A classification: its value in a label, its rank (0 the lowest), and
 * how a label of it is displayed (XEP-0258 displaymarking). */
struct gen_classification {
	const char *name;
	uint32_t lacv;
	unsigned rank;
	const char *marking;		/* the text; NULL: the name */
	const char *fgcolor, *bgcolor;	/* XEP-0258 colours; NULL: none */
	/* What a label of it must carry, each of these (NULL: nothing). */
	const struct gen_label_require *requires;
	size_t nrequires;
};

/* A category of a tag set: its value in a label and its bit. */
struct gen_label_category {
	const char *name;
	uint32_t lacv;
	unsigned bit;			/* < GEN_LABEL_BITS */
	/* The classifications, by rank, a label carrying it may not have
	 * (SPIF excludedClass); a label policy with any has at most
	 * GEN_LABEL_BITS classifications. */
	struct gen_label_bits excluded;
};

/* A tag set: an ESS category's tagName. Its restrictive categories come
 * as a restrictive bit map or enumerated restrictive attributes, its
 * permissive ones as a permissive bit map or enumerated permissive
 * attributes, its informative ones as informative attributes. */
struct gen_tagset {
	const char *name;
	const char *oid;		/* dotted */
	enum gen_tag_type type;
	/* A label the guard writes carries its restrictive or permissive
	 * categories as enumerated attributes (1) or as a bit map (0);
	 * informative ones always as attributes. */
	int enumerated;
	const struct gen_label_category *categories;	/* sorted by lacv */
	size_t ncategories;
};

struct gen_label_policy;

/* What becomes of a request for a security label catalog (XEP-0258,
 * urn:xmpp:sec-label:catalog:2) to a peer. */
enum gen_catalog {
	GEN_CATALOG_FORWARD,	/* it crosses; its answer offers only the
				 * labels that may cross to the peer */
	GEN_CATALOG_ANSWER,	/* the guard answers, with those labels */
	GEN_CATALOG_BLOCK	/* refused by the peer's catalog rule */
};

/* A category's equivalent in another label policy. */
struct gen_label_map_category {
	const struct gen_tagset *tagset;	/* NULL: none */
	const struct gen_label_category *category;
};

/* How a label of one label policy is relabelled into another (its
 * "equivalent" statement, or the SPIF's equivalences). */
struct gen_label_map {
	const struct gen_label_policy *to;
	/* Per classification of the label policy mapped from, in the order
	 * of its classifications[] table: the equivalent (NULL: none). */
	const struct gen_classification *const *classifications;
	/* Per category of the label policy mapped from, by bit. */
	const struct gen_label_map_category *categories;
	size_t ncategories;
};

struct gen_label_policy {
	const char *name;
	const char *oid;		/* dotted: the labels' policy identifier */
	const struct gen_classification *classifications; /* sorted by lacv */
	size_t nclassifications;
	const struct gen_tagset *tagsets;	/* sorted by oid (strcmp) */
	size_t ntagsets;
	/* A stanza without a label: assumed to carry this classification,
	 * or denied (NULL). */
	const struct gen_classification *missing;
	/* Its labels' equivalents in other label policies, sorted by the
	 * address of the policy mapped to (NULL: none). */
	const struct gen_label_map *maps;
	size_t nmaps;
	/* A label relabelled into this policy keeps its original as an
	 * XEP-0258 equivalentlabel (1) or loses it (0). */
	int keep_original;
};

/* What a peer is cleared for: the stanzas from it that it may send and
 * those to it that it may receive. */
struct gen_clearance {
	const struct gen_label_policy *policy;	/* NULL: not cleared */
	unsigned rank;			/* the highest classification's */
	struct gen_label_bits held;	/* the categories held */
	unsigned rule;			/* the rule that denies what exceeds it */
};

/* A clearance of one domain of a peer, in place of the peer's own for
 * stanzas from and to that domain. */
struct gen_domain_clearance {
	const char *domain;		/* canonical, exact */
	struct gen_clearance clearance;
};

/* A peer: a set of domains reached by one protocol. */
struct gen_peer {
	const char *name;
	unsigned line;
	/* Its domains as the policy writes them ("*.example" for all under
	 * example), for the status page: routing reads the machines. */
	const char *const *domains;
	size_t ndomains;
	enum gen_protocol protocol;
	enum gen_tls tls;
	enum gen_tls_mode tls_mode;
	unsigned auth;			/* enum gen_auth bits, never 0 */
	unsigned dialback_forced;	/* dialback allowed without TLS */
	/* "link required": the guard is unhealthy while no stream to or
	 * from the peer is ready. */
	int required;
	/* The edge of the pair that serves the peer by S2S (0 or 1, the
	 * order of gen_pair.edges); -1 without a pair. */
	int edge;
	/* An edge dials the validator for the other edge's peers; the
	 * validator dials no peer (the edges dial it). */
	enum gen_connect connect;
	const char *host;		/* GEN_CONNECT_STATIC: address or name */
	uint16_t port;			/* GEN_CONNECT_STATIC */
	struct gen_limits limits;	/* global limits with this peer's overrides */
	struct gen_peer_rules rules;
	struct gen_tls_policy tls_policy;	/* global one, this peer's keys */
	/* Filters of stanzas from the peer (inbound), to it (outbound). */
	const struct gen_filter *const *filters[2];
	size_t nfilters[2];
	struct gen_clearance clearance;
	const struct gen_domain_clearance *domain_clearances; /* by domain */
	size_t ndomain_clearances;
	/* Security label catalog requests (XEP-0258) to the peer. */
	enum gen_catalog catalog;
	unsigned catalog_rule;		/* 0: catalogs are not decided */
};

/* The guard itself. */
struct gen_guard {
	const char *name;		/* for logs and the status page */
	const struct gen_listen *listen;
	size_t nlisten;
	const struct gen_cert *certs;
	size_t ncerts;
	const char *ca_file;		/* CA bundle for peer certificates */
};

/*
 * A guard pair: two edges, one per security domain, joined through a
 * validator over gcxp (TLS both ways, with certificates the pair's CA
 * issued). The three guards are builds of one policy, so all three carry
 * the same gen_policy.sha256; only the role and what follows from it
 * differ. All-zero but for EDGE (-1) in a single guard's build.
 */
struct gen_pair {
	const char *validator;		/* the three guards' names */
	const char *edges[2];		/* in the order of the pair block */
	const char *host;		/* where the validator listens for the
					 * edges: a numeric address */
	uint16_t port;
	unsigned window;		/* frames a link may leave
					 * unacknowledged */
	const char *ca_file;		/* the CA of the gcxp certificates */
	const char *cert_file;		/* this build's gcxp certificate (PEM
					 * chain, leaf first) */
	const char *key_file;
	int edge;			/* GEN_ROLE_EDGE: this build's edge,
					 * 0 or 1; else -1 */
	unsigned line;			/* the pair statement's */
};

struct gen_policy {
	const char *name;		/* from the policy statement */
	const char *sha256;		/* hex digest of the policy source: the
					 * same in each build of a pair */
	const char *source;		/* file name given to xedgec */
	enum gen_role role;		/* which guard this build is */
	const char *role_name;		/* its name in the pair; NULL:
					 * GEN_ROLE_SINGLE */
	struct gen_pair pair;
	struct gen_guard guard;		/* a validator's has no listener */
	const struct gen_peer *peers;
	size_t npeers;
	struct gen_limits limits;	/* global limits */
	const struct gen_rule *rules;	/* GEN_RULE_BUILTIN first */
	size_t nrules;
	struct gen_tls_policy tls_policy;	/* global: inbound direct TLS */
	const struct gen_ns *ns;	/* by gen_ns_lookup() index */
	size_t nns;
	const char *const *ns_entries;	/* element name; NULL: namespace */
	size_t nns_entries;
	const unsigned *text_rules;	/* rule of each text_match() list */
	size_t ntext;
	struct gen_alert alert;
	const struct gen_label_policy *label_policies;
	size_t nlabel_policies;
	/* The rule that denies a stanza whose label is invalid or not of a
	 * policy the guard knows; 0 when the policy has no label policy. */
	unsigned label_rule;
};

extern const struct gen_policy gen_policy;

/*
 * Lookups, generated as ragel machines or tables. Each takes a domain in
 * canonical form (ASCII lower case, no trailing dot) and its length.
 */

/* Returns the index of the peer a stanza to DOMAIN goes to, or -1. */
int gen_route(const char *domain, size_t len);

/*
 * Returns the index of the peer that may originate stanzas from DOMAIN, or
 * -1 if no peer may: the guard uses it to tie an authenticated stream to a
 * peer.
 */
int gen_origin_peer(const char *domain, size_t len);

/* Returns the index in gen_policy.guard.certs of the certificate for DOMAIN,
 * or -1 if the guard does not stand in for DOMAIN. */
int gen_fronted_cert(const char *domain, size_t len);

/* Returns the index in gen_policy.ns of namespace NS[0..len), or -1. */
int gen_ns_lookup(const char *ns, size_t len);

/*
 * The policy's decision about a stanza described by F, which the pipeline
 * has addressed and routed: fills *D with the verdict and the index of the
 * rule that gave it.
 */
void gen_decide(const struct gen_facts *f, struct gen_decision *d);

#endif
