/*
 * Unit tests for runtime/stanza_check.c: each rule at and past its limit,
 * on stanzas read by the real tokenizer (so that white space between
 * children is there as a server sends it), and valid stanzas of every
 * kind, IQ results without a child and errors with text and
 * application-specific conditions included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stanza_check.h"
#include "stanza_error.h"
#include "stanza_fixture.h"

#define NS_ST STANZA_NS_STANZAS
#define PING "<ping xmlns='urn:xmpp:ping'/>"
#define ADDR "from='a@a.example/r' to='b@b.example/r'"
/* A well-formed <error/>, for the cases about what surrounds it. */
#define ERR "<error type='cancel'><item-not-found xmlns='" NS_ST "'/></error>"

/* Parses STANZA as read from a stream and checks that
 * stanza_check_stanza finds WANT in it. */
static void
expect(const char *stanza, enum stanza_check_defect want)
{
	struct xml_parser *p = NULL;
	const struct stanza_node *e;
	struct stanza_head h;
	enum stanza_check_defect got;

	e = fixture_stanza(&p, stanza);
	stanza_head(e, &h);
	got = stanza_check_stanza(e, &h);
	xml_free(p);
	if (got != want)
		fail_msg("%s: got %s, expected %s", stanza,
		    stanza_check_defect_name(got),
		    stanza_check_defect_name(want));
}

static void
expect_ok(const char *stanza)
{
	expect(stanza, STANZA_CHECK_OK);
}

struct check_case {
	const char *stanza;
	enum stanza_check_defect want;
};

#define EXPECT_CASES(cases) \
	expect_cases((cases), sizeof(cases) / sizeof((cases)[0]))

static void
expect_cases(const struct check_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect(cases[i].stanza, cases[i].want);
}

/* Checks the stanza made from FMT with ARG (one %s) for WANT. */
static void
expect_fmt(const char *fmt, const char *arg, enum stanza_check_defect want)
{
	char buf[8192];

	assert_true((size_t)snprintf(buf, sizeof(buf), fmt, arg) <
	    sizeof(buf));
	expect(buf, want);
}

static void
test_valid_message(void **state)
{
	static const char *const types[] = {
		"chat", "groupchat", "headline", "normal"
	};
	size_t i;

	(void)state;
	expect_ok("<message " ADDR "><body>hi</body></message>");
	expect_ok("<message " ADDR "/>");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		expect_fmt("<message type='%s' " ADDR "><body>x</body>"
		    "</message>", types[i], STANZA_CHECK_OK);
	expect_ok("<message type='error' id='m1' " ADDR ">" ERR "</message>");
	/* Bodies in several languages; an "error" of another namespace is
	 * payload, not a stanza error. */
	expect_ok("<message xml:lang='en' " ADDR ">\n"
	    "  <body>hi</body>\n  <body xml:lang='de-CH'>gruezi</body>\n"
	    "  <error xmlns='urn:example:app'/>\n</message>");
}

static void
test_valid_presence(void **state)
{
	static const char *const types[] = {
		"probe", "subscribe", "subscribed", "unavailable",
		"unsubscribe", "unsubscribed"
	};
	size_t i;

	(void)state;
	expect_ok("<presence " ADDR "/>");
	expect_ok("<presence " ADDR "><show>away</show>"
	    "<status xml:lang='fr'>absent</status></presence>");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		expect_fmt("<presence type='%s' " ADDR "/>", types[i],
		    STANZA_CHECK_OK);
	expect_ok("<presence type='error' " ADDR ">" ERR "</presence>");
}

static void
test_valid_iq(void **state)
{
	static const struct check_case cases[] = {
		{ "<iq type='get' id='1' " ADDR ">" PING "</iq>",
		    STANZA_CHECK_OK },
		{ "<iq type='set' id='1' " ADDR ">\n  "
		    "<query xmlns='jabber:iq:roster'><item jid='c@c.example'/>"
		    "<item jid='d@d.example'/></query>\n</iq>",
		    STANZA_CHECK_OK },
		{ "<iq type='result' id='1' " ADDR "/>", STANZA_CHECK_OK },
		{ "<iq type='result' id='1' " ADDR ">\n</iq>", STANZA_CHECK_OK },
		{ "<iq type='result' id='1' " ADDR "><query "
		    "xmlns='http://jabber.org/protocol/disco#info'/></iq>",
		    STANZA_CHECK_OK },
		/* An error alone, or after the request's child. */
		{ "<iq type='error' id='1' " ADDR ">" ERR "</iq>",
		    STANZA_CHECK_OK },
		{ "<iq type='error' id='1' " ADDR ">" PING ERR "</iq>",
		    STANZA_CHECK_OK },
		/* RFC 6120 8.2.3 rule 3: the answer to a request without
		 * id. */
		{ "<iq type='error' id='' " ADDR ">" ERR "</iq>",
		    STANZA_CHECK_OK },
	};

	(void)state;
	EXPECT_CASES(cases);
}

