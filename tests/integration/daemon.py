"""What the XMPP servers of a test world share, whichever software runs
them: the child process, the addresses it listens on, its log."""

import os

import topology


class Daemon:
    """A server of the world. Subclasses set self.server (a
    topology.Server), self.dir (its directory), self.log (its log file)
    and self.child (a procs.Child, once started)."""

    child = None

    def write_resolver(self, hosts, local=()):
        """Writes this server's own resolv.conf, naming a name server that
        does not exist, and hosts file: HOSTS maps names to addresses,
        after the LOCAL lines as they are."""
        self.resolv_conf = os.path.join(self.dir, "resolv.conf")
        self.hosts_file = os.path.join(self.dir, "hosts")
        with open(self.resolv_conf, "w") as f:
            f.write("# No name server listens here: nothing is resolved "
                    "outside the hosts file.\nnameserver 127.0.0.1\n")
        with open(self.hosts_file, "w") as f:
            for line in local:
                f.write(line + "\n")
            for name, addr in sorted(hosts.items()):
                f.write("%s %s\n" % (addr, name))

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
