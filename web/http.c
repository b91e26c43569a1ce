/*
 * The HTTP side of the status page: libmicrohttpd without threads of its
 * own, driven by the guard's loop. With MHD_USE_EPOLL, MHD keeps its
 * sockets in an epoll set of its own, whose descriptor the loop watches as
 * one readable fd; MHD_run() does the work that is ready (at most one
 * epoll_wait's worth of events, 128 in MHD, per call) and MHD_get_timeout()
 * says when to call it again without readiness (timeouts, and connections
 * MHD has more to write to), armed as a loop timer. Nothing blocks, nothing
 * is locked, and every request reads the guard on the loop's own thread.
 * The listening socket is the loop's too: it accepts while MHD has room
 * for a connection, and leaves the rest in the backlog until one closes
 * (MHD, accepting itself, left a backlog unread after its limit).
 * Over HTTPS, every request is first checked for a client certificate
 * (web/https.c).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "guard.h"
#include "log.h"
#include "loop.h"
#include "web.h"
#include "web_int.h"

/* Bounds on what HTTP clients can hold: the page is for a few operators
 * and a scraper, so a handful of connections, each with little memory,
 * and a slow client is cut off. */
#define WEB_CONNECTIONS 16
#define WEB_CONNECTIONS_PER_IP 8
#define WEB_TIMEOUT_S 10
#define WEB_CONN_MEMORY (32 * 1024)
#define WEB_BACKLOG 16

struct web {
	struct loop *loop;
	struct MHD_Daemon *daemon;
	int listen_fd;			/* watched while MHD has room */
	int epoll_fd;			/* MHD's, watched by the loop */
	struct loop_timer timer;	/* MHD_get_timeout() */
	const char *site_file;
	int https;			/* client certificates checked */
	struct web_snapshot snap;	/* filled per request */
	struct status_peer *peers;	/* snap's copy, one per policy peer */
};

/* The headers of every response: nothing is cached, framed, sniffed or
 * loaded from anywhere but the guard itself. */
static const char *const web_headers[][2] = {
	{ "Content-Security-Policy", "default-src 'none'; script-src 'self'; "
	    "style-src 'self'; connect-src 'self'; img-src 'self' data:; "
	    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Cache-Control", "no-store" },
	{ "X-Frame-Options", "DENY" },
};

static void web_run(struct web *w);

static void
web_timer_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	web_run(arg);
}

static void
web_readable(struct loop *l, int fd, unsigned events, void *arg)
{
	(void)l;
	(void)fd;
	(void)events;
	web_run(arg);
}

/* The connections MHD holds. */
static unsigned
web_connections(const struct web *w)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(w->daemon,
	    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

	return i != NULL ? i->num_connections : 0;
}

/* Hands MHD what waits to be accepted, while it has room; when it has
 * none, the listening socket is left unwatched until a connection closes
 * (web_closed). */
static void
web_accept(struct loop *l, int fd, unsigned events, void *arg)
{
	struct web *w = arg;
	struct sockaddr_storage sa;
	socklen_t len;
	int c;

	(void)events;
	while (web_connections(w) < WEB_CONNECTIONS) {
		len = sizeof(sa);
		c = accept4(fd, (struct sockaddr *)&sa, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c == -1)
			break;
		/* MHD closes it if it will not have it (its limit per
		 * address). */
		(void)MHD_add_connection(w->daemon, c, (struct sockaddr *)&sa,
		    len);
	}
	if (web_connections(w) >= WEB_CONNECTIONS)
		loop_set(l, fd, 0);
	web_run(w);
}

/* A connection closed: there is room to accept again. */
static void
web_closed(void *cls, struct MHD_Connection *c, void **context,
    enum MHD_ConnectionNotificationCode code)
{
	struct web *w = cls;

	(void)c;
	(void)context;
	/* Not when the daemon stops, the socket closed before it. */
	if (code == MHD_CONNECTION_NOTIFY_CLOSED && w->listen_fd != -1)
		loop_set(w->loop, w->listen_fd, LOOP_READ);
}

/* A listening socket on SA (LEN bytes), or -1. */
static int
web_listen(const struct sockaddr_storage *sa, socklen_t len)
{
	int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0), on = 1;

	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (const struct sockaddr *)sa, len) == -1 ||
	    listen(fd, WEB_BACKLOG) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Lets MHD do what is ready, then arms the timer for what it waits on. */
