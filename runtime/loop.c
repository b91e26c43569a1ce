/*
 * The event loop on epoll (level-triggered) with timers on a binary
 * min-heap. One iteration waits for events, reads the clock once, dispatches
 * every ready fd, then runs every timer that is due; work that must happen
 * "once per iteration" (output flushes) is a timer armed for 0 ms, which
 * therefore runs after all the iteration's events.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

/* Events taken from the kernel per epoll_wait. */
#define LOOP_BATCH 256

/* One watched fd. GEN tells a stale event (for an fd closed and reused
 * within one batch) from a current one: it travels in the epoll data. */
struct loop_fdev {
	loop_fd_fn *fn;
	void *arg;
	unsigned events;	/* LOOP_READ | LOOP_WRITE wanted */
	unsigned in_epoll;	/* registered with the kernel */
	uint32_t gen;
};

struct loop {
	int epfd;
	int stop;
	uint64_t now;
	struct loop_fdev *fds;		/* indexed by fd */
	size_t nfds;
	struct loop_timer **heap;	/* min-heap on due_ms */
	size_t nheap;
	size_t heap_cap;
	struct epoll_event ready[LOOP_BATCH];
};

static uint64_t
loop_clock(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		log_fatal("clock_gettime(CLOCK_MONOTONIC)", __FILE__, __LINE__);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct loop *
loop_new(void)
{
	struct loop *l;

	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd == -1) {
		free(l);
		return NULL;
	}
	l->now = loop_clock();
	return l;
}

/* Frees L; timers still armed are left unarmed, fds are not closed. */
void
loop_free(struct loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nheap; i++)
		l->heap[i]->heap_index = 0;
	close(l->epfd);
	free(l->fds);
	free(l->heap);
	free(l);
}

/* Returns the slot for FD, growing the table to hold it; NULL if out of
 * memory. */
static struct loop_fdev *
loop_slot(struct loop *l, int fd)
{
	struct loop_fdev *p;
	size_t n;

	if ((size_t)fd < l->nfds)
		return &l->fds[fd];
	n = l->nfds ? l->nfds : 64;
	while (n <= (size_t)fd)
		n *= 2;
	p = realloc(l->fds, n * sizeof(*p));
	if (p == NULL)
		return NULL;
	memset(p + l->nfds, 0, (n - l->nfds) * sizeof(*p));
	l->fds = p;
	l->nfds = n;
	return &l->fds[fd];
}

/*
 * Tells the kernel what FD's slot wants. An fd that wants nothing is taken
 * out of the epoll set: otherwise a hung-up socket would be reported at
 * every wait while its owner is not interested.
 */
static int
loop_sync(struct loop *l, int fd, struct loop_fdev *f)
{
	struct epoll_event ev;
	int op;

	if (f->events == 0) {
		if (f->in_epoll &&
		    epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL) == -1)
			return -1;
		f->in_epoll = 0;
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	if (f->events & LOOP_READ)
		ev.events |= EPOLLIN;
	if (f->events & LOOP_WRITE)
		ev.events |= EPOLLOUT;
	ev.data.u64 = (uint64_t)f->gen << 32 | (uint32_t)fd;
	op = f->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(l->epfd, op, fd, &ev) == -1)
		return -1;
	f->in_epoll = 1;
	return 0;
}

int
loop_add(struct loop *l, int fd, unsigned events, loop_fd_fn *fn, void *arg)
{
	struct loop_fdev *f;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	f = loop_slot(l, fd);
	if (f == NULL)
		return -1;
	XEDGE_ASSERT(f->fn == NULL);
	f->fn = fn;
	f->arg = arg;
	f->events = events;
	f->in_epoll = 0;
	f->gen++;
	if (loop_sync(l, fd, f) == -1) {
		f->fn = NULL;
		f->events = 0;
		return -1;
	}
	return 0;
}

int
loop_set(struct loop *l, int fd, unsigned events)
{
	struct loop_fdev *f;

	XEDGE_ASSERT(fd >= 0 && (size_t)fd < l->nfds && l->fds[fd].fn != NULL);
	f = &l->fds[fd];
	if (f->events == events)
		return 0;
	f->events = events;
	return loop_sync(l, fd, f);
}

