"""Clients for the content-control scenarios (issue 6): a client that
sends any stanza as raw XML, and keeps every stanza it receives as the
XML tree its parser built, before slixmpp's handlers see (or change) it.
With one on each side, a scenario knows exactly what arrived, what came
back, and nothing else.

Waiting is positive, never a guess: after the stanza under test, the
sender pings the recipient's full JID (sync()) and waits for the answer.
One stream carries each leg in order (the sender's c2s stream, its
server's s2s stream to the guard, the guard's to the recipient's
server, that server's c2s stream), so when the ping arrives everything
sent before it has arrived or never will; and the answer comes back on
the legs a bounce of the guard or of the recipient's server takes, so
when it arrives every bounce sent before it has too.

What Prosody 0.12 does to a stanza between two users of different
servers (this world's Prosody: no carbons, MAM, offline storage or
message hints modules) is undone by normalize(); see PROSODY_STAMPS.

The alerts file: the guard appends one JSON object per line (its alert
block's `file`), opened before it chroots, so relative to the guard's
directory. Alerts reads the lines written since a mark."""

import asyncio
import copy
import json
import os
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

import clients

NS_CLIENT = "jabber:client"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_XML = "http://www.w3.org/XML/1998/namespace"
KINDS = ("message", "presence", "iq")
# The ids of the synchronising pings, which no scenario looks at.
SYNC_PREFIX = "sync-"

# What Prosody 0.12 adds to a stanza that crosses from one user to a
# user of another server, as attributes of the top-level element: the
# sender's server stamps 'from' with the sender's full JID (RFC 6120
# 8.1.2.1; core/stanza_router.lua), or with the bare JID for a
# subscription (mod_presence), and gives a stanza without xml:lang the
# language of the sender's stream (slixmpp opens its stream with
# xml:lang='en'; RFC 6120 4.7.4 lets a server do so). Found by sending
# the corpus Prosody to Prosody (--direct) and through a guard without
# filters: nothing else is added, removed or reordered, at the top
# level or below. normalize() removes these when the stanza as sent did
# not have them.
PROSODY_STAMPS = ("from", "{%s}lang" % NS_XML)


class Arrival:
    """A stanza as a client received it: ELEMENT, a copy of the tree its
    parser built (top-level tag in jabber:client)."""

    def __init__(self, element):
        self.element = element
        self.kind = element.tag.split("}")[-1]
        self.id = element.get("id")
        self.from_ = element.get("from")
        self.to = element.get("to")
        self.type = element.get("type")

    @property
    def xml(self):
        return ET.tostring(self.element, encoding="unicode")

    def error(self):
        """(condition, text, type, by) of an error stanza, else None."""
        if self.type != "error":
            return None
        err = self.element.find("{%s}error" % NS_CLIENT)
        if err is None:
            return (None, None, None, None)
        cond = text = None
        for child in err:
            ns, _, name = child.tag[1:].partition("}")
            if ns != NS_STANZAS:
                continue
            if name == "text":
                text = child.text or ""
            else:
                cond = name
        return cond, text, err.get("type"), err.get("by")

    def __repr__(self):
        return self.xml


