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
#define RESOLVE_DIRECT_TLS_PORT 5270

struct resolve_req {
	char domain[256];
	int direct_tls;
	resolve_fn *fn;		/* NULL once cancelled */
	void *arg;
	struct resolve_answer answer;
};

static int resolve_pipe[2] = { -1, -1 };
static struct sockaddr_in resolve_server;
static int resolve_server_set;

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

/* The SRV record of the lowest priority in the answer for NAME, or -1 when
 * there is none. (Weights order records of one priority; taking the first
 * keeps the choice stable, which is what a guard's logs want.) */
static int
resolve_srv(struct __res_state *rs, const char *name, struct resolve_srv *out)
{
	unsigned char msg[NS_PACKETSZ * 4];
	ns_msg handle;
	ns_rr rr;
	int len, i, found = -1;

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
		/* "." means the service is decidedly not available. */
		if (srv.target[0] == '\0' || strcmp(srv.target, ".") == 0)
			continue;
		if (found == -1 || srv.priority < out->priority) {
			*out = srv;
			found = 0;
		}
	}
	return found;
}

/* The first IPv4, else IPv6, address of NAME as text into OUT; 0 or -1. */
static int
resolve_addr(struct __res_state *rs, const char *name, char *out, size_t cap)
{
	static const ns_type types[] = { ns_t_a, ns_t_aaaa };
	unsigned char msg[NS_PACKETSZ * 4];
	ns_msg handle;
	ns_rr rr;
	size_t t;
	int len, i;

	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		len = res_nquery(rs, name, ns_c_in, types[t], msg, sizeof(msg));
		if (len < 0 || ns_initparse(msg, len, &handle) == -1)
			continue;
		for (i = 0; i < ns_msg_count(handle, ns_s_an); i++) {
			if (ns_parserr(&handle, ns_s_an, i, &rr) == -1 ||
			    ns_rr_type(rr) != types[t])
				continue;
			if (inet_ntop(types[t] == ns_t_a ? AF_INET : AF_INET6,
			    ns_rr_rdata(rr), out, (socklen_t)cap) != NULL)
				return 0;
		}
	}
	return -1;
}

static void
resolve_lookup(struct resolve_req *req)
{
	struct resolve_answer *a = &req->answer;
	struct __res_state rs;
	struct resolve_srv srv;
	char name[NS_MAXDNAME];

	if (resolve_res_init(&rs) == -1) {
		snprintf(a->error, sizeof(a->error), "resolver setup failed");
		return;
	}
	snprintf(name, sizeof(name), "%s._tcp.%s",
	    req->direct_tls ? "_xmpps-server" : "_xmpp-server", req->domain);
	if (resolve_srv(&rs, name, &srv) == 0) {
		a->port = srv.port;
		if (resolve_addr(&rs, srv.target, a->host, sizeof(a->host)) == 0)
			a->ok = 1;
		else
			snprintf(a->error, sizeof(a->error),
			    "no address for SRV target %.64s", srv.target);
	} else if (req->direct_tls) {
		/* XEP-0368 has no fallback to the domain's own address. */
		snprintf(a->error, sizeof(a->error), "no _xmpps-server SRV");
	} else {
		a->port = RESOLVE_DEFAULT_PORT;
		if (resolve_addr(&rs, req->domain, a->host, sizeof(a->host)) == 0)
			a->ok = 1;
		else
			snprintf(a->error, sizeof(a->error),
			    "no SRV record and no address");
	}
	res_nclose(&rs);
}

static void *
resolve_thread(void *arg)
{
	struct resolve_req *req = arg;

	resolve_lookup(req);
	/* A pointer is smaller than PIPE_BUF: the write is atomic. */
	if (write(resolve_pipe[1], &req, sizeof(req)) != (ssize_t)sizeof(req))
		log_fatal("resolve pipe write", __FILE__, __LINE__);
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
		if (req->fn != NULL)
			req->fn(req->arg, &req->answer);
		free(req);
	}
}

int
resolve_init(struct loop *l, const char *server, uint16_t port)
{
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
	if (pipe2(resolve_pipe, O_NONBLOCK | O_CLOEXEC) == -1)
		return -1;
	return loop_add(l, resolve_pipe[0], LOOP_READ, resolve_done, NULL);
}

struct resolve_req *
resolve_start(const char *domain, int direct_tls, resolve_fn *fn, void *arg)
{
	struct resolve_req *req;
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	req = calloc(1, sizeof(*req));
	if (req == NULL)
		return NULL;
	snprintf(req->domain, sizeof(req->domain), "%s", domain);
	req->direct_tls = direct_tls;
	req->fn = fn;
	req->arg = arg;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	err = pthread_create(&tid, &attr, resolve_thread, req);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		free(req);
		return NULL;
	}
	return req;
}

void
resolve_cancel(struct resolve_req *req)
{
	req->fn = NULL;
	req->arg = NULL;
}
