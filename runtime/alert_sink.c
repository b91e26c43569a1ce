/*
 * The alert sinks: a record or a rate summary formatted as a key=value log
 * line (through log.h, which keeps it one line), as one JSON object per
 * line of the alerts file (written with one write(2), O_APPEND, so lines of
 * several writers never interleave), and as a plain-text message for an
 * operator (through the guard's send callback, under a cap of its own).
 *
 * Whatever the stanza's attributes hold, each output stays well formed:
 * every string is escaped for its sink, invalid UTF-8 becomes U+FFFD, and
 * every length is bounded, so one buffer allocated by alert_init holds the
 * longest line (ALERT_LINE_MAX).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert_int.h"
#include "log.h"

/* The name of each enum gen_verdict, enum gen_kind and enum alert_dir. */
static const char *const alert_verdicts[] = {
	[GEN_VERDICT_PASS] = "pass",
	[GEN_VERDICT_MODIFY] = "modify",
	[GEN_VERDICT_DROP] = "drop",
	[GEN_VERDICT_BOUNCE] = "bounce",
};
static const char *const alert_kinds[] = {
	[GEN_KIND_MESSAGE] = "message",
	[GEN_KIND_PRESENCE] = "presence",
	[GEN_KIND_IQ] = "iq",
};
static const char *const alert_dirs[] = {
	[ALERT_INBOUND] = "inbound",
	[ALERT_OUTBOUND] = "outbound",
};
const char *
alert_verdict_name(enum gen_verdict v)
{
	return alert_verdicts[v];
}

const char *
alert_kind_name(enum gen_kind k)
{
	return alert_kinds[k];
}

const char *
alert_dir_name(enum alert_dir d)
{
	return alert_dirs[d];
}

/* How a message names the peer: a stanza inbound came from it. */
static const char *const alert_dir_peer[] = {
	[ALERT_INBOUND] = "from",
	[ALERT_OUTBOUND] = "to",
};

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" and room for years past 9999. */
#define ALERT_TIME_SIZE 40

/* Writes MS (since the epoch) as ISO 8601 UTC with milliseconds to OUT. */
static void
alert_time(char out[ALERT_TIME_SIZE], uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	if (gmtime_r(&t, &tm) == NULL ||
	    (n = strftime(out, ALERT_TIME_SIZE - 6, "%Y-%m-%dT%H:%M:%S",
	    &tm)) == 0) {
		snprintf(out, ALERT_TIME_SIZE, "-");
		return;
	}
	snprintf(out + n, ALERT_TIME_SIZE - n, ".%03uZ",
	    (unsigned)(ms % 1000));
}

/*
 * Returns the length of the UTF-8 sequence at S (N > 0 bytes left) with
 * its code point in *CP, or 0 if it is not a valid one (RFC 3629: no
 * overlong form, no surrogate, nothing above U+10FFFF).
 */
static size_t
alert_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	uint32_t c = s[0];
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;	/* overlong */
		hi = s[0] == 0xed ? 0x9f : 0xbf;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;	/* overlong */
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return len;
}

size_t
alert_cut(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1), back;

	if (n <= max)
		return n;
	/* A character is at most 4 bytes: past 3 continuation bytes the
	 * text is not UTF-8 anyway, and the escaping marks it. */
	for (back = 0; back < 3 && max > 0 &&
	    ((unsigned char)s[max] & 0xc0) == 0x80; back++)
		max--;
	return max;
}

void
alert_put_escaped(struct alert_buf *b, const char *s, size_t len,
    enum alert_esc mode)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	char *o = b->p + b->len;
	size_t i = 0, n;
	uint32_t cp;

	XEDGE_ASSERT(b->cap - b->len > 6 * len);
	while (i < len) {
		n = alert_utf8(u + i, len - i, &cp);
		if (n == 0) {
			/* JSON text must be UTF-8 (RFC 8259 section 8.1);
			 * U+FFFD as an escape or as itself. */
			n = mode == ALERT_ESC_JSON ? 6 : 3;
			memcpy(o, mode == ALERT_ESC_JSON ? "\\ufffd" :
			    "\xef\xbf\xbd", n);
			o += n;
			i++;
			continue;
		}
		i += n;
		if (cp == '\\' || (cp == '"' && mode == ALERT_ESC_JSON)) {
			*o++ = '\\';
			*o++ = (char)cp;
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			/* C0, DEL and C1 controls: none may act on a
			 * terminal or a reader of the line. */
			*o++ = '\\';
			if (mode == ALERT_ESC_JSON) {
				memcpy(o, "u00", 3);
				o += 3;
			} else {
				*o++ = 'x';
			}
			*o++ = hex[cp >> 4];
			*o++ = hex[cp & 0xf];
		} else if (cp == 0x2028 || cp == 0x2029) {
			/* Line and paragraph separators end a line for
			 * JavaScript and for many readers of text. */
			memcpy(o, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
			o += 6;
		} else {
			memcpy(o, s + i - n, n);
			o += n;
		}
	}
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
}

