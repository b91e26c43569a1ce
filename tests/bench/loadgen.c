/*
 * loadgen: XMPP server-to-server load for `make bench`.
 *
 * One process plays both ends of a path through a relay or a guard. The
 * source role dials the path as the sending domain (STARTTLS, SASL EXTERNAL
 * with a client certificate, the stream restarts RFC 6120 asks for) and
 * sends message stanzas of a fixed size, as fast as the path takes them or
 * at a fixed rate. The sink role accepts streams for the receiving domain
 * the same way and counts what arrives. Each message carries its send time
 * from CLOCK_MONOTONIC, which is system-wide, so the sink measures the
 * latency of the path end to end. Idle mode opens authenticated source
 * streams and holds them, so that a script can see what an idle stream
 * costs the guard.
 *
 * Everything runs in one thread on one epoll loop so that the generator
 * stays on the one core it is pinned to: stanzas are written a TLS record
 * at a time, read through a large OpenSSL read-ahead buffer, and no system
 * call is made per stanza. The peers are trusted: the stanza splitter below
 * tracks element depth and nothing else.
 *
 * The last line on standard output is "result key=value ...".
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

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
	char *tmpl;		/* one message; id and time written in place */
	size_t tmpl_len, id_off, ts_off;
	unsigned rr;		/* rate mode: next stream to get a remainder */
};

/* For messages, in the order of enum lg_state. */
static const char *const lg_state_names[] = {
	"connecting", "features-tls", "proceed", "handshake", "features-sasl",
	"sasl-result", "features-end", "header-plain", "starttls",
	"header-tls", "auth", "header-authed", "ready"
};

/* A tag for the listening socket and the timer among epoll's pointers. */
static char lg_listen_tag, lg_timer_tag;

static uint64_t
lg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * LG_SEC + (uint64_t)ts.tv_nsec;
}

