"""XMPP clients (slixmpp 1.8) that never resolve a name.

slixmpp finds its server through XMLStream.get_dns_records (SRV, then
A/AAAA, via aiodns or getaddrinfo). Here that method answers from a fixed
map and refuses any other name, so no query reaches a resolver; the
connection is opened to the domain's name (which makes slixmpp use it for
SNI and the certificate check) and the map supplies the loopback address.
TLS is required and checked against the test CA."""

import asyncio
import logging
import pathlib

import slixmpp
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXMLMask, MatchXPath

# slixmpp logs TLS and stream chatter at WARNING that the TAP output does
# not need; the harness's --verbose turns it back on.
logging.getLogger("slixmpp").setLevel(logging.ERROR)


class NoDnsError(Exception):
    pass


# The plugins a client answers with: disco#info and ping.
DEFAULT_PLUGINS = ("xep_0030", "xep_0199")


class Client(slixmpp.ClientXMPP):
    """A logged-in user. Every message, presence and IQ error received
    is kept in order, so tests wait for what they expect instead of
    sleeping. PLUGINS are the slixmpp plugins it registers (a client
    that answers IQs itself takes none); PRIORITY, if given, is the
    priority of its initial presence (a negative one keeps messages to
    the bare JID away from it, RFC 6121 8.5.2.1.1)."""

    def __init__(self, jid, password, addr, port, cafile,
                 plugins=DEFAULT_PLUGINS, priority=None):
        super().__init__(jid, password)
        self.priority = priority
        self.c2s_addr = (addr, port)
        self.ca_certs = pathlib.Path(cafile)
        self.use_aiodns = False
        self.use_ipv6 = False
        # A contact's subscription request is approved, but nobody is
        # subscribed to in return: tests ask for each direction.
        self.auto_authorize = True
        self.auto_subscribe = False
        for plugin in plugins:
            self.register_plugin(plugin)
        self.received = []
        self.errors = []
        self._cond = asyncio.Condition()
        self._started = asyncio.get_event_loop().create_future()
        self.register_handler(Callback(
            "xedge test messages", MatchXPath("{jabber:client}message"),
            self._keep))
        # IQ errors too, for the answers to requests a test sent on
        # another stream in this user's name.
        self.register_handler(Callback(
            "xedge test IQ errors",
            MatchXMLMask("<iq xmlns='jabber:client' type='error'/>"),
            self._keep))
        self.add_event_handler("presence", self._keep)
        self.add_event_handler("session_start", self._session_start)
        self.add_event_handler("failed_auth", self._fail)
        self.add_event_handler("connection_failed", self._note_error)
        self.add_event_handler("stream_error", self._note_error)

    async def get_dns_records(self, domain, port=None):
        if domain != self.boundjid.domain:
            raise NoDnsError("refusing to resolve %s" % domain)
        return [(domain, self.c2s_addr[0], self.c2s_addr[1])]

    def _keep(self, stanza):
        self.received.append(stanza)
        asyncio.ensure_future(self._notify())

    async def _notify(self):
        async with self._cond:
            self._cond.notify_all()

    def _note_error(self, err):
        self.errors.append(str(err))

    async def _session_start(self, event):
        self.send_presence(ppriority=self.priority)
        try:
            await self.get_roster(timeout=10)
        except Exception as e:  # noqa: BLE001 -- reported to the waiter
            if not self._started.done():
                self._started.set_exception(e)
            return
        if not self._started.done():
            self._started.set_result(True)

    def _fail(self, stanza):
        if not self._started.done():
            self._started.set_exception(RuntimeError(
                "%s: authentication failed" % self.boundjid.bare))

    async def login(self, timeout=15.0):
        """Connects and waits for the session (roster and presence sent);
        raises on failure or after TIMEOUT seconds."""
        self.connect(address=(self.boundjid.domain, self.c2s_addr[1]))
        try:
            await asyncio.wait_for(asyncio.shield(self._started), timeout)
        except asyncio.TimeoutError:
            raise RuntimeError("%s: no session after %.0fs (%s)" % (
                self.boundjid.bare, timeout,
                "; ".join(self.errors) or "no error reported")) from None

    async def logout(self, timeout=5.0):
        try:
            await asyncio.wait_for(self.disconnect(wait=1.0), timeout)
        except asyncio.TimeoutError:
            self.abort()

    def _find(self, pred, start):
        for s in self.received[start:]:
            if pred(s):
                return s
        return None

    async def expect(self, what, pred, timeout=10.0, start=0):
        """Returns the first stanza received from index START on that
        satisfies PRED; raises AssertionError naming WHAT after
        TIMEOUT."""
        async with self._cond:
            try:
                return await asyncio.wait_for(self._cond.wait_for(
                    lambda: self._find(pred, start)), timeout)
            except asyncio.TimeoutError:
                raise AssertionError("%s: no %s within %.0fs" % (
                    self.boundjid.bare, what, timeout)) from None

    def mark(self):
        """The index to pass as START to see only what comes next."""
        return len(self.received)

    def seen(self, pred, start=0):
        return self._find(pred, start)


def is_message(body, type_=None):
    """A predicate: a message carrying BODY (and of TYPE_, if given)."""
    def pred(s):
        return (s.name == "message" and s["body"] == body and
                (type_ is None or s["type"] == type_))
    return pred


def is_error_reply(stanza_id, condition=None):
    """A predicate: an error reply to the stanza with id STANZA_ID (with
    CONDITION, if given)."""
    def pred(s):
        return (s["type"] == "error" and s["id"] == stanza_id and
                (condition is None or s["error"]["condition"] == condition))
    return pred


def is_presence(from_bare, type_="available", show=None):
    def pred(s):
        return (s.name == "presence" and s["from"].bare == from_bare and
                s["type"] == (show or type_))
    return pred
