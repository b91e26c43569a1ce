/*
 * libFuzzer target for the policy compiler's front end: lexer, parser,
 * include expansion, name resolution, checks and the canonical printer,
 * run in-process by compile_policy on each input written as a policy
 * file. Policy files are written by people and merged by tools, so
 * nothing in them may crash the compiler or leak (LeakSanitizer reports
 * a leak as a finding). A policy that compiles must also print a
 * canonical form that compiles again and prints itself unchanged, as
 * tests/compiler/run.sh checks for the policies it holds; any difference
 * aborts.
 *
 * Includes read only inside a directory of the target's own: the binary
 * is linked with -Wl,--wrap=src_load, and the wrapper below refuses any
 * path that does not resolve into that directory, so that a fuzzed
 * include of "/etc/shadow" or "../../x" reads nothing. The directory
 * holds the input, its canonical form, and a few files to include (see
 * fuzz_files).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "compile.h"
#include "source.h"

struct src_file *__real_src_load(const char *path);
struct src_file *__wrap_src_load(const char *path);

/* The files an input may include, by name relative to the sandbox. */
static const struct {
	const char *name;
	const char *text;
} fuzz_files[] = {
	{ "consts.policy", "define INC_HOST = 192.0.2.1;\n"
	    "define INC_SIZE = 64KiB;\n" },
	{ "sub/peer.policy", "include \"../consts.policy\";\n"
	    "peer included {\n\tdomain \"i.example\";\n"
	    "\tconnect INC_HOST;\n\tlimits { stanza-size INC_SIZE; }\n}\n" },
	{ "cycle.policy", "include \"cycle.policy\";\n" },
	/* For label-policy NAME spif "spif.xml": the import from libxml2's
	 * tree on, every step of it, with equivalences each way into a
	 * label policy of OID 1.3.6.1.4.1.99999.6 (corpus/spif.policy
	 * writes one). */
	{ "spif.xml", "<SPIF xmlns='http://www.xmlspif.org/spif' "
	    "schemaVersion='2.1' version='1' creationDate='20240101000000Z' "
	    "originatorDN='CN=x' keyIdentifier='00' privilegeId='1.2' "
	    "rbacId='1.2'><securityPolicyId name='P' id='1.3.6.1.4.1.99999.5'/>"
	    "<securityClassifications><securityClassification name='LOW' "
	    "lacv='1' hierarchy='1' color='green'><equivalentClassification "
	    "policyRef='W' lacv='1' applied='both'/><markingData phrase='LOW'/>"
	    "</securityClassification><securityClassification name='HIGH' "
	    "lacv='4' hierarchy='2'><equivalentClassification policyRef='W' "
	    "lacv='4' applied='both'/></securityClassification>"
	    "</securityClassifications>"
	    "<securityCategoryTagSets><securityCategoryTagSet name='R' "
	    "id='1.3.6.1.4.1.99999.5.1'><securityCategoryTag name='R' "
	    "tagType='permissive'><tagCategory name='UK' lacv='1'>"
	    "<equivalentSecCategoryTag policyRef='W' applied='encrypt' "
	    "action='discard'/></tagCategory>"
	    "</securityCategoryTag></securityCategoryTagSet>"
	    "</securityCategoryTagSets><equivalentPolicies><equivalentPolicy "
	    "name='W' id='1.3.6.1.4.1.99999.6'/></equivalentPolicies></SPIF>\n" },
};

/* The sandbox, as realpath gives it, and the two files compiled. */
static char fuzz_dir[PATH_MAX];
static char fuzz_input[PATH_MAX + 32];
static char fuzz_canon[PATH_MAX + 32];

/* Writes LEN bytes of TEXT as a new file PATH. (Truncating the old one
 * instead would make ext4 write it out at close, ten times slower.) */
static void
fuzz_write(const char *path, const void *text, size_t len)
{
	int fd;

	if (unlink(path) == -1)
		fuzz_check(errno == ENOENT, "cannot remove a file in the sandbox");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	fuzz_check(fd != -1 && write(fd, text, len) == (ssize_t)len &&
	    close(fd) == 0, "cannot write a file in the sandbox");
}

/* Removes the sandbox at exit. */
static void
fuzz_cleanup(void)
{
	char path[PATH_MAX + 32];
	size_t i;

	for (i = 0; i < sizeof(fuzz_files) / sizeof(fuzz_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir,
		    fuzz_files[i].name);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/sub", fuzz_dir);
	rmdir(path);
	unlink(fuzz_input);
	unlink(fuzz_canon);
	rmdir(fuzz_dir);
}

/* Makes the sandbox and the files to include, once. */
static void
fuzz_setup(void)
{
	char tmpl[] = "/tmp/xedgec-fuzz-XXXXXX", path[PATH_MAX + 32];
	size_t i;

	fuzz_check(mkdtemp(tmpl) != NULL && realpath(tmpl, fuzz_dir) != NULL,
	    "cannot make the sandbox");
	snprintf(path, sizeof(path), "%s/sub", fuzz_dir);
	fuzz_check(mkdir(path, 0700) == 0, "cannot make the sandbox");
	for (i = 0; i < sizeof(fuzz_files) / sizeof(fuzz_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir,
		    fuzz_files[i].name);
		fuzz_write(path, fuzz_files[i].text,
		    strlen(fuzz_files[i].text));
	}
	snprintf(fuzz_input, sizeof(fuzz_input), "%s/input.policy", fuzz_dir);
	snprintf(fuzz_canon, sizeof(fuzz_canon), "%s/canon.policy", fuzz_dir);
	atexit(fuzz_cleanup);
}

/* src_load as the compiler calls it: only files inside the sandbox. */
struct src_file *
__wrap_src_load(const char *path)
{
	char real[PATH_MAX];
	size_t n = strlen(fuzz_dir);

	if (realpath(path, real) == NULL)
		return NULL;
	if (strncmp(real, fuzz_dir, n) != 0 || real[n] != '/') {
		errno = EACCES;
		return NULL;
	}
	return __real_src_load(path);
}

/* Compiles PATH, returning its canonical form (caller frees), or NULL if
 * it does not compile. */
static char *
fuzz_compile(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *canon;
	int rc;

	canon = open_memstream(&text, &len);
	fuzz_check(canon != NULL, "open_memstream failed");
	rc = compile_policy(path, &(struct compile_want){ .canon = canon });
	fuzz_check(fclose(canon) == 0, "cannot close the memory stream");
	if (rc == 0)
		return text;
	free(text);
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *first, *second;

	if (fuzz_dir[0] == '\0')
		fuzz_setup();
	fuzz_write(fuzz_input, data, size);
	first = fuzz_compile(fuzz_input);
	if (first == NULL)
		return 0;
	fuzz_write(fuzz_canon, first, strlen(first));
	second = fuzz_compile(fuzz_canon);
	if (second == NULL || strcmp(first, second) != 0)
		fprintf(stderr, "the canonical form:\n%s", first);
	fuzz_check(second != NULL, "the canonical form does not compile");
	fuzz_check(strcmp(first, second) == 0,
	    "the canonical form does not print itself");
	free(first);
	free(second);
	return 0;
}
