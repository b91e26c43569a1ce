/*
 * Blocking in the content stage (runtime/content.c), against
 * examples/single-edge.policy: encrypted traffic, file transfer, calls,
 * rooms; the verdicts an IQ gets; blocked content inside wrappers and
 * split across a body's text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "content_fixture.h"

#define MSG "<message from='alice@a.example/r' to='bob@b.example' " \
	"type='chat' id='m1'>"
#define IQ "<iq from='alice@a.example/r' to='bob@b.example/r' id='i1' "
#define IN_IQ "<iq from='bob@b.example/r' to='alice@a.example/r' id='i1' "
#define FALLBACK "<body>I sent you an encrypted message.</body>"

/* Encrypted payloads, each in one of the namespaces of the group. */
static const char *const encrypted[] = {
	"<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>"
	    "<iv>aa</iv></header><payload>bb</payload></encrypted>",
	"<encrypted xmlns='urn:xmpp:omemo:1'><header sid='1'/></encrypted>",
	"<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'/><payload>bb"
	    "</payload></encrypted>",
	"<openpgp xmlns='urn:xmpp:openpgp:0'>cc</openpgp>",
	"<x xmlns='jabber:x:encrypted'>dd</x>",
	"<encryption xmlns='urn:xmpp:eme:0' namespace='urn:xmpp:otr:0'/>",
};

/* Encrypted messages are refused whole, fallback body or not, both ways. */
static void
test_encrypted(void **state)
{
	struct fixture *f = *state;
	char text[1024];
	size_t i;

	for (i = 0; i < sizeof(encrypted) / sizeof(encrypted[0]); i++) {
		snprintf(text, sizeof(text), MSG FALLBACK "%s</message>",
		    encrypted[i]);
		assert_int_equal(out(f, text), PIPE_REFUSE);
		ended(f, PIPE_REFUSE, R_ENC);
		assert_int_equal(f->c.at_peer, fixture_peer("partner"));
		assert_int_equal(f->c.at_dir, PIPE_OUTBOUND);
		snprintf(text, sizeof(text), "<message from='bob@b.example/r' "
		    "to='alice@a.example'>%s" FALLBACK "</message>",
		    encrypted[i]);
		assert_int_equal(in(f, text), PIPE_REFUSE);
		ended(f, PIPE_REFUSE, R_IN_ENC);
		assert_int_equal(f->c.at_dir, PIPE_INBOUND);
	}
}

/* OTR lives in the body: its markers, its whitespace tag; even split by
 * an element a filter strips, or by one that stays. */
static void
test_otr(void **state)
{
	struct fixture *f = *state;
	static const char *const bodies[] = {
		"?OTRv23?", "?OTR:AAMGAAAAAAAAAAEAAAAB",
		"hello \t  \t\t\t\t \t \t \t   \t\t  \t ",
		"?OT<span xmlns='http://jabber.org/protocol/xhtml-im'/>R:AAMG",
		"?O<b xmlns='urn:a'>T</b>R:AAMG",
		"?OTR&#x3a;", "<![CDATA[?OTR]]>v2?",
	};
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		snprintf(text, sizeof(text), MSG "<body>%s</body></message>",
		    bodies[i]);
		assert_int_equal(out(f, text), PIPE_REFUSE);
		ended(f, PIPE_REFUSE, R_ENC);
		assert_string_equal(f->c.why, "OTR-encrypted message");
	}
	/* Inside a forwarded message, and inbound. */
	assert_int_equal(in(f, "<message from='bob@b.example/r' to='alice@"
	    "a.example'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns="
	    "'jabber:client'><body>?OTRv3?</body></message></forwarded>"
	    "</message>"), PIPE_REFUSE);
	ended(f, PIPE_REFUSE, R_IN_ENC);
	/* Not OTR: the words alone, another case; in a subject, it is. */
	assert_int_equal(out(f, MSG "<body>OTR? ?otr: what is OTR</body>"
	    "<subject>OTR</subject></message>"), PIPE_DELIVER);
	assert_int_equal(out(f, MSG "<body>hi</body><subject>?OTR:AAMG"
	    "</subject></message>"), PIPE_REFUSE);
}