/* Appends the printf-style FMT to B; the formats here are bounded, so
 * running out of room is a broken invariant. */
static void __attribute__((format(printf, 2, 3)))
alert_putf(struct alert_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	XEDGE_ASSERT(n >= 0 && (size_t)n < b->cap - b->len);
	b->len += (size_t)n;
}

/* An empty buffer over S's formatting buffer. */
static struct alert_buf
alert_buf(struct alert_state *s)
{
	s->line[0] = '\0';
	return (struct alert_buf){ .p = s->line, .cap = ALERT_LINE_MAX };
}

/* Appends the string S, at most MAX bytes of it, escaped as MODE says; in
 * JSON quoted, or null when S is NULL or empty. */
static void
alert_put_str(struct alert_buf *b, const char *s, size_t max,
    enum alert_esc mode)
{
	int json = mode == ALERT_ESC_JSON;

	if (s == NULL || *s == '\0') {
		alert_putf(b, "%s", json ? "null" : "-");
		return;
	}
	alert_putf(b, "%s", json ? "\"" : "");
	alert_put_escaped(b, s, alert_cut(s, max), mode);
	alert_putf(b, "%s", json ? "\"" : "");
}

/* The name of S's peer PEER, NULL for none. */
static const char *
alert_peer_name(const struct alert_state *s, int peer)
{
	return peer >= 0 ? s->policy->peers[peer].name : NULL;
}

/* ---- the JSON-lines file -------------------------------------------- */

/* Appends ,"KEY":S to the JSON object in B (S a string of at most MAX
 * bytes, or NULL). */
static void
alert_json_str(struct alert_buf *b, const char *key, const char *s,
    size_t max)
{
	alert_putf(b, ",\"%s\":", key);
	alert_put_str(b, s, max, ALERT_ESC_JSON);
}

/* The guard an alert names: a pair's guards share the guard block, so
 * each says which of the three it is. */
static const char *
alert_guard_name(const struct alert_state *s)
{
	return s->policy->role_name != NULL ? s->policy->role_name :
	    s->policy->guard.name;
}

/* Starts the JSON object of an EVENT about RULE dated WALL_MS in B: the
 * fields every line has. */
static void
alert_json_head(const struct alert_state *s, struct alert_buf *b,
    uint64_t wall_ms, const char *event, unsigned rule)
{
	const struct gen_rule *r = &s->policy->rules[rule];
	char when[ALERT_TIME_SIZE];

	alert_time(when, wall_ms);
	alert_putf(b, "{\"time\":\"%s\"", when);
	alert_json_str(b, "guard", alert_guard_name(s), ALERT_NAME_MAX);
	alert_putf(b, ",\"event\":\"%s\"", event);
	alert_json_str(b, "rule", r->name, ALERT_NAME_MAX);
	alert_json_str(b, "file", r->file, ALERT_NAME_MAX);
	alert_putf(b, ",\"line\":%u", r->line);
}

/*
 * Records the outcome of one delivery to a sink: the first failure after a
 * success is logged (with errno when WITH_ERRNO), and so is the first
 * success after failures; every failure is counted in *ERRORS. A sink that
 * keeps failing thus costs one log line, not one per alert.
 */
static void
alert_sink_result(unsigned *failing, uint64_t *errors, const char *sink,
    int ok, int with_errno)
{
	if (ok) {
		if (*failing)
			log_event(LOG_LVL_INFO, 0, "alert-sink-recovered",
			    "sink=%s errors=%" PRIu64, sink, *errors);
		*failing = 0;
		return;
	}
	(*errors)++;
	if (*failing)
		return;
	*failing = 1;
	if (with_errno)
		log_errno(LOG_LVL_WARN, 0, "alert-sink-failed", "sink=%s", sink);
	else
		log_event(LOG_LVL_WARN, 0, "alert-sink-failed", "sink=%s", sink);
}

/* Appends the line in B to the alerts file in one write(2). */
static void
alert_file_write(struct alert_state *s, const struct alert_buf *b)
{
	ssize_t n;

	do
		n = write(s->fd, b->p, b->len);
	while (n == -1 && errno == EINTR);
	/* A short write to a file is a full disk; the line is lost. */
	if (n != -1 && (size_t)n != b->len)
		errno = ENOSPC;
	alert_sink_result(&s->file_failing, &s->count.file_errors, "file",
	    n != -1 && (size_t)n == b->len, 1);
}

/* ---- the XMPP message ---------------------------------------------- */

