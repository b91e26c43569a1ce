/*
 * The scan of the prefilter of text_match() (see text_gate.h): thirty-two
 * windows at a time with AVX2 where the processor has it, one at a time
 * elsewhere. Building with TEXT_GATE_PORTABLE leaves the AVX2 scan out,
 * so that the tests can check the other.
 */
#include <string.h>

#include "text_gate.h"

#if defined(__x86_64__) && !defined(TEXT_GATE_PORTABLE)
#define TEXT_GATE_AVX2 1
#include <immintrin.h>
#endif

/* The buckets that hold byte B at place I. */
static inline unsigned
text_gate_buckets(const struct text_gate *g, int i, unsigned char b)
{
	return g->lo[i][b & 0x0f] & g->hi[i][b >> 4];
}

/* Whether the window B0 B1 B2 after byte BEFORE passes G. */
static inline int
text_gate_window(const struct text_gate *g, unsigned char before,
    unsigned char b0, unsigned char b1, unsigned char b2)
{
	unsigned char letter = (unsigned char)(before | 0x20);

	if ((before >= '0' && before <= '9') || (letter >= 'a' &&
	    letter <= 'z'))
		return 0;
	return ((b0 | b1 | b2) & 0x80) != 0 ||
	    (text_gate_buckets(g, 0, b0) & text_gate_buckets(g, 1, b1) &
	    text_gate_buckets(g, 2, b2)) != 0;
}

/* The byte at Q of [TEXT, END), or the separator around the text. */
static inline unsigned char
text_gate_byte(const unsigned char *text, const unsigned char *q,
    const unsigned char *end)
{
	return q >= text && q < end ? *q : ' ';
}

static const unsigned char *
text_gate_next_portable(const struct text_gate *g, const unsigned char *text,
    const unsigned char *p, const unsigned char *end)
{
	for (; p < end; p++)
		if (text_gate_window(g, text_gate_byte(text, p - 1, end), *p,
		    text_gate_byte(text, p + 1, end),
		    text_gate_byte(text, p + 2, end)))
			return p;
	return end;
}

#ifdef TEXT_GATE_AVX2
/* The buckets of G that hold each of the 32 bytes V at place I. */
__attribute__((target("avx2"))) static inline __m256i
text_gate_place(const struct text_gate *g, int i, __m256i v)
{
	const __m256i low = _mm256_set1_epi8(0x0f);

	return _mm256_and_si256(_mm256_shuffle_epi8(_mm256_load_si256(
	    (const __m256i *)(const void *)g->lo[i]), _mm256_and_si256(v,
	    low)), _mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)
	    (const void *)g->hi[i]), _mm256_and_si256(_mm256_srli_epi16(v, 4),
	    low)));
}

/* Each byte of V that is an ASCII letter or digit, as 0xff, others 0:
 * by the halves of the byte, as for the buckets, with a bit for each
 * range of letters or digits ('0' to '9'; 'A' to 'O', 'a' to 'o'; 'P'
 * to 'Z', 'p' to 'z'). */
__attribute__((target("avx2"))) static inline __m256i
text_gate_alnum(__m256i v)
{
	const __m256i low = _mm256_set1_epi8(0x0f);
	const __m256i lo = _mm256_setr_epi8(
	    5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 2, 2, 2, 2, 2,
	    5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 2, 2, 2, 2, 2);
	const __m256i hi = _mm256_setr_epi8(
	    0, 0, 0, 1, 2, 4, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 1, 2, 4, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0);

	return _mm256_xor_si256(_mm256_cmpeq_epi8(_mm256_and_si256(
	    _mm256_shuffle_epi8(lo, _mm256_and_si256(v, low)),
	    _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4),
	    low))), _mm256_setzero_si256()), _mm256_set1_epi8(-1));
}

/* Bit J is set when the window at P + J passes, BEFORE holding the byte
 * before each (P[0..34) readable). */
__attribute__((target("avx2"))) static inline uint32_t
text_gate_block(const struct text_gate *g, const unsigned char *p,
    __m256i before)
{
	__m256i v0, v1, v2, in;

	v0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
	v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 1));
	v2 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 2));
	in = _mm256_and_si256(text_gate_place(g, 0, v0), _mm256_and_si256(
	    text_gate_place(g, 1, v1), text_gate_place(g, 2, v2)));
	/* A byte beyond ASCII anywhere in the window lets it through; a
	 * letter or digit before it keeps it out: no word starts there. */
	return ~(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_cmpeq_epi8(in, _mm256_setzero_si256()),
	    text_gate_alnum(before))) |
	    ((uint32_t)_mm256_movemask_epi8(_mm256_or_si256(v0,
	    _mm256_or_si256(v1, v2))) &
	    ~(uint32_t)_mm256_movemask_epi8(text_gate_alnum(before)));
}

/* The 32 bytes before those at P, the first of the text: a 0 (which
 * separates, as the text is taken to start after a separator) and the
 * first 31. */
__attribute__((target("avx2"))) static inline __m256i
text_gate_first(const unsigned char *p)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);

	return _mm256_alignr_epi8(v, _mm256_permute2x128_si256(v, v, 0x08),
	    15);
}

/* text_gate_block() of the windows that start in [P, END), fewer than
 * 32 + TEXT_GATE_WIDTH - 1 bytes, read from a copy with separators past
 * END. */
__attribute__((target("avx2"))) static uint32_t
text_gate_last(const struct text_gate *g, const unsigned char *text,
    const unsigned char *p, const unsigned char *end)
{
	unsigned char copy[1 + 32 + TEXT_GATE_WIDTH - 1];
	size_t left = (size_t)(end - p);
	uint32_t hit;

	memset(copy, ' ', sizeof(copy));
	copy[0] = p > text ? p[-1] : ' ';
	memcpy(copy + 1, p, left);
	hit = text_gate_block(g, copy + 1, _mm256_loadu_si256(
	    (const __m256i *)(const void *)copy));
	return left < 32 ? hit & ((UINT32_C(1) << left) - 1) : hit;
}

__attribute__((target("avx2"))) static const unsigned char *
text_gate_next_avx2(const struct text_gate *g, const unsigned char *text,
    const unsigned char *p, const unsigned char *end)
{
	uint32_t hit;

	for (; p < end; p += 32) {
		if (end - p < 32 + TEXT_GATE_WIDTH - 1)
			hit = text_gate_last(g, text, p, end);
		else
			hit = text_gate_block(g, p, p > text ?
			    _mm256_loadu_si256((const __m256i *)(const void *)
			    (p - 1)) : text_gate_first(p));
		if (hit != 0)
			return p + __builtin_ctz(hit);
	}
	return end;
}
#endif

const unsigned char *
text_gate_next(const struct text_gate *g, const unsigned char *text,
    const unsigned char *p, const unsigned char *end)
{
#ifdef TEXT_GATE_AVX2
	/* A load and a test of what libgcc found at start. */
	if (__builtin_cpu_supports("avx2"))
		return text_gate_next_avx2(g, text, p, end);
#endif
	return text_gate_next_portable(g, text, p, end);
}
