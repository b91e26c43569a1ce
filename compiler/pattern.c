/*
 * Words and patterns (see pattern.h): one recursive-descent parser both
 * checks an item and writes its ragel form, so that what is checked is
 * exactly what is compiled. Characters are folded as the guard folds text
 * (text_fold_char()), and written as UTF-8 byte literals in hex, so that
 * no byte of a policy string reaches the ragel file unescaped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern_int.h"
#include "xmalloc.h"

/* The largest code point, and the surrogates UTF-8 cannot carry. */
#define PAT_MAX_CHAR 0x10ffffu
#define PAT_SURROGATE_LO 0xd800u
#define PAT_SURROGATE_HI 0xdfffu

/* Parsing one item: the text, the position, and where its form goes. */
struct pat {
	enum pattern_kind kind;
	const unsigned char *s;
	size_t len;
	size_t pos;
	int depth;		/* open parentheses */
	struct out *o;		/* NULL: check only */
	const char *why;	/* the first problem, with its offset */
	size_t col;
};

/* A growing set of code point ranges (a character class). */
struct pat_set {
	struct text_range *r;
	size_t n;
};

/* Records problem WHY at offset COL of the text; returns -1. */
static int
pat_fail(struct pat *p, const char *why, size_t col)
{
	p->why = why;
	p->col = col;
	return -1;
}