static void
web_run(struct web *w)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_run(w->daemon) != MHD_YES)
		log_event(LOG_LVL_WARN, 0, "status-run-failed", NULL);
	if (MHD_get_timeout(w->daemon, &ms) == MHD_YES)
		loop_timer_arm(w->loop, &w->timer, (uint64_t)ms,
		    web_timer_fired, w);
	else
		loop_timer_cancel(w->loop, &w->timer);
}

/* Queues STATUS with BODY (LEN bytes of TYPE; MODE as MHD takes it). */
static enum MHD_Result
web_respond(struct MHD_Connection *c, unsigned status, const char *type,
    void *body, size_t len, enum MHD_ResponseMemoryMode mode,
    const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	size_t i;

	r = MHD_create_response_from_buffer(len, body, mode);
	if (r == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	for (i = 0; i < sizeof(web_headers) / sizeof(web_headers[0]); i++)
		MHD_add_response_header(r, web_headers[i][0], web_headers[i][1]);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* A short fixed text answer. */
static enum MHD_Result
web_text(struct MHD_Connection *c, unsigned status, const char *text,
    const char *allow)
{
	return web_respond(c, status, "text/plain; charset=utf-8",
	    (void *)text, strlen(text), MHD_RESPMEM_PERSISTENT, allow);
}

/* Answers STATUS with the snapshot as RENDER writes it, into a buffer
 * that MHD frees once sent. */
static enum MHD_Result
web_send(struct web *w, struct MHD_Connection *c, unsigned status,
    const char *type,
    void (*render)(struct web_buf *, const struct web_snapshot *))
{
	struct web_buf b = { 0 };

	render(&b, &w->snap);
	if (b.failed) {
		free(b.data);
		log_event(LOG_LVL_WARN, 0, "status-render-failed", NULL);
		return web_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "response too large\n", NULL);
	}
	return web_respond(c, status, type, b.data, b.len,
	    MHD_RESPMEM_MUST_FREE, NULL);
}

/* A rendered answer of a fresh snapshot. */
static enum MHD_Result
web_rendered(struct web *w, struct MHD_Connection *c, const char *type,
    void (*render)(struct web_buf *, const struct web_snapshot *))
{
	web_snapshot_take(&w->snap, w->site_file, w->peers);
	return web_send(w, c, MHD_HTTP_OK, type, render);
}

/* 200 or 503, with the causes in the body. */
static enum MHD_Result
web_healthz(struct web *w, struct MHD_Connection *c)
{
	web_snapshot_take(&w->snap, w->site_file, w->peers);
	return web_send(w, c, w->snap.healthy ? MHD_HTTP_OK :
	    MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
	    web_render_health);
}

/*
 * Answers a request at once, whatever its body: the status page reads
 * nothing a client sends but the method and the path.
 */
static enum MHD_Result
web_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct web *w = cls;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req_cls;
	if (w->https && web_tls_client_verified(c) == -1)
		return web_text(c, MHD_HTTP_FORBIDDEN, "forbidden: a client "
		    "certificate from the status page's CA is required\n",
		    NULL);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return web_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed: the status page is read-only\n",
		    "GET, HEAD");
	if (strcmp(url, "/") == 0)
		return web_rendered(w, c, "text/html; charset=utf-8",
		    web_render_page);
	if (strcmp(url, "/status.json") == 0)
		return web_rendered(w, c, "application/json", web_render_json);
	if (strcmp(url, "/metrics") == 0)
		return web_rendered(w, c, "text/plain; version=0.0.4; "
		    "charset=utf-8", web_render_metrics);
	if (strcmp(url, "/healthz") == 0)
		return web_healthz(w, c);
	if (strcmp(url, "/status.css") == 0)
		return web_respond(c, MHD_HTTP_OK, "text/css; charset=utf-8",
		    (void *)web_page_css, strlen(web_page_css),
		    MHD_RESPMEM_PERSISTENT, NULL);
	if (strcmp(url, "/status.js") == 0)
		return web_respond(c, MHD_HTTP_OK,
		    "text/javascript; charset=utf-8", (void *)web_page_js,
		    strlen(web_page_js), MHD_RESPMEM_PERSISTENT, NULL);
	return web_text(c, MHD_HTTP_NOT_FOUND, "not found\n", NULL);
}

