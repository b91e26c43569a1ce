/*
 * Unit tests for runtime/jid.c: domainpart extraction and canonical form,
 * label rules and length bounds, and the light check of whole JIDs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
	expect_domain(".", NULL);
	expect_domain("..", NULL);
	expect_domain("b.example..", NULL);
	expect_domain("user@b.example../res", NULL);
	expect_domain("a.example.", "a.example");
}

/* Labels: none empty, and an ASCII one at most 63 bytes; the bound does
 * not apply to a label holding UTF-8, whose A-label is not computed. */
static void
test_labels(void **state)
{
	char dom[256], out[JID_DOMAIN_MAX + 1];
	size_t i;

	(void)state;
	memset(dom, 'a', JID_LABEL_MAX);
	strcpy(dom + JID_LABEL_MAX, ".example");
	assert_int_equal(jid_canon_domain(dom, strlen(dom), out),
	    (int)strlen(dom));
	memmove(dom + 1, dom, strlen(dom) + 1);
	assert_int_equal(jid_canon_domain(dom, strlen(dom), out), -1);
	/* The last label is checked too. */
	snprintf(dom, sizeof(dom), "example.%0*d", JID_LABEL_MAX + 1, 0);
	assert_int_equal(jid_canon_domain(dom, strlen(dom), out), -1);
	snprintf(dom, sizeof(dom), "example.%0*d.", JID_LABEL_MAX, 0);
	assert_int_equal(jid_canon_domain(dom, strlen(dom), out),
	    (int)strlen(dom) - 1);
	/* 63 times U+00E9, 126 bytes. */
	for (i = 0; i < JID_LABEL_MAX; i++)
		memcpy(dom + 2 * i, "\xc3\xa9", 2);
	strcpy(dom + 2 * JID_LABEL_MAX, ".example");
	assert_int_equal(jid_canon_domain(dom, strlen(dom), out),
	    (int)strlen(dom));
	/* Only the given length is read: no terminator is needed. */
	assert_int_equal(jid_canon_domain("A.Example.x", 10, out), 9);
	assert_string_equal(out, "a.example");
	assert_int_equal(jid_canon_domain("a..x", 3, out), -1);
}

/* Fills DOM with LEN bytes of 63-byte labels ("aaa...a.aaa...a.a"). */
static void
fill_domain(char *dom, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dom[i] = (i % (JID_LABEL_MAX + 1) == JID_LABEL_MAX) ? '.' : 'a';
	if (dom[len - 1] == '.')
		dom[len - 1] = 'a';
	dom[len] = '\0';
}

static void
test_length_bound(void **state)
{
	char jid[JID_DOMAIN_MAX + 3];
	char out[JID_DOMAIN_MAX + 1];

	(void)state;
	fill_domain(jid, JID_DOMAIN_MAX);
	assert_int_equal(jid_domain(jid, out), JID_DOMAIN_MAX);
	assert_string_equal(out, jid);
	/* The trailing dot does not count. */
	strcat(jid, ".");
	assert_int_equal(jid_domain(jid, out), JID_DOMAIN_MAX);
	fill_domain(jid, JID_DOMAIN_MAX + 1);
	assert_int_equal(jid_domain(jid, out), -1);
}

static void
test_valid(void **state)
{
	(void)state;
	assert_int_equal(jid_valid("a.example"), 1);
	assert_int_equal(jid_valid("user@a.example"), 1);
	assert_int_equal(jid_valid("user@a.example/res with space"), 1);
	assert_int_equal(jid_valid("a.example/r/with/slashes@and:colons"), 1);
	assert_int_equal(jid_valid("user@b\xc3\xbc" "cher.example"), 1);
	assert_int_equal(jid_valid("b\xc3\xbc" "cher@a.example"), 1);
	assert_int_equal(jid_valid(""), 0);
	assert_int_equal(jid_valid("a..example"), 0);
	assert_int_equal(jid_valid("@a.example"), 0);
	assert_int_equal(jid_valid("a.example/"), 0);
}

/* Each character RFC 7622 forbids in a localpart, and controls and space. */
static void
test_valid_localpart(void **state)
{
	static const char bad[] = "\"&'/:<>@ \t\n\r\x01\x1f\x7f";
	char jid[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) - 1; i++) {
		snprintf(jid, sizeof(jid), "us%cer@a.example", bad[i]);
		/* '/' makes "er@a.example" a resource of the bare "us". */
		if (bad[i] == '/')
			assert_int_equal(jid_valid(jid), 1);
		else
			assert_int_equal(jid_valid(jid), 0);
	}
	assert_int_equal(jid_valid("us/er@a.example"), 1);
	assert_int_equal(jid_valid("us:er@a.example/x"), 0);
	assert_int_equal(jid_valid("user@a.example/\x01"), 0);
	assert_int_equal(jid_valid("user@a.example/a\nb"), 0);
	assert_int_equal(jid_valid("user@a.example/a\x7f"), 0);
}

static void
test_valid_part_bounds(void **state)
{
	char *jid;

	(void)state;
	jid = malloc(2 * JID_PART_MAX + 32);
	assert_non_null(jid);
	memset(jid, 'u', JID_PART_MAX);
	strcpy(jid + JID_PART_MAX, "@a.example/");
	memset(jid + strlen(jid), 'r', JID_PART_MAX);
	jid[JID_PART_MAX + strlen("@a.example/") + JID_PART_MAX] = '\0';
	assert_int_equal(jid_valid(jid), 1);
	strcat(jid, "r");
	assert_int_equal(jid_valid(jid), 0);
	memset(jid, 'u', JID_PART_MAX + 1);
	strcpy(jid + JID_PART_MAX + 1, "@a.example/r");
	assert_int_equal(jid_valid(jid), 0);
	free(jid);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_length_bound),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_valid_localpart),
		cmocka_unit_test(test_valid_part_bounds),
	};

	return cmocka_run_group_tests_name("jid", tests, NULL, NULL);
}