/* Writes the formatted text to the output, if any. */
static void pat_put(struct pat *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pat_put(struct pat *p, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	if (p->o == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out_printf(p->o, "%s", buf);
}

/*
 * Decodes the character at the position into *C without moving; returns
 * its length, or -1 for invalid UTF-8, a control character or one the
 * fold removes (which could never meet the folded text).
 */
static int
pat_peek(struct pat *p, uint32_t *c)
{
	size_t n = text_utf8_decode(p->s + p->pos, p->len - p->pos, c);

	if (n == 0)
		return pat_fail(p, "invalid UTF-8", p->pos);
	if (*c < 0x20 || *c == 0x7f || (*c >= 0x80 && *c < 0xa0))
		return pat_fail(p, "control character", p->pos);
	if (text_fold_char(*c) == TEXT_FOLD_DROP)
		return pat_fail(p, "invisible character", p->pos);
	return (int)n;
}

/* Writes the bytes of folded character C, grouped as one atom. */
static void
pat_put_char(struct pat *p, uint32_t c)
{
	unsigned char b[4];
	size_t i, n = text_utf8_encode(text_fold_char(c), b);

	pat_put(p, n > 1 ? "(" : "");
	for (i = 0; i < n; i++)
		pat_put(p, "%s0x%02x", i > 0 ? " " : "", b[i]);
	pat_put(p, n > 1 ? ")" : "");
}

/* Writes one byte, or a range of bytes, as ragel literals. */
static void
pat_put_bytes(struct out *o, unsigned char lo, unsigned char hi)
{
	if (lo == hi)
		out_printf(o, "0x%02x", lo);
	else
		out_printf(o, "0x%02x..0x%02x", lo, hi);
}

/*
 * Writes the UTF-8 forms of [LO, HI] (no surrogates in it) as sequences
 * of byte ranges, split until each sequence covers its range exactly
 * (as RE2 does): first where the length changes, then where the leading
 * bytes of LO and HI differ while their trailing bytes do not span all
 * continuation bytes. *FIRST is cleared once one is written.
 */
static void
pat_utf8_range(struct out *o, uint32_t lo, uint32_t hi, int *first)
{
	static const uint32_t last_of_length[] = { 0x7f, 0x7ff, 0xffff };
	unsigned char a[4], b[4];
	size_t i, n;

	for (i = 0; i < 3; i++)
		if (lo <= last_of_length[i] && hi > last_of_length[i]) {
			pat_utf8_range(o, lo, last_of_length[i], first);
			pat_utf8_range(o, last_of_length[i] + 1, hi, first);
			return;
		}
	n = text_utf8_encode(lo, a);
	for (i = 1; i < n; i++) {
		uint32_t m = (1u << (6 * i)) - 1;

		if ((lo & ~m) == (hi & ~m))
			continue;
		if ((lo & m) != 0) {
			pat_utf8_range(o, lo, lo | m, first);
			pat_utf8_range(o, (lo | m) + 1, hi, first);
			return;
		}
		if ((hi & m) != m) {
			pat_utf8_range(o, lo, (hi & ~m) - 1, first);
			pat_utf8_range(o, hi & ~m, hi, first);
			return;
		}
	}
	text_utf8_encode(hi, b);
	out_printf(o, "%s", *first ? "" : " | ");
	*first = 0;
	out_printf(o, "%s", n > 1 ? "(" : "");
	for (i = 0; i < n; i++) {
		out_printf(o, "%s", i > 0 ? " " : "");
		pat_put_bytes(o, a[i], b[i]);
	}
	out_printf(o, "%s", n > 1 ? ")" : "");
}

void
pattern_write_ranges(struct out *o, const struct text_range *r, size_t n)
{
	int first = 1;
	size_t i;

	out_printf(o, "(");
	for (i = 0; i < n; i++) {
		uint32_t lo = r[i].lo, hi = r[i].hi;

		if (lo < PAT_SURROGATE_LO && hi >= PAT_SURROGATE_LO)
			pat_utf8_range(o, lo, PAT_SURROGATE_LO - 1, &first);
		if (hi > PAT_SURROGATE_HI && lo <= PAT_SURROGATE_HI)
			lo = PAT_SURROGATE_HI + 1;
		if (lo < PAT_SURROGATE_LO || lo > PAT_SURROGATE_HI)
			pat_utf8_range(o, lo, hi < PAT_SURROGATE_LO || lo >
			    PAT_SURROGATE_HI ? hi : PAT_SURROGATE_LO - 1,
			    &first);
	}
	out_printf(o, ")");
}

/* Adds [LO, HI] to set S. */
static void
pat_set_add(struct pat_set *s, uint32_t lo, uint32_t hi)
{
	s->r = xreallocarray(s->r, s->n + 1, sizeof(*s->r));
	s->r[s->n++] = (struct text_range){ lo, hi };
}

static int
pat_range_cmp(const void *a, const void *b)
{
	const struct text_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * Makes class S what the folded text needs: adds the folded form of
 * each character in it (so that [A-Z] meets the folded "a"), sorts and
 * merges the ranges, and with NEGATE takes the complement, so that [^a]
 * refuses "A" too. Only characters below U+10000 have folds.
 */
static void
pat_set_finish(struct pat_set *s, int negate)
{
	struct text_range *r;
	size_t i, n = s->n, k = 0;
	uint32_t c, next = 0;

	for (i = 0; i < n; i++)
		for (c = s->r[i].lo; c <= s->r[i].hi && c <= 0xffff; c++) {
			uint32_t f = text_fold_char(c);

			if (f != c && f != TEXT_FOLD_DROP)
				pat_set_add(s, f, f);
		}
	qsort(s->r, s->n, sizeof(*s->r), pat_range_cmp);
	for (i = 0; i < s->n; i++)
		if (k > 0 && s->r[i].lo <= s->r[k - 1].hi + 1) {
			if (s->r[i].hi > s->r[k - 1].hi)
				s->r[k - 1].hi = s->r[i].hi;
		} else
			s->r[k++] = s->r[i];
	s->n = k;
	if (!negate)
		return;
	r = s->r;
	s->r = NULL;
	s->n = 0;
	for (i = 0; i < k; i++) {
		if (r[i].lo > next)
			pat_set_add(s, next, r[i].lo - 1);
		next = r[i].hi + 1;
	}
	if (next <= PAT_MAX_CHAR)
		pat_set_add(s, next, PAT_MAX_CHAR);
	free(r);
}

/*
 * Parses a backslash escape at the position. Inside a class (SET not
 * NULL) it adds to SET: \d or a literal; outside it writes \d, \w, \W or
 * the literal. Returns 0 or -1.
 */
static int
pat_escape(struct pat *p, struct pat_set *set)
{
	size_t at = p->pos;
	unsigned char e;

	if (++p->pos == p->len)
		return pat_fail(p, "escape at the end", at);
	e = p->s[p->pos++];
	if (e == 'd') {
		if (set != NULL)
			pat_set_add(set, '0', '9');
		else
			pat_put(p, "(0x30..0x39)");
	} else if ((e == 'w' || e == 'W') && set == NULL)
		pat_put(p, "%s", e == 'w' ? PATTERN_RL_WORD : PATTERN_RL_SEP);
	else if (e >= 0x20 && e < 0x7f && !text_is_word(e)) {
		if (set != NULL)
			pat_set_add(set, e, e);
		else
			pat_put_char(p, e);
	} else
		return pat_fail(p, "unknown escape", at);
	return 0;
}

/*
 * Parses one character of a class, escapes included, into *C; 1 for a
 * \d (added to SET: no single character), 0 for a character, -1 for a
 * problem. An escaped character is taken back from SET, where
 * pat_escape() put it, to be the caller's (perhaps the start of a range).
 */
static int
pat_class_char(struct pat *p, struct pat_set *set, uint32_t *c)
{
	int n;

	if (p->s[p->pos] == '\\') {
		if (p->pos + 1 < p->len && p->s[p->pos + 1] == 'd')
			return pat_escape(p, set) == 0 ? 1 : -1;
		if (pat_escape(p, set) == -1)
			return -1;
		*c = set->r[--set->n].lo;
		return 0;
	}
	if ((n = pat_peek(p, c)) == -1)
		return -1;
	p->pos += (size_t)n;
	return 0;
}

/* Parses a class "[...]" at the position and writes it. */
static int
pat_class(struct pat *p)
{
	struct pat_set set = { NULL, 0 };
	size_t open = p->pos++, at;
	int negate = 0, r = -1, k;
	uint32_t lo, hi;

	if (p->pos < p->len && p->s[p->pos] == '^') {
		negate = 1;
		p->pos++;
	}
	while (p->pos < p->len && p->s[p->pos] != ']') {
		at = p->pos;
		if ((k = pat_class_char(p, &set, &lo)) == -1)
			goto done;
		if (k == 1)
			continue;
		hi = lo;
		if (p->pos + 1 < p->len && p->s[p->pos] == '-' &&
		    p->s[p->pos + 1] != ']') {
			p->pos++;
			if ((k = pat_class_char(p, &set, &hi)) == -1)
				goto done;
			if (k == 1 || hi < lo) {
				pat_fail(p, "range out of order", at);
				goto done;
			}
		}
		pat_set_add(&set, lo, hi);
	}
	if (p->pos == p->len) {
		pat_fail(p, "missing ']'", open);
		goto done;
	}
	p->pos++;
	if (set.n == 0) {
		pat_fail(p, "empty class", open);
		goto done;
	}
	pat_set_finish(&set, negate);
	if (set.n == 0) {
		pat_fail(p, "empty class", open);
		goto done;
	}
	if (p->o != NULL)
		pattern_write_ranges(p->o, set.r, set.n);
	r = 0;
done:
	free(set.r);
	return r;
}

static int pat_alt(struct pat *p, int *nullable);

/*
 * Parses one atom at the position and writes it: a group, a class, '.',
 * an escape, a run of spaces or a character; in a word, only the last
 * two. *NULLABLE tells whether it can match the empty string.
 */
static int
pat_atom(struct pat *p, int *nullable)
{
	size_t at = p->pos;
	uint32_t c;
	int n;

	*nullable = 0;
	if (p->s[p->pos] == ' ') {
		while (p->pos < p->len && p->s[p->pos] == ' ')
			p->pos++;
		pat_put(p, "%s+", PATTERN_RL_SEP);
		return 0;
	}
	if (p->kind == PATTERN_REGEX)
		switch (p->s[p->pos]) {
		case '(':
			if (++p->depth > PATTERN_MAX_DEPTH)
				return pat_fail(p, "nested too deeply", at);
			p->pos++;
			if (pat_alt(p, nullable) == -1)
				return -1;
			if (p->pos == p->len)
				return pat_fail(p, "missing ')'", at);
			p->pos++;
			p->depth--;
			return 0;
		case '[':
			return pat_class(p);
		case '.':
			p->pos++;
			pat_put(p, "%s", PATTERN_RL_CHAR);
			return 0;
		case '\\':
			return pat_escape(p, NULL);
		case '?':
		case '*':
		case '+':
			return pat_fail(p, "nothing to repeat", at);
		case ']':
			return pat_fail(p, "unmatched ']'", at);
		}
	if ((n = pat_peek(p, &c)) == -1)
		return -1;
	p->pos += (size_t)n;
	pat_put_char(p, c);
	return 0;
}

/* Parses an atom with its quantifier, if any, and writes them. */
static int
pat_repeat(struct pat *p, int *nullable)
{
	unsigned char q;

	if (pat_atom(p, nullable) == -1)
		return -1;
	if (p->kind != PATTERN_REGEX || p->pos == p->len)
		return 0;
	q = p->s[p->pos];
	if (q != '?' && q != '*' && q != '+')
		return 0;
	p->pos++;
	pat_put(p, "%c", q);
	*nullable |= q != '+';
	if (p->pos < p->len && strchr("?*+", p->s[p->pos]) != NULL)
		return pat_fail(p, "quantifier after a quantifier", p->pos);
	return 0;
}

/* Parses a sequence of atoms up to '|', ')' or the end, and writes it
 * grouped. Refuses an empty one. */
static int
pat_concat(struct pat *p, int *nullable)
{
	int first = 1, one;

	*nullable = 1;
	pat_put(p, "(");
	while (p->pos < p->len && (p->kind != PATTERN_REGEX ||
	    (p->s[p->pos] != '|' && p->s[p->pos] != ')'))) {
		pat_put(p, first ? "" : " ");
		first = 0;
		if (pat_repeat(p, &one) == -1)
			return -1;
		*nullable &= one;
	}
	if (first)
		return pat_fail(p, "empty alternative", p->pos);
	pat_put(p, ")");
	return 0;
}

/* Parses alternatives up to ')' or the end, and writes them grouped. */
static int
pat_alt(struct pat *p, int *nullable)
{
	int one;

	*nullable = 0;
	pat_put(p, "(");
	for (;;) {
		if (pat_concat(p, &one) == -1)
			return -1;
		*nullable |= one;
		if (p->pos == p->len || p->s[p->pos] != '|')
			break;
		p->pos++;
		pat_put(p, " | ");
	}
	pat_put(p, ")");
	return 0;
}

/* Parses the whole of P's text, writing its form to P's output if any. */
static int
pat_parse(struct pat *p)
{
	int nullable;

	if (p->len == 0)
		return pat_fail(p, p->kind == PATTERN_WORDS ? "empty word" :
		    "empty pattern", 0);
	if (p->kind == PATTERN_WORDS && (p->s[0] == ' ' ||
	    p->s[p->len - 1] == ' '))
		return pat_fail(p, "space at the start or end of a word",
		    p->s[0] == ' ' ? 0 : p->len - 1);
	if (pat_alt(p, &nullable) == -1)
		return -1;
	if (p->pos < p->len)
		return pat_fail(p, "unmatched ')'", p->pos);
	if (nullable)
		return pat_fail(p, "pattern can match the empty string", 0);
	return 0;
}

int
pattern_check(enum pattern_kind kind, const char *text, const char **why,
    size_t *col)
{
	struct pat p = { kind, (const unsigned char *)text, strlen(text), 0,
	    0, NULL, NULL, 0 };

	if (pat_parse(&p) == 0)
		return 0;
	*why = p.why;
	*col = p.col;
	return -1;
}

void
pattern_write(struct out *o, enum pattern_kind kind, const char *text)
{
	struct pat p = { kind, (const unsigned char *)text, strlen(text), 0,
	    0, o, NULL, 0 };

	if (pat_parse(&p) == -1) {
		fprintf(stderr, "xedgec: internal error: unchecked pattern "
		    "\"%s\": %s\n", text, p.why);
		abort();
	}
}
