/*
 * Test fixture: the log read back. Standard error becomes a pipe for the
 * test's length (log.h writes each line with one write(2)), so that a test
 * reads exactly what was logged since it last looked.
 */
#ifndef XEDGE_TEST_LOG_FIXTURE_H
#define XEDGE_TEST_LOG_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

struct log_capture {
	int pipe[2];
	int saved_stderr;
};

/* Sends the log at level info and above into C. Returns 0, or -1. */
static inline int
log_capture_start(struct log_capture *c)
{
	if (pipe2(c->pipe, O_NONBLOCK) == -1 ||
	    (c->saved_stderr = dup(STDERR_FILENO)) == -1 ||
	    dup2(c->pipe[1], STDERR_FILENO) == -1)
		return -1;
	log_set_level(LOG_LVL_INFO);
	return 0;
}

/* Gives standard error back. */
static inline void
log_capture_stop(struct log_capture *c)
{
	dup2(c->saved_stderr, STDERR_FILENO);
	close(c->saved_stderr);
	close(c->pipe[0]);
	close(c->pipe[1]);
}

/* Everything logged since the last call, as a string in OUT (CAP bytes);
 * returns its length. */
static inline size_t
log_captured(struct log_capture *c, char *out, size_t cap)
{
	ssize_t n = read(c->pipe[0], out, cap - 1);

	if (n == -1) {
		assert_int_equal(errno, EAGAIN);
		n = 0;
	}
	out[n] = '\0';
	return (size_t)n;
}

/* How many times NEEDLE occurs in HAYSTACK. */
static inline size_t
log_count(const char *haystack, const char *needle)
{
	size_t n = 0;

	while ((haystack = strstr(haystack, needle)) != NULL) {
		n++;
		haystack += strlen(needle);
	}
	return n;
}

#endif