/* Appends "xedge GUARD: " to B, the first words of every message. */
static void
alert_text_head(const struct alert_state *s, struct alert_buf *b)
{
	alert_putf(b, "xedge ");
	alert_put_str(b, alert_guard_name(s), ALERT_NAME_MAX,
	    ALERT_ESC_TEXT);
	alert_putf(b, ": ");
}

/* Appends "NAME (FILE:LINE)" of RULE to B. */
static void
alert_text_rule(const struct alert_state *s, struct alert_buf *b,
    unsigned rule)
{
	const struct gen_rule *r = &s->policy->rules[rule];

	alert_put_str(b, r->name, ALERT_NAME_MAX, ALERT_ESC_TEXT);
	if (r->file == NULL) {
		alert_putf(b, " (built in)");
		return;
	}
	alert_putf(b, " (");
	alert_put_str(b, r->file, ALERT_NAME_MAX, ALERT_ESC_TEXT);
	alert_putf(b, ":%u)", r->line);
}

/* Appends "LABEL: S\n" to B (S at most MAX bytes, - when empty). */
static void
alert_text_field(struct alert_buf *b, const char *label, const char *s,
    size_t max)
{
	alert_putf(b, "%s: ", label);
	alert_put_str(b, s, max, ALERT_ESC_TEXT);
	alert_putf(b, "\n");
}

/* Ends a message in B with its date, WALL_MS. */
static void
alert_text_time(struct alert_buf *b, uint64_t wall_ms)
{
	char when[ALERT_TIME_SIZE];

	alert_time(when, wall_ms);
	alert_putf(b, "time: %s", when);
}

/* Sends the message in B to the operator. */
static void
alert_message_send(struct alert_state *s, const struct alert_buf *b)
{
	int ok = s->send(s->send_arg, s->cfg->message_from,
	    s->cfg->message_to, b->p) == 0;

	alert_sink_result(&s->send_failing, &s->count.send_errors, "message",
	    ok, 0);
}

void
alert_sink_messages_tick(struct alert_state *s, uint64_t now_ms,
    uint64_t wall_ms)
{
	uint64_t held = alert_window_close(&s->messages, now_ms,
	    ALERT_XMPP_WINDOW_MS);
	struct alert_buf b;

	if (held == 0)
		return;
	log_event(LOG_LVL_WARN, 0, "alert-messages-held",
	    "count=%" PRIu64 " window_ms=%u", held, ALERT_XMPP_WINDOW_MS);
	/* The first message of the new window: it always fits. */
	alert_window_take(&s->messages, now_ms, ALERT_XMPP_BURST);
	b = alert_buf(s);
	alert_text_head(s, &b);
	alert_putf(&b, "%" PRIu64 " alert messages held back (at most %u "
	    "per %u ms)\n", held, ALERT_XMPP_BURST, ALERT_XMPP_WINDOW_MS);
	alert_text_time(&b, wall_ms);
	alert_message_send(s, &b);
}

/* Whether the XMPP sink may send one more message at NOW_MS under its
 * cap: closes the cap's window first if it has passed (see
 * alert_sink_messages_tick), then counts the message in it. */
static int
alert_message_admit(struct alert_state *s, uint64_t now_ms,
    uint64_t wall_ms)
{
	alert_sink_messages_tick(s, now_ms, wall_ms);
	if (alert_window_take(&s->messages, now_ms, ALERT_XMPP_BURST))
		return 1;
	s->count.messages_held++;
	return 0;
}

/* ---- the sinks ------------------------------------------------------ */

/* The policy's names of a line in the log, quoted. */
struct alert_log_names {
	char guard[LOG_QUOTE_SIZE(64)];
	char rule[LOG_QUOTE_SIZE(64)];
	char file[LOG_QUOTE_SIZE(64)];
	char time[ALERT_TIME_SIZE];
	unsigned line;
};

/* Fills *Q with the names of S's RULE and the date WALL_MS. */
static void
alert_log_names(const struct alert_state *s, unsigned rule,
    uint64_t wall_ms, struct alert_log_names *q)
{
	const struct gen_rule *r = &s->policy->rules[rule];

	log_quote(alert_guard_name(s), q->guard, sizeof(q->guard));
	log_quote(r->name, q->rule, sizeof(q->rule));
	log_quote(r->file, q->file, sizeof(q->file));
	alert_time(q->time, wall_ms);
	q->line = r->line;
}

/* S, or NULL when empty: a record's absent attribute, for log_quote. */
static const char *
alert_or_null(const char *s)
{
	return *s != '\0' ? s : NULL;
}

