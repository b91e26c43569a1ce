/*
 * xedgec, the xedge policy compiler:
 *
 *	xedgec [-n] [-v] [-o DIR] [--role GUARD] FILE
 *	xedgec --report[=FORMAT] [--format FORMAT] [--role GUARD] FILE
 *
 * reads FILE and the files it includes, resolves and checks the policy,
 * and writes into DIR (default "generated") the code of compile_files (in
 * compile.c) and DIR/manifest.mk, which lists them by kind for the build.
 * With -n nothing is written and "policy OK" is printed; -v prints the
 * policy in canonical form instead. --report prints the report for
 * accreditors (report.h), in text or Markdown, and writes nothing. A
 * policy with a pair block is built for one of its guards, which --role
 * names; a policy without one takes no --role. Exit status 0 on success,
 * 1 on any error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "compile.h"
#include "diag.h"

static void
usage(void)
{
	fputs("usage: xedgec [-n] [-v] [-o dir] [--role guard] file\n"
	    "       xedgec --report[=text|markdown] [--role guard] file\n",
	    stderr);
	exit(1);
}

/* Sets *F to format NAME, or exits with a message. */
static void
main_format(const char *name, enum report_format *f)
{
	if (report_format_find(name, f) == -1) {
		fprintf(stderr, "xedgec: unknown report format '%s' (text or "
		    "markdown)\n", name);
		usage();
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "report", optional_argument, NULL, 'R' },
		{ "format", required_argument, NULL, 'F' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct compile_want want = { .dir = "generated" };
	int ch, noaction = 0, verbose = 0, report = 0, format = 0, dir = 0;

	while ((ch = getopt_long(argc, argv, "nvo:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			noaction = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'o':
			want.dir = optarg;
			dir = 1;
			break;
		case 'R':
			report = 1;
			if (optarg != NULL)
				main_format(optarg, &want.format);
			break;
		case 'F':
			format = 1;
			main_format(optarg, &want.format);
			break;
		case 'r':
			want.role = optarg;
			break;
		default:
			usage();
		}
	}
	/* A report is its own mode: it writes nothing, and stdout is its. */
	if (argc - optind != 1 || (report && (verbose || dir)) ||
	    (format && !report))
		usage();
	if (report)
		want.report = stdout;
	if (verbose)
		want.canon = stdout;
	if (noaction || report)
		want.dir = NULL;
	if (compile_policy(argv[optind], &want) == -1)
		return 1;
	if (noaction && !verbose && !report &&
	    (puts("policy OK") == EOF || fflush(stdout) == EOF)) {
		diag_error(NULL, "cannot write to standard output");
		return 1;
	}
	return 0;
}
