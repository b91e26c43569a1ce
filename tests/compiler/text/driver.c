/*
 * Runs text_match() and a generated machine over texts, for
 * tests/compiler/text/run.sh:
 *
 *   driver < EXPECT     reads lines "LISTS<TAB>TEXT" and prints each with
 *                       LISTS as the machine finds it: the numbers of the
 *                       lists that match the folded TEXT, comma-separated,
 *                       or "-" for none
 *   driver -b LISTS     times text_fold() and text_match() over 1 MB of
 *                       the words of file LISTS (a list file, as emit
 *                       reads it) between filler, and prints MB/s
 *   driver -r LISTS     runs 20000 random texts made of pieces of those
 *                       words, separators and letters beyond ASCII
 *                       through both, and prints how many lists they hit
 *
 * TEXT may hold the escapes of unescape.h. Every text is also run through
 * the machine byte by byte, from its main entry: the driver exits 2 at
 * once if text_match() disagrees, or if text_may_match() of the text
 * before folding says no list can match where the machine finds one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text_fold.h"
#include "unescape.h"

#define DRIVER_BENCH_SIZE (1024 * 1024)

/* The lists the machine finds in FOLDED[0..LEN) run over every byte,
 * between a separator before and after. */
static uint64_t
driver_plain(const char *folded, size_t len)
{
	static const unsigned char space = ' ';
	const unsigned char *p = (const unsigned char *)folded;
	uint64_t found = 0;
	int cs = gen_text_start();

	cs = gen_text_run(cs, &space, &space + 1, &found);
	cs = gen_text_run(cs, p, p + len, &found);
	gen_text_run(cs, &space, &space + 1, &found);
	return found;
}

/* text_match() of TEXT (LEN bytes) folded into FOLDED (room for LEN),
 * checked against driver_plain(), and text_may_match() of TEXT. */
static uint64_t
driver_checked(const char *text, size_t len, char *folded)
{
	size_t n = text_fold(text, len, folded, len);
	uint64_t found = text_match(folded, n), plain = driver_plain(folded, n);

	if (found != plain) {
		fprintf(stderr, "driver: text_match() says %#llx, the machine "
		    "%#llx\n", (unsigned long long)found,
		    (unsigned long long)plain);
		exit(2);
	}
	if (plain != 0 && !text_may_match(text, len)) {
		fprintf(stderr, "driver: text_may_match() says none, the "
		    "machine %#llx\n", (unsigned long long)plain);
		exit(2);
	}
	return found;
}

/* Prints the lists that match TEXT (LEN bytes), folded. */
static void
driver_match(const char *text, size_t len)
{
	char *folded = malloc(len + 1);
	uint64_t found = driver_checked(text, len, folded);
	int i, any = 0;

	for (i = 0; i < 64; i++)
		if (found & UINT64_C(1) << i)
			printf("%s%d", any++ ? "," : "", i);
	printf("%s", any ? "" : "-");
	free(folded);
}

/* The words of list file PATH (at most 256, each under 64 bytes) into
 * WORDS; returns how many. */
static size_t
driver_words(const char *path, char words[256][64])
{
	char line[256];
	size_t n = 0;
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL && n < 256)
		if (line[0] == '\t' && strlen(line) < 60)
			snprintf(words[n++], 64, "%.*s",
			    (int)strcspn(line + 1, "\n"), line + 1);
	fclose(fp);
	return n;
}

/* Fills a megabyte with ordinary words and, every 50 of them, one of the
 * words of list file PATH; times folding and matching it. */
