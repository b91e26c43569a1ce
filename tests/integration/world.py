"""Bringing the test world up and down: certificates, the Prosody
servers and, unless direct, the guard between them."""

import os
import time

import guard
import pki
import procs
import prosody
import topology


class World:
    """SERVERS (topology.Server list) under DIRECTORY. With GUARD_BINARY,
    the guard runs between inside and outside and GUARD_PEERS maps the
    policy's peer names to server names; without it, the servers talk
    directly."""

    def __init__(self, directory, servers, guard_binary=None,
                 guard_peers=None):
        self.dir = directory
        self.servers = servers
        self.guarded = guard_binary is not None
        self.pki = pki.Pki(os.path.join(directory, "pki"))
        self.certs = self._issue()
        self.prosody = {}
        for s in servers:
            self.prosody[s.name] = prosody.Prosody(
                s, os.path.join(directory, "prosody-" + s.name),
                self.certs, self.pki.ca.cert,
                topology.host_map(s, servers, self.guarded))
        self.guard = None
        if self.guarded:
            by_name = {s.name: s for s in servers}
            peers = {p: (by_name[n].addr, topology.S2S_PORT)
                     for p, n in guard_peers.items()}
            fronted = {d: self.certs[d, topology.CERT_GOOD]
                       for s in servers for d in s.domains()}
            self.guard = guard.Guard(guard_binary,
                                     os.path.join(directory, "xedge"),
                                     peers, fronted, self.pki.ca.cert)

    def _issue(self):
        """Issues every certificate the world needs; returns them keyed by
        (domain, kind)."""
        p = self.pki
        certs = {}
        for s in self.servers:
            for h in s.hosts:
                d = h.domain
                good = p.leaf(d, d)
                certs[d, topology.CERT_GOOD] = good
                certs[d, "c2s"] = good
                if h.s2s_cert == topology.CERT_UNTRUSTED:
                    certs[d, h.s2s_cert] = p.leaf(d + "-untrusted", d,
                                                  issuer=p.untrusted_ca)
                elif h.s2s_cert == topology.CERT_WRONG_NAME:
                    certs[d, h.s2s_cert] = p.leaf(d + "-wrong-name",
                                                  topology.WRONG_NAME)
        return certs

    def xmppaddr_leaf(self, domain):
        """A certificate naming DOMAIN only as an XmppAddr (no dNSName, and
        a common name that is not a domain)."""
        return self.pki.leaf(domain + "-xmppaddr", domain,
                             xmppaddr_only=True, common_name="xmppaddr only")

    def endpoints(self):
        eps = []
        for s in self.servers:
            eps += [(s.addr, topology.C2S_PORT), (s.addr, topology.S2S_PORT)]
        if self.guarded:
            eps.append((topology.GUARD_ADDR, topology.S2S_PORT))
        return eps

    def start(self):
        """Starts the guard and every server and waits until all listen.
        Raises RuntimeError if an address is taken or a server fails."""
        busy = [e for e in self.endpoints() if procs.port_in_use(*e)]
        if busy:
            raise RuntimeError(
                "already in use: %s (a system prosody on 0.0.0.0:5269? "
                "stop it: systemctl stop prosody, or kill its pid)" %
                ", ".join("%s:%d" % e for e in busy))
        t0 = time.monotonic()
        if self.guard:
            self.guard.start()
        for p in self.prosody.values():
            p.start()
        if self.guard:
            self.guard.wait_ready()
        for p in self.prosody.values():
            p.wait_ready()
        return time.monotonic() - t0

    def stop(self):
        """Stops everything; returns the guard's exit status or None. The
        guard goes first, so that its shutdown meets live streams."""
        status = self.guard.stop() if self.guard else None
        for p in self.prosody.values():
            p.stop()
        procs.stop_all()
        return status

    def still_listening(self):
        """Returns the endpoints something still holds."""
        return [e for e in self.endpoints() if procs.port_in_use(*e)]

    def logs(self):
        """Returns {label: path} of every log, for reports."""
        m = {"prosody " + n: p.log for n, p in self.prosody.items()}
        if self.guard:
            m["xedge"] = self.guard.log
        return m
