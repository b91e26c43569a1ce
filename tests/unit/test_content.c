/*
 * The content stage (runtime/content.c) through the decision pipeline,
 * against examples/single-edge.policy: presence folding and its memo,
 * message folding, feature restriction, size, the rules recorded, and
 * hostile shapes. Blocking is in test_content_block.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "content_fixture.h"

#define PRES "<presence from='alice@a.example/r' to='bob@b.example'"
#define PRES_OUT "<presence from='alice@a.example/r' to='bob@b.example'"
#define MSG "<message from='alice@a.example/r' to='bob@b.example' " \
	"type='chat' id='m1'>"
#define MSG_OUT MSG
#define BODY "<body>hi</body>"
#define XHTML "<html xmlns='http://jabber.org/protocol/xhtml-im'><body " \
	"xmlns='http://www.w3.org/1999/xhtml'><p>hi</p></body></html>"

/* Everything but the state goes: show away, xa and dnd become away. */
static void
test_fold_away(void **state)
{
	struct fixture *f = *state;
	static const char *const shows[] = { "away", "xa", "dnd" };
	char text[1024];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), PRES " xml:lang='en' x='1' "
		    "id='p1'><show>%s</show><status>at lunch</status>"
		    "<priority>5</priority><c xmlns='http://jabber.org/"
		    "protocol/caps' hash='sha-1' node='n' ver='v'/><x xmlns="
		    "'vcard-temp:x:update'><photo>ab</photo></x><idle xmlns="
		    "'urn:xmpp:idle:1' since='1969-07-21T02:56:15Z'/><nick "
		    "xmlns='http://jabber.org/protocol/nick'>A</nick><x xmlns="
		    "'jabber:x:signed'>sig</x><delay xmlns='urn:xmpp:delay' "
		    "stamp='2002-09-10T23:41:07Z'/></presence>", shows[i]);
		assert_int_equal(out(f, text), PIPE_DELIVER);
		delivered(f, PRES_OUT " id='p1'><show>away</show></presence>");
		assert_int_equal(f->c.decision.verdict, GEN_VERDICT_MODIFY);
		assert_true(has_hit(f, R_FOLD, GEN_VERDICT_MODIFY));
	}
}

/* Chat and no show at all are available: no show crosses. */
static void
test_fold_available(void **state)
{
	struct fixture *f = *state;

	out(f, PRES "><show>chat</show><status>hi</status></presence>");
	delivered(f, PRES_OUT "/>");
	out(f, PRES "><show>bogus</show></presence>");
	delivered(f, PRES_OUT "/>");
	/* A second show does not make a state of its own. */
	out(f, PRES "><show>dnd</show><show>xa</show></presence>");
	delivered(f, PRES_OUT "><show>away</show></presence>");
	/* Already folded: crosses as it is, and no rule acted. */
	out(f, PRES "/>");
	delivered(f, PRES_OUT "/>");
	assert_int_equal(f->c.nhits, 0);
	assert_int_equal(f->c.decision.verdict, GEN_VERDICT_PASS);
}

/* Unavailable, subscriptions and probes lose every child; errors are left
 * as they are; a room's own element stays on a join and a leave. */
static void
test_fold_types(void **state)
{
	struct fixture *f = *state;
	static const char *const types[] = { "unavailable", "subscribe",
	    "subscribed", "unsubscribe", "unsubscribed", "probe" };
	char text[512], want[512];
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(text, sizeof(text), PRES " type='%s'><show>away</show>"
		    "<status>bye</status><nick xmlns='http://jabber.org/"
		    "protocol/nick'>A</nick></presence>", types[i]);
		snprintf(want, sizeof(want), PRES_OUT " type='%s'/>",
		    types[i]);
		out(f, text);
		delivered(f, want);
	}
	out(f, PRES " type='error' xml:lang='en'><status>s</status><error "
	    "type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-"
	    "stanzas'/></error></presence>");
	delivered(f, PRES_OUT " type='error' xml:lang='en'><status>s</status>"
	    "<error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-"
	    "stanzas'/></error></presence>");
	assert_int_equal(f->c.nhits, 0);
	out(f, "<presence from='alice@a.example/r' to='room@b.example/"
	    "al'><status>s</status><x xmlns='http://jabber.org/protocol/"
	    "muc'><history maxstanzas='0'/></x></presence>");
	delivered(f, "<presence from='alice@a.example/r' to='room@"
	    "b.example/al'><x xmlns='http://jabber.org/protocol/muc'>"
	    "<history maxstanzas='0'/></x></presence>");
	out(f, "<presence from='alice@a.example/r' to='room@b.example/"
	    "al' type='unavailable'><status>s</status><x xmlns='http://"
	    "jabber.org/protocol/muc#user'/></presence>");
	delivered(f, "<presence from='alice@a.example/r' to='room@"
	    "b.example/al' type='unavailable'><x xmlns='http://jabber.org/"
	    "protocol/muc#user'/></presence>");
}