/* Encrypted file links are file transfer, in any case of the scheme. */
static void
test_links(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(out(f, MSG "<body>aesgcm://up.b.example/f.jpg#0011"
	    "</body></message>"), PIPE_REFUSE);
	ended(f, PIPE_REFUSE, R_FT);
	assert_string_equal(f->c.why, "encrypted file link");
	assert_int_equal(out(f, MSG "<body>see AESGCM://x/y</body>"
	    "</message>"), PIPE_REFUSE);
	assert_int_equal(out(f, MSG "<body>aesgcm:<i xmlns='urn:a'/>//x/y"
	    "</body></message>"), PIPE_REFUSE);
	/* Inbound file transfer is a drop. */
	assert_int_equal(in(f, "<message from='bob@b.example/r' to='alice@"
	    "a.example'><body>aesgcm://x/y</body></message>"), PIPE_DROP);
	ended(f, PIPE_DROP, R_IN_FT);
	assert_int_equal(out(f, MSG "<body>https://x/aesgcm/y</body>"
	    "</message>"), PIPE_DELIVER);
}

/* File transfer and calls, by IQ and by message. */
static void
test_transfer(void **state)
{
	struct fixture *f = *state;
	static const char *const iqs[] = {
		"<open xmlns='http://jabber.org/protocol/ibb' "
		    "block-size='4096' sid='s'/>",
		"<query xmlns='http://jabber.org/protocol/bytestreams' sid='s'>"
		    "<streamhost jid='p.a.example' host='1.2.3.4' port='7777'/>"
		    "</query>",
		"<si xmlns='http://jabber.org/protocol/si' id='s' profile="
		    "'http://jabber.org/protocol/si/profile/file-transfer'>"
		    "<file xmlns='http://jabber.org/protocol/si/profile/"
		    "file-transfer' name='a' size='1'/></si>",
		"<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' "
		    "sid='s'><content creator='initiator' name='f'>"
		    "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'>"
		    "<file><name>a</name></file></description><transport "
		    "xmlns='urn:xmpp:jingle:transports:s5b:1' sid='t'/>"
		    "</content></jingle>",
		"<query xmlns='jabber:iq:oob'><url>http://x/y</url></query>",
		"<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' "
		    "sid='s'><content creator='initiator' name='v'>"
		    "<description xmlns='urn:xmpp:jingle:apps:rtp:1' "
		    "media='audio'><payload-type id='111' name='opus'/>"
		    "</description><transport xmlns='urn:xmpp:jingle:"
		    "transports:ice-udp:1'/></content></jingle>",
	};
	static const char *const msgs[] = {
		"<data xmlns='http://jabber.org/protocol/ibb' seq='0' sid='s'>"
		    "AAAA</data>",
		"<body>http://x/y</body><x xmlns='jabber:x:oob'><url>http://x/y"
		    "</url></x>",
		"<propose xmlns='urn:xmpp:jingle-message:0' id='c'>"
		    "<description xmlns='urn:xmpp:jingle:apps:rtp:1' "
		    "media='audio'/></propose>",
		"<propose xmlns='urn:xmpp:jingle-message:1' id='c'/>",
	};
	char text[1024];
	size_t i;

	for (i = 0; i < sizeof(iqs) / sizeof(iqs[0]); i++) {
		snprintf(text, sizeof(text), IQ "type='set'>%s</iq>", iqs[i]);
		assert_int_equal(out(f, text), PIPE_REFUSE);
		ended(f, PIPE_REFUSE, R_FT);
	}
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		snprintf(text, sizeof(text), MSG "%s</message>", msgs[i]);
		assert_int_equal(out(f, text), PIPE_REFUSE);
		ended(f, PIPE_REFUSE, R_FT);
	}
}

/* Inbound file transfer is dropped, but an IQ request is always
 * answered; a result is dropped, an error never answered. */
