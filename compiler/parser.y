/*
 * The grammar of the policy language (see xedge.policy(5)). The parser
 * builds the syntax tree of one source file; includes are expanded and names
 * resolved by later passes. A syntax error is reported with its location and
 * the parser recovers at the next ';' or '}', so that every statement in the
 * file is checked.
 */
%code requires {
#include "ast.h"

/* What the parser of one file builds. */
struct parse_ctx {
	const struct src_file *src;
	struct ast_stmt *head;
	struct ast_stmt **tail;
};
}

%code provides {
/* Parses SRC and appends its statements to *OUT (caller frees with
 * ast_free_stmts). Returns 0, or -1 after reporting errors. */
int parse_source(const struct src_file *src, struct ast_stmt **out);
}

%code {
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "lexer.h"
#include "parse_build.h"
#include "parse_error.h"
#include "source.h"
#include "xmalloc.h"

int yylex(YYSTYPE *, YYLTYPE *, void *);
static void yyerror(YYLTYPE *, void *, struct parse_ctx *, const char *);
static void parse_add(struct parse_ctx *, struct ast_stmt *);

/* Locations carry their file; an empty rule sits just after what precedes. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)					\
	do {								\
		if (N) {						\
			(Cur).file = YYRHSLOC(Rhs, 1).file;		\
			(Cur).first_line = YYRHSLOC(Rhs, 1).first_line;	\
			(Cur).first_column = YYRHSLOC(Rhs, 1).first_column; \
			(Cur).last_line = YYRHSLOC(Rhs, N).last_line;	\
			(Cur).last_column = YYRHSLOC(Rhs, N).last_column; \
		} else {						\
			(Cur).file = YYRHSLOC(Rhs, 0).file;		\
			(Cur).first_line = (Cur).last_line =		\
			    YYRHSLOC(Rhs, 0).last_line;			\
			(Cur).first_column = (Cur).last_column =	\
			    YYRHSLOC(Rhs, 0).last_column;		\
		}							\
	} while (0)
}

%define api.pure full
%define api.location.type {struct ast_loc}
%define parse.error custom
%define parse.lac full
%locations
%param {void *scanner}
%parse-param {struct parse_ctx *ctx}

%initial-action {
	@$.file = ctx->src;
	@$.first_line = @$.last_line = 1;
	@$.first_column = @$.last_column = 1;
}

%union {
	char *str;
	uint64_t num;
	int flag;
	struct ast_value *val;
	struct ast_item *item;
	struct { int verdict, cond; } verdict;
}

%token <str> STRING "string" IDENT "identifier" ADDRESS "address"
%token <str> VERSION "version"
%token <num> NUMBER "number" DURATION "duration" SIZE "size"
%token POLICY "policy" INCLUDE "include" DEFINE "define" GUARD "guard"
%token LISTEN "listen" PORT "port" DIRECT_TLS "direct-tls"
%token CERTIFICATE "certificate" FILE_KW "file" KEY "key"
%token CA_BUNDLE "ca-bundle" LIMITS "limits" STANZA_SIZE "stanza-size"
%token QUEUE_LENGTH "queue-length" CONNECT_TIMEOUT "connect-timeout"
%token NEGOTIATE_TIMEOUT "negotiate-timeout" IDLE_TIMEOUT "idle-timeout"
%token KEEPALIVE "keepalive" PEER "peer" DOMAIN "domain" CONNECT "connect"
%token LINK "link" ON_DEMAND "on-demand"
%token SRV "srv" NONE "none" PROTOCOL "protocol" S2S "s2s" GCXP "gcxp"
%token TLS "tls" REQUIRED "required" OPTIONAL "optional"
%token STARTTLS "starttls" AUTH "auth" DIALBACK "dialback" OR "or"
%token FORCE_INSECURE "force-insecure" ORIGINATES "originates"
%token ROUTE "route" DEFAULT "default" VIA "via"
%token TLS_POLICY "tls-policy" VERSIONS "versions"
%token CIPHERSUITES "ciphersuites" CIPHERS "ciphers" GROUPS "groups"
%token CRL_EXPIRED "crl-expired" WARN "warn" REFUSE "refuse"
%token FILTER "filter" INBOUND "inbound" OUTBOUND "outbound"
%token PRESENCE "presence" FOLD "fold" STRIP "strip" BLOCK "block"
%token ROOM "room" WORDS "words" PATTERN "pattern" PASS "pass" DROP "drop"
%token BOUNCE "bounce" MODIFY "modify"
%token POLICY_VIOLATION "policy-violation" NOT_ACCEPTABLE "not-acceptable"
%token ALERT "alert" LOG "log" MESSAGE "message" FROM "from" RATE "rate"
%token PER "per" RECENT "recent" TEST "test" STANZA "stanza"
%token EXPECT "expect"
%token LABEL_POLICY "label-policy" OID "oid" CLASSIFICATION "classification"
%token TAGSET "tagset" CATEGORY "category" RESTRICTIVE "restrictive"
%token PERMISSIVE "permissive" INFORMATIVE "informative"
%token MISSING_LABEL "missing-label" ASSUME "assume" DENY "deny"
%token CLEARANCE "clearance" MARKING "marking" FGCOLOR "fgcolor"
%token BGCOLOR "bgcolor" SPIF "spif" LANG "lang" ENUMERATED "enumerated"
%token REQUIRE "require" EXACTLY_ONE_OF "exactly-one-of"
%token ONE_OR_MORE_OF "one-or-more-of" ALL_OF "all-of" EXCLUDES "excludes"
%token CATALOG "catalog" FORWARD "forward" ANSWER "answer"
%token EQUIVALENT "equivalent" ORIGINAL "original" KEEP "keep"
%token REPLACE "replace" PAIR "pair" VALIDATOR "validator" EDGE "edge"
%token PEERS "peers" WINDOW "window"
%token YYEOF 0 "end of file"

%type <val> value values port_opt key_opt strings value_seq names
%type <item> guard_items guard_item guard_block peer_items peer_item
%type <item> peer_block limit_items limit_item limit_block
%type <item> tls_items tls_item tls_block
%type <item> filter_items filter_item filter_block alert_items alert_item
%type <item> alert_block test_items test_item test_block
%type <item> label_items label_item label_block category_items
%type <item> category_item category_block class_items class_item
%type <item> excludes_opt
%type <item> spif_items equivalent_block equivalent_items equivalent_item
%type <item> pair_block pair_items pair_item
%type <val> lang_opt
%type <flag> listen_opt limit_key tls_mode auth_methods force_opt
%type <flag> tls_list_key crl_action direction words_kind cond_opt
%type <flag> tag_type display_key require_op catalog_mode pair_role
%type <verdict> verdict_opt

%destructor { free($$); } <str>
%destructor { ast_free_values($$); } <val>
%destructor { ast_free_items($$); } <item>

%%

file		: %empty
		| file stmt
		| file error ';'		{ lex_skip_block(scanner); yyerrok; }
		| file error '}'		{ lex_skip_block(scanner); yyerrok; }
		;

stmt		: POLICY value ';' {
			parse_add(ctx, parse_stmt(STMT_POLICY, &@1, NULL, NULL,
			    $2, NULL));
		}
		| INCLUDE STRING ';' {
			parse_add(ctx, parse_stmt(STMT_INCLUDE, &@1, NULL, NULL,
			    parse_value(AST_STRING, &@2, $2, 0), NULL));
		}
		| DEFINE IDENT '=' value ';' {
			parse_add(ctx, parse_stmt(STMT_DEFINE, &@1, $2, &@2, $4,
			    NULL));
		}
		| GUARD value guard_block {
			parse_add(ctx, parse_stmt(STMT_GUARD, &@1, NULL, NULL,
			    $2, $3));
		}
		| LIMITS limit_block {
			parse_add(ctx, parse_stmt(STMT_LIMITS, &@1, NULL, NULL,
			    NULL, $2));
		}
		| TLS_POLICY tls_block {
			parse_add(ctx, parse_stmt(STMT_TLS_POLICY, &@1, NULL,
			    NULL, NULL, $2));
		}
		| PEER IDENT peer_block {
			parse_add(ctx, parse_stmt(STMT_PEER, &@1, $2, &@2, NULL,
			    $3));
		}
		| ROUTE value VIA IDENT ';' {
			parse_add(ctx, parse_stmt(STMT_ROUTE, &@1, $4, &@4, $2,
			    NULL));
		}
		| ROUTE DEFAULT VIA IDENT ';' {
			struct ast_stmt *st = parse_stmt(STMT_ROUTE, &@1, $4,
			    &@4, NULL, NULL);

			st->loc.last_line = @2.last_line;
			st->loc.last_column = @2.last_column;
			parse_add(ctx, st);
		}
		| FILTER IDENT filter_block {
			parse_add(ctx, parse_stmt(STMT_FILTER, &@1, $2, &@2,
			    NULL, $3));
		}
		| ALERT alert_block {
			parse_add(ctx, parse_stmt(STMT_ALERT, &@1, NULL, NULL,
			    NULL, $2));
		}
		| TEST IDENT test_block {
			parse_add(ctx, parse_stmt(STMT_TEST, &@1, $2, &@2, NULL,
			    $3));
		}
		| LABEL_POLICY IDENT label_block {
			parse_add(ctx, parse_stmt(STMT_LABEL_POLICY, &@1, $2,
			    &@2, NULL, $3));
		}
		| LABEL_POLICY IDENT SPIF STRING lang_opt spif_items {
			struct ast_item *it = parse_item(ITEM_SPIF, &@3, 0,
			    parse_value(AST_STRING, &@4, $4, 0));

			it->value = $5;
			it->next = $6;
			parse_add(ctx, parse_stmt(STMT_LABEL_POLICY, &@1, $2,
			    &@2, NULL, it));
		}
		| PAIR pair_block {
			parse_add(ctx, parse_stmt(STMT_PAIR, &@1, NULL, NULL,
			    NULL, $2));
		}
		;

/* A pair block and the blocks of its guards read the same items: the
 * resolver says, in words, which belongs where. */
pair_block	: '{' pair_items '}'		{ $$ = $2; }
		| '{' pair_items error '}'	{ $$ = $2; yyerrok; }
		;

pair_items	: %empty			{ $$ = NULL; }
		| pair_items pair_item		{ $$ = ast_item_append($1, $2); }
		| pair_items error ';'		{ $$ = $1; yyerrok; }
		;

pair_item	: pair_role value pair_block {
			$$ = parse_item(ITEM_PAIR_GUARD, &@1, $1, $2);
			$$->sub = $3;
		}
		| CA_BUNDLE value ';' {
			$$ = parse_item(ITEM_CA_BUNDLE, &@$, 0, $2);
		}
		| WINDOW value ';' {
			$$ = parse_item(ITEM_WINDOW, &@$, 0, $2);
		}
		| LISTEN value PORT value ';' {
			$$ = parse_item(ITEM_LISTEN, &@$, 0, $2);
			$$->port = $4;
		}
		| CERTIFICATE FILE_KW value key_opt ';' {
			$$ = parse_item(ITEM_CERTIFICATE, &@$, 0, NULL);
			$$->file = $3;
			$$->key = $4;
		}
		| PEERS names ';' {
			$$ = parse_item(ITEM_PEERS, &@$, 0, $2);
		}
		;

pair_role	: VALIDATOR			{ $$ = PAIR_VALIDATOR; }
		| EDGE				{ $$ = PAIR_EDGE; }
		;

/* Names of things the policy defines, which no constant stands for. */
names		: IDENT		{ $$ = parse_value(AST_NAME, &@1, $1, 0); }
		| names ',' IDENT {
			$$ = ast_value_append($1, parse_value(AST_NAME, &@3, $3,
			    0));
		}
		;

guard_block	: '{' guard_items '}'		{ $$ = $2; }
		| '{' guard_items error '}'	{ $$ = $2; yyerrok; }
		;

guard_items	: %empty			{ $$ = NULL; }
		| guard_items guard_item	{ $$ = ast_item_append($1, $2); }
		| guard_items error ';'		{ $$ = $1; yyerrok; }
		;

guard_item	: LISTEN value port_opt listen_opt ';' {
			$$ = parse_item(ITEM_LISTEN, &@$, $4, $2);
			$$->port = $3;
		}
		| CERTIFICATE value FILE_KW value key_opt ';' {
			$$ = parse_item(ITEM_CERTIFICATE, &@$, 0, $2);
			$$->file = $4;
			$$->key = $5;
		}
		| CA_BUNDLE value ';' {
			$$ = parse_item(ITEM_CA_BUNDLE, &@$, 0, $2);
		}
		;

port_opt	: %empty			{ $$ = NULL; }
		| PORT value			{ $$ = $2; }
		;

listen_opt	: %empty			{ $$ = 0; }
		| DIRECT_TLS			{ $$ = 1; }
		;

key_opt		: %empty			{ $$ = NULL; }
		| KEY value			{ $$ = $2; }
		;

peer_block	: '{' peer_items '}'		{ $$ = $2; }
		| '{' peer_items error '}'	{ $$ = $2; yyerrok; }
		;

peer_items	: %empty			{ $$ = NULL; }
		| peer_items peer_item		{ $$ = ast_item_append($1, $2); }
		| peer_items error ';'		{ $$ = $1; yyerrok; }
		;

peer_item	: DOMAIN values ';' {
			$$ = parse_item(ITEM_DOMAIN, &@$, 0, $2);
		}
		| CONNECT value port_opt ';' {
			$$ = parse_item(ITEM_CONNECT, &@$, CONNECT_STATIC, $2);
			$$->port = $3;
		}
		| CONNECT SRV ';' {
			$$ = parse_item(ITEM_CONNECT, &@$, CONNECT_SRV, NULL);
		}
		| CONNECT NONE ';' {
			$$ = parse_item(ITEM_CONNECT, &@$, CONNECT_NONE, NULL);
		}
		| PROTOCOL S2S ';' {
			$$ = parse_item(ITEM_PROTOCOL, &@$, PROTO_S2S, NULL);
		}
		| PROTOCOL GCXP ';' {
			$$ = parse_item(ITEM_PROTOCOL, &@$, PROTO_GCXP, NULL);
		}
		| TLS REQUIRED tls_mode ';' {
			$$ = parse_item(ITEM_TLS, &@$, TLS_REQUIRED, NULL);
			$$->arg2 = $3;
		}
		| TLS OPTIONAL tls_mode ';' {
			$$ = parse_item(ITEM_TLS, &@$, TLS_OPTIONAL, NULL);
			$$->arg2 = $3;
		}
		| AUTH auth_methods force_opt ';' {
			$$ = parse_item(ITEM_AUTH, &@$, $2, NULL);
			$$->arg2 = $3;
		}
		| ORIGINATES values ';' {
			$$ = parse_item(ITEM_ORIGINATES, &@$, 0, $2);
		}
		| LIMITS limit_block {
			$$ = parse_item(ITEM_LIMITS, &@1, 0, NULL);
			$$->sub = $2;
		}
		| TLS_POLICY tls_block {
			$$ = parse_item(ITEM_TLS_POLICY, &@1, 0, NULL);
			$$->sub = $2;
		}
		| FILTER value direction ';' {
			$$ = parse_item(ITEM_FILTER, &@$, $3, $2);
		}
		| CLEARANCE IDENT value_seq ';' {
			$$ = parse_item(ITEM_CLEARANCE, &@$, 0,
			    ast_value_append(parse_value(AST_NAME, &@2, $2, 0),
			    $3));
		}
		| CLEARANCE IDENT value_seq DOMAIN value ';' {
			$$ = parse_item(ITEM_CLEARANCE, &@$, 0,
			    ast_value_append(parse_value(AST_NAME, &@2, $2, 0),
			    $3));
			$$->value = $5;
		}
		| CATALOG catalog_mode ';' {
			$$ = parse_item(ITEM_CATALOG, &@$, $2, NULL);
		}
		| LINK REQUIRED ';' {
			$$ = parse_item(ITEM_LINK, &@$, 1, NULL);
		}
		| LINK ON_DEMAND ';' {
			$$ = parse_item(ITEM_LINK, &@$, 0, NULL);
		}
		;

/* What becomes of a security label catalog request to the peer. */
catalog_mode	: FORWARD			{ $$ = CATALOG_FORWARD; }
		| ANSWER			{ $$ = CATALOG_ANSWER; }
		| BLOCK				{ $$ = CATALOG_BLOCK; }
		;

/* Values one after the other, without commas. */
value_seq	: value
		| value_seq value		{ $$ = ast_value_append($1, $2); }
		;

tls_mode	: %empty			{ $$ = TLS_MODE_DEFAULT; }
		| STARTTLS			{ $$ = TLS_MODE_STARTTLS; }
		| DIRECT_TLS			{ $$ = TLS_MODE_DIRECT; }
		;

auth_methods	: CERTIFICATE			{ $$ = AUTH_CERTIFICATE; }
		| DIALBACK			{ $$ = AUTH_DIALBACK; }
		| CERTIFICATE OR DIALBACK {
			$$ = AUTH_CERTIFICATE | AUTH_DIALBACK;
		}
		| DIALBACK OR CERTIFICATE {
			$$ = AUTH_CERTIFICATE | AUTH_DIALBACK;
		}
		;

force_opt	: %empty			{ $$ = 0; }
		| FORCE_INSECURE		{ $$ = 1; }
		;

limit_block	: '{' limit_items '}'		{ $$ = $2; }
		| '{' limit_items error '}'	{ $$ = $2; yyerrok; }
		;

limit_items	: %empty			{ $$ = NULL; }
		| limit_items limit_item	{ $$ = ast_item_append($1, $2); }
		| limit_items error ';'		{ $$ = $1; yyerrok; }
		;

limit_item	: limit_key value ';' {
			$$ = parse_item(ITEM_LIMIT, &@$, $1, $2);
		}
		;

limit_key	: STANZA_SIZE			{ $$ = LIMIT_STANZA_SIZE; }
		| QUEUE_LENGTH			{ $$ = LIMIT_QUEUE_LENGTH; }
		| CONNECT_TIMEOUT		{ $$ = LIMIT_CONNECT_TIMEOUT; }
		| NEGOTIATE_TIMEOUT		{ $$ = LIMIT_NEGOTIATE_TIMEOUT; }
		| IDLE_TIMEOUT			{ $$ = LIMIT_IDLE_TIMEOUT; }
		| KEEPALIVE			{ $$ = LIMIT_KEEPALIVE; }
		;

tls_block	: '{' tls_items '}'		{ $$ = $2; }
		| '{' tls_items error '}'	{ $$ = $2; yyerrok; }
		;

tls_items	: %empty			{ $$ = NULL; }
		| tls_items tls_item		{ $$ = ast_item_append($1, $2); }
		| tls_items error ';'		{ $$ = $1; yyerrok; }
		;

tls_item	: tls_list_key values ';' {
			$$ = parse_item(ITEM_TLS_KEY, &@$, $1, $2);
		}
		| CRL_EXPIRED crl_action ';' {
			$$ = parse_item(ITEM_TLS_KEY, &@$, TLS_KEY_CRL_EXPIRED,
			    NULL);
			$$->arg2 = $2;
		}
		;

tls_list_key	: VERSIONS			{ $$ = TLS_KEY_VERSIONS; }
		| CIPHERSUITES			{ $$ = TLS_KEY_CIPHERSUITES; }
		| CIPHERS			{ $$ = TLS_KEY_CIPHERS; }
		| GROUPS			{ $$ = TLS_KEY_GROUPS; }
		;

crl_action	: REFUSE			{ $$ = CRL_EXPIRED_REFUSE; }
		| WARN				{ $$ = CRL_EXPIRED_WARN; }
		;

values		: value
		| values ',' value		{ $$ = ast_value_append($1, $3); }
		;

direction	: INBOUND			{ $$ = DIR_INBOUND; }
		| OUTBOUND			{ $$ = DIR_OUTBOUND; }
		;

filter_block	: '{' filter_items '}'		{ $$ = $2; }
		| '{' filter_items error '}'	{ $$ = $2; yyerrok; }
		;

filter_items	: %empty			{ $$ = NULL; }
		| filter_items filter_item	{ $$ = ast_item_append($1, $2); }
		| filter_items error ';'	{ $$ = $1; yyerrok; }
		;

filter_item	: PRESENCE FOLD ';' {
			$$ = parse_item(ITEM_FOLD, &@$, 0, NULL);
		}
		| STRIP values ';' {
			$$ = parse_item(ITEM_STRIP, &@$, 0, $2);
		}
		| BLOCK values verdict_opt ';' {
			$$ = parse_verdict(parse_item(ITEM_BLOCK, &@$, 0, $2),
			    $3.verdict, $3.cond);
		}
		| BLOCK ROOM values verdict_opt ';' {
			$$ = parse_verdict(parse_item(ITEM_ROOM, &@$, 0, $3),
			    $4.verdict, $4.cond);
		}
		| STANZA_SIZE value verdict_opt ';' {
			$$ = parse_verdict(parse_item(ITEM_SIZE, &@$, 0, $2),
			    $3.verdict, $3.cond);
		}
		| words_kind values verdict_opt ';' {
			$$ = parse_verdict(parse_item(ITEM_WORDS, &@$, $1, $2),
			    $3.verdict, $3.cond);
		}
		;

words_kind	: WORDS				{ $$ = WORDS_LITERAL; }
		| PATTERN			{ $$ = WORDS_PATTERN; }
		;

verdict_opt	: %empty	{ $$.verdict = VERDICT_DEFAULT; $$.cond = COND_DEFAULT; }
		| PASS		{ $$.verdict = VERDICT_PASS; $$.cond = COND_DEFAULT; }
		| DROP		{ $$.verdict = VERDICT_DROP; $$.cond = COND_DEFAULT; }
		| BOUNCE cond_opt { $$.verdict = VERDICT_BOUNCE; $$.cond = $2; }
		;

cond_opt	: %empty			{ $$ = COND_DEFAULT; }
		| POLICY_VIOLATION		{ $$ = COND_POLICY_VIOLATION; }
		| NOT_ACCEPTABLE		{ $$ = COND_NOT_ACCEPTABLE; }
		;

alert_block	: '{' alert_items '}'		{ $$ = $2; }
		| '{' alert_items error '}'	{ $$ = $2; yyerrok; }
		;

alert_items	: %empty			{ $$ = NULL; }
		| alert_items alert_item	{ $$ = ast_item_append($1, $2); }
		| alert_items error ';'		{ $$ = $1; yyerrok; }
		;

alert_item	: LOG ';' {
			$$ = parse_item(ITEM_ALERT_LOG, &@$, 0, NULL);
		}
		| FILE_KW value ';' {
			$$ = parse_item(ITEM_ALERT_FILE, &@$, 0, $2);
		}
		| MESSAGE value FROM value ';' {
			$$ = parse_item(ITEM_ALERT_MESSAGE, &@$, 0, $2);
			$$->from = $4;
		}
		| RATE value PER value ';' {
			$$ = parse_item(ITEM_ALERT_RATE, &@$, 0, $2);
			$$->per = $4;
		}
		| RECENT value ';' {
			$$ = parse_item(ITEM_ALERT_RECENT, &@$, 0, $2);
		}
		;

test_block	: '{' test_items '}'		{ $$ = $2; }
		| '{' test_items error '}'	{ $$ = $2; yyerrok; }
		;

test_items	: %empty			{ $$ = NULL; }
		| test_items test_item		{ $$ = ast_item_append($1, $2); }
		| test_items error ';'		{ $$ = $1; yyerrok; }
		;

test_item	: FROM value ';' {
			$$ = parse_item(ITEM_TEST_FROM, &@$, 0, $2);
		}
		| STANZA strings ';' {
			$$ = parse_item(ITEM_TEST_STANZA, &@$, 0, $2);
		}
		| EXPECT PASS ';' {
			$$ = parse_verdict(parse_item(ITEM_TEST_EXPECT, &@$, 0,
			    NULL), VERDICT_PASS, COND_DEFAULT);
		}
		| EXPECT DROP ';' {
			$$ = parse_verdict(parse_item(ITEM_TEST_EXPECT, &@$, 0,
			    NULL), VERDICT_DROP, COND_DEFAULT);
		}
		| EXPECT BOUNCE cond_opt ';' {
			$$ = parse_verdict(parse_item(ITEM_TEST_EXPECT, &@$, 0,
			    NULL), VERDICT_BOUNCE, $3);
		}
		| EXPECT BOUNCE STRING ';' {
			$$ = parse_verdict(parse_item(ITEM_TEST_EXPECT, &@$, 0,
			    parse_value(AST_STRING, &@3, $3, 0)), VERDICT_BOUNCE,
			    COND_DEFAULT);
		}
		| EXPECT MODIFY strings ';' {
			$$ = parse_verdict(parse_item(ITEM_TEST_EXPECT, &@$, 0,
			    $3), VERDICT_MODIFY, COND_DEFAULT);
		}
		;

/* Adjacent strings are one, as in C: a stanza may span lines. */
strings		: STRING	{ $$ = parse_value(AST_STRING, &@1, $1, 0); }
		| strings STRING {
			size_t n = strlen($1->str);

			$1->str = xreallocarray($1->str, n + strlen($2) + 1, 1);
			strcpy($1->str + n, $2);
			free($2);
			$1->loc.last_line = @2.last_line;
			$1->loc.last_column = @2.last_column;
			$$ = $1;
		}
		;

value		: STRING	{ $$ = parse_value(AST_STRING, &@1, $1, 0); }
		| ADDRESS	{ $$ = parse_value(AST_ADDRESS, &@1, $1, 0); }
		| VERSION	{ $$ = parse_value(AST_VERSION, &@1, $1, 0); }
		| IDENT		{ $$ = parse_value(AST_NAME, &@1, $1, 0); }
		| NUMBER	{ $$ = parse_value(AST_NUMBER, &@1, NULL, $1); }
		| DURATION	{ $$ = parse_value(AST_DURATION, &@1, NULL, $1); }
		| SIZE		{ $$ = parse_value(AST_SIZE, &@1, NULL, $1); }
		;

label_block	: '{' label_items '}'		{ $$ = $2; }
		| '{' label_items error '}'	{ $$ = $2; yyerrok; }
		;

label_items	: %empty			{ $$ = NULL; }
		| label_items label_item	{ $$ = ast_item_append($1, $2); }
		| label_items error ';'		{ $$ = $1; yyerrok; }
		;

label_item	: OID value ';' {
			$$ = parse_item(ITEM_OID, &@$, 0, $2);
		}
		| CLASSIFICATION value '=' value class_items ';' {
			$$ = parse_item(ITEM_CLASSIFICATION, &@$, 0, $2);
			$$->value = $4;
			$$->sub = $5;
		}
		| TAGSET value OID value tag_type category_block {
			$$ = parse_tagset(&@1, $2, $4, $5, 0, $6);
		}
		| TAGSET value OID value tag_type ENUMERATED category_block {
			if ($5 == TAG_INFORMATIVE)
				diag_error(&@6, "'enumerated' is for a "
				    "restrictive or permissive tagset: "
				    "informative categories are always "
				    "written as attributes");
			$$ = parse_tagset(&@1, $2, $4, $5,
			    $5 != TAG_INFORMATIVE, $7);
		}
		| MISSING_LABEL ASSUME value ';' {
			$$ = parse_item(ITEM_MISSING_LABEL, &@$, 1, $3);
		}
		| MISSING_LABEL DENY ';' {
			$$ = parse_item(ITEM_MISSING_LABEL, &@$, 0, NULL);
		}
		| EQUIVALENT IDENT equivalent_block {
			$$ = parse_item(ITEM_EQUIVALENT, &@1, 0,
			    parse_value(AST_NAME, &@2, $2, 0));
			$$->sub = $3;
		}
		| ORIGINAL KEEP ';' {
			$$ = parse_item(ITEM_ORIGINAL, &@$, 1, NULL);
		}
		| ORIGINAL REPLACE ';' {
			$$ = parse_item(ITEM_ORIGINAL, &@$, 0, NULL);
		}
		| CATEGORY reserved_tail {
			diag_error(&@1, "'category' is not supported yet "
			    "directly in a label-policy: write it in a "
			    "'tagset'");
			$$ = NULL;
		}
		;

/* How the labels of a label policy are relabelled into another: each
 * classification or category of the one, and its equivalent in the
 * other, or none (a label carrying it is not relabelled). */
equivalent_block : '{' equivalent_items '}'	{ $$ = $2; }
		| '{' equivalent_items error '}' { $$ = $2; yyerrok; }
		;

equivalent_items : %empty			{ $$ = NULL; }
		| equivalent_items equivalent_item {
			$$ = ast_item_append($1, $2);
		}
		| equivalent_items error ';'	{ $$ = $1; yyerrok; }
		;

equivalent_item	: CLASSIFICATION value '=' value ';' {
			$$ = parse_item(ITEM_EQUIVALENT_PAIR, &@$, 0, $2);
			$$->value = $4;
		}
		| CLASSIFICATION value '=' NONE ';' {
			$$ = parse_item(ITEM_EQUIVALENT_PAIR, &@$, 0, $2);
		}
		| CATEGORY value '=' value ';' {
			$$ = parse_item(ITEM_EQUIVALENT_PAIR, &@$, 1, $2);
			$$->value = $4;
		}
		| CATEGORY value '=' NONE ';' {
			$$ = parse_item(ITEM_EQUIVALENT_PAIR, &@$, 1, $2);
		}
		;

/* How a label of a classification is displayed (XEP-0258), and the
 * categories it must carry. */
class_items	: %empty			{ $$ = NULL; }
		| class_items class_item	{ $$ = ast_item_append($1, $2); }
		;

class_item	: display_key value {
			$$ = parse_item(ITEM_DISPLAY, &@$, $1, $2);
		}
		| REQUIRE require_op value_seq {
			$$ = parse_item(ITEM_REQUIRE, &@$, $2, $3);
		}
		;

require_op	: EXACTLY_ONE_OF		{ $$ = REQUIRE_EXACTLY_ONE; }
		| ONE_OR_MORE_OF		{ $$ = REQUIRE_ONE_OR_MORE; }
		| ALL_OF			{ $$ = REQUIRE_ALL; }
		;

display_key	: MARKING			{ $$ = DISPLAY_MARKING; }
		| FGCOLOR			{ $$ = DISPLAY_FGCOLOR; }
		| BGCOLOR			{ $$ = DISPLAY_BGCOLOR; }
		;

/* What a policy adds to a SPIF: a block of label items, of which the
 * resolver takes missing-label, original and equivalent. */
spif_items	: ';'				{ $$ = NULL; }
		| label_block			{ $$ = $1; }
		;

lang_opt	: %empty			{ $$ = NULL; }
		| LANG STRING	{ $$ = parse_value(AST_STRING, &@2, $2, 0); }
		;

tag_type	: RESTRICTIVE			{ $$ = TAG_RESTRICTIVE; }
		| PERMISSIVE			{ $$ = TAG_PERMISSIVE; }
		| INFORMATIVE			{ $$ = TAG_INFORMATIVE; }
		;

category_block	: '{' category_items '}'	{ $$ = $2; }
		| '{' category_items error '}'	{ $$ = $2; yyerrok; }
		;

category_items	: %empty			{ $$ = NULL; }
		| category_items category_item	{ $$ = ast_item_append($1, $2); }
		| category_items error ';'	{ $$ = $1; yyerrok; }
		;

category_item	: CATEGORY value '=' value excludes_opt ';' {
			$$ = parse_item(ITEM_CATEGORY, &@$, 0, $2);
			$$->value = $4;
			$$->sub = $5;
		}
		;

/* The classifications a label carrying the category may not have. */
excludes_opt	: %empty			{ $$ = NULL; }
		| EXCLUDES value_seq {
			$$ = parse_item(ITEM_EXCLUDES, &@$, 0, $2);
		}
		;

/*
 * The item of a label-policy reserved for later (a category outside a
 * tag set) is read as any balanced run
 * of tokens ending in ';' or a '{ ... }' block, so that the rest of the
 * file is still checked.
 */
reserved_tail	: soup_words ';'
		| soup_words '{' soup '}'
		;

soup_words	: %empty
		| soup_words soup_word
		;

soup		: %empty
		| soup soup_word
		| soup ';'
		| soup '{' soup '}'
		;

soup_word	: STRING { free($1); } | IDENT { free($1); }
		| ADDRESS { free($1); } | VERSION { free($1); }
		| NUMBER | DURATION | SIZE | '=' | ','
		| POLICY | INCLUDE | DEFINE | GUARD | LISTEN | PORT
		| DIRECT_TLS | CERTIFICATE | FILE_KW | KEY | CA_BUNDLE
		| LIMITS | STANZA_SIZE | QUEUE_LENGTH | CONNECT_TIMEOUT
		| NEGOTIATE_TIMEOUT | IDLE_TIMEOUT | KEEPALIVE | PEER | DOMAIN
		| CONNECT | SRV | NONE | PROTOCOL | S2S | GCXP | TLS
		| REQUIRED | OPTIONAL | STARTTLS | AUTH | DIALBACK | OR
		| FORCE_INSECURE | ORIGINATES | ROUTE | DEFAULT | VIA
		| TLS_POLICY | VERSIONS | CIPHERSUITES | CIPHERS | GROUPS
		| CRL_EXPIRED | WARN | REFUSE | FILTER | INBOUND | OUTBOUND
		| PRESENCE | FOLD | STRIP | BLOCK | ROOM | WORDS | PATTERN
		| PASS | DROP | BOUNCE | MODIFY | POLICY_VIOLATION
		| NOT_ACCEPTABLE | ALERT | LOG | MESSAGE | FROM | RATE | PER
		| RECENT | TEST | STANZA | EXPECT | LABEL_POLICY | OID
		| CLASSIFICATION | TAGSET | CATEGORY | RESTRICTIVE
		| PERMISSIVE | INFORMATIVE | MISSING_LABEL | ASSUME | DENY
		| CLEARANCE | MARKING | FGCOLOR | BGCOLOR | SPIF | LANG
		| REQUIRE | EXACTLY_ONE_OF | ONE_OR_MORE_OF | ALL_OF | EXCLUDES
		| CATALOG | FORWARD | ANSWER
		| ENUMERATED | EQUIVALENT | ORIGINAL | KEEP | REPLACE
		| PAIR | VALIDATOR | EDGE | PEERS | WINDOW
		;

%%

static void
parse_add(struct parse_ctx *ctx, struct ast_stmt *st)
{
	*ctx->tail = st;
	ctx->tail = &st->next;
}

/* Whether KIND is one of the PARSE_VALUE_KINDS tokens that make a value. */
static int
parse_is_value(yysymbol_kind_t kind)
{
	return kind == YYSYMBOL_STRING || kind == YYSYMBOL_IDENT ||
	    kind == YYSYMBOL_ADDRESS || kind == YYSYMBOL_VERSION ||
	    kind == YYSYMBOL_NUMBER || kind == YYSYMBOL_DURATION ||
	    kind == YYSYMBOL_SIZE;
}

/*
 * Token KIND as syntax errors name it. Keywords are told from the token
 * table, so that a keyword added to the grammar is named and suggested
 * with no edit here: a keyword's name is its spelling ("peer"), while
 * punctuation is quoted ("';'") and the other names are kinds of value
 * ("string") or have a space ("end of file").
 */
static struct parse_token
parse_token(yysymbol_kind_t kind)
{
	const char *name = yysymbol_name(kind);
	int value = parse_is_value(kind);

	return (struct parse_token){ name, value, kind < YYNTOKENS &&
	    kind != YYSYMBOL_YYerror && !value && name[0] != '\0' &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
	    strlen(name) };
}

/* Reports a syntax error (parse_error.h), told what the parser saw. */
static int
yyreport_syntax_error(const yypcontext_t *pctx, void *scanner,
    struct parse_ctx *ctx)
{
	yysymbol_kind_t kinds[YYNTOKENS];
	struct parse_token expected[YYNTOKENS];
	yysymbol_kind_t tok = yypcontext_token(pctx);
	int n, i;

	if ((n = yypcontext_expected_tokens(pctx, kinds, YYNTOKENS)) < 0)
		n = 0;
	for (i = 0; i < n; i++)
		expected[i] = parse_token(kinds[i]);
	parse_report_syntax_error(&(struct parse_syntax_error){ ctx->src,
	    lex_where(scanner), yypcontext_location(pctx), parse_token(tok),
	    tok == YYSYMBOL_IDENT, tok == YYSYMBOL_YYEOF, expected, n });
	return 0;
}

static void
yyerror(YYLTYPE *loc, void *scanner, struct parse_ctx *ctx, const char *msg)
{
	(void)scanner;
	(void)ctx;
	diag_error(loc, "%s", msg);
}

int
parse_source(const struct src_file *src, struct ast_stmt **out)
{
	struct parse_ctx ctx = { src, NULL, NULL };
	struct lex_state ls;
	unsigned before = diag_errors();
	void *scanner;
	int rc;

	ctx.tail = &ctx.head;
	if (lex_open(&scanner, &ls, src) == -1) {
		diag_error(NULL, "%s: cannot start the scanner", src->path);
		return -1;
	}
	rc = yyparse(scanner, &ctx);
	lex_close(scanner);
	*out = ast_stmt_append(*out, ctx.head);
	return rc != 0 || diag_errors() != before ? -1 : 0;
}
