/*
 * The nodes the grammar's actions build (see parse_build.h).
 */
#include <stddef.h>

#include "parse_build.h"

struct ast_value *
parse_value(enum ast_value_kind kind, const struct ast_loc *loc, char *str,
    uint64_t num)
{
	struct ast_value *v = ast_value_new(kind, loc);

	v->str = str;
	v->num = num;
	return v;
}

struct ast_stmt *
parse_stmt(enum ast_stmt_kind kind, const struct ast_loc *loc, char *name,
    const struct ast_loc *name_loc, struct ast_value *value,
    struct ast_item *items)
{
	struct ast_stmt *st = ast_stmt_new(kind, loc);

	st->name = name;
	if (name_loc != NULL)
		st->name_loc = *name_loc;
	st->value = value;
	st->items = items;
	return st;
}

struct ast_item *
parse_item(enum ast_item_kind kind, const struct ast_loc *loc, int arg,
    struct ast_value *vals)
{
	struct ast_item *it = ast_item_new(kind, loc);

	it->arg = arg;
	it->vals = vals;
	return it;
}

/* Sets the verdict and condition of control IT; returns IT. */
struct ast_item *
parse_verdict(struct ast_item *it, int verdict, int cond)
{
	it->verdict = verdict;
	it->cond = cond;
	return it;
}

/* Returns the item of a tagset NAME with OID, of TYPE, written as
 * enumerated attributes if ENUMERATED, holding the category items
 * CATS. */
struct ast_item *
parse_tagset(const struct ast_loc *loc, struct ast_value *name,
    struct ast_value *oid, int type, int enumerated, struct ast_item *cats)
{
	struct ast_item *it = parse_item(ITEM_TAGSET, loc, type, name);

	it->arg2 = enumerated;
	it->value = oid;
	it->sub = cats;
	return it;
}