/* Logs record R as a warning. */
static void
alert_log_alert(const struct alert_state *s, const struct alert_record *r)
{
	char peer[LOG_QUOTE_SIZE(64)], from[LOG_QUOTE_SIZE(128)],
	    to[LOG_QUOTE_SIZE(128)], id[LOG_QUOTE_SIZE(64)],
	    why[LOG_QUOTE_SIZE(64)];
	struct alert_log_names q;

	alert_log_names(s, r->rule, r->when_ms, &q);
	log_event(LOG_LVL_WARN, r->conn, "alert", "time=%s guard=%s peer=%s "
	    "dir=%s rule=%s file=%s line=%u verdict=%s kind=%s from=%s to=%s "
	    "id=%s why=%s", q.time, q.guard,
	    log_quote(alert_peer_name(s, r->peer), peer, sizeof(peer)),
	    alert_dirs[r->dir], q.rule, q.file, q.line,
	    alert_verdicts[r->verdict], alert_kinds[r->kind],
	    log_quote(alert_or_null(r->from), from, sizeof(from)),
	    log_quote(alert_or_null(r->to), to, sizeof(to)),
	    log_quote(alert_or_null(r->id), id, sizeof(id)),
	    log_quote(alert_or_null(r->why), why, sizeof(why)));
}

void
alert_sink_alert(struct alert_state *s, const struct alert_record *r,
    uint64_t now_ms)
{
	const char *peer = alert_peer_name(s, r->peer);
	struct alert_buf b;

	if (s->cfg->log)
		alert_log_alert(s, r);
	if (s->cfg->file != NULL) {
		b = alert_buf(s);
		alert_json_head(s, &b, r->when_ms, "alert", r->rule);
		alert_json_str(&b, "peer", peer, ALERT_NAME_MAX);
		alert_putf(&b, ",\"dir\":\"%s\",\"verdict\":\"%s\","
		    "\"kind\":\"%s\"", alert_dirs[r->dir],
		    alert_verdicts[r->verdict], alert_kinds[r->kind]);
		alert_json_str(&b, "from", r->from, ALERT_JID_MAX);
		alert_json_str(&b, "to", r->to, ALERT_JID_MAX);
		alert_json_str(&b, "id", r->id, ALERT_ID_MAX);
		alert_json_str(&b, "why", r->why, ALERT_WHY_MAX);
		alert_putf(&b, ",\"conn\":%" PRIu64 "}\n", r->conn);
		alert_file_write(s, &b);
	}
	if (s->cfg->message_to != NULL &&
	    alert_message_admit(s, now_ms, r->when_ms)) {
		b = alert_buf(s);
		alert_text_head(s, &b);
		alert_putf(&b, "%s of an %s %s", alert_verdicts[r->verdict],
		    alert_dirs[r->dir], alert_kinds[r->kind]);
		if (peer != NULL) {
			alert_putf(&b, " %s peer ", alert_dir_peer[r->dir]);
			alert_put_str(&b, peer, ALERT_NAME_MAX, ALERT_ESC_TEXT);
		}
		alert_putf(&b, "\nrule: ");
		alert_text_rule(s, &b, r->rule);
		alert_putf(&b, "\n");
		alert_text_field(&b, "from", r->from, ALERT_JID_MAX);
		alert_text_field(&b, "to", r->to, ALERT_JID_MAX);
		alert_text_field(&b, "id", r->id, ALERT_ID_MAX);
		alert_text_field(&b, "why", r->why, ALERT_WHY_MAX);
		alert_text_time(&b, r->when_ms);
		alert_message_send(s, &b);
	}
}

void
alert_sink_suppressed(struct alert_state *s, unsigned rule, uint64_t held,
    uint64_t now_ms, uint64_t wall_ms)
{
	unsigned window = s->cfg->rate_window_ms;
	struct alert_log_names q;
	struct alert_buf b;

	if (s->cfg->log) {
		alert_log_names(s, rule, wall_ms, &q);
		log_event(LOG_LVL_WARN, 0, "alert-suppressed", "time=%s "
		    "guard=%s rule=%s file=%s line=%u count=%" PRIu64
		    " window_ms=%u", q.time, q.guard, q.rule, q.file, q.line,
		    held, window);
	}
	if (s->cfg->file != NULL) {
		b = alert_buf(s);
		alert_json_head(s, &b, wall_ms, "suppressed", rule);
		alert_putf(&b, ",\"count\":%" PRIu64 ",\"window_ms\":%u}\n",
		    held, window);
		alert_file_write(s, &b);
	}
	if (s->cfg->message_to != NULL &&
	    alert_message_admit(s, now_ms, wall_ms)) {
		b = alert_buf(s);
		alert_text_head(s, &b);
		alert_putf(&b, "rule ");
		alert_text_rule(s, &b, rule);
		alert_putf(&b, ": %" PRIu64 " alerts suppressed in %u ms\n",
		    held, window);
		alert_text_time(&b, wall_ms);
		alert_message_send(s, &b);
	}
}