/* Sends presence from FROM to TO (full or bare) of TYPE (NULL:
 * available) with SHOW (NULL: none) from the inside, and returns how
 * the run ended. */
static enum pipe_end
presence(struct fixture *f, const char *from, const char *to,
    const char *type, const char *show)
{
	char text[512];

	snprintf(text, sizeof(text), "<presence from='%s' to='%s'%s%s%s>%s%s%s"
	    "<status>x</status></presence>", from, to,
	    type != NULL ? " type='" : "", type != NULL ? type : "",
	    type != NULL ? "'" : "", show != NULL ? "<show>" : "",
	    show != NULL ? show : "", show != NULL ? "</show>" : "");
	return out(f, text);
}

/* The memo: an unchanged folded state is dropped by the fold rule (not
 * an alert: nothing was refused); a change, an unavailable and what
 * follows it cross. */
static void
test_memo(void **state)
{
	struct fixture *f = *state;
	const char *a = "alice@a.example/r", *b = "bob@b.example";

	f->memo = fold_memo_new(64);
	assert_non_null(f->memo);
	assert_int_equal(presence(f, a, b, NULL, NULL), PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, NULL, "chat"), PIPE_DROP);
	ended(f, PIPE_DROP, R_FOLD);
	assert_int_equal(gen_policy.rules[f->c.decision.rule].alert, 0);
	assert_string_equal(f->c.why, "folded presence unchanged");
	/* The rule counts once for the stanza, as what it did in the end. */
	assert_int_equal(f->c.nhits, 1);
	assert_int_equal(presence(f, a, b, NULL, "xa"), PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, NULL, "dnd"), PIPE_DROP);
	assert_int_equal(presence(f, a, b, "unavailable", NULL),
	    PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, "unavailable", NULL),
	    PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, NULL, "away"), PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, NULL, "away"), PIPE_DROP);
	/* Case does not make another user; another user is another pair. */
	assert_int_equal(presence(f, "Alice@A.Example/r", "BOB@b.example",
	    NULL, "away"), PIPE_DROP);
	assert_int_equal(presence(f, "carol@a.example/r", b, NULL, "away"),
	    PIPE_DELIVER);
	/* An error presence neither counts nor forgets. */
	assert_int_equal(out(f, "<presence from='alice@a.example/r' to="
	    "'bob@b.example' type='error'><error type='cancel'><gone xmlns="
	    "'urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>"),
	    PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, NULL, "away"), PIPE_DROP);
}

/* A probe or a subscription change, from either side, makes the next
 * update cross whatever it says. */
static void
test_memo_probe(void **state)
{
	struct fixture *f = *state;
	const char *a = "alice@a.example/r", *b = "bob@b.example";

	f->memo = fold_memo_new(64);
	assert_non_null(f->memo);
	assert_int_equal(presence(f, a, b, NULL, NULL), PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, NULL, NULL), PIPE_DROP);
	assert_int_equal(in(f, "<presence from='bob@b.example' to="
	    "'alice@a.example' type='probe'/>"), PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, NULL, NULL), PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, NULL, NULL), PIPE_DROP);
	assert_int_equal(in(f, "<presence from='bob@b.example' to="
	    "'alice@a.example' type='subscribed'/>"), PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, NULL, NULL), PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, "subscribe", NULL), PIPE_DELIVER);
	assert_int_equal(presence(f, a, b, NULL, NULL), PIPE_DELIVER);
}

