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
 * Formats and emits one line: the level, the connection, the event, the
 * caller's fields from FMT and AP, and ERR_TEXT as err="..." if not NULL.
 */
static void
log_line(enum log_level lvl, uint64_t conn, const char *event,
    const char *err_text, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t len = 0;
	int n;

	if (lvl < log_min)
		return;
	n = snprintf(line, sizeof(line), "level=%s", log_names[lvl]);
	len = (size_t)n;
	if (conn != 0 && len < sizeof(line)) {
		n = snprintf(line + len, sizeof(line) - len, " conn=%" PRIu64,
		    conn);
		len += (size_t)n;
	}
	if (len < sizeof(line)) {
		n = snprintf(line + len, sizeof(line) - len, " event=%s", event);
		len += (size_t)n;
	}
	if (fmt != NULL && *fmt != '\0' && len + 1 < sizeof(line)) {
		line[len++] = ' ';
		line[len] = '\0';
		n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
		if (n > 0)
			len += (size_t)n;
	}
	if (err_text != NULL && len < sizeof(line)) {
		n = snprintf(line + len, sizeof(line) - len, " err=\"%s\"",
		    err_text);
		len += (size_t)n;
	}
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	if (log_syslog) {
		syslog(log_priorities[lvl], "%s", line);
		return;
	}
	line[len++] = '\n';
	/* Nothing sensible can be done about a failed write to stderr. */
	if (write(STDERR_FILENO, line, len) == -1)
		return;
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
	log_min = LOG_LVL_DEBUG;
	log_event(LOG_LVL_ERR, 0, "fatal", "assertion=\"%s\" at=%s:%d", what,
	    file, line);
	abort();
}
