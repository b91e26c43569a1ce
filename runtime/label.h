/*
 * The label stage of the pipeline: a stanza's security label (XEP-0258,
 * with ESS labels inside) checked against the clearances of the peer it
 * comes from (may that side send it?) and of the peer it goes to (may it
 * go there?), from the tables xedgec built of the policy's label policies
 * (xedge.policy(5), LABELS).
 */
#ifndef XEDGE_LABEL_H
#define XEDGE_LABEL_H

#include "pipeline.h"

/*
 * Runs the label stage on C. A label that is malformed, or on presence or
 * IQ, is refused by the policy's label rule; a label (or its absence on a
 * message) that a cleared side's clearance does not allow, by that
 * clearance's rule. Presence and IQ without a label are not labelled
 * traffic, and pass. Returns 0 to go on, -1 when the run ended.
 */
int label_stage(struct pipe_ctx *c);

#endif
