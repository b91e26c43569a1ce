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
 * guard. Over HTTPS, a client without a certificate from the site's client
 * CA gets 403 and nothing else. xedge(8) lists the data, the metrics and
 * what healthy means.
 */
#ifndef XEDGE_WEB_H
#define XEDGE_WEB_H

#include <stdint.h>

struct loop;
struct web;
struct web_tls;

/*
 * Reads the status page's HTTPS material: its certificate (chain) and key,
 * and the CA bundle that clients' certificates must chain to, all PEM.
 * Called before the privileges go, since the guard cannot read them after.
 * Returns it (freed by web_tls_free), or NULL (logged) if a file cannot be
 * read, the key does not match the certificate or the CA file holds no
 * certificate.
 */
struct web_tls *web_tls_load(const char *cert_file, const char *key_file,
    const char *client_ca_file);

/* Frees T, its key wiped first (NULL is nothing). */
void web_tls_free(struct web_tls *t);

/*
 * Listens on HOST (a numeric address) and PORT, served from loop L: over
 * HTTPS with TLS (NULL: plain HTTP), which is borrowed until web_stop.
 * SITE is the site file's path for the page (NULL: none), borrowed.
 * Returns the server, or NULL (logged).
 */
struct web *web_start(struct loop *l, const char *host, uint16_t port,
    const struct web_tls *tls, const char *site_file);

/* Closes the listener and every HTTP connection, and frees W (NULL is
 * nothing). */
void web_stop(struct web *w);

#endif
