/*
 * Unit tests for runtime/loop.c: timer order, cancel and rearm, the heap
 * under many timers, fd events on pipes and socketpairs, interest changes,
 * and stale events for an fd removed within a batch.
 */
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "loop.h"

/* What the callbacks saw. */
struct record {
	int order[16];
	int n;
	unsigned events;
	int calls;
	int fd;
	struct loop_timer *peer_timer;
	int peer_fd;
};

static struct record rec;

static int
setup(void **state)
{
	struct loop *l;

	memset(&rec, 0, sizeof(rec));
	l = loop_new();
	if (l == NULL)
		return -1;
	*state = l;
	return 0;
}

static int
teardown(void **state)
{
	loop_free(*state);
	return 0;
}

/* A timer's arg is its number; it is recorded in firing order. */
static void
on_timer(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	rec.order[rec.n++] = (int)(intptr_t)arg;
}

static void
on_stop(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	loop_stop(l);
}

static void
test_timer_order(void **state)
{
	struct loop *l = *state;
	struct loop_timer t1 = { 0 }, t2 = { 0 }, t3 = { 0 }, stop = { 0 };
	uint64_t start = loop_now(l);

	loop_timer_arm(l, &t1, 30, on_timer, (void *)1);
	loop_timer_arm(l, &t2, 10, on_timer, (void *)2);
	loop_timer_arm(l, &t3, 20, on_timer, (void *)3);
	loop_timer_arm(l, &stop, 40, on_stop, NULL);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.order[0], 2);
	assert_int_equal(rec.order[1], 3);
	assert_int_equal(rec.order[2], 1);
	assert_true(loop_now(l) >= start + 40);
	assert_int_equal(t1.heap_index, 0);
	assert_int_equal(stop.heap_index, 0);
}

static void
test_timer_cancel_rearm(void **state)
{
	struct loop *l = *state;
	struct loop_timer t1 = { 0 }, t2 = { 0 }, t3 = { 0 }, stop = { 0 };

	loop_timer_arm(l, &t1, 5, on_timer, (void *)1);
	loop_timer_arm(l, &t2, 10, on_timer, (void *)2);
	loop_timer_arm(l, &t3, 50, on_timer, (void *)3);
	loop_timer_cancel(l, &t1);
	assert_int_equal(t1.heap_index, 0);
	/* Cancelling an unarmed timer is harmless. */
	loop_timer_cancel(l, &t1);
	/* Rearming moves t3 before t2, and it fires once. */
	loop_timer_arm(l, &t3, 1, on_timer, (void *)3);
	loop_timer_arm(l, &stop, 30, on_stop, NULL);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.order[0], 3);
	assert_int_equal(rec.order[1], 2);
}

/* Heap stress: dues must come out in order, cancelled ones never. */
static uint64_t last_due;
static int fired, out_of_order;

static void
on_heap_timer(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)arg;
	if (t->due_ms < last_due)
		out_of_order++;
	last_due = t->due_ms;
	fired++;
}

static void
test_timer_heap(void **state)
{
	struct loop *l = *state;
	struct loop_timer *t, stop = { 0 };
	int i, cancelled = 0;

	t = calloc(2000, sizeof(*t));
	assert_non_null(t);
	srand(7);
	for (i = 0; i < 2000; i++)
		loop_timer_arm(l, &t[i], (uint64_t)(rand() % 40), on_heap_timer,
		    NULL);
	for (i = 0; i < 2000; i += 3) {
		loop_timer_cancel(l, &t[i]);
		cancelled++;
	}
	/* Rearm some; those among the cancelled are armed again. */
	for (i = 1; i < 2000; i += 7) {
		if (t[i].heap_index == 0)
			cancelled--;
		loop_timer_arm(l, &t[i], (uint64_t)(rand() % 40), on_heap_timer,
		    NULL);
	}
	loop_timer_arm(l, &stop, 60, on_stop, NULL);
	last_due = 0;
	fired = out_of_order = 0;
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fired, 2000 - cancelled);
	assert_int_equal(out_of_order, 0);
	free(t);
}

/* Reads what is there, records the event, and stops the loop. */
static void
on_fd(struct loop *l, int fd, unsigned events, void *arg)
{
	char b[64];

	(void)arg;
	rec.calls++;
	rec.events |= events;
	rec.fd = fd;
	if (events & LOOP_READ)
		(void)read(fd, b, sizeof(b));
	loop_stop(l);
}

