/*
 * Admission of inbound connections: the memory budget, the bounds on
 * connections not yet authenticated, in all and per source, and the
 * rate-limited log of refusals.
 *
 * Sources are counted in a hash table with linear probing. A source is an
 * IPv4 address, or the /64 prefix of an IPv6 address: whoever holds one
 * IPv6 address usually holds its whole /64. The table has twice as many
 * slots as there may be unauthenticated connections, each of which names
 * one source at most, so it never fills; the same bound keeps the longest
 * probe short whatever addresses an attacker picks.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "admit.h"
#include "log.h"

/* What an accepted stream holds that is not counted as it is allocated:
 * the stream, connection and parser structures, and TLS state once TLS
 * starts. Charged for every admitted stream, TLS or not. */
#define ADMIT_STREAM_BYTES (32 * 1024)
/* Once what is counted has fallen this far since its last high, malloc is
 * asked to give free memory back to the system (see admit_release). */
#define ADMIT_TRIM_STEP (1024 * 1024)
/* Refusals are logged at most once per interval, with their count. */
#define ADMIT_LOG_INTERVAL_MS 10000

struct admit_source {
	unsigned char key[16];
	size_t count;			/* 0: the slot is free */
};

static void admit_log(struct admit *a, uint64_t now_ms);

int
admit_init(struct admit *a, const struct admit_settings *settings)
{
	size_t n = 2;

	memset(a, 0, sizeof(*a));
	a->set = *settings;
	if (a->set.max_unauth == 0 || a->set.max_unauth_per_source == 0)
		return 0;
	while (n < 2 * a->set.max_unauth && n < SIZE_MAX / 4)
		n *= 2;
	if ((a->sources = calloc(n, sizeof(*a->sources))) == NULL)
		return -1;
	a->nslots = n;
	return 0;
}

/* Logs the refusals not logged yet, so that none goes unreported. */
void
admit_free(struct admit *a)
{
	if (a->unlogged > 0)
		admit_log(a, a->log_at);
	free(a->sources);
	memset(a, 0, sizeof(*a));
}

/* The key of no address: a multicast prefix, which no peer has. */
static const unsigned char admit_no_source[16] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

/*
 * Writes the source key of the peer of socket FD to KEY: an IPv4 address
 * as its IPv4-mapped IPv6 form, an IPv6 address cut to its /64 prefix.
 * Anything else (a test's socketpair, an address that cannot be read) is
 * admit_no_source: one source for all of them.
 */
static void
admit_source_key(int fd, unsigned char *key)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
	socklen_t len = sizeof(ss);

	memset(key, 0, 16);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1)
		ss.ss_family = AF_UNSPEC;
	if (ss.ss_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &sin->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		memcpy(key, &sin6->sin6_addr,
		    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) ? 16 : 8);
	} else {
		memcpy(key, admit_no_source, 16);
	}
}

/* Formats source KEY for the log into OUT (CAP bytes, at least
 * INET6_ADDRSTRLEN + 3): "-" for the key of no address. */
static const char *
admit_source_text(const unsigned char *key, char *out, size_t cap)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(key, admit_no_source, 16) == 0)
		return "-";
	if (memcmp(key, mapped, 12) == 0)
		return inet_ntop(AF_INET, key + 12, out, (socklen_t)cap);
	if (inet_ntop(AF_INET6, key, out, (socklen_t)cap - 3) == NULL)
		return "-";
	strcat(out, "/64");
	return out;
}

/* Mixes the 16 bytes of KEY (MurmurHash3's 64-bit finalizer over their
 * two halves), so that addresses differing in a few bits spread over the
 * table. */
static size_t
admit_hash(const unsigned char *key)
{
	uint64_t hi, lo, h;

	memcpy(&hi, key, 8);
	memcpy(&lo, key + 8, 8);
	h = hi ^ (lo * 0x9e3779b97f4a7c15u);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	return (size_t)h;
}

/* Returns the slot of KEY, or the free slot where it would go. */
static struct admit_source *
admit_slot(struct admit *a, const unsigned char *key)
{
	size_t mask = a->nslots - 1, i = admit_hash(key) & mask;

	while (a->sources[i].count != 0 &&
	    memcmp(a->sources[i].key, key, 16) != 0)
		i = (i + 1) & mask;
	return &a->sources[i];
}

/*
 * Frees slot S, moving back the entries after it that probing would no
 * longer find (backward-shift deletion), so that no slot needs a
 * tombstone.
 */
