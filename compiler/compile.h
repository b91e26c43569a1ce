/*
 * The compiler's pipeline in one call, apart from the command line so that
 * a caller other than xedgec's main (the fuzz target) can run it.
 */
#ifndef XEDGEC_COMPILE_H
#define XEDGEC_COMPILE_H

#include <stdio.h>

#include "report.h"

/* What compile_policy produces from a policy without errors; all-zero:
 * nothing (a check only). */
struct compile_want {
	FILE *canon;			/* the canonical form, or NULL */
	FILE *report;			/* the report (report.h), or NULL */
	enum report_format format;	/* the report's */
	const char *dir;		/* the generated files, or NULL */
	const char *role;		/* the guard of the policy's pair to
					 * build (--role), or NULL */
};

/*
 * Reads the policy in PATH and the files it includes, resolves and checks
 * it for a build of the guard WANT->role names; then prints its canonical
 * form to WANT->canon and its report to WANT->report where they are not
 * NULL, and, if WANT->dir is not NULL, writes the generated files into
 * it, with manifest.mk listing them by kind (see xedgec(1)). Each step runs only if the ones before it
 * succeeded. Returns 0, or -1 after reporting errors. Everything it
 * allocates is freed before it returns.
 */
int compile_policy(const char *path, const struct compile_want *want);

#endif
