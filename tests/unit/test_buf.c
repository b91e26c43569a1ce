/*
 * Unit tests for runtime/buf.c: the bound, lazy allocation, compaction
 * before growth, and giving memory back when empty.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

static void
test_lazy_and_freed(void **state)
{
	struct buf b = { .max = 100 };

	(void)state;
	assert_null(b.data);
	assert_int_equal(buf_append(&b, "hello", 5), 0);
	assert_non_null(b.data);
	assert_int_equal(buf_len(&b), 5);
	assert_memory_equal(buf_head(&b), "hello", 5);
	buf_consume(&b, 2);
	assert_int_equal(buf_len(&b), 3);
	assert_memory_equal(buf_head(&b), "llo", 3);
	buf_consume(&b, 3);
	assert_null(b.data);
	assert_int_equal(b.cap, 0);
	assert_int_equal(buf_len(&b), 0);
}

static void
test_bound(void **state)
{
	struct buf b = { .max = 10 };

	(void)state;
	assert_int_equal(buf_append(&b, "0123456789", 10), 0);
	assert_int_equal(buf_append(&b, "x", 1), -1);
	assert_int_equal(buf_len(&b), 10);
	assert_true(b.cap <= 10);
	buf_consume(&b, 4);
	/* Six bytes held: five fit, seven do not, and a refused append
	 * leaves the buffer as it was. */
	assert_int_equal(buf_append(&b, "abcdefg", 7), -1);
	assert_int_equal(buf_len(&b), 6);
	assert_int_equal(buf_append(&b, "abcd", 4), 0);
	assert_int_equal(buf_len(&b), 10);
	assert_memory_equal(buf_head(&b), "456789abcd", 10);
	buf_free(&b);
}

static void
test_zero_bound(void **state)
{
	struct buf b = { 0 };
	size_t room = 99;

	(void)state;
	assert_int_equal(buf_append(&b, "x", 1), -1);
	assert_null(buf_reserve(&b, 10, &room));
	assert_int_equal(room, 0);
	assert_null(b.data);
	assert_int_equal(buf_append(&b, "", 0), 0);
}

static void
test_compaction_before_growth(void **state)
{
	struct buf b = { .max = 4096 };
	char block[512];
	char *before;
	size_t cap;

	(void)state;
	memset(block, 'a', sizeof(block));
	assert_int_equal(buf_append(&b, block, sizeof(block)), 0);
	cap = b.cap;
	before = b.data;
	buf_consume(&b, 300);
	memset(block, 'b', sizeof(block));
	/* 212 bytes held, 300 free at the front: 250 more fit by moving. */
	assert_int_equal(buf_append(&b, block, 250), 0);
	assert_int_equal(b.cap, cap);
	assert_ptr_equal(b.data, before);
	assert_int_equal(b.start, 0);
	assert_int_equal(buf_len(&b), 462);
	assert_int_equal(buf_head(&b)[0], 'a');
	assert_int_equal(buf_head(&b)[211], 'a');
	assert_int_equal(buf_head(&b)[212], 'b');
	assert_int_equal(buf_head(&b)[461], 'b');
	buf_free(&b);
}

static void
test_growth_capped(void **state)
{
	struct buf b = { .max = 1000 };
	char block[600];

	(void)state;
	memset(block, 'z', sizeof(block));
	assert_int_equal(buf_append(&b, block, 600), 0);
	assert_int_equal(b.cap, 600);
	assert_int_equal(buf_append(&b, block, 300), 0);
	assert_int_equal(b.cap, 1000);
	assert_int_equal(buf_append(&b, block, 101), -1);
	assert_int_equal(buf_append(&b, block, 100), 0);
	assert_int_equal(buf_len(&b), 1000);
	buf_free(&b);
	assert_null(b.data);
}

static void
test_reserve_commit(void **state)
{
	struct buf b = { .max = 100 };
	size_t room;
	char *p;

	(void)state;
	p = buf_reserve(&b, 64, &room);
	assert_non_null(p);
	assert_true(room >= 64 && room <= 100);
	memcpy(p, "abc", 3);
	buf_commit(&b, 3);
	assert_int_equal(buf_len(&b), 3);
	/* The room offered never passes the bound, however much is asked. */
	p = buf_reserve(&b, 1000, &room);
	assert_non_null(p);
	assert_int_equal(room, 97);
	memset(p, 'x', room);
	buf_commit(&b, room);
	assert_null(buf_reserve(&b, 1, &room));
	assert_int_equal(room, 0);
	buf_consume(&b, 200);
	assert_null(b.data);
	/* A reader that got nothing commits 0, which gives memory back. */
	p = buf_reserve(&b, 10, &room);
	assert_non_null(p);
	assert_non_null(b.data);
	buf_commit(&b, 0);
	assert_null(b.data);
}

/* A counter follows the buffer's allocation: growth, compaction, the free
 * when it empties, and a move to another counter. */
static void
test_counted(void **state)
{
	struct buf b = { .max = 4096 };
	size_t held = 0, other = 0;
	char *p;
	size_t room;

	(void)state;
	buf_count_into(&b, &held);
	assert_int_equal(held, 0);
	assert_int_equal(buf_append(&b, "x", 1), 0);
	assert_int_equal(held, b.cap);
	p = buf_reserve(&b, 3000, &room);
	assert_non_null(p);
	buf_commit(&b, room);
	assert_int_equal(held, b.cap);
	buf_count_into(&b, &other);
	assert_int_equal(held, 0);
	assert_int_equal(other, b.cap);
	buf_consume(&b, buf_len(&b));
	assert_int_equal(other, 0);
	/* A reader that got nothing gives back what buf_reserve took. */
	assert_non_null(buf_reserve(&b, 100, &room));
	assert_true(other > 0);
	buf_commit(&b, 0);
	assert_int_equal(other, 0);
	buf_count_into(&b, NULL);
	assert_int_equal(buf_append(&b, "x", 1), 0);
	assert_int_equal(other, 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lazy_and_freed),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_zero_bound),
		cmocka_unit_test(test_compaction_before_growth),
		cmocka_unit_test(test_growth_capped),
		cmocka_unit_test(test_reserve_commit),
		cmocka_unit_test(test_counted),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
