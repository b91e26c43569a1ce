/*
 * The read-only status page: an HTTP server (libmicrohttpd) on the guard's
 * own event loop, on the same thread as everything else. It serves
 *
 *   GET /             the page, HTML (with /status.css and /status.js)
 *   GET /status.json  the same data as JSON
 *   GET /metrics      Prometheus text exposition
 *   GET /healthz      200 "ok" or 503 "unhealthy"
 *
 * HEAD as well; any other method gets 405. Nothing it serves changes the
 * guard. xedge(8) lists the data, the metrics and what healthy means.
 */
#ifndef XEDGE_WEB_H
#define XEDGE_WEB_H

#include <stdint.h>

struct loop;
struct web;

/*
 * Listens on HOST (a numeric address) and PORT, served from loop L; SITE
 * is the site file's path for the page (NULL: none), borrowed. Returns the
 * server, or NULL (logged).
 */
struct web *web_start(struct loop *l, const char *host, uint16_t port,
    const char *site_file);

/* Closes the listener and every HTTP connection, and frees W (NULL is
 * nothing). */
void web_stop(struct web *w);

#endif
