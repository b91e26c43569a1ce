/*
 * The memo of folded presence (runtime/fold_memo.c): what repeats, what
 * is forgotten, and that a full table or a lost entry costs a repeated
 * update, never a suppressed one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fold_memo.h"

#define A "alice@a.example/r"
#define B "bob@b.example"

static int
setup(void **state)
{
	*state = fold_memo_new(64);
	assert_non_null(*state);
	return 0;
}

static int
teardown(void **state)
{
	fold_memo_free(*state);
	return 0;
}

/* Sizes the mask cannot take are refused, not indexed out of bounds. */
static void
test_new(void **state)
{
	struct fold_memo *m;

	(void)state;
	assert_null(fold_memo_new(0));
	assert_null(fold_memo_new(3));
	assert_null(fold_memo_new(48));
	m = fold_memo_new(1);
	assert_non_null(m);
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AWAY), 1);
	fold_memo_free(m);
	fold_memo_free(NULL);
}

static void
test_repeat(void **state)
{
	struct fold_memo *m = *state;

	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AVAILABLE), 0);
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AVAILABLE), 1);
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AWAY), 1);
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AVAILABLE), 0);
	/* Unavailable always crosses, and forgets. */
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_UNAVAILABLE), 0);
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_UNAVAILABLE), 0);
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AVAILABLE), 0);
	/* The other way is another pair. */
	assert_int_equal(fold_memo_repeat(m, "bob@b.example/x",
	    "alice@a.example", FOLD_AVAILABLE), 0);
}

/* Bare JIDs fold ASCII case; resources keep theirs; a bare recipient
 * and each of its resources count apart; going unavailable to the user
 * forgets them all for that resource, and only for it. */
static void
test_jids(void **state)
{
	struct fold_memo *m = *state;

	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, "ALICE@A.Example/r",
	    "Bob@B.EXAMPLE", FOLD_AWAY), 1);
	assert_int_equal(fold_memo_repeat(m, "alice@a.example/R", B,
	    FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, "alice@a.example", B,
	    FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, A, B "/1", FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, A, B "/1", FOLD_AWAY), 1);
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_UNAVAILABLE), 0);
	assert_int_equal(fold_memo_repeat(m, A, B "/1", FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, "alice@a.example/R", B,
	    FOLD_AWAY), 1);
}

/* A fifth resource finds no room: never remembered, always sent. */
static void
test_resources(void **state)
{
	struct fold_memo *m = *state;
	char from[64];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(from, sizeof(from), "alice@a.example/%d", i);
		assert_int_equal(fold_memo_repeat(m, from, B, FOLD_AWAY), 0);
	}
	for (i = 0; i < 5; i++) {
		snprintf(from, sizeof(from), "alice@a.example/%d", i);
		assert_int_equal(fold_memo_repeat(m, from, B, FOLD_AWAY),
		    i < 4);
	}
	/* One gone makes room. */
	assert_int_equal(fold_memo_repeat(m, "alice@a.example/0", B,
	    FOLD_UNAVAILABLE), 0);
	assert_int_equal(fold_memo_repeat(m, "alice@a.example/4", B,
	    FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, "alice@a.example/4", B,
	    FOLD_AWAY), 1);
}

/* Forgetting a pair forgets both directions, and nothing else. */
static void
test_forget(void **state)
{
	struct fold_memo *m = *state;

	fold_memo_repeat(m, A, B, FOLD_AWAY);
	fold_memo_repeat(m, "bob@b.example/x", "alice@a.example", FOLD_AWAY);
	fold_memo_repeat(m, "carol@a.example/r", B, FOLD_AWAY);
	fold_memo_forget(m, "bob@b.example", "alice@a.example/zz");
	assert_int_equal(fold_memo_repeat(m, A, B, FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, "bob@b.example/x",
	    "alice@a.example", FOLD_AWAY), 0);
	assert_int_equal(fold_memo_repeat(m, "carol@a.example/r", B,
	    FOLD_AWAY), 1);
	fold_memo_forget(m, "nobody@c.example", B);
}

/* Many more pairs than slots: whatever is not remembered crosses; what
 * changes crosses; no pair is taken for another. */
static void
test_full(void **state)
{
	struct fold_memo *m;
	char from[64];
	int i, kept = 0;

	(void)state;
	m = fold_memo_new(8);
	assert_non_null(m);
	for (i = 0; i < 500; i++) {
		snprintf(from, sizeof(from), "u%d@a.example/r", i);
		assert_int_equal(fold_memo_repeat(m, from, B, FOLD_AWAY), 0);
	}
	for (i = 0; i < 500; i++) {
		snprintf(from, sizeof(from), "u%d@a.example/r", i);
		kept += fold_memo_repeat(m, from, B, FOLD_AWAY);
	}
	assert_true(kept > 0 && kept <= 8);
	for (i = 0; i < 500; i++) {
		snprintf(from, sizeof(from), "u%d@a.example/r", i);
		assert_int_equal(fold_memo_repeat(m, from, B, FOLD_AVAILABLE),
		    0);
		snprintf(from, sizeof(from), "v%d@a.example/r", i);
		assert_int_equal(fold_memo_repeat(m, from, B, FOLD_AVAILABLE),
		    0);
	}
	fold_memo_free(m);
}

/* Which pairs a full table keeps (64 pairs in 64 slots: some probes
 * fail) depends on each memo's secret: a peer
 * cannot aim its stanzas at one slot of every guard. */
static void
test_keyed(void **state)
{
	unsigned char kept[3][64];
	struct fold_memo *m;
	char from[64];
	int k, i;

	(void)state;
	for (k = 0; k < 3; k++) {
		m = fold_memo_new(64);
		assert_non_null(m);
		for (i = 0; i < 64; i++) {
			snprintf(from, sizeof(from), "u%d@a.example/r", i);
			fold_memo_repeat(m, from, B, FOLD_AWAY);
		}
		for (i = 0; i < 64; i++) {
			snprintf(from, sizeof(from), "u%d@a.example/r", i);
			kept[k][i] = (unsigned char)fold_memo_repeat(m, from,
			    B, FOLD_AWAY);
		}
		fold_memo_free(m);
	}
	assert_true(memcmp(kept[0], kept[1], 64) != 0 ||
	    memcmp(kept[0], kept[2], 64) != 0);
}

int
main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_new), T(test_repeat), T(test_jids), T(test_resources),
		T(test_forget), T(test_full), T(test_keyed),
	};
#undef T

	return cmocka_run_group_tests_name("fold_memo", tests, NULL, NULL);
}
