/*
 * Unit tests for runtime/dialback.c keys: XEP-0185's construction, checked
 * against vectors computed independently (Python's hmac and hashlib).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dialback.h"
#include "guard.h"

static int
setup(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(guard.dialback_secret); i++)
		guard.dialback_secret[i] = (unsigned char)i;
	return 0;
}

static void
test_vector(void **state)
{
	char key[DIALBACK_KEY_LEN + 1];

	(void)state;
	dialback_key("b.example", "a.example", "D60000229F", key);
	assert_string_equal(key, "d9a48754d7604411cbe34e1b1cca4d6b2cc6b33e"
	    "d1ed169e125568ca43c0a2a3");
}

/* Swapping the two servers must give another key, or a key issued for one
 * direction would verify the other. */
static void
test_direction_matters(void **state)
{
	char key[DIALBACK_KEY_LEN + 1];

	(void)state;
	dialback_key("a.example", "b.example", "D60000229F", key);
	assert_string_equal(key, "5d467f502425f571779a01051fb9c6d3a01fd9b7"
	    "735dcce42ac07e3c81fda2b4");
}

static void
test_secret_matters(void **state)
{
	char before[DIALBACK_KEY_LEN + 1], after[DIALBACK_KEY_LEN + 1];

	(void)state;
	dialback_key("b.example", "a.example", "id", before);
	guard.dialback_secret[0] ^= 1;
	dialback_key("b.example", "a.example", "id", after);
	guard.dialback_secret[0] ^= 1;
	assert_string_not_equal(before, after);
	assert_int_equal(strlen(after), DIALBACK_KEY_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_direction_matters),
		cmocka_unit_test(test_secret_matters),
	};

	return cmocka_run_group_tests_name("dialback", tests, setup, NULL);
}
