/*
 * Logging: one line per event, "level=... conn=ID event=... key=value ...",
 * to stderr or syslog.
 */
#ifndef XEDGE_LOG_H
#define XEDGE_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERR };

/* Sends lines to syslog (ident "xedge") instead of stderr. */
void log_use_syslog(void);
void log_set_level(enum log_level min);

/* Logs EVENT for connection CONN (0: none) with printf-style key=value
 * fields in FMT (may be NULL). Control bytes in the formatted line are
 * written as \xNN, so that the event stays one line; a value a peer chose
 * still needs log_quote to stay one field. */
void log_event(enum log_level lvl, uint64_t conn, const char *event,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Same, adding err="strerror(errno)". */
void log_errno(enum log_level lvl, uint64_t conn, const char *event,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Writes S into BUF (CAP bytes) as a field value that cannot break out of
 * its field: "...", with each double quote and backslash escaped by a
 * backslash and each control byte as \xNN. A value that does not fit is cut
 * and ends in ... inside the quotes; NULL gives -. Returns BUF, to be used
 * as log_event(..., "from=%s", log_quote(from, b, sizeof(b))).
 */
const char *log_quote(const char *s, char *buf, size_t cap);
/* The smallest CAP log_quote takes, and one that holds any value of N bytes
 * whole. */
#define LOG_QUOTE_MIN 6
#define LOG_QUOTE_SIZE(n) (4 * (n) + 3)

/* Logs a broken invariant and aborts. */
void log_fatal(const char *what, const char *file, int line)
    __attribute__((noreturn));
#define XEDGE_ASSERT(x) \
	((x) ? (void)0 : log_fatal(#x, __FILE__, __LINE__))

#endif
