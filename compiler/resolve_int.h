/*
 * What the files of the resolution pass share (resolve.c, resolve_filter.c,
 * resolve_label.c, resolve_equiv.c, resolve_pair.c): the resolver's state
 * and its helpers for values.
 */
#ifndef XEDGEC_RESOLVE_INT_H
#define XEDGEC_RESOLVE_INT_H

#include "resolve.h"
#include "spif.h"

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

/* The equivalences of the SPIF label policy number LABEL is read from,
 * kept from the reading of the label policies until every one is read
 * (resolve_equivalents). */
struct resolve_spif {
	size_t label;
	struct spif_equivs eq;
};

struct resolver {
	struct resolve_def *defs;
	size_t ndefs;
	struct model *m;
	struct resolve_spif *spif;
	size_t nspif;
};

/* The kinds of name a policy defines, for suggestions. */
enum resolve_names { NAMES_CONSTANTS, NAMES_PEERS, NAMES_FILTERS,
    NAMES_GROUPS, NAMES_LABEL_POLICIES };

/* The name of kind KIND nearest to the undefined NAME, or NULL if none is
 * near enough (see suggest.h). */
const char *resolve_suggest(const struct resolver *r,
    enum resolve_names kind, const char *name);

/* The index of the peer called NAME, or -1 after reporting it undefined
 * at LOC. */
int resolve_peer_named(struct resolver *r, const char *name,
    const struct ast_loc *loc);

/* Returns the literal V stands for if it is of a kind WANT accepts, else
 * NULL after reporting the mismatch at V. */
const struct ast_value *resolve_as(struct resolver *r,
    const struct ast_value *v, enum resolve_want want);

/* Returns a copy of the string V stands for (caller frees), or NULL. */
char *resolve_string(struct resolver *r, const struct ast_value *v,
    enum resolve_want want);

/* Sets *PORT from V (1 to 65535). Returns 0, or -1 after an error. */
int resolve_port(struct resolver *r, const struct ast_value *v,
    uint16_t *port);

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
 * clearances name them), with their equivalences; the clearance of item
 * IT of a peer into C; and, once all the peer's domains are known, the
 * clearances of its items IT for one domain each. */
void resolve_labels(struct resolver *r, const struct ast_stmt *st);
void resolve_clearance(struct resolver *r, const struct ast_item *it,
    struct m_clearance *c);
void resolve_domain_clearances(struct resolver *r, const struct ast_item *it,
    struct m_peer *p);

/* The index of the value called NAME among the N of V, or -1. */
int resolve_label_find(const struct m_label_value *v, size_t n,
    const char *name);

/* Finds the category called NAME among the tag sets of LP, setting *TS
 * and *CAT to its place. Returns 0, or -1 if there is none. */
int resolve_category_find(const struct m_label_policy *lp, const char *name,
    size_t *ts, size_t *cat);

/* Reports NAME at LOC as no classification (CATS 0) or category (CATS 1)
 * of LP, suggesting the nearest one. */
void resolve_label_undefined(const struct m_label_policy *lp, int cats,
    const struct ast_loc *loc, const char *name);

/* resolve_equiv.c: once the label policies of ST are all read, their
 * equivalent statements, then the equivalences of the SPIFs kept in R
 * (which it frees). */
void resolve_equivalents(struct resolver *r, const struct ast_stmt *st);

/* resolve_pair.c: the pair block ST, once every peer is known; then,
 * once the whole policy is, the guard of the pair a build is of, named
 * ROLE (--role; NULL: none given). */
void resolve_guard_pair(struct resolver *r, const struct ast_stmt *st);
void resolve_role(struct resolver *r, const char *role);

#endif
