/*
 * Case folding of UTF-8 text for content patterns (see text_fold.h).
 */
#include <string.h>

#include "text_fold.h"

/*
 * The simple case folding of the blocks text_fold_char() covers, as runs:
 * every STRIDE-th code point from LO to HI folds to itself plus DELTA.
 * Sorted and disjoint. Derived from Unicode 14's CaseFolding.txt (C and S
 * statuses); a character whose fold is several characters (ß, ŉ, ΐ)
 * keeps its form, as in simple folding. The fullwidth forms of ASCII
 * fold to ASCII, as compatibility normalization (NFKC) would have it.
 */
struct text_fold_run {
	uint32_t lo, hi;
	int32_t delta;
	uint32_t stride;
};

static const struct text_fold_run text_fold_runs[] = {
	{ 0x00b5, 0x00b5, 775, 1 },	/* micro sign: mu */
	{ 0x00c0, 0x00d6, 32, 1 },
	{ 0x00d8, 0x00de, 32, 1 },
	{ 0x0100, 0x012e, 1, 2 },
	{ 0x0130, 0x0130, 0x69 - 0x130, 1 },	/* dotted I: i */
	{ 0x0132, 0x0136, 1, 2 },
	{ 0x0139, 0x0147, 1, 2 },
	{ 0x014a, 0x0176, 1, 2 },
	{ 0x0178, 0x0178, -121, 1 },
	{ 0x0179, 0x017d, 1, 2 },
	{ 0x017f, 0x017f, -268, 1 },	/* long s: s */
	{ 0x0370, 0x0372, 1, 2 },
	{ 0x0376, 0x0376, 1, 1 },
	{ 0x037f, 0x037f, 116, 1 },
	{ 0x0386, 0x0386, 38, 1 },
	{ 0x0388, 0x038a, 37, 1 },
	{ 0x038c, 0x038c, 64, 1 },
	{ 0x038e, 0x038f, 63, 1 },
	{ 0x0391, 0x03a1, 32, 1 },
	{ 0x03a3, 0x03ab, 32, 1 },
	{ 0x03c2, 0x03c2, 1, 1 },	/* final sigma: sigma */
	{ 0x03cf, 0x03cf, 8, 1 },
	{ 0x03d0, 0x03d0, -30, 1 },
	{ 0x03d1, 0x03d1, -25, 1 },
	{ 0x03d5, 0x03d5, -15, 1 },
	{ 0x03d6, 0x03d6, -22, 1 },
	{ 0x03d8, 0x03ee, 1, 2 },
	{ 0x03f0, 0x03f0, -54, 1 },
	{ 0x03f1, 0x03f1, -48, 1 },
	{ 0x03f4, 0x03f4, -60, 1 },
	{ 0x03f5, 0x03f5, -64, 1 },
	{ 0x03f7, 0x03f7, 1, 1 },
	{ 0x03f9, 0x03f9, -7, 1 },
	{ 0x03fa, 0x03fa, 1, 1 },
	{ 0x03fd, 0x03ff, -130, 1 },
	{ 0x0400, 0x040f, 80, 1 },
	{ 0x0410, 0x042f, 32, 1 },
	{ 0x0460, 0x0480, 1, 2 },
	{ 0x048a, 0x04be, 1, 2 },
	{ 0x04c0, 0x04c0, 15, 1 },
	{ 0x04c1, 0x04cd, 1, 2 },
	{ 0x04d0, 0x052e, 1, 2 },
	{ 0x1e9e, 0x1e9e, 0xdf - 0x1e9e, 1 },	/* capital sharp s: ß */
	{ 0x2126, 0x2126, -7517, 1 },	/* ohm sign: omega */
	{ 0x212a, 0x212a, -8383, 1 },	/* kelvin sign: k */
	{ 0x212b, 0x212b, -8262, 1 },	/* angstrom sign: å */
	/* Fullwidth forms of ASCII: ASCII, capitals in lower case. */
	{ 0xff01, 0xff20, 0x21 - 0xff01, 1 },
	{ 0xff21, 0xff3a, 0x61 - 0xff21, 1 },
	{ 0xff3b, 0xff5e, 0x5b - 0xff3b, 1 },
};

#define TEXT_FOLD_NRUNS (sizeof(text_fold_runs) / sizeof(text_fold_runs[0]))

/* The invisible characters the fold removes (see text_fold_char()). */
static const struct text_range text_fold_dropped[] = {
	{ 0x00ad, 0x00ad }, { 0x034f, 0x034f }, { 0x180e, 0x180e },
	{ 0x200b, 0x200f }, { 0x202a, 0x202e }, { 0x2060, 0x206f },
	{ 0xfeff, 0xfeff },
};

#define TEXT_FOLD_NDROPPED \
    (sizeof(text_fold_dropped) / sizeof(text_fold_dropped[0]))

