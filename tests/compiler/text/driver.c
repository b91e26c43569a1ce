/*
 * Runs a generated gen_text_match() over texts, for
 * tests/compiler/text/run.sh:
 *
 *   driver < EXPECT     reads lines "LISTS<TAB>TEXT" and prints each with
 *                       LISTS as the machine finds it: the numbers of the
 *                       lists that match the folded TEXT, comma-separated,
 *                       or "-" for none
 *   driver -b LISTS     times text_fold() and gen_text_match() over 1 MB of
 *                       the words of file LISTS (a list file, as emit
 *                       reads it) between filler, and prints MB/s
 *
 * TEXT may hold the escapes of unescape.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text_fold.h"
#include "unescape.h"

#define DRIVER_BENCH_SIZE (1024 * 1024)

/* Prints the lists that match TEXT (LEN bytes), folded. */
static void
driver_match(const char *text, size_t len)
{
	char *folded = malloc(len + 1);
	uint64_t found = gen_text_match(folded, text_fold(text, len, folded,
	    len));
	int i, any = 0;

	for (i = 0; i < 64; i++)
		if (found & UINT64_C(1) << i)
			printf("%s%d", any++ ? "," : "", i);
	printf("%s", any ? "" : "-");
	free(folded);
}

/* Fills a megabyte with ordinary words and, every 50 of them, one of the
 * words of list file PATH; times folding and matching it. */
static int
driver_bench(const char *path)
{
	static const char *filler[] = { "the ", "report ", "Über ",
	    "meeting, ", "at ", "noon.\n", "Привет ", "status " };
	char *text = malloc(DRIVER_BENCH_SIZE + 64), *out =
	    malloc(DRIVER_BENCH_SIZE + 64), line[256], words[256][64];
	size_t n = 0, nwords = 0, k = 0, len;
	struct timespec t0, t1;
	uint64_t found = 0;
	volatile size_t folded = 0;
	double s;
	int rounds = 20, i;
	FILE *fp = fopen(path, "r");

	if (fp == NULL || text == NULL || out == NULL)
		return 1;
	while (fgets(line, sizeof(line), fp) != NULL && nwords < 256)
		if (line[0] == '\t' && strlen(line) < 60)
			snprintf(words[nwords++], 64, "%.*s ",
			    (int)strcspn(line + 1, "\n"), line + 1);
	fclose(fp);
	while (n < DRIVER_BENCH_SIZE) {
		const char *w = k % 50 == 49 && nwords > 0 ?
		    words[k / 50 % nwords] : filler[k % 8];

		len = strlen(w);
		memcpy(text + n, w, len);
		n += len;
		k++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++)
		found |= gen_text_match(out, text_fold(text, n, out, n));
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

int
main(int argc, char **argv)
{
	char *line = NULL, *shown, *tab;
	size_t size = 0, len;

	if (argc == 3 && strcmp(argv[1], "-b") == 0)
		return driver_bench(argv[2]);
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
