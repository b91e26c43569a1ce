"""What the XMPP servers of a test world share, whichever software runs
them: the child process, the addresses it listens on, its log."""

import topology


class Daemon:
    """A server of the world. Subclasses set self.server (a
    topology.Server), self.log (its log file) and self.child (a
    procs.Child, once started)."""

    child = None

    def endpoints(self):
        """The (address, port) pairs the server listens on."""
        return [(self.server.addr, p) for p in
                [topology.C2S_PORT] + self.server.s2s_ports]

    def stop(self):
        if self.child is not None:
            self.child.stop()

    def read_log(self):
        with open(self.log, errors="replace") as f:
            return f.read()