class ContentClient(clients.Client):
    """A logged-in user (at a resource of its own, priority -1) that
    sends raw XML and keeps every stanza received in ARRIVALS. It
    answers each IQ get or set from another user itself: with the raw
    reply registered for that IQ's id (answer_with), else with an empty
    result. It approves no subscription on its own."""

    def __init__(self, jid, password, addr, port, cafile):
        super().__init__(jid, password, addr, port, cafile, plugins=(),
                         priority=-1)
        self.auto_authorize = None
        self.arrivals = []
        self.replies = {}
        self.register_handler(Callback(
            "xedge content IQ requests", MatchXPath("{%s}iq" % NS_CLIENT),
            self._answer))

    def incoming_filter(self, xml):
        """slixmpp's hook for every top-level element received, before
        it becomes a stanza object: the copy kept is what the parser
        built from the wire."""
        ns, _, name = xml.tag[1:].partition("}")
        if ns == NS_CLIENT and name in KINDS:
            self.arrivals.append(Arrival(copy.deepcopy(xml)))
            asyncio.ensure_future(self._notify())
        return xml

    def _answer(self, iq):
        sender = iq["from"]
        if iq["type"] not in ("get", "set") or not sender or \
                sender.bare == self.boundjid.bare:
            return
        reply = self.replies.pop(iq["id"], None)
        if reply is None:
            reply = "<iq type='result' id=%s to=%s/>" % (
                quoteattr(iq["id"]), quoteattr(str(sender)))
        self.send_raw(reply)

    def answer_with(self, stanza_id, xml):
        """Answers the IQ with id STANZA_ID with the raw XML."""
        self.replies[stanza_id] = xml

    def send_xml(self, xml):
        """Sends XML as it is (the stream's namespace is jabber:client)."""
        self.send_raw(xml)

    def arrival_mark(self):
        return len(self.arrivals)

    async def wait_arrival(self, what, pred, start, timeout=10.0):
        """The first arrival from index START on that satisfies PRED;
        AssertionError naming WHAT after TIMEOUT seconds."""
        def find():
            return next((a for a in self.arrivals[start:] if pred(a)), None)
        async with self._cond:
            try:
                return await asyncio.wait_for(self._cond.wait_for(find),
                                              timeout)
            except asyncio.TimeoutError:
                raise AssertionError("%s: no %s within %.0fs" % (
                    self.boundjid.full, what, timeout)) from None


async def sync(sender, recipient, sid, timeout=15.0):
    """Pings RECIPIENT's full JID from SENDER with id SID (which starts
    with SYNC_PREFIX) and waits for the answer: see the module's
    comment."""
    start = sender.arrival_mark()
    sender.send_xml("<iq type='get' id=%s to=%s><ping xmlns='urn:xmpp:ping'"
                    "/></iq>" % (quoteattr(sid),
                                 quoteattr(recipient.boundjid.full)))
    got = await sender.wait_arrival("answer to the ping %s" % sid,
                                    lambda a: a.id == sid, start, timeout)
    if got.type != "result":
        raise AssertionError("the synchronising ping was answered %s" %
                             got.xml)


class Outcome:
    """What one stanza sent led to: ARRIVED, what the recipient received
    from the sender (bare or full JID) meanwhile, and BACK, what the
    sender received from anyone, synchronising pings left out."""

    def __init__(self, arrived, back):
        self.arrived = arrived
        self.back = back

    def replies(self, sid):
        """What came back with id SID (an answer or an error)."""
        return [a for a in self.back if a.id == sid]

    def describe(self):
        return "arrived: %s; came back: %s" % (
            [_short(a.element) for a in self.arrived] or "nothing",
            [_short(a.element) for a in self.back] or "nothing")


async def send_and_sync(sender, recipient, xml, sync_id, timeout=15.0):
    """Sends XML from SENDER, then sync(); returns the Outcome."""
    a0, s0 = recipient.arrival_mark(), sender.arrival_mark()
    sender.send_xml(xml)
    await sync(sender, recipient, sync_id, timeout)
    me = sender.boundjid
    # Only stanzas of the kind sent: the servers' own presence traffic
    # between the two users (a subscription answered, a login seen) may
    # cross meanwhile, and is no arrival of this stanza.
    kind = parse_stanza(xml).tag
    arrived = [a for a in recipient.arrivals[a0:]
               if a.from_ in (me.full, me.bare) and
               a.element.tag == kind and
               not (a.id or "").startswith(SYNC_PREFIX)]
    # Presence the recipient's server broadcasts meanwhile (the users are
    # subscribed to each other) is no answer, a bounced presence being an
    # error; nor is what the sender's own server pushes (a roster update,
    # from no one or from the sender's own account).
    back = [a for a in sender.arrivals[s0:]
            if not (a.id or "").startswith(SYNC_PREFIX) and
            not (a.element.tag == "{%s}presence" % NS_CLIENT and
                 a.type != "error") and
            a.from_ not in (None, "", me.bare, me.domain)]
    return Outcome(arrived, back)


def parse_stanza(xml):
    """The tree of XML, a stanza written in the client's stream (default
    namespace jabber:client)."""
    wrapper = ET.fromstring("<w xmlns='%s'>%s</w>" % (NS_CLIENT, xml))
    if len(wrapper) != 1:
        raise ValueError("not one stanza: %r" % xml)
    return wrapper[0]


