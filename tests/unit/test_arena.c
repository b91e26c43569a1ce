/*
 * Unit tests for the per-stanza arena: alignment, limits, reuse after reset.
 */
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"

static void
test_alloc_aligned(void **state)
{
	struct arena a = { 0 };
	int i;

	(void)state;
	for (i = 1; i < 200; i++) {
		char *s = arena_strndup(&a, "abcdefg", (size_t)(i % 7));
		void *p = arena_alloc(&a, (size_t)i);

		assert_non_null(s);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, 0xa5, (size_t)i);
	}
	arena_free(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
}

static void
test_strndup(void **state)
{
	struct arena a = { 0 };
	char *s;

	(void)state;
	s = arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	s = arena_strndup(&a, "", 0);
	assert_string_equal(s, "");
	arena_free(&a);
}

/* Requests larger than any chunk get a chunk of their own. */
static void
test_large(void **state)
{
	struct arena a = { 0 };
	char *big;

	(void)state;
	assert_non_null(arena_alloc(&a, 10));
	big = arena_alloc(&a, 3 * 1024 * 1024);
	assert_non_null(big);
	memset(big, 1, 3 * 1024 * 1024);
	assert_non_null(arena_alloc(&a, 10));
	arena_free(&a);
}

static void
test_limit(void **state)
{
	struct arena a = { 0 };

	(void)state;
	a.limit = 100;
	assert_non_null(arena_alloc(&a, 60));
	assert_null(arena_alloc(&a, 60));
	assert_non_null(arena_alloc(&a, 40));
	assert_null(arena_alloc(&a, 1));
	assert_null(arena_strndup(&a, "x", 1));
	arena_reset(&a);
	assert_non_null(arena_alloc(&a, 100));
	assert_null(arena_alloc(&a, SIZE_MAX));
	arena_free(&a);
}

/* A reset keeps one chunk: the next stanza reuses its memory. */
static void
test_reset_reuses(void **state)
{
	struct arena a = { 0 };
	void *first, *again;
	int i;

	(void)state;
	first = arena_alloc(&a, 16);
	for (i = 0; i < 1000; i++)
		assert_non_null(arena_alloc(&a, 100));
	arena_reset(&a);
	assert_int_equal(a.used, 0);
	assert_non_null(a.head);
	again = arena_alloc(&a, 16);
	assert_ptr_equal(first, again);
	arena_reset(&a);
	arena_reset(&a);
	arena_free(&a);
	arena_reset(&a);
	arena_free(&a);
}

/* A reset gives back a first chunk that a single large request made
 * large: only a chunk of the usual size is kept for the next stanza. */
static void
test_reset_frees_large(void **state)
{
	struct arena a = { 0 };

	(void)state;
	assert_non_null(arena_alloc(&a, 100000));
	arena_reset(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
	assert_non_null(arena_alloc(&a, 10));
	arena_free(&a);
}

/* A counter holds the bytes of the arena's chunks: it grows with new
 * chunks, falls back to one chunk on reset and to 0 on free, and moves
 * with arena_count_into. */
static void
test_counted(void **state)
{
	struct arena a = { 0 };
	size_t held = 0, other = 0, one;
	int i;

	(void)state;
	assert_non_null(arena_alloc(&a, 10));
	arena_count_into(&a, &held);
	one = held;
	assert_true(one >= 8192 && one < 8192 + 256);
	for (i = 0; i < 100; i++)
		assert_non_null(arena_alloc(&a, 1000));
	assert_true(held > 100 * 1000);
	arena_reset(&a);
	assert_int_equal(held, one);
	arena_count_into(&a, &other);
	assert_int_equal(held, 0);
	assert_int_equal(other, one);
	assert_non_null(arena_alloc(&a, 500000));
	assert_true(other > 500000);
	arena_free(&a);
	assert_int_equal(other, 0);
	arena_count_into(&a, NULL);
	assert_non_null(arena_alloc(&a, 10));
	assert_int_equal(other, 0);
	arena_free(&a);
}

/* arena_fits says whether a request stays within the limit. */
static void
test_fits(void **state)
{
	struct arena a = { .limit = 100 };

	(void)state;
	assert_true(arena_fits(&a, 100));
	assert_false(arena_fits(&a, 101));
	assert_non_null(arena_alloc(&a, 60));
	assert_true(arena_fits(&a, 40));
	assert_false(arena_fits(&a, 41));
	a.limit = 0;
	assert_true(arena_fits(&a, SIZE_MAX));
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_aligned),
		cmocka_unit_test(test_strndup),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_reset_reuses),
		cmocka_unit_test(test_reset_frees_large),
		cmocka_unit_test(test_counted),
		cmocka_unit_test(test_fits),
	};

	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
