/*
 * Logging: each event is one line of key=value fields, written with a
 * single write(2) to stderr (so lines from several processes do not
 * interleave) or handed to syslog.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

/* A longer line is cut; the event and the first fields come first. */
#define LOG_LINE_MAX 2048

static int log_syslog;
static enum log_level log_min = LOG_LVL_INFO;

static const char *const log_names[] = {
	[LOG_LVL_DEBUG] = "debug",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_ERR] = "error",
};

static const int log_priorities[] = {
	[LOG_LVL_DEBUG] = LOG_DEBUG,
	[LOG_LVL_INFO] = LOG_INFO,
	[LOG_LVL_WARN] = LOG_WARNING,
	[LOG_LVL_ERR] = LOG_ERR,
};

void
log_use_syslog(void)
{
	openlog("xedge", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = 1;
}

void
log_set_level(enum log_level min)
{
	log_min = min;
}

/*
 * Copies INLEN bytes of IN into OUT, writing at most CAP bytes: each control
 * byte (below 0x20, and 0x7f) as \xNN so that no value can end the line or
 * start another; when QUOTED, also each double quote and backslash preceded
 * by a backslash so that no value can close its quotes. An escape is written whole or not at all.
 * Returns the bytes written and stores in *DONE how many of IN they cover.
 */
static size_t
log_escape(char *out, size_t cap, const char *in, size_t inlen, int quoted,
    size_t *done)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, len = 0, n;
	char unit[4];

	for (i = 0; i < inlen; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c < 0x20 || c == 0x7f) {
			unit[0] = '\\';
			unit[1] = 'x';
			unit[2] = hex[c >> 4];
			unit[3] = hex[c & 0xf];
			n = 4;
		} else if (quoted && (c == '"' || c == '\\')) {
			unit[0] = '\\';
			unit[1] = (char)c;
			n = 2;
		} else {
			unit[0] = (char)c;
			n = 1;
		}
		if (n > cap - len)
			break;
		memcpy(out + len, unit, n);
		len += n;
	}
	*done = i;
	return len;
}

/*
 * Formats and emits one line: the level, the connection, the event, the
 * caller's fields from FMT and AP, and ERR_TEXT as err="..." if not NULL.
 * Whatever the fields hold, the line stays one line: the formatted text
 * passes through log_escape before it is written.
 */
static void
log_line(enum log_level lvl, uint64_t conn, const char *event,
    const char *err_text, const char *fmt, va_list ap)
{
	char raw[LOG_LINE_MAX], line[LOG_LINE_MAX];
	size_t rawlen = 0, len, done;
	int n;

	if (lvl < log_min)
		return;
	n = snprintf(raw, sizeof(raw), "level=%s", log_names[lvl]);
	rawlen = (size_t)n;
	if (conn != 0 && rawlen < sizeof(raw)) {
		n = snprintf(raw + rawlen, sizeof(raw) - rawlen,
		    " conn=%" PRIu64, conn);
		rawlen += (size_t)n;
	}
	if (rawlen < sizeof(raw)) {
		n = snprintf(raw + rawlen, sizeof(raw) - rawlen, " event=%s",
		    event);
		rawlen += (size_t)n;
	}
	if (fmt != NULL && *fmt != '\0' && rawlen + 1 < sizeof(raw)) {
		raw[rawlen++] = ' ';
		raw[rawlen] = '\0';
		n = vsnprintf(raw + rawlen, sizeof(raw) - rawlen, fmt, ap);
		if (n > 0)
			rawlen += (size_t)n;
	}
	if (err_text != NULL && rawlen < sizeof(raw)) {
		n = snprintf(raw + rawlen, sizeof(raw) - rawlen, " err=\"%s\"",
		    err_text);
		rawlen += (size_t)n;
	}
	if (rawlen >= sizeof(raw))
		rawlen = sizeof(raw) - 1;
	/* One byte is kept for the newline, or for syslog's terminator. */
	len = log_escape(line, sizeof(line) - 1, raw, rawlen, 0, &done);
	if (log_syslog) {
		line[len] = '\0';
		syslog(log_priorities[lvl], "%s", line);
		return;
	}
	line[len++] = '\n';
	/* Nothing sensible can be done about a failed write to stderr. */
	if (write(STDERR_FILENO, line, len) == -1)
		return;
}

/*
 * Writes S into BUF (CAP bytes, at least LOG_QUOTE_MIN) as a double-quoted
 * value escaped by log_escape; a value too long for BUF is cut at an escape's
 * boundary and ends in "..." inside the quotes. A NULL S is written as -, the
 * log's mark for a value not known. Returns BUF.
 */
const char *
log_quote(const char *s, char *buf, size_t cap)
{
	size_t slen, len, done;

	XEDGE_ASSERT(cap >= LOG_QUOTE_MIN);
	if (s == NULL) {
		memcpy(buf, "-", 2);
		return buf;
	}
	slen = strlen(s);
	buf[0] = '"';
	/* Room is kept for the closing quote and the terminator. */
	len = 1 + log_escape(buf + 1, cap - 3, s, slen, 1, &done);
	if (done < slen) {
		len = 1 + log_escape(buf + 1, cap - 6, s, slen, 1, &done);
		memcpy(buf + len, "...", 3);
		len += 3;
	}
	buf[len++] = '"';
	buf[len] = '\0';
	return buf;
}

void
log_event(enum log_level lvl, uint64_t conn, const char *event,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(lvl, conn, event, NULL, fmt, ap);
	va_end(ap);
}

void
log_errno(enum log_level lvl, uint64_t conn, const char *event,
    const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_line(lvl, conn, event, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

/*
 * Logs a broken invariant at any level setting and aborts, leaving a core
 * for the post-mortem.
 */
void
log_fatal(const char *what, const char *file, int line)
{
	char quoted[LOG_QUOTE_SIZE(128)];

	log_min = LOG_LVL_DEBUG;
	log_event(LOG_LVL_ERR, 0, "fatal", "assertion=%s at=%s:%d",
	    log_quote(what, quoted, sizeof(quoted)), file, line);
	abort();
}
