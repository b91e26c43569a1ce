"""Streams that never authenticate: the flood a guard must survive
without holding what they send. Each stream opens a TCP connection to
the guard, claims to be a peer's domain, and then sends an element that
never ends, at one of these places:

  HEADER  the stream header itself never ends (an endless attribute)
  CLEAR   after the stream header, before TLS (endless text)
  TLS     after STARTTLS, the TLS handshake and the new stream header
          (endless text)
  NODES   after the stream header, an endless run of empty children: the
          most tree for the fewest bytes

It sends LENGTH bytes of the endless part, then waits: the guard ends
the stream (at its negotiation bound, or at its negotiation timeout) or
refused the connection outright. Each stream records how it ended.

Also what the tests read of the guard process: its memory figures
(/proc/PID/status) and whether it was built with AddressSanitizer."""

import asyncio
import resource
import ssl

NS_STREAM = "http://etherx.jabber.org/streams"
NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"

HEADER, CLEAR, TLS, NODES = "header", "clear", "tls", "nodes"
PLACES = (HEADER, CLEAR, TLS, NODES)

# How a stream ended.
REFUSED = "refused"            # closed before any byte came back
STREAM_ERROR = "stream-error"  # with a <stream:error/>
CLOSED = "closed"              # closed after bytes, without a stream error


def raise_nofile(need):
    """Raises this process's descriptor limit to at least NEED (within
    the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        if hard != resource.RLIM_INFINITY:
            need = min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


def proc_status(pid):
    """Returns {field: kB} for the Vm* lines of /proc/PID/status."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key.startswith("Vm") and value.strip().endswith("kB"):
                out[key] = int(value.split()[0])
    return out


def asan_build(binary):
    """Whether BINARY was built with AddressSanitizer, whose shadow memory
    and quarantine of freed blocks make its memory figures meaningless
    here."""
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


_context = None


def _client_context():
    """One TLS client context for every stream: it checks nothing (a
    hostile stream does not care whom it floods), and making one per
    stream would load the system's CA store each time."""
    global _context
    if _context is None:
        _context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        _context.check_hostname = False
        _context.verify_mode = ssl.CERT_NONE
    return _context


def _header(local, remote):
    return ("<?xml version='1.0'?><stream:stream xmlns='jabber:server' "
            "xmlns:stream='%s' xmlns:db='jabber:server:dialback' "
            "from='%s' to='%s' version='1.0'>" % (NS_STREAM, local, remote))


class HostileStream:
    """One stream from SOURCE (an address to bind, or None) to ADDR:PORT
    claiming LOCAL towards REMOTE; its endless element goes at PLACE, of
    which it sends LENGTH bytes."""

    def __init__(self, addr, port, source, local, remote, place, length):
        self.addr, self.port, self.source = addr, port, source
        self.local, self.remote = local, remote
        self.place, self.length = place, length
        self.reader = self.writer = None
        self.received = b""
        self.ended = None       # REFUSED, STREAM_ERROR or CLOSED
        self.condition = None   # the stream error's condition

    async def _read_until(self, marker, timeout):
        while marker not in self.received:
            data = await asyncio.wait_for(self.reader.read(65536), timeout)
            if not data:
                raise ConnectionError("closed")
            self.received += data

    async def connect(self, timeout=20):
        self.reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(
                self.addr, self.port,
                local_addr=(self.source, 0) if self.source else None),
            timeout)

    def send_header(self):
        self.writer.write(_header(self.local, self.remote).encode())

    async def open(self, timeout=20):
        """Connects and sends the endless part; returns when it is sent,
        or when the guard has closed the connection already."""
        try:
            await self.connect(timeout)
            if self.place == HEADER:
                await self._send_endless(
                    _header(self.local, self.remote)[:-1] + " x='")
                return
            self.send_header()
            if self.place == TLS:
                await self._starttls(timeout)
            opening = "<message from='x@%s' to='y@%s'>" % (self.local,
                                                          self.remote)
            if self.place == NODES:
                await self._send_endless(opening, b"<a/>")
            else:
                await self._send_endless(opening + "<body>")
        except (ConnectionError, OSError, asyncio.TimeoutError,
                ssl.SSLError):
            self._note_end()

    async def _starttls(self, timeout):
        await self._read_until(b"</stream:features>", timeout)
        self.writer.write(("<starttls xmlns='%s'/>" % NS_TLS).encode())
        await self._read_until(b"<proceed", timeout)
        await asyncio.wait_for(self.writer.start_tls(
            _client_context(), server_hostname=self.remote), timeout)
        self.received = b""
        self.send_header()

    async def _send_endless(self, opening, filler=b"x"):
        self.writer.write(opening.encode())
        chunk = filler * (16384 // len(filler))
        sent = 0
        while sent < self.length and not self.writer.is_closing():
            n = min(len(chunk), self.length - sent)
            self.writer.write(chunk[:n])
            sent += n
            await self.writer.drain()

    def _note_end(self):
        if self.ended is not None:
            return
        text = self.received.decode("utf-8", "replace")
        if "<stream:error>" in text:
            self.ended = STREAM_ERROR
            rest = text.split("<stream:error>", 1)[1]
            self.condition = rest.split("<", 2)[1].split()[0].rstrip("/>")
        elif not self.received:
            self.ended = REFUSED
        else:
            self.ended = CLOSED

    async def admitted(self, timeout=10):
        """Waits for the guard's first bytes: True once some came (the
        guard took the connection), False if it closed the connection
        without a byte."""
        try:
            data = await asyncio.wait_for(self.reader.read(65536), timeout)
        except (ConnectionError, OSError):
            data = b""
        self.received += data
        if not data:
            self._note_end()
        return bool(data)

    async def wait_end(self, timeout):
        """Reads until the guard closes the connection (or TIMEOUT passes,
        leaving ENDED None)."""
        if self.ended is not None:
            return
        try:
            while True:
                data = await asyncio.wait_for(self.reader.read(65536),
                                              timeout)
                if not data:
                    break
                self.received += data
        except asyncio.TimeoutError:
            return
        except (ConnectionError, OSError, ssl.SSLError):
            pass
        self._note_end()

    def close(self):
        if self.writer is not None:
            self.writer.transport.abort()
            self.writer = None


class Flood:
    """COUNT hostile streams to ADDR:PORT, claiming LOCAL towards REMOTE:
    each place of PLACES in turn, with each length of LENGTHS in turn
    (every place with every length), from each of SOURCES in turn (None:
    the system's choice). At most PARALLEL connect at once."""

    def __init__(self, addr, port, count, local, remote, lengths,
                 places=PLACES, sources=(None,), parallel=100):
        raise_nofile(count + 256)
        np = len(places)
        self.streams = [
            HostileStream(addr, port, sources[i % len(sources)], local,
                          remote, places[i % np],
                          lengths[i // np % len(lengths)])
            for i in range(count)]
        self.parallel = parallel

    async def open(self):
        gate = asyncio.Semaphore(self.parallel)

        async def one(s):
            async with gate:
                await s.open()
        await asyncio.gather(*(one(s) for s in self.streams))

    async def wait_end(self, timeout):
        await asyncio.gather(*(s.wait_end(timeout) for s in self.streams))

    def open_streams(self):
        """The streams the guard has not ended yet."""
        return [s for s in self.streams if s.ended is None]

    def close(self):
        for s in self.streams:
            s.close()
