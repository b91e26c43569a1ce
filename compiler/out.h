/*
 * Writing a generated file: to a temporary name in the target directory,
 * renamed into place only when complete, with a count of lines written and
 * #line directives, and C string quoting.
 */
#ifndef XEDGEC_OUT_H
#define XEDGEC_OUT_H

#include <stdio.h>

struct out {
	FILE *fp;
	char *tmp;		/* the temporary path */
	char *path;		/* the final path */
	unsigned long line;	/* lines completed so far */
	int mid_line;		/* a line is started, not completed */
	const char *pin_file;	/* see out_pin_policy(); NULL: none */
	int pin_line;
	int failed;
};

/* Starts DIR/NAME. Returns 0, or -1 after reporting why. */
int out_open(struct out *o, const char *dir, const char *name);

void out_printf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes S as a C string literal (quotes included); NULL as NULL. */
void out_cstring(struct out *o, const char *s);

/* The same, for the N bytes at S. */
void out_cstring_n(struct out *o, const char *s, size_t n);

/*
 * Writes #line directives, each at the start of a line: back to LINE of
 * the policy FILE for the line that follows, or back to the generated
 * file itself (named by its base name) for every line that follows.
 */
void out_line_policy(struct out *o, const char *file, int line);
void out_line_self(struct out *o, const char *name);

/*
 * Marks every line written from now on until out_line_self() as LINE of
 * the policy FILE, with a #line directive before each: code made from one
 * statement may have more lines than the statement, and a C compiler
 * counts on from a directive. FILE must outlive the marking.
 */
void out_pin_policy(struct out *o, const char *file, int line);

/* Flushes and closes the file. Returns 0, or -1 after reporting a write
 * that failed. */
int out_finish(struct out *o);

/* After out_finish: renames the file into place (COMMIT) or removes it,
 * and frees O. Returns 0, or -1 after reporting a failed rename. */
int out_commit(struct out *o, int commit);

#endif