def normalize(element, sent=None):
    """A copy of ELEMENT without what Prosody adds on the way
    (PROSODY_STAMPS) that SENT (the tree sent, if known) did not
    have."""
    e = copy.deepcopy(element)
    for name in PROSODY_STAMPS:
        if sent is None or name not in sent.attrib:
            e.attrib.pop(name, None)
    return e


def canon(element):
    """A comparable form of ELEMENT: names in Clark notation, attributes
    sorted, text and tails kept (mixed content such as XHTML-IM has
    meaningful tails; whitespace is as written and as received)."""
    return (element.tag, tuple(sorted(element.attrib.items())),
            element.text or "", tuple(canon(c) for c in element),
            element.tail or "")


def same_stanza(sent_xml, arrival):
    """Whether ARRIVAL is SENT_XML (the raw XML sent), but for what
    Prosody adds (normalize())."""
    sent = parse_stanza(sent_xml)
    want, got = normalize(sent), normalize(arrival.element, sent)
    want.tail = got.tail = None
    return canon(want) == canon(got)


def _short(element, limit=1500):
    text = ET.tostring(element, encoding="unicode")
    return text if len(text) <= limit else text[:limit] + "...(%d bytes)" % (
        len(text))


def difference(sent_xml, arrival):
    """A short account of how ARRIVAL differs from SENT_XML."""
    sent = parse_stanza(sent_xml)
    return "sent %s\nreceived %s" % (
        _short(normalize(sent)), _short(normalize(arrival.element, sent)))


# ---- alerts ------------------------------------------------------------

# The fields of an alert line (runtime/alert_sink.c): every line has
# time, guard, event, rule, file, line; an "alert" line has the others.
ALERT_FIELDS = ("time", "guard", "event", "rule", "file", "line", "peer",
                "dir", "verdict", "kind", "from", "to", "id", "why", "conn")


class Alerts:
    """The guard's JSON-lines alerts file at PATH."""

    def __init__(self, path):
        self.path = path

    def mark(self):
        """Where the lines written from now on start."""
        try:
            return os.path.getsize(self.path)
        except FileNotFoundError:
            return 0

    def raw_since(self, mark):
        try:
            with open(self.path, "rb") as f:
                f.seek(mark)
                return f.read().decode("utf-8")
        except FileNotFoundError:
            return ""

    def since(self, mark):
        """The alert objects written after MARK; AssertionError if a line
        is no JSON object or lacks a field every line has."""
        out = []
        for line in self.raw_since(mark).splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                raise AssertionError("alerts file: not JSON: %r" %
                                     line) from None
            missing = [f for f in ALERT_FIELDS[:6] if f not in obj]
            if not isinstance(obj, dict) or missing:
                raise AssertionError("alerts file: %r lacks %s" %
                                     (line, missing))
            out.append(obj)
        return out


def check_alert(alerts, mark, want, secrets=()):
    """Checks that exactly one alert was written since MARK in ALERTS
    (an Alerts) and that it has the fields of WANT (a dict: rule,
    verdict, peer, dir, kind, from, to, id, ...); and that no line
    written since names one of SECRETS (the stanza's text: an alert
    carries no content). Returns the alert."""
    text = alerts.raw_since(mark)
    for s in secrets:
        if s and s in text:
            raise AssertionError("an alert carries the stanza's content "
                                 "%r: %s" % (s, text))
    got = [a for a in alerts.since(mark) if a.get("event") == "alert"]
    if len(got) != 1:
        raise AssertionError("%d alerts since the stanza, expected 1: %s" %
                             (len(got), got))
    a = got[0]
    wrong = {k: (a.get(k), v) for k, v in want.items() if a.get(k) != v}
    if wrong:
        raise AssertionError("alert %s: field (got, expected): %s" % (
            a, wrong))
    if not isinstance(a.get("line"), int) or a["line"] <= 0:
        raise AssertionError("alert names no policy line: %s" % a)
    return a


def check_no_alert(alerts, mark):
    """Checks that no alert was written since MARK."""
    got = [a for a in alerts.since(mark) if a.get("event") == "alert"]
    if got:
        raise AssertionError("unexpected alerts: %s" % got)