static double
lg_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void
lg_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("loadgen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* Reports a failed connection with its OpenSSL errors; returns -1. */
static int
lg_fail(const struct lg_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "loadgen: conn=%u role=%s state=%s: ", c->id,
	    c->role == LG_SOURCE ? "source" : "sink",
	    lg_state_names[c->state]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	ERR_print_errors_fp(stderr);
	return -1;
}

/*
 * Finds the next event in BUF[0..LEN) from S->pos on. For LG_EV_OPEN and
 * LG_EV_ELEMENT, [*START, *END) is the stream header or the element. This
 * is a splitter for trusted peers, not a parser: it follows quotes inside
 * tags and element depth, skips declarations, and believes the rest.
 */
static enum lg_event
lg_scan_next(struct lg_scan *s, const char *buf, size_t len, size_t *start,
    size_t *end)
{
	while (s->pos < len) {
		const char *lt, *p;
		char quote = 0;
		size_t tag, gt;

		if ((lt = memchr(buf + s->pos, '<', len - s->pos)) == NULL) {
			s->pos = len;
			break;
		}
		tag = (size_t)(lt - buf);
		s->pos = tag;
		for (p = lt + 1; p < buf + len; p++) {
			if (quote != 0) {
				if (*p == quote)
					quote = 0;
			} else if (*p == '\'' || *p == '"')
				quote = *p;
			else if (*p == '>')
				break;
		}
		if (p == buf + len)
			break;
		gt = (size_t)(p - buf);
		s->pos = gt + 1;
		if (gt == tag + 1)
			return LG_EV_ERROR;
		if (buf[tag + 1] == '?' || buf[tag + 1] == '!')
			continue;
		if (buf[tag + 1] == '/') {
			if (--s->depth == 1) {
				*start = s->elem;
				*end = s->pos;
				return LG_EV_ELEMENT;
			}
			if (s->depth == 0)
				return LG_EV_CLOSE;
			if (s->depth < 0)
				return LG_EV_ERROR;
			continue;
		}
		if (s->depth == 0) {
			s->depth = 1;
			*start = tag;
			*end = s->pos;
			return LG_EV_OPEN;
		}
		if (s->depth == 1)
			s->elem = tag;
		if (buf[gt - 1] != '/')
			s->depth++;
		else if (s->depth == 1) {
			*start = tag;
			*end = s->pos;
			return LG_EV_ELEMENT;
		}
	}
	return LG_EV_MORE;
}

/* Returns whether the tag at BUF[START..END) has local name NAME. */
static int
lg_is(const char *buf, size_t start, size_t end, const char *name)
{
	const char *p = buf + start + 1, *e = buf + end, *q, *colon;
	size_t len = strlen(name);

	for (q = p; q < e && strchr(" \t\r\n/>", *q) == NULL; q++)
		;
	if ((colon = memchr(p, ':', (size_t)(q - p))) != NULL)
		p = colon + 1;
	return (size_t)(q - p) == len && memcmp(p, name, len) == 0;
}

static int
lg_has(const char *buf, size_t start, size_t end, const char *s)
{
	return memmem(buf + start, end - start, s, strlen(s)) != NULL;
}

/*
 * Copies the value of attribute NAME of the tag at BUF[START..END) into
 * VAL (SIZE bytes, NUL-terminated). Returns 0, or -1 if it is absent or
 * too long.
 */
static int
lg_attr(const char *buf, size_t start, size_t end, const char *name,
    char *val, size_t size)
{
	const char *p = buf + start, *e = buf + end, *q;
	size_t len = strlen(name);

	while ((q = memmem(p, (size_t)(e - p), name, len)) != NULL) {
		p = q + len;
		if (q > buf + start && strchr(" \t\r\n", q[-1]) != NULL &&
		    p + 1 < e && *p == '=' && (p[1] == '\'' || p[1] == '"')) {
			const char *v = p + 2, *ve = memchr(v, p[1],
			    (size_t)(e - v));

			if (ve == NULL || (size_t)(ve - v) >= size)
				return -1;
			memcpy(val, v, (size_t)(ve - v));
			val[ve - v] = '\0';
			return 0;
		}
	}
	return -1;
}

/* Makes room for N more bytes of output. Exits when out of memory. */
static char *
lg_out_reserve(struct lg_conn *c, size_t n)
{
	if (c->outoff > 0) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	if (c->outcap - c->outlen < n) {
		size_t cap = c->outcap ? c->outcap : 1024;

		while (cap - c->outlen < n)
			cap *= 2;
		if ((c->out = realloc(c->out, cap)) == NULL)
			lg_die("out of memory");
		c->outcap = cap;
	}
	return c->out + c->outlen;
}

static void
lg_send(struct lg_conn *c, const char *s)
{
	size_t n = strlen(s);

	memcpy(lg_out_reserve(c, n), s, n);
	c->outlen += n;
}

static void
lg_digits(char *p, size_t width, uint64_t v)
{
	while (width-- > 0) {
		p[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Queues N message stanzas stamped with the current time on source C. */
static void
lg_send_messages(struct lg *lg, struct lg_conn *c, size_t n)
{
	uint64_t now = lg_now();
	char *p = lg_out_reserve(c, n * lg->tmpl_len);
	size_t i;

	for (i = 0; i < n; i++, p += lg->tmpl_len) {
		memcpy(p, lg->tmpl, lg->tmpl_len);
		lg_digits(p + lg->id_off, LG_ID_DIGITS, ++lg->sent);
		lg_digits(p + lg->ts_off, LG_TS_DIGITS, now);
	}
	c->outlen += n * lg->tmpl_len;
}

/*
 * Builds the message template: opts.size bytes (or the smallest message
 * that carries an id and a time stamp), padded with words in the body.
 */
static void
lg_template(struct lg *lg)
{
	static const char words[] = "lorem ipsum dolor sit amet ";
	char head[512];
	const char *tail = "</body></message>";
	int n;
	size_t pad, i;

	n = snprintf(head, sizeof(head), "<message from='user@%s/r' "
	    "to='user@%s/r' type='chat' id='%0*d'><body>ts:%0*d ",
	    lg->o.from, lg->o.to, LG_ID_DIGITS, 0, LG_TS_DIGITS, 0);
	if (n < 0 || (size_t)n >= sizeof(head))
		lg_die("domain names too long");
	lg->tmpl_len = (size_t)n + strlen(tail);
	pad = lg->o.size > lg->tmpl_len ? lg->o.size - lg->tmpl_len : 0;
	lg->tmpl_len += pad;
	if ((lg->tmpl = malloc(lg->tmpl_len)) == NULL)
		lg_die("out of memory");
	memcpy(lg->tmpl, head, (size_t)n);
	for (i = 0; i < pad; i++)
		lg->tmpl[(size_t)n + i] = words[i % (sizeof(words) - 1)];
	memcpy(lg->tmpl + n + pad, tail, strlen(tail));
	lg->id_off = (size_t)(strstr(head, "id='") - head) + 4;
	lg->ts_off = (size_t)(strstr(head, "ts:") - head) + 3;
}

/*
 * Latency buckets are exact below 2 * 2^LG_HIST_BITS us; above, each
 * power of two is split in 2^LG_HIST_BITS buckets, so that a bucket is
 * never wider than 1/64 of its values (16 us at 1 ms) and a few thousand
 * cover any latency.
 */
static size_t
lg_bucket(uint64_t us)
{
	unsigned e;

	if (us < (2u << LG_HIST_BITS))
		return (size_t)us;
	e = 63u - (unsigned)__builtin_clzll(us);
	return ((size_t)(e - LG_HIST_BITS) << LG_HIST_BITS) +
	    (size_t)(us >> (e - LG_HIST_BITS));
}

/* Returns the smallest latency in bucket B, the inverse of lg_bucket. */
static uint64_t
lg_bucket_floor(size_t b)
{
	unsigned e;

	if (b < (2u << LG_HIST_BITS))
		return b;
	e = (unsigned)(b >> LG_HIST_BITS) + LG_HIST_BITS - 1;
	return ((uint64_t)(b & ((1u << LG_HIST_BITS) - 1)) |
	    (1u << LG_HIST_BITS)) << (e - LG_HIST_BITS);
}

/* Records a latency sample from the message at BUF[START..END). */
static void
lg_latency(struct lg *lg, const char *buf, size_t start, size_t end,
    uint64_t now)
{
	const char *p = memmem(buf + start, end - start, "ts:", 3);
	uint64_t ts = 0, us;
	size_t i;

	if (p == NULL || (size_t)(buf + end - p) < 3 + LG_TS_DIGITS)
		return;
	for (i = 0; i < LG_TS_DIGITS; i++)
		ts = ts * 10 + (uint64_t)(p[3 + i] - '0');
	us = now > ts ? (now - ts) / 1000 : 0;
	if (us > lg->latency_max)
		lg->latency_max = us;
	lg->hist[lg_bucket(us)]++;
	lg->hist_n++;
}

/*
 * Returns the Q quantile of the latency histogram: the lower bound of the
 * bucket it falls in, in microseconds.
 */
static double
lg_quantile(const struct lg *lg, double q)
{
	uint64_t want = (uint64_t)(q * (double)lg->hist_n), seen = 0;
	size_t i;

	for (i = 0; i < LG_HIST_BUCKETS; i++) {
		seen += lg->hist[i];
		if (seen > want)
			return (double)lg_bucket_floor(i);
	}
	return 0;
}

static void
lg_runnable(struct lg *lg, struct lg_conn *c)
{
	if (c->runnable)
		return;
	c->runnable = 1;
	c->next_run = lg->run_head;
	lg->run_head = c;
}

/* Queues a stream header in reply to the initiator's header. */
static int
lg_sink_header(struct lg *lg, struct lg_conn *c, size_t start, size_t end,
    const char *features)
{
	char from[256], to[256], reply[1024];

	if (!lg_is(c->in, start, end, "stream"))
		return lg_fail(c, "expected a stream header");
	if (lg_attr(c->in, start, end, "to", to, sizeof(to)) == 0 &&
	    strcmp(to, lg->o.to) != 0) {
		lg_send(c, "<stream:error><host-unknown xmlns='urn:ietf:"
		    "params:xml:ns:xmpp-streams'/></stream:error>");
		return lg_fail(c, "stream to %s, not %s", to, lg->o.to);
	}
	if (lg_attr(c->in, start, end, "from", from, sizeof(from)) == -1)
		from[0] = '\0';
	snprintf(reply, sizeof(reply), "<?xml version='1.0'?><stream:stream "
	    "xmlns='jabber:server' xmlns:stream='" LG_NS_STREAM "' "
	    "from='%s'%s%s%s id='lg%u-%d' version='1.0'>%s", lg->o.to,
	    from[0] ? " to='" : "", from, from[0] ? "'" : "", c->id,
	    (int)c->state, features);
	lg_send(c, reply);
	return 0;
}

/* Advances a sink's negotiation on one event. Returns 0 or -1. */
static int
lg_sink_event(struct lg *lg, struct lg_conn *c, enum lg_event ev,
    size_t start, size_t end)
{
	if ((c->state == LG_HEADER_PLAIN || c->state == LG_HEADER_TLS ||
	    c->state == LG_HEADER_AUTHED) != (ev == LG_EV_OPEN))
		return lg_fail(c, "unexpected %.*s", (int)(end - start),
		    c->in + start);
	switch (c->state) {
	case LG_HEADER_PLAIN:
		c->state = LG_STARTTLS;
		return lg_sink_header(lg, c, start, end, "<stream:features>"
		    "<starttls xmlns='" LG_NS_TLS "'><required/></starttls>"
		    "</stream:features>");
	case LG_STARTTLS:
		if (!lg_is(c->in, start, end, "starttls"))
			return lg_fail(c, "expected <starttls/>");
		lg_send(c, "<proceed xmlns='" LG_NS_TLS "'/>");
		c->state = LG_HANDSHAKE;
		return 0;
	case LG_HEADER_TLS:
		c->state = LG_AUTH;
		return lg_sink_header(lg, c, start, end, "<stream:features>"
		    "<mechanisms xmlns='" LG_NS_SASL "'><mechanism>EXTERNAL"
		    "</mechanism></mechanisms></stream:features>");
	case LG_AUTH:
		/* The handshake demanded a verified certificate already. */
		if (!lg_is(c->in, start, end, "auth") ||
		    !lg_has(c->in, start, end, "EXTERNAL"))
			return lg_fail(c, "expected SASL EXTERNAL");
		lg_send(c, "<success xmlns='" LG_NS_SASL "'/>");
		c->scan.depth = 0;
		c->state = LG_HEADER_AUTHED;
		return 0;
	case LG_HEADER_AUTHED:
		c->state = LG_READY;
		return lg_sink_header(lg, c, start, end, "<stream:features/>");
	default:
		return lg_fail(c, "internal error: sink state");
	}
}

static void
lg_source_header(struct lg *lg, struct lg_conn *c)
{
	char h[512];

	snprintf(h, sizeof(h), "<stream:stream xmlns='jabber:server' "
	    "xmlns:stream='" LG_NS_STREAM "' from='%s' to='%s' "
	    "version='1.0'>", lg->o.from, lg->o.to);
	lg_send(c, h);
}

/* Advances a source's negotiation on one event. Returns 0 or -1. */
static int
lg_source_event(struct lg *lg, struct lg_conn *c, enum lg_event ev,
    size_t start, size_t end)
{
	char auth[512];
	unsigned char b64[256];

	if (ev == LG_EV_OPEN)
		return 0;
	if (lg_is(c->in, start, end, "failure"))
		return lg_fail(c, "%.*s", (int)(end - start), c->in + start);
	switch (c->state) {
	case LG_FEATURES_TLS:
		if (!lg_is(c->in, start, end, "features") ||
		    !lg_has(c->in, start, end, "starttls"))
			return lg_fail(c, "no STARTTLS offered");
		lg_send(c, "<starttls xmlns='" LG_NS_TLS "'/>");
		c->state = LG_PROCEED;
		return 0;
	case LG_PROCEED:
		if (!lg_is(c->in, start, end, "proceed"))
			return lg_fail(c, "expected <proceed/>");
		c->state = LG_HANDSHAKE;
		return 0;
	case LG_FEATURES_SASL:
		if (!lg_is(c->in, start, end, "features") ||
		    !lg_has(c->in, start, end, "EXTERNAL"))
			return lg_fail(c, "no SASL EXTERNAL offered");
		if (strlen(lg->o.from) > 180)
			return lg_fail(c, "domain name too long");
		EVP_EncodeBlock(b64, (const unsigned char *)lg->o.from,
		    (int)strlen(lg->o.from));
		snprintf(auth, sizeof(auth), "<auth xmlns='" LG_NS_SASL "' "
		    "mechanism='EXTERNAL'>%s</auth>", b64);
		lg_send(c, auth);
		c->state = LG_SASL_RESULT;
		return 0;
	case LG_SASL_RESULT:
		if (!lg_is(c->in, start, end, "success"))
			return lg_fail(c, "expected SASL <success/>");
		c->scan.depth = 0;
		lg_source_header(lg, c);
		c->state = LG_FEATURES_END;
		return 0;
	case LG_FEATURES_END:
		if (!lg_is(c->in, start, end, "features"))
			return lg_fail(c, "expected stream features");
		c->state = LG_READY;
		lg->ready++;
		return 0;
	default:
		return lg_fail(c, "internal error: source state");
	}
}

/*
 * Splits what C has received into events and acts on them, then drops
 * the bytes no longer needed. Returns 0 or -1.
 */
static int
lg_dispatch(struct lg *lg, struct lg_conn *c)
{
	enum lg_event ev;
	size_t start = 0, end = 0, keep;
	uint64_t now = 0;

	while ((ev = lg_scan_next(&c->scan, c->in, c->inlen, &start,
	    &end)) != LG_EV_MORE) {
		if (ev == LG_EV_ERROR)
			return lg_fail(c, "malformed XML");
		if (ev == LG_EV_CLOSE)
			return lg_fail(c, "the peer closed the stream");
		if (ev == LG_EV_ELEMENT && lg_is(c->in, start, end, "error"))
			return lg_fail(c, "%.*s", (int)(end - start),
			    c->in + start);
		if (c->state != LG_READY) {
			if ((c->role == LG_SOURCE ? lg_source_event(lg, c, ev,
			    start, end) : lg_sink_event(lg, c, ev, start,
			    end)) == -1)
				return -1;
			if (c->state == LG_HANDSHAKE) {
				/* TLS begins; nothing may follow in clear. */
				c->inlen = 0;
				memset(&c->scan, 0, sizeof(c->scan));
				return 0;
			}
		} else if (c->role == LG_SOURCE)
			lg->returned++;
		else if (lg_is(c->in, start, end, "message")) {
			lg->received++;
			if (lg->phase == LG_PH_MEASURE) {
				if (now == 0)
					now = lg_now();
				lg_latency(lg, c->in, start, end, now);
			}
		} else
			lg->other++;
	}
	keep = c->scan.depth >= 2 ? c->scan.elem : c->scan.pos;
	if (keep == c->inlen) {
		c->inlen = 0;
		c->scan.pos = 0;
	} else if (keep > 0 && c->incap - c->inlen < LG_READ_MIN) {
		memmove(c->in, c->in + keep, c->inlen - keep);
		c->inlen -= keep;
		c->scan.pos -= keep;
		if (c->scan.depth >= 2)
			c->scan.elem -= keep;
	}
	return 0;
}

/*
 * Reads what is available into C->in. Returns the bytes read, 0 when
 * nothing is available now, or -1 on error or end of stream.
 */
static long
lg_read(struct lg_conn *c)
{
	long n;
	int err;

	if (c->incap - c->inlen < LG_READ_MIN) {
		size_t cap = c->incap ? c->incap : LG_READ_MIN;

		while (cap - c->inlen < LG_READ_MIN)
			cap *= 2;
		if (cap > LG_IN_MAX)
			return lg_fail(c, "element larger than %d bytes",
			    LG_IN_MAX);
		if ((c->in = realloc(c->in, cap)) == NULL)
			lg_die("out of memory");
		c->incap = cap;
	}
	if (c->ssl == NULL) {
		n = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n == -1)
			return lg_fail(c, "read: %s", strerror(errno));
		if (n == 0)
			return lg_fail(c, "the peer closed the connection");
	} else {
		n = SSL_read(c->ssl, c->in + c->inlen,
		    (int)(c->incap - c->inlen));
		if (n <= 0) {
			err = SSL_get_error(c->ssl, (int)n);
			if (err == SSL_ERROR_WANT_READ ||
			    err == SSL_ERROR_WANT_WRITE)
				return 0;
			return lg_fail(c, "TLS read failed (error %d, %s)",
			    err, strerror(errno));
		}
	}
	c->inlen += (size_t)n;
	return n;
}

/*
 * Writes pending output, a TLS record at most per call so that records
 * stay whole. A retried SSL_write is given the same bytes and at least
 * the same length, as OpenSSL requires. Returns 1 when everything is
 * written, 0 when the socket is full, -1 on error; adds to *MOVED.
 */
static int
lg_flush(struct lg_conn *c, size_t *moved)
{
	while (c->outoff < c->outlen) {
		size_t len = c->outlen - c->outoff;
		long n;

		if (c->ssl == NULL) {
			n = write(c->fd, c->out + c->outoff, len);
			if (n == -1 && (errno == EAGAIN || errno == EINTR))
				return 0;
			if (n == -1)
				return lg_fail(c, "write: %s", strerror(errno));
		} else {
			if (len > LG_RECORD)
				len = LG_RECORD;
			n = SSL_write(c->ssl, c->out + c->outoff, (int)len);
			if (n <= 0) {
				int err = SSL_get_error(c->ssl, (int)n);

				if (err == SSL_ERROR_WANT_WRITE ||
				    err == SSL_ERROR_WANT_READ)
					return 0;
				return lg_fail(c, "TLS write failed "
				    "(error %d, %s)", err, strerror(errno));
			}
		}
		c->outoff += (size_t)n;
		*moved += (size_t)n;
	}
	c->outoff = c->outlen = 0;
	return 1;
}

/* Runs C's TLS handshake. Returns 1 when done, 0 to wait, -1 on error. */
static int
lg_handshake(struct lg *lg, struct lg_conn *c)
{
	int r, err;

	if (c->ssl == NULL) {
		c->ssl = SSL_new(c->role == LG_SOURCE ? lg->client :
		    lg->server);
		if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
			return lg_fail(c, "SSL_new");
		if (c->role == LG_SOURCE) {
			if (SSL_set_tlsext_host_name(c->ssl, lg->o.to) != 1 ||
			    SSL_set1_host(c->ssl, lg->o.to) != 1)
				return lg_fail(c, "SNI");
			SSL_set_connect_state(c->ssl);
		} else
			SSL_set_accept_state(c->ssl);
	}
	if ((r = SSL_do_handshake(c->ssl)) == 1) {
		if (c->role == LG_SOURCE) {
			lg_source_header(lg, c);
			c->state = LG_FEATURES_SASL;
		} else
			c->state = LG_HEADER_TLS;
		return 1;
	}
	err = SSL_get_error(c->ssl, r);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
		return 0;
	return lg_fail(c, "TLS handshake failed (verify: %s)",
	    X509_verify_cert_error_string(SSL_get_verify_result(c->ssl)));
}

/* Returns 1 once C's TCP connect has completed, 0 to wait, -1 on error. */
static int
lg_connected(struct lg *lg, struct lg_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return lg_fail(c, "getsockopt: %s", strerror(errno));
	if (err == 0 && connect(c->fd, (struct sockaddr *)&lg->dest,
	    sizeof(lg->dest)) == -1) {
		if (errno == EALREADY || errno == EINPROGRESS)
			return 0;
		if (errno != EISCONN)
			err = errno;
	}
	if (err != 0)
		return lg_fail(c, "connect %s: %s", lg->o.connect,
		    strerror(err));
	lg_source_header(lg, c);
	c->state = LG_FEATURES_TLS;
	return 1;
}

/* Queues a source's next stanzas when the phase calls for them. */
static int
lg_refill(struct lg *lg, struct lg_conn *c)
{
	if (c->role != LG_SOURCE || c->state != LG_READY || lg->o.idle)
		return 0;
	if (lg->phase == LG_PH_PRIME && !c->primed) {
		c->primed = 1;
		lg_send_messages(lg, c, 1);
		return 1;
	}
	if (lg->o.rate == 0 && (lg->phase == LG_PH_WARMUP ||
	    lg->phase == LG_PH_MEASURE)) {
		size_t n = LG_RECORD / lg->tmpl_len;

		lg_send_messages(lg, c, n > 0 ? n : 1);
		return 1;
	}
	return 0;
}

/*
 * Moves C along as far as its socket allows, up to LG_TURN bytes so that
 * one busy stream does not starve the others; a connection stopped by
 * that bound stays runnable. Edge-triggered epoll needs every stream
 * either to hit EAGAIN both ways or to stay runnable. Returns 0 or -1.
 */
static int
lg_conn_run(struct lg *lg, struct lg_conn *c)
{
	size_t moved = 0;
	int progress, r;
	long n;

	if (c->state == LG_CONNECTING && (r = lg_connected(lg, c)) != 1)
		return r;
	do {
		progress = 0;
		if ((r = lg_flush(c, &moved)) == -1)
			return -1;
		if (c->state == LG_HANDSHAKE) {
			/* A sink's <proceed/> must leave before TLS starts. */
			if (r == 0)
				return 0;
			if ((r = lg_handshake(lg, c)) != 1)
				return r;
			progress = 1;
			continue;
		}
		if (r == 1 && lg_refill(lg, c))
			progress = 1;
		if ((n = lg_read(c)) == -1)
			return -1;
		if (n > 0) {
			moved += (size_t)n;
			progress = 1;
			if (lg_dispatch(lg, c) == -1)
				return -1;
		}
	} while (progress && moved < LG_TURN);
	if (progress)
		lg_runnable(lg, c);
	return 0;
}

static int
lg_parse_addr(const char *s, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port <= 0 || port > 65535)
		return -1;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -1;
}

/* Takes ownership of FD as a new connection in ROLE. */
static struct lg_conn *
lg_conn_new(struct lg *lg, int fd, enum lg_role role)
{
	struct lg_conn *c;
	struct epoll_event ev;
	int one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		lg_die("out of memory");
	c->fd = fd;
	c->role = role;
	c->id = lg->next_id++;
	c->state = role == LG_SOURCE ? LG_CONNECTING : LG_HEADER_PLAIN;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1)
		lg_die("TCP_NODELAY: %s", strerror(errno));
	ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
	ev.data.ptr = c;
	if (epoll_ctl(lg->ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		lg_die("epoll_ctl: %s", strerror(errno));
	if (lg->nconns == lg->capconns) {
		lg->capconns = lg->capconns ? lg->capconns * 2 : 64;
		lg->conns = realloc(lg->conns, lg->capconns *
		    sizeof(*lg->conns));
		if (lg->conns == NULL)
			lg_die("out of memory");
	}
	lg->conns[lg->nconns++] = c;
	lg_runnable(lg, c);
	return c;
}

/* Opens source streams while fewer than LG_NEGOTIATING are negotiating. */
static void
lg_open_sources(struct lg *lg)
{
	while (lg->opened < lg->o.streams &&
	    lg->opened - lg->ready < LG_NEGOTIATING) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);

		if (fd == -1)
			lg_die("socket: %s", strerror(errno));
		if (connect(fd, (struct sockaddr *)&lg->dest,
		    sizeof(lg->dest)) == -1 && errno != EINPROGRESS)
			lg_die("connect %s: %s", lg->o.connect,
			    strerror(errno));
		lg_conn_new(lg, fd, LG_SOURCE);
		lg->opened++;
	}
}

static void
lg_accept(struct lg *lg)
{
	int fd;

	while ((fd = accept4(lg->lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1)
		lg_conn_new(lg, fd, LG_SINK);
	if (errno != EAGAIN && errno != EINTR)
		lg_die("accept: %s", strerror(errno));
}

/* Rate mode: queues the stanzas due since the load began, spread evenly. */
static void
lg_tick(struct lg *lg)
{
	uint64_t expirations, due, todo, share, extra, late = 0;
	size_t i;
	unsigned k;

	if (read(lg->tfd, &expirations, sizeof(expirations)) == -1 &&
	    errno != EAGAIN)
		lg_die("timerfd: %s", strerror(errno));
	if (lg->phase != LG_PH_WARMUP && lg->phase != LG_PH_MEASURE)
		return;
	due = lg->sent_base + (uint64_t)((double)(lg_now() - lg->t_load) *
	    lg->o.rate / 1e9);
	if (due <= lg->sent + lg->late)
		return;
	todo = due - (lg->sent + lg->late);
	share = todo / lg->o.streams;
	extra = todo % lg->o.streams;
	for (i = 0, k = 0; i < lg->nconns; i++) {
		struct lg_conn *c = lg->conns[i];
		uint64_t n;

		if (c->role != LG_SOURCE)
			continue;
		n = share + ((k++ + lg->o.streams - lg->rr) %
		    lg->o.streams < extra);
		if (n == 0)
			continue;
		if (c->outlen - c->outoff > LG_OUT_BEHIND)
			late += n;
		else
			lg_send_messages(lg, c, n);
		lg_runnable(lg, c);
	}
	lg->late += late;
	lg->rr = (unsigned)((lg->rr + extra) % lg->o.streams);
}

static void
lg_timer(struct lg *lg, uint64_t period_ns)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = (time_t)(period_ns / LG_SEC);
	its.it_interval.tv_nsec = (long)(period_ns % LG_SEC);
	its.it_value = its.it_interval;
	if (timerfd_settime(lg->tfd, 0, &its, NULL) == -1)
		lg_die("timerfd_settime: %s", strerror(errno));
}

static void
lg_phase(struct lg *lg, enum lg_phase phase, uint64_t now)
{
	size_t i;

	lg->phase = phase;
	lg->t_phase = now;
	for (i = 0; i < lg->nconns; i++)
		lg_runnable(lg, lg->conns[i]);
}

/*
 * Moves the run through its phases by the clock and the counters.
 * Returns 1 when the run is over, 0 to go on; exits when a phase does not
 * complete in time.
 */
static int
lg_advance(struct lg *lg)
{
	uint64_t now = lg_now(), elapsed = now - lg->t_phase;

	switch (lg->phase) {
	case LG_PH_CONNECT:
		lg_open_sources(lg);
		if (lg->ready == lg->o.streams) {
			if (lg->o.idle) {
				printf("ready streams=%u seconds=%.3f\n",
				    lg->ready, (double)elapsed / 1e9);
				fflush(stdout);
				lg_phase(lg, LG_PH_HOLD, now);
			} else
				lg_phase(lg, LG_PH_PRIME, now);
		} else if (elapsed > LG_CONNECT_NS)
			lg_die("only %u of %u source streams authenticated "
			    "in %llu s", lg->ready, lg->o.streams,
			    LG_CONNECT_NS / LG_SEC);
		return 0;
	case LG_PH_PRIME:
		if (lg->received >= lg->o.streams) {
			lg->sent_base = lg->sent;
			lg->t_load = now;
			lg_phase(lg, LG_PH_WARMUP, now);
			if (lg->tfd != -1)
				lg_timer(lg, (uint64_t)lg->o.tick_us * 1000);
		} else if (elapsed > LG_PRIME_NS)
			lg_die("%" PRIu64 " of %u first stanzas reached the "
			    "sink in %llu s", lg->received, lg->o.streams,
			    LG_PRIME_NS / LG_SEC);
		return 0;
	case LG_PH_WARMUP:
		if ((double)elapsed >= lg->o.warmup * 1e9) {
			lg->rx_begin = lg->received;
			lg->cpu_begin = lg_cpu();
			lg_phase(lg, LG_PH_MEASURE, now);
		}
		return 0;
	case LG_PH_MEASURE:
		if ((double)elapsed >= lg->o.duration * 1e9) {
			lg->rx_end = lg->received;
			lg->cpu_end = lg_cpu();
			lg->t_end = elapsed;
			lg_phase(lg, LG_PH_DRAIN, now);
		}
		return 0;
	case LG_PH_DRAIN:
		return lg->received >= lg->sent || elapsed > LG_DRAIN_NS;
	case LG_PH_HOLD:
		return (double)elapsed >= lg->o.hold * 1e9;
	}
	return 1;
}

static SSL_CTX *
lg_tls_ctx(const struct lg_opts *o, int server, const char *cert,
    const char *key)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() :
	    TLS_client_method());

	if (ctx == NULL)
		lg_die("SSL_CTX_new");
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		lg_die("certificate %s", cert);
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		lg_die("key %s", key);
	if (SSL_CTX_load_verify_locations(ctx, o->ca, NULL) != 1)
		lg_die("CA %s", o->ca);
	SSL_CTX_set_verify(ctx, server ? SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER, NULL);
	if (server) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(o->ca);

		if (names == NULL)
			lg_die("CA %s", o->ca);
		SSL_CTX_set_client_CA_list(ctx, names);
		/* Streams are never resumed: spare the path the tickets. */
		SSL_CTX_set_num_tickets(ctx, 0);
	}
	/* Read-ahead lets one read(2) bring in several records. */
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_default_read_buffer_len(ctx, 4 * LG_RECORD);
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	return ctx;
}

