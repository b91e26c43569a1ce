/*
 * Unit tests for runtime/log.c: that a value holding a newline, a carriage
 * return or another control byte cannot end its line or start a forged one,
 * that a log_quote'd value holding quotes, spaces or backslashes cannot
 * close its field, and that both stay within their bounds. Standard error
 * is a pipe for the test's length, so each line is read back exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "log_fixture.h"

/* The log module's line bound, which the truncation test runs into. */
#define TEST_LINE_MAX 2048

static int
setup(void **state)
{
	struct log_capture *cap = calloc(1, sizeof(*cap));

	if (cap == NULL || log_capture_start(cap) == -1)
		return -1;
	*state = cap;
	return 0;
}

static int
teardown(void **state)
{
	struct log_capture *cap = *state;

	log_capture_stop(cap);
	free(cap);
	return 0;
}

/* Asserts that the one line captured is exactly WANT. */
static void
expect_line(struct log_capture *cap, const char *want)
{
	char got[4 * TEST_LINE_MAX];

	log_captured(cap, got, sizeof(got));
	assert_string_equal(got, want);
}

static void
test_plain(void **state)
{
	log_event(LOG_LVL_INFO, 7, "accept", "peer=%s tls=%s", "127.0.0.1:5269",
	    "starttls");
	expect_line(*state,
	    "level=info conn=7 event=accept peer=127.0.0.1:5269 tls=starttls\n");
	log_event(LOG_LVL_WARN, 0, "start", NULL);
	expect_line(*state, "level=warn event=start\n");
	log_event(LOG_LVL_DEBUG, 0, "quiet", NULL);
	expect_line(*state, "");
}

/* A newline from &#10; in a JID would otherwise start a forged line. */
static void
test_newline_cannot_forge_line(void **state)
{
	log_event(LOG_LVL_INFO, 3, "drop", "from=%s to=b.example",
	    "a.example\nlevel=error event=fatal");
	expect_line(*state, "level=info conn=3 event=drop "
	    "from=a.example\\x0alevel=error event=fatal to=b.example\n");
	log_event(LOG_LVL_INFO, 0, "drop", "from=%s", "a\r\n\t\x01\x1f\x7f.");
	expect_line(*state,
	    "level=info event=drop from=a\\x0d\\x0a\\x09\\x01\\x1f\\x7f.\n");
}

/* Non-ASCII bytes (internationalized names) are not control bytes. */
static void
test_utf8_kept(void **state)
{
	log_event(LOG_LVL_INFO, 0, "drop", "from=%s", "b\xc3\xbc" "cher.example");
	expect_line(*state, "level=info event=drop from=b\xc3\xbc" "cher.example\n");
}

static void
test_errno_field(void **state)
{
	errno = ENOENT;
	log_errno(LOG_LVL_ERR, 0, "open", "file=%s", "x\ny");
	assert_int_equal(errno, ENOENT);
	expect_line(*state, "level=error event=open file=x\\x0ay "
	    "err=\"No such file or directory\"\n");
}

/* A quote or a space in a quoted value cannot close its field. */
static void
test_quote_cannot_forge_field(void **state)
{
	char b[LOG_QUOTE_SIZE(64)], c[LOG_QUOTE_SIZE(64)];

	log_event(LOG_LVL_INFO, 0, "refuse", "to=%s reason=%s",
	    log_quote("x\" reason=\"forged", b, sizeof(b)),
	    log_quote("a\\", c, sizeof(c)));
	expect_line(*state, "level=info event=refuse "
	    "to=\"x\\\" reason=\\\"forged\" reason=\"a\\\\\"\n");
	log_event(LOG_LVL_INFO, 0, "refuse", "to=%s",
	    log_quote("a\nlevel=error", b, sizeof(b)));
	expect_line(*state,
	    "level=info event=refuse to=\"a\\x0alevel=error\"\n");
	log_event(LOG_LVL_INFO, 0, "refuse", "to=%s",
	    log_quote(NULL, b, sizeof(b)));
	expect_line(*state, "level=info event=refuse to=-\n");
}

static void
test_quote_bounds(void **state)
{
	char b[LOG_QUOTE_SIZE(4)], small[12];

	(void)state;
	/* LOG_QUOTE_SIZE holds the worst case whole. */
	assert_string_equal(log_quote("\x01\x02\x03\x04", b, sizeof(b)),
	    "\"\\x01\\x02\\x03\\x04\"");
	assert_string_equal(log_quote("", small, sizeof(small)), "\"\"");
	assert_string_equal(log_quote("abcdefghi", small, sizeof(small)),
	    "\"abcdefghi\"");
	assert_string_equal(log_quote("abcdefghij", small, sizeof(small)),
	    "\"abcdef...\"");
	/* An escape is never cut in two. */
	assert_string_equal(log_quote("\x01\x02\x03", small, sizeof(small)),
	    "\"\\x01...\"");
	assert_string_equal(log_quote("a\"\"\"\"\"", small, sizeof(small)),
	    "\"a\\\"\\\"...\"");
	assert_string_equal(log_quote("abcdef", small, LOG_QUOTE_MIN),
	    "\"...\"");
}

/* A line longer than the bound is cut, still one line, at an escape's
 * boundary. */
static void
test_line_bound(void **state)
{
	char value[3 * TEST_LINE_MAX], got[4 * TEST_LINE_MAX];
	const char *prefix = "level=info event=long v=";
	size_t n;

	memset(value, '\n', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	log_event(LOG_LVL_INFO, 0, "long", "v=%s", value);
	n = log_captured(*state, got, sizeof(got));
	assert_true(n <= TEST_LINE_MAX);
	assert_int_equal(strncmp(got, prefix, strlen(prefix)), 0);
	assert_int_equal(got[n - 1], '\n');
	assert_ptr_equal(strchr(got, '\n'), got + n - 1);
	assert_int_equal((n - 1 - strlen(prefix)) % 4, 0);
	assert_memory_equal(got + n - 5, "\\x0a", 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newline_cannot_forge_line,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errno_field, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_quote_cannot_forge_field,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_quote_bounds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_line_bound, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
