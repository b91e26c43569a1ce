"""A raw server-to-server client: enough of RFC 6120 to open a stream,
STARTTLS, authenticate with SASL EXTERNAL and then send whatever a test
wants, including what a well-behaved server never would (stanzas from
domains it was not authenticated for, comments, broken XML)."""

import asyncio
import base64
import ssl
import xml.etree.ElementTree as ET

NS_STREAM = "http://etherx.jabber.org/streams"
NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams"


class StreamError(Exception):
    """The stream ended: CONDITION is the stream error's condition, or
    None if the peer just closed."""

    def __init__(self, condition, detail=""):
        super().__init__("stream closed (%s)%s" % (
            condition or "no stream error", detail and ": " + detail))
        self.condition = condition


def _xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace("'", "&apos;"))


class RawS2S:
    """A stream from LOCAL to REMOTE at ADDR:PORT, presenting LEAF (a
    pki.Leaf) and checking the server against CAFILE. TLS_SETUP, if
    given, is called with the ssl.SSLContext before the handshake (to
    narrow what the client offers)."""

    def __init__(self, addr, port, local, remote, leaf, cafile, timeout=10,
                 tls_setup=None):
        self.addr, self.port = addr, port
        self.local, self.remote = local, remote
        self.leaf, self.cafile = leaf, cafile
        self.tls_setup = tls_setup
        self.local_port = None
        self.timeout = timeout
        self.reader = self.writer = None
        self.parser = None
        self.depth = 0
        self.pending = []
        self.received = b""

    async def _connect(self):
        self.reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(self.addr, self.port), self.timeout)
        # The client's port, as the server's log names the connection.
        self.local_port = self.writer.get_extra_info("sockname")[1]

    def send(self, text):
        self.writer.write(text.encode())

    def _open_stream(self):
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.depth = 0
        self.pending = []
        self.send("<?xml version='1.0'?><stream:stream xmlns='jabber:server'"
                  " xmlns:stream='%s' from='%s' to='%s' version='1.0'>" %
                  (NS_STREAM, self.local, self.remote))

    def _feed(self, data):
        """Parses DATA, queueing each complete top-level element, None for
        the end of the stream, or a ParseError."""
        self.parser.feed(data)
        try:
            for event, elem in self.parser.read_events():
                if event == "start":
                    self.depth += 1
                    continue
                self.depth -= 1
                if self.depth == 1:
                    self.pending.append(elem)
                elif self.depth == 0:
                    self.pending.append(None)
        except ET.ParseError as e:
            self.pending.append(e)

    async def next_element(self):
        """Returns the next top-level element of the stream. Raises
        StreamError when the stream ends (with the condition of a stream
        error, if one came), AssertionError if the server's XML is not
        well-formed, and TimeoutError after the timeout."""
        while not self.pending:
            data = await asyncio.wait_for(self.reader.read(65536),
                                          self.timeout)
            if not data:
                raise StreamError(None, "connection closed")
            self.received += data
            self._feed(data)
        elem = self.pending.pop(0)
        if elem is None:
            raise StreamError(None, "</stream:stream>")
        if isinstance(elem, ET.ParseError):
            raise AssertionError("the server's XML is not well-formed (%s); "
                                 "it sent: %r" % (elem, self.received[-300:]))
        if elem.tag == "{%s}error" % NS_STREAM:
            conds = [c.tag.split("}")[1] for c in elem
                     if c.tag.startswith("{%s}" % NS_STREAM_ERRORS) and
                     not c.tag.endswith("}text")]
            raise StreamError(conds[0] if conds else "undefined")
        return elem

    async def _expect(self, tag, what):
        elem = await self.next_element()
        if elem.tag != tag:
            raise AssertionError("expected %s, got %s" % (
                what, ET.tostring(elem, encoding="unicode")[:300]))
        return elem

    async def starttls(self):
        """Opens the stream and does STARTTLS, presenting LEAF. Returns the
        stream features offered after TLS; raises AssertionError or
        StreamError if a step fails, ssl.SSLError if the handshake
        does."""
        await self._connect()
        self._open_stream()
        features = await self._expect("{%s}features" % NS_STREAM,
                                       "stream features")
        if features.find("{%s}starttls" % NS_TLS) is None:
            raise AssertionError("no STARTTLS offered")
        self.send("<starttls xmlns='%s'/>" % NS_TLS)
        await self._expect("{%s}proceed" % NS_TLS, "<proceed/>")
        ctx = ssl.create_default_context(cafile=self.cafile)
        ctx.load_cert_chain(self.leaf.cert, self.leaf.key)
        if self.tls_setup is not None:
            self.tls_setup(ctx)
        await asyncio.wait_for(self.writer.start_tls(
            ctx, server_hostname=self.remote), self.timeout)
        self._open_stream()
        return await self._expect("{%s}features" % NS_STREAM,
                                  "stream features after TLS")

    async def authenticate(self):
        """Opens the stream, does STARTTLS and SASL EXTERNAL (authorization
        identity: LOCAL). Returns the features offered after
        authentication; raises AssertionError or StreamError if a step
        fails."""
        features = await self.starttls()
        mechs = [m.text for m in features.iter("{%s}mechanism" % NS_SASL)]
        if "EXTERNAL" not in mechs:
            raise AssertionError("SASL EXTERNAL not offered (offered: %s)" %
                                 (mechs or "none"))
        self.send("<auth xmlns='%s' mechanism='EXTERNAL'>%s</auth>" % (
            NS_SASL, base64.b64encode(self.local.encode()).decode()))
        result = await self.next_element()
        if result.tag != "{%s}success" % NS_SASL:
            raise AssertionError("SASL EXTERNAL refused: %s" %
                                 ET.tostring(result, encoding="unicode"))
        self._open_stream()
        return await self._expect("{%s}features" % NS_STREAM,
                                  "stream features after SASL")

    def send_message(self, frm, to, body, stanza_id):
        self.send("<message from='%s' to='%s' type='chat' id='%s'>"
                  "<body>%s</body></message>" % (
                      _xml_escape(frm), _xml_escape(to),
                      _xml_escape(stanza_id), _xml_escape(body)))

    async def stream_error(self):
        """Reads until the stream ends; returns the stream error's
        condition (None if the stream ended without one). Stanzas read on
        the way are ignored. Raises AssertionError if anything but the
        stream's end follows the error, or anything follows the end."""
        try:
            while True:
                await self.next_element()
        except StreamError as e:
            cond = e.condition
        if cond is not None:
            try:
                await self.next_element()
            except StreamError as e:
                if e.condition is not None:
                    raise AssertionError("a second stream error followed "
                                         "<%s/>" % cond) from None
            else:
                raise AssertionError("a stanza followed the stream error")
        # Then only the end of the connection, within the timeout.
        data = b""
        if not self.pending:
            data = await asyncio.wait_for(self.reader.read(65536),
                                          self.timeout)
        if self.pending or data:
            raise AssertionError("the server sent more after the stream's "
                                 "end: %r" % (self.received + data)[-200:])
        return cond

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None
