"""The corpus of the content-control scenarios (issue 6): stanzas a real
client sends, written after the examples of the XEPs that define them,
each tagged with the policy groups it belongs to.

A case's XML is a template in the client's stream namespace
(jabber:client, so top-level elements carry no xmlns): %(to)s is the
recipient's full JID, %(from)s the sender's full JID (only in wrapped
stanzas: the outer 'from' is stamped by the sender's server), %(id)s a
unique id. Whitespace between tags is removed (compact()) so that the
written and the received trees compare element by element; text inside
elements is kept as written (the OTR whitespace tag lives there).

GROUPS are the filter language's group names (the brief): xhtml-im,
chat-states, receipts, markers, corrections, file-transfer, muc,
one-to-one, encrypted, voip. A case in a group the policy blocks must
not cross, wherever the group's element sits (top level or inside a
forwarded message, a carbon, an archive result, a pubsub event); a case
in a group the policy strips crosses as FOLDED says (None: nothing is
left, so the stanza is dropped).

A case whose RESPONSE is set is an exchange: the sender sends XML (an
IQ get) and the recipient answers with RESPONSE; what the test looks at
is the answer as the sender received it (disco#info results)."""

import re

# Namespaces, by the name the XEPs give them.
NS_CHATSTATES = "http://jabber.org/protocol/chatstates"
NS_XHTML_IM = "http://jabber.org/protocol/xhtml-im"
NS_XHTML = "http://www.w3.org/1999/xhtml"
NS_RECEIPTS = "urn:xmpp:receipts"
NS_MARKERS = "urn:xmpp:chat-markers:0"
NS_CORRECT = "urn:xmpp:message-correct:0"
NS_FORWARD = "urn:xmpp:forward:0"
NS_CARBONS = "urn:xmpp:carbons:2"
NS_MAM = "urn:xmpp:mam:2"
NS_DELAY = "urn:xmpp:delay"
NS_HINTS = "urn:xmpp:hints"
NS_EME = "urn:xmpp:eme:0"
NS_OMEMO_LEGACY = "eu.siacs.conversations.axolotl"
NS_OMEMO = "urn:xmpp:omemo:2"
NS_PGP_LEGACY = "jabber:x:encrypted"
NS_PGP_SIGNED = "jabber:x:signed"
NS_OX = "urn:xmpp:openpgp:0"
NS_OOB_X = "jabber:x:oob"
NS_OOB_IQ = "jabber:iq:oob"
NS_IBB = "http://jabber.org/protocol/ibb"
NS_S5B = "http://jabber.org/protocol/bytestreams"
NS_SI = "http://jabber.org/protocol/si"
NS_SI_FT = "http://jabber.org/protocol/si/profile/file-transfer"
NS_JINGLE = "urn:xmpp:jingle:1"
NS_JINGLE_FT = "urn:xmpp:jingle:apps:file-transfer:5"
NS_JINGLE_RTP = "urn:xmpp:jingle:apps:rtp:1"
NS_JINGLE_S5B = "urn:xmpp:jingle:transports:s5b:1"
NS_JINGLE_IBB = "urn:xmpp:jingle:transports:ibb:1"
NS_JINGLE_ICE = "urn:xmpp:jingle:transports:ice-udp:1"
NS_JINGLE_MSG = "urn:xmpp:jingle-message:0"
NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"
NS_CONFERENCE = "jabber:x:conference"
NS_PUBSUB_EVENT = "http://jabber.org/protocol/pubsub#event"
NS_CAPS = "http://jabber.org/protocol/caps"
NS_AVATAR_UPDATE = "vcard-temp:x:update"
NS_IDLE = "urn:xmpp:idle:1"
NS_NICK = "http://jabber.org/protocol/nick"
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_PING = "urn:xmpp:ping"

