/*
 * The named groups of content (see groups.h). The namespaces are those of
 * the XEPs that define each feature; a group lists every version still
 * seen on the wire, since an old namespace is as good a tunnel as a new one.
 */
#include <string.h>

#include "groups.h"

static const char *const group_xhtml_im[] = {
	"http://jabber.org/protocol/xhtml-im",		/* XEP-0071 */
	NULL
};
static const char *const group_chat_states[] = {
	"http://jabber.org/protocol/chatstates",	/* XEP-0085 */
	NULL
};
static const char *const group_receipts[] = {
	"urn:xmpp:receipts",				/* XEP-0184 */
	NULL
};
static const char *const group_markers[] = {
	"urn:xmpp:chat-markers:0",			/* XEP-0333 */
	NULL
};
static const char *const group_corrections[] = {
	"urn:xmpp:message-correct:0",			/* XEP-0308 */
	NULL
};
static const char *const group_file_transfer[] = {
	"http://jabber.org/protocol/ibb",		/* XEP-0047 */
	"http://jabber.org/protocol/bytestreams",	/* XEP-0065 */
	"http://jabber.org/protocol/si",		/* XEP-0095 */
	"http://jabber.org/protocol/si/profile/file-transfer", /* XEP-0096 */
	"urn:xmpp:jingle:apps:file-transfer:3",		/* XEP-0234 */
	"urn:xmpp:jingle:apps:file-transfer:4",
	"urn:xmpp:jingle:apps:file-transfer:5",
	"urn:xmpp:jingle:transports:ibb:1",		/* XEP-0261 */
	"urn:xmpp:jingle:transports:s5b:1",		/* XEP-0260 */
	"jabber:x:oob",					/* XEP-0066 */
	"jabber:iq:oob",
	"urn:xmpp:http:upload:0",			/* XEP-0363 */
	"urn:xmpp:http:upload",
	"eu:siacs:conversations:http:upload",
	"urn:xmpp:sims:1",				/* XEP-0385 */
	"urn:xmpp:sfs:0",				/* XEP-0447 */
	"urn:xmpp:file:metadata:0",			/* XEP-0446 */
	NULL
};
static const char *const group_muc[] = {
	"http://jabber.org/protocol/muc",		/* XEP-0045 */
	"http://jabber.org/protocol/muc#user",
	"http://jabber.org/protocol/muc#admin",
	"http://jabber.org/protocol/muc#owner",
	"jabber:x:conference",				/* XEP-0249 */
	NULL
};
static const char *const group_none[] = { NULL };
static const char *const group_encrypted[] = {
	"eu.siacs.conversations.axolotl",		/* XEP-0384 0.3 */
	"urn:xmpp:omemo:1",
	"urn:xmpp:omemo:2",				/* XEP-0384 0.8 */
	"jabber:x:encrypted",				/* XEP-0027 */
	"urn:xmpp:openpgp:0",				/* XEP-0373 */
	"urn:xmpp:eme:0",				/* XEP-0380 */
	/* OMEMO's and OpenPGP's PEP nodes, as disco features name them
	 * ("NODE+notify"). */
	"eu.siacs.conversations.axolotl.devicelist",
	"urn:xmpp:omemo:2:devices",
	"urn:xmpp:omemo:2:bundles",
	"urn:xmpp:openpgp:0:public-keys",
	NULL
};
static const char *const group_voip[] = {
	"urn:xmpp:jingle:apps:rtp:1",			/* XEP-0167 */
	"urn:xmpp:jingle:apps:rtp:audio",
	"urn:xmpp:jingle:apps:rtp:video",
	"urn:xmpp:jingle:apps:rtp:rtcp-fb:0",		/* XEP-0293 */
	"urn:xmpp:jingle:apps:rtp:rtp-hdrext:0",	/* XEP-0294 */
	"urn:xmpp:jingle:apps:dtls:0",			/* XEP-0320 */
	"urn:xmpp:jingle:transports:ice-udp:1",		/* XEP-0176 */
	"urn:xmpp:jingle:transports:raw-udp:1",		/* XEP-0177 */
	"urn:xmpp:jingle-message:0",			/* XEP-0353 */
	"urn:xmpp:jingle-message:1",
	NULL
};

static const struct group_def groups[GROUP_COUNT] = {
	[GROUP_XHTML_IM] = { "xhtml-im", group_xhtml_im, 0, 0 },
	[GROUP_CHAT_STATES] = { "chat-states", group_chat_states, 0, 0 },
	[GROUP_RECEIPTS] = { "receipts", group_receipts, 0, 0 },
	[GROUP_MARKERS] = { "markers", group_markers, 0, 0 },
	[GROUP_CORRECTIONS] = { "corrections", group_corrections, 0, 0 },
	[GROUP_FILE_TRANSFER] = { "file-transfer", group_file_transfer,
	    DETECT_LINKS, 1 },
	[GROUP_MUC] = { "muc", group_muc, DETECT_GROUPCHAT, 1 },
	[GROUP_ONE_TO_ONE] = { "one-to-one", group_none, DETECT_ONE_TO_ONE,
	    1 },
	/* An aesgcm:// link is a file and encrypted: either group finds it. */
	[GROUP_ENCRYPTED] = { "encrypted", group_encrypted,
	    DETECT_OTR | DETECT_LINKS, 1 },
	[GROUP_VOIP] = { "voip", group_voip, 0, 1 },
};

const struct group_def *
group_find(const char *name)
{
	size_t i;

	for (i = 0; i < GROUP_COUNT; i++)
		if (strcmp(groups[i].name, name) == 0)
			return &groups[i];
	return NULL;
}

const struct group_def *
group_get(enum group g)
{
	return &groups[g];
}

const char *
group_detect_name(unsigned i)
{
	static const char *const names[DETECT_COUNT] = {
		"GEN_DETECT_GROUPCHAT", "GEN_DETECT_ONE_TO_ONE",
		"GEN_DETECT_OTR", "GEN_DETECT_LINKS",
	};

	return names[i];
}
