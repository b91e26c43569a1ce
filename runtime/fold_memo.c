/*
 * The memo of folded presence (see fold_memo.h): open addressing over a
 * power-of-two table, a short linear probe, keys compared as 64-bit keyed
 * hashes of the bare JIDs (case-folded ASCII: JIDs differing only in the
 * case of ASCII letters are one user, as nodeprep and nameprep make them),
 * resources as 32-bit keyed hashes of their exact bytes (resourceprep
 * folds no case: "Phone" and "phone" are two resources).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "fold_memo.h"

/* Resources remembered per pair, and slots looked at per key. */
#define FOLD_RESOURCES 4
#define FOLD_PROBE 8

/* A pair of users, and what was last sent for a few pairs of their
 * resources: presence to a bare JID has no recipient resource, directed
 * presence (to a room occupant, say) has one. */
struct fold_slot {
	uint64_t pair;			/* 0: free */
	uint32_t from[FOLD_RESOURCES];	/* 0: free */
	uint32_t to[FOLD_RESOURCES];
	unsigned char state[FOLD_RESOURCES];
};

struct fold_memo {
	struct fold_slot *slot;
	size_t mask;
	uint64_t seed;
};

struct fold_memo *
fold_memo_new(size_t nslots)
{
	struct fold_memo *m;

	/* The mask below needs a power of two. */
	if (nslots == 0 || (nslots & (nslots - 1)) != 0)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL || (m->slot = calloc(nslots, sizeof(*m->slot))) == NULL ||
	    RAND_bytes((unsigned char *)&m->seed, sizeof(m->seed)) != 1) {
		fold_memo_free(m);
		return NULL;
	}
	m->mask = nslots - 1;
	return m;
}

void
fold_memo_free(struct fold_memo *m)
{
	if (m == NULL)
		return;
	free(m->slot);
	free(m);
}

/* Mixes S[0..len) into H, ASCII case-folded with FOLD (bare JIDs; a
 * resource's case is its own); a multiply-xorshift per byte is enough
 * under a secret seed for spreading keys over slots. */
static uint64_t
fold_hash(uint64_t h, const char *s, size_t len, int fold)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (fold && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * UINT64_C(0x100000001b3);
		h ^= h >> 29;
	}
	return h;
}

/* The length of the bare part of JID J. */
static size_t
fold_bare_len(const char *j)
{
	const char *slash = strchr(j, '/');

	return slash != NULL ? (size_t)(slash - j) : strlen(j);
}

/* The key of the pair (bare A, bare B), never 0. */
static uint64_t
fold_pair(const struct fold_memo *m, const char *a, const char *b)
{
	uint64_t h = fold_hash(m->seed, a, fold_bare_len(a), 1);

	h = fold_hash(h ^ 0x9e3779b97f4a7c15u, b, fold_bare_len(b), 1);
	return h != 0 ? h : 1;
}

/* The slot of PAIR, or NULL; with ADD, a free one for it (NULL: none
 * within the probe). */
static struct fold_slot *
fold_find(struct fold_memo *m, uint64_t pair, int add)
{
	struct fold_slot *s, *free_slot = NULL;
	size_t i;

	for (i = 0; i < FOLD_PROBE; i++) {
		s = &m->slot[(pair + i) & m->mask];
		if (s->pair == pair)
			return s;
		if (s->pair == 0 && free_slot == NULL)
			free_slot = s;
	}
	if (add && free_slot != NULL) {
		memset(free_slot, 0, sizeof(*free_slot));
		free_slot->pair = pair;
	}
	return add ? free_slot : NULL;
}

/* The key of the resource of JID J (its "/" included, so that a bare
 * JID has a key of its own), never 0. */
static uint32_t
fold_resource(const struct fold_memo *m, const char *j)
{
	const char *r = j + fold_bare_len(j);

	return (uint32_t)fold_hash(m->seed, r, strlen(r), 0) | 1;
}

/* Forgets every entry of slot S for the sender's resource FROM, and the
 * slot when none is left. */
static void
fold_forget_resource(struct fold_slot *s, uint32_t from)
{
	size_t i, left = 0;

	for (i = 0; i < FOLD_RESOURCES; i++) {
		if (s->from[i] == from)
			s->from[i] = 0;
		left += s->from[i] != 0;
	}
	if (left == 0)
		s->pair = 0;
}

int
fold_memo_repeat(struct fold_memo *m, const char *from, const char *to,
    enum fold_state state)
{
	uint32_t r = fold_resource(m, from), t = fold_resource(m, to);
	struct fold_slot *s;
	size_t i, empty = FOLD_RESOURCES;

	s = fold_find(m, fold_pair(m, from, to), state != FOLD_UNAVAILABLE);
	if (s == NULL)
		return 0;
	/* Gone, to one of the user's resources or all: whatever the
	 * resource sent that user before is forgotten. */
	if (state == FOLD_UNAVAILABLE) {
		fold_forget_resource(s, r);
		return 0;
	}
	for (i = 0; i < FOLD_RESOURCES; i++) {
		if (s->from[i] == r && s->to[i] == t)
			break;
		if (s->from[i] == 0 && empty == FOLD_RESOURCES)
			empty = i;
	}
	if (i < FOLD_RESOURCES && s->state[i] == state)
		return 1;
	if (i == FOLD_RESOURCES)
		i = empty;
	if (i < FOLD_RESOURCES) {
		s->from[i] = r;
		s->to[i] = t;
		s->state[i] = (unsigned char)state;
	}
	return 0;
}

void
fold_memo_forget(struct fold_memo *m, const char *a, const char *b)
{
	struct fold_slot *s;

	if ((s = fold_find(m, fold_pair(m, a, b), 0)) != NULL)
		s->pair = 0;
	if ((s = fold_find(m, fold_pair(m, b, a), 0)) != NULL)
		s->pair = 0;
}