# Every namespace of a group that a disco#info result may advertise as
# a feature; a feature in a blocked group must not cross (issue 6,
# feature restriction).
GROUP_FEATURES = {
    "xhtml-im": [NS_XHTML_IM],
    "chat-states": [NS_CHATSTATES],
    "receipts": [NS_RECEIPTS],
    "markers": [NS_MARKERS],
    "corrections": [NS_CORRECT],
    "file-transfer": [NS_IBB, NS_S5B, NS_SI, NS_SI_FT, NS_JINGLE_FT,
                      NS_JINGLE_S5B, NS_JINGLE_IBB, NS_OOB_X, NS_OOB_IQ],
    "muc": [NS_MUC, NS_CONFERENCE],
    "encrypted": [NS_OMEMO_LEGACY + ".devicelist+notify",
                  NS_OMEMO + ":devices+notify", NS_OX, NS_EME],
    # XEP-0167 section 11: the media features drop the ":1".
    "voip": [NS_JINGLE_RTP, NS_JINGLE_ICE, NS_JINGLE_MSG,
             "urn:xmpp:jingle:apps:rtp:audio",
             "urn:xmpp:jingle:apps:rtp:video"],
}


def compact(xml):
    """XML with the whitespace between tags removed (never inside text)."""
    return re.sub(r">\s+<", "><", xml.strip())


class Case:
    """A corpus entry: NAME, KIND (message, presence, iq), the XML
    template (see the module's comment), the GROUPS it belongs to, what
    is left of it once the groups named in STRIPPED are stripped
    (FOLDED: a template, or None when nothing is left), and, for an
    exchange, the recipient's RESPONSE template. SIZE, if given,
    replaces %(filler)s with that many bytes of text."""

    def __init__(self, name, kind, xml, groups=(), folded=None,
                 stripped=(), response=None, size=None):
        self.name = name
        self.kind = kind
        self.xml = compact(xml)
        self.groups = frozenset(groups)
        self.stripped = frozenset(stripped)
        self.folded = compact(folded) if folded is not None else None
        self.response = compact(response) if response else None
        self.size = size

    def render(self, template, to, from_, id_):
        """TEMPLATE with the addresses, the id and the filler put in."""
        filler = ("x" * self.size) if self.size else ""
        return template % {"to": to, "from": from_, "id": id_,
                           "filler": filler}

    def __repr__(self):
        return "Case(%r)" % self.name


def message(name, inner, groups=(), type_="chat", **kw):
    return Case(name, "message", "<message to='%%(to)s' id='%%(id)s' "
                "type='%s'>%s</message>" % (type_, inner), groups, **kw)


def presence(name, inner, groups=(), type_=None, **kw):
    t = " type='%s'" % type_ if type_ else ""
    return Case(name, "presence", "<presence to='%%(to)s' id='%%(id)s'%s>"
                "%s</presence>" % (t, inner), groups, **kw)


def iq(name, inner, groups=(), type_="set", **kw):
    return Case(name, "iq", "<iq to='%%(to)s' id='%%(id)s' type='%s'>%s"
                "</iq>" % (type_, inner), groups, **kw)


def folded_message(inner, type_="chat"):
    """The FOLDED template of a message whose remaining content is
    INNER."""
    return ("<message to='%%(to)s' id='%%(id)s' type='%s'>%s</message>" %
            (type_, inner))


# ---- bodies and payloads, from the XEPs' examples --------------------------

BODY = "<body>Art thou not Romeo, and a Montague?</body>"

XHTML = """
<html xmlns='http://jabber.org/protocol/xhtml-im'>
  <body xmlns='http://www.w3.org/1999/xhtml'>
    <p style='font-weight:bold'>hi!</p>
    <p>Art thou not <em>Romeo</em>, and a <span
        style='color:red'>Montague</span>?</p>
  </body>
</html>"""

OMEMO_LEGACY = """
<encrypted xmlns='eu.siacs.conversations.axolotl'>
  <header sid='27183'>
    <key rid='31415'>BASE64ENCODED...</key>
    <key prekey='true' rid='12321'>BASE64ENCODED...</key>
    <iv>BASE64ENCODED...</iv>
  </header>
  <payload>BASE64ENCODED</payload>
</encrypted>"""

OMEMO_FALLBACK = ("<body>I sent you an OMEMO encrypted message but your "
                  "client doesn't seem to support that. Find more "
                  "information on https://conversations.im/omemo</body>")

OMEMO_2 = """
<encrypted xmlns='urn:xmpp:omemo:2'>
  <header sid='27183'>
    <keys jid='juliet@capulet.lit'>
      <key rid='31415'>b64encoded...</key>
    </keys>
    <keys jid='romeo@montague.lit'>
      <key rid='1337'>b64encoded...</key>
      <key kex='true' rid='12321'>b64encoded...</key>
    </keys>
  </header>
  <payload>base64encoded</payload>
</encrypted>"""