static void
test_valid_errors(void **state)
{
	static const char *const types[] = {
		"auth", "cancel", "continue", "modify", "wait"
	};
	static const char *const conditions[] = {
		"bad-request", "conflict", "feature-not-implemented",
		"forbidden", "gone", "internal-server-error", "item-not-found",
		"jid-malformed", "not-acceptable", "not-allowed",
		"not-authorized", "policy-violation", "recipient-unavailable",
		"redirect", "registration-required",
		"remote-server-not-found", "remote-server-timeout",
		"resource-constraint", "service-unavailable",
		"subscription-required", "undefined-condition",
		"unexpected-request"
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		expect_fmt("<iq type='error' id='1' " ADDR "><error type='%s'>"
		    "<bad-request xmlns='" NS_ST "'/></error></iq>", types[i],
		    STANZA_CHECK_OK);
	for (i = 0; i < sizeof(conditions) / sizeof(conditions[0]); i++)
		expect_fmt("<message type='error' " ADDR "><error "
		    "type='cancel'><%s xmlns='" NS_ST "'/></error></message>",
		    conditions[i], STANZA_CHECK_OK);
	/* Everything RFC 6120 8.3.2 allows at once, in another order, with
	 * white space, a 'by', a legacy 'code' and a condition's text. */
	expect_ok("<iq type='error' id='1' " ADDR ">\n"
	    "  <error type='modify' by='pubsub.b.example' code='400'>\n"
	    "    <invalid-jid xmlns='http://jabber.org/protocol/pubsub#errors'/>"
	    "\n    <text xmlns='" NS_ST "' xml:lang='en'>Bad JID</text>\n"
	    "    <bad-request xmlns='" NS_ST "'/>\n  </error>\n</iq>");
	expect_ok("<message type='error' " ADDR "><error type='cancel' "
	    "by='b@b.example/r'><gone xmlns='" NS_ST "'>"
	    "xmpp:b@elsewhere.example</gone></error></message>");
}

static void
test_kind_and_type(void **state)
{
	static const struct check_case cases[] = {
		{ "<foo " ADDR "/>", STANZA_CHECK_KIND },
		{ "<message type='bogus' " ADDR "/>", STANZA_CHECK_TYPE },
		{ "<message type='Chat' " ADDR "/>", STANZA_CHECK_TYPE },
		{ "<message type='' " ADDR "/>", STANZA_CHECK_TYPE },
		/* Available presence has no type; "available" is none. */
		{ "<presence type='available' " ADDR "/>", STANZA_CHECK_TYPE },
		{ "<presence type='bogus' " ADDR "/>", STANZA_CHECK_TYPE },
		{ "<iq type='bogus' id='1' " ADDR ">" PING "</iq>",
		    STANZA_CHECK_TYPE },
		{ "<iq type='GET' id='1' " ADDR ">" PING "</iq>",
		    STANZA_CHECK_TYPE },
	};

	(void)state;
	EXPECT_CASES(cases);
}

static void
test_iq_id_and_type(void **state)
{
	static const struct check_case cases[] = {
		{ "<iq type='get' " ADDR ">" PING "</iq>",
		    STANZA_CHECK_IQ_NO_ID },
		{ "<iq type='result' " ADDR "/>", STANZA_CHECK_IQ_NO_ID },
		{ "<iq type='error' " ADDR ">" ERR "</iq>",
		    STANZA_CHECK_IQ_NO_ID },
		{ "<iq " ADDR ">" PING "</iq>", STANZA_CHECK_IQ_NO_ID },
		{ "<iq id='1' " ADDR ">" PING "</iq>", STANZA_CHECK_IQ_NO_TYPE },
		/* Messages and presence need neither. */
		{ "<message " ADDR "/>", STANZA_CHECK_OK },
		{ "<presence " ADDR "/>", STANZA_CHECK_OK },
	};

	(void)state;
	EXPECT_CASES(cases);
}

static void
test_iq_children(void **state)
{
	static const struct check_case cases[] = {
		{ "<iq type='get' id='1' " ADDR "/>", STANZA_CHECK_IQ_REQUEST },
		{ "<iq type='get' id='1' " ADDR ">\n  \n</iq>",
		    STANZA_CHECK_IQ_REQUEST },
		{ "<iq type='set' id='1' " ADDR ">text is no child</iq>",
		    STANZA_CHECK_IQ_REQUEST },
		{ "<iq type='get' id='1' " ADDR ">" PING PING "</iq>",
		    STANZA_CHECK_IQ_REQUEST },
		{ "<iq type='set' id='1' " ADDR ">" PING "\n" PING "</iq>",
		    STANZA_CHECK_IQ_REQUEST },
		{ "<iq type='result' id='1' " ADDR ">" PING PING "</iq>",
		    STANZA_CHECK_IQ_RESULT },
		{ "<iq type='result' id='1' " ADDR ">x" PING "y</iq>",
		    STANZA_CHECK_OK },
	};

	(void)state;
	EXPECT_CASES(cases);
}

static void
test_id_length(void **state)
{
	char id[STANZA_CHECK_ID_MAX + 2];

	(void)state;
	memset(id, 'i', sizeof(id) - 1);
	id[STANZA_CHECK_ID_MAX] = '\0';
	expect_fmt("<message id='%s' " ADDR "/>", id, STANZA_CHECK_OK);
	expect_fmt("<iq type='get' id='%s' " ADDR ">" PING "</iq>", id,
	    STANZA_CHECK_OK);
	id[STANZA_CHECK_ID_MAX] = 'i';
	id[STANZA_CHECK_ID_MAX + 1] = '\0';
	expect_fmt("<message id='%s' " ADDR "/>", id, STANZA_CHECK_ID_LENGTH);
	expect_fmt("<presence id='%s' " ADDR "/>", id,
	    STANZA_CHECK_ID_LENGTH);
	expect_fmt("<iq type='result' id='%s' " ADDR "/>", id,
	    STANZA_CHECK_ID_LENGTH);
}

static void
test_lang(void **state)
{
	static const char *const good[] = {
		"en", "EN", "de-CH", "zh-Hant-TW", "sl-rozaj-biske",
		"es-419", "x-local", "i-klingon", "sgn-BE-FR",
		"en-a-bbb-x-a-ccc", "abcdefgh", "en-abcdefgh",
	};
	static const char *const bad[] = {
		"", "-", "en-", "-en", "en--GB", "en_GB", "en GB",
		"1en", "abcdefghi", "en-abcdefghi", "fr\xc3\xa9",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		expect_fmt("<message xml:lang='%s' " ADDR "/>", good[i],
		    STANZA_CHECK_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_fmt("<message xml:lang='%s' " ADDR "/>", bad[i],
		    STANZA_CHECK_LANG);
	/* A child's, the <error/>'s and its <text/>'s too. */
	expect("<message " ADDR "><body xml:lang='en_GB'>x</body></message>",
	    STANZA_CHECK_LANG);
	expect("<message type='error' " ADDR "><error type='cancel' "
	    "xml:lang='?'><gone xmlns='" NS_ST "'/></error></message>",
	    STANZA_CHECK_LANG);
	expect("<message type='error' " ADDR "><error type='cancel'>"
	    "<gone xmlns='" NS_ST "'/><text xmlns='" NS_ST "' xml:lang='e n'>"
	    "x</text></error></message>", STANZA_CHECK_LANG);
}

static void
test_error_child(void **state)
{
	static const struct check_case cases[] = {
		{ "<message type='error' " ADDR "/>",
		    STANZA_CHECK_ERROR_MISSING },
		{ "<presence type='error' " ADDR "><show>away</show>"
		    "</presence>", STANZA_CHECK_ERROR_MISSING },
		{ "<iq type='error' id='1' " ADDR ">" PING "</iq>",
		    STANZA_CHECK_ERROR_MISSING },
		/* Of another namespace, it is no stanza error. */
		{ "<iq type='error' id='1' " ADDR "><error xmlns='urn:x' "
		    "type='cancel'><gone xmlns='" NS_ST "'/></error></iq>",
		    STANZA_CHECK_ERROR_MISSING },
		{ "<iq type='error' id='1' " ADDR ">" ERR ERR "</iq>",
		    STANZA_CHECK_ERROR_DUPLICATE },
		{ "<message type='chat' " ADDR ">" ERR "</message>",
		    STANZA_CHECK_ERROR_UNEXPECTED },
		{ "<presence " ADDR ">" ERR "</presence>",
		    STANZA_CHECK_ERROR_UNEXPECTED },
		{ "<iq type='result' id='1' " ADDR ">" ERR "</iq>",
		    STANZA_CHECK_ERROR_UNEXPECTED },
		{ "<iq type='get' id='1' " ADDR ">" ERR "</iq>",
		    STANZA_CHECK_ERROR_UNEXPECTED },
	};

	(void)state;
	EXPECT_CASES(cases);
}

static void
test_error_element(void **state)
{
	static const char *const fmt = "<iq type='error' id='1' " ADDR ">"
	    "<error %s</error></iq>";

	(void)state;
	expect_fmt(fmt, "><gone xmlns='" NS_ST "'/>",
	    STANZA_CHECK_ERROR_TYPE);
	expect_fmt(fmt, "type='later'><gone xmlns='" NS_ST "'/>",
	    STANZA_CHECK_ERROR_TYPE);
	expect_fmt(fmt, "type='Cancel'><gone xmlns='" NS_ST "'/>",
	    STANZA_CHECK_ERROR_TYPE);
	expect_fmt(fmt, "type='cancel' by=''><gone xmlns='" NS_ST "'/>",
	    STANZA_CHECK_ERROR_BY);
	expect_fmt(fmt, "type='cancel' by='not a jid'><gone xmlns='" NS_ST
	    "'/>", STANZA_CHECK_ERROR_BY);
	expect_fmt(fmt, "type='cancel'>", STANZA_CHECK_CONDITION_MISSING);
	expect_fmt(fmt, "type='cancel'><text xmlns='" NS_ST "'>x</text>",
	    STANZA_CHECK_CONDITION_MISSING);
	expect_fmt(fmt, "type='cancel'><gone xmlns='urn:x'/>",
	    STANZA_CHECK_CONDITION_MISSING);
	expect_fmt(fmt, "type='cancel'><gone xmlns='" NS_ST "'/>"
	    "<conflict xmlns='" NS_ST "'/>", STANZA_CHECK_CONDITION_DUPLICATE);
	/* RFC 3920's, dropped by RFC 6120. */
	expect_fmt(fmt, "type='auth'><payment-required xmlns='" NS_ST "'/>",
	    STANZA_CHECK_CONDITION_UNKNOWN);
	expect_fmt(fmt, "type='cancel'><Gone xmlns='" NS_ST "'/>",
	    STANZA_CHECK_CONDITION_UNKNOWN);
	expect_fmt(fmt, "type='cancel'><gone xmlns='" NS_ST "'/>"
	    "<text xmlns='" NS_ST "'>a</text><text xmlns='" NS_ST "'>b</text>",
	    STANZA_CHECK_TEXT_DUPLICATE);
	expect_fmt(fmt, "type='cancel'><gone xmlns='" NS_ST "'/>"
	    "<a xmlns='urn:x'/><b xmlns='urn:y'/>",
	    STANZA_CHECK_APP_DUPLICATE);
}

static void
test_names(void **state)
{
	const char *seen[STANZA_CHECK_APP_DUPLICATE + 1];
	int d, k;

	(void)state;
	for (d = STANZA_CHECK_OK; d <= STANZA_CHECK_APP_DUPLICATE; d++) {
		seen[d] = stanza_check_defect_name(d);
		assert_string_not_equal(seen[d], "invalid");
		for (k = 0; k < d; k++)
			assert_string_not_equal(seen[k], seen[d]);
	}
	assert_string_equal(stanza_check_defect_name(STANZA_CHECK_IQ_NO_ID),
	    "iq-without-id");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_message),
		cmocka_unit_test(test_valid_presence),
		cmocka_unit_test(test_valid_iq),
		cmocka_unit_test(test_valid_errors),
		cmocka_unit_test(test_kind_and_type),
		cmocka_unit_test(test_iq_id_and_type),
		cmocka_unit_test(test_iq_children),
		cmocka_unit_test(test_id_length),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_error_child),
		cmocka_unit_test(test_error_element),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("stanza_check", tests, NULL, NULL);
}
