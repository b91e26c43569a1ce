/* Unit tests for runtime/jid.c: domainpart extraction and canonical form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jid.h"

static void
expect_domain(const char *jid, const char *want)
{
	char out[JID_DOMAIN_MAX + 1];
	int n = jid_domain(jid, out);

	if (want == NULL) {
		assert_int_equal(n, -1);
		return;
	}
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(out, want);
}

static void
test_forms(void **state)
{
	(void)state;
	expect_domain("a.example", "a.example");
	expect_domain("user@a.example", "a.example");
	expect_domain("user@a.example/res", "a.example");
	expect_domain("a.example/res@x", "a.example");
	expect_domain("User@A.Example.", "a.example");
	expect_domain("[::1]", "[::1]");
}

static void
test_rejects(void **state)
{
	(void)state;
	expect_domain("", NULL);
	expect_domain("@a.example", NULL);
	expect_domain("user@", NULL);
	expect_domain("a..example", NULL);
	expect_domain(".a.example", NULL);
	expect_domain("a.example/", NULL);
	expect_domain("a example", NULL);
	expect_domain("a'example", NULL);
	expect_domain("a<b", NULL);
}

static void
test_length_bound(void **state)
{
	char jid[JID_DOMAIN_MAX + 3];
	char out[JID_DOMAIN_MAX + 1];

	(void)state;
	memset(jid, 'a', JID_DOMAIN_MAX);
	jid[JID_DOMAIN_MAX] = '\0';
	assert_int_equal(jid_domain(jid, out), JID_DOMAIN_MAX);
	jid[JID_DOMAIN_MAX] = 'a';
	jid[JID_DOMAIN_MAX + 1] = '\0';
	assert_int_equal(jid_domain(jid, out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_length_bound),
	};

	return cmocka_run_group_tests_name("jid", tests, NULL, NULL);
}
