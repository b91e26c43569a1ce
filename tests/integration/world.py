"""Bringing a test world up and down: certificates, the Prosody
servers and, unless direct, the guards between them with the stand-ins
of their other peers (the silent server, the name server)."""

import os
import time

import dns_server
import ejabberd
import guard
import pki
import procs
import prosody
import silent_server
import stuck_server
import topology


class World:
    """SERVERS (topology.Server list) under DIRECTORY, with GUARDS between
    them: (topology.GuardPlan, binary) pairs, each guard run from its
    binary under DIRECTORY/NAME. The guards also stand in for STAND_INS,
    domains no server serves. If ZONE (a dns_server.Zone) is given, a
    name server answers from it: the guards ask it, or, with
    SERVERS_ASK_DNS, the Prosody servers do, which then find each other
    (or the guards) by its SRV records rather than by a hosts file.
    Without GUARDS, the servers talk directly (and without
    SERVERS_ASK_DNS, nobody needs a name server)."""

    def __init__(self, directory, servers, guards=(), stand_ins=(),
                 zone=None, servers_ask_dns=False):
        self.dir = directory
        self.servers = servers
        self.plans = [plan for plan, _ in guards]
        self.guarded = bool(self.plans)
        self.stand_ins = tuple(stand_ins) if self.guarded else ()
        self.pki = pki.Pki(os.path.join(directory, "pki"))
        self.certs = self._issue()
        # The guards' CRL, if a certificate of the world is revoked; a
        # scenario may write it again and have the guards reload it.
        revoked = [leaf for (_, kind), leaf in self.certs.items()
                   if kind == topology.CERT_REVOKED]
        self.crl = (self.pki.crl(os.path.join(directory, "pki", "ca.crl"),
                                 revoked) if revoked else None)
        dns = (topology.DNS_ADDR, topology.DNS_PORT)
        self.dns = None
        if zone is not None and (self.guarded or servers_ask_dns):
            self.dns = dns_server.DnsServer(*dns, zone)
        self.daemons = {}
        for s in servers:
            own = (s, os.path.join(directory, s.software + "-" + s.name),
                   self.certs, self.pki.ca.cert)
            if servers_ask_dns:
                # Only a Prosody server can be pointed at the name server.
                self.daemons[s.name] = prosody.Prosody(*own, {}, dns)
                continue
            kind = (ejabberd.Ejabberd if s.software == topology.EJABBERD
                    else prosody.Prosody)
            self.daemons[s.name] = kind(*own, topology.host_map(
                s, servers, self.plans, self.stand_ins))
        self.guards = {}
        self.silent = self.stuck = None
        if self.guarded:
            self._plan_guards(guards, dns if self.dns is not None and
                              not servers_ask_dns else None)

    def _plan_guards(self, guards, dns):
        """Prepares the guards, which ask the name server at DNS if it is
        not None, and the stand-ins their peers need."""
        targets = {t for plan in self.plans for t in plan.peers.values()}
        if topology.SILENT in targets:
            self.silent = silent_server.SilentServer(topology.SILENT_ADDR,
                                                     topology.S2S_PORT)
        if topology.STUCK in targets:
            self.stuck = stuck_server.StuckServer(
                topology.STUCK_ADDR, topology.S2S_PORT,
                topology.STUCK_DOMAIN,
                self.certs[topology.STUCK_DOMAIN, topology.CERT_GOOD])
        # Every guard stands in for every domain of the world: each side
        # sees the nearest guard as the other side.
        domains = [d for s in self.servers for d in s.domains()]
        fronted = {d: self.certs[d, topology.CERT_GOOD]
                   for d in domains + list(self.stand_ins)}
        for plan, binary in guards:
            endpoints = {p: topology.peer_endpoint(t, self.servers,
                                                   self.plans)
                         for p, t in plan.peers.items()}
            pair = ((plan.role, self.pki.leaf(plan.role, plan.role))
                    if plan.role else None)
            self.guards[plan.name] = guard.Guard(
                plan.name, binary, os.path.join(self.dir, plan.name),
                plan.addr,
                {p: e for p, e in endpoints.items() if e is not None},
                fronted, self.pki.ca.cert, dns, plan.user,
                [self.crl] if self.crl else [], plan.site, pair,
                plan.endpoint)

    @property
    def guard(self):
        """The guard of a world that has exactly one, else None."""
        if len(self.guards) != 1:
            return None
        return next(iter(self.guards.values()))

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
                elif h.s2s_cert == topology.CERT_REVOKED:
                    certs[d, h.s2s_cert] = p.leaf(d + "-revoked", d)
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
        for p in self.daemons.values():
            eps += p.endpoints()
        eps += [plan.endpoint for plan in self.plans]
        if any(topology.DEAD in plan.peers.values() for plan in self.plans):
            eps.append((topology.DEAD_ADDR, topology.S2S_PORT))
        for stand_in in (self.silent, self.stuck):
            if stand_in:
                eps.append(stand_in.endpoint)
        return eps

    def start(self):
        """Starts every server, then the guards, and waits until all
        listen. Raises RuntimeError if an address is taken or a server
        fails."""
        busy = [e for e in self.endpoints() if procs.port_in_use(*e)]
        if busy:
            raise RuntimeError(
                "already in use: %s (a system prosody on 0.0.0.0:5269? "
                "stop it: systemctl stop prosody, or kill its pid)" %
                ", ".join("%s:%d" % e for e in busy))
        t0 = time.monotonic()
        for stand_in in (self.silent, self.stuck, self.dns):
            if stand_in:
                stand_in.start()
        # The servers first: a guard dials the peers whose link is
        # required as it starts, and a failed dial backs off.
        for p in self.daemons.values():
            p.start()
        for p in self.daemons.values():
            p.wait_ready()
        for g in self.guards.values():
            g.start()
        for g in self.guards.values():
            g.wait_ready()
        return time.monotonic() - t0

    def stop(self):
        """Stops everything; returns {guard name: exit status (None if
        it never started)}. The guards go first, so that their shutdown
        meets live streams."""
        status = {name: g.stop() for name, g in self.guards.items()}
        for p in self.daemons.values():
            p.stop()
        procs.stop_all()
        for stand_in in (self.silent, self.stuck, self.dns):
            if stand_in:
                stand_in.stop()
        return status

    def still_listening(self):
        """Returns the endpoints something still holds."""
        return [e for e in self.endpoints() if procs.port_in_use(*e)]

    def logs(self):
        """Returns {label: path} of every log, for reports."""
        m = {"%s %s" % (p.server.software, n): p.log
             for n, p in self.daemons.items()}
        m.update((name, g.log) for name, g in self.guards.items())
        return m
