/*
 * Logging: one line per event, "level=... conn=ID event=... key=value ...",
 * to stderr or syslog.
 */
#ifndef XEDGE_LOG_H
#define XEDGE_LOG_H

#include <stdint.h>

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERR };

/* Sends lines to syslog (ident "xedge") instead of stderr. */
void log_use_syslog(void);
void log_set_level(enum log_level min);

/* Logs EVENT for connection CONN (0: none) with printf-style key=value
 * fields in FMT (may be NULL). */
void log_event(enum log_level lvl, uint64_t conn, const char *event,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Same, adding err="strerror(errno)". */
void log_errno(enum log_level lvl, uint64_t conn, const char *event,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Logs a broken invariant and aborts. */
void log_fatal(const char *what, const char *file, int line)
    __attribute__((noreturn));
#define XEDGE_ASSERT(x) \
	((x) ? (void)0 : log_fatal(#x, __FILE__, __LINE__))

#endif
