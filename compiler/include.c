/*
 * Include expansion (see include.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "include.h"
#include "parser.h"
#include "source.h"
#include "xmalloc.h"

/* The chain of files being read, innermost first, for cycle detection. */
struct incl_frame {
	const struct src_file *src;
	const struct incl_frame *up;
};

static struct ast_stmt *incl_file(const struct src_file *,
    const struct incl_frame *);

char *
incl_join(const char *from, const char *path)
{
	const char *slash = strrchr(from, '/');
	size_t dirlen;
	char *joined;

	if (path[0] == '/' || slash == NULL)
		return xstrdup(path);
	dirlen = (size_t)(slash - from) + 1;
	joined = xmalloc(dirlen + strlen(path) + 1);
	memcpy(joined, from, dirlen);
	strcpy(joined + dirlen, path);
	return joined;
}

/*
 * Reads the file named by include statement ST found in the file of FRAME.
 * Returns its statements (its own includes expanded), or NULL after
 * reporting why it cannot be read.
 */
static struct ast_stmt *
incl_include(const struct ast_stmt *st, const struct incl_frame *frame)
{
	const struct incl_frame *f;
	struct ast_stmt *list = NULL;
	struct src_file *src;
	struct stat sb;
	char *path;

	if (st->value->str[0] == '\0') {
		diag_error(&st->value->loc, "empty include path");
		return NULL;
	}
	path = incl_join(frame->src->path, st->value->str);
	if (stat(path, &sb) == -1) {
		diag_error(&st->value->loc, "cannot read '%s': %s", path,
		    strerror(errno));
		free(path);
		return NULL;
	}
	for (f = frame; f != NULL; f = f->up) {
		if (f->src->dev == sb.st_dev && f->src->ino == sb.st_ino) {
			diag_error(&st->value->loc, "include cycle: '%s' is "
			    "already being read", path);
			free(path);
			return NULL;
		}
	}
	if ((src = src_load(path)) == NULL)
		diag_error(&st->value->loc, "cannot read '%s': %s", path,
		    strerror(errno));
	else
		list = incl_file(src, frame);
	free(path);
	return list;
}

/* Parses SRC, included from the file of UP (NULL for the main file), and
 * returns its statements with its includes expanded. */
static struct ast_stmt *
incl_file(const struct src_file *src, const struct incl_frame *up)
{
	struct incl_frame frame = { src, up };
	struct ast_stmt *list = NULL, **pp, *st, *rest, *sub;

	(void)parse_source(src, &list);
	for (pp = &list; *pp != NULL;) {
		st = *pp;
		if (st->kind != STMT_INCLUDE) {
			pp = &st->next;
			continue;
		}
		rest = st->next;
		st->next = NULL;
		sub = incl_include(st, &frame);
		ast_free_stmts(st);
		*pp = sub;
		while (*pp != NULL)
			pp = &(*pp)->next;
		*pp = rest;
	}
	return list;
}

int
incl_read_policy(const char *path, struct ast_stmt **out)
{
	unsigned before = diag_errors();
	struct src_file *src;

	*out = NULL;
	if ((src = src_load(path)) == NULL) {
		diag_error(NULL, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	*out = incl_file(src, NULL);
	return diag_errors() == before ? 0 : -1;
}
