/*
 * xedgec, the xedge policy compiler:
 *
 *	xedgec [-n] [-v] [-o DIR] FILE
 *
 * reads FILE and the files it includes, resolves and checks the policy,
 * and writes into DIR (default "generated") the code of compile_files (in
 * compile.c) and DIR/manifest.mk, which lists them by kind for the build.
 * With -n nothing is written and "policy OK" is printed; -v prints the
 * policy in canonical form instead. Exit status 0 on success, 1 on any
 * error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "compile.h"
#include "diag.h"

static void
usage(void)
{
	fputs("usage: xedgec [-n] [-v] [-o dir] file\n", stderr);
	exit(1);
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
	if (compile_policy(argv[optind], verbose ? stdout : NULL,
	    noaction ? NULL : dir) == -1)
		return 1;
	if (noaction && !verbose &&
	    (puts("policy OK") == EOF || fflush(stdout) == EOF)) {
		diag_error(NULL, "cannot write to standard output");
		return 1;
	}
	return 0;
}