PGP_LEGACY = ("<x xmlns='jabber:x:encrypted'>qANQR1DBwU4DX7jmYZnncmUQB/9KuKB"
              "ddzQH+tZ1ZywKK0yHKnq57kWq+RFtQdCJWpdWpR0uQsuJe7+vh3NWn59/gTc"
              "5MDlX8dS9p0ovStmNcyLhxVgmqS8ZKhsblVeuIpQ0JgavABqibJolc3BKrVt"
              "VV1igKiX/N7Pi8RtY1K18toaMDhdEfhBRzO/XB0+PAQhYlRjNacGcslkhXqN"
              "jK5Va4tuOAPy2n1Q8UUrHbUd0g+xJ9Bm0G0LZXyvCWyKH kuNEHFQiLuCY6Iv"
              "0myq6iX6tjuHehZlFSh80b5BVV9tNLwNR5Eqz1klxMhoghJOA=w==</x>")

OX = ("<openpgp xmlns='urn:xmpp:openpgp:0'>BASE64_OPENPGP_MESSAGE_CONTAINING"
      "_CONTENT_ELEMENT</openpgp>")

OTR_QUERY = ("<body>?OTRv3? alice@a.example has requested an Off-the-Record "
             "private conversation &lt;https://otr.cypherpunks.ca/&gt;.  "
             "However, you do not have a plugin to support that.</body>")

OTR_DATA = ("<body>?OTR:AAMDJ+MVmSfjFZcAAAAAAQAAAAIAAADA1g5IjD1ZGLDVQEyCgC"
            "yn9hbrL3KAbGDdzE2ZkMyTKl7XfkSxh8YJnudstiB74i4BzT0W2haClg6dMary"
            "/jo9sMudwmUdlnKpIGEKXWdvJKT+hQ26h9nzMgEditLB8vjPEWAJ6gBXvZrY6Z"
            "Qrx3gb4v0UaSMOMiR5sB7Eaulb2Yc6RmRnnlxgUUC2alosg4WIeFN951PLjSca"
            "jVba6dqlDi+q1H5tPvI5SWMN7PCBWIJ41+WvF+5IAZzQZYgNaVLbAAAAAAAAAA"
            "EAAAAHwNiIi5Ms+4PsY/L2ipkTtquknfx6HodLvk3RAAAAAA==.</body>")

# The OTR whitespace tag (base tag, then the v2 and v3 version tags)
# after plain text: what an OTR client appends to a first message.
OTR_WHITESPACE = ("<body>Hello, do you speak OTR? \x20\t\x20\x20\t\t\t\t"
                  "\x20\t\x20\t\x20\t\x20\x20\x20\x20\t\t\x20\x20\t\x20"
                  "\x20\x20\t\t\x20\x20\t\t</body>")

OOB = """
<x xmlns='jabber:x:oob'>
  <url>http://www.jabber.org/images/psa-license.jpg</url>
  <desc>A license to Jabber!</desc>
</x>"""

# Doubled %: the URL goes into a template (Case.render).
UPLOAD_URL = ("https://upload.b.example/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/"
              "tr%%C3%%A8s%%20cool.jpg")
AESGCM_URL = ("aesgcm://upload.b.example/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67"
              "/photo.jpg#9a4ee2a1bd01e0d5bc0fb7b1d3c0e0a3b8b79e10e2b7fd2c1c"
              "4f7b2c1e4d0b4e5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8")

JINGLE_FT = """
<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate'
        initiator='%(from)s' sid='851ba2'>
  <content creator='initiator' name='a-file-offer' senders='initiator'>
    <description xmlns='urn:xmpp:jingle:apps:file-transfer:5'>
      <file>
        <media-type>text/plain</media-type>
        <name>test.txt</name>
        <date>2015-07-26T21:46:00+01:00</date>
        <size>6144</size>
        <hash xmlns='urn:xmpp:hashes:2'
              algo='sha-1'>w0mcJylzCn+AfvuGdqkty2+KP48=</hash>
      </file>
    </description>
    <transport xmlns='urn:xmpp:jingle:transports:s5b:1' mode='tcp'
               sid='vj3hs98y'>
      <candidate cid='hft54dqy' host='192.0.2.1' jid='%(from)s' port='5086'
                 priority='8257636' type='direct'/>
    </transport>
  </content>
</jingle>"""