void
loop_del(struct loop *l, int fd)
{
	struct loop_fdev *f;

	if (fd < 0 || (size_t)fd >= l->nfds || l->fds[fd].fn == NULL)
		return;
	f = &l->fds[fd];
	/* Failure means the fd is already gone from the set, which is the
	 * goal. */
	if (f->in_epoll)
		(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	f->fn = NULL;
	f->arg = NULL;
	f->events = 0;
	f->in_epoll = 0;
	f->gen++;
}

/* Heap helpers: positions are 0-based, heap_index is position + 1. */
static void
loop_heap_place(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->heap_index = i + 1;
}

static void
loop_heap_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (l->heap[parent]->due_ms <= t->due_ms)
			break;
		loop_heap_place(l, i, l->heap[parent]);
		i = parent;
	}
	loop_heap_place(l, i, t);
}

static void
loop_heap_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];
	size_t child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= l->nheap)
			break;
		if (child + 1 < l->nheap &&
		    l->heap[child + 1]->due_ms < l->heap[child]->due_ms)
			child++;
		if (t->due_ms <= l->heap[child]->due_ms)
			break;
		loop_heap_place(l, i, l->heap[child]);
		i = child;
	}
	loop_heap_place(l, i, t);
}

/* Takes T out of the heap, wherever it is. */
static void
loop_heap_remove(struct loop *l, struct loop_timer *t)
{
	size_t i = t->heap_index - 1;
	struct loop_timer *last;

	t->heap_index = 0;
	last = l->heap[--l->nheap];
	if (last == t)
		return;
	loop_heap_place(l, i, last);
	if (i > 0 && l->heap[(i - 1) / 2]->due_ms > last->due_ms)
		loop_heap_up(l, i);
	else
		loop_heap_down(l, i);
}

/*
 * Arms T for MS milliseconds after the current iteration's time. The heap
 * grows on demand; running out of memory for a timer would silently lose an
 * event (a flush, a timeout), so it is fatal.
 */
void
loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t ms,
    loop_timer_fn *fn, void *arg)
{
	struct loop_timer **p;
	size_t cap;

	t->fn = fn;
	t->arg = arg;
	t->due_ms = l->now + ms;
	if (t->heap_index != 0) {
		loop_heap_remove(l, t);
	} else if (l->nheap == l->heap_cap) {
		cap = l->heap_cap ? l->heap_cap * 2 : 64;
		p = realloc(l->heap, cap * sizeof(*p));
		if (p == NULL)
			log_fatal("timer heap allocation", __FILE__, __LINE__);
		l->heap = p;
		l->heap_cap = cap;
	}
	l->heap[l->nheap] = t;
	l->nheap++;
	loop_heap_up(l, l->nheap - 1);
}

void
loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	if (t->heap_index != 0)
		loop_heap_remove(l, t);
}

uint64_t
loop_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
loop_now(const struct loop *l)
{
	return l->now;
}

/* Returns the epoll_wait timeout: -1 without timers, else the time to the
 * earliest one. */
static int
loop_timeout(const struct loop *l)
{
	uint64_t due;

	if (l->nheap == 0)
		return -1;
	due = l->heap[0]->due_ms;
	if (due <= l->now)
		return 0;
	if (due - l->now > INT_MAX)
		return INT_MAX;
	return (int)(due - l->now);
}

/* Calls each handler for the N events in l->ready. */
static void
loop_dispatch(struct loop *l, int n)
{
	struct loop_fdev *f;
	uint32_t ev, gen;
	unsigned events;
	int i, fd;

	for (i = 0; i < n && !l->stop; i++) {
		fd = (int)(uint32_t)l->ready[i].data.u64;
		gen = (uint32_t)(l->ready[i].data.u64 >> 32);
		if ((size_t)fd >= l->nfds)
			continue;
		f = &l->fds[fd];
		if (f->fn == NULL || f->gen != gen)
			continue;
		ev = l->ready[i].events;
		events = 0;
		if (ev & EPOLLIN)
			events |= LOOP_READ;
		if (ev & EPOLLOUT)
			events |= LOOP_WRITE;
		/* An error or hang-up is found by the next read or write. */
		if (ev & (EPOLLERR | EPOLLHUP))
			events |= f->events;
		events &= f->events;
		if (events != 0)
			f->fn(l, fd, events, f->arg);
	}
}

/* Runs the timers due at the iteration's time, earliest first. */
static void
loop_run_timers(struct loop *l)
{
	struct loop_timer *t;

	while (l->nheap > 0 && !l->stop) {
		t = l->heap[0];
		if (t->due_ms > l->now)
			break;
		loop_heap_remove(l, t);
		t->fn(l, t, t->arg);
	}
}

int
loop_run(struct loop *l)
{
	int n;

	l->stop = 0;
	while (!l->stop) {
		n = epoll_wait(l->epfd, l->ready, LOOP_BATCH, loop_timeout(l));
		l->now = loop_clock();
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		loop_dispatch(l, n);
		loop_run_timers(l);
	}
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}