static void
lg_usage(void)
{
	fputs("usage: loadgen [--listen HOST:PORT] [--connect HOST:PORT] "
	    "--ca FILE\n"
	    "\t[--source-cert FILE --source-key FILE] "
	    "[--sink-cert FILE --sink-key FILE]\n"
	    "\t[--from a.example] [--to b.example] [--streams N] "
	    "[--size BYTES]\n"
	    "\t[--rate STANZAS_PER_S [--tick-us US]] [--warmup S] "
	    "[--duration S]\n"
	    "\t[--idle HOLD_S]\n"
	    "Both --listen and --connect run a measurement; --connect with "
	    "--idle holds\nauthenticated idle streams.\n", stderr);
	exit(2);
}

static double
lg_number(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*end != '\0' || v < 0)
		lg_usage();
	return v;
}

static void
lg_options(struct lg_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "connect", required_argument, NULL, 'c' },
		{ "ca", required_argument, NULL, 'C' },
		{ "source-cert", required_argument, NULL, 'a' },
		{ "source-key", required_argument, NULL, 'A' },
		{ "sink-cert", required_argument, NULL, 'b' },
		{ "sink-key", required_argument, NULL, 'B' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "streams", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'r' },
		{ "tick-us", required_argument, NULL, 'T' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "idle", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	o->from = "a.example";
	o->to = "b.example";
	o->streams = 1;
	o->size = 500;
	o->tick_us = 100;
	o->warmup = 1;
	o->duration = 5;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': o->listen = optarg; break;
		case 'c': o->connect = optarg; break;
		case 'C': o->ca = optarg; break;
		case 'a': o->source_cert = optarg; break;
		case 'A': o->source_key = optarg; break;
		case 'b': o->sink_cert = optarg; break;
		case 'B': o->sink_key = optarg; break;
		case 'f': o->from = optarg; break;
		case 't': o->to = optarg; break;
		case 'n': o->streams = (unsigned)lg_number(optarg); break;
		case 's': o->size = (size_t)lg_number(optarg); break;
		case 'r': o->rate = lg_number(optarg); break;
		case 'T': o->tick_us = (unsigned)lg_number(optarg); break;
		case 'w': o->warmup = lg_number(optarg); break;
		case 'd': o->duration = lg_number(optarg); break;
		case 'i': o->idle = 1; o->hold = lg_number(optarg); break;
		default: lg_usage();
		}
	}
	if (optind != argc || o->ca == NULL || o->connect == NULL ||
	    o->source_cert == NULL || o->source_key == NULL ||
	    o->streams == 0 || o->tick_us == 0 ||
	    (o->listen != NULL) == o->idle ||
	    (o->listen != NULL && (o->sink_cert == NULL ||
	    o->sink_key == NULL)))
		lg_usage();
}

