"""A guard under test: building a binary for a policy of its own,
writing its site file, and running it.

A guard binary enforces the policy it was compiled from, and `make`
builds build/xedge from one POLICY. Each guard of the integration worlds
is built in a tree of its own by the same Makefile, with B and G
pointing elsewhere, for instance

    make B=build/it G=build/it/generated \\
         POLICY=tests/integration/trunk.policy build/it/xedge

so the flags, sanitizers and objects rules stay in one place and
build/xedge (the default policy) is left alone. Run from `make check`,
make passes its command line (SANITIZER=...) on to these builds through
MAKEFLAGS.
"""

import os
import shutil
import signal
import subprocess

import procs
import topology

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def build_guard(plan):
    """Builds the guard of PLAN (a topology.GuardPlan) from its policy in
    its tree; returns the binary's path or raises RuntimeError with
    make's output."""
    target = os.path.join(plan.tree, "xedge")
    role = ["ROLE=" + plan.role] if plan.role else []
    r = subprocess.run(
        ["make", "--no-print-directory", "B=" + plan.tree,
         "G=" + os.path.join(plan.tree, "generated"),
         "POLICY=" + plan.policy, target] + role,
        cwd=REPO, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("building the guard for %s failed:\n%s%s" %
                           (plan.policy, r.stdout, r.stderr))
    return os.path.join(REPO, target)


class Guard:
    """The guard NAME: BINARY run with a site file under DIRECTORY,
    listening on ADDR:S2S_PORT. PEERS maps the policy's peer names to
    (address, port) (a peer found by DNS SRV has none); CERTS maps the
    domains the guard stands in for to pki.Leaf objects; DNS, if given,
    is the (address, port) of its name server; CRLS lists the CRL files
    it checks peer certificates against. Started as root, as the harness
    is, it runs as USER (see topology.GuardPlan) chrooted to JAIL, an
    empty directory of its own (the system's /var/empty may not exist).
    SITE holds extra lines for its site file. PAIR, for a guard of a pair,
    is (its gcxp name, pki.Leaf) and ENDPOINT where it listens when that is
    not ADDR:S2S_PORT (a pair's validator, which speaks no S2S)."""

    def __init__(self, name, binary, directory, addr, peers, certs, cafile,
                 dns=None, user=None, crls=(), site=(), pair=None,
                 endpoint=None):
        self.name = name
        self.binary = binary
        self.dir = directory
        self.addr = addr
        self.endpoint = endpoint or (addr, topology.S2S_PORT)
        self.keys = [leaf.key for leaf in certs.values()]
        self.user = user
        self.site = os.path.join(directory, "site.conf")
        self.log = os.path.join(directory, "xedge.log")
        self.jail = os.path.join(directory, "empty")
        self.child = None
        os.makedirs(self.jail, exist_ok=True)
        os.chmod(self.jail, 0o755)
        lines = ["# Written by tests/integration/guard.py."]
        if self.endpoint[1] == topology.S2S_PORT:
            lines.append("listen %s %d" % (addr, topology.S2S_PORT))
        if pair is not None:
            self._place_pair(*pair, cafile)
        for peer, (peer_addr, port) in sorted(peers.items()):
            lines.append("peer %s %s %d" % (peer, peer_addr, port))
        for domain, leaf in sorted(certs.items()):
            lines.append("certificate %s %s %s" % (domain, leaf.cert,
                                                   leaf.key))
        lines.append("ca %s" % cafile)
        lines += ["crl %s" % crl for crl in crls]
        if dns is not None:
            lines.append("dns %s %d" % dns)
        lines += ["log stderr", "log-level debug"]
        # Started as another user, the guard stays that user and cannot
        # chroot: the site file would ask for what it cannot do.
        if os.geteuid() == 0:
            lines.append("chroot %s" % self.jail)
            if user == topology.STAY_ROOT:
                lines.append("run-as-root yes")
            elif user is not None:
                lines.append("user %s" % user)
        lines += list(site)
        with open(self.site, "w") as f:
            f.write("\n".join(lines) + "\n")

    def _place_pair(self, name, leaf, cafile):
        """Puts where the pair block of its policy says (relative to the
        guard's directory) the certificate and key of its gcxp name NAME
        (LEAF) and the CA of the pair, the test CA."""
        d = os.path.join(self.dir, "pair")
        os.makedirs(d, exist_ok=True)
        for src, dst in ((leaf.cert, name + ".pem"), (leaf.key, name + ".key"),
                         (cafile, "ca.pem")):
            shutil.copyfile(src, os.path.join(d, dst))
        self.keys.append(leaf.key)

    def start(self):
        """Starts the guard, or a new instance of it once the one before
        was stopped: its log goes on in the same file."""
        env = dict(os.environ)
        # A sanitizer build reports into the log and fails the run.
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        self.child = procs.Child(self.name, [self.binary, "-s", self.site],
                                 self.log, env=env, cwd=self.dir)

    def wait_ready(self, timeout=10.0):
        procs.wait_listening(self.child, [self.endpoint], timeout)

    def terminate(self):
        """Sends SIGTERM to the guard alone (stop() later collects its
        exit status)."""
        self.send_signal(signal.SIGTERM)

    def send_signal(self, sig):
        """Sends SIG to the guard alone: SIGKILL, SIGSTOP and SIGCONT
        as well as its own SIGTERM."""
        self.child.proc.send_signal(sig)

    def reload(self):
        """Sends SIGHUP: the guard reads its CA bundle and CRLs again."""
        self.child.proc.send_signal(signal.SIGHUP)

    def exited(self):
        return not self.child.alive()

    def stop(self):
        """Stops the guard; returns its exit status (None if never
        started)."""
        if self.child is None:
            return None
        return self.child.stop()

    def address_sanitized(self):
        """Whether the binary is an AddressSanitizer build, which plans
        its chroot but skips it (LeakSanitizer needs /proc)."""
        with open(self.binary, "rb") as f:
            return b"__asan_init" in f.read()

    def read_log(self):
        with open(self.log, errors="replace") as f:
            return f.read()
