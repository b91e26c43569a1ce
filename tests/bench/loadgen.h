/*
 * loadgen: the types, limits and functions its files share. See
 * loadgen.c for what the program does.
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#define LG_NS_STREAM	"http://etherx.jabber.org/streams"
#define LG_NS_TLS	"urn:ietf:params:xml:ns:xmpp-tls"
#define LG_NS_SASL	"urn:ietf:params:xml:ns:xmpp-sasl"

#define LG_RECORD	16384		/* plaintext bytes in a full TLS record */
#define LG_READ_MIN	16384		/* free space wanted before a read */
#define LG_IN_MAX	(1024 * 1024)	/* largest element buffered */
#define LG_OUT_BEHIND	(1024 * 1024)	/* rate mode: backlog that counts as late */
#define LG_TURN		(256 * 1024)	/* bytes one connection moves per turn */
#define LG_NEGOTIATING	64		/* source streams negotiating at once */
#define LG_HIST_BITS	6		/* latency buckets: 1/64 relative width */
#define LG_HIST_BUCKETS	(64 << LG_HIST_BITS)	/* to 2^64 us, more than enough */
#define LG_ID_DIGITS	10
/* Labels of --labels, at most, and the longest one in base64. */
#define LG_LABELS	256
#define LG_LABEL_MAX	1024
#define LG_TS_DIGITS	20

#define LG_SEC		1000000000ULL
#define LG_CONNECT_NS	(30 * LG_SEC)	/* all source streams authenticated */
#define LG_PRIME_NS	(10 * LG_SEC)	/* first stanzas through the path */
#define LG_DRAIN_NS	(5 * LG_SEC)	/* stanzas in flight at the end */

enum lg_role {
	LG_SOURCE,
	LG_SINK
};

/* Where a stream is in its negotiation; the comment says what it awaits. */
enum lg_state {
	LG_CONNECTING,		/* source: TCP connect */
	LG_FEATURES_TLS,	/* source: features offering STARTTLS */
	LG_PROCEED,		/* source: <proceed/> */
	LG_HANDSHAKE,		/* both: the TLS handshake */
	LG_FEATURES_SASL,	/* source: features offering EXTERNAL */
	LG_SASL_RESULT,		/* source: <success/> */
	LG_FEATURES_END,	/* source: features of the authenticated stream */
	LG_HEADER_PLAIN,	/* sink: the first stream header */
	LG_STARTTLS,		/* sink: <starttls/> */
	LG_HEADER_TLS,		/* sink: the stream header over TLS */
	LG_AUTH,		/* sink: <auth mechanism='EXTERNAL'> */
	LG_HEADER_AUTHED,	/* sink: the header of the authenticated stream */
	LG_READY		/* stanzas flow */
};

enum lg_phase {
	LG_PH_CONNECT,		/* source streams negotiate */
	LG_PH_PRIME,		/* one stanza per stream opens the path */
	LG_PH_WARMUP,		/* load runs, nothing is counted */
	LG_PH_MEASURE,		/* load runs and is counted */
	LG_PH_DRAIN,		/* no more load; in-flight stanzas arrive */
	LG_PH_HOLD		/* idle mode: streams are held */
};

/* What the stanza splitter found. */
enum lg_event {
	LG_EV_MORE,		/* the buffer ends inside a tag: read more */
	LG_EV_OPEN,		/* the stream header */
	LG_EV_ELEMENT,		/* a complete top-level element */
	LG_EV_CLOSE,		/* the stream's end tag */
	LG_EV_ERROR
};

/* Offsets into a connection's input buffer, so that a tag may span reads. */
struct lg_scan {
	size_t pos;		/* next byte to examine */
	size_t elem;		/* where the current top-level element starts */
	int depth;		/* 0 before the stream header, 1 between stanzas */
};

struct lg_conn {
	int fd;
	SSL *ssl;		/* NULL until STARTTLS */
	enum lg_role role;
	enum lg_state state;
	unsigned id;
	char *in;		/* received plaintext */
	size_t inlen;
	size_t incap;
	struct lg_scan scan;
	char *out;		/* plaintext waiting to be written */
	size_t outoff;
	size_t outlen;
	size_t outcap;
	int primed;		/* source: its PRIME stanza is queued */
	int runnable;
	struct lg_conn *next_run;
};

