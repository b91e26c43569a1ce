/*
 * DNS lookups for peers dialled by SRV. Each lookup runs on a detached
 * thread with a resolver state of its own; the finished request goes back
 * to the loop as a pointer written to a pipe, and only the loop thread
 * touches the request's callback and cancellation.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "resolve.h"

#define RESOLVE_DEFAULT_PORT 5269
/* The longest domain name DNS can carry, as text without the final dot. */
#define RESOLVE_DOMAIN_MAX 253
/* Lookups in flight, each a thread; past this, resolve_start refuses. */
#define RESOLVE_MAX_INFLIGHT 64
/* SRV records tried per lookup; an answer with more is unusual, and the
 * ones of the lowest priorities are kept. */
#define RESOLVE_MAX_SRV 16

struct resolve_req {
	char domain[RESOLVE_DOMAIN_MAX + 1];
	int direct_tls;
	resolve_fn *fn;		/* NULL once cancelled */
	void *arg;
	struct resolve_answer answer;
};

static int resolve_pipe[2] = { -1, -1 };
static struct sockaddr_in resolve_server;
static int resolve_server_set;
/* Requests started and not yet read back from the pipe; loop thread only. */
static unsigned resolve_inflight;

/* One SRV record. */
struct resolve_srv {
	uint16_t priority, port;
	char target[NS_MAXDNAME];
};

static int
resolve_res_init(struct __res_state *rs)
{
	memset(rs, 0, sizeof(*rs));
	if (res_ninit(rs) == -1)
		return -1;
	if (resolve_server_set) {
		rs->nsaddr_list[0] = resolve_server;
		rs->nscount = 1;
	}
	rs->retrans = 2;
	rs->retry = 2;
	return 0;
}

/*
 * The usable SRV records in the answer for NAME into OUT (CAP entries),
 * lowest priority first; records of one priority keep the answer's order
 * (weights are not drawn, which keeps the choice stable, as a guard's logs
 * want). Returns the count; 0 when the only targets are "." (RFC 2782: the
 * service is decidedly not available), -1 when there are no SRV records.
 */
static int
resolve_srv(struct __res_state *rs, const char *name, struct resolve_srv *out,
    int cap)
{
	unsigned char msg[NS_PACKETSZ * 4];
	ns_msg handle;
	ns_rr rr;
	int len, i, j, n = 0, seen = 0;

	len = res_nquery(rs, name, ns_c_in, ns_t_srv, msg, sizeof(msg));
	if (len < 0 || ns_initparse(msg, len, &handle) == -1)
		return -1;
	for (i = 0; i < ns_msg_count(handle, ns_s_an); i++) {
		const unsigned char *rd;
		struct resolve_srv srv;

		if (ns_parserr(&handle, ns_s_an, i, &rr) == -1 ||
		    ns_rr_type(rr) != ns_t_srv || ns_rr_rdlen(rr) < 7)
			continue;
		rd = ns_rr_rdata(rr);
		srv.priority = ns_get16(rd);
		srv.port = ns_get16(rd + 4);
		if (dn_expand(ns_msg_base(handle), ns_msg_end(handle), rd + 6,
		    srv.target, sizeof(srv.target)) < 0)
			continue;
		seen = 1;
		if (srv.target[0] == '\0' || strcmp(srv.target, ".") == 0)
			continue;
		/* Insertion after every record of the same priority keeps the
		 * sort stable; a full array drops its highest priority. */
		for (j = n; j > 0 && out[j - 1].priority > srv.priority; j--)
			if (j < cap)
				out[j] = out[j - 1];
		if (j < cap) {
			out[j] = srv;
			if (n < cap)
				n++;
		}
	}
	return n > 0 ? n : seen ? 0 : -1;
}

/* The first IPv4, else IPv6, address of NAME as text into OUT; 0 or -1. */
static int
resolve_addr(struct __res_state *rs, const char *name, char *out, size_t cap)
{
	static const struct {
		ns_type type;
		int af;
		size_t len;
	} kinds[] = {
		{ ns_t_a, AF_INET, NS_INADDRSZ },
		{ ns_t_aaaa, AF_INET6, NS_IN6ADDRSZ },
	};
	unsigned char msg[NS_PACKETSZ * 4];
	ns_msg handle;
	ns_rr rr;
	size_t k;
	int len, i;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		len = res_nquery(rs, name, ns_c_in, kinds[k].type, msg,
		    sizeof(msg));
		if (len < 0 || ns_initparse(msg, len, &handle) == -1)
			continue;
		for (i = 0; i < ns_msg_count(handle, ns_s_an); i++) {
			/* inet_ntop reads the whole address from rdata. */
			if (ns_parserr(&handle, ns_s_an, i, &rr) == -1 ||
			    ns_rr_type(rr) != kinds[k].type ||
			    ns_rr_rdlen(rr) != kinds[k].len)
				continue;
			if (inet_ntop(kinds[k].af, ns_rr_rdata(rr), out,
			    (socklen_t)cap) != NULL)
				return 0;
		}
	}
	return -1;
}

/* Fills REQ's answer: the SRV targets in order until one has an address,
 * or, without SRV records, the domain itself on the default port. */
