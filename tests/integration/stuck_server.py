"""A server that negotiates and then never reads: it answers the guard's
stream as the receiving server (STARTTLS, then SASL EXTERNAL accepted
without a look at the certificate), sends its last stream features, and
from then on reads nothing. What the guard sends fills the kernel's
buffers (kept small here), then the guard's own, until the guard gives up
on it.

It runs on a thread of the harness, one short-lived thread per
connection for the negotiation, and holds every connection until it is
stopped."""

import socket
import ssl
import threading

NS_STREAM = "http://etherx.jabber.org/streams"
HEADER = ("<?xml version='1.0'?><stream:stream xmlns='jabber:server' "
          "xmlns:stream='%s' from='%%s' id='stuck-%%d' version='1.0'>" %
          NS_STREAM)
TLS_FEATURES = ("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:"
                "xmpp-tls'><required/></starttls></stream:features>")
SASL_FEATURES = ("<stream:features><mechanisms xmlns='urn:ietf:params:xml:"
                 "ns:xmpp-sasl'><mechanism>EXTERNAL</mechanism></mechanisms>"
                 "</stream:features>")
# Receive buffer of the held connections: small, so that the guard's
# output, not the kernel, is what fills.
RCVBUF = 4096


class StuckServer:
    """Listens on TCP ADDR:PORT as DOMAIN with LEAF (a pki.Leaf)."""

    def __init__(self, addr, port, domain, leaf):
        self.endpoint = (addr, port)
        self.domain = domain
        self.leaf = leaf
        self.negotiated = 0
        self._listener = None
        self._held = []
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF,
                                  RCVBUF)
        self._listener.bind(self.endpoint)
        self._listener.listen(16)
        self._listener.settimeout(0.2)
        self._thread = threading.Thread(target=self._serve, daemon=True,
                                        name="stuck-server")
        self._thread.start()

    def _serve(self):
        n = 0
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                continue
            n += 1
            self._held.append(conn)
            threading.Thread(target=self._negotiate, args=(conn, n),
                             daemon=True).start()

    @staticmethod
    def _read_until(sock, marks):
        """Reads until one of MARKS (bytes) has been seen."""
        data = b""
        while not any(m in data for m in marks):
            chunk = sock.recv(4096)
            if not chunk:
                raise OSError("closed")
            data += chunk
        return data

    def _negotiate(self, conn, n):
        try:
            conn.settimeout(10)
            self._read_until(conn, [b"<stream:stream"])
            conn.sendall((HEADER % (self.domain, n) + TLS_FEATURES).encode())
            self._read_until(conn, [b"starttls"])
            conn.sendall(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.leaf.cert, self.leaf.key)
            tls = ctx.wrap_socket(conn, server_side=True)
            self._held.append(tls)
            self._read_until(tls, [b"<stream:stream"])
            tls.sendall((HEADER % (self.domain, n) + SASL_FEATURES).encode())
            self._read_until(tls, [b"</auth>", b"/>"])
            tls.sendall(b"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
            self._read_until(tls, [b"<stream:stream"])
            tls.sendall((HEADER % (self.domain, n) +
                         "<stream:features/>").encode())
            self.negotiated += 1
            # From here on, nothing is read.
        except (OSError, ssl.SSLError):
            pass

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        for c in self._held:
            try:
                c.close()
            except OSError:
                pass
        self._held = []
        if self._listener is not None:
            self._listener.close()
