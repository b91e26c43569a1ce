/*
 * text_may_match() and text_match(): the machine of the policy's words and
 * patterns (gen_text_run(), generated) run only where a list may start.
 *
 * A list matches only from just after a separator or the start of the
 * text. The gate (text_gate.h) finds, thirty-two bytes at a time, the
 * few places where the first three bytes of some list may stand. From
 * each of those that starts a word, text_match() runs the machine's
 * anchored entry until it dies, a few bytes most often, or the text
 * ends. That finds exactly what the machine's main entry finds reading
 * every byte: a list matched by main is matched from where it starts.
 * Where those runs would read more than a few times the text (a pattern
 * that reads far, started from many words), main reads it once instead,
 * so that the cost stays linear in the text.
 *
 * text_may_match() reads the text before it is folded, and looks no
 * further than the three bytes of each start the gate lets through:
 * where none can start a list, which is most messages, the text need
 * not be folded at all.
 */
#include "text_fold.h"
#include "text_gate.h"

/* What text_match() learnt of the machine, once. */
static struct {
	int ready;
	int anchor, dead;		/* the anchored entry; dead state */
	uint64_t all;			/* a bit for every list */
	struct text_gate gate;
} text_scan;

void
text_match_prepare(void)
{
	if (gen_text_lists == 0 || text_scan.ready)
		return;
	text_scan.anchor = gen_text_anchor();
	text_scan.dead = gen_text_dead();
	text_scan.all = gen_text_lists == 64 ? UINT64_MAX :
	    (UINT64_C(1) << gen_text_lists) - 1;
	text_gate_learn(&text_scan.gate);
	text_scan.ready = 1;
}

/* The lists main finds in [P, END), read between separators. */
static uint64_t
text_scan_all(const unsigned char *p, const unsigned char *end)
{
	static const unsigned char space = ' ';
	uint64_t found = 0;
	int cs = gen_text_start();

	cs = gen_text_run(cs, &space, &space + 1, &found);
	cs = gen_text_run(cs, p, end, &found);
	gen_text_run(cs, &space, &space + 1, &found);
	return found;
}

/* Whether the character before Q in the folded TEXT (valid UTF-8, see
 * text_fold()) separates words; the text starts after a separator. */
static int
text_scan_word_start(const unsigned char *text, const unsigned char *q)
{
	const unsigned char *s = q - 1;
	uint32_t c;

	if (q == text)
		return 1;
	if (*s < 0x80)
		return !text_is_word(*s);
	while (s > text && q - s < 4 && (*s & 0xc0) == 0x80)
		s--;
	if (text_utf8_decode(s, (size_t)(q - s), &c) != (size_t)(q - s))
		return 1;
	return !text_is_word(c);
}

/*
 * Runs the anchored entry from Q until it dies, or over the rest of the
 * text and the separator after it; adds the lists it completes to
 * *FOUND. Returns about how many bytes it read: at least those, at most
 * twice as many plus eight (the machine is given the text in pieces
 * that double, and where in a piece it died is not known).
 */
static size_t
text_scan_from(const unsigned char *q, const unsigned char *end,
    uint64_t *found)
{
	static const unsigned char space = ' ';
	const unsigned char *p = q, *stop;
	size_t piece = 8;
	int cs = text_scan.anchor;

	for (; p < end; p = stop, piece *= 2) {
		stop = (size_t)(end - p) > piece ? p + piece : end;
		cs = gen_text_run(cs, p, stop, found);
		if (cs == text_scan.dead)
			return (size_t)(stop - q);
	}
	gen_text_run(cs, &space, &space + 1, found);
	return (size_t)(p - q) + 1;
}

uint64_t
text_match(const char *folded, size_t len)
{
	const unsigned char *text = (const unsigned char *)folded;
	const unsigned char *end = text + len, *q;
	size_t read = 0;
	uint64_t found = 0;

	if (gen_text_lists == 0)
		return 0;
	text_match_prepare();
	for (q = text; found != text_scan.all &&
	    (q = text_gate_next(&text_scan.gate, text, q, end)) < end; q++) {
		if (!text_scan_word_start(text, q))
			continue;
		read += text_scan_from(q, end, &found);
		if (read > 4 * len + 64)
			return text_scan_all(text, end);
	}
	return found;
}

/* Whether a list may start at Q in the unfolded TEXT (ending at END):
 * the byte before and the three from Q are ASCII and rule it out, as
 * their folded form would, or they do not. */
static int
text_scan_may_start(const unsigned char *text, const unsigned char *q,
    const unsigned char *end)
{
	unsigned char w[TEXT_GATE_WIDTH];
	uint64_t found = 0;
	int i;

	/* What a character beyond ASCII before Q folds to is not known. */
	if (q > text && q[-1] >= 0x80)
		return 1;
	if (q > text && text_is_word(q[-1]))
		return 0;
	for (i = 0; i < TEXT_GATE_WIDTH; i++) {
		w[i] = end - q > i ? q[i] : ' ';
		if (w[i] >= 0x80)
			return 1;
		if (w[i] >= 'A' && w[i] <= 'Z')
			w[i] = (unsigned char)(w[i] - 'A' + 'a');
	}
	return gen_text_run(text_scan.anchor, w, w + TEXT_GATE_WIDTH,
	    &found) != text_scan.dead || found != 0;
}

int
text_may_match(const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;
	const unsigned char *end = t + len, *q;

	if (gen_text_lists == 0)
		return 0;
	text_match_prepare();
	for (q = t; (q = text_gate_next(&text_scan.gate, t, q, end)) < end;
	    q++)
		if (text_scan_may_start(t, q, end))
			return 1;
	return 0;
}