JINGLE_RTP = """
<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate'
        initiator='%(from)s' sid='a73sjjvkla37jfea'>
  <content creator='initiator' name='voice'>
    <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
      <payload-type id='96' name='speex' clockrate='16000'/>
      <payload-type id='97' name='speex' clockrate='8000'/>
      <payload-type id='18' name='G729'/>
      <payload-type id='0' name='PCMU'/>
      <payload-type id='103' name='L16' clockrate='16000' channels='2'/>
    </description>
    <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'
               pwd='asd88fgpdd777uzjYhagZg' ufrag='8hhy'>
      <candidate component='1' foundation='1' generation='0' id='el0747fg11'
                 ip='192.0.2.3' network='1' port='10000' priority='2130706431'
                 protocol='udp' type='host'/>
    </transport>
  </content>
</jingle>"""

SI_OFFER = """
<si xmlns='http://jabber.org/protocol/si' id='a0' mime-type='text/plain'
    profile='http://jabber.org/protocol/si/profile/file-transfer'>
  <file xmlns='http://jabber.org/protocol/si/profile/file-transfer'
        name='test.txt' size='1022'/>
  <feature xmlns='http://jabber.org/protocol/feature-neg'>
    <x xmlns='jabber:x:data' type='form'>
      <field var='stream-method' type='list-single'>
        <option><value>http://jabber.org/protocol/bytestreams</value></option>
        <option><value>http://jabber.org/protocol/ibb</value></option>
      </field>
    </x>
  </feature>
</si>"""

S5B_OFFER = """
<query xmlns='http://jabber.org/protocol/bytestreams' sid='vxf9n471bn46'
       mode='tcp'>
  <streamhost jid='%(from)s' host='192.0.2.1' port='5086'/>
  <streamhost jid='streamer.a.example' host='198.51.100.1' port='7625'/>
</query>"""

DEVICELIST_LEGACY = """
<event xmlns='http://jabber.org/protocol/pubsub#event'>
  <items node='eu.siacs.conversations.axolotl.devicelist'>
    <item id='current'>
      <list xmlns='eu.siacs.conversations.axolotl'>
        <device id='12345'/>
        <device id='4223'/>
      </list>
    </item>
  </items>
</event>"""

DEVICELIST_2 = """
<event xmlns='http://jabber.org/protocol/pubsub#event'>
  <items node='urn:xmpp:omemo:2:devices'>
    <item id='current'>
      <devices xmlns='urn:xmpp:omemo:2'>
        <device id='12345'/>
        <device id='4223' label='Gajim on Ubuntu Linux'/>
      </devices>
    </item>
  </items>
</event>"""


def forwarded(inner_message):
    """A XEP-0297 forwarded wrapper around INNER_MESSAGE (a template)."""
    return ("<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:"
            "delay' stamp='2010-07-10T23:08:25Z'/>%s</forwarded>" %
            inner_message)


def inner(content, type_="chat"):
    """A message of the sender's own, as a wrapper quotes it."""
    return ("<message xmlns='jabber:client' from='%%(from)s' to='%%(to)s' "
            "type='%s' id='inner-%%(id)s'>%s</message>" % (type_, content))


# The capabilities of a client that offers what the policy blocks (XEP-0115
# 5.2's ver is computed over identities and features; this one is the
# value the client would send, and no longer matches once a feature goes).
CAPS_NODE = "https://gajim.org"
CAPS_VER = "q07IKJEyjvHSyhy//CH0CxmKi8w="
CAPS = ("<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
        "node='%s' ver='%s'/>" % (CAPS_NODE, CAPS_VER))

DISCO_FEATURES = ([NS_DISCO_INFO, NS_PING, "jabber:iq:version",
                   "http://jabber.org/protocol/caps"] +
                  [f for fs in GROUP_FEATURES.values() for f in fs])

DISCO_RESULT = (
    "<iq to='%%(to)s' id='%%(id)s' type='result'>"
    "<query xmlns='http://jabber.org/protocol/disco#info' node='%s#%s'>"
    "<identity category='client' name='Gajim' type='pc'/>%s</query></iq>" % (
        CAPS_NODE, CAPS_VER, "".join("<feature var='%s'/>" % f
                                     for f in DISCO_FEATURES)))

