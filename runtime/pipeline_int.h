/*
 * What the stages of the pipeline share (pipeline.c, content.c): ending a
 * run, and recording the rules that acted.
 */
#ifndef XEDGE_PIPELINE_INT_H
#define XEDGE_PIPELINE_INT_H

#include "pipeline.h"

/* Ends the run of C with END by RULE and VERDICT, for the reason WHY (a
 * static text). Returns -1, for a stage to return. */
int pipeline_end(struct pipe_ctx *c, enum pipe_end end, unsigned rule,
    enum gen_verdict verdict, const char *why);

/* Ends the run with a refusal: stanza error COND by RULE. Returns -1. */
int pipeline_refuse(struct pipe_ctx *c, unsigned rule, enum stanza_cond cond,
    const char *why);

/*
 * Applies RULE with verdict V at PEER's side of direction DIR: records it,
 * and ends the run unless V is a pass (an audit: the stanza crosses, an
 * alert is raised). An IQ get or set is always answered, so it is never
 * dropped silently; what may not be answered is dropped. Returns 0 to go
 * on, -1 when the run ended.
 */
int pipeline_fire(struct pipe_ctx *c, unsigned rule, enum gen_verdict v,
    int peer, enum pipe_dir dir, const char *why);

/*
 * Turns the stanza of run C, whose children the caller has replaced,
 * into the guard's answer to its sender: a result from its 'to' to its
 * 'from', with its id. Ends the run delivering it to the source peer.
 * Returns -1, for a stage to return.
 */
int pipeline_reply(struct pipe_ctx *c);

/* Records that RULE changed the stanza as a matter of course (a label
 * relabelled, a catalog cut down): the stanza counts as modified by it,
 * and no alert is raised, for nothing was refused. */
void pipeline_modified(struct pipe_ctx *c, unsigned rule);

/* Records that RULE acted with VERDICT at PEER's filter of direction DIR. */
void pipeline_hit(struct pipe_ctx *c, unsigned rule, enum gen_verdict verdict,
    int peer, enum pipe_dir dir);

#endif
