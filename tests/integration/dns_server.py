"""A tiny authoritative name server for the guard's DNS SRV lookups: UDP
on a loopback address, answering from a fixed zone (SRV and A records
only), NXDOMAIN for every other name. Packets are built and parsed by
hand (RFC 1035 section 4, RFC 2782), with the standard library only.

It runs on a thread of the harness and keeps every question it was asked,
so that a test can tell which names the guard looked up."""

import socket
import struct
import threading

TYPE_A = 1
TYPE_SRV = 33
CLASS_IN = 1
RCODE_NXDOMAIN = 3
TTL = 60

# Header flags of an answer: QR (a response) and AA (authoritative); RD
# is copied from the query.
_QR_AA = 0x8400
_RD = 0x0100
# A compression pointer to the question's name, at offset 12.
_NAME_PTR = b"\xc0\x0c"


class Zone:
    """SRV records by owner name, each (priority, weight, port, target),
    and IPv4 addresses by name. Names are lower case, without the final
    dot. With ROTATE, the SRV records of a name come in turn order (see
    srv_records)."""

    def __init__(self, srv, a, rotate=False):
        self.srv = srv
        self.a = a
        self.rotate = rotate
        self._turn = 0

    def has(self, name):
        return name in self.srv or name in self.a

    def srv_records(self, name):
        """The SRV records of NAME in the order of the next answer: as
        given or, when the zone rotates and NAME has several, starting
        one record further than the answer before (of any name), as a
        name server's cyclic ordering does. A client that takes records
        of equal priority in answer order (Prosody 0.12 ignores weights)
        is thus spread over them."""
        records = self.srv.get(name, [])
        if not self.rotate or len(records) < 2:
            return records
        k = self._turn % len(records)
        self._turn += 1
        return records[k:] + records[:k]


def _read_name(packet, offset):
    """Returns (name, offset after it) for the uncompressed name at OFFSET
    (a question's name is never compressed); raises ValueError."""
    labels = []
    while True:
        n = packet[offset]
        offset += 1
        if n == 0:
            return ".".join(labels).lower(), offset
        if n & 0xC0:
            raise ValueError("compressed name in a question")
        labels.append(packet[offset:offset + n].decode("ascii"))
        offset += n


def _encode_name(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def _record(rtype, rdata):
    return _NAME_PTR + struct.pack("!HHIH", rtype, CLASS_IN, TTL,
                                   len(rdata)) + rdata


def answer(zone, query):
    """Returns (response, (name, type)) for the DNS message QUERY, or
    (None, None) when it is not a well-formed one-question query."""
    try:
        qid, flags, qdcount = struct.unpack("!HHH", query[:6])
        if flags & 0x8000 or qdcount != 1:
            return None, None
        name, end = _read_name(query, 12)
        qtype, qclass = struct.unpack("!HH", query[end:end + 4])
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        return None, None
    question = query[12:end + 4]
    records = []
    if qclass == CLASS_IN and qtype == TYPE_SRV:
        for prio, weight, port, target in zone.srv_records(name):
            records.append(_record(TYPE_SRV, struct.pack(
                "!HHH", prio, weight, port) + _encode_name(target)))
    elif qclass == CLASS_IN and qtype == TYPE_A and name in zone.a:
        records.append(_record(TYPE_A, socket.inet_aton(zone.a[name])))
    # A name of the zone without records of the type asked is NOERROR
    # with an empty answer; any other name does not exist.
    rcode = 0 if zone.has(name) else RCODE_NXDOMAIN
    header = struct.pack("!HHHHHH", qid, _QR_AA | (flags & _RD) | rcode, 1,
                         len(records), 0, 0)
    return header + question + b"".join(records), (name, qtype)


class DnsServer:
    """Answers from ZONE (a Zone) on UDP ADDR:PORT while running.
    `questions` lists every (name, type) asked, in order."""

    def __init__(self, addr, port, zone):
        self.endpoint = (addr, port)
        self.zone = zone
        self.questions = []
        self._sock = None
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        """Binds the socket (raises OSError if the port is taken) and starts
        answering."""
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(self.endpoint)
        # The timeout lets the thread notice stop() within a moment.
        self._sock.settimeout(0.2)
        self._thread = threading.Thread(target=self._serve, daemon=True,
                                        name="dns-server")
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                query, client = self._sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            response, question = answer(self.zone, query)
            if response is None:
                continue
            self.questions.append(question)
            self._sock.sendto(response, client)

    def stop(self):
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(5)
        self._sock.close()
        self._thread = None