const struct text_range text_separators[TEXT_NSEPARATORS] = {
	{ 0x0080, 0x00bf },	/* C1 controls, Latin-1 punctuation */
	{ 0x00d7, 0x00d7 },	/* multiplication sign */
	{ 0x00f7, 0x00f7 },	/* division sign */
	{ 0x2000, 0x206f },	/* general punctuation */
	{ 0x2e00, 0x2e7f },	/* supplemental punctuation */
	{ 0x3000, 0x303f },	/* CJK symbols and punctuation */
	{ 0xfe10, 0xfe1f },	/* vertical forms */
	{ 0xfe30, 0xfe6f },	/* CJK compatibility and small forms */
	{ 0xff01, 0xff0f },	/* fullwidth punctuation */
	{ 0xff1a, 0xff20 },
	{ 0xff3b, 0xff40 },
	{ 0xff5b, 0xff65 },
	{ 0xfff9, 0xfffd },	/* specials, the replacement character */
};

/* ASCII folded: upper case letters to lower case, the rest as they are. */
static const unsigned char text_fold_ascii[128] = {
#define R8(b) (b), (b) + 1, (b) + 2, (b) + 3, (b) + 4, (b) + 5, (b) + 6, (b) + 7
	R8(0x00), R8(0x08), R8(0x10), R8(0x18), R8(0x20), R8(0x28), R8(0x30),
	R8(0x38), 0x40, R8(0x61), R8(0x69), R8(0x71), 0x79, 0x7a, 0x5b, 0x5c,
	0x5d, 0x5e, 0x5f,
	R8(0x60), R8(0x68), R8(0x70), R8(0x78),
#undef R8
};

/* Whether C lies in one of the N sorted disjoint ranges R. */
static int
text_in_ranges(const struct text_range *r, size_t n, uint32_t c)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c < r[mid].lo)
			hi = mid;
		else if (c > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

size_t
text_utf8_decode(const unsigned char *s, size_t len, uint32_t *c)
{
	/* The smallest value of each length, to refuse overlong forms. */
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n, i;
	uint32_t v;

	if (s[0] < 0x80) {
		*c = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		v = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		v = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		v = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*c = v;
	return n;
}

size_t
text_utf8_encode(uint32_t c, unsigned char *out)
{
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (unsigned char)(0xc0 | c >> 6);
		out[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (unsigned char)(0xe0 | c >> 12);
		out[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | c >> 18);
	out[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

uint32_t
text_fold_char(uint32_t c)
{
	size_t lo = 0, hi = TEXT_FOLD_NRUNS;

	if (c < 0x80)
		return text_fold_ascii[c];
	if (text_in_ranges(text_fold_dropped, TEXT_FOLD_NDROPPED, c))
		return TEXT_FOLD_DROP;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct text_fold_run *r = &text_fold_runs[mid];

		if (c < r->lo)
			hi = mid;
		else if (c > r->hi)
			lo = mid + 1;
		else
			return (c - r->lo) % r->stride == 0 ?
			    (uint32_t)((int32_t)c + r->delta) : c;
	}
	return c;
}

int
text_is_word(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z');
	return !text_in_ranges(text_separators, TEXT_NSEPARATORS, c);
}

size_t
text_fold(const char *text, size_t len, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned char *o = (unsigned char *)out;
	size_t i = 0, n = 0, k;
	uint32_t c;

	while (i < len) {
		/* Most text is ASCII: eight bytes at a time while no byte has
		 * its top bit, 'A' to 'Z' gaining 0x20 by carry-free
		 * arithmetic on each byte's low seven bits. */
		while (len - i >= 8 && cap - n >= 8) {
			uint64_t v, low, upper;

			memcpy(&v, s + i, 8);
			if (v & UINT64_C(0x8080808080808080))
				break;
			low = v & UINT64_C(0x7f7f7f7f7f7f7f7f);
			upper = (low + UINT64_C(0x3f3f3f3f3f3f3f3f)) ^
			    (low + UINT64_C(0x2525252525252525));
			v |= (upper & UINT64_C(0x8080808080808080)) >> 2;
			memcpy(o + n, &v, 8);
			i += 8;
			n += 8;
		}
		if (i == len)
			break;
		/* A byte in, a byte out. */
		if (s[i] < 0x80) {
			if (n == cap)
				break;
			o[n++] = text_fold_ascii[s[i++]];
			continue;
		}
		if ((k = text_utf8_decode(s + i, len - i, &c)) == 0) {
			if (n == cap)
				break;
			o[n++] = TEXT_FOLD_SEPARATOR;
			i++;
			continue;
		}
		i += k;
		if ((c = text_fold_char(c)) == TEXT_FOLD_DROP)
			continue;
		/* The fold never lengthens a character (text_fold_char()). */
		if (cap - n < k)
			break;
		n += text_utf8_encode(c, o + n);
	}
	return n;
}