# What an oversized stanza carries: past a filter's stanza-size of 16 KiB
# (the draft policy's), well within Prosody's c2s limit (256 KiB) and the
# guard's default limit (256 KiB).
OVERSIZE = 32 * 1024

# ---- the corpus ------------------------------------------------------------

MESSAGES = [
    message("plain chat message", BODY),
    message("XHTML-IM with a body", BODY + XHTML, ["xhtml-im"],
            stripped=["xhtml-im"], folded=folded_message(BODY)),
    message("chat state alone (composing)",
            "<composing xmlns='http://jabber.org/protocol/chatstates'/>",
            ["chat-states"], stripped=["chat-states"]),
    message("chat state with a body (active)",
            BODY + "<active xmlns='http://jabber.org/protocol/chatstates'/>",
            ["chat-states"], stripped=["chat-states"],
            folded=folded_message(BODY)),
    message("receipt request with a body",
            BODY + "<request xmlns='urn:xmpp:receipts'/>", ["receipts"],
            stripped=["receipts"], folded=folded_message(BODY)),
    message("receipt alone",
            "<received xmlns='urn:xmpp:receipts' id='richard2-4.1.247'/>",
            ["receipts"], stripped=["receipts"]),
    message("chat marker: markable with a body",
            BODY + "<markable xmlns='urn:xmpp:chat-markers:0'/>",
            ["markers"], stripped=["markers"], folded=folded_message(BODY)),
    message("chat marker alone (displayed)",
            "<displayed xmlns='urn:xmpp:chat-markers:0' "
            "id='message-1'/>", ["markers"], stripped=["markers"]),
    message("correction (replace) with a body",
            "<body>But soft, what light through yonder window breaks?</body>"
            "<replace id='bad1' xmlns='urn:xmpp:message-correct:0'/>",
            ["corrections"], stripped=["corrections"], folded=folded_message(
                "<body>But soft, what light through yonder window breaks?"
                "</body>")),
    message("OMEMO (eu.siacs.conversations.axolotl) with EME and a "
            "fallback body", OMEMO_LEGACY +
            "<encryption xmlns='urn:xmpp:eme:0' name='OMEMO' "
            "namespace='eu.siacs.conversations.axolotl'/>" + OMEMO_FALLBACK +
            "<store xmlns='urn:xmpp:hints'/>", ["encrypted"]),
    message("OMEMO 2 (urn:xmpp:omemo:2) with EME and a fallback body",
            OMEMO_2 + "<encryption xmlns='urn:xmpp:eme:0' "
            "namespace='urn:xmpp:omemo:2'/>" + OMEMO_FALLBACK,
            ["encrypted"]),
    message("OpenPGP XEP-0027 (jabber:x:encrypted) with a fallback body",
            "<body>This message is encrypted.</body>" + PGP_LEGACY,
            ["encrypted"]),
    message("OpenPGP for XMPP (urn:xmpp:openpgp:0) with EME and a fallback "
            "body", OX + "<encryption xmlns='urn:xmpp:eme:0' "
            "namespace='urn:xmpp:openpgp:0'/><body>This message is "
            "encrypted using OpenPGP for XMPP.</body>"
            "<store xmlns='urn:xmpp:hints'/>", ["encrypted"]),
    message("EME hint alone with a body (OTR)",
            "<encryption xmlns='urn:xmpp:eme:0' namespace='urn:xmpp:otr:0'/>"
            "<body>?OTRv23?</body>", ["encrypted"]),
    message("OTR query (?OTRv3?) in the body", OTR_QUERY, ["encrypted"]),
    message("OTR data (?OTR:) in the body", OTR_DATA, ["encrypted"]),
    message("OTR whitespace tag in the body", OTR_WHITESPACE,
            ["encrypted"]),
    message("forwarded message carrying OMEMO",
            "<body>see below</body>" + forwarded(inner(
                OMEMO_LEGACY + OMEMO_FALLBACK)), ["encrypted"]),
    message("forwarded message carrying XHTML-IM",
            "<body>see below</body>" + forwarded(inner(BODY + XHTML)),
            ["xhtml-im"], stripped=["xhtml-im"], folded=folded_message(
                "<body>see below</body>" + forwarded(inner(BODY)))),
    message("carbon (received) carrying OpenPGP XEP-0027",
            "<received xmlns='urn:xmpp:carbons:2'>" + forwarded(inner(
                "<body>This message is encrypted.</body>" + PGP_LEGACY)) +
            "</received>", ["encrypted"]),
    message("carbon (sent) carrying an OOB file offer",
            "<sent xmlns='urn:xmpp:carbons:2'>" + forwarded(inner(
                "<body>http://www.jabber.org/images/psa-license.jpg</body>" +
                OOB)) + "</sent>", ["file-transfer"]),
    message("archive result (MAM) carrying OMEMO 2",
            "<result xmlns='urn:xmpp:mam:2' queryid='f27' "
            "id='28482-98726-73623'>" + forwarded(inner(
                OMEMO_2 + OMEMO_FALLBACK)) + "</result>", ["encrypted"]),
    message("pubsub event carrying an OMEMO device list",
            DEVICELIST_LEGACY, ["encrypted"], type_="headline"),
    message("pubsub event carrying an OMEMO 2 device list",
            DEVICELIST_2, ["encrypted"], type_="headline"),
    message("OOB file offer (jabber:x:oob) with a body",
            "<body>Yeah, but do you have a license to Jabber?</body>" + OOB,
            ["file-transfer"]),
    message("HTTP upload link (body URL and OOB)",
            "<body>%s</body><x xmlns='jabber:x:oob'><url>%s</url></x>" % (
                UPLOAD_URL, UPLOAD_URL), ["file-transfer"]),
    message("encrypted HTTP upload link (aesgcm://)",
            "<body>%s</body><x xmlns='jabber:x:oob'><url>%s</url></x>" % (
                AESGCM_URL, AESGCM_URL), ["file-transfer", "encrypted"]),
    message("IBB data in a message",
            "<data xmlns='http://jabber.org/protocol/ibb' seq='0' "
            "sid='ec33h5'>qANQR1DBwU4DX7jmYZnncmUQB/9KuKBddzQH+tZ1ZywKK0yHKnq"
            "57kWq+RFtQdCJWpdWpR0uQsuJe7+vh3NWn59/gTc5MDlX8dS9p0ovStmNcyLhxV"
            "gmqS8ZKhsblVeuIpQ0JgavABqibJolc3BKrVtVV1igKiX/N7Pi8RtY1K18toaMDh"
            "dEfhBRzO/XB0+PAQhYlRjNacGcslkhXqNjK5Va4tuOAPy2n1Q8UUrHbUd0g+xJ9B"
            "m0G0LZXyvCWyKHkuNEHFQiLuCY6Iv0myq6iX6tjuHehZlFSh80b5BVV9tNLwNR5E"
            "qz1klxMhoghJOA</data>", ["file-transfer"], type_="normal"),
    message("MUC groupchat message", "<body>Harpier cries: 'tis time, "
            "'tis time.</body>", ["muc"], type_="groupchat"),
    message("MUC private message (x muc#user)",
            "<body>I'll give thee a wind.</body>"
            "<x xmlns='http://jabber.org/protocol/muc#user'/>", ["muc"]),
    message("MUC mediated invitation",
            "<x xmlns='http://jabber.org/protocol/muc#user'>"
            "<invite from='crone1@shakespeare.lit/desktop'><reason>Hey "
            "Hecate, this is the place for all good witches!</reason>"
            "</invite><password>cauldronburn</password></x>", ["muc"],
            type_="normal"),
    message("MUC direct invitation (jabber:x:conference)",
            "<x xmlns='jabber:x:conference' "
            "jid='darkcave@macbeth.shakespeare.lit' password='cauldronburn' "
            "reason='Hey Hecate, this is the place for all good "
            "witches!'/>", ["muc"], type_="normal"),
    message("call proposal (XEP-0353 propose)",
            "<propose xmlns='urn:xmpp:jingle-message:0' "
            "id='ca3cf894-5325-482f-a412-a6e9f832298d'>"
            "<description xmlns='urn:xmpp:jingle:apps:rtp:1' "
            "media='audio'/></propose><store xmlns='urn:xmpp:hints'/>",
            ["voip"]),
    message("call proposal retracted (XEP-0353 retract)",
            "<retract xmlns='urn:xmpp:jingle-message:0' "
            "id='ca3cf894-5325-482f-a412-a6e9f832298d'/>"
            "<store xmlns='urn:xmpp:hints'/>", ["voip"]),
    message("oversized message (32 KiB body)",
            "<body>%(filler)s</body>", size=OVERSIZE),
]

