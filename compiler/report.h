/*
 * The report for accreditors (xedgec --report, see xedgec(1)): what a
 * policy lets cross between its peers, per pair and direction, in words
 * and in tables, read from the model the guard's code is generated from,
 * so that what is approved is what is built.
 */
#ifndef XEDGEC_REPORT_H
#define XEDGEC_REPORT_H

#include <stdio.h>

#include "model.h"

enum report_format {
	REPORT_TEXT,		/* plain text, wrapped, tables in columns */
	REPORT_MARKDOWN		/* headings, lists and pipe tables */
};

/* Sets *F to the format called NAME ("text", "markdown" or "md").
 * Returns 0, or -1 if there is none. */
int report_format_find(const char *name, enum report_format *f);

/*
 * Writes the report of M (resolved and checked, with its digest set) to
 * FP in format F. The same model gives the same bytes: nothing in it
 * depends on the time or the environment.
 */
void report_policy(FILE *fp, const struct model *m, enum report_format f);

#endif
