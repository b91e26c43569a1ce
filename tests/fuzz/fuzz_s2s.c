/*
 * libFuzzer target for whole server-to-server negotiations as peers drive
 * them: the guard's runtime (s2s, dialback, routing, connections, TLS,
 * the event loop) under the fuzz policy (tests/fuzz/fuzz.policy), fed by
 * the fuzzer through socket pairs and run until idle after every step.
 *
 * The input is a transcript: segments separated by form feeds (a byte
 * XML never holds), each starting with one byte that says what happens:
 *
 *   0 to 9   the rest of the segment is sent by peer N: 0 is the peer
 *            that connected to the guard, 1 and on are the servers the
 *            guard connected to, in the order it did; with no rest, peer
 *            N closes its sending side
 *   T N L    peer N starts TLS, as client for peer 0 and as server for
 *            the others, presenting the test PKI's leaf L ('a' the first
 *            of tests/unit/tls_fixture.h, 'b' the second, ...); as the
 *            first segment, the guard takes peer 0 as a direct-TLS stream
 *   t        25 seconds pass (timeouts, keepalives)
 *   q        the guard shuts down as on SIGTERM
 *
 * and any other first byte names a peer by its value, modulo the peers
 * there are. At the end every peer hangs up and time passes until the
 * guard has no stream left; one that outlives its peers is a finding, as
 * are admission counts (admit.h) left above zero once all are gone. So
 * is anything the guard wrote to a peer that the tokenizer, as the next
 * peer's parser, rejects: in clear text up to where TLS takes the
 * connection over, then what came over TLS; each stream (restarted after
 * TLS and SASL) must open with the guard's header.
 *
 * The binary is linked with -Wl,--wrap= seams so that nothing leaves the
 * process and runs are repeatable:
 *  - conn_connect_fd returns one end of a new socket pair, the other
 *    being the next peer; resolve_start finds nothing (no DNS);
 *  - epoll_wait never blocks, and stops the loop once an iteration finds
 *    nothing to do and no timer due (the loop is idle);
 *  - clock_gettime(CLOCK_MONOTONIC) is a clock the transcript moves;
 *  - RAND_bytes gives zeros, so that stream ids, which a dialback
 *    transcript must quote, are known (32 zeros).
 * The dialback secret is all zeros as well.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "fuzz.h"
#include "guard.h"
#include "log.h"
#include "resolve.h"
#include "s2s.h"
#include "tls_fixture.h"
#include "xml.h"

int __wrap_conn_connect_fd(const char *host, uint16_t port);
struct resolve_req *__wrap_resolve_start(const char *domain, int direct_tls,
    resolve_fn *fn, void *arg);
int __real_epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout);
int __wrap_epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout);
int __real_clock_gettime(clockid_t id, struct timespec *ts);
int __wrap_clock_gettime(clockid_t id, struct timespec *ts);
int __wrap_RAND_bytes(unsigned char *buf, int num);

/* Peers at most per transcript; a connection past them is refused. */
#define FUZZ_PEERS 8
/* What the 't' segment lets pass, and the end of the transcript. */
#define FUZZ_TICK_MS 25000
#define FUZZ_HOUR_MS 3600000
/* Hours the end of a transcript waits for the guard to close its streams. */
#define FUZZ_HOURS 16
/* Handshake steps per 'T' segment: a TLS 1.3 handshake takes three. */
#define FUZZ_TLS_STEPS 8
/* At most this many streams at once, as a guard short of descriptors. */
#define FUZZ_MAX_STREAMS 6
/* What the guard wrote to one peer that is kept, for TLS and the check. */
#define FUZZ_LOG 65536
/* How the guard starts each stream header it writes. */
#define FUZZ_DECL "<?xml version='1.0'?>"
/* The namespaces of the elements after which a stream restarts. */
#define FUZZ_NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"
#define FUZZ_NS_SASL "urn:ietf:params:xml:ns:xmpp-sasl"

/* Bytes the guard wrote to a peer. Once some did not fit, none more are
 * kept, so that what is kept has no gap; a full log is not checked. */
struct fuzz_log {
	char text[FUZZ_LOG];
	size_t len;
	int full;
};