/* Resources are told apart (case matters in a resource), and so are the
 * full JIDs directed presence goes to: a nick change in a room is
 * presence to another occupant JID, and crosses. */
static void
test_memo_resources(void **state)
{
	struct fixture *f = *state;
	const char *b = "bob@b.example";

	f->memo = fold_memo_new(64);
	assert_non_null(f->memo);
	assert_int_equal(presence(f, "alice@a.example/Phone", b, NULL, NULL),
	    PIPE_DELIVER);
	assert_int_equal(presence(f, "alice@a.example/phone", b, NULL, NULL),
	    PIPE_DELIVER);
	assert_int_equal(presence(f, "alice@a.example/phone", b, NULL, NULL),
	    PIPE_DROP);
	assert_int_equal(presence(f, "alice@a.example/phone",
	    "bob@b.example/x", NULL, NULL), PIPE_DELIVER);
	assert_int_equal(presence(f, "alice@a.example/phone",
	    "bob@b.example/y", NULL, NULL), PIPE_DELIVER);
	/* Gone unavailable to bob's bare JID: gone for bob's resources. */
	assert_int_equal(presence(f, "alice@a.example/phone", b,
	    "unavailable", NULL), PIPE_DELIVER);
	assert_int_equal(presence(f, "alice@a.example/phone",
	    "bob@b.example/x", NULL, NULL), PIPE_DELIVER);
}

/* A room's presence is the room protocol, not a status update: a join
 * again, a role change with the same show, each crosses. */
static void
test_memo_room(void **state)
{
	struct fixture *f = *state;
	static const char join[] = "<presence from='alice@a.example/r' to="
	    "'room@b.example/al'><x xmlns='http://jabber.org/protocol/"
	    "muc'/></presence>", role[] = "<presence from='room@a.example/"
	    "al' to='bob@b.example/r'><x xmlns='http://jabber.org/protocol/"
	    "muc#user'><item affiliation='none' role='%s'/></x></presence>";
	char text[512];

	f->memo = fold_memo_new(64);
	assert_non_null(f->memo);
	assert_int_equal(out(f, join), PIPE_DELIVER);
	assert_int_equal(out(f, join), PIPE_DELIVER);
	snprintf(text, sizeof(text), role, "visitor");
	assert_int_equal(out(f, text), PIPE_DELIVER);
	snprintf(text, sizeof(text), role, "participant");
	assert_int_equal(out(f, text), PIPE_DELIVER);
	delivered(f, "<presence from='room@a.example/al' to='bob@"
	    "b.example/r'><x xmlns='http://jabber.org/protocol/muc#user'>"
	    "<item affiliation='none' role='participant'/></x></presence>");
}

/* Message folding: what is stripped goes, a message left with nothing
 * to say is dropped by the strip rule, one that had nothing to begin
 * with crosses. */
