/*
 * Unit tests for runtime/alert.c and alert_sink.c: the escaping of every
 * string a sink writes (JSON and plain text), what each sink writes for an
 * alert and for a rate summary, the per-rule rate and the XMPP sink's cap,
 * the ring of recent alerts, and sinks that fail. A policy of the test's
 * own names the rules; the alerts file lies in a directory of the test's
 * own, and standard error (the log) is a pipe read back line by line.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alert_int.h"
#include "log.h"
#include "log_fixture.h"

/* The rules the tests raise alerts for, after the built-in ones. */
enum { RULE_WORDS = GEN_RULE_BUILTIN, RULE_SIZE, NRULES };
enum { PEER_INSIDE = 0, PEER_PARTNER };

static const struct gen_rule test_rules[NRULES] = {
	[GEN_RULE_ADDRESS] = { "address", NULL, 0 },
	[GEN_RULE_STRUCTURE] = { "structure", NULL, 0 },
	[GEN_RULE_NO_ROUTE] = { "no route", NULL, 0 },
	[GEN_RULE_LOOP] = { "loop", NULL, 0 },
	[GEN_RULE_RESOURCES] = { "resources", NULL, 0 },
	[RULE_WORDS] = { "peer partner words", "t.policy", 12 },
	[RULE_SIZE] = { "peer inside stanza-size", "t.policy", 20 },
};
static const struct gen_peer test_peers[] = {
	[PEER_INSIDE] = { .name = "inside" },
	[PEER_PARTNER] = { .name = "partner" },
};
static const struct gen_policy test_policy = {
	.name = "t",
	.guard = { .name = "edge.example" },
	.peers = test_peers,
	.npeers = 2,
	.rules = test_rules,
	.nrules = NRULES,
};

/* 1700000000.123 s since the epoch. */
#define WALL 1700000000123ull
#define WALL_TEXT "2023-11-14T22:13:20.123Z"

struct fixture {
	char dir[64], path[96];
	struct log_capture log;		/* standard error, read back */
	struct alert_config cfg;
	struct alert_state s;
	/* The send callback's record. */
	size_t sends;
	int send_ret;
	char from[64], to[64], body[4096];
};