PRESENCE = [
    presence("presence: available, nothing else", ""),
    presence("presence: show away with status, priority", "<show>away</show>"
             "<status>Gone fishing</status><priority>5</priority>"),
    presence("presence: show chat with status",
             "<show>chat</show><status>Talk to me!</status>"),
    presence("presence: show dnd with status",
             "<show>dnd</show><status>In a meeting</status>"),
    presence("presence: show xa with status",
             "<show>xa</show><status>On holiday</status>"),
    presence("presence: caps", "<priority>1</priority>" + CAPS),
    presence("presence: avatar hash (vcard-temp:x:update)",
             "<x xmlns='vcard-temp:x:update'><photo>sha1-hash-of-image"
             "</photo></x>"),
    presence("presence: idle since (XEP-0319)",
             "<show>away</show><idle xmlns='urn:xmpp:idle:1' "
             "since='1969-07-21T02:56:15Z'/>"),
    presence("presence: nick (XEP-0172)",
             "<nick xmlns='http://jabber.org/protocol/nick'>Ishmael</nick>"),
    presence("presence: everything at once, signed (XEP-0027)",
             "<show>dnd</show><status>Busy fighting the Kraken</status>"
             "<priority>10</priority>" + CAPS +
             "<x xmlns='vcard-temp:x:update'><photo>01b87fcd030b72895ff8e88db"
             "57ec525450f000d</photo></x><nick xmlns='http://jabber.org/"
             "protocol/nick'>Ishmael</nick><idle xmlns='urn:xmpp:idle:1' "
             "since='1969-07-21T02:56:15Z'/><x xmlns='jabber:x:signed'>"
             "iQEVAwUBOjxH8r9Na1GazRkTAQH8dAf/WOsrLDs=</x>"),
    presence("presence: unavailable with status",
             "<status>Logged out</status>", type_="unavailable"),
    presence("MUC join presence (x muc)",
             "<x xmlns='http://jabber.org/protocol/muc'>"
             "<history maxstanzas='20'/></x>", ["muc"]),
    presence("MUC occupant presence (x muc#user)",
             "<x xmlns='http://jabber.org/protocol/muc#user'>"
             "<item affiliation='member' role='participant'/></x>",
             ["muc"]),
]

