/*
 * Unit tests for runtime/crl.c: CRL files read by name in directories
 * opened beforehand. Every CRL of every file, in order; a file replaced
 * under its name is read anew; a directory moved away (as a chroot hides
 * the paths) is still read; a missing directory, a missing file, a file
 * holding no CRL and a damaged one are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "crl.h"
#include "log.h"
#include "tls.h"
#include "tls_fixture.h"

/* A directory of the test's own, made by setup, and files in it. */
static char dir[64];

/* Returns "dir/NAME" in one of a few rotating static buffers. */
static const char *
in_dir(const char *name)
{
	static char paths[4][128];
	static unsigned next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

/* Copies the fixture's file FROM to TO, or writes TEXT after it if not
 * NULL. */
static void
copy(const char *from, const char *to, const char *text)
{
	char buf[8192];
	FILE *in, *out;
	size_t n;

	in = fopen(fx_path(from, "pem"), "r");
	out = fopen(to, "w");
	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	if (text != NULL)
		assert_true(fputs(text, out) >= 0);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* Opens the N files of PATHS into F and reads them; returns the CRLs
 * (NULL if the read failed), F left open. */
static STACK_OF(X509_CRL) *
open_read(struct crl_files *f, char *const *paths, size_t n)
{
	assert_int_equal(crl_files_open(f, paths, n), 0);
	return crl_files_read(f);
}

/* The number of certificates CRL I of CRLS revokes. */
static int
revoked(STACK_OF(X509_CRL) *crls, int i)
{
	STACK_OF(X509_REVOKED) *r;

	r = X509_CRL_get_REVOKED(sk_X509_CRL_value(crls, i));
	return r != NULL ? sk_X509_REVOKED_num(r) : 0;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/xedge-crl-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

/* Removes the test's directory and what it holds, wherever it went. */
static int
teardown(void **state)
{
	static const char *const names[] = { "a.crl", "b.crl", "new.crl" };
	char moved[80];
	size_t i;

	(void)state;
	snprintf(moved, sizeof(moved), "%s-moved", dir);
	if (access(moved, F_OK) == 0)
		assert_int_equal(rename(moved, dir), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(in_dir(names[i]));
	return rmdir(dir);
}

/* Every CRL of every file, in order; the same files read again. */
static void
test_read_all(void **state)
{
	char *paths[2];
	struct crl_files f;
	STACK_OF(X509_CRL) *crls;
	int round;

	(void)state;
	copy("ca-crl", in_dir("a.crl"), NULL);
	copy("ca-crl-empty", in_dir("b.crl"), NULL);
	paths[0] = strdup(in_dir("a.crl"));
	paths[1] = strdup(in_dir("b.crl"));
	assert_int_equal(crl_files_open(&f, paths, 2), 0);
	for (round = 0; round < 2; round++) {
		crls = crl_files_read(&f);
		assert_non_null(crls);
		assert_int_equal(sk_X509_CRL_num(crls), 2);
		assert_int_equal(revoked(crls, 0), 1);
		assert_int_equal(revoked(crls, 1), 0);
		sk_X509_CRL_pop_free(crls, X509_CRL_free);
	}
	crl_files_close(&f);
	free(paths[0]);
	free(paths[1]);
}

/* A CRL written anew and renamed over the old one, as updates are, is
 * what the next read finds. */
static void
test_replaced(void **state)
{
	char *path = strdup(in_dir("a.crl"));
	struct crl_files f;
	STACK_OF(X509_CRL) *crls;

	(void)state;
	copy("ca-crl-empty", path, NULL);
	crls = open_read(&f, &path, 1);
	assert_non_null(crls);
	assert_int_equal(revoked(crls, 0), 0);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	copy("ca-crl", in_dir("new.crl"), NULL);
	assert_int_equal(rename(in_dir("new.crl"), path), 0);
	crls = crl_files_read(&f);
	assert_non_null(crls);
	assert_int_equal(revoked(crls, 0), 1);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	crl_files_close(&f);
	free(path);
}

/* Once the directory is open, its path no longer matters: a guard that
 * has chrooted reads its CRLs all the same. */
static void
test_directory_moved(void **state)
{
	char *path = strdup(in_dir("a.crl"));
	char moved[80];
	struct crl_files f;
	STACK_OF(X509_CRL) *crls;

	(void)state;
	copy("ca-crl", path, NULL);
	assert_int_equal(crl_files_open(&f, &path, 1), 0);
	snprintf(moved, sizeof(moved), "%s-moved", dir);
	assert_int_equal(rename(dir, moved), 0);
	assert_int_equal(access(path, F_OK), -1);
	crls = crl_files_read(&f);
	assert_non_null(crls);
	assert_int_equal(sk_X509_CRL_num(crls), 1);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	crl_files_close(&f);
	free(path);
}

/* What cannot be read is refused, saying which file. */
static void
test_refused(void **state)
{
	char nodir[] = "/nonexistent/ca.crl", *bad = nodir;
	char *path = strdup(in_dir("a.crl"));
	struct crl_files f;
	STACK_OF(X509_CRL) *crls;

	(void)state;
	assert_int_equal(crl_files_open(&f, &bad, 1), -1);
	assert_int_equal(f.n, 0);
	/* The file is not there yet. */
	assert_null(open_read(&f, &path, 1));
	/* A certificate is no CRL. */
	copy("ca", path, NULL);
	assert_null(crl_files_read(&f));
	/* A CRL, then something that is not one. */
	copy("ca-crl", path, "-----BEGIN X509 CRL-----\nnot base64!\n"
	    "-----END X509 CRL-----\n");
	assert_null(crl_files_read(&f));
	/* And the CRL alone is fine. */
	copy("ca-crl", path, NULL);
	crls = crl_files_read(&f);
	assert_non_null(crls);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	crl_files_close(&f);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_all, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replaced, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_directory_moved, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup,
		    teardown),
	};
	int rc;

	/* The refusals log errors: noise here. */
	log_set_level(LOG_LVL_ERR + 1);
	if (fx_make() == -1) {
		fprintf(stderr, "cannot make the test PKI\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("crl", tests, NULL, NULL);
	fx_remove();
	return rc;
}
