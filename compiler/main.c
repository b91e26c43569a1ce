/*
 * xedgec, the xedge policy compiler:
 *
 *	xedgec [-n] [-v] [-o DIR] FILE
 *
 * reads FILE and the files it includes, resolves and checks the policy,
 * and writes DIR/policy.h, DIR/policy.c, DIR/domains.rl and DIR/policy.d,
 * the policy's files as make dependencies; DIR defaults to "generated". With -n nothing is written and "policy OK" is printed; -v
 * prints the policy in canonical form instead. Exit status 0 on success, 1
 * on any error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "emit.h"
#include "include.h"
#include "out.h"
#include "print.h"
#include "resolve.h"
#include "source.h"

static void
usage(void)
{
	fputs("usage: xedgec [-n] [-v] [-o dir] file\n", stderr);
	exit(1);
}

/*
 * DIR/policy.d: every file the policy was read from, as make dependencies
 * of the generated code, so that editing an included file rebuilds the
 * guard instead of leaving it enforcing the old policy.
 */
static void
main_emit_deps(struct out *o, const char *dir)
{
	const struct src_file *f;

	out_printf(o, "%s/policy.c:", dir);
	for (f = src_main(); f != NULL; f = f->next)
		out_printf(o, " %s", f->path);
	out_printf(o, "\n");
	for (f = src_main(); f != NULL; f = f->next)
		out_printf(o, "%s:\n", f->path);
}

/*
 * Writes the generated files into DIR, each under a temporary name, and
 * renames them into place only once all of them are complete. Returns 0 or
 * -1 (reported).
 */
static int
main_emit(const struct model *m, const char *dir)
{
	static const char *const names[] = {
		"policy.h", "policy.c", "domains.rl", "policy.d"
	};
	enum { NOUT = sizeof(names) / sizeof(names[0]) };
	struct out o[NOUT];
	size_t opened, i;
	int ok = 1;

	for (opened = 0; opened < NOUT; opened++) {
		if (out_open(&o[opened], dir, names[opened]) == -1) {
			ok = 0;
			break;
		}
	}
	if (ok) {
		emit_c(m, &o[0], &o[1]);
		emit_rl(m, &o[2]);
		main_emit_deps(&o[3], dir);
	}
	for (i = 0; i < opened; i++)
		if (out_finish(&o[i]) == -1)
			ok = 0;
	for (i = 0; i < opened; i++)
		if (out_commit(&o[i], ok) == -1)
			ok = 0;
	return ok ? 0 : -1;
}

/* Runs the passes in order, each only if the ones before it succeeded. */
static int
main_compile(const char *path, int noaction, int verbose, const char *dir)
{
	struct ast_stmt *stmts = NULL;
	struct model m = { 0 };
	int rc = -1;

	if (incl_read_policy(path, &stmts) == -1 ||
	    resolve_policy(stmts, &m) == -1 || check_policy(&m) == -1)
		goto done;
	m.source = path;
	if (src_digest(m.sha256) == -1) {
		diag_error(NULL, "cannot compute the SHA-256 digest");
		goto done;
	}
	if (verbose)
		print_policy(stdout, &m);
	else if (noaction)
		puts("policy OK");
	if (fflush(stdout) == EOF || ferror(stdout)) {
		diag_error(NULL, "cannot write to standard output");
		goto done;
	}
	rc = noaction ? 0 : main_emit(&m, dir);
done:
	model_free(&m);
	ast_free_stmts(stmts);
	src_free_all();
	return rc;
}

int
main(int argc, char **argv)
{
	const char *dir = "generated";
	int ch, noaction = 0, verbose = 0;

	while ((ch = getopt(argc, argv, "nvo:")) != -1) {
		switch (ch) {
		case 'n':
			noaction = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'o':
			dir = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	return main_compile(argv[optind], noaction, verbose, dir) == 0 ? 0 : 1;
}