/*
 * One peer: the fuzzer's end of a socket pair, with TLS once started. TLS
 * runs over memory BIOs that this file fills from the socket and empties
 * into it, so that the guard's ClientHello, which arrives in clear text
 * before the transcript says that TLS starts, can be handed to it.
 */
struct fuzz_peer {
	int fd;
	SSL *ssl;		/* NULL: clear text */
	BIO *rbio, *wbio;	/* owned by ssl */
	struct fuzz_log heard;	/* clear text since the peer last spoke */
	struct fuzz_log clear;	/* all clear text, for the check */
	struct fuzz_log secure;	/* all that came over TLS, for the check */
};

static struct fuzz_peer fuzz_peers[FUZZ_PEERS];
static size_t fuzz_npeers;
static uint64_t fuzz_clock_ms = 1000000;
static unsigned fuzz_quiet;	/* epoll waits in a row with nothing to do */
static SSL_CTX *fuzz_tls_client, *fuzz_tls_server;
static X509 *fuzz_leaf_cert[FX_NLEAVES];
static EVP_PKEY *fuzz_leaf_key;	/* the fixture's leaves share one key */

/* Adds the fuzzer's end FD of a new connection as the next peer; -1 if
 * there are too many already. */
static int
fuzz_add_peer(int fd)
{
	if (fuzz_npeers == FUZZ_PEERS)
		return -1;
	memset(&fuzz_peers[fuzz_npeers], 0, sizeof(fuzz_peers[0]));
	fuzz_peers[fuzz_npeers].fd = fd;
	fuzz_npeers++;
	return 0;
}

/* Returns a socket pair's guard end, the other end being a new peer; -1
 * (ECONNREFUSED) when the transcript has all its peers. */
int
__wrap_conn_connect_fd(const char *host, uint16_t port)
{
	int sv[2];

	(void)host;
	(void)port;
	fuzz_check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sv) == 0, "socketpair failed");
	if (fuzz_add_peer(sv[1]) == -1) {
		close(sv[0]);
		close(sv[1]);
		errno = ECONNREFUSED;
		return -1;
	}
	return sv[0];
}

struct resolve_req *
__wrap_resolve_start(const char *domain, int direct_tls, resolve_fn *fn,
    void *arg)
{
	(void)domain;
	(void)direct_tls;
	(void)fn;
	(void)arg;
	return NULL;
}

/*
 * Polls without blocking. A wait that would have blocked (TIMEOUT not 0:
 * no timer due) and finds no event is quiet; after two quiet waits in a
 * row (the first may follow a move of the clock that the loop has not
 * seen yet) the loop stops: it is idle.
 */
int
__wrap_epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	int n = __real_epoll_wait(epfd, ev, max, 0);

	if (n != 0 || timeout == 0) {
		fuzz_quiet = 0;
		return n;
	}
	if (++fuzz_quiet == 2)
		loop_stop(guard.loop);
	return 0;
}

int
__wrap_clock_gettime(clockid_t id, struct timespec *ts)
{
	if (id != CLOCK_MONOTONIC)
		return __real_clock_gettime(id, ts);
	ts->tv_sec = (time_t)(fuzz_clock_ms / 1000);
	ts->tv_nsec = (long)(fuzz_clock_ms % 1000) * 1000000;
	return 0;
}

int
__wrap_RAND_bytes(unsigned char *buf, int num)
{
	memset(buf, 0, (size_t)num);
	return 1;
}

/* Sends what TLS on peer P has to send. */
static void
fuzz_tls_flush(struct fuzz_peer *p)
{
	char buf[16384];
	int n;

	while ((n = BIO_read(p->wbio, buf, sizeof(buf))) > 0)
		(void)send(p->fd, buf, (size_t)n, MSG_NOSIGNAL);
}

/* Appends LEN bytes of TEXT to LOG if they fit, else marks it full. */
static void
fuzz_keep(struct fuzz_log *log, const char *text, size_t len)
{
	if (log->full || len > sizeof(log->text) - log->len) {
		log->full = 1;
		return;
	}
	memcpy(log->text + log->len, text, len);
	log->len += len;
}

