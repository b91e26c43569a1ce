/*
 * loadgen: the sink role. It accepts streams for the receiving domain,
 * offers STARTTLS and SASL EXTERNAL, and then counts what arrives.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loadgen.h"

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
int
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

void
lg_accept(struct lg *lg)
{
	int fd;

	while ((fd = accept4(lg->lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1)
		lg_conn_new(lg, fd, LG_SINK);
	if (errno != EAGAIN && errno != EINTR)
		lg_die("accept: %s", strerror(errno));
}

/* Opens the sink's listening socket. */
void
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
