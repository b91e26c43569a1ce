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

/* Sets up the S2S layer's state for the guard (the outbound streams by
 * their domains, the backoff of domains that could not be reached): 0, or
 * -1 without memory. s2s_fini frees it, once no stream is left. */
int s2s_init(void);
void s2s_fini(void);

/* Accepts the connected socket FD as a new inbound stream; DIRECT_TLS: TLS
 * starts with the first byte. */
void s2s_accept(int fd, int direct_tls);

/* Opens a stream to every peer whose link is required and that has no
 * ready stream (s2s_link.c); called once a second, and once at start. */
void s2s_links_tick(void);

/*
 * Starts a clean shutdown (SIGTERM), as RFC 6120 section 4.4 has it: each
 * authenticated inbound stream gets a system-shutdown stream error and the
 * closing tag, and is read on until its peer closes its side, so that the
 * stanzas the peer sent before it learnt of the shutdown are delivered or
 * bounced, not dropped unread; other inbound streams end at once, and
 * outbound streams not yet ready bounce what waited on them. Returns the
 * number of streams still alive.
 */
size_t s2s_shutdown_all(void);

/* The next step of a shutdown, called until no stream is left: once no
 * inbound stream is open (or FORCE, which closes those still open), the
 * outbound streams flush and close. Returns the streams still alive. */
size_t s2s_shutdown_step(int force);

#endif
