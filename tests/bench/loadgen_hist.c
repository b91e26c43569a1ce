/*
 * loadgen: the latency histogram the sink fills from the send times the
 * messages carry, and its quantiles.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "loadgen.h"

/*
 * Latency buckets are exact below 2 * 2^LG_HIST_BITS us; above, each
 * power of two is split in 2^LG_HIST_BITS buckets, so that a bucket is
 * never wider than 1/64 of its values (16 us at 1 ms) and a few thousand
 * cover any latency.
 */
static size_t
lg_bucket(uint64_t us)
{
	unsigned e;

	if (us < (2u << LG_HIST_BITS))
		return (size_t)us;
	e = 63u - (unsigned)__builtin_clzll(us);
	return ((size_t)(e - LG_HIST_BITS) << LG_HIST_BITS) +
	    (size_t)(us >> (e - LG_HIST_BITS));
}

/* Returns the smallest latency in bucket B, the inverse of lg_bucket. */
static uint64_t
lg_bucket_floor(size_t b)
{
	unsigned e;

	if (b < (2u << LG_HIST_BITS))
		return b;
	e = (unsigned)(b >> LG_HIST_BITS) + LG_HIST_BITS - 1;
	return ((uint64_t)(b & ((1u << LG_HIST_BITS) - 1)) |
	    (1u << LG_HIST_BITS)) << (e - LG_HIST_BITS);
}

/* Records a latency sample from the message at BUF[START..END). */
void
lg_latency(struct lg *lg, const char *buf, size_t start, size_t end,
    uint64_t now)
{
	const char *p = memmem(buf + start, end - start, "ts:", 3);
	uint64_t ts = 0, us;
	size_t i;

	if (p == NULL || (size_t)(buf + end - p) < 3 + LG_TS_DIGITS)
		return;
	for (i = 0; i < LG_TS_DIGITS; i++)
		ts = ts * 10 + (uint64_t)(p[3 + i] - '0');
	us = now > ts ? (now - ts) / 1000 : 0;
	if (us > lg->latency_max)
		lg->latency_max = us;
	lg->hist[lg_bucket(us)]++;
	lg->hist_n++;
}

/*
 * Returns the Q quantile of the latency histogram: the lower bound of the
 * bucket it falls in, in microseconds.
 */
double
lg_quantile(const struct lg *lg, double q)
{
	uint64_t want = (uint64_t)(q * (double)lg->hist_n), seen = 0;
	size_t i;

	for (i = 0; i < LG_HIST_BUCKETS; i++) {
		seen += lg->hist[i];
		if (seen > want)
			return (double)lg_bucket_floor(i);
	}
	return 0;
}