/* MHD's own complaints, into the guard's log. */
static void
web_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char text[256];
	size_t n;

	(void)cls;
	vsnprintf(text, sizeof(text), fmt, ap);
	n = strlen(text);
	while (n > 0 && text[n - 1] == '\n')
		text[--n] = '\0';
	log_event(LOG_LVL_WARN, 0, "status-http", "what=\"%s\"", text);
}

/* Fills SA with HOST and PORT; returns its length, or 0. */
static socklen_t
web_address(struct sockaddr_storage *sa, const char *host, uint16_t port,
    int *ipv6)
{
	struct sockaddr_in *in = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof(*sa));
	*ipv6 = 0;
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		return sizeof(*in);
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*ipv6 = 1;
		return sizeof(*in6);
	}
	return 0;
}

struct web *
web_start(struct loop *l, const char *host, uint16_t port,
    const struct web_tls *tls, const char *site_file)
{
	struct MHD_OptionItem https[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, NULL },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, NULL },
		{ MHD_OPTION_HTTPS_MEM_TRUST, 0, NULL },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)WEB_TLS_PRIORITIES },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct sockaddr_storage sa;
	const union MHD_DaemonInfo *info;
	struct web *w;
	socklen_t len;
	int ipv6;

	if ((len = web_address(&sa, host, port, &ipv6)) == 0) {
		log_event(LOG_LVL_ERR, 0, "status-failed", "addr=%s", host);
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	if (guard.policy != NULL && guard.policy->npeers > 0 &&
	    (w->peers = calloc(guard.policy->npeers,
	    sizeof(*w->peers))) == NULL) {
		free(w);
		return NULL;
	}
	w->loop = l;
	w->site_file = site_file;
	w->epoll_fd = -1;
	w->listen_fd = -1;
	w->https = tls != NULL;
	if (tls != NULL) {
		https[0].ptr_value = tls->cert;
		https[1].ptr_value = tls->key;
		https[2].ptr_value = tls->client_ca;
	} else
		https[0].option = MHD_OPTION_END;
	w->daemon = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
	    MHD_USE_NO_LISTEN_SOCKET | (ipv6 ? MHD_USE_IPv6 : 0) |
	    (tls != NULL ? MHD_USE_TLS : 0), 0, NULL, NULL, web_request, w,
	    MHD_OPTION_EXTERNAL_LOGGER, web_mhd_log, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, web_closed, w,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)WEB_CONNECTIONS_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_CONN_MEMORY,
	    MHD_OPTION_ARRAY, https,
	    MHD_OPTION_END);
	if (w->daemon == NULL)
		goto fail;
	info = MHD_get_daemon_info(w->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL)
		goto fail;
	w->epoll_fd = info->epoll_fd;
	if (loop_add(l, w->epoll_fd, LOOP_READ, web_readable, w) == -1) {
		w->epoll_fd = -1;
		goto fail;
	}
	if ((w->listen_fd = web_listen(&sa, len)) == -1)
		goto fail;
	if (loop_add(l, w->listen_fd, LOOP_READ, web_accept, w) == -1) {
		close(w->listen_fd);
		w->listen_fd = -1;
		goto fail;
	}
	log_event(LOG_LVL_INFO, 0, "status-listen", "addr=%s:%u scheme=%s",
	    host, (unsigned)port, tls != NULL ? "https" : "http");
	web_run(w);
	return w;
fail:
	log_errno(LOG_LVL_ERR, 0, "status-failed", "addr=%s:%u", host,
	    (unsigned)port);
	web_stop(w);
	return NULL;
}

void
web_stop(struct web *w)
{
	if (w == NULL)
		return;
	loop_timer_cancel(w->loop, &w->timer);
	if (w->epoll_fd != -1)
		loop_del(w->loop, w->epoll_fd);
	if (w->listen_fd != -1) {
		loop_del(w->loop, w->listen_fd);
		close(w->listen_fd);
		w->listen_fd = -1;
	}
	if (w->daemon != NULL)
		MHD_stop_daemon(w->daemon);
	free(w->peers);
	free(w);
}
