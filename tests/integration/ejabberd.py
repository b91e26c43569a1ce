"""One ejabberd instance (Debian 12's 23.01) of the test world, with
everything of its own in one directory: configuration, Mnesia spool,
resolver view, home and logs.

ejabberdctl is not used: it runs a distributed Erlang node (epmd, a node
name, a cookie) so that later ejabberdctl calls can reach it. Here the
VM is started directly, as ejabberdctl's `foreground` would, but without
a node name, so no distribution, no epmd and no cookie exist at all:

    erl -noinput -mnesia dir SPOOL -s ejabberd -eval REGISTER

The accounts are registered by the -eval, which runs once ejabberd has
started, and which prints a line the harness waits for.

ejabberd (p1_xmpp 1.6.1's xmpp_stream_out) resolves an s2s peer in two
steps: the SRV records with OTP's own DNS client (inet_res), then the
address with net:getaddrinfo, which is libc's resolver: the system's
/etc/hosts and /etc/resolv.conf, whose name server need not be on
loopback. So ejabberd runs in a mount namespace of its own (unshare,
root) where /etc/hosts and /etc/resolv.conf are this server's files: the
hosts map, and a name server at 127.0.0.1, where none runs. inet_res is
pointed by ERL_INETRC at a name server of the harness on this server's
address (dns_server.py, on a thread), which answers NXDOMAIN to every
name and keeps the questions, so a test can tell that the SRV lookup
stayed on loopback.

ejabberd 23.01 refuses SASL EXTERNAL from a certificate without
the clientAuth EKU and crashes on id-on-xmppAddr: the test CA's normal
certificates have both EKUs and no xmppAddr.
"""

import os

import dns_server
import daemon
import procs
import topology

# Where Debian installs ejabberd's applications (ejabberdctl's ERL_LIBS).
ERL_LIBS = "/usr/lib/x86_64-linux-gnu"
DNS_PORT = 5353
READY_LINE = "xedge-it: ejabberd accounts registered"


def _yaml_str(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def _erl_bin(s):
    return '<<"%s">>' % s.replace("\\", "\\\\").replace('"', '\\"')


class Ejabberd(daemon.Daemon):
    """SERVER (a topology.Server) run by ejabberd under DIRECTORY. CERTS
    maps (domain, kind) to a pki.Leaf; HOSTS maps names to the addresses
    this server resolves (its name server's zone)."""

    def __init__(self, server, directory, certs, cafile, hosts):
        self.server = server
        self.dir = directory
        self.config = os.path.join(directory, "ejabberd.yml")
        self.log = os.path.join(directory, "ejabberd.log")
        self.spool = os.path.join(directory, "spool")
        self.home = os.path.join(directory, "home")
        for d in (self.spool, self.home):
            os.makedirs(d, exist_ok=True)
        self.dns = dns_server.DnsServer(server.addr, DNS_PORT,
                                        dns_server.Zone({}, {}))
        self._write_resolver(hosts)
        self._write_config(certs, cafile)

    def _write_resolver(self, hosts):
        self.inetrc = os.path.join(self.dir, "inetrc")
        self.write_resolver(hosts, local=("127.0.0.1 localhost",))
        ip = ",".join(self.server.addr.split("."))
        with open(self.inetrc, "w") as f:
            f.write("%% Written by tests/integration/ejabberd.py.\n"
                    "{resolv_conf, \"%s\"}.\n"
                    "{hosts_file, \"%s\"}.\n"
                    "{lookup, [file]}.\n"
                    "{nameserver, {%s}, %d}.\n" % (
                        self.resolv_conf, self.hosts_file, ip, DNS_PORT))

    def _write_config(self, certs, cafile):
        s = self.server
        files = []
        for h in s.hosts:
            leaf = certs[h.domain, h.s2s_cert]
            files += [leaf.cert, leaf.key]
        lines = [
            "# Written by tests/integration/ejabberd.py for server %s." %
            s.name,
            "hosts: [%s]" % ", ".join(_yaml_str(d) for d in s.domains()),
            "loglevel: debug",
            "certfiles: [%s]" % ", ".join(_yaml_str(f) for f in files),
            "ca_file: %s" % _yaml_str(cafile),
            "listen:",
            "  - port: %d" % topology.C2S_PORT,
            "    ip: %s" % _yaml_str(s.addr),
            "    module: ejabberd_c2s",
            "    starttls_required: true",
        ]
        for port in s.s2s_ports:
            lines += [
                "  - port: %d" % port,
                "    ip: %s" % _yaml_str(s.addr),
                "    module: ejabberd_s2s_in",
            ]
        lines += [
            # Encrypted s2s only, and no dialback module: a peer can only
            # authenticate by certificate (SASL EXTERNAL).
            "s2s_use_starttls: required",
            "s2s_access: all",
            "outgoing_s2s_families: [ipv4]",
            "s2s_dns_timeout: 2",
            "s2s_dns_retries: 1",
            "auth_method: internal",
            "auth_password_format: plain",
            "default_db: mnesia",
            "acme:",
            "  auto: false",
            "modules:",
            "  mod_disco: {}",
            "  mod_ping: {}",
            "  mod_roster: {}",
        ]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def _argv(self):
        register = ",".join(
            "ok = ejabberd_auth:try_register(%s, %s, %s)" % (
                _erl_bin(h.user), _erl_bin(h.domain), _erl_bin(h.password))
            for h in self.server.hosts)
        erl = ["erl", "-noinput", "+K", "true",
               "-mnesia", "dir", '"%s"' % self.spool,
               "-s", "ejabberd",
               "-eval", "%s, io:format(\"%s~n\")." % (register, READY_LINE)]
        # The bind mounts live and die with the namespace, which ends
        # with the VM (exec keeps its pid, the one the harness stops).
        shell = ("mount --bind \"$1\" /etc/hosts && "
                 "mount --bind \"$2\" /etc/resolv.conf && "
                 "shift 2 && exec \"$@\"")
        return (["unshare", "--mount", "--propagation", "private", "sh",
                 "-c", shell, "sh", self.hosts_file, self.resolv_conf] +
                erl)

    def start(self):
        env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": self.home,
            "EJABBERD_CONFIG_PATH": self.config,
            "EJABBERD_LOG_PATH": self.log,
            "ERL_INETRC": self.inetrc,
            "ERL_LIBS": ERL_LIBS,
            "ERL_CRASH_DUMP": os.path.join(self.dir, "erl_crash.dump"),
            "ERL_CRASH_DUMP_BYTES": "0",
        }
        self.dns.start()
        self.child = procs.Child(
            "ejabberd " + self.server.name, self._argv(),
            os.path.join(self.dir, "stdout.log"), env=env, cwd=self.spool)

    def wait_ready(self, timeout=30.0):
        procs.wait_listening(self.child, self.endpoints(), timeout)
        procs.wait_log_line(self.child, READY_LINE, timeout)

    def stop(self):
        super().stop()
        self.dns.stop()