/* Empties LOG. */
static void
fuzz_forget(struct fuzz_log *log)
{
	log->len = 0;
	log->full = 0;
}

/* Reads what the guard sent to peer P, keeping the clear text since P last
 * spoke and what the XML check reads. */
static void
fuzz_drain(struct fuzz_peer *p)
{
	char buf[16384];
	ssize_t n;
	int r;

	while ((n = read(p->fd, buf, sizeof(buf))) > 0) {
		if (p->ssl != NULL) {
			(void)BIO_write(p->rbio, buf, (int)n);
			continue;
		}
		fuzz_keep(&p->heard, buf, (size_t)n);
		fuzz_keep(&p->clear, buf, (size_t)n);
	}
	if (p->ssl == NULL)
		return;
	while ((r = SSL_read(p->ssl, buf, sizeof(buf))) > 0)
		fuzz_keep(&p->secure, buf, (size_t)r);
	fuzz_tls_flush(p);
}

/*
 * Parses LEN bytes of TEXT, one stream the guard wrote, as the next peer
 * would: it must open with the guard's header and parse. After the
 * guard's <success/> the stream restarts, so nothing may follow it here
 * (a header would have started the next stream). Returns 1 if the stream
 * ends in the element after which TLS takes the connection over
 * (<proceed/> to a peer that connected, <starttls/> to a peer the guard
 * connected to), else 0.
 */
static int
fuzz_check_stream(const char *text, size_t len)
{
	static const struct xml_limits limits = { 1 << 20, 64, 256, 0 };
	struct xml_parser *x = xml_new(&limits);
	const struct stanza_node *e;
	size_t off = 0, used;
	enum xml_event ev;
	int tls = 0;

	fuzz_check(x != NULL, "out of memory");
	fuzz_check(len >= strlen(FUZZ_DECL) &&
	    memcmp(text, FUZZ_DECL, strlen(FUZZ_DECL)) == 0,
	    "the guard wrote on a stream before its header");
	while (!tls && (ev = xml_parse(x, text + off, len - off, &used)) !=
	    XML_NEED_MORE && ev != XML_STREAM_CLOSE) {
		off += used;
		fuzz_check(ev != XML_ERROR, "the guard wrote XML that does "
		    "not parse");
		e = ev == XML_ELEMENT ? xml_element(x) : NULL;
		if (e != NULL && strcmp(e->ns, FUZZ_NS_SASL) == 0 &&
		    strcmp(e->name, "success") == 0)
			fuzz_check(off == len, "the guard wrote on a restarted "
			    "stream before its header");
		tls = e != NULL && strcmp(e->ns, FUZZ_NS_TLS) == 0 &&
		    (strcmp(e->name, "proceed") == 0 ||
		    strcmp(e->name, "starttls") == 0);
	}
	xml_free(x);
	return tls;
}

/*
 * Checks LOG, what the guard wrote to a peer in clear text or over TLS:
 * one stream after the other, each starting where the guard's header
 * does, up to where TLS takes the connection over.
 */
static void
fuzz_check_log(const struct fuzz_log *log)
{
	const char *s = log->text, *end = log->text + log->len, *next;

	if (log->full)
		return;
	while (s < end) {
		next = memmem(s + 1, (size_t)(end - s - 1), FUZZ_DECL,
		    strlen(FUZZ_DECL));
		if (next == NULL)
			next = end;
		if (fuzz_check_stream(s, (size_t)(next - s)))
			break;
		s = next;
	}
}

/* Runs the guard's loop until it is idle. */
static void
fuzz_loop(void)
{
	fuzz_quiet = 0;
	fuzz_check(loop_run(guard.loop) == 0, "loop_run failed");
}

/*
 * Runs the guard until it is idle, taking the next step of a shutdown
 * under way as main.c's poll would, then reads what it sent to each peer.
 */
static void
fuzz_run(void)
{
	size_t i;

	fuzz_loop();
	if (guard.shutting_down) {
		(void)s2s_shutdown_step(0);
		fuzz_loop();
	}
	for (i = 0; i < fuzz_npeers; i++)
		fuzz_drain(&fuzz_peers[i]);
}