static int
driver_bench(const char *path)
{
	static const char *filler[] = { "the ", "report ", "Über ",
	    "meeting, ", "at ", "noon.\n", "Привет ", "status " };
	char *text = malloc(DRIVER_BENCH_SIZE + 64), *out =
	    malloc(DRIVER_BENCH_SIZE + 64), words[256][64];
	size_t n = 0, nwords = driver_words(path, words), k = 0, len;
	struct timespec t0, t1;
	uint64_t found = 0;
	volatile size_t folded = 0;
	double s;
	int rounds = 20, i;

	if (text == NULL || out == NULL)
		return 1;
	while (n < DRIVER_BENCH_SIZE) {
		int listed = k % 50 == 49 && nwords > 0;
		const char *w = listed ? words[k / 50 % nwords] : filler[k % 8];

		len = strlen(w);
		memcpy(text + n, w, len);
		n += len;
		/* A listed word ends with a separator too. */
		if (listed)
			text[n++] = ' ';
		k++;
	}
	found = driver_checked(text, n, out);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++)
		found |= text_match(out, text_fold(text, n, out, n));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%.0f MB/s fold+match (%zu bytes x %d, lists %#llx)\n",
	    (double)n * rounds / s / 1e6, n, rounds,
	    (unsigned long long)found);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++)
		folded += text_fold(text, n, out, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%.0f MB/s fold alone\n", (double)n * rounds / s / 1e6);
	free(text);
	free(out);
	return 0;
}

/* Random texts from pieces of the words of list file PATH (whole, cut,
 * run together, in capitals), separators of ASCII and beyond, and letters
 * beyond ASCII (some that fold to ASCII or to nothing), each through text_match() and the machine alone
 * (driver_checked() exits on a difference). */
static int
driver_random(const char *path)
{
	/* Among them what folds to ASCII or to nothing: the Kelvin sign, a
	 * long s, a soft hyphen, a zero-width space. */
	static const char *other[] = { " ", "  ", ", ", ".", "-", "\n", "_",
	    "\xc2\xa0", "\xe2\x80\x94", "\xc3\xa9", "\xd0\xb4", "x", "0",
	    "42", "q7", "\xe2\x84\xaa", "\xc5\xbf", "\xc2\xad",
	    "\xe2\x80\x8b" };
	char words[256][64], text[512], folded[512];
	size_t nwords = driver_words(path, words), n, k, cut, len;
	uint64_t hits = 0;
	unsigned seed = 12345;
	int i;

	if (nwords == 0)
		return 1;
	for (i = 0; i < 20000; i++) {
		n = 0;
		for (k = seed % 12; k > 0 && n < sizeof(text) - 80; k--) {
			seed = seed * 1103515245 + 12345;
			if (seed >> 16 & 1) {
				const char *w = words[(seed >> 8) % nwords];

				len = strlen(w);
				cut = seed >> 20 & 1 ? (seed >> 4) % (len + 1) :
				    len;
				memcpy(text + n, w, cut);
				/* Some in capitals, which only folding
				 * makes the words'. */
				for (len = 0; seed >> 21 & 1 && len < cut;
				    len++)
					if (text[n + len] >= 'a' &&
					    text[n + len] <= 'z')
						text[n + len] -= 'a' - 'A';
				n += cut;
			} else {
				const char *o = other[(seed >> 8) %
				    (sizeof(other) / sizeof(other[0]))];

				memcpy(text + n, o, strlen(o));
				n += strlen(o);
			}
		}
		hits |= driver_checked(text, n, folded);
	}
	printf("%d texts agree, lists hit %#llx\n", i,
	    (unsigned long long)hits);
	return 0;
}

int
main(int argc, char **argv)
{
	char *line = NULL, *shown, *tab;
	size_t size = 0, len;

	if (argc == 3 && strcmp(argv[1], "-b") == 0)
		return driver_bench(argv[2]);
	if (argc == 3 && strcmp(argv[1], "-r") == 0)
		return driver_random(argv[2]);
	while (getline(&line, &size, stdin) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if ((tab = strchr(line, '\t')) == NULL ||
		    (shown = strdup(tab + 1)) == NULL)
			continue;
		len = text_unescape(tab + 1);
		driver_match(tab + 1, len);
		printf("\t%s\n", shown);
		free(shown);
	}
	free(line);
	return 0;
}