/* Opens the sink's listening socket. */
static void
lg_listen(struct lg *lg)
{
	struct sockaddr_in sin;
	struct epoll_event ev;
	int one = 1;

	if (lg_parse_addr(lg->o.listen, &sin) == -1)
		lg_die("bad address %s", lg->o.listen);
	lg->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (lg->lfd == -1 || setsockopt(lg->lfd, SOL_SOCKET, SO_REUSEADDR,
	    &one, sizeof(one)) == -1 || bind(lg->lfd, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1 || listen(lg->lfd, 1024) == -1)
		lg_die("listen %s: %s", lg->o.listen, strerror(errno));
	ev.events = EPOLLIN;
	ev.data.ptr = &lg_listen_tag;
	if (epoll_ctl(lg->ep, EPOLL_CTL_ADD, lg->lfd, &ev) == -1)
		lg_die("epoll_ctl: %s", strerror(errno));
}

static void
lg_report(const struct lg *lg)
{
	double secs = (double)lg->t_end / 1e9;

	if (lg->o.idle) {
		printf("result mode=idle streams=%u returned=%" PRIu64 "\n",
		    lg->ready, lg->returned);
		return;
	}
	printf("result mode=%s streams=%u size=%zu target_rate=%.0f "
	    "seconds=%.2f received=%" PRIu64 " rate=%.0f mbps=%.1f "
	    "p50_us=%.0f p90_us=%.0f p99_us=%.0f p999_us=%.0f "
	    "max_us=%" PRIu64 " sent=%" PRIu64 " lost=%" PRIu64 " late=%"
	    PRIu64 " returned=%" PRIu64 " other=%" PRIu64
	    " loadgen_cpu=%.2f\n",
	    lg->o.rate > 0 ? "rate" : "throughput", lg->o.streams,
	    lg->tmpl_len, lg->o.rate, secs, lg->rx_end - lg->rx_begin,
	    (double)(lg->rx_end - lg->rx_begin) / secs,
	    (double)(lg->rx_end - lg->rx_begin) * (double)lg->tmpl_len * 8 /
	    secs / 1e6, lg_quantile(lg, 0.5), lg_quantile(lg, 0.9),
	    lg_quantile(lg, 0.99), lg_quantile(lg, 0.999), lg->latency_max,
	    lg->sent, lg->sent > lg->received ? lg->sent - lg->received : 0,
	    lg->late, lg->returned, lg->other,
	    (lg->cpu_end - lg->cpu_begin) / secs);
}

static void
lg_free(struct lg *lg)
{
	size_t i;

	for (i = 0; i < lg->nconns; i++) {
		struct lg_conn *c = lg->conns[i];
		size_t moved = 0;

		/* A best-effort polite close, so that the peer logs no error. */
		if (c->state == LG_READY) {
			lg_send(c, "</stream:stream>");
			if (lg_flush(c, &moved) == 1)
				SSL_shutdown(c->ssl);
		}
		SSL_free(c->ssl);
		close(c->fd);
		free(c->in);
		free(c->out);
		free(c);
	}
	free(lg->conns);
	free(lg->tmpl);
	SSL_CTX_free(lg->client);
	SSL_CTX_free(lg->server);
	if (lg->lfd != -1)
		close(lg->lfd);
	if (lg->tfd != -1)
		close(lg->tfd);
	close(lg->ep);
}

int
main(int argc, char **argv)
{
	static struct lg lg;
	struct epoll_event evs[256];
	struct rlimit rl;
	int i, n;

	lg_options(&lg.o, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	/* Idle mode holds a descriptor per stream. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (lg_parse_addr(lg.o.connect, &lg.dest) == -1)
		lg_die("bad address %s", lg.o.connect);
	lg_template(&lg);
	lg.client = lg_tls_ctx(&lg.o, 0, lg.o.source_cert, lg.o.source_key);
	if (lg.o.listen != NULL)
		lg.server = lg_tls_ctx(&lg.o, 1, lg.o.sink_cert,
		    lg.o.sink_key);
	if ((lg.ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		lg_die("epoll_create1: %s", strerror(errno));
	lg.lfd = lg.tfd = -1;
	if (lg.o.listen != NULL)
		lg_listen(&lg);
	if (lg.o.rate > 0) {
		struct epoll_event ev;

		lg.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
		    TFD_CLOEXEC);
		ev.events = EPOLLIN;
		ev.data.ptr = &lg_timer_tag;
		if (lg.tfd == -1 || epoll_ctl(lg.ep, EPOLL_CTL_ADD, lg.tfd,
		    &ev) == -1)
			lg_die("timerfd: %s", strerror(errno));
	}
	lg.t_phase = lg_now();
	while (lg_advance(&lg) == 0) {
		struct lg_conn *c, *next;

		n = epoll_wait(lg.ep, evs, 256, lg.run_head ? 0 : 10);
		if (n == -1 && errno != EINTR)
			lg_die("epoll_wait: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == &lg_listen_tag)
				lg_accept(&lg);
			else if (evs[i].data.ptr == &lg_timer_tag)
				lg_tick(&lg);
			else
				lg_runnable(&lg, evs[i].data.ptr);
		}
		c = lg.run_head;
		lg.run_head = NULL;
		for (; c != NULL; c = next) {
			next = c->next_run;
			c->runnable = 0;
			if (lg_conn_run(&lg, c) == -1)
				lg_die("the run failed");
		}
	}
	lg_report(&lg);
	lg_free(&lg);
	return 0;
}
