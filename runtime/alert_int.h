/*
 * Internals of the alert module, shared by alert.c (state, rates, ring)
 * and alert_sink.c (formatting and the sinks), and open to its unit test.
 */
#ifndef XEDGE_ALERT_INT_H
#define XEDGE_ALERT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"

/* Bytes of a policy string (guard, peer and rule names, file) a sink
 * reports: the compiler's names are short, this only bounds the line. */
#define ALERT_NAME_MAX 128

/*
 * The formatting buffer: the longest line is every string escaped at its
 * worst (6 bytes per input byte, a \u escape), plus the keys and numbers.
 */
#define ALERT_ESCAPED_MAX \
	(6 * (4 * ALERT_NAME_MAX + 2 * ALERT_JID_MAX + ALERT_ID_MAX + \
	ALERT_WHY_MAX))
#define ALERT_LINE_MAX (ALERT_ESCAPED_MAX + 1024)

/* Text being formatted: LEN bytes of P used, CAP in all. */
struct alert_buf {
	char *p;
	size_t len, cap;
};

/* How a string is escaped: as a JSON string's content, or as plain text
 * for an operator (control bytes as \xNN, a backslash doubled). Both turn
 * invalid UTF-8 into U+FFFD. */
enum alert_esc {
	ALERT_ESC_JSON = 0,
	ALERT_ESC_TEXT
};

/* Appends LEN bytes of S to B escaped as MODE says. B must have room for 6
 * bytes per byte of S (a broken bound is fatal). */
void alert_put_escaped(struct alert_buf *b, const char *s, size_t len,
    enum alert_esc mode);

/* The length of S cut to at most MAX bytes, backed off to a UTF-8
 * character boundary. */
size_t alert_cut(const char *s, size_t max);

/* Reports record R (rule and peer names from S's policy) to each sink S's
 * configuration has; NOW_MS (monotonic) is for the XMPP sink's cap. */
void alert_sink_alert(struct alert_state *s, const struct alert_record *r,
    uint64_t now_ms);

/* Reports to each sink that RULE's window of S held back HELD alerts,
 * dated WALL_MS. */
void alert_sink_suppressed(struct alert_state *s, unsigned rule,
    uint64_t held, uint64_t now_ms, uint64_t wall_ms);

/* Closes the XMPP sink's cap window if it has passed at NOW_MS and, if it
 * held messages back, says so in the log and in one message dated
 * WALL_MS. */
void alert_sink_messages_tick(struct alert_state *s, uint64_t now_ms,
    uint64_t wall_ms);

/*
 * Closes W if it is open and LEN_MS have passed since it opened, at NOW_MS.
 * Returns what it held back, or 0 (also when it stays open).
 */
static inline uint64_t
alert_window_close(struct alert_window *w, uint64_t now_ms, uint64_t len_ms)
{
	uint64_t held = w->held;

	if (!w->open || now_ms - w->start_ms < len_ms)
		return 0;
	*w = (struct alert_window){ 0 };
	return held;
}

/* Counts one event in W at NOW_MS, opening it if closed. Returns 1 when it
 * is among the first LIMIT of the window, else 0 (held back). */
static inline int
alert_window_take(struct alert_window *w, uint64_t now_ms, unsigned limit)
{
	if (!w->open) {
		w->open = 1;
		w->start_ms = now_ms;
	}
	if (w->used < limit) {
		w->used++;
		return 1;
	}
	w->held++;
	return 0;
}

#endif
