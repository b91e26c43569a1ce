/*
 * The label stage's memory of its decisions (see label_cache.h): a table
 * of two-way sets, the set chosen by a hash of the label and clearances
 * under a seed drawn at start (so that no sender can aim labels at one
 * set), the older of a set's two entries replaced.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/rand.h>

#include "label_cache.h"

#define LABEL_CACHE_WAYS 2

struct label_cache_entry {
	uint64_t hash;			/* 0: free */
	const void *src, *dst;
	unsigned age;			/* the set's clock when last used */
	size_t len;
	char text[LABEL_CACHE_TEXT];
	struct label_verdict verdict;
	char out[LABEL_CACHE_TEXT];	/* verdict.out points here */
};

/* The guard decides one stanza at a time, on one thread. */
static struct {
	uint64_t seed;
	int seeded;
	unsigned clock;
	struct label_cache_entry e[LABEL_CACHE_SLOTS];
} cache;

/* The hash of TEXT between SRC and DST, never 0. */
static uint64_t
label_cache_hash(const char *text, size_t len, const void *src,
    const void *dst)
{
	uint64_t h, w;
	size_t i;

	if (!cache.seeded) {
		/* Without randomness the seed stays fixed: decisions are
		 * still exact, only their spread over sets is guessable. */
		(void)RAND_bytes((unsigned char *)&cache.seed,
		    sizeof(cache.seed));
		cache.seeded = 1;
	}
	h = cache.seed ^ ((uint64_t)(uintptr_t)src * 31 + (uintptr_t)dst);
	/* Eight bytes a step, then the rest: a multiply and a shift each. */
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, text + i, 8);
		h = (h ^ w) * UINT64_C(0x9e3779b97f4a7c15);
		h ^= h >> 29;
	}
	for (w = 0; i < len; i++)
		w = w << 8 | (unsigned char)text[i];
	h = (h ^ w ^ len) * UINT64_C(0x9e3779b97f4a7c15);
	h ^= h >> 32;
	return h | 1;
}

/* The first entry of the set of hash H. */
static struct label_cache_entry *
label_cache_set(uint64_t h)
{
	return &cache.e[(h >> 7) % (LABEL_CACHE_SLOTS / LABEL_CACHE_WAYS) *
	    LABEL_CACHE_WAYS];
}

int
label_cache_get(const char *text, size_t len, const void *src,
    const void *dst, struct label_verdict *v)
{
	uint64_t h;
	struct label_cache_entry *e;
	int i;

	if (len > LABEL_CACHE_TEXT)
		return 0;
	h = label_cache_hash(text, len, src, dst);
	e = label_cache_set(h);
	for (i = 0; i < LABEL_CACHE_WAYS; i++, e++)
		if (e->hash == h && e->src == src && e->dst == dst &&
		    e->len == len && memcmp(e->text, text, len) == 0) {
			e->age = ++cache.clock;
			*v = e->verdict;
			return 1;
		}
	return 0;
}

void
label_cache_put(const char *text, size_t len, const void *src,
    const void *dst, const struct label_verdict *v)
{
	uint64_t h;
	struct label_cache_entry *e, *old;

	if (len > LABEL_CACHE_TEXT || v->out_len > LABEL_CACHE_TEXT)
		return;
	h = label_cache_hash(text, len, src, dst);
	e = old = label_cache_set(h);
	if (e[1].hash == 0 || (e[0].hash != 0 && e[1].age < e[0].age))
		old = &e[1];
	old->hash = h;
	old->src = src;
	old->dst = dst;
	old->age = ++cache.clock;
	old->len = len;
	memcpy(old->text, text, len);
	old->verdict = *v;
	if (v->out != NULL) {
		memcpy(old->out, v->out, v->out_len);
		old->verdict.out = old->out;
	}
}
