/*
 * Alerts: every policy violation is reported to the sinks the policy's
 * alert block chooses (the log, a JSON-lines file, an XMPP message to an
 * operator), at most `rate` per rule and window with a count of the rest,
 * and the latest are kept in a bounded ring for the status page. An alert
 * names the stanza (kind, from, to, id) and never carries its content.
 *
 * All state is in struct alert_state, allocated once by alert_init: a flood
 * of alerts costs a constant per alert and no memory.
 */
#ifndef XEDGE_ALERT_H
#define XEDGE_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "policy_types.h"

/* The way a stanza went, seen from the peer whose rule fired: inbound
 * stanzas arrive from it, outbound ones go to it. */
enum alert_dir {
	ALERT_INBOUND = 0,
	ALERT_OUTBOUND
};

/* One violation. The strings are borrowed for the call of alert_raise. */
struct alert {
	uint64_t when_ms;		/* wall clock, ms since the epoch */
	uint64_t conn;			/* connection it came on, 0 none */
	unsigned rule;			/* index in the policy's rules */
	enum gen_verdict verdict;
	int peer;			/* peer the rule belongs to, -1 none */
	enum alert_dir dir;
	enum gen_kind kind;
	const char *from, *to, *id;	/* stanza attributes, NULL if absent */
	const char *why;		/* short text, NULL none */
};

/*
 * Sinks and limits, as the policy's alert block says. Strings are borrowed
 * for the life of the alert_state (the compiler emits them as constants).
 */
struct alert_config {
	unsigned log;			/* a warning line in the log (log.h) */
	const char *file;		/* JSON-lines file, NULL none */
	const char *message_to;		/* operator JID, NULL none */
	const char *message_from;	/* the JID the guard sends from */
	unsigned rate;			/* alerts per rule and window, 0: all */
	unsigned rate_window_ms;
	unsigned recent;		/* alerts kept for the status page */
};

/* The most alerts alert_init keeps for the status page. */
#define ALERT_RECENT_MAX 10000

/* The XMPP sink's own cap, over all rules, so that an operator reading the
 * messages is not drowned: at most ALERT_XMPP_BURST messages per
 * ALERT_XMPP_WINDOW_MS; what it holds back is counted and summed up in one
 * message when the window closes. */
#define ALERT_XMPP_BURST 5
#define ALERT_XMPP_WINDOW_MS 10000

/*
 * Sends BODY (plain text) in a <message/> from FROM to TO through the
 * guard's own routes; ARG is the one given to alert_init. Returns 0, or -1
 * when the message could not be sent.
 */
typedef int alert_send_fn(void *arg, const char *from, const char *to,
    const char *body);

/* Bytes kept of a record's strings, terminator included: a longer value is
 * cut at a UTF-8 character boundary and ends in "...". */
#define ALERT_JID_MAX 320
#define ALERT_ID_MAX 128
#define ALERT_WHY_MAX 128

/* An alert as the sinks report it and the ring keeps it: struct alert with
 * its strings copied; an empty string is an absent attribute. */
struct alert_record {
	uint64_t when_ms;
	uint64_t conn;
	unsigned rule;
	enum gen_verdict verdict;
	int peer;
	enum alert_dir dir;
	enum gen_kind kind;
	char from[ALERT_JID_MAX];
	char to[ALERT_JID_MAX];
	char id[ALERT_ID_MAX];
	char why[ALERT_WHY_MAX];
};

/* A rule's alerts since alert_init. */
struct alert_rule_count {
	uint64_t raised;		/* every alert_raise for the rule */
	uint64_t suppressed;		/* of those, held back by its rate */
};

/* Totals since alert_init. */
struct alert_counters {
	uint64_t raised;
	uint64_t suppressed;		/* by the rules' rates */
	uint64_t messages_held;		/* XMPP messages the cap held back */
	uint64_t file_errors;		/* lines the file sink lost */
	uint64_t send_errors;		/* messages the send callback refused */
};

