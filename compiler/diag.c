/*
 * Diagnostics with the source line and a caret (see diag.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "source.h"

static unsigned diag_nerrors;
static unsigned diag_nwarnings;

/*
 * Prints line LOC->first_line of its file and, under it, a caret at the
 * first column and tildes to the last column (or to the end of the line if
 * the span goes on). Tabs in the source are repeated in the caret line so
 * that the caret stays aligned whatever the tab width.
 */
static void
diag_quote(const struct ast_loc *loc)
{
	const struct src_file *f = loc->file;
	const char *line, *end, *p;
	int n, col, last;

	if (f == NULL || loc->first_line < 1)
		return;
	line = f->text;
	for (n = 1; n < loc->first_line; n++) {
		if ((line = memchr(line, '\n', f->len - (size_t)(line - f->text)))
		    == NULL)
			return;
		line++;
	}
	end = memchr(line, '\n', f->len - (size_t)(line - f->text));
	if (end == NULL)
		end = f->text + f->len;
	fwrite(line, 1, (size_t)(end - line), stderr);
	fputc('\n', stderr);
	last = loc->last_line == loc->first_line ? loc->last_column :
	    (int)(end - line);
	if (last < loc->first_column)
		last = loc->first_column;
	for (col = 1, p = line; col < loc->first_column; col++, p++)
		fputc(p < end && *p == '\t' ? '\t' : ' ', stderr);
	fputc('^', stderr);
	for (col++; col <= last; col++)
		fputc('~', stderr);
	fputc('\n', stderr);
}

static void
diag_vprint(const char *level, const struct ast_loc *loc, const char *fmt,
    va_list ap)
{
	if (loc != NULL && loc->file != NULL)
		fprintf(stderr, "%s:%d:%d: %s: ", loc->file->path,
		    loc->first_line, loc->first_column, level);
	else
		fprintf(stderr, "xedgec: %s: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (loc != NULL)
		diag_quote(loc);
}

void
diag_error(const struct ast_loc *loc, const char *fmt, ...)
{
	va_list ap;

	diag_nerrors++;
	va_start(ap, fmt);
	diag_vprint("error", loc, fmt, ap);
	va_end(ap);
}

void
diag_warning(const struct ast_loc *loc, const char *fmt, ...)
{
	va_list ap;

	diag_nwarnings++;
	va_start(ap, fmt);
	diag_vprint("warning", loc, fmt, ap);
	va_end(ap);
}

void
diag_note(const struct ast_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vprint("note", loc, fmt, ap);
	va_end(ap);
}

unsigned
diag_errors(void)
{
	return diag_nerrors;
}

unsigned
diag_warnings(void)
{
	return diag_nwarnings;
}