static void
test_transfer_inbound(void **state)
{
	struct fixture *f = *state;
	static const char open[] = "<open xmlns='http://jabber.org/protocol/"
	    "ibb' block-size='4096' sid='s'/>";
	char text[512];

	snprintf(text, sizeof(text), IN_IQ "type='set'>%s</iq>", open);
	assert_int_equal(in(f, text), PIPE_REFUSE);
	ended(f, PIPE_REFUSE, R_IN_FT);
	snprintf(text, sizeof(text), IN_IQ "type='get'>%s</iq>", open);
	assert_int_equal(in(f, text), PIPE_REFUSE);
	assert_int_equal(in(f, IN_IQ "type='result'><query xmlns='http://"
	    "jabber.org/protocol/bytestreams'><streamhost-used jid='p'/>"
	    "</query></iq>"), PIPE_DROP);
	ended(f, PIPE_DROP, R_IN_FT);
	snprintf(text, sizeof(text), IN_IQ "type='error'>%s<error type="
	    "'cancel'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-"
	    "stanzas'/></error></iq>", open);
	assert_int_equal(in(f, text), PIPE_DROP);
	ended(f, PIPE_DROP, R_IN_FT);
	/* Calls are not blocked inbound. */
	assert_int_equal(in(f, "<message from='bob@b.example/r' to='alice@"
	    "a.example'><propose xmlns='urn:xmpp:jingle-message:0' id='c'/>"
	    "</message>"), PIPE_DELIVER);
}

/* An IQ request stripped of its payload is answered, not sent empty. */
static void
test_iq_emptied(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(out(f, IQ "type='set'><active xmlns='http://jabber."
	    "org/protocol/chatstates'/></iq>"), PIPE_REFUSE);
	ended(f, PIPE_REFUSE, R_STRIP);
	assert_int_equal(out(f, IQ "type='result'><active xmlns='http://"
	    "jabber.org/protocol/chatstates'/></iq>"), PIPE_DELIVER);
	delivered(f, IQ "type='result'/>");
}

/* A room to which no route leads (peer inside is a.example alone): the
 * route refuses first. The example's own room, lobby@b.example, is
 * blocked from the partner's side. */
static void
test_rooms_unrouted(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(in(f, "<message from='bob@b.example/r' to='room@"
	    "conference.a.example' type='groupchat'><body>hi</body>"
	    "</message>"), PIPE_REFUSE);
	assert_string_equal(gen_policy.rules[f->c.decision.rule].name,
	    "no-route");
	assert_int_equal(in(f, "<message from='lobby@b.example/nick' to='"
	    "alice@a.example' type='groupchat'><body>hi</body></message>"),
	    PIPE_REFUSE);
	ended(f, PIPE_REFUSE, R_IN_ROOM);
}

/* The example's policy with a room filter of ROOMS (sorted) on both
 * directions of the partner, by the from-partner room rule. */
struct room_policy {
	struct gen_policy policy;
	struct gen_peer peers[GEN_NPEERS];
	struct gen_filter filter;
	struct gen_service service;
	const struct gen_filter *filters[1];
};

/* Makes T the example policy with the partner's filters blocking the N
 * ROOMS (localparts, sorted), all on b.example, both ways. */
static void
room_policy(struct room_policy *t, const struct gen_room *rooms, size_t n)
{
	int p = fixture_peer("partner");

	t->policy = gen_policy;
	memcpy(t->peers, gen_policy.peers, sizeof(t->peers));
	t->policy.peers = t->peers;
	t->filter = *gen_policy.peers[p].filters[PIPE_INBOUND][0];
	t->service = (struct gen_service){ "b.example", 0, rooms, n };
	t->filter.services = &t->service;
	t->filter.nservices = 1;
	t->filters[0] = &t->filter;
	t->peers[p].filters[PIPE_INBOUND] = t->filters;
	t->peers[p].filters[PIPE_OUTBOUND] = t->filters;
	t->peers[p].nfilters[PIPE_INBOUND] = 1;
	t->peers[p].nfilters[PIPE_OUTBOUND] = 1;
}

/* A room JID, to or from, whatever the case of its localpart and domain
 * or a trailing dot; a whole service by its domain. */