struct lg_opts {
	const char *listen;	/* sink role: HOST:PORT, or NULL */
	const char *connect;	/* source role: HOST:PORT, or NULL */
	const char *ca;
	const char *source_cert, *source_key;
	const char *sink_cert, *sink_key;
	const char *from, *to;	/* the source's and the sink's domains */
	unsigned streams;
	double rate;		/* stanzas per second, 0: as fast as possible */
	double warmup, duration, hold;
	unsigned tick_us;
	size_t size;
	int idle;
	const char *labels;	/* file of ESS labels in base64, or NULL */
};

struct lg {
	struct lg_opts o;
	int ep;
	int lfd;		/* listening socket, or -1 */
	int tfd;		/* rate timer, or -1 */
	SSL_CTX *client;	/* source role */
	SSL_CTX *server;	/* sink role */
	struct sockaddr_in dest;
	struct lg_conn **conns;
	size_t nconns;
	size_t capconns;
	struct lg_conn *run_head;
	enum lg_phase phase;
	uint64_t t_phase;	/* when the current phase began */
	uint64_t t_load;	/* when the load began */
	uint64_t t_end;		/* how long the measurement lasted */
	unsigned opened, ready, next_id;
	uint64_t sent;		/* message stanzas queued by sources */
	uint64_t sent_base;	/* rate mode: sent when the load began */
	uint64_t received;	/* message stanzas counted by sinks */
	uint64_t rx_begin, rx_end;
	uint64_t returned;	/* elements the path sent back to sources */
	uint64_t other;		/* non-message elements at sinks */
	uint64_t late;		/* rate mode: stanzas skipped for backlog */
	uint64_t latency_max;
	uint64_t hist_n;
	uint64_t hist[LG_HIST_BUCKETS];
	double cpu_begin, cpu_end;
	/* Messages, NTMPL of TMPL_LEN bytes each (one per label, else one),
	 * sent in turn; id and time written in place. */
	char *tmpl;
	size_t ntmpl, tmpl_len, id_off, ts_off;
	unsigned rr;		/* rate mode: next stream to get a remainder */
};

/* A tag for the listening socket among epoll's pointers (loadgen.c). */
extern char lg_listen_tag;

/* loadgen.c: the process, the clock and the run. */
uint64_t lg_now(void);
void lg_die(const char *fmt, ...);
int lg_parse_addr(const char *s, struct sockaddr_in *sin);

/* loadgen_conn.c: a connection's buffers, I/O and turn on the loop. */
int lg_fail(const struct lg_conn *c, const char *fmt, ...);
char *lg_out_reserve(struct lg_conn *c, size_t n);
void lg_send(struct lg_conn *c, const char *s);
void lg_runnable(struct lg *lg, struct lg_conn *c);
int lg_flush(struct lg_conn *c, size_t *moved);
int lg_conn_run(struct lg *lg, struct lg_conn *c);
struct lg_conn *lg_conn_new(struct lg *lg, int fd, enum lg_role role);

/* loadgen_scan.c: the stanza splitter and tag helpers. */
enum lg_event lg_scan_next(struct lg_scan *s, const char *buf, size_t len,
    size_t *start, size_t *end);
int lg_is(const char *buf, size_t start, size_t end, const char *name);
int lg_has(const char *buf, size_t start, size_t end, const char *s);
int lg_attr(const char *buf, size_t start, size_t end, const char *name,
    char *val, size_t size);

/* loadgen_hist.c: the latency histogram. */
void lg_latency(struct lg *lg, const char *buf, size_t start, size_t end,
    uint64_t now);
double lg_quantile(const struct lg *lg, double q);

/* loadgen_source.c: the source role. */
void lg_template(struct lg *lg);
void lg_source_header(struct lg *lg, struct lg_conn *c);
int lg_source_event(struct lg *lg, struct lg_conn *c, enum lg_event ev,
    size_t start, size_t end);
int lg_connected(struct lg *lg, struct lg_conn *c);
int lg_refill(struct lg *lg, struct lg_conn *c);
void lg_open_sources(struct lg *lg);
void lg_tick(struct lg *lg);
void lg_timer(struct lg *lg, uint64_t period_ns);

/* loadgen_sink.c: the sink role. */
int lg_sink_event(struct lg *lg, struct lg_conn *c, enum lg_event ev,
    size_t start, size_t end);
void lg_accept(struct lg *lg);
void lg_listen(struct lg *lg);

/* loadgen_tls.c: TLS contexts and handshakes. */
SSL_CTX *lg_tls_ctx(const struct lg_opts *o, int server, const char *cert,
    const char *key);
int lg_handshake(struct lg *lg, struct lg_conn *c);

#endif
