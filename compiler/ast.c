/*
 * Syntax tree nodes: construction and freeing (see ast.h).
 */
#include <stdlib.h>

#include "ast.h"
#include "xmalloc.h"

struct ast_value *
ast_value_new(enum ast_value_kind kind, const struct ast_loc *loc)
{
	struct ast_value *v = xcalloc(1, sizeof(*v));

	v->kind = kind;
	v->loc = *loc;
	return v;
}

struct ast_item *
ast_item_new(enum ast_item_kind kind, const struct ast_loc *loc)
{
	struct ast_item *it = xcalloc(1, sizeof(*it));

	it->kind = kind;
	it->loc = *loc;
	return it;
}

struct ast_stmt *
ast_stmt_new(enum ast_stmt_kind kind, const struct ast_loc *loc)
{
	struct ast_stmt *st = xcalloc(1, sizeof(*st));

	st->kind = kind;
	st->loc = *loc;
	return st;
}

struct ast_value *
ast_value_append(struct ast_value *a, struct ast_value *b)
{
	struct ast_value *v;

	if (a == NULL)
		return b;
	for (v = a; v->next != NULL; v = v->next)
		;
	v->next = b;
	return a;
}

struct ast_item *
ast_item_append(struct ast_item *a, struct ast_item *b)
{
	struct ast_item *it;

	if (a == NULL)
		return b;
	for (it = a; it->next != NULL; it = it->next)
		;
	it->next = b;
	return a;
}

struct ast_stmt *
ast_stmt_append(struct ast_stmt *a, struct ast_stmt *b)
{
	struct ast_stmt *st;

	if (a == NULL)
		return b;
	for (st = a; st->next != NULL; st = st->next)
		;
	st->next = b;
	return a;
}

void
ast_free_values(struct ast_value *v)
{
	struct ast_value *next;

	for (; v != NULL; v = next) {
		next = v->next;
		free(v->str);
		free(v);
	}
}

void
ast_free_items(struct ast_item *it)
{
	struct ast_item *next;

	for (; it != NULL; it = next) {
		next = it->next;
		ast_free_values(it->vals);
		ast_free_values(it->port);
		ast_free_values(it->file);
		ast_free_values(it->key);
		ast_free_values(it->from);
		ast_free_values(it->per);
		ast_free_values(it->value);
		ast_free_items(it->sub);
		free(it);
	}
}

void
ast_free_stmts(struct ast_stmt *st)
{
	struct ast_stmt *next;

	for (; st != NULL; st = next) {
		next = st->next;
		free(st->name);
		ast_free_values(st->value);
		ast_free_items(st->items);
		free(st);
	}
}

const char *
ast_limit_name(enum ast_limit_key key)
{
	static const char *const names[LIMIT_COUNT] = {
		[LIMIT_STANZA_SIZE] = "stanza-size",
		[LIMIT_QUEUE_LENGTH] = "queue-length",
		[LIMIT_CONNECT_TIMEOUT] = "connect-timeout",
		[LIMIT_NEGOTIATE_TIMEOUT] = "negotiate-timeout",
		[LIMIT_IDLE_TIMEOUT] = "idle-timeout",
		[LIMIT_KEEPALIVE] = "keepalive",
	};

	return names[key];
}

const char *
ast_tls_key_name(enum ast_tls_key key)
{
	static const char *const names[TLS_KEY_COUNT] = {
		[TLS_KEY_VERSIONS] = "versions",
		[TLS_KEY_CIPHERSUITES] = "ciphersuites",
		[TLS_KEY_CIPHERS] = "ciphers",
		[TLS_KEY_GROUPS] = "groups",
		[TLS_KEY_CRL_EXPIRED] = "crl-expired",
	};

	return names[key];
}

const char *
ast_verdict_name(enum ast_verdict v)
{
	static const char *const names[] = {
		[VERDICT_PASS] = "pass", [VERDICT_MODIFY] = "modify",
		[VERDICT_DROP] = "drop", [VERDICT_BOUNCE] = "bounce",
	};

	return names[v];
}

const char *
ast_cond_name(enum ast_cond c)
{
	return c == COND_POLICY_VIOLATION ? "policy-violation" :
	    c == COND_NOT_ACCEPTABLE ? "not-acceptable" : NULL;
}

const char *
ast_tag_type_name(enum ast_tag_type t)
{
	static const char *const names[] = {
		[TAG_RESTRICTIVE] = "restrictive",
		[TAG_PERMISSIVE] = "permissive",
		[TAG_INFORMATIVE] = "informative",
	};

	return names[t];
}

const char *
ast_display_name(enum ast_display d)
{
	static const char *const names[] = {
		[DISPLAY_MARKING] = "marking",
		[DISPLAY_FGCOLOR] = "fgcolor",
		[DISPLAY_BGCOLOR] = "bgcolor",
	};

	return names[d];
}

const char *
ast_require_op_name(enum ast_require_op op)
{
	static const char *const names[] = {
		[REQUIRE_EXACTLY_ONE] = "exactly-one-of",
		[REQUIRE_ONE_OR_MORE] = "one-or-more-of",
		[REQUIRE_ALL] = "all-of",
	};

	return names[op];
}

const char *
ast_catalog_name(enum ast_catalog c)
{
	static const char *const names[] = {
		[CATALOG_FORWARD] = "forward",
		[CATALOG_ANSWER] = "answer",
		[CATALOG_BLOCK] = "block",
	};

	return names[c];
}

const char *
ast_pair_role_name(enum ast_pair_role r)
{
	return r == PAIR_VALIDATOR ? "validator" : "edge";
}
