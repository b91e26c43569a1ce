/*
 * Unit tests for runtime/label_cache.c: a decision is found again for the
 * same label between the same peers only; a label too long is never kept;
 * many more labels than the table holds never make it answer with another
 * label's decision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "label_cache.h"

/* Stand-ins for the clearances a decision is kept between. */
static const char clearances[5];
#define K(i) ((const void *)&clearances[i])

static void
test_found_again(void **state)
{
	struct label_verdict v = { .deny = 1, .why = "above" }, got;

	(void)state;
	assert_int_equal(label_cache_get("MQYCAQQGASk=", 12, K(0), K(1), &got), 0);
	label_cache_put("MQYCAQQGASk=", 12, K(0), K(1), &v);
	assert_int_equal(label_cache_get("MQYCAQQGASk=", 12, K(0), K(1), &got), 1);
	assert_int_equal(got.deny, 1);
	assert_string_equal(got.why, "above");
	/* Another pair of peers, another text, a prefix: not the same. */
	assert_int_equal(label_cache_get("MQYCAQQGASk=", 12, K(1), K(0), &got), 0);
	assert_int_equal(label_cache_get("MQYCAQQGASk=", 12, K(0), K(2), &got), 0);
	assert_int_equal(label_cache_get("MQYCAQMGASk=", 12, K(0), K(1), &got), 0);
	assert_int_equal(label_cache_get("MQYCAQQGASk", 11, K(0), K(1), &got), 0);
}

static void
test_too_long(void **state)
{
	char text[LABEL_CACHE_TEXT + 1];
	struct label_verdict v = { .deny = LABEL_ALLOW }, got;

	(void)state;
	memset(text, 'A', sizeof(text));
	label_cache_put(text, sizeof(text), K(0), K(1), &v);
	assert_int_equal(label_cache_get(text, sizeof(text), K(0), K(1), &got), 0);
	label_cache_put(text, sizeof(text) - 1, K(0), K(1), &v);
	assert_int_equal(label_cache_get(text, sizeof(text) - 1, K(0), K(1), &got),
	    1);
}

/* Eight times the table's labels, each with a decision of its own: what
 * is found is always that label's, and the last ones put are found. */
static void
test_bounded(void **state)
{
	static const char *const why[] = { "w0", "w1", "w2" };
	struct label_verdict v, got;
	char text[32];
	int i, n = 8 * LABEL_CACHE_SLOTS, found = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "label-%d", i);
		v = (struct label_verdict){ .deny = i % 3 - 1,
		    .why = why[i % 3] };
		label_cache_put(text, strlen(text), K(3), K(4), &v);
	}
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "label-%d", i);
		if (!label_cache_get(text, strlen(text), K(3), K(4), &got))
			continue;
		found++;
		assert_int_equal(got.deny, i % 3 - 1);
		assert_ptr_equal(got.why, why[i % 3]);
	}
	assert_true(found > 0 && found <= LABEL_CACHE_SLOTS);
	snprintf(text, sizeof(text), "label-%d", n - 1);
	assert_int_equal(label_cache_get(text, strlen(text), K(3), K(4), &got), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_again),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
