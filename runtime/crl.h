/*
 * The CRL files the site file names, read at start and again on SIGHUP.
 * By then the guard may have chrooted and given up root (priv.c), so a
 * file is not reopened by its path: each file's directory is opened once,
 * at start, and the file is opened in it by name each time it is read. A
 * CRL replaced by a new file of the same name (as CRL updates are written)
 * is read anew; the file and its directory must be readable by the user
 * the guard becomes.
 */
#ifndef XEDGE_CRL_H
#define XEDGE_CRL_H

#include <stddef.h>

#include <openssl/x509.h>

struct crl_files {
	int *dirfd;		/* each file's directory (O_PATH) */
	char **name;		/* each file's name in it */
	char **path;		/* each file as the site file gives it, for logs */
	size_t n;
};

/* Opens the directories of the N files PATHS into F (all zero first).
 * Returns 0, or -1 after logging (F then holds nothing). */
int crl_files_open(struct crl_files *f, char *const *paths, size_t n);

/*
 * Reads every CRL (PEM) of the files of F, in order. Returns them (the
 * caller frees with sk_X509_CRL_pop_free(s, X509_CRL_free)), or NULL after
 * logging the file that cannot be read or holds no CRL.
 */
STACK_OF(X509_CRL) *crl_files_read(const struct crl_files *f);

/* Closes what F holds and zeroes it. */
void crl_files_close(struct crl_files *f);

#endif