/* A rate window: opened by its first event, closed once its length has
 * passed; what it held back is reported when it closes. */
struct alert_window {
	uint64_t start_ms;		/* monotonic */
	uint64_t held;
	unsigned used;
	unsigned open;
};

/* A rule's rate window and counters. */
struct alert_rule_state {
	struct alert_window window;
	struct alert_rule_count count;
};

/*
 * The alert module's state; one per guard, or one per test. Embedded by
 * its owner and read only through the functions below. All-zero is an
 * empty state that alert_fini accepts.
 */
struct alert_state {
	const struct alert_config *cfg;
	const struct gen_policy *policy;
	alert_send_fn *send;
	void *send_arg;
	int fd;				/* the file sink's, when cfg->file */
	struct alert_rule_state *rules;	/* policy->nrules */
	struct alert_record *ring;	/* cfg->recent, NULL if 0 */
	size_t ring_next;		/* slot of the next record */
	size_t ring_len;		/* records held */
	struct alert_record scratch;	/* the record when there is no ring */
	struct alert_window messages;	/* the XMPP sink's cap */
	struct alert_counters count;
	unsigned file_failing;		/* last file write failed (logged) */
	unsigned send_failing;		/* last send failed (logged) */
	char *line;			/* formatting buffer, ALERT_LINE_MAX */
};

/*
 * Sets up S for policy P with the sinks and limits of CFG; SEND and ARG
 * deliver XMPP alerts (SEND may be NULL when CFG has no message_to). Opens
 * CFG's file for appending (created 0640, close-on-exec): call it before
 * privileges are dropped and the guard is chrooted. Allocates everything S
 * will ever use. CFG and P are borrowed for the life of S. Returns 0, or -1
 * with errno set (EINVAL: a message sink without SEND or sender, a rate
 * without a window, more than ALERT_RECENT_MAX recent; or the file's open
 * error, logged), S left all-zero.
 */
int alert_init(struct alert_state *s, const struct alert_config *cfg,
    const struct gen_policy *p, alert_send_fn *send, void *arg);

/*
 * Raises alert A at NOW_MS (monotonic, as loop_now gives; A->when_ms is the
 * wall clock it is reported with). Counts it; when its rule's rate allows,
 * reports it to every sink and keeps it in the ring, else counts it as
 * suppressed. If the rule's previous window has closed, its "N alerts
 * suppressed" summary goes out first. A failing sink never stops the
 * others; its failure is logged once until it works again.
 */
void alert_raise(struct alert_state *s, const struct alert *a,
    uint64_t now_ms);

/*
 * Closes every rate window that has passed at NOW_MS (monotonic) and sends
 * each summary of what it held back, dated WALL_MS (ms since the epoch).
 * Call it about once a second; it costs one step per rule.
 */
void alert_tick(struct alert_state *s, uint64_t now_ms, uint64_t wall_ms);

/*
 * Stores in OUT up to MAX of the alerts reported last, newest first, and
 * returns how many. The records belong to S and stay valid until the next
 * alert_raise or alert_fini.
 */
size_t alert_recent(const struct alert_state *s,
    const struct alert_record **out, size_t max);

/* The totals of S. */
const struct alert_counters *alert_counters(const struct alert_state *s);

/* RULE's counters (RULE must be a rule of the policy). */
const struct alert_rule_count *alert_rule_counters(
    const struct alert_state *s, unsigned rule);

/* The names the sinks give a verdict ("pass", "modify", "drop",
 * "bounce"), a stanza kind and a direction ("inbound", "outbound"). */
const char *alert_verdict_name(enum gen_verdict v);
const char *alert_kind_name(enum gen_kind k);
const char *alert_dir_name(enum alert_dir d);

/* Closes the file and frees what S holds; S is all-zero again. Summaries
 * still pending are not sent. */
void alert_fini(struct alert_state *s);

#endif