static void
test_message_fold(void **state)
{
	struct fixture *f = *state;

	out(f, MSG BODY XHTML "</message>");
	delivered(f, MSG_OUT BODY "</message>");
	assert_true(has_hit(f, R_STRIP, GEN_VERDICT_MODIFY));
	assert_int_equal(f->c.decision.verdict, GEN_VERDICT_MODIFY);
	out(f, MSG "<composing xmlns='http://jabber.org/protocol/chatstates'"
	    "/></message>");
	ended(f, PIPE_DROP, R_STRIP);
	assert_int_equal(f->c.nhits, 1);
	out(f, MSG "<active xmlns='http://jabber.org/protocol/chatstates'/>"
	    BODY "</message>");
	delivered(f, MSG_OUT BODY "</message>");
	out(f, MSG BODY "<request xmlns='urn:xmpp:receipts'/></message>");
	delivered(f, MSG_OUT BODY "</message>");
	out(f, MSG "<received xmlns='urn:xmpp:receipts' id='x'/></message>");
	ended(f, PIPE_DROP, R_STRIP);
	out(f, MSG "<displayed xmlns='urn:xmpp:chat-markers:0' id='x'/>"
	    "</message>");
	ended(f, PIPE_DROP, R_STRIP);
	out(f, MSG "<thread>t1</thread><origin-id xmlns='urn:xmpp:sid:0' "
	    "id='o'/><no-store xmlns='urn:xmpp:hints'/><store xmlns='urn:"
	    "xmpp:hints'/><private xmlns='urn:xmpp:carbons:2'/><delay xmlns="
	    "'urn:xmpp:delay' stamp='2002-09-10T23:41:07Z'/><paused xmlns="
	    "'http://jabber.org/protocol/chatstates'/></message>");
	ended(f, PIPE_DROP, R_STRIP);
	/* A correction is content of its own once its marker is gone. */
	out(f, MSG "<body>fixed</body><replace xmlns='urn:xmpp:message-"
	    "correct:0' id='m0'/></message>");
	delivered(f, MSG_OUT "<body>fixed</body></message>");
	out(f, MSG "</message>");
	delivered(f, "<message from='alice@a.example/r' to='bob@b.example' "
	    "type='chat' id='m1'/>");
	assert_int_equal(f->c.nhits, 0);
	out(f, MSG "<thread>t1</thread></message>");
	delivered(f, MSG_OUT "<thread>t1</thread></message>");
	/* An error is not dropped for what it lost. */
	out(f, "<message from='alice@a.example/r' to='bob@b.example' type="
	    "'error'><active xmlns='http://jabber.org/protocol/chatstates'/>"
	    "<error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-"
	    "stanzas'/></error></message>");
	delivered(f, "<message from='alice@a.example/r' to='bob@b.example' "
	    "type='error'><error type='cancel'><gone xmlns='urn:ietf:params:"
	    "xml:ns:xmpp-stanzas'/></error></message>");
	/* The partner's filter strips XHTML-IM only. */
	in(f, "<message from='bob@b.example/r' to='alice@a.example'>" BODY
	    XHTML "<active xmlns='http://jabber.org/protocol/chatstates'/>"
	    "</message>");
	delivered(f, "<message from='bob@b.example/r' to='alice@a.example'>"
	    BODY "<active xmlns='http://jabber.org/protocol/chatstates'/>"
	    "</message>");
	assert_true(has_hit(f, R_IN_STRIP, GEN_VERDICT_MODIFY));
}

/* A carbon or forward of a message that has nothing left is dropped
 * with it; one that has a body crosses without what was stripped. */
static void
test_message_fold_wrapped(void **state)
{
	struct fixture *f = *state;

	out(f, MSG "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns="
	    "'urn:xmpp:forward:0'><message xmlns='jabber:client' from="
	    "'carol@b.example/x' to='alice@a.example/r' type='chat'><gone "
	    "xmlns='http://jabber.org/protocol/chatstates'/></message>"
	    "</forwarded></received></message>");
	ended(f, PIPE_DROP, R_STRIP);
	out(f, MSG "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns="
	    "'urn:xmpp:forward:0'><message xmlns='jabber:client' from="
	    "'alice@a.example/x' to='carol@b.example' type='chat'><body>"
	    "yo</body>" XHTML "</message></forwarded></sent></message>");
	delivered(f, MSG_OUT "<sent xmlns='urn:xmpp:carbons:2'><forwarded "
	    "xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' "
	    "from='alice@a.example/x' to='carol@b.example' type='chat'>"
	    "<body>yo</body></message></forwarded></sent></message>");
}

/* Service discovery answers lose the features a filter strips or
 * blocks, and their +notify forms; identities and the rest stay. */
