/*
 * Routing (runtime/route.c) with an egress of the test's own in place of
 * the S2S layer: what is delivered where, in whose name bounces go, which
 * sources are made to wait, and the counters per rule. Runs against
 * examples/single-edge.policy (inside: a.example, partner: b.example).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "route.h"
#include "policy_fixture.h"
#include "stanza_fixture.h"

#define MAX_STREAMS 8

/* A destination of the fake egress: one per (local, remote). */
struct fake_dst {
	int peer;
	char local[64], remote[64];
	char last[512];		/* the last stanza sent */
	size_t sent;
	int refuse;		/* send fails with resource-constraint */
	enum egress_pressure pressure;
};

static struct fake {
	struct fake_dst dst[MAX_STREAMS];
	size_t ndst;
	size_t waits;
	int paused;
} fake;

static void *
fake_get(int peer, const char *local, const char *remote,
    enum stanza_cond *cond)
{
	size_t i;

	(void)cond;
	for (i = 0; i < fake.ndst; i++)
		if (strcmp(fake.dst[i].local, local) == 0 &&
		    strcmp(fake.dst[i].remote, remote) == 0)
			return &fake.dst[i];
	assert_true(fake.ndst < MAX_STREAMS);
	fake.dst[fake.ndst].peer = peer;
	snprintf(fake.dst[fake.ndst].local, 64, "%s", local);
	snprintf(fake.dst[fake.ndst].remote, 64, "%s", remote);
	return &fake.dst[fake.ndst++];
}

static int
fake_send(void *dst, const char *bytes, size_t len,
    const struct egress_meta *m, enum stanza_cond *cond)
{
	struct fake_dst *d = dst;

	(void)m;
	if (d->refuse) {
		*cond = STANZA_COND_RESOURCE_CONSTRAINT;
		return -1;
	}
	assert_true(len < sizeof(d->last));
	memcpy(d->last, bytes, len);
	d->last[len] = '\0';
	d->sent++;
	return 0;
}

static enum egress_pressure
fake_pressure(const void *dst)
{
	return ((const struct fake_dst *)dst)->pressure;
}

static void
fake_wait(void *dst, struct egress_waiter *w)
{
	fake.waits++;
	w->waiting_for = dst;
	w->ops->pause(w);
}

static const struct egress_ops fake_egress = {
	.get = fake_get, .send = fake_send, .pressure = fake_pressure,
	.wait = fake_wait,
};

static void
fake_pause(struct egress_waiter *w)
{
	(void)w;
	fake.paused++;
}

static const struct egress_waiter_ops fake_waiter_ops = {
	.pause = fake_pause, .resume = fake_pause,
};

struct fixture {
	struct route_env r;
	struct xml_parser *xml;
	struct egress_waiter waiter;
	struct route_source src;
	char *authed[1];
};

static int
setup(void **state)
{
	struct fixture *f;

	if (strcmp(GEN_POLICY_NAME, "single-edge") != 0)
		skip();
	memset(&fake, 0, sizeof(fake));
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(route_init(&f->r, &gen_policy), 0);
	f->r.egress[GEN_PROTO_S2S] = &fake_egress;
	f->waiter.ops = &fake_waiter_ops;
	/* The partner's stream, opened to a.example, authenticated as
	 * b.example. */
	f->authed[0] = "b.example";
	f->src = (struct route_source){
	    .pipe = { .peer = fixture_peer("partner"),
	    .local = "a.example", .authed = f->authed, .nauthed = 1 },
	    .conn_id = 7, .waiter = &f->waiter };
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	route_free(&f->r);
	xml_free(f->xml);
	free(f);
	return 0;
}

static int
send_text(struct fixture *f, const char *text)
{
	enum pipe_stream_error se;
	const char *why;

	return route_stanza(&f->r, &f->src, fixture_stanza(&f->xml, text),
	    &se, &why);
}

static void
test_deliver_and_count(void **state)
{
	struct fixture *f = *state;
	unsigned rule = gen_policy.peers[fixture_peer("inside")].rules.route;

	assert_int_equal(send_text(f, "<message from='bob@b.example' "
	    "to='alice@a.example'><body>x</body></message>"), 0);
	assert_int_equal(fake.ndst, 1);
	assert_string_equal(fake.dst[0].local, "b.example");
	assert_string_equal(fake.dst[0].remote, "a.example");
	assert_int_equal(fake.dst[0].peer, fixture_peer("inside"));
	assert_string_equal(fake.dst[0].last, "<message from='bob@b.example' "
	    "to='alice@a.example'><body>x</body></message>");
	assert_int_equal(f->r.counters[rule][GEN_VERDICT_PASS], 1);
	assert_int_equal(fake.waits, 0);
}

