/*
 * Writing the report (see report_int.h): strings built as it goes, and
 * blocks, headings and tables in text, wrapped at REPORT_WIDTH columns,
 * or in Markdown, where everything the policy names is escaped.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "source.h"
#include "xmalloc.h"

#define REPORT_WIDTH 76

/* Appends TEXT to the string *S (which may be NULL), after SEP unless *S
 * is empty. */
void
report_cat(char **s, const char *sep, const char *text)
{
	char *joined = xstrfmt("%s%s%s", *s != NULL ? *s : "",
	    *s != NULL && **s != '\0' ? sep : "", text);

	free(*s);
	*s = joined;
}

/* Returns "FILE:LINE" of LOC; the caller frees it. */
char *
report_loc(const struct ast_loc *loc)
{
	return xstrfmt("%s:%d", loc->file->path, loc->first_line);
}

/* The columns the N bytes of UTF-8 at S take: one a character. */
static size_t
report_width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* Writes N bytes of S; in Markdown with every character that could be
 * taken for markup escaped, since names and words are the policy's. */
static void
report_put(struct report *r, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (r->fmt == REPORT_MARKDOWN && strchr("\\`*_[]<>|~#", s[i]))
			fputc('\\', r->fp);
		fputc(s[i], r->fp);
	}
}

/*
 * Writes TEXT as a block: in text, wrapped at REPORT_WIDTH columns at
 * spaces, with FIRST before the first line and REST before the others; in
 * Markdown, on one line after MD.
 */
static void
report_block(struct report *r, const char *first, const char *rest,
    const char *md, const char *text)
{
	const char *p = text;
	size_t col, n, w;
	int empty = 1;

	if (r->fmt == REPORT_MARKDOWN) {
		fputs(md, r->fp);
		report_put(r, text, strlen(text));
		fputc('\n', r->fp);
		return;
	}
	fputs(first, r->fp);
	col = strlen(first);
	for (;;) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		n = strcspn(p, " ");
		w = report_width(p, n);
		if (!empty && col + 1 + w > REPORT_WIDTH) {
			fprintf(r->fp, "\n%s", rest);
			col = strlen(rest);
			empty = 1;
		}
		if (!empty) {
			fputc(' ', r->fp);
			col++;
		}
		report_put(r, p, n);
		col += w;
		empty = 0;
		p += n;
	}
	fputc('\n', r->fp);
}

void
report_para(struct report *r, const char *text)
{
	report_block(r, "", "", "", text);
	fputc('\n', r->fp);
}

void
report_bullet(struct report *r, const char *text)
{
	report_block(r, "  - ", "    ", "- ", text);
}

/* A heading of LEVEL 1 to 3: Markdown's, or in text underlined with '='
 * or '-' (level 3 not underlined). */
void
report_heading(struct report *r, int level, const char *text)
{
	size_t i, w = report_width(text, strlen(text));

	if (r->fmt == REPORT_MARKDOWN)
		fprintf(r->fp, "%.*s ", level, "###");
	report_put(r, text, strlen(text));
	fputc('\n', r->fp);
	for (i = 0; r->fmt == REPORT_TEXT && level < 3 && i < w; i++)
		fputc(level == 1 ? '=' : '-', r->fp);
	fputs(r->fmt == REPORT_TEXT && level < 3 ? "\n\n" : "\n", r->fp);
}

/* Adds a row of T's NCOL cells, copied, to T (the first sets NCOL). */
void
report_row(struct report_table *t, size_t ncol, ...)
{
	va_list ap;
	size_t i;

	t->ncol = ncol;
	t->cell = xreallocarray(t->cell, (t->nrow + 1) * ncol,
	    sizeof(*t->cell));
	va_start(ap, ncol);
	for (i = 0; i < ncol; i++)
		t->cell[t->nrow * ncol + i] = xstrdup(va_arg(ap, const char *));
	va_end(ap);
	t->nrow++;
}

/* Writes table T, a pipe table in Markdown or columns two spaces apart
 * with the header underlined in text, then frees its cells. */
void
report_table(struct report *r, struct report_table *t)
{
	size_t *width = xcalloc(t->ncol, sizeof(*width)), i, j, w, pad, last;
	const char *c;

	for (i = 0; i < t->nrow * t->ncol; i++) {
		w = report_width(t->cell[i], strlen(t->cell[i]));
		if (w > width[i % t->ncol])
			width[i % t->ncol] = w;
	}
	for (i = 0; i < t->nrow; i++) {
		/* In text, a row ends at its last cell that says something. */
		for (last = t->ncol; r->fmt == REPORT_TEXT && last > 1 &&
		    t->cell[i * t->ncol + last - 1][0] == '\0'; last--)
			;
		for (j = 0; j < last; j++) {
			c = t->cell[i * t->ncol + j];
			fputs(r->fmt == REPORT_MARKDOWN ? "| " : "", r->fp);
			report_put(r, c, strlen(c));
			pad = width[j] - report_width(c, strlen(c));
			if (r->fmt == REPORT_MARKDOWN)
				fputc(' ', r->fp);
			else if (j + 1 < last)
				fprintf(r->fp, "%*s", (int)pad + 2, "");
		}
		fputs(r->fmt == REPORT_MARKDOWN ? "|\n" : "\n", r->fp);
		for (j = 0; i == 0 && j < t->ncol; j++) {
			if (r->fmt == REPORT_MARKDOWN)
				fputs(j == 0 ? "| --- |" : " --- |", r->fp);
			else
				for (w = 0; w < width[j] + (j + 1 < t->ncol ?
				    2 : 0); w++)
					fputc(w < width[j] ? '-' : ' ', r->fp);
		}
		if (i == 0)
			fputc('\n', r->fp);
	}
	fputc('\n', r->fp);
	for (i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
	free(width);
	memset(t, 0, sizeof(*t));
}

