"""One Prosody instance of the test world, with everything of its own in
one directory: configuration, data (accounts written in advance), a
resolver view, pid file and log.

Prosody (0.12) is started in the foreground as
`prosody -F --config FILE`. As root it refuses to run unless the
configuration says run_as_root, and 0.12.3's refusal is broken (it keeps
running with the default listeners), so the option is always set: the
instance only ever binds its own loopback address.

Name resolution goes through lua-unbound (net.unbound replaces net.adns
when lunbound loads) configured by the `unbound` option: a resolv.conf
naming 127.0.0.1 (where no name server runs), a hosts file giving the test
domains their loopback addresses, and `local-zone: "example." static`, so
that SRV, AAAA and unknown names under example. are answered locally
(NXDOMAIN or no data) and no query ever leaves loopback.

A server of a world that finds the guards by SRV (the scale world) asks
the harness's name server instead: `forward` names it (libunbound's
ub_ctx_set_fwd takes ADDRESS@PORT), `resolvconf = false` keeps
resolv.conf's name server out, and with no local zone every question
goes to that one forwarder, which answers NXDOMAIN for any name it does
not hold. `rrset-roundrobin: no` keeps the records in the order the name
server gave them: libunbound 1.17 otherwise reorders each answer by its
query id, at random, and the world's streams would spread by chance.
"""

import os

import daemon
import procs
import topology


def _lua_str(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def _lua_list(items):
    return "{ %s }" % ", ".join(_lua_str(i) for i in items)


def _ssl_table(leaf, cafile, capath):
    return ("{ certificate = %s, key = %s, cafile = %s, capath = %s }" %
            (_lua_str(leaf.cert), _lua_str(leaf.key), _lua_str(cafile),
             _lua_str(capath)))


def _encode(s):
    """Prosody's datamanager file name encoding (util/datamanager.lua)."""
    return "".join(c if c.isalnum() else "%%%02x" % ord(c) for c in s)


class Prosody(daemon.Daemon):
    """SERVER (a topology.Server) run under DIRECTORY. CERTS maps
    (domain, kind) to a pki.Leaf, kind being "c2s" or a topology CERT_*
    value; HOSTS maps names to the addresses this server resolves. DNS,
    if given, is the (address, port) of the name server it asks for
    everything else."""

    def __init__(self, server, directory, certs, cafile, hosts, dns=None):
        self.server = server
        self.dns = dns
        self.dir = directory
        self.config = os.path.join(directory, "prosody.cfg.lua")
        self.log = os.path.join(directory, "prosody.log")
        os.makedirs(os.path.join(directory, "data"), exist_ok=True)
        # An empty directory stands in for /etc/ssl/certs (Prosody's
        # default capath) and for the certificates folder it indexes.
        self.empty = os.path.join(directory, "empty")
        os.makedirs(self.empty, exist_ok=True)
        self.write_resolver(hosts)
        self._write_accounts()
        self._write_config(certs, cafile)

    def _write_accounts(self):
        for h in self.server.hosts:
            d = os.path.join(self.dir, "data", _encode(h.domain), "accounts")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, _encode(h.user) + ".dat"), "w") as f:
                f.write("return {\n\t[\"password\"] = %s;\n};\n" %
                        _lua_str(h.password))

    def _write_config(self, certs, cafile):
        s = self.server
        lines = [
            "-- Written by tests/integration/prosody.py for server %s." %
            s.name,
            "run_as_root = true",
            "pidfile = %s" % _lua_str(os.path.join(self.dir, "prosody.pid")),
            "data_path = %s" % _lua_str(os.path.join(self.dir, "data")),
            "certificates = %s" % _lua_str(self.empty),
            "plugin_paths = {}",
            "interfaces = { %s }" % _lua_str(s.addr),
            "c2s_ports = { %d }" % topology.C2S_PORT,
            "s2s_ports = { %s }" % ", ".join(str(p) for p in s.s2s_ports),
            "c2s_direct_tls_ports = {}",
            "s2s_direct_tls_ports = {}",
            "legacy_ssl_ports = {}",
            "use_ipv6 = false",
            "log = { { levels = { min = \"debug\" }, to = \"file\", "
            "filename = %s } }" % _lua_str(self.log),
            "modules_enabled = %s" % _lua_list(
                ["roster", "saslauth", "tls", "dialback", "disco", "ping",
                 "posix"]),
            "authentication = \"internal_plain\"",
            "storage = \"internal\"",
            "c2s_require_encryption = true",
            "s2s_require_encryption = true",
            "s2s_secure_auth = %s" % ("true" if s.secure_auth else "false"),
            "s2s_insecure_domains = %s" % _lua_list(s.insecure_domains),
            # Failures must show within the tests' timeouts.
            "s2s_timeout = 10",
            self._unbound(),
            "ssl = { cafile = %s, capath = %s }" % (_lua_str(cafile),
                                                    _lua_str(self.empty)),
        ]
        for h in s.hosts:
            lines += [
                "",
                "VirtualHost %s" % _lua_str(h.domain),
                "\tc2s_ssl = %s" % _ssl_table(certs[h.domain, "c2s"],
                                              cafile, self.empty),
                "\ts2s_ssl = %s" % _ssl_table(certs[h.domain, h.s2s_cert],
                                              cafile, self.empty),
            ]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def _unbound(self):
        """The `unbound` option: see the module's comment."""
        if self.dns is None:
            return ("unbound = { resolvconf = %s, hoststxt = %s, "
                    "options = { [\"local-zone:\"] = \"example. static\" } }"
                    % (_lua_str(self.resolv_conf),
                       _lua_str(self.hosts_file)))
        return ("unbound = { resolvconf = false, hoststxt = %s, "
                "forward = %s, options = { [\"rrset-roundrobin:\"] = "
                "\"no\" } }" % (_lua_str(self.hosts_file),
                                _lua_str("%s@%d" % self.dns)))

    def start(self):
        self.child = procs.Child(
            "prosody " + self.server.name,
            ["prosody", "-F", "--config", self.config],
            os.path.join(self.dir, "stdout.log"), cwd=self.dir)

    def wait_ready(self, timeout=15.0):
        procs.wait_listening(self.child, self.endpoints(), timeout)