static void
admit_slot_free(struct admit *a, struct admit_source *s)
{
	size_t mask = a->nslots - 1, hole = (size_t)(s - a->sources);
	size_t i = hole, home;

	for (;;) {
		a->sources[hole].count = 0;
		for (;;) {
			i = (i + 1) & mask;
			if (a->sources[i].count == 0)
				return;
			home = admit_hash(a->sources[i].key) & mask;
			/* Entry I may fill the hole unless its home lies
			 * cyclically in (hole, i]. */
			if (hole <= i ? (home <= hole || home > i) :
			    (home <= hole && home > i))
				break;
		}
		a->sources[hole] = a->sources[i];
		hole = i;
	}
}

/* Logs the refusals not logged yet, the last of which had REASON and
 * SOURCE, and starts a new interval at NOW_MS. */
static void
admit_log(struct admit *a, uint64_t now_ms)
{
	char src[INET6_ADDRSTRLEN + 3];

	log_event(LOG_LVL_WARN, 0, "refuse-connection",
	    "reason=\"%s\" source=%s refused=%zu unauthenticated=%zu "
	    "held=%zu", a->why, admit_source_text(a->why_source, src,
	    sizeof(src)), a->unlogged, a->unauth, a->held);
	a->unlogged = 0;
	a->log_at = now_ms;
}

/* Logs the refusals not logged yet once the interval has passed. */
static void
admit_log_due(struct admit *a, uint64_t now_ms)
{
	if (a->unlogged > 0 && now_ms - a->log_at >= ADMIT_LOG_INTERVAL_MS)
		admit_log(a, now_ms);
}

/* Counts a refusal for WHY of a connection from KEY, and logs it unless a
 * line went out less than an interval ago. */
static void
admit_refuse(struct admit *a, const char *why, const unsigned char *key,
    uint64_t now_ms)
{
	a->why = why;
	memcpy(a->why_source, key, 16);
	a->refused++;
	a->unlogged++;
	if (a->refused == 1)
		admit_log(a, now_ms);
	else
		admit_log_due(a, now_ms);
}

/*
 * Gives free memory back to the system once what is counted fell by
 * ADMIT_TRIM_STEP from its high. glibc returns the top of its heap by
 * itself, but not free pages below memory still in use, and streams that
 * come and go leave their memory scattered: without this a flood of
 * streams, once closed, would leave the guard as large as at its peak.
 * malloc_trim releases every whole free page, in every malloc arena.
 */
static void
admit_trim(struct admit *a)
{
	if (a->held > a->high)
		a->high = a->held;
	if (a->high - a->held < ADMIT_TRIM_STEP)
		return;
	malloc_trim(0);
	a->high = a->held;
}

int
admit_accept(struct admit *a, int fd, uint64_t now_ms,
    struct admit_ticket *t)
{
	struct admit_source *s = NULL;
	unsigned char key[16];

	admit_source_key(fd, key);
	if (a->nslots != 0)
		s = admit_slot(a, key);
	if (admit_over_budget(a)) {
		admit_refuse(a, "memory budget", key, now_ms);
		return -1;
	}
	if (a->set.max_unauth != 0 && a->unauth >= a->set.max_unauth) {
		admit_refuse(a, "unauthenticated limit", key, now_ms);
		return -1;
	}
	if (s != NULL && s->count >= a->set.max_unauth_per_source) {
		admit_refuse(a, "unauthenticated limit per source", key,
		    now_ms);
		return -1;
	}
	admit_log_due(a, now_ms);
	if (s != NULL) {
		memcpy(s->key, key, 16);
		s->count++;
	}
	a->unauth++;
	memcpy(t->source, key, 16);
	t->unauth = 1;
	t->charged = ADMIT_STREAM_BYTES;
	a->held += t->charged;
	if (a->held > a->high)
		a->high = a->held;
	return 0;
}

void
admit_authenticated(struct admit *a, struct admit_ticket *t)
{
	struct admit_source *s;

	if (!t->unauth)
		return;
	XEDGE_ASSERT(a->unauth > 0);
	if (a->nslots != 0) {
		s = admit_slot(a, t->source);
		XEDGE_ASSERT(s->count > 0);
		if (--s->count == 0)
			admit_slot_free(a, s);
	}
	a->unauth--;
	t->unauth = 0;
}

void
admit_release(struct admit *a, struct admit_ticket *t, uint64_t now_ms)
{
	admit_authenticated(a, t);
	a->held -= t->charged;
	t->charged = 0;
	admit_log_due(a, now_ms);
	admit_trim(a);
}

int
admit_over_budget(const struct admit *a)
{
	return a->set.memory_budget != 0 && a->held >= a->set.memory_budget;
}