/*
 * The amplification defect: messages to 200 unroutable domains made the
 * guard open 200 streams back to the partner, each in the name of one of
 * those domains. Every bounce now comes from the domain the partner's
 * stream was opened to, over one stream.
 */
static void
test_bounces_in_fronted_name(void **state)
{
	struct fixture *f = *state;
	char text[256];
	int i;

	for (i = 0; i < 200; i++) {
		snprintf(text, sizeof(text), "<message from='bob@b.example' "
		    "to='x@d%d.zzz.example' id='m%d'/>", i, i);
		assert_int_equal(send_text(f, text), 0);
	}
	assert_int_equal(fake.ndst, 1);
	assert_string_equal(fake.dst[0].local, "a.example");
	assert_string_equal(fake.dst[0].remote, "b.example");
	assert_int_equal(fake.dst[0].sent, 200);
	assert_string_equal(fake.dst[0].last, "<message from='a.example' "
	    "to='bob@b.example' type='error' id='m199'><error type='cancel'>"
	    "<remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-"
	    "stanzas'/>"
	    "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>Refused by the guard: no-route.</text>"
	    "</error></message>");
	assert_int_equal(f->r.counters[GEN_RULE_NO_ROUTE][GEN_VERDICT_BOUNCE],
	    200);
}

/* A refusal from the destination's egress comes back from the stanza's
 * 'to', which the guard fronts; an error is never answered. */
static void
test_refused_by_egress(void **state)
{
	struct fixture *f = *state;
	struct fake_dst *in;
	unsigned queue = gen_policy.peers[fixture_peer("inside")].rules.queue;
	const struct gen_rule *rule;
	char want[512];

	assert_int_equal(send_text(f, "<message from='bob@b.example' "
	    "to='alice@a.example'/>"), 0);
	in = &fake.dst[0];
	in->refuse = 1;
	assert_int_equal(send_text(f, "<iq from='bob@b.example/r' "
	    "to='alice@a.example/r' type='get' id='q1'><ping xmlns='urn:xmpp:"
	    "ping'/></iq>"), 0);
	assert_int_equal(fake.ndst, 2);
	assert_string_equal(fake.dst[1].local, "a.example");
	rule = &gen_policy.rules[queue];
	snprintf(want, sizeof(want), "<iq from='alice@a.example/r' "
	    "to='bob@b.example/r' type='error' id='q1'><error type='wait'>"
	    "<resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-"
	    "stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' "
	    "xml:lang='en'>Refused by the guard's policy: rule '%s' "
	    "(%s:%u).</text></error></iq>", rule->name, rule->file,
	    rule->line);
	assert_string_equal(fake.dst[1].last, want);
	assert_int_equal(f->r.counters[queue][GEN_VERDICT_BOUNCE], 1);
	assert_int_equal(send_text(f, "<message from='bob@b.example' "
	    "to='alice@a.example' type='error'/>"), 0);
	assert_int_equal(fake.dst[1].sent, 1);
}

/*
 * Malformed stanzas are refused with bad-request where an answer is due,
 * even to an IQ of no known type (RFC 6120 8.2.3 rule 2), with an empty
 * id for a request that had none (rule 3); never to an IQ result.
 */
/* Checks that the last stanza sent to the partner is bad-request for the
 * IQ with id ID from alice@a.example/r to bob@b.example/r. */
static void
expect_bad_request(const char *id)
{
	char want[512];

	snprintf(want, sizeof(want), "<iq from='alice@a.example/r' "
	    "to='bob@b.example/r' type='error' id='%s'><error type='modify'>"
	    "<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
	    "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>Refused by the guard: structure.</text>"
	    "</error></iq>", id);
	assert_string_equal(fake.dst[0].local, "a.example");
	assert_string_equal(fake.dst[0].remote, "b.example");
	assert_string_equal(fake.dst[0].last, want);
}

