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
 * call is made per stanza. The peers are trusted: the stanza splitter in
 * loadgen_scan.c tracks element depth and nothing else.
 *
 * The last line on standard output is "result key=value ...".
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

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
#include <openssl/ssl.h>

#include "loadgen.h"

/* A tag for the listening socket and the timer among epoll's pointers. */
char lg_listen_tag;
static char lg_timer_tag;

uint64_t
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

void
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

int
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
	    "\t[--idle HOLD_S] [--labels FILE]\n"
	    "Both --listen and --connect run a measurement; --connect with "
	    "--idle holds\nauthenticated idle streams. --labels sends messages "
	    "with the ESS labels of\nFILE (base64, one a line, then a space "
	    "and its display marking if any)\nin turn.\n",
	    stderr);
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
		{ "labels", required_argument, NULL, 'L' },
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
		case 'L': o->labels = optarg; break;
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
