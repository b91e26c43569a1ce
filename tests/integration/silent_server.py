"""A server that accepts TCP connections and never says a word: the guard
connects, sends its stream header and waits for an answer that never
comes, until its negotiation timeout (or its shutdown) ends the stream.

It runs on a thread of the harness, holds every connection until it is
stopped, and counts them, so that a test can tell the guard came."""

import select
import socket
import threading


class SilentServer:
    """Listens on TCP ADDR:PORT while running; `accepted` counts the
    connections taken."""

    def __init__(self, addr, port):
        self.endpoint = (addr, port)
        self.accepted = 0
        self._listener = None
        self._held = []
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        """Listens (raises OSError if the address is taken) and starts
        accepting."""
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(self.endpoint)
        self._listener.listen(16)
        self._thread = threading.Thread(target=self._serve, daemon=True,
                                        name="silent-server")
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            # The timeout lets the thread notice stop() within a moment.
            ready, _, _ = select.select([self._listener], [], [], 0.2)
            if not ready:
                continue
            try:
                conn, _ = self._listener.accept()
            except OSError:
                continue
            # Nothing is read: what the guard sends stays in the kernel's
            # buffers, which is all a silent peer needs.
            self._held.append(conn)
            self.accepted += 1

    def stop(self):
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(5)
        for conn in self._held:
            conn.close()
        self._held = []
        self._listener.close()
        self._thread = None