IQS = [
    iq("IQ get: ping", "<ping xmlns='urn:xmpp:ping'/>", type_="get"),
    iq("IBB open (IQ set)",
       "<open xmlns='http://jabber.org/protocol/ibb' block-size='4096' "
       "sid='i781hf64' stanza='iq'/>", ["file-transfer"]),
    iq("SOCKS5 bytestreams offer (IQ set)", S5B_OFFER, ["file-transfer"]),
    iq("SI file transfer offer (IQ set)", SI_OFFER, ["file-transfer"]),
    iq("Jingle file transfer session-initiate (IQ set)", JINGLE_FT,
       ["file-transfer"]),
    iq("OOB IQ (jabber:iq:oob set)",
       "<query xmlns='jabber:iq:oob' sid='oob1'><url>http://www.jabber.org/"
       "images/psa-license.jpg</url><desc>A license to Jabber!</desc>"
       "</query>", ["file-transfer"]),
    iq("Jingle RTP session-initiate (IQ set)", JINGLE_RTP, ["voip"]),
]

# The disco#info exchange: the sender asks, the recipient advertises
# features of every group, with a caps node#ver.
DISCO = iq("disco#info result advertising blocked features (and its caps "
           "node)", "<query xmlns='http://jabber.org/protocol/disco#info' "
           "node='%s#%s'/>" % (CAPS_NODE, CAPS_VER), type_="get",
           response=DISCO_RESULT)

CORPUS = MESSAGES + PRESENCE + IQS + [DISCO]

# Subscription presence with a nick (XEP-0172 allows one): sent by the
# scenario to the bare JID, since Prosody handles subscriptions by bare
# JID (mod_presence).
SUBSCRIBE = Case("subscription request with a nick", "presence",
                 "<presence to='%(to)s' id='%(id)s' type='subscribe'>"
                 "<nick xmlns='http://jabber.org/protocol/nick'>Ishmael"
                 "</nick><status>Let me see you</status></presence>")
