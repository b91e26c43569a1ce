/*
 * The text of a message's body and subject as the filters see it: what no
 * namespace shows (OTR markers and encrypted file links in a body) and the
 * policy's words and patterns (text_fold.h, text_match()).
 */
#ifndef XEDGE_CONTENT_TEXT_H
#define XEDGE_CONTENT_TEXT_H

#include "pipeline.h"

/*
 * Checks the text of E, a body (BODY set) or a subject, against filter F
 * in run C. Returns the rule that fires, or 0, with *WHY a static text for
 * it. C->out holds the folded text (grown as needed); when it cannot grow,
 * returns 0 with *WHY NULL: the caller fails closed. The words found are
 * kept in C for the next filter that reads E, if nothing was stripped
 * meanwhile: a body is read once however many filters look at it.
 */
unsigned content_text(struct pipe_ctx *c, const struct gen_filter *f,
    const struct stanza_node *e, int body, const char **why);

#endif