static void
test_rooms(void **state)
{
	struct fixture *f = *state;
	static const char *const to[] = {
		"room@b.example", "Room@B.Example/Nick", "ROOM@b.example./x",
	};
	struct gen_room rooms[1] = { { "room", 0 } };
	struct room_policy t;
	char text[512];
	size_t i;

	rooms[0].rule = fixture_rule(R_IN_ROOM);
	room_policy(&t, rooms, 1);
	f->policy = &t.policy;
	for (i = 0; i < sizeof(to) / sizeof(to[0]); i++) {
		snprintf(text, sizeof(text), "<message from='alice@a.example/r'"
		    " to='%s' type='groupchat'><body>hi</body></message>",
		    to[i]);
		assert_int_equal(out(f, text), PIPE_REFUSE);
		ended(f, PIPE_REFUSE, R_IN_ROOM);
	}
	/* A room join is answered with an error (XEP-0045); other
	 * presence gets none: the bounce is a drop. */
	assert_int_equal(out(f, "<presence from='alice@a.example/r' to='room@"
	    "b.example/al'><x xmlns='http://jabber.org/protocol/muc'/>"
	    "</presence>"), PIPE_REFUSE);
	ended(f, PIPE_REFUSE, R_IN_ROOM);
	assert_int_equal(out(f, "<presence from='alice@a.example/r' to='room@"
	    "b.example/al' type='unavailable'/>"), PIPE_DROP);
	ended(f, PIPE_DROP, R_IN_ROOM);
	assert_int_equal(in(f, "<message from='Room@B.EXAMPLE/x' to='alice@"
	    "a.example'><body>hi</body></message>"), PIPE_REFUSE);
	ended(f, PIPE_REFUSE, R_IN_ROOM);
	assert_int_equal(in(f, "<message from='bob@b.example/r' to='alice@"
	    "a.example'><body>room@b.example</body></message>"),
	    PIPE_DELIVER);
	assert_int_equal(out(f, "<message from='alice@a.example/room@b."
	    "example' to='rooms@b.example'><body>hi</body></message>"),
	    PIPE_DELIVER);
	/* The whole service. */
	t.service.rule = rooms[0].rule;
	assert_int_equal(out(f, "<message from='alice@a.example/r' to='x@B."
	    "Example.'><body>hi</body></message>"), PIPE_REFUSE);
	ended(f, PIPE_REFUSE, R_IN_ROOM);
}

/* Wrappers hide nothing: forwards, carbons both ways, archive results,
 * pubsub items. */
static void
test_nested(void **state)
{
	struct fixture *f = *state;
	static const char *const wrap[][2] = {
		{ "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns="
		    "'jabber:client' from='c@b.example' to='a@a.example'>",
		    "</message></forwarded>" },
		{ "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:"
		    "xmpp:forward:0'><message xmlns='jabber:client'>",
		    "</message></forwarded></received>" },
		{ "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:"
		    "forward:0'><message xmlns='jabber:client'>",
		    "</message></forwarded></sent>" },
		{ "<result xmlns='urn:xmpp:mam:2' queryid='q' id='1'><forwarded"
		    " xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' "
		    "stamp='2010-07-10T23:08:25Z'/><message xmlns='jabber:"
		    "client'>", "</message></forwarded></result>" },
		{ "<event xmlns='http://jabber.org/protocol/pubsub#event'>"
		    "<items node='n'><item id='1'>",
		    "</item></items></event>" },
	};
	char text[1024];
	size_t i, k;

	for (i = 0; i < sizeof(wrap) / sizeof(wrap[0]); i++)
		for (k = 0; k < sizeof(encrypted) / sizeof(encrypted[0]); k++) {
			snprintf(text, sizeof(text), MSG "%s%s%s</message>",
			    wrap[i][0], encrypted[k], wrap[i][1]);
			assert_int_equal(out(f, text), PIPE_REFUSE);
			ended(f, PIPE_REFUSE, R_ENC);
		}
	/* A forwarded plain message crosses as it is. */
	snprintf(text, sizeof(text), MSG "%s<body>ok</body>%s</message>",
	    wrap[0][0], wrap[0][1]);
	assert_int_equal(out(f, text), PIPE_DELIVER);
	delivered(f, text);
}

int
main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_encrypted), T(test_otr), T(test_links),
		T(test_transfer), T(test_transfer_inbound), T(test_iq_emptied),
		T(test_rooms_unrouted), T(test_rooms),
		T(test_nested),
	};
#undef T

	return cmocka_run_group_tests_name("content_block", tests, NULL, NULL);
}