static void
test_features(void **state)
{
	struct fixture *f = *state;
	static const char *const gone[] = {
		"http://jabber.org/protocol/si/profile/file-transfer",
		"urn:xmpp:jingle:apps:file-transfer:5",
		"urn:xmpp:jingle:apps:rtp:1", "urn:xmpp:jingle:apps:rtp:audio",
		"eu.siacs.conversations.axolotl", "urn:xmpp:omemo:2",
		"http://jabber.org/protocol/xhtml-im",
		"http://jabber.org/protocol/chatstates", "urn:xmpp:receipts",
		"urn:xmpp:chat-markers:0", "urn:xmpp:omemo:2+notify",
		"http://jabber.org/protocol/ibb", "jabber:iq:oob",
	};
	char text[4096];
	size_t i, n;

	n = (size_t)snprintf(text, sizeof(text), "<iq from='alice@a.example/r'"
	    " to='bob@b.example/r' type='result' id='d1'><query xmlns='http:"
	    "//jabber.org/protocol/disco#info'><identity category='client' "
	    "type='pc' name='x'/><feature var='urn:xmpp:ping'/>");
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "<feature var='%s'/>", gone[i]);
	snprintf(text + n, sizeof(text) - n, "<feature var='urn:xmpp:omemo:"
	    "22'/><feature var='urn:xmpp:time'/></query></iq>");
	out(f, text);
	delivered(f, "<iq from='alice@a.example/r' to='bob@b.example/r' "
	    "type='result' id='d1'><query xmlns='http://jabber.org/protocol/"
	    "disco#info'><identity category='client' type='pc' name='x'/>"
	    "<feature var='urn:xmpp:ping'/><feature var='urn:xmpp:omemo:22'/>"
	    "<feature var='urn:xmpp:time'/></query></iq>");
	assert_true(has_hit(f, R_STRIP, GEN_VERDICT_MODIFY));
	assert_int_equal(f->c.nhits, 1);
	/* Inbound, only what from-partner strips or blocks goes. */
	in(f, "<iq from='bob@b.example/r' to='alice@a.example/r' type="
	    "'result' id='d2'><query xmlns='http://jabber.org/protocol/disco"
	    "#info'><feature var='http://jabber.org/protocol/xhtml-im'/>"
	    "<feature var='http://jabber.org/protocol/chatstates'/><feature "
	    "var='urn:xmpp:jingle:apps:rtp:1'/><feature var='http://jabber."
	    "org/protocol/ibb'/></query></iq>");
	delivered(f, "<iq from='bob@b.example/r' to='alice@a.example/r' "
	    "type='result' id='d2'><query xmlns='http://jabber.org/protocol/"
	    "disco#info'><feature var='http://jabber.org/protocol/chatstates'"
	    "/><feature var='urn:xmpp:jingle:apps:rtp:1'/></query></iq>");
	/* Nothing to remove: untouched, no rule. */
	out(f, "<iq from='alice@a.example/r' to='bob@b.example/r' type="
	    "'result' id='d3'><query xmlns='http://jabber.org/protocol/disco"
	    "#info'><feature var='urn:xmpp:ping'/></query></iq>");
	assert_int_equal(f->c.nhits, 0);
	/* A get asks; it lists nothing. */
	out(f, "<iq from='alice@a.example/r' to='bob@b.example/r' type='get'"
	    " id='d4'><query xmlns='http://jabber.org/protocol/disco#info'/>"
	    "</iq>");
	delivered(f, "<iq from='alice@a.example/r' to='bob@b.example/r' "
	    "type='get' id='d4'><query xmlns='http://jabber.org/protocol/"
	    "disco#info'/></iq>");
}

/* Presence from the partner keeps its status (no fold inbound), but
 * loses its caps, all of them: their hash may name a blocked feature. */
static void
test_caps(void **state)
{
	struct fixture *f = *state;

	in(f, "<presence from='bob@b.example/r' to='alice@a.example'><c "
	    "xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' "
	    "ver='v'/><status>hi</status><c xmlns='http://jabber.org/"
	    "protocol/caps' hash='sha-1' node='m' ver='w'/></presence>");
	delivered(f, "<presence from='bob@b.example/r' to='alice@a.example'>"
	    "<status>hi</status></presence>");
	assert_true(has_hit(f, R_IN_STRIP, GEN_VERDICT_MODIFY));
	assert_int_equal(f->c.nhits, 1);
}

/* Builds a message from the inside of about TOTAL bytes: a body of
 * BODY bytes, and XHTML-IM filling the rest. Caller frees. */