static void
resolve_lookup(struct resolve_req *req)
{
	struct resolve_answer *a = &req->answer;
	struct resolve_srv srv[RESOLVE_MAX_SRV];
	struct __res_state rs;
	char name[NS_MAXDNAME];
	int i, n;

	if (resolve_res_init(&rs) == -1) {
		snprintf(a->error, sizeof(a->error), "resolver setup failed");
		return;
	}
	snprintf(name, sizeof(name), "%s._tcp.%s",
	    req->direct_tls ? "_xmpps-server" : "_xmpp-server", req->domain);
	n = resolve_srv(&rs, name, srv, RESOLVE_MAX_SRV);
	for (i = 0; i < n; i++) {
		if (resolve_addr(&rs, srv[i].target, a->host,
		    sizeof(a->host)) == 0) {
			a->port = srv[i].port;
			a->ok = 1;
			break;
		}
	}
	if (n > 0 && !a->ok) {
		snprintf(a->error, sizeof(a->error),
		    "no address for any of %d SRV targets", n);
	} else if (n == 0) {
		/* RFC 6120 section 3.2.1: no fallback after a "." target. */
		snprintf(a->error, sizeof(a->error),
		    "SRV says the service is not available");
	} else if (n == -1 && req->direct_tls) {
		/* XEP-0368 has no fallback to the domain's own address. */
		snprintf(a->error, sizeof(a->error), "no _xmpps-server SRV");
	} else if (n == -1) {
		a->port = RESOLVE_DEFAULT_PORT;
		if (resolve_addr(&rs, req->domain, a->host, sizeof(a->host)) == 0)
			a->ok = 1;
		else
			snprintf(a->error, sizeof(a->error),
			    "no SRV record and no address");
	}
	res_nclose(&rs);
}

/* Hands REQ back to the loop thread. The write end blocks, and cannot block
 * for long: the pipe holds at most RESOLVE_MAX_INFLIGHT pointers, far below
 * its capacity. */
static void
resolve_post(struct resolve_req *req)
{
	ssize_t n;

	/* A pointer is smaller than PIPE_BUF: the write is atomic. */
	do
		n = write(resolve_pipe[1], &req, sizeof(req));
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(req))
		log_fatal("resolve pipe write", __FILE__, __LINE__);
}

static void *
resolve_thread(void *arg)
{
	struct resolve_req *req = arg;

	resolve_lookup(req);
	resolve_post(req);
	return NULL;
}

static void
resolve_done(struct loop *l, int fd, unsigned events, void *arg)
{
	struct resolve_req *req;

	(void)l;
	(void)events;
	(void)arg;
	while (read(fd, &req, sizeof(req)) == (ssize_t)sizeof(req)) {
		resolve_inflight--;
		if (req->fn != NULL)
			req->fn(req->arg, &req->answer);
		free(req);
	}
}

int
resolve_init(struct loop *l, const char *server, uint16_t port)
{
	int flags;

	if (server != NULL) {
		memset(&resolve_server, 0, sizeof(resolve_server));
		resolve_server.sin_family = AF_INET;
		resolve_server.sin_port = htons(port);
		if (inet_pton(AF_INET, server, &resolve_server.sin_addr) != 1) {
			errno = EINVAL;
			return -1;
		}
		resolve_server_set = 1;
	}
	/* Only the loop's end is non-blocking: a lookup thread finding the
	 * pipe full waits rather than failing. */
	if (pipe2(resolve_pipe, O_CLOEXEC) == -1)
		return -1;
	flags = fcntl(resolve_pipe[0], F_GETFL);
	if (flags == -1 ||
	    fcntl(resolve_pipe[0], F_SETFL, flags | O_NONBLOCK) == -1)
		return -1;
	return loop_add(l, resolve_pipe[0], LOOP_READ, resolve_done, NULL);
}

/*
 * Starts looking up DOMAIN on a thread of its own. A domain too long for
 * DNS gets its error answer through the pipe all the same, so that the
 * callback always comes from the loop. Returns the request (freed after
 * its answer is read back), or NULL when RESOLVE_MAX_INFLIGHT lookups are
 * running or no thread can be started.
 */
struct resolve_req *
resolve_start(const char *domain, int direct_tls, resolve_fn *fn, void *arg)
{
	struct resolve_req *req;
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	if (resolve_inflight >= RESOLVE_MAX_INFLIGHT)
		return NULL;
	req = calloc(1, sizeof(*req));
	if (req == NULL)
		return NULL;
	req->direct_tls = direct_tls;
	req->fn = fn;
	req->arg = arg;
	if (strlen(domain) > RESOLVE_DOMAIN_MAX) {
		snprintf(req->answer.error, sizeof(req->answer.error),
		    "domain longer than %d bytes", RESOLVE_DOMAIN_MAX);
		resolve_inflight++;
		resolve_post(req);
		return req;
	}
	memcpy(req->domain, domain, strlen(domain) + 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	err = pthread_create(&tid, &attr, resolve_thread, req);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		free(req);
		return NULL;
	}
	resolve_inflight++;
	return req;
}

void
resolve_cancel(struct resolve_req *req)
{
	req->fn = NULL;
	req->arg = NULL;
}
