/*
 * The AST nodes the grammar's actions (parser.y) build: a statement, a
 * value or an item at a location, with what the rule read. Nothing here
 * depends on the generated parser.
 */
#ifndef XEDGEC_PARSE_BUILD_H
#define XEDGEC_PARSE_BUILD_H

#include <stdint.h>

#include "ast.h"

/* A value of KIND at LOC holding STR (taken) and NUM. */
struct ast_value *parse_value(enum ast_value_kind kind,
    const struct ast_loc *loc, char *str, uint64_t num);

/* A statement of KIND at LOC (its keyword) named NAME at NAME_LOC (both
 * NULL: it has no name), with VALUE and ITEMS; NAME, VALUE and ITEMS are
 * taken. */
struct ast_stmt *parse_stmt(enum ast_stmt_kind kind,
    const struct ast_loc *loc, char *name, const struct ast_loc *name_loc,
    struct ast_value *value, struct ast_item *items);

/* An item of KIND at LOC with ARG and the values VALS (taken). */
struct ast_item *parse_item(enum ast_item_kind kind,
    const struct ast_loc *loc, int arg, struct ast_value *vals);

/* Sets the verdict and condition of control IT; returns IT. */
struct ast_item *parse_verdict(struct ast_item *it, int verdict, int cond);

/* The item of a tagset NAME with OID, of TYPE, written as enumerated
 * attributes if ENUMERATED, holding the category items CATS. */
struct ast_item *parse_tagset(const struct ast_loc *loc,
    struct ast_value *name, struct ast_value *oid, int type, int enumerated,
    struct ast_item *cats);

#endif
