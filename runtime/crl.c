/*
 * CRL files held by their directories (see crl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "crl.h"
#include "log.h"
#include "tls.h"

/*
 * Opens the directory of PATH (O_PATH: it is only looked in) and stores
 * its descriptor in *DIRFD and PATH's last component, a new string the
 * caller frees, in *NAME. Returns 0, or -1 with errno set.
 */
static int
crl_open_dir(const char *path, int *dirfd, char **name)
{
	char *dir_copy, *name_copy;
	int fd = -1, saved;

	dir_copy = strdup(path);
	name_copy = strdup(path);
	if (dir_copy == NULL || name_copy == NULL)
		goto fail;
	fd = open(dirname(dir_copy), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		goto fail;
	*name = strdup(basename(name_copy));
	if (*name == NULL)
		goto fail;
	free(dir_copy);
	free(name_copy);
	*dirfd = fd;
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	free(dir_copy);
	free(name_copy);
	errno = saved;
	return -1;
}

int
crl_files_open(struct crl_files *f, char *const *paths, size_t n)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	if (n == 0)
		return 0;
	f->dirfd = calloc(n, sizeof(*f->dirfd));
	f->name = calloc(n, sizeof(*f->name));
	f->path = calloc(n, sizeof(*f->path));
	if (f->dirfd == NULL || f->name == NULL || f->path == NULL) {
		log_event(LOG_LVL_ERR, 0, "crl-config", "err=\"out of memory\"");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		f->path[i] = strdup(paths[i]);
		if (f->path[i] == NULL ||
		    crl_open_dir(paths[i], &f->dirfd[i], &f->name[i]) == -1) {
			log_errno(LOG_LVL_ERR, 0, "crl-config", "file=%s",
			    paths[i]);
			free(f->path[i]);
			goto fail;
		}
		f->n = i + 1;
	}
	return 0;
fail:
	crl_files_close(f);
	return -1;
}

/*
 * Appends the CRLs of file I of F to CRLS. Returns the number read (at
 * least one), or -1 after logging.
 */
static int
crl_read_file(const struct crl_files *f, size_t i, STACK_OF(X509_CRL) *crls)
{
	const char *why = NULL;
	unsigned long err;
	X509_CRL *crl;
	FILE *fp;
	int fd, count = 0;

	fd = openat(f->dirfd[i], f->name[i], O_RDONLY | O_CLOEXEC);
	if (fd == -1 || (fp = fdopen(fd, "r")) == NULL) {
		log_errno(LOG_LVL_ERR, 0, "crl-config", "file=%s", f->path[i]);
		if (fd != -1)
			close(fd);
		return -1;
	}
	ERR_clear_error();
	while ((crl = PEM_read_X509_CRL(fp, NULL, NULL, NULL)) != NULL) {
		if (sk_X509_CRL_push(crls, crl) == 0) {
			X509_CRL_free(crl);
			why = "out of memory";
			break;
		}
		count++;
	}
	fclose(fp);
	/* The end of the file shows as "no start line" after the last. */
	err = ERR_peek_last_error();
	if (why == NULL && err != 0 && ERR_GET_REASON(err) !=
	    PEM_R_NO_START_LINE)
		why = tls_last_error();
	if (why == NULL && count == 0)
		why = "no CRL in the file";
	ERR_clear_error();
	if (why != NULL) {
		log_event(LOG_LVL_ERR, 0, "crl-config", "file=%s err=\"%s\"",
		    f->path[i], why);
		return -1;
	}
	return count;
}

STACK_OF(X509_CRL) *
crl_files_read(const struct crl_files *f)
{
	STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
	size_t i;

	if (crls == NULL) {
		log_event(LOG_LVL_ERR, 0, "crl-config", "err=\"out of memory\"");
		return NULL;
	}
	for (i = 0; i < f->n; i++) {
		if (crl_read_file(f, i, crls) == -1) {
			sk_X509_CRL_pop_free(crls, X509_CRL_free);
			return NULL;
		}
	}
	return crls;
}

void
crl_files_close(struct crl_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		close(f->dirfd[i]);
		free(f->name[i]);
		free(f->path[i]);
	}
	free(f->dirfd);
	free(f->name);
	free(f->path);
	memset(f, 0, sizeof(*f));
}
