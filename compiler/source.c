/*
 * Policy source files and the policy digest (see source.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "source.h"
#include "xmalloc.h"

/* Policy files are small; a bound keeps a mistaken path (a device, a log)
 * from being read whole. */
#define SRC_MAX_BYTES (16u * 1024 * 1024)

static struct src_file *src_head;
static struct src_file **src_tail = &src_head;

/* Reads the whole of FD into a new NUL-terminated buffer. Returns 0 and sets
 * *TEXT (caller frees) and *LEN, or -1 with errno set. */
static int
src_read_fd(int fd, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	ssize_t r;

	for (;;) {
		if (n + 1 == cap) {
			if (cap >= SRC_MAX_BYTES) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

struct src_file *
src_load(const char *path)
{
	struct src_file *f;
	struct stat st;
	int fd, saved;
	char *text;
	size_t len;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || src_read_fd(fd, &text, &len) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	close(fd);
	f = xcalloc(1, sizeof(*f));
	f->path = xstrdup(path);
	f->text = text;
	f->len = len;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	*src_tail = f;
	src_tail = &f->next;
	return f;
}

const char *
src_line(const struct src_file *f, int line, size_t *len)
{
	const char *p = f->text, *end = f->text + f->len, *nl;
	int n;

	if (line < 1)
		return NULL;
	for (n = 1; n < line; n++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return NULL;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*len = (size_t)((nl != NULL ? nl : end) - p);
	return p;
}

const struct src_file *
src_main(void)
{
	return src_head;
}

int
src_digest(char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	const struct src_file *f;
	char head[32];
	EVP_MD_CTX *ctx;
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (f = src_head; ok && f != NULL; f = f->next) {
		snprintf(head, sizeof(head), "%zu\n", f->len);
		ok = EVP_DigestUpdate(ctx, head, strlen(head)) &&
		    EVP_DigestUpdate(ctx, f->text, f->len);
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}
	hex[64] = '\0';
	return 0;
}

void
src_free_all(void)
{
	struct src_file *f, *next;

	for (f = src_head; f != NULL; f = next) {
		next = f->next;
		free(f->path);
		free(f->text);
		free(f);
	}
	src_head = NULL;
	src_tail = &src_head;
}