static char *
sized(size_t body, size_t total)
{
	static const char head[] = MSG "<body>", mid[] = "</body><html xmlns="
	    "'http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3"
	    ".org/1999/xhtml'><p>", tail[] = "</p></body></html></message>";
	size_t fill = total - body, n = 0;
	char *s = malloc(total + sizeof(head) + sizeof(mid) + sizeof(tail));

	assert_non_null(s);
	memcpy(s + n, head, sizeof(head) - 1);
	n += sizeof(head) - 1;
	memset(s + n, 'x', body);
	n += body;
	if (fill > 0) {
		memcpy(s + n, mid, sizeof(mid) - 1);
		n += sizeof(mid) - 1;
		memset(s + n, 'y', fill);
		n += fill;
		memcpy(s + n, tail, sizeof(tail));
	} else {
		memcpy(s + n, "</body></message>", 18);
	}
	return s;
}

/* The partner takes at most 64 KiB by its peer limit, and its filter
 * at most 16 KiB: measured on what crosses, after stripping. */
static void
test_size(void **state)
{
	struct fixture *f = *state;
	char *s;

	s = sized(65 * 1024, 65 * 1024);
	assert_int_equal(out(f, s), PIPE_REFUSE);
	/* The peer's own limit is checked first. */
	assert_string_equal(gen_policy.rules[f->c.decision.rule].name,
	    "peer partner stanza-size");
	free(s);
	s = sized(17 * 1024, 17 * 1024);
	assert_int_equal(out(f, s), PIPE_REFUSE);
	assert_string_equal(gen_policy.rules[f->c.decision.rule].name,
	    "filter to-partner stanza-size");
	free(s);
	s = sized(15 * 1024, 15 * 1024);
	assert_int_equal(out(f, s), PIPE_DELIVER);
	free(s);
	s = sized(1024, 200 * 1024);
	assert_int_equal(out(f, s), PIPE_DELIVER);
	assert_true(f->c.len < 1200);
	assert_true(has_hit(f, R_STRIP, GEN_VERDICT_MODIFY));
	free(s);
}

/* One hit per rule however often it acted, never past PIPE_MAX_HITS. */
static void
test_hits(void **state)
{
	struct fixture *f = *state;
	size_t n, i, cap = 128 * 1024;
	char *text = malloc(cap);

	assert_non_null(text);
	n = (size_t)snprintf(text, cap, "%s", MSG BODY);
	/* Under the filter's 16 KiB once the chat states are stripped. */
	for (i = 0; i < 500; i++)
		n += (size_t)snprintf(text + n, cap - n, "<active xmlns='http:"
		    "//jabber.org/protocol/chatstates'/><x xmlns='urn:a'/>");
	assert_true(n + 16 < cap);
	snprintf(text + n, cap - n, "</message>");
	assert_int_equal(out(f, text), PIPE_DELIVER);
	free(text);
	assert_int_equal(f->c.nhits, 1);
	assert_int_equal(f->c.hits[0].rule, fixture_rule(R_STRIP));
	assert_int_equal(f->c.hits[0].peer, fixture_peer("partner"));
	assert_int_equal(f->c.hits[0].dir, PIPE_OUTBOUND);
	assert_int_equal(f->c.len, strlen(MSG BODY "</message>") +
	    500 * strlen("<x xmlns='urn:a'/>"));
	/* Presence: stripped, folded; then a repeat dropped. */
	f->memo = fold_memo_new(64);
	assert_non_null(f->memo);
	assert_int_equal(out(f, PRES "><active xmlns='http://jabber.org/"
	    "protocol/chatstates'/><status>s</status></presence>"),
	    PIPE_DELIVER);
	assert_int_equal(f->c.nhits, 2);
	assert_true(has_hit(f, R_STRIP, GEN_VERDICT_MODIFY));
	assert_true(has_hit(f, R_FOLD, GEN_VERDICT_MODIFY));
	assert_true(f->c.nhits <= PIPE_MAX_HITS);
	assert_int_equal(out(f, PRES "><active xmlns='http://jabber.org/"
	    "protocol/chatstates'/></presence>"), PIPE_DROP);
	assert_true(has_hit(f, R_FOLD, GEN_VERDICT_DROP));
	assert_false(has_hit(f, R_FOLD, GEN_VERDICT_MODIFY));
}

