/*
 * What the files of the resolution pass share (resolve.c, resolve_filter.c):
 * the resolver's state and its helpers for values.
 */
#ifndef XEDGEC_RESOLVE_INT_H
#define XEDGEC_RESOLVE_INT_H

#include "resolve.h"

/* What a place in the grammar accepts. */
enum resolve_want {
	WANT_STRING,
	WANT_HOST,
	WANT_NUMBER,
	WANT_SIZE,
	WANT_DURATION,
	WANT_VERSION
};

enum resolve_state { DEF_NEW, DEF_BUSY, DEF_DONE, DEF_BROKEN };

struct resolve_def {
	const struct ast_stmt *st;
	enum resolve_state state;
	int used;
};

struct resolver {
	struct resolve_def *defs;
	size_t ndefs;
	struct model *m;
};

/* The kinds of name a policy defines, for suggestions. */
enum resolve_names { NAMES_CONSTANTS, NAMES_PEERS, NAMES_FILTERS,
    NAMES_GROUPS, NAMES_LABEL_POLICIES };

/* The name of kind KIND nearest to the undefined NAME, or NULL if none is
 * near enough (see suggest.h). */
const char *resolve_suggest(const struct resolver *r,
    enum resolve_names kind, const char *name);

/* Returns the literal V stands for if it is of a kind WANT accepts, else
 * NULL after reporting the mismatch at V. */
const struct ast_value *resolve_as(struct resolver *r,
    const struct ast_value *v, enum resolve_want want);

/* Returns a copy of the string V stands for (caller frees), or NULL. */
char *resolve_string(struct resolver *r, const struct ast_value *v,
    enum resolve_want want);

/* Sets *PAT from the domain pattern V (lower-cased; "*.x" only if WILDCARD
 * allows). Returns 0, or -1 after an error. */
int resolve_pattern(struct resolver *r, const struct ast_value *v,
    int wildcard, struct m_pattern *pat);

/* Reports item IT as a repetition if *FIRST is already set (an item that
 * may appear only once in WHERE), else remembers it. Returns 0 for the
 * first, -1 for a repetition. */
int resolve_once(const struct ast_item *it, const struct ast_item **first,
    const char *what, const char *where);

/* Whether an earlier pass reported an error within statement ST, which
 * may then have lost parts. */
int resolve_lost(const struct ast_stmt *st);

/* Returns "KIND 'NAME'" for messages; the caller frees it. */
char *resolve_where(const char *kind, const char *name);

/* resolve_filter.c: the filters of ST (before the peers that name them),
 * a peer's filter item IT, the alert block ST and the tests of ST (after
 * the peers they name). */
void resolve_filters(struct resolver *r, const struct ast_stmt *st);
void resolve_peer_filter(struct resolver *r, const struct ast_item *it,
    struct m_peer *p);
void resolve_alert(struct resolver *r, const struct ast_stmt *st);
void resolve_tests(struct resolver *r, const struct ast_stmt *st);

/* resolve_label.c: the label policies of ST (before the peers whose
 * clearances name them); the clearance of item IT of a peer into C; and,
 * once all the peer's domains are known, the clearances of its items IT
 * for one domain each. */
void resolve_labels(struct resolver *r, const struct ast_stmt *st);
void resolve_clearance(struct resolver *r, const struct ast_item *it,
    struct m_clearance *c);
void resolve_domain_clearances(struct resolver *r, const struct ast_item *it,
    struct m_peer *p);

#endif
