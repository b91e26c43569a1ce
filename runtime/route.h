/*
 * Routing: a stanza received on an authenticated inbound stream goes to the
 * outbound stream for its from and to domains, as the generated routing
 * machine decides; what cannot be delivered goes back to its sender as a
 * stanza error.
 */
#ifndef XEDGE_ROUTE_H
#define XEDGE_ROUTE_H

#include "s2s.h"
#include "stanza.h"

/*
 * Takes stanza E received on inbound stream IN. Checks its addresses (a
 * 'from' domain not authenticated on IN is a stream error), routes it, and
 * bounces it when it cannot be delivered.
 */
void route_stanza(struct s2s *in, struct stanza_node *e);

/* Sends what waited on outbound stream OUT, now ready. */
void route_flush_queue(struct s2s *out);

/* Bounces everything queued on OUT with stanza error COND; NULL for
 * streams that carry no stanzas (verification, inbound). */
void route_bounce_queue(struct s2s *out, const char *cond);

#endif