static void
test_malformed(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_text(f, "<iq from='bob@b.example/r' "
	    "to='alice@a.example/r' type='get' id='q1'/>"), 0);
	assert_int_equal(fake.ndst, 1);
	expect_bad_request("q1");
	assert_int_equal(send_text(f, "<iq from='bob@b.example/r' "
	    "to='alice@a.example/r' type='bogus' id='q2'><ping xmlns="
	    "'urn:xmpp:ping'/></iq>"), 0);
	expect_bad_request("q2");
	assert_int_equal(send_text(f, "<iq from='bob@b.example/r' "
	    "to='alice@a.example/r' type='get'><ping xmlns='urn:xmpp:ping'/>"
	    "</iq>"), 0);
	expect_bad_request("");
	assert_int_equal(send_text(f, "<iq from='bob@b.example/r' "
	    "to='alice@a.example/r' type='result' id='q3'><a xmlns='urn:x'/>"
	    "<b xmlns='urn:x'/></iq>"), 0);
	assert_int_equal(fake.dst[0].sent, 3);
	assert_int_equal(fake.ndst, 1);
	assert_int_equal(f->r.counters[GEN_RULE_STRUCTURE][GEN_VERDICT_BOUNCE],
	    4);
}

/* An IQ with a malformed 'to' is answered with an IQ, from the domain the
 * sender's stream was opened to. */
static void
test_bad_to_answered_in_kind(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_text(f, "<iq from='bob@b.example/r' "
	    "to='a@@a.example' type='get' id='q9'><ping xmlns='urn:xmpp:"
	    "ping'/></iq>"), 0);
	assert_int_equal(fake.ndst, 1);
	assert_string_equal(fake.dst[0].last, "<iq from='a.example' "
	    "to='bob@b.example/r' type='error' id='q9'><error type='modify'>"
	    "<jid-malformed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
	    "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>Refused by the guard: address.</text>"
	    "</error></iq>");
}

/* A slow destination makes the source wait; a backlog only does where
 * the source's own bounces fill it. */
static void
test_backpressure(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_text(f, "<message from='bob@b.example' "
	    "to='alice@a.example'/>"), 0);
	fake.dst[0].pressure = EGRESS_BACKLOG;
	assert_int_equal(send_text(f, "<message from='bob@b.example' "
	    "to='alice@a.example'/>"), 0);
	assert_int_equal(fake.waits, 0);
	fake.dst[0].pressure = EGRESS_SLOW;
	assert_int_equal(send_text(f, "<message from='bob@b.example' "
	    "to='alice@a.example'/>"), 0);
	assert_int_equal(fake.waits, 1);
	assert_int_equal(fake.paused, 1);
	f->waiter.waiting_for = NULL;
	/* The way back for bounces is a.example -> b.example. */
	assert_int_equal(send_text(f, "<message from='bob@b.example' "
	    "to='x@nowhere.invalid'/>"), 0);
	fake.dst[1].pressure = EGRESS_BACKLOG;
	assert_int_equal(send_text(f, "<message from='bob@b.example' "
	    "to='x@nowhere.invalid'/>"), 0);
	assert_int_equal(fake.waits, 2);
}

/* An undeliverable stanza from the queue of an egress goes back to its
 * sender from its 'to'. */
static void
test_undeliverable(void **state)
{
	struct fixture *f = *state;
	struct egress_meta m = { .kind = GEN_KIND_MESSAGE,
	    .from = "alice@a.example/r", .to = "bob@b.example", .id = "u1",
	    .rule = gen_policy.peers[fixture_peer("partner")].rules.route };

	route_undeliverable(&f->r, &m, STANZA_COND_REMOTE_SERVER_TIMEOUT);
	assert_int_equal(fake.ndst, 1);
	assert_string_equal(fake.dst[0].local, "b.example");
	assert_string_equal(fake.dst[0].remote, "a.example");
	assert_int_equal(fake.dst[0].peer, fixture_peer("inside"));
	assert_int_equal(f->r.counters[m.rule][GEN_VERDICT_BOUNCE], 1);
	m.type = "result";
	m.kind = GEN_KIND_IQ;
	route_undeliverable(&f->r, &m, STANZA_COND_REMOTE_SERVER_TIMEOUT);
	assert_int_equal(fake.dst[0].sent, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_deliver_and_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bounces_in_fronted_name,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_by_egress, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_to_answered_in_kind,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_backpressure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_undeliverable, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
