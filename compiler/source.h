/*
 * Policy source files: read whole into memory, kept in the order they were
 * read for the lifetime of the compiler (diagnostics quote their lines, the
 * digest covers their bytes).
 */
#ifndef XEDGEC_SOURCE_H
#define XEDGEC_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

#include "ast.h"

struct src_file {
	char *path;		/* as given, or joined to the includer's directory */
	char *text;		/* LEN bytes and a NUL */
	size_t len;
	dev_t dev;		/* identity for include cycle detection */
	ino_t ino;
	/* A file read as data by a statement (a SPIF) rather than parsed as
	 * policy: the string that names it. A message about a place in the
	 * file is shown there, naming the file and line (see diag.h). All
	 * zero for a policy file. */
	struct ast_loc named_at;
	struct src_file *next;	/* the next file read */
};

/* Reads PATH and appends it to the files read. Returns the file, or NULL
 * with errno set. */
struct src_file *src_load(const char *path);

/* Line LINE (from 1) of F: returns where it starts and sets *LEN to its
 * length without the newline, or returns NULL if F has no such line.
 * Messages quote lines and name tokens by their place with it. */
const char *src_line(const struct src_file *f, int line, size_t *len);

/* The first file read (the main policy file), or NULL. */
const struct src_file *src_main(void);

/*
 * Writes into HEX (65 bytes) the policy digest: SHA-256 over, for each file
 * in the order read, its length in bytes as a decimal number, a newline, and
 * its bytes. Returns 0, or -1 if libcrypto fails.
 */
int src_digest(char hex[65]);

/* Frees every file read. */
void src_free_all(void);

#endif
