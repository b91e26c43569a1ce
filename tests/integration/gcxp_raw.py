"""A raw gcxp client (xedge-gcxp(7)) for the pair world: it holds an
edge's certificate, makes the handshake with the validator and then
writes whatever frames a test wants, as a tampered edge would, and
reads what comes back. Frames are encoded and decoded here from the
manual page's layout, independently of the guard's own codec."""

import os
import socket
import ssl
import struct

HELLO, HELLO_REFUSE, STANZA, ACK, REFUSE, PING, ERROR = range(1, 8)
ROLE_EDGE, ROLE_VALIDATOR = 1, 2


def frame(ftype, body):
    """A frame of type FTYPE around BODY: its length counts the type."""
    return struct.pack(">IB", len(body) + 1, ftype) + body


def _name(b, size=1):
    return struct.pack(">B" if size == 1 else ">H", len(b)) + b


def hello(name, peer, digest, window=32, instance=None):
    """The HELLO of edge NAME expecting PEER, for the policy of DIGEST
    (hex)."""
    instance = instance or int.from_bytes(os.urandom(8), "big") | 1
    return frame(HELLO, struct.pack(">HBHQQQ", 1, ROLE_EDGE, window,
                                    instance, 0, 0) +
                 bytes.fromhex(digest) + _name(name.encode()) +
                 _name(peer.encode()))


def stanza(seq, direction, src, dst, xml, rules=()):
    """A STANZA frame: SEQ, DIRECTION (0 or 1), source and destination
    peer names, the verdict path RULES and the XML text."""
    x = xml.encode() if isinstance(xml, str) else xml
    return frame(STANZA, struct.pack(">QB", seq, direction) +
                 _name(src.encode()) + _name(dst.encode()) +
                 struct.pack(">H", len(rules)) +
                 b"".join(struct.pack(">I", r) for r in rules) +
                 struct.pack(">I", len(x)) + x)


def ack(seq):
    return frame(ACK, struct.pack(">Q", seq))


def error(code, text):
    """An ERROR frame with reason CODE and TEXT."""
    t = text.encode()
    return frame(ERROR, struct.pack(">BH", code, len(t)) + t)


def parse(data):
    """(type, fields) of the one frame DATA holds: STANZA (seq, direction,
    source, destination, xml), ACK (seq,), REFUSE (seq, rule, condition,
    text), ERROR and HELLO_REFUSE (code, text), HELLO (name, peer), or
    (type, body) for the rest."""
    ftype, body = data[0], data[1:]
    if ftype == STANZA:
        seq, direction = struct.unpack_from(">QB", body)
        i = 9
        src = body[i + 1:i + 1 + body[i]].decode()
        i += 1 + body[i]
        dst = body[i + 1:i + 1 + body[i]].decode()
        i += 1 + body[i]
        nrules = struct.unpack_from(">H", body, i)[0]
        i += 2 + 4 * nrules
        n = struct.unpack_from(">I", body, i)[0]
        return ftype, (seq, direction, src, dst,
                       body[i + 4:i + 4 + n].decode())
    if ftype == ACK:
        return ftype, struct.unpack(">Q", body)
    if ftype == REFUSE:
        seq, rule = struct.unpack_from(">QI", body)
        n = body[12]
        cond = body[13:13 + n].decode()
        tlen = struct.unpack_from(">H", body, 13 + n)[0]
        text = body[15 + n:15 + n + tlen].decode()
        return ftype, (seq, rule, cond, text)
    if ftype in (ERROR, HELLO_REFUSE):
        code, tlen = struct.unpack_from(">BH", body)
        return ftype, (code, body[3:3 + tlen].decode())
    if ftype == HELLO:
        i = 2 + 1 + 2 + 8 + 8 + 8 + 32
        name = body[i + 1:i + 1 + body[i]].decode()
        i += 1 + body[i]
        peer = body[i + 1:i + 1 + body[i]].decode()
        return ftype, (name, peer)
    return ftype, body


class RawEdge:
    """A TLS connection to the validator at ADDR:PORT presenting LEAF
    (pki.Leaf), trusting CAFILE, the validator's name being SNI."""

    def __init__(self, addr, port, leaf, cafile, sni, timeout=10.0):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.load_verify_locations(cafile)
        ctx.load_cert_chain(leaf.cert, leaf.key)
        raw = socket.create_connection((addr, port), timeout=timeout)
        self.sock = ctx.wrap_socket(raw, server_hostname=sni)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def read(self):
        """The next frame, parsed; None when the validator closed."""
        while True:
            if len(self.buf) >= 4:
                n = struct.unpack_from(">I", self.buf)[0]
                if len(self.buf) >= 4 + n:
                    data, self.buf = self.buf[4:4 + n], self.buf[4 + n:]
                    return parse(data)
            try:
                more = self.sock.recv(65536)
            except (ssl.SSLError, OSError):
                more = b""
            if not more:
                return None
            self.buf += more

    def read_until(self, ftype):
        """Frames up to and including the first of FTYPE, skipping
        PINGs; the last is None when the validator closed first."""
        seen = []
        while True:
            f = self.read()
            seen.append(f)
            if f is None or f[0] == ftype:
                return seen

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
