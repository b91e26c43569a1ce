/*
 * Learning the prefilter of text_match() from the machine of the policy's
 * lists (see text_gate.h).
 *
 * Every path of three ASCII bytes from the machine's anchored entry that
 * does not kill it (or that completes a list, after which any byte may
 * follow) is a start. The starts group into windows, one per state the
 * three bytes lead to: at each place, the bytes of the paths into that
 * state. Keyed so, the starts of one word share a window, and those of
 * a pattern such as "[a-z][a-z][0-9]+" another, whatever words begin
 * like it: a window that mixed letters and digits at one place would let
 * through most words once kept as halves of bytes. The windows are then
 * merged, two at a time, the two whose union lets through fewest windows
 * that neither did, until the buckets hold them.
 */
#include <stddef.h>
#include <stdlib.h>

#include "text_fold.h"
#include "text_gate.h"

/* A state past a completed list: any byte may follow. */
#define GATE_DONE (-1)

/* The most windows merged one by one (the merge is cubic in them); with
 * more, the windows of one first state are merged at once. */
#define GATE_WINDOWS 256

/* A set of ASCII bytes. */
struct gate_set {
	uint64_t half[2];
};

/* The bytes each place of a window may hold. */
struct gate_window {
	struct gate_set at[TEXT_GATE_WIDTH];
};

/* The states a byte leads to and the bytes that lead there. */
struct gate_next {
	int state[128];
	struct gate_set by[128];
	size_t n;
};

static void
gate_add(struct gate_set *s, unsigned b)
{
	s->half[b >> 6] |= UINT64_C(1) << (b & 63);
}

static int
gate_has(const struct gate_set *s, unsigned b)
{
	return (s->half[b >> 6] >> (b & 63) & 1) != 0;
}

static void
gate_union(struct gate_window *to, const struct gate_window *w)
{
	int i;

	for (i = 0; i < TEXT_GATE_WIDTH; i++) {
		to->at[i].half[0] |= w->at[i].half[0];
		to->at[i].half[1] |= w->at[i].half[1];
	}
}

/* Where byte B leads the machine from state S. */
static int
gate_step(int s, unsigned char b)
{
	uint64_t found = 0;
	int t;

	if (s == GATE_DONE)
		return GATE_DONE;
	t = gen_text_run(s, &b, &b + 1, &found);
	return found != 0 ? GATE_DONE : t;
}

/* Fills N with the states other than DEAD that each ASCII byte leads to
 * from S, and the bytes that lead to each. */
static void
gate_next(int s, int dead, struct gate_next *n)
{
	unsigned b;
	size_t i;
	int t;

	n->n = 0;
	for (b = 0; b < 128; b++) {
		if ((t = gate_step(s, (unsigned char)b)) == dead)
			continue;
		for (i = 0; i < n->n && n->state[i] != t; i++)
			;
		if (i == n->n) {
			n->state[n->n] = t;
			n->by[n->n++] = (struct gate_set){ { 0, 0 } };
		}
		gate_add(&n->by[i], b);
	}
}

/* Adds to every set of W the upper case of each lower case letter in it:
 * the gate reads text before folding. */
static void
gate_both_cases(struct gate_window *w)
{
	unsigned b;
	int i;

	for (i = 0; i < TEXT_GATE_WIDTH; i++)
		for (b = 'a'; b <= 'z'; b++)
			if (gate_has(&w->at[i], b))
				gate_add(&w->at[i], b - 'a' + 'A');
}

/* How many windows W lets through once kept as halves of bytes: at each
 * place, the low halves its bytes have times their high halves. */
static double
gate_size(const struct gate_window *w)
{
	double size = 1;
	unsigned lo, hi, k;
	uint64_t half;
	int i;

	for (i = 0; i < TEXT_GATE_WIDTH; i++) {
		lo = hi = 0;
		for (k = 0; k < 8; k++) {
			half = w->at[i].half[k >> 2] >> (16 * (k & 3)) & 0xffff;
			lo |= (unsigned)half;
			hi |= (half != 0) << k;
		}
		size *= (double)(__builtin_popcount(lo) *
		    __builtin_popcount(hi));
	}
	return size;
}

/* The cost of merging windows I and J of W (I < J, sizes SIZE) into
 * COST, a matrix of N by N. */
static void
gate_cost(const struct gate_window *w, const double *size, double *cost,
    size_t n, size_t i, size_t j)
{
	struct gate_window u = w[i];

	gate_union(&u, &w[j]);
	cost[i * n + j] = gate_size(&u) - size[i] - size[j];
}

/* Merges the N windows W into at most TEXT_GATE_BUCKETS; returns how many
 * are left, at the start of W. */
