/*
 * Internals of the status page: its HTTPS material and client check, an
 * output buffer with a bound, escaping for each format, the snapshot the renderers read, and the renderers.
 * The renderers read only a snapshot, so that a test builds its own.
 */
#ifndef XEDGE_WEB_INT_H
#define XEDGE_WEB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "policy_types.h"
#include "status.h"

struct MHD_Connection;

/* The status page's HTTPS material (web_tls_load), PEM text, each
 * NUL-terminated and owned. */
struct web_tls {
	char *cert;
	char *key;
	char *client_ca;
};

/* TLS 1.2 and 1.3 only, with GnuTLS's usual ciphers and groups. */
#define WEB_TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* Whether the client of HTTPS connection C has a certificate from the
 * client CA (web/https.c): 0, or -1 (logged) for no page. */
int web_tls_client_verified(struct MHD_Connection *c);

/* The most streams and alerts a response lists; the counts are of all. */
#define WEB_STREAMS_MAX 200
#define WEB_ALERTS_MAX 50
/* The most bytes a response may take (a policy's rules are listed whole). */
#define WEB_BODY_MAX ((size_t)4 << 20)

/* A growing response body, at most WEB_BODY_MAX; all-zero is empty. Once
 * an append fails, FAILED is set and later appends do nothing. The owner
 * frees data. */
struct web_buf {
	char *data;
	size_t len;
	size_t cap;
	int failed;
};

void web_putn(struct web_buf *b, const char *s, size_t n);
void web_puts(struct web_buf *b, const char *s);
void web_printf(struct web_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* S with &, <, >, " and ' as HTML character references. */
void web_put_html(struct web_buf *b, const char *s);
/* S as a JSON string, quotes included: control characters, '"', '\',
 * '<', '>' and '&' escaped as \uXXXX or their short forms. */
void web_put_json(struct web_buf *b, const char *s);
/* The same, or null when S is NULL. */
void web_put_json_or_null(struct web_buf *b, const char *s);
/* S as a Prometheus label value, without quotes: '\', '"' and newline
 * escaped. */
void web_put_label(struct web_buf *b, const char *s);

/* Everything a response shows, read at once from the guard. Pointers are
 * borrowed from the guard and valid until the event loop runs again. */
struct web_snapshot {
	const struct gen_policy *policy;
	const char *version;
	const char *site_file;		/* NULL: none */
	uint64_t started_ms;		/* wall clock, ms since the epoch */
	uint64_t now_ms;
	int healthy;
	size_t memory_held;		/* bytes admission counts */
	size_t memory_budget;		/* 0: no bound */
	const struct status_peer *peer_status;	/* per peer, or NULL */
	size_t nstreams;		/* streams alive */
	size_t stream_counts[STATUS_DIRS][STATUS_STATES];
	struct status_stream streams[WEB_STREAMS_MAX];	/* newest first */
	size_t nshown;			/* of them in streams[] */
	struct status_link links[STATUS_LINKS_MAX];	/* a pair's guard's */
	size_t nlinks;
	const uint64_t (*rule_counts)[GEN_VERDICT_COUNT];	/* or NULL */
	struct alert_counters alert_totals;
	const struct alert_record *alerts[WEB_ALERTS_MAX];	/* newest first */
	size_t nalerts;
};

/* Fills S from the running guard; PEERS (one per policy peer, or NULL
 * for none) receives what the guard keeps of its peers. */
void web_snapshot_take(struct web_snapshot *s, const char *site_file,
    struct status_peer *peers);

/* Whether S is healthy: the loop answered, the memory admission counts
 * is within its budget, no peer whose link is required is down, and a
 * pair's guard has its gcxp links up. */
int web_healthy(const struct web_snapshot *s);

/* Whether peer PEER of S has a required link and no ready stream. */
int web_peer_down(const struct web_snapshot *s, size_t peer);

/* The renderers: append S in their format to B; web_render_health is
 * /healthz's text: "ok", or "unhealthy" and a line for each cause. */
void web_render_health(struct web_buf *b, const struct web_snapshot *s);
void web_render_json(struct web_buf *b, const struct web_snapshot *s);
void web_render_metrics(struct web_buf *b, const struct web_snapshot *s);
void web_render_page(struct web_buf *b, const struct web_snapshot *s);

/* The page's own style sheet and script, served as they are. */
extern const char web_page_css[];
extern const char web_page_js[];

/* Streams of peer PEER that are ready, in both directions, all of them
 * (not only those in S's list); 0 without per-peer records. */
size_t web_peer_ready(const struct web_snapshot *s, size_t peer);

#endif