/* Sends LEN bytes of DATA from peer P, as far as the socket takes them. */
static void
fuzz_send(struct fuzz_peer *p, const uint8_t *data, size_t len)
{
	if (p->ssl != NULL) {
		(void)SSL_write(p->ssl, data, (int)len);
		fuzz_tls_flush(p);
	} else {
		(void)send(p->fd, data, len, MSG_NOSIGNAL);
		fuzz_forget(&p->heard);
	}
}

/*
 * Starts TLS on peer P (client if CLIENT, else server, which takes the
 * guard's ClientHello from what P heard) with leaf LEAF of the fixture,
 * stepping the handshake and the guard in turn. A handshake that fails
 * leaves P in clear text.
 */
static void
fuzz_tls(struct fuzz_peer *p, int client, size_t leaf)
{
	int i, r = 0;

	if (p->ssl != NULL)
		return;
	p->ssl = SSL_new(client ? fuzz_tls_client : fuzz_tls_server);
	p->rbio = BIO_new(BIO_s_mem());
	p->wbio = BIO_new(BIO_s_mem());
	fuzz_check(p->ssl != NULL && p->rbio != NULL && p->wbio != NULL,
	    "cannot set up the peer's TLS");
	SSL_set_bio(p->ssl, p->rbio, p->wbio);
	fuzz_check(SSL_use_certificate(p->ssl, fuzz_leaf_cert[leaf]) == 1 &&
	    SSL_use_PrivateKey(p->ssl, fuzz_leaf_key) == 1,
	    "cannot set up the peer's TLS");
	if (client) {
		SSL_set_connect_state(p->ssl);
	} else {
		SSL_set_accept_state(p->ssl);
		(void)BIO_write(p->rbio, p->heard.text, (int)p->heard.len);
	}
	fuzz_forget(&p->heard);
	for (i = 0; i < FUZZ_TLS_STEPS && r != 1; i++) {
		r = SSL_do_handshake(p->ssl);
		fuzz_tls_flush(p);
		if (r != 1 && SSL_get_error(p->ssl, r) != SSL_ERROR_WANT_READ)
			break;
		fuzz_run();
	}
	if (r != 1) {
		SSL_free(p->ssl);
		p->ssl = NULL;
	}
}

/* Checks what the guard wrote to each peer, and hangs up every peer. */
static void
fuzz_hang_up(void)
{
	size_t i;

	for (i = 0; i < fuzz_npeers; i++) {
		fuzz_check_log(&fuzz_peers[i].clear);
		fuzz_check_log(&fuzz_peers[i].secure);
		SSL_free(fuzz_peers[i].ssl);
		close(fuzz_peers[i].fd);
	}
	fuzz_npeers = 0;
}

/* Applies one segment of LEN bytes (LEN > 0) of the transcript. */
static void
fuzz_segment(const uint8_t *seg, size_t len)
{
	struct fuzz_peer *p;

	switch (seg[0]) {
	case 't':
		fuzz_clock_ms += FUZZ_TICK_MS;
		fuzz_run();
		return;
	case 'q':
		(void)s2s_shutdown_all();
		fuzz_run();
		return;
	case 'T':
		if (len < 3)
			return;
		p = &fuzz_peers[(uint8_t)(seg[1] - '0') % fuzz_npeers];
		fuzz_tls(p, p == &fuzz_peers[0],
		    (uint8_t)(seg[2] - 'a') % FX_NLEAVES);
		return;
	default:
		p = &fuzz_peers[(uint8_t)(seg[0] - '0') % fuzz_npeers];
		if (len == 1) {
			if (p->ssl != NULL) {
				(void)SSL_shutdown(p->ssl);
				fuzz_tls_flush(p);
			}
			(void)shutdown(p->fd, SHUT_WR);
		} else {
			fuzz_send(p, seg + 1, len - 1);
		}
		fuzz_run();
	}
}

/*
 * Sets the guard up once, as main.c does, with the test PKI's files for
 * the policy's certificates: the fuzz policy names them by the fixture's
 * file names, and a site file points them into its directory.
 */