static void
test_fd_read(void **state)
{
	struct loop *l = *state;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_add(l, p[0], LOOP_READ, on_fd, NULL), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(rec.calls, 1);
	assert_int_equal(rec.events, LOOP_READ);
	assert_int_equal(rec.fd, p[0]);
	loop_del(l, p[0]);
	close(p[0]);
	close(p[1]);
}

static void
test_fd_write_and_set(void **state)
{
	struct loop *l = *state;
	struct loop_timer stop = { 0 };
	int sp[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	/* Writable at once. */
	assert_int_equal(loop_add(l, sp[0], LOOP_WRITE, on_fd, NULL), 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(rec.events, LOOP_WRITE);
	/* Interest 0: data waiting is not reported. */
	assert_int_equal(loop_set(l, sp[0], 0), 0);
	assert_int_equal(write(sp[1], "y", 1), 1);
	rec.calls = 0;
	loop_timer_arm(l, &stop, 20, on_stop, NULL);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(rec.calls, 0);
	/* Interest back: it is. */
	assert_int_equal(loop_set(l, sp[0], LOOP_READ), 0);
	rec.events = 0;
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(rec.calls, 1);
	assert_int_equal(rec.events, LOOP_READ);
	loop_del(l, sp[0]);
	close(sp[0]);
	close(sp[1]);
}

/* A hang-up is reported as the event the fd waits for. */
static void
test_fd_hangup(void **state)
{
	struct loop *l = *state;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_add(l, p[0], LOOP_READ, on_fd, NULL), 0);
	close(p[1]);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(rec.calls, 1);
	assert_int_equal(rec.events, LOOP_READ);
	loop_del(l, p[0]);
	close(p[0]);
}

/*
 * The first of two ready fds to run removes and closes the other and opens
 * a new fd, which takes the closed one's number. The old fd's event, still
 * in the batch, must not reach the new registration. The loop stops by a
 * 0 ms timer so that the whole batch is dispatched.
 */
static int pair_a[2], pair_b[2];
static struct loop_timer pair_stop;

static void
on_pair(struct loop *l, int fd, unsigned events, void *arg)
{
	int other = fd == pair_a[0] ? pair_b[0] : pair_a[0];
	int p[2];

	(void)events;
	(void)arg;
	rec.calls++;
	loop_del(l, other);
	close(other);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(p[0], other);
	rec.peer_fd = p[0];
	assert_int_equal(loop_add(l, p[0], LOOP_READ, on_fd, NULL), 0);
	rec.peer_timer = &pair_stop;
	close(p[1]);
	loop_timer_arm(l, &pair_stop, 0, on_stop, NULL);
}

static void
test_stale_event(void **state)
{
	struct loop *l = *state;

	assert_int_equal(pipe(pair_a), 0);
	assert_int_equal(pipe(pair_b), 0);
	assert_int_equal(loop_add(l, pair_a[0], LOOP_READ, on_pair, NULL), 0);
	assert_int_equal(loop_add(l, pair_b[0], LOOP_READ, on_pair, NULL), 0);
	assert_int_equal(write(pair_a[1], "a", 1), 1);
	assert_int_equal(write(pair_b[1], "b", 1), 1);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(rec.calls, 1);
	loop_del(l, rec.peer_fd);
	close(rec.peer_fd);
	loop_del(l, pair_a[0]);
	loop_del(l, pair_b[0]);
	close(pair_a[1]);
	close(pair_b[1]);
	/* Whichever survived. */
	close(pair_a[0] == rec.peer_fd ? pair_b[0] : pair_a[0]);
}

/* A 0 ms timer armed from an fd handler runs in the same iteration,
 * before the next wait: the loop does not block in between. */
static void
on_fd_arm(struct loop *l, int fd, unsigned events, void *arg)
{
	char b[8];

	(void)events;
	(void)read(fd, b, sizeof(b));
	loop_timer_arm(l, arg, 0, on_stop, NULL);
}

static void
test_zero_timer_same_iteration(void **state)
{
	struct loop *l = *state;
	struct loop_timer t = { 0 }, guard = { 0 };
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_add(l, p[0], LOOP_READ, on_fd_arm, &t), 0);
	assert_int_equal(write(p[1], "z", 1), 1);
	loop_timer_arm(l, &guard, 1000, on_timer, (void *)9);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(t.heap_index, 0);
	assert_int_equal(rec.n, 0);
	loop_timer_cancel(l, &guard);
	loop_del(l, p[0]);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timer_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_timer_cancel_rearm, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_timer_heap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fd_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_write_and_set, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fd_hangup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_event, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_zero_timer_same_iteration,
		    setup, teardown),
	};

	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
