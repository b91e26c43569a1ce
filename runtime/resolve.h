/*
 * Finding a peer's server by DNS (RFC 6120 section 3.2, XEP-0368): SRV
 * records _xmpp-server._tcp.DOMAIN (or _xmpps-server._tcp for direct TLS),
 * tried lowest priority first until a target has an address; without SRV
 * records, the domain itself on the default port. Lookups run on a thread
 * of their own so that the loop never waits for DNS; answers come back
 * through a pipe the loop watches.
 */
#ifndef XEDGE_RESOLVE_H
#define XEDGE_RESOLVE_H

#include <stdint.h>

#include "loop.h"

struct resolve_answer {
	int ok;			/* 0: nothing found; why is in error */
	char host[64];		/* numeric address */
	uint16_t port;
	char error[96];
};

typedef void resolve_fn(void *arg, const struct resolve_answer *a);

struct resolve_req;

/* Prepares lookups answered through loop L, asking the name server
 * SERVER:PORT (NULL: the system's resolv.conf). Returns 0 or -1. */
int resolve_init(struct loop *l, const char *server, uint16_t port);

/* Starts looking up DOMAIN; FN(ARG, answer) follows from the loop unless
 * the request is cancelled first (a domain over 253 bytes is answered with
 * an error). Returns the request, or NULL when 64 lookups are in flight
 * already or no thread can be started. */
struct resolve_req *resolve_start(const char *domain, int direct_tls,
    resolve_fn *fn, void *arg);

/* Forgets REQ: its callback will not be called. */
void resolve_cancel(struct resolve_req *req);

#endif