static void
fuzz_setup(void)
{
	char site[2048];
	size_t i, n = 0;
	FILE *f;

	signal(SIGPIPE, SIG_IGN);
	fuzz_check(fx_make() == 0, "cannot make the test PKI");
	for (i = 0; i < gen_policy.guard.ncerts; i++)
		n += (size_t)snprintf(site + n, sizeof(site) - n,
		    "certificate %s %s/%s %s/%s\n",
		    gen_policy.guard.certs[i].domain, fx_dir,
		    gen_policy.guard.certs[i].cert_file, fx_dir,
		    gen_policy.guard.certs[i].key_file);
	n += (size_t)snprintf(site + n, sizeof(site) - n, "ca %s/%s\n",
	    fx_dir, gen_policy.guard.ca_file);
	fuzz_check(n < sizeof(site), "site file too long");
	guard.policy = &gen_policy;
	f = fmemopen(site, n, "r");
	fuzz_check(f != NULL && site_init(&guard.site, &gen_policy) == 0 &&
	    site_load_file(&guard.site, &gen_policy, f, "fuzz.site") == 0,
	    "cannot load the site file");
	fclose(f);
	log_set_level(LOG_LVL_DEBUG);
	guard.tls = tls_ctx_new(guard.site.certs, gen_policy.guard.ncerts,
	    guard.site.ca_file);
	guard.loop = loop_new();
	guard.max_streams = FUZZ_MAX_STREAMS;
	fuzz_check(guard.tls != NULL && guard.loop != NULL &&
	    route_init(&guard.route, &gen_policy) == 0 && s2s_init() == 0 &&
	    admit_init(&guard.admit, &guard.site.admit) == 0,
	    "cannot start the guard");
	fuzz_tls_client = SSL_CTX_new(TLS_client_method());
	fuzz_tls_server = SSL_CTX_new(TLS_server_method());
	for (i = 0; i < FX_NLEAVES; i++)
		fuzz_leaf_cert[i] = fx_load(fx_leaves[i].name);
	f = fopen(fx_path(fx_leaves[0].name, "key"), "r");
	fuzz_leaf_key = f != NULL ? PEM_read_PrivateKey(f, NULL, NULL, NULL) :
	    NULL;
	if (f != NULL)
		fclose(f);
	fuzz_check(fuzz_tls_client != NULL && fuzz_tls_server != NULL &&
	    fuzz_leaf_key != NULL, "cannot set up the peers' TLS");
	for (i = 0; i < FX_NLEAVES; i++)
		fuzz_check(fuzz_leaf_cert[i] != NULL,
		    "cannot load the test PKI");
	/* All is loaded: the files go now, since a crash ends the process
	 * without running atexit handlers. */
	fx_remove();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *seg, *end = data + size, *ff;
	int sv[2], hours;

	if (guard.loop == NULL)
		fuzz_setup();
	fuzz_check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sv) == 0, "socketpair failed");
	fuzz_check(fuzz_add_peer(sv[1]) == 0, "peers left over");
	/* A transcript that starts with TLS starts it on the first byte. */
	s2s_accept(sv[0], size > 0 && data[0] == 'T');
	fuzz_run();
	for (seg = data; seg < end; seg = ff + 1) {
		ff = memchr(seg, '\f', (size_t)(end - seg));
		if (ff == NULL)
			ff = end;
		if (ff > seg)
			fuzz_segment(seg, (size_t)(ff - seg));
	}
	fuzz_hang_up();
	fuzz_run();
	for (hours = 0; guard.streams != NULL && hours < FUZZ_HOURS; hours++) {
		fuzz_clock_ms += FUZZ_HOUR_MS;
		/* A shutdown's drain is over: streams left are closed. */
		if (guard.shutting_down)
			(void)s2s_shutdown_step(1);
		fuzz_run();
	}
	fuzz_check(guard.streams == NULL && guard.nstreams == 0 &&
	    guard.nverify == 0, "a stream outlived its peers");
	fuzz_check(guard.admit.held == 0 && guard.admit.unauth == 0,
	    "admission still counts streams that are gone");
	guard.shutting_down = 0;
	return 0;
}
