/*
 * Guard pairs (xedge-gcxp(7)): what the rest of the guard sees of the
 * links of a build that is an edge or the validator of a pair. An edge's
 * way to the other edge's peers is the gcxp egress (egress.h); the
 * validator has no other way in or out.
 */
#ifndef XEDGE_GCXP_H
#define XEDGE_GCXP_H

#include <stddef.h>

/* Loads the pair's certificate, key and CA of a build that has a role
 * (nothing for a single guard), before the privileges go; 0, or -1
 * (logged). */
int gcxp_load(void);

/* Starts the edge's link to the validator, or the validator's listener;
 * 0, or -1 (logged). */
int gcxp_start(void);

/*
 * A step of a clean shutdown, called until it returns 0: the validator
 * stops listening and ends its links; an edge ends its link once every
 * frame it sent is acknowledged, or at once with FORCE (what is left is
 * logged as abandoned). Returns the links whose connection is still open.
 */
size_t gcxp_shutdown_step(int force);

/* Closes the links and frees what gcxp_load and gcxp_start made. */
void gcxp_free(void);

#endif
