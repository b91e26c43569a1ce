/*
 * Generated files written atomically (see out.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "out.h"
#include "xmalloc.h"

int
out_open(struct out *o, const char *dir, const char *name)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (mkdir(dir, 0777) == -1 && errno != EEXIST) {
		diag_error(NULL, "cannot create directory '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	o->path = xmalloc(strlen(dir) + strlen(name) + 2);
	sprintf(o->path, "%s/%s", dir, name);
	o->tmp = xmalloc(strlen(o->path) + 16);
	sprintf(o->tmp, "%s/.%s.XXXXXX", dir, name);
	if ((fd = mkstemp(o->tmp)) == -1 || fchmod(fd, 0644) == -1 ||
	    (o->fp = fdopen(fd, "w")) == NULL) {
		diag_error(NULL, "cannot create '%s': %s", o->tmp,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		free(o->path);
		return -1;
	}
	return 0;
}

/* Writes S, each line it starts preceded by the pinned #line if any. */
static void
out_write(struct out *o, const char *s)
{
	const char *nl;
	size_t len;

	while (*s != '\0') {
		if (o->pin_file != NULL && !o->mid_line)
			out_line_policy(o, o->pin_file, o->pin_line);
		nl = strchr(s, '\n');
		len = nl != NULL ? (size_t)(nl - s) + 1 : strlen(s);
		if (fwrite(s, 1, len, o->fp) != len)
			o->failed = 1;
		if (nl != NULL)
			o->line++;
		o->mid_line = nl == NULL;
		s += len;
	}
}

void
out_printf(struct out *o, const char *fmt, ...)
{
	char buf[1024], *s = buf;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->failed = 1;
		return;
	}
	if ((size_t)n >= sizeof(buf)) {
		s = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	out_write(o, s);
	if (s != buf)
		free(s);
}

/*
 * Quotes S for C: '"', '\\' and '?' (trigraphs) escaped, bytes outside
 * printable ASCII as three-digit octal so that no following digit joins.
 */
void
out_cstring(struct out *o, const char *s)
{
	if (s == NULL)
		out_printf(o, "NULL");
	else
		out_cstring_n(o, s, strlen(s));
}

void
out_cstring_n(struct out *o, const char *s, size_t n)
{
	const unsigned char *p, *end = (const unsigned char *)s + n;

	out_printf(o, "\"");
	for (p = (const unsigned char *)s; p < end; p++) {
		if (*p == '"' || *p == '\\' || *p == '?')
			out_printf(o, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			out_printf(o, "\\%03o", *p);
		else
			out_printf(o, "%c", *p);
	}
	out_printf(o, "\"");
}

void
out_line_policy(struct out *o, const char *file, int line)
{
	const char *pin = o->pin_file;

	/* The directive is not itself a line to mark. */
	o->pin_file = NULL;
	out_printf(o, "#line %d ", line);
	out_cstring(o, file);
	out_printf(o, "\n");
	o->pin_file = pin;
}

void
out_line_self(struct out *o, const char *name)
{
	o->pin_file = NULL;
	/* The directive's own line is o->line + 1; it names the next. */
	out_printf(o, "#line %lu ", o->line + 2);
	out_cstring(o, name);
	out_printf(o, "\n");
}

void
out_pin_policy(struct out *o, const char *file, int line)
{
	o->pin_file = file;
	o->pin_line = line;
}

int
out_finish(struct out *o)
{
	if (fflush(o->fp) == EOF || ferror(o->fp))
		o->failed = 1;
	if (fclose(o->fp) == EOF)
		o->failed = 1;
	o->fp = NULL;
	if (!o->failed)
		return 0;
	diag_error(NULL, "cannot write '%s': %s", o->tmp, strerror(errno));
	return -1;
}

int
out_commit(struct out *o, int commit)
{
	int rc = 0;

	if (commit && rename(o->tmp, o->path) == -1) {
		diag_error(NULL, "cannot rename '%s' to '%s': %s", o->tmp,
		    o->path, strerror(errno));
		rc = -1;
	}
	if (!commit || rc == -1)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	return rc;
}