static int
fake_send(void *arg, const char *from, const char *to, const char *body)
{
	struct fixture *f = arg;

	f->sends++;
	snprintf(f->from, sizeof(f->from), "%s", from);
	snprintf(f->to, sizeof(f->to), "%s", to);
	snprintf(f->body, sizeof(f->body), "%s", body);
	return f->send_ret;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_alert.XXXXXX");
	if (mkdtemp(f->dir) == NULL || log_capture_start(&f->log) == -1)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/alerts.jsonl", f->dir);
	f->cfg = (struct alert_config){ .log = 1, .file = f->path,
	    .message_to = "ops@a.example", .message_from = "xedge@a.example" };
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	alert_fini(&f->s);
	log_capture_stop(&f->log);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Sets up the alert state of F with its configuration. */
static void
start(struct fixture *f)
{
	assert_int_equal(alert_init(&f->s, &f->cfg, &test_policy, fake_send,
	    f), 0);
}

/* Everything logged since the last call, in OUT (CAP bytes). */
static void
logged(struct fixture *f, char *out, size_t cap)
{
	log_captured(&f->log, out, cap);
}

/* The alerts file's content in OUT (CAP bytes); returns its lines. */
static size_t
file_lines(struct fixture *f, char *out, size_t cap)
{
	int fd = open(f->path, O_RDONLY);
	ssize_t n;

	assert_int_not_equal(fd, -1);
	n = read(fd, out, cap - 1);
	assert_true(n >= 0);
	out[n] = '\0';
	close(fd);
	return log_count(out, "\n");
}

/* Line I (from 0) of TEXT, without its newline, in OUT. */
static void
line_at(const char *text, size_t i, char *out, size_t cap)
{
	const char *end;

	while (i-- > 0) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	end = strchr(text, '\n');
	assert_non_null(end);
	assert_true((size_t)(end - text) < cap);
	memcpy(out, text, (size_t)(end - text));
	out[end - text] = '\0';
}

/* The alert most tests raise, for RULE with stanza id ID. */
static struct alert
sample(unsigned rule, const char *id)
{
	return (struct alert){ .when_ms = WALL, .conn = 7, .rule = rule,
	    .verdict = GEN_VERDICT_BOUNCE, .peer = PEER_PARTNER,
	    .dir = ALERT_INBOUND, .kind = GEN_KIND_MESSAGE,
	    .from = "mallory@b.example/x", .to = "alice@a.example", .id = id,
	    .why = "blocked word" };
}

/* S escaped as MODE says, in OUT. */
static const char *
escaped(const char *s, size_t len, enum alert_esc mode, char *out,
    size_t cap)
{
	struct alert_buf b = { .p = out, .cap = cap };

	alert_put_escaped(&b, s, len, mode);
	assert_int_equal(b.len, strlen(out));
	return out;
}
#define JSON(s) escaped(s, sizeof(s) - 1, ALERT_ESC_JSON, out, sizeof(out))
#define TEXT(s) escaped(s, sizeof(s) - 1, ALERT_ESC_TEXT, out, sizeof(out))

static void
test_json_escaping(void **state)
{
	char out[256];

	(void)state;
	assert_string_equal(JSON("a\"b\\c/d"), "a\\\"b\\\\c/d");
	assert_string_equal(JSON("\n\t\x01\x1f\x7f"),
	    "\\u000a\\u0009\\u0001\\u001f\\u007f");
	assert_string_equal(JSON("nul\0x"), "nul\\u0000x");
	/* Valid UTF-8 is kept, but not the C1 controls nor U+2028/9. */
	assert_string_equal(JSON("\xc3\xa9\xf0\x9f\x98\x80"),
	    "\xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(JSON("\xc2\x85\xc2\x9f\xc2\xa0"),
	    "\\u0085\\u009f\xc2\xa0");
	assert_string_equal(JSON("a\xe2\x80\xa8" "b\xe2\x80\xa9"),
	    "a\\u2028b\\u2029");
	/* Invalid UTF-8: each byte that starts no valid sequence. */
	assert_string_equal(JSON("\xff"), "\\ufffd");
	assert_string_equal(JSON("\xc0\xaf"), "\\ufffd\\ufffd");
	assert_string_equal(JSON("\xe0\x80\xaf"), "\\ufffd\\ufffd\\ufffd");
	assert_string_equal(JSON("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd");
	assert_string_equal(JSON("\xf4\x90\x80\x80"),
	    "\\ufffd\\ufffd\\ufffd\\ufffd");
	assert_string_equal(JSON("x\xe2\x82"), "x\\ufffd\\ufffd");
	assert_string_equal(JSON("\xe2\x82\xac\xf4\x8f\xbf\xbf"),
	    "\xe2\x82\xac\xf4\x8f\xbf\xbf");
}

static void
test_text_escaping(void **state)
{
	char out[256];

	(void)state;
	assert_string_equal(TEXT("a\"b\\c"), "a\"b\\\\c");
	assert_string_equal(TEXT("x\ny\r\x7f"), "x\\x0ay\\x0d\\x7f");
	assert_string_equal(TEXT("\xc2\x85\xe2\x80\xa8"), "\\x85\\u2028");
	assert_string_equal(TEXT("\xff\xc3\xa9"), "\xef\xbf\xbd\xc3\xa9");
}

/* alert_cut backs off to a character's first byte. */
static void
test_cut(void **state)
{
	(void)state;
	assert_int_equal(alert_cut("abc", 5), 3);
	assert_int_equal(alert_cut("abc", 3), 3);
	assert_int_equal(alert_cut("abcd", 3), 3);
	assert_int_equal(alert_cut("a\xe2\x82\xac", 3), 1);
	assert_int_equal(alert_cut("a\xe2\x82\xac", 4), 4);
	assert_int_equal(alert_cut("ab\xc3\xa9", 3), 2);
}

/* One alert as each sink reports it. */
static void
test_sinks(void **state)
{
	struct fixture *f = *state;
	struct alert a = sample(RULE_WORDS, "m1");
	char got[4096];

	start(f);
	alert_raise(&f->s, &a, 100);
	assert_int_equal(file_lines(f, got, sizeof(got)), 1);
	assert_string_equal(got, "{\"time\":\"" WALL_TEXT "\","
	    "\"guard\":\"edge.example\",\"event\":\"alert\","
	    "\"rule\":\"peer partner words\",\"file\":\"t.policy\",\"line\":12,"
	    "\"peer\":\"partner\",\"dir\":\"inbound\",\"verdict\":\"bounce\","
	    "\"kind\":\"message\",\"from\":\"mallory@b.example/x\","
	    "\"to\":\"alice@a.example\",\"id\":\"m1\","
	    "\"why\":\"blocked word\",\"conn\":7}\n");
	logged(f, got, sizeof(got));
	assert_string_equal(got, "level=warn conn=7 event=alert time=" WALL_TEXT
	    " guard=\"edge.example\" peer=\"partner\" dir=inbound "
	    "rule=\"peer partner words\" file=\"t.policy\" line=12 "
	    "verdict=bounce kind=message from=\"mallory@b.example/x\" "
	    "to=\"alice@a.example\" id=\"m1\" why=\"blocked word\"\n");
	assert_int_equal(f->sends, 1);
	assert_string_equal(f->from, "xedge@a.example");
	assert_string_equal(f->to, "ops@a.example");
	assert_string_equal(f->body, "xedge edge.example: bounce of an "
	    "inbound message from peer partner\n"
	    "rule: peer partner words (t.policy:12)\n"
	    "from: mallory@b.example/x\nto: alice@a.example\nid: m1\n"
	    "why: blocked word\ntime: " WALL_TEXT);
}

/* A built-in rule, no peer, absent attributes, outbound. */
static void
test_absent_fields(void **state)
{
	struct fixture *f = *state;
	struct alert a = { .when_ms = WALL, .rule = GEN_RULE_STRUCTURE,
	    .verdict = GEN_VERDICT_DROP, .peer = -1, .dir = ALERT_OUTBOUND,
	    .kind = GEN_KIND_IQ };
	char got[4096];

	start(f);
	alert_raise(&f->s, &a, 0);
	file_lines(f, got, sizeof(got));
	assert_string_equal(got, "{\"time\":\"" WALL_TEXT "\","
	    "\"guard\":\"edge.example\",\"event\":\"alert\","
	    "\"rule\":\"structure\",\"file\":null,\"line\":0,\"peer\":null,"
	    "\"dir\":\"outbound\",\"verdict\":\"drop\",\"kind\":\"iq\","
	    "\"from\":null,\"to\":null,\"id\":null,\"why\":null,\"conn\":0}\n");
	logged(f, got, sizeof(got));
	assert_string_equal(got, "level=warn event=alert time=" WALL_TEXT
	    " guard=\"edge.example\" peer=- dir=outbound rule=\"structure\" "
	    "file=- line=0 verdict=drop kind=iq from=- to=- id=- why=-\n");
	assert_string_equal(f->body, "xedge edge.example: drop of an "
	    "outbound iq\nrule: structure (built in)\nfrom: -\nto: -\n"
	    "id: -\nwhy: -\ntime: " WALL_TEXT);
}

/* Attributes a peer chose cannot forge a line, a field or a key. */
static void
test_hostile_fields(void **state)
{
	struct fixture *f = *state;
	struct alert a = sample(RULE_WORDS, "\xff\xfe");
	char got[4096];

	a.from = "x\"}\n{\"forged\":1";
	a.to = "a\xe2\x80\xa8" "b";
	start(f);
	alert_raise(&f->s, &a, 0);
	assert_int_equal(file_lines(f, got, sizeof(got)), 1);
	assert_non_null(strstr(got, ",\"from\":\"x\\\"}\\u000a{\\\"forged\\\":1\""
	    ",\"to\":\"a\\u2028b\",\"id\":\"\\ufffd\\ufffd\","));
	logged(f, got, sizeof(got));
	assert_int_equal(log_count(got, "\n"), 1);
	assert_non_null(strstr(got,
	    " from=\"x\\\"}\\x0a{\\\"forged\\\":1\" "));
	assert_non_null(strstr(f->body,
	    "\nfrom: x\"}\\x0a{\"forged\":1\nto: a\\u2028b\n"
	    "id: \xef\xbf\xbd\xef\xbf\xbd\n"));
}

/* N alerts within a window pass, the rest are counted, the summary goes
 * to every sink when the window closes, and a new window starts. */
static void
test_rate(void **state)
{
	struct fixture *f = *state;
	struct alert a = sample(RULE_WORDS, "m");
	char got[8192], line[1024];
	unsigned i;

	f->cfg.rate = 3;
	f->cfg.rate_window_ms = 1000;
	start(f);
	for (i = 0; i < 10; i++)
		alert_raise(&f->s, &a, 100 + i);
	assert_int_equal(file_lines(f, got, sizeof(got)), 3);
	assert_int_equal(f->sends, 3);
	assert_int_equal(alert_counters(&f->s)->raised, 10);
	assert_int_equal(alert_counters(&f->s)->suppressed, 7);
	assert_int_equal(alert_rule_counters(&f->s, RULE_WORDS)->raised, 10);
	assert_int_equal(alert_rule_counters(&f->s, RULE_WORDS)->suppressed,
	    7);
	assert_int_equal(alert_rule_counters(&f->s, RULE_SIZE)->raised, 0);
	logged(f, got, sizeof(got));
	assert_int_equal(log_count(got, "event=alert "), 3);

	alert_tick(&f->s, 1099, WALL + 999);
	assert_int_equal(file_lines(f, got, sizeof(got)), 3);
	alert_tick(&f->s, 1100, WALL + 1000);
	assert_int_equal(file_lines(f, got, sizeof(got)), 4);
	line_at(got, 3, line, sizeof(line));
	assert_string_equal(line, "{\"time\":\"2023-11-14T22:13:21.123Z\","
	    "\"guard\":\"edge.example\",\"event\":\"suppressed\","
	    "\"rule\":\"peer partner words\",\"file\":\"t.policy\",\"line\":12,"
	    "\"count\":7,\"window_ms\":1000}");
	logged(f, got, sizeof(got));
	assert_string_equal(got, "level=warn event=alert-suppressed "
	    "time=2023-11-14T22:13:21.123Z guard=\"edge.example\" "
	    "rule=\"peer partner words\" file=\"t.policy\" line=12 count=7 "
	    "window_ms=1000\n");
	assert_int_equal(f->sends, 4);
	assert_string_equal(f->body, "xedge edge.example: rule peer partner "
	    "words (t.policy:12): 7 alerts suppressed in 1000 ms\n"
	    "time: 2023-11-14T22:13:21.123Z");

	/* Reported once: the window is closed. */
	alert_tick(&f->s, 5000, WALL);
	assert_int_equal(file_lines(f, got, sizeof(got)), 4);
	/* A new window: three pass again. */
	for (i = 0; i < 4; i++)
		alert_raise(&f->s, &a, 6000);
	assert_int_equal(file_lines(f, got, sizeof(got)), 7);
	assert_int_equal(alert_counters(&f->s)->suppressed, 8);
}

/* Without a tick, the rule's next alert reports the closed window first;
 * rules have windows of their own. */
static void
test_rate_summary_at_next_alert(void **state)
{
	struct fixture *f = *state;
	struct alert a = sample(RULE_WORDS, "m"), b = sample(RULE_SIZE, "s");
	char got[8192], line[1024];

	f->cfg.rate = 1;
	f->cfg.rate_window_ms = 1000;
	f->cfg.message_to = NULL;
	start(f);
	alert_raise(&f->s, &a, 0);
	alert_raise(&f->s, &a, 10);
	alert_raise(&f->s, &a, 20);
	alert_raise(&f->s, &b, 30);
	assert_int_equal(file_lines(f, got, sizeof(got)), 2);
	alert_raise(&f->s, &a, 1000);
	assert_int_equal(file_lines(f, got, sizeof(got)), 4);
	line_at(got, 1, line, sizeof(line));
	assert_non_null(strstr(line, "\"rule\":\"peer inside stanza-size\""));
	line_at(got, 2, line, sizeof(line));
	assert_non_null(strstr(line, "\"event\":\"suppressed\""));
	assert_non_null(strstr(line, "\"count\":2,"));
	line_at(got, 3, line, sizeof(line));
	assert_non_null(strstr(line, "\"event\":\"alert\""));
	/* Rule b's window held nothing back: no summary for it. */
	alert_tick(&f->s, 5000, WALL);
	assert_int_equal(file_lines(f, got, sizeof(got)), 4);
	assert_int_equal(f->sends, 0);
}

/* A flood costs counters, not lines nor memory. */
static void
test_flood(void **state)
{
	struct fixture *f = *state;
	struct alert a = sample(RULE_WORDS, "m");
	char got[8192];
	unsigned i;

	f->cfg.rate = 2;
	f->cfg.rate_window_ms = 60000;
	f->cfg.recent = 4;
	start(f);
	for (i = 0; i < 1000000; i++)
		alert_raise(&f->s, &a, i / 100);
	assert_int_equal(file_lines(f, got, sizeof(got)), 2);
	assert_int_equal(alert_counters(&f->s)->suppressed, 999998);
	assert_int_equal(f->sends, 2);
	alert_tick(&f->s, 60000, WALL);
	assert_int_equal(file_lines(f, got, sizeof(got)), 3);
	assert_non_null(strstr(got, "\"count\":999998,"));
}

/* The XMPP sink sends at most ALERT_XMPP_BURST messages a window over all
 * rules, and says how many it held back when the window closes. */
static void
test_message_cap(void **state)
{
	struct fixture *f = *state;
	struct alert a = sample(RULE_WORDS, "m"), b = sample(RULE_SIZE, "s");
	char got[16384];
	unsigned i;

	start(f);
	for (i = 0; i < ALERT_XMPP_BURST + 4; i++)
		alert_raise(&f->s, i % 2 ? &a : &b, 50);
	assert_int_equal(f->sends, ALERT_XMPP_BURST);
	assert_int_equal(alert_counters(&f->s)->messages_held, 4);
	/* The other sinks are not capped. */
	assert_int_equal(file_lines(f, got, sizeof(got)),
	    ALERT_XMPP_BURST + 4);
	logged(f, got, sizeof(got));
	alert_tick(&f->s, 50 + ALERT_XMPP_WINDOW_MS - 1, WALL);
	assert_int_equal(f->sends, ALERT_XMPP_BURST);
	alert_tick(&f->s, 50 + ALERT_XMPP_WINDOW_MS, WALL);
	assert_int_equal(f->sends, ALERT_XMPP_BURST + 1);
	assert_string_equal(f->body, "xedge edge.example: 4 alert messages "
	    "held back (at most 5 per 10000 ms)\ntime: " WALL_TEXT);
	logged(f, got, sizeof(got));
	assert_string_equal(got,
	    "level=warn event=alert-messages-held count=4 window_ms=10000\n");
	/* The held-back message counted in the new window. */
	for (i = 0; i < ALERT_XMPP_BURST; i++)
		alert_raise(&f->s, &a, 60 + ALERT_XMPP_WINDOW_MS);
	assert_int_equal(f->sends, 2 * ALERT_XMPP_BURST);
	assert_int_equal(alert_counters(&f->s)->messages_held, 5);
}

/* The ring keeps the last `recent` alerts, newest first, bounded. */
static void
test_recent(void **state)
{
	struct fixture *f = *state;
	const struct alert_record *r[8];
	char id[8], from[400];
	struct alert a;
	unsigned i;

	f->cfg.recent = 3;
	f->cfg.file = NULL;
	f->cfg.message_to = NULL;
	start(f);
	assert_int_equal(alert_recent(&f->s, r, 8), 0);
	for (i = 1; i <= 5; i++) {
		snprintf(id, sizeof(id), "%u", i);
		a = sample(RULE_WORDS, id);
		a.when_ms = i;
		alert_raise(&f->s, &a, i);
	}
	assert_int_equal(alert_recent(&f->s, r, 8), 3);
	assert_string_equal(r[0]->id, "5");
	assert_string_equal(r[1]->id, "4");
	assert_string_equal(r[2]->id, "3");
	assert_int_equal(r[0]->when_ms, 5);
	assert_int_equal(r[0]->peer, PEER_PARTNER);
	assert_int_equal(r[0]->verdict, GEN_VERDICT_BOUNCE);
	assert_string_equal(r[0]->why, "blocked word");
	assert_int_equal(alert_recent(&f->s, r, 2), 2);
	assert_string_equal(r[1]->id, "4");

	/* A long value is cut before a character, not inside it. */
	memset(from, 'a', 315);
	memcpy(from + 315, "\xe2\x82\xac" "bbbb", 8);
	a.from = from;
	a.id = NULL;
	alert_raise(&f->s, &a, 10);
	assert_int_equal(alert_recent(&f->s, r, 1), 1);
	assert_int_equal(strlen(r[0]->from), 318);
	assert_memory_equal(r[0]->from, from, 315);
	assert_string_equal(r[0]->from + 315, "...");
	assert_string_equal(r[0]->id, "");
}

static void
test_no_ring(void **state)
{
	struct fixture *f = *state;
	const struct alert_record *r[2];
	struct alert a = sample(RULE_WORDS, "m");

	start(f);
	alert_raise(&f->s, &a, 0);
	assert_int_equal(alert_recent(&f->s, r, 2), 0);
	assert_int_equal(alert_counters(&f->s)->raised, 1);
}

/* Raises three alerts in F while one sink fails, and checks that the log
 * has all three and the failure once, in the line WANT. */
static void
raise_with_failing_sink(struct fixture *f, const char *want)
{
	struct alert a = sample(RULE_WORDS, "m");
	char got[8192];
	unsigned i;

	start(f);
	for (i = 0; i < 3; i++)
		alert_raise(&f->s, &a, 0);
	logged(f, got, sizeof(got));
	assert_int_equal(log_count(got, "event=alert "), 3);
	assert_int_equal(log_count(got, "event=alert-sink-failed"), 1);
	assert_non_null(strstr(got, want));
}

/* A send callback that fails stops no other sink and is logged once,
 * and once more when it works again. */
static void
test_failing_send(void **state)
{
	struct fixture *f = *state;
	struct alert a = sample(RULE_WORDS, "m");
	char got[8192];

	f->send_ret = -1;
	raise_with_failing_sink(f,
	    "level=warn event=alert-sink-failed sink=message\n");
	assert_int_equal(f->sends, 3);
	assert_int_equal(alert_counters(&f->s)->send_errors, 3);
	assert_int_equal(file_lines(f, got, sizeof(got)), 3);
	f->send_ret = 0;
	alert_raise(&f->s, &a, 0);
	logged(f, got, sizeof(got));
	assert_non_null(strstr(got,
	    "level=info event=alert-sink-recovered sink=message errors=3\n"));
	assert_int_equal(alert_counters(&f->s)->send_errors, 3);
}

/* A file that cannot be written (a full disk) stops no other sink. */
static void
test_failing_file(void **state)
{
	struct fixture *f = *state;

	f->cfg.file = "/dev/full";
	raise_with_failing_sink(f, "level=warn event=alert-sink-failed "
	    "sink=file err=\"No space left on device\"\n");
	assert_int_equal(alert_counters(&f->s)->file_errors, 3);
	assert_int_equal(f->sends, 3);
}

/* A configuration that cannot work is refused, the state left empty; an
 * empty state may be ticked and finished. */
static void
test_init_errors(void **state)
{
	struct fixture *f = *state;
	struct alert_config bad;
	char got[1024];

	assert_int_equal(alert_init(&f->s, &f->cfg, &test_policy, NULL, NULL),
	    -1);
	assert_int_equal(errno, EINVAL);
	assert_null(f->s.line);
	bad = f->cfg;
	bad.message_from = NULL;
	assert_int_equal(alert_init(&f->s, &bad, &test_policy, fake_send, f),
	    -1);
	bad = f->cfg;
	bad.rate = 5;
	assert_int_equal(alert_init(&f->s, &bad, &test_policy, fake_send, f),
	    -1);
	assert_int_equal(errno, EINVAL);
	bad = f->cfg;
	bad.recent = ALERT_RECENT_MAX + 1;
	assert_int_equal(alert_init(&f->s, &bad, &test_policy, fake_send, f),
	    -1);
	bad = f->cfg;
	bad.file = "/nonexistent/alerts.jsonl";
	assert_int_equal(alert_init(&f->s, &bad, &test_policy, fake_send, f),
	    -1);
	assert_int_equal(errno, ENOENT);
	assert_null(f->s.rules);
	logged(f, got, sizeof(got));
	assert_string_equal(got, "level=error event=alert-file-open "
	    "path=\"/nonexistent/alerts.jsonl\" "
	    "err=\"No such file or directory\"\n");
	alert_tick(&f->s, 0, 0);
	alert_fini(&f->s);
	/* fd 0 of an all-zero state is not closed. */
	assert_int_not_equal(fcntl(STDIN_FILENO, F_GETFD), -1);
}

/* Lines are appended to what the file holds. */
static void
test_file_appends(void **state)
{
	struct fixture *f = *state;
	struct alert a = sample(RULE_WORDS, "m");
	char got[4096];
	int fd = open(f->path, O_WRONLY | O_CREAT, 0600);

	assert_int_equal(write(fd, "old\n", 4), 4);
	close(fd);
	f->cfg.log = 0;
	start(f);
	alert_raise(&f->s, &a, 0);
	assert_int_equal(file_lines(f, got, sizeof(got)), 2);
	assert_int_equal(strncmp(got, "old\n{\"time\":", 12), 0);
	logged(f, got, sizeof(got));
	assert_string_equal(got, "");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_text_escaping),
		cmocka_unit_test(test_cut),
		T(test_sinks),
		T(test_absent_fields),
		T(test_hostile_fields),
		T(test_rate),
		T(test_rate_summary_at_next_alert),
		T(test_flood),
		T(test_message_cap),
		T(test_recent),
		T(test_no_ring),
		T(test_failing_send),
		T(test_failing_file),
		T(test_init_errors),
		T(test_file_appends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
