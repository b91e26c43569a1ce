/*
 * text_match(): the machine of the policy's words and patterns
 * (gen_text_run(), generated) run over folded text, skipping what cannot
 * change its outcome.
 *
 * A word or pattern matches only from the start of a word. When the
 * machine stands just after a separator with nothing pending (the state
 * it reaches from its start on one space), the first two letters or digits
 * of the next word often already rule out every list: the machine then
 * reaches a state that every further ASCII letter or digit leaves as it is
 * and that completes no list. The rest of the word cannot change anything,
 * and is skipped. Which pairs of bytes do so, and into which state, is
 * found once by running the machine itself over every pair, and each
 * state is checked to stay put under every letter and digit; where the
 * ASCII separators lead from the idle states is learnt the same way. A
 * skip or a learnt step stands for exactly the steps the machine would
 * have taken. Anything else (other states, bytes beyond ASCII) is run
 * through the machine, so that the result is the machine's, and the cost
 * still one pass at most over the text. Where the lists rule out few
 * pairs of letters (a pattern that takes any letters, say), skipping
 * would not pay for the calls of the machine between skips, and the
 * machine simply reads the whole text.
 */
#include <string.h>

#include "text_fold.h"

/* The ASCII letters and digits, the bytes a skip passes over. */
#define TEXT_ALNUM 62

/* What text_match() learnt of the machine, once. */
static struct {
	int ready;
	int skipping;			/* skips pay: most pairs of letters do */
	int sep;			/* the state after a separator, idle */
	int idle;			/* the first idle state a pair leads to */
	signed char alnum[256];		/* index of an ASCII letter or digit */
	int pair[TEXT_ALNUM][TEXT_ALNUM];	/* state to skip in, or -1 */
	/* Where an ASCII separator leads from the separator state and from
	 * the idle state, completing nothing; -1: unknown. */
	int from_sep[128], from_idle[128];
} text_scan;

/* Whether the machine stays in state S, completing no list, whatever
 * ASCII letter or digit it reads. */
static int
text_scan_idle(int s)
{
	unsigned char b;
	uint64_t found = 0;
	int c;

	for (c = 0; c < 256; c++) {
		if (text_scan.alnum[c] < 0)
			continue;
		b = (unsigned char)c;
		if (gen_text_run(s, &b, &b + 1, &found) != s || found != 0)
			return 0;
	}
	return 1;
}

/* Fills STEP with where each ASCII separator leads from state S, where it
 * completes no list (else -1). */
static void
text_scan_steps(int s, int *step)
{
	unsigned char b;
	uint64_t found;
	int c, t;

	for (c = 0; c < 128; c++) {
		step[c] = -1;
		if (text_scan.alnum[c] >= 0 || s < 0)
			continue;
		b = (unsigned char)c;
		found = 0;
		t = gen_text_run(s, &b, &b + 1, &found);
		if (found == 0)
			step[c] = t;
	}
}

/* Learns the separator state, the pairs that end in an idle state, and
 * the separators' steps from both. */
static void
text_scan_learn(void)
{
	static const unsigned char space = ' ';
	unsigned char two[2];
	uint64_t found = 0;
	int a, b, n = 0, s, idle_state = -1, idle = 0, skippable = 0;

	memset(text_scan.alnum, -1, sizeof(text_scan.alnum));
	text_scan.idle = -1;
	for (a = 0; a < 256; a++)
		if ((a >= '0' && a <= '9') || (a >= 'a' && a <= 'z') ||
		    (a >= 'A' && a <= 'Z'))
			text_scan.alnum[a] = (signed char)n++;
	text_scan.sep = gen_text_run(gen_text_start(), &space, &space + 1,
	    &found);
	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			if (text_scan.alnum[a] < 0 || text_scan.alnum[b] < 0)
				continue;
			two[0] = (unsigned char)a;
			two[1] = (unsigned char)b;
			found = 0;
			s = gen_text_run(text_scan.sep, two, two + 2, &found);
			/* Most pairs end in one state: checked once. */
			if (s != idle_state) {
				idle_state = s;
				idle = found == 0 && text_scan_idle(s);
			}
			text_scan.pair[text_scan.alnum[a]][text_scan.alnum[b]] =
			    idle && found == 0 ? s : -1;
			if (idle && found == 0 && text_scan.idle < 0)
				text_scan.idle = s;
		}
	}
	text_scan_steps(text_scan.sep, text_scan.from_sep);
	text_scan_steps(text_scan.idle, text_scan.from_idle);
	/* Each word not skipped costs a call of the machine: where most
	 * words would be, one run over the whole text is cheaper. */
	for (a = 'a'; a <= 'z'; a++)
		for (b = 'a'; b <= 'z'; b++)
			skippable += text_scan.pair[text_scan.alnum[a]]
			    [text_scan.alnum[b]] >= 0;
	text_scan.skipping = 2 * skippable > 26 * 26;
	text_scan.ready = 1;
}

void
text_match_prepare(void)
{
	if (gen_text_lists > 0 && !text_scan.ready)
		text_scan_learn();
}

uint64_t
text_match(const char *folded, size_t len)
{
	static const unsigned char space = ' ';
	const unsigned char *p = (const unsigned char *)folded, *end = p + len;
	const unsigned char *q;
	uint64_t found = 0;
	int cs, s, c;

	if (gen_text_lists == 0)
		return 0;
	text_match_prepare();
	/* The text is taken to have a separator before and after it. */
	cs = text_scan.sep;
	if (!text_scan.skipping)
		cs = gen_text_run(cs, p, end, &found);
	while (text_scan.skipping && p < end) {
		c = *p;
		if (cs == text_scan.sep && end - p >= 2 &&
		    text_scan.alnum[c] >= 0 && text_scan.alnum[p[1]] >= 0 &&
		    (s = text_scan.pair[text_scan.alnum[c]]
		    [text_scan.alnum[p[1]]]) >= 0) {
			cs = s;
			for (p += 2; p < end && text_scan.alnum[*p] >= 0; p++)
				;
			continue;
		}
		s = c >= 128 ? -1 : cs == text_scan.sep ? text_scan.from_sep[c] :
		    cs == text_scan.idle ? text_scan.from_idle[c] : -1;
		if (s >= 0) {
			cs = s;
			p++;
			continue;
		}
		/* The word, and the byte after it: the machine may be idle
		 * after a separator again. */
		for (q = p; q < end && text_scan.alnum[*q] >= 0; q++)
			;
		if (q < end)
			q++;
		cs = gen_text_run(cs, p, q, &found);
		p = q;
	}
	gen_text_run(cs, &space, &space + 1, &found);
	return found;
}
