/*
 * Drives the content pattern code of the compiler (compiler/pattern.c,
 * compiler/emit_text.c) as xedgec does, for tests/compiler/text/run.sh:
 *
 *   emit DIR LISTS      writes DIR/text.rl for the lists of file LISTS
 *   emit -c KIND        checks each line of standard input as a word
 *                       (KIND "words") or a pattern ("pattern") and prints
 *                       "ok" or "COL: WHY" with the line
 *
 * LISTS holds a line "words" or "pattern" that starts each list and one
 * line per item, indented by a tab. Lines read may hold the escapes of
 * unescape.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "out.h"
#include "pattern.h"
#include "unescape.h"
#include "xmalloc.h"

/* Prints what pattern_check() says of each line of standard input. */
static int
text_check(const char *kind)
{
	enum pattern_kind k = strcmp(kind, "words") == 0 ? PATTERN_WORDS :
	    PATTERN_REGEX;
	char line[1024], shown[1024];
	const char *why;
	size_t col;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		memcpy(shown, line, sizeof(shown));
		text_unescape(line);
		if (pattern_check(k, line, &why, &col) == 0)
			printf("ok\t%s\n", shown);
		else
			printf("%zu: %s\t%s\n", col, why, shown);
	}
	return 0;
}

/* Reads the lists of file PATH and writes their machine into DIR. */
static int
text_emit(const char *dir, const char *path)
{
	struct pattern_list lists[PATTERN_MAX_LISTS], *l = NULL;
	struct model m = { .name = "text", .source = "lists" };
	char line[1024], **items;
	size_t nlists = 0;
	struct out o;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		return 1;
	}
	memset(m.sha256, '0', 64);
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		text_unescape(line);
		if (line[0] != '\t') {
			l = &lists[nlists++];
			*l = (struct pattern_list){ strcmp(line, "words") == 0 ?
			    PATTERN_WORDS : PATTERN_REGEX, NULL, 0, path,
			    (int)nlists };
			continue;
		}
		items = (char **)l->items;
		items = xreallocarray(items, l->nitems + 1, sizeof(*items));
		items[l->nitems++] = xstrdup(line + 1);
		l->items = (const char *const *)items;
	}
	fclose(fp);
	if (out_open(&o, dir, "text.rl") == -1)
		return 1;
	emit_text(&o, &m, lists, nlists);
	if (out_finish(&o) == -1 || out_commit(&o, 1) == -1)
		return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "-c") == 0)
		return text_check(argv[2]);
	if (argc == 3)
		return text_emit(argv[1], argv[2]);
	fprintf(stderr, "usage: emit DIR LISTS | emit -c words|pattern\n");
	return 2;
}
