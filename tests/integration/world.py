"""Bringing the test world up and down: certificates, the Prosody
servers and, unless direct, the guard between them with the stand-ins of
its other peers (the silent server, the name server)."""

import os
import time

import dns_server
import guard
import pki
import procs
import prosody
import silent_server
import topology


class World:
    """SERVERS (topology.Server list) under DIRECTORY. With GUARD_BINARY,
    the guard runs between inside and outside and GUARD_PEERS maps the
    policy's peer names to server names (or topology.DEAD, SILENT, SRV);
    the guard also stands in for STAND_INS, domains no server serves, and
    asks a name server answering from ZONE ((SRV, A) records, see
    topology.trunk_zone) if one is given. Without GUARD_BINARY, the
    servers talk directly."""

    def __init__(self, directory, servers, guard_binary=None,
                 guard_peers=None, stand_ins=(), zone=None):
        self.dir = directory
        self.servers = servers
        self.guarded = guard_binary is not None
        self.stand_ins = tuple(stand_ins) if self.guarded else ()
        self.pki = pki.Pki(os.path.join(directory, "pki"))
        self.certs = self._issue()
        self.prosody = {}
        for s in servers:
            self.prosody[s.name] = prosody.Prosody(
                s, os.path.join(directory, "prosody-" + s.name),
                self.certs, self.pki.ca.cert,
                topology.host_map(s, servers, self.guarded, self.stand_ins))
        self.guard = self.silent = self.dns = None
        if self.guarded:
            self._plan_guard(guard_binary, guard_peers, zone)

    def _plan_guard(self, binary, peers, zone):
        """Prepares the guard and the stand-ins its peers need."""
        endpoints = {p: topology.peer_endpoint(t, self.servers)
                     for p, t in peers.items()}
        if topology.SILENT in peers.values():
            self.silent = silent_server.SilentServer(topology.SILENT_ADDR,
                                                     topology.S2S_PORT)
        dns = None
        if zone is not None:
            dns = (topology.DNS_ADDR, topology.DNS_PORT)
            self.dns = dns_server.DnsServer(*dns, dns_server.Zone(*zone))
        domains = [d for s in self.servers for d in s.domains()]
        fronted = {d: self.certs[d, topology.CERT_GOOD]
                   for d in domains + list(self.stand_ins)}
        self.guard = guard.Guard(
            binary, os.path.join(self.dir, "xedge"),
            {p: e for p, e in endpoints.items() if e is not None},
            fronted, self.pki.ca.cert, dns)

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
        for d in self.stand_ins:
            certs[d, topology.CERT_GOOD] = p.leaf(d, d)
        return certs

    def xmppaddr_leaf(self, domain):
        """A certificate naming DOMAIN only as an XmppAddr (no dNSName, and
        a common name that is not a domain)."""
        return self.pki.leaf(domain + "-xmppaddr", domain,
                             xmppaddr_only=True, common_name="xmppaddr only")

    def endpoints(self):
        """The TCP endpoints the world holds while it runs (and the one
        where nothing may listen)."""
        eps = []
        for p in self.prosody.values():
            eps += p.endpoints()
        if self.guarded:
            eps.append((topology.GUARD_ADDR, topology.S2S_PORT))
            eps.append((topology.DEAD_ADDR, topology.S2S_PORT))
        if self.silent:
            eps.append(self.silent.endpoint)
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
        for stand_in in (self.silent, self.dns):
            if stand_in:
                stand_in.start()
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
        for stand_in in (self.silent, self.dns):
            if stand_in:
                stand_in.stop()
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