/* Nesting at the tokenizer's bound: blocked content found at the bottom;
 * plain content crosses unchanged. */
static void
test_deep(void **state)
{
	struct fixture *f = *state;
	char text[4096], want[4096];
	size_t n = 0, w = 0, i, depth = 31;

	n += (size_t)snprintf(text + n, sizeof(text) - n, MSG);
	w += (size_t)snprintf(want + w, sizeof(want) - w, MSG_OUT);
	for (i = 0; i < depth - 1; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "<x xmlns="
		    "'urn:a'>");
		w += (size_t)snprintf(want + w, sizeof(want) - w, i == 0 ?
		    "<x xmlns='urn:a'>" : "<x>");
	}
	memcpy(text + n, "%s", 3);
	for (i = 0; i < depth - 1; i++)
		strcat(text, "</x>");
	strcat(text, "</message>");
	{
		char buf[4096];

		snprintf(buf, sizeof(buf), text, "<encrypted xmlns='urn:xmpp:"
		    "omemo:2'/>");
		assert_int_equal(out(f, buf), PIPE_REFUSE);
		ended(f, PIPE_REFUSE, R_ENC);
		snprintf(buf, sizeof(buf), text, "<y xmlns='urn:b'/>");
		assert_int_equal(out(f, buf), PIPE_DELIVER);
	}
	w += (size_t)snprintf(want + w, sizeof(want) - w, "<y xmlns='urn:b'"
	    "/>");
	for (i = 0; i < depth - 1; i++)
		w += (size_t)snprintf(want + w, sizeof(want) - w, "</x>");
	snprintf(want + w, sizeof(want) - w, "</message>");
	delivered(f, want);
}

/* Namespaces that a blocked one is a prefix of, or that are a prefix of
 * one, long ones, and blocked names as attribute values or text, cross. */
static void
test_near_misses(void **state)
{
	struct fixture *f = *state;
	static const char *const ns[] = {
		"urn:xmpp:omemo:22", "urn:xmpp:omemo", "urn:xmpp:omemo:",
		"urn:xmpp:omemo:2:device", "eu.siacs.conversations.axolotlx",
		"eu.siacs.conversations.axolot", "jabber:x:encrypted2",
		"URN:XMPP:OMEMO:2", "urn:xmpp:jingle:1",
	};
	char text[8192], want[8192], *lng;
	size_t i;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		snprintf(text, sizeof(text), MSG "<encrypted xmlns='%s'/>"
		    BODY "</message>", ns[i]);
		assert_int_equal(out(f, text), PIPE_DELIVER);
		delivered(f, text);
	}
	out(f, MSG "<x xmlns='urn:a' ns='urn:xmpp:omemo:2' var="
	    "'eu.siacs.conversations.axolotl'/><body>urn:xmpp:omemo:2</body>"
	    "</message>");
	assert_int_equal(f->c.end, PIPE_DELIVER);
	assert_int_equal(f->c.nhits, 0);
	lng = malloc(4001);
	assert_non_null(lng);
	memset(lng, 'n', 4000);
	memcpy(lng, "urn:xmpp:omemo:2", 16);
	lng[4000] = '\0';
	snprintf(text, sizeof(text), MSG "<e xmlns='%s'/></message>", lng);
	assert_int_equal(out(f, text), PIPE_DELIVER);
	snprintf(want, sizeof(want), MSG_OUT "<e xmlns='%s'/></message>", lng);
	delivered(f, want);
	free(lng);
}

int
main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_fold_away), T(test_fold_available), T(test_fold_types),
		T(test_memo), T(test_memo_probe), T(test_memo_resources),
		T(test_memo_room), T(test_message_fold),
		T(test_message_fold_wrapped), T(test_features), T(test_caps),
		T(test_size), T(test_hits), T(test_deep),
		T(test_near_misses),
	};
#undef T

	return cmocka_run_group_tests_name("content", tests, NULL, NULL);
}
