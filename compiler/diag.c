/*
 * Diagnostics with the source line and a caret (see diag.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "source.h"
#include "xmalloc.h"

/* Where an error was reported, and in which pass. */
struct diag_place {
	const struct src_file *file;
	int line, column;
	unsigned pass;
};

static unsigned diag_nerrors;
static unsigned diag_nwarnings;
static unsigned diag_pass;
/* The errors reported since diag_forget, one place per error. */
static struct diag_place *diag_places;
static size_t diag_nplaces;
/* Whether the last error or warning was left out: its notes are too. */
static int diag_muted;

/* The place a message at LOC is shown: LOC, or, in a file read as data,
 * the string that names the file. */
static const struct ast_loc *
diag_shown(const struct ast_loc *loc)
{
	return loc->file != NULL && loc->file->named_at.file != NULL ?
	    &loc->file->named_at : loc;
}

/*
 * Prints line LOC->first_line of its file and, under it, a caret at the
 * first column and tildes to the last column (or to the end of the line if
 * the span goes on). Tabs in the source are repeated in the caret line so
 * that the caret stays aligned whatever the tab width.
 */
static void
diag_quote(const struct ast_loc *loc)
{
	const char *line, *end, *p;
	size_t len;
	int col, last;

	loc = diag_shown(loc);
	if (loc->file == NULL ||
	    (line = src_line(loc->file, loc->first_line, &len)) == NULL)
		return;
	end = line + len;
	fwrite(line, 1, len, stderr);
	fputc('\n', stderr);
	last = loc->last_line == loc->first_line ? loc->last_column :
	    (int)len;
	if (last < loc->first_column)
		last = loc->first_column;
	for (col = 1, p = line; col < loc->first_column; col++, p++)
		fputc(p < end && *p == '\t' ? '\t' : ' ', stderr);
	fputc('^', stderr);
	for (col++; col <= last; col++)
		fputc('~', stderr);
	fputc('\n', stderr);
}

/* Whether place A comes before the start of LOC (both in LOC's file). */
static int
diag_before(const struct diag_place *a, const struct ast_loc *loc)
{
	return a->line < loc->first_line || (a->line == loc->first_line &&
	    a->column < loc->first_column);
}

/* Whether an earlier pass reported an error where LOC starts in a file. */
static int
diag_seen(const struct ast_loc *loc)
{
	size_t i;

	if (loc->file == NULL)
		return 0;
	for (i = 0; i < diag_nplaces; i++)
		if (diag_places[i].pass < diag_pass &&
		    diag_places[i].file == loc->file &&
		    diag_places[i].line == loc->first_line &&
		    diag_places[i].column == loc->first_column)
			return 1;
	return 0;
}

/* Prints the message of LEVEL at LOC with the source line, or, for an
 * error or a warning at the place of an earlier pass's error, nothing.
 * Returns 1 if printed. */
static int
diag_vprint(const char *level, const struct ast_loc *loc, const char *fmt,
    va_list ap)
{
	int note = strcmp(level, "note") == 0;
	const struct ast_loc *shown;

	if (note ? diag_muted : loc != NULL && diag_seen(loc))
		return diag_muted = 1, 0;
	diag_muted = 0;
	shown = loc != NULL ? diag_shown(loc) : NULL;
	if (shown != NULL && shown->file != NULL)
		fprintf(stderr, "%s:%d:%d: %s: ", shown->file->path,
		    shown->first_line, shown->first_column, level);
	else
		fprintf(stderr, "xedgec: %s: ", level);
	if (shown != loc)
		fprintf(stderr, "%s:%d: ", loc->file->path, loc->first_line);
	vfprintf(stderr, fmt, ap);
	return 1;
}

/* Ends a message printed by diag_vprint at LOC: the hint, if any, the
 * newline and the source line. */
static void
diag_end(const struct ast_loc *loc, const char *hint)
{
	if (hint != NULL)
		fprintf(stderr, "; did you mean '%s'?", hint);
	fputc('\n', stderr);
	if (loc != NULL)
		diag_quote(loc);
}

/* Counts an error printed at LOC (NULL: at no place) and remembers its
 * place. */
static void
diag_count_error(const struct ast_loc *loc)
{
	static const struct ast_loc nowhere = { NULL, 0, 0, 0, 0 };

	if (loc == NULL)
		loc = &nowhere;
	diag_nerrors++;
	diag_places = xreallocarray(diag_places, diag_nplaces + 1,
	    sizeof(*diag_places));
	diag_places[diag_nplaces++] = (struct diag_place){ loc->file,
	    loc->first_line, loc->first_column, diag_pass };
}

void
diag_error(const struct ast_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (diag_vprint("error", loc, fmt, ap)) {
		diag_end(loc, NULL);
		diag_count_error(loc);
	}
	va_end(ap);
}

void
diag_error_hint(const struct ast_loc *loc, const char *hint,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (diag_vprint("error", loc, fmt, ap)) {
		diag_end(loc, hint);
		diag_count_error(loc);
	}
	va_end(ap);
}

void
diag_warning(const struct ast_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (diag_vprint("warning", loc, fmt, ap)) {
		diag_end(loc, NULL);
		diag_nwarnings++;
	}
	va_end(ap);
}

void
diag_note(const struct ast_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (diag_vprint("note", loc, fmt, ap))
		diag_end(loc, NULL);
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

void
diag_next_pass(void)
{
	diag_pass++;
}

int
diag_reported_between(const struct ast_loc *from, const struct ast_loc *to)
{
	const struct diag_place *p;
	size_t i;

	for (i = 0; i < diag_nplaces; i++) {
		p = &diag_places[i];
		if (p->pass >= diag_pass)
			continue;
		if (from == NULL)
			return 1;
		if (p->file != from->file || diag_before(p, from))
			continue;
		if (to == NULL || to->file != from->file || diag_before(p, to))
			return 1;
	}
	return 0;
}

void
diag_forget(void)
{
	free(diag_places);
	diag_places = NULL;
	diag_nplaces = 0;
	diag_pass = 0;
	diag_muted = 0;
}
