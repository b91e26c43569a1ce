/*
 * Server-to-server streams (RFC 6120), both directions: what the rest of
 * the guard sees of them. Inbound streams are accepted here and hand their
 * stanzas to routing (route_stanza); outbound streams are reached through
 * the S2S egress (s2s_egress in egress.h). Everything else is private to
 * the s2s files (s2s_int.h).
 */
#ifndef XEDGE_S2S_H
#define XEDGE_S2S_H

#include <stddef.h>

/* Accepts the connected socket FD as a new inbound stream; DIRECT_TLS: TLS
 * starts with the first byte. */
void s2s_accept(int fd, int direct_tls);

/* Starts a clean shutdown of every stream (SIGTERM); returns the number of
 * streams still alive. */
size_t s2s_shutdown_all(void);

#endif