static size_t
gate_merge(struct gate_window *w, size_t n)
{
	static double size[GATE_WINDOWS];
	static unsigned char gone[GATE_WINDOWS];
	double *cost, best;
	size_t i, j, bi = 0, bj = 1, left = n;

	if (n <= TEXT_GATE_BUCKETS)
		return n;
	/* Without memory for the costs, one bucket holds every window. */
	if ((cost = malloc(n * n * sizeof(*cost))) == NULL) {
		for (i = 1; i < n; i++)
			gate_union(&w[0], &w[i]);
		return 1;
	}
	for (i = 0; i < n; i++) {
		size[i] = gate_size(&w[i]);
		gone[i] = 0;
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			gate_cost(w, size, cost, n, i, j);
	for (; left > TEXT_GATE_BUCKETS; left--) {
		best = -1;
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n && !gone[i]; j++)
				if (!gone[j] && (best < 0 ||
				    cost[i * n + j] < best)) {
					best = cost[i * n + j];
					bi = i;
					bj = j;
				}
		gate_union(&w[bi], &w[bj]);
		gone[bj] = 1;
		size[bi] = gate_size(&w[bi]);
		for (i = 0; i < n; i++)
			if (!gone[i] && i != bi)
				gate_cost(w, size, cost, n, i < bi ? i : bi,
				    i < bi ? bi : i);
	}
	free(cost);
	for (i = j = 0; i < n; i++)
		if (!gone[i])
			w[j++] = w[i];
	return j;
}

/* Writes the N windows W, one per bucket, into G's masks. */
static void
gate_masks(struct text_gate *g, const struct gate_window *w, size_t n)
{
	unsigned b;
	size_t k;
	int i;

	for (i = 0; i < TEXT_GATE_WIDTH; i++)
		for (b = 0; b < 32; b++)
			g->lo[i][b] = g->hi[i][b] = 0;
	for (k = 0; k < n; k++)
		for (i = 0; i < TEXT_GATE_WIDTH; i++)
			for (b = 0; b < 128; b++)
				if (gate_has(&w[k].at[i], b)) {
					g->lo[i][b & 0x0f] |= (uint8_t)(1u << k);
					g->hi[i][b >> 4] |= (uint8_t)(1u << k);
				}
	for (i = 0; i < TEXT_GATE_WIDTH; i++)
		for (b = 0; b < 16; b++) {
			g->lo[i][16 + b] = g->lo[i][b];
			g->hi[i][16 + b] = g->hi[i][b];
		}
}

/* The windows of the starts, by the state they lead to (text_gate_learn()). */
static struct {
	int state[GATE_WINDOWS];
	struct gate_window keyed[GATE_WINDOWS];
	size_t n;
	int many;			/* more states than windows */
	struct gate_window by_first[128];	/* else, by the first state */
} gate;

/* Adds the start A1 A2 B to the window of state S, and to window I by
 * the first state. */
static void
gate_start(int s, const struct gate_set *a1, const struct gate_set *a2,
    unsigned b, size_t i)
{
	struct gate_window w = { { *a1, *a2, { { 0, 0 } } } };
	size_t k;

	gate_add(&w.at[2], b);
	gate_union(&gate.by_first[i], &w);
	for (k = 0; k < gate.n && gate.state[k] != s; k++)
		;
	if (k == gate.n && gate.n == GATE_WINDOWS) {
		gate.many = 1;
		return;
	}
	if (k == gate.n) {
		gate.state[gate.n] = s;
		gate.keyed[gate.n++] = (struct gate_window){ { { { 0, 0 } } } };
	}
	gate_union(&gate.keyed[k], &w);
}

void
text_gate_learn(struct text_gate *g)
{
	static struct gate_next first, second;
	struct gate_window *w;
	int dead = gen_text_dead(), s;
	size_t i, j, n;
	unsigned b;

	gate.n = 0;
	gate.many = 0;
	gate_next(gen_text_anchor(), dead, &first);
	for (i = 0; i < first.n; i++) {
		gate.by_first[i] = (struct gate_window){ { { { 0, 0 } } } };
		gate_next(first.state[i], dead, &second);
		for (j = 0; j < second.n; j++)
			for (b = 0; b < 128; b++)
				if ((s = gate_step(second.state[j],
				    (unsigned char)b)) != dead)
					gate_start(s, &first.by[i],
					    &second.by[j], b, i);
	}
	w = gate.many ? gate.by_first : gate.keyed;
	n = gate.many ? first.n : gate.n;
	for (i = 0; i < n; i++)
		gate_both_cases(&w[i]);
	gate_masks(g, w, gate_merge(w, n));
}
