/*
 * The event loop: epoll file events indexed by fd, and timers on a binary
 * heap. One loop per thread; nothing here is thread-safe.
 */
#ifndef XEDGE_LOOP_H
#define XEDGE_LOOP_H

#include <stddef.h>
#include <stdint.h>

#define LOOP_READ 1u
#define LOOP_WRITE 2u

struct loop;

typedef void loop_fd_fn(struct loop *l, int fd, unsigned events, void *arg);

struct loop_timer;
typedef void loop_timer_fn(struct loop *l, struct loop_timer *t, void *arg);

/* A timer is embedded in its owner; all-zero is an unarmed timer. */
struct loop_timer {
	uint64_t due_ms;
	size_t heap_index;	/* 0: not armed; else position + 1 */
	loop_timer_fn *fn;
	void *arg;
};

/* Returns a new loop, or NULL (errno set). */
struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Watches FD for EVENTS (LOOP_READ | LOOP_WRITE, may be 0) and calls FN with
 * ARG; one registration per fd. Returns 0 or -1. */
int loop_add(struct loop *l, int fd, unsigned events, loop_fd_fn *fn,
    void *arg);
/* Changes the events watched for FD; 0 or -1. */
int loop_set(struct loop *l, int fd, unsigned events);
/* Stops watching FD (before it is closed). */
void loop_del(struct loop *l, int fd);

/* Arms T to call FN(ARG) once, MS milliseconds from now, rearming if armed. */
void loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t ms,
    loop_timer_fn *fn, void *arg);
void loop_timer_cancel(struct loop *l, struct loop_timer *t);

/* Monotonic milliseconds, as of the current loop iteration. */
uint64_t loop_now(const struct loop *l);

/* The wall clock in ms since the epoch: what logs, alerts and the status
 * page show (loop_now measures intervals). */
uint64_t loop_wall_ms(void);

/* Runs until loop_stop; returns 0, or -1 on a failing epoll_wait. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif
