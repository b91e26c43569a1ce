/*
 * The compiler's pipeline in one call, apart from the command line so that
 * a caller other than xedgec's main (the fuzz target) can run it.
 */
#ifndef XEDGEC_COMPILE_H
#define XEDGEC_COMPILE_H

#include <stdio.h>

/*
 * Reads the policy in PATH and the files it includes, resolves and checks
 * it; then, if CANON is not NULL, prints its canonical form to CANON, and,
 * if DIR is not NULL, writes the generated files into DIR, with
 * DIR/manifest.mk listing them by kind (see xedgec(1)). Each step runs
 * only if the ones before it succeeded. Returns 0, or -1 after reporting
 * errors. Everything it allocates is freed before it returns.
 */
int compile_policy(const char *path, FILE *canon, const char *dir);

#endif
