/*
 * The report's internals: what report.c builds (strings, bullets, tables)
 * and report_out.c writes in the format asked for.
 */
#ifndef XEDGEC_REPORT_INT_H
#define XEDGEC_REPORT_INT_H

#include <stdio.h>

#include "report.h"

struct report {
	FILE *fp;
	enum report_format fmt;
	const struct model *m;
};

/* A table: NCOL cells a row, row 0 the header; the cells are owned.
 * All-zero is an empty table. */
struct report_table {
	size_t ncol, nrow;
	char **cell;
};


/* Appends TEXT to the string *S (which may be NULL), after SEP unless *S
 * is empty. */
void report_cat(char **s, const char *sep, const char *text);

/* Returns "FILE:LINE" of LOC; the caller frees it. */
char *report_loc(const struct ast_loc *loc);

/* Writes TEXT as a paragraph, or as an item of a bulleted list. */
void report_para(struct report *r, const char *text);
void report_bullet(struct report *r, const char *text);

/* Writes a heading of LEVEL 1 to 3. */
void report_heading(struct report *r, int level, const char *text);

/* Adds a row of NCOL cells (const char *), copied, to T; every row of a
 * table has the same NCOL, the first one being the header. */
void report_row(struct report_table *t, size_t ncol, ...);

/* Writes table T, then frees its cells and empties it. */
void report_table(struct report *r, struct report_table *t);

/* report_labels.c: the label policies and the peers' clearances, in
 * section 1 (nothing without a label policy). */
void report_clearances(struct report *r);

/* report_pair.c: the guard pair and which of its guards the build is,
 * in section 1 (nothing without a pair). */
void report_guard_pair(struct report *r);

#endif
