/*
 * Structural checks of a stanza before it is routed: what RFC 6120
 * section 8 (and RFC 6121 for the message and presence types) requires
 * of <message/>, <presence/> and <iq/> and of a stanza error. The checks
 * read the parsed element only: no allocation, one pass over the
 * stanza's attributes and one over its children (and, for an error
 * stanza, over the children of its <error/>).
 */
#ifndef XEDGE_STANZA_CHECK_H
#define XEDGE_STANZA_CHECK_H

#include "stanza.h"

/*
 * The longest 'id' accepted, in bytes. RFC 6120 bounds no 'id', nor does
 * Prosody 0.12.3's source apart from its stanza size limit (ejabberd's
 * was not checked); this is the longest full JID (RFC 7622: three parts
 * of at most 1023 bytes, '@' and '/'), room enough for servers and
 * gateways that encode an address and an original id in the ids they
 * make.
 */
#define STANZA_CHECK_ID_MAX 3071

/* What is wrong with a stanza; the edge turns it into a word for the log
 * with stanza_check_defect_name. */
enum stanza_check_defect {
	STANZA_CHECK_OK = 0,
	STANZA_CHECK_KIND,		/* not message, presence or iq */
	STANZA_CHECK_TYPE,		/* 'type' not one its kind defines */
	STANZA_CHECK_ID_LENGTH,		/* 'id' over STANZA_CHECK_ID_MAX */
	STANZA_CHECK_LANG,		/* an xml:lang not shaped as BCP 47 */
	STANZA_CHECK_IQ_NO_ID,		/* an iq without 'id' */
	STANZA_CHECK_IQ_NO_TYPE,	/* an iq without 'type' */
	STANZA_CHECK_IQ_REQUEST,	/* get or set: not one child element */
	STANZA_CHECK_IQ_RESULT,		/* result: more than one child element */
	STANZA_CHECK_ERROR_MISSING,	/* type 'error' without <error/> */
	STANZA_CHECK_ERROR_UNEXPECTED,	/* <error/> in a stanza of another type */
	STANZA_CHECK_ERROR_DUPLICATE,	/* more than one <error/> */
	STANZA_CHECK_ERROR_TYPE,	/* <error/> 'type' absent or unknown */
	STANZA_CHECK_ERROR_BY,		/* <error/> 'by' not a JID */
	STANZA_CHECK_CONDITION_MISSING,	/* no defined condition */
	STANZA_CHECK_CONDITION_DUPLICATE,	/* more than one */
	STANZA_CHECK_CONDITION_UNKNOWN,	/* not one RFC 6120 8.3.3 defines */
	STANZA_CHECK_TEXT_DUPLICATE,	/* more than one <text/> */
	STANZA_CHECK_APP_DUPLICATE	/* more than one application condition */
};

/*
 * Checks stanza E (its namespace the stream's content namespace, as the
 * tokenizer gives it), whose attributes H holds (stanza_head), and returns
 * the first defect found, or STANZA_CHECK_OK. 'from' and 'to' are the
 * router's to check.
 */
enum stanza_check_defect stanza_check_stanza(const struct stanza_node *e,
    const struct stanza_head *h);

/* A short name for defect D, for log lines, e.g. "iq-without-id". */
const char *stanza_check_defect_name(enum stanza_check_defect d);

#endif
