/*
 * The text of a message's body and subject as the filters see it: what no
 * namespace shows (OTR markers and encrypted file links in a body) and the
 * policy's words and patterns (text_fold.h, gen_text_match()).
 */
#ifndef XEDGE_CONTENT_TEXT_H
#define XEDGE_CONTENT_TEXT_H

#include "pipeline.h"

/*
 * Checks the text of E, a body (BODY set) or a subject, against filter F.
 * Returns the rule that fires, or 0, with *WHY a static text for it.
 * SCRATCH holds the folded text (grown as needed); returns 0 as well when
 * it cannot grow, having set *WHY to NULL: the caller fails closed.
 */
unsigned content_text(const struct gen_policy *p, const struct gen_filter *f,
    const struct stanza_node *e, int body, struct pipe_buf *scratch,
    const char **why);

#endif
