/*
 * The content stage of the decision pipeline: the filters of the policy
 * (xedge.policy(5), FILTERS) applied to a routed stanza, in place: the
 * source peer's inbound filters, then the destination's outbound ones.
 * What a filter does is in the tables xedgec generated (struct gen_filter);
 * this file is the mechanism: one walk over the tree per filter, blocks and
 * strips found by the generated namespace machine at any depth (a wrapper
 * such as a forwarded message or a carbon hides nothing), presence folded,
 * service discovery answers and caps cut down to what may cross.
 */
#ifndef XEDGE_CONTENT_H
#define XEDGE_CONTENT_H

#include "pipeline.h"

/* Runs the content filters over C's stanza. Returns 0 when the stanza goes
 * on (possibly modified, C->hits saying by which rules), -1 when a rule
 * ended the run (C->end says how). */
int content_stage(struct pipe_ctx *c);

/* Checks the serialized stanza of C (C->len bytes) against the size
 * limits of its filters. Returns 0, or -1 when one ended the run. */
int content_size(struct pipe_ctx *c);

#endif
