"""The test world: which server serves which domain on which loopback
address, which certificate each domain presents, and who lives there.

Prosody A is the inside server; B and C are outside. With the guard, every
server resolves the other side's domains to the guard; without it
(--direct), to each other. Nothing here leaves 127.0.0.0/8.

  A  127.0.1.1  a.example  inside; lets c.example use dialback
  B  127.0.2.1  b.example  certificate authentication
  C  127.0.5.1  c.example  s2s certificate from an untrusted CA: dialback only
                d.example  s2s certificate naming the wrong domain
                e.example  s2s certificate from an untrusted CA, and nobody
                           allows it dialback
  xedge 127.0.3.1:5269     (127.0.4.1 is left to a second guard)
"""

GUARD_ADDR = "127.0.3.1"
S2S_PORT = 5269
C2S_PORT = 5222

# A domain nobody serves: stanzas to it must bounce.
UNKNOWN_DOMAIN = "z.example"

# What a domain's server presents on s2s streams.
CERT_GOOD = "good"
CERT_UNTRUSTED = "untrusted"  # issued by the CA nobody trusts
CERT_WRONG_NAME = "wrong-name"  # trusted CA, but for another domain

WRONG_NAME = "wrong.example"


class Host:
    """A domain served by a Prosody, its s2s certificate kind and its one
    user (c2s always presents a good certificate so clients can check)."""

    def __init__(self, domain, user, s2s_cert=CERT_GOOD):
        self.domain = domain
        self.user = user
        self.s2s_cert = s2s_cert

    @property
    def jid(self):
        return "%s@%s" % (self.user, self.domain)

    @property
    def password(self):
        return "pw-" + self.user


class Server:
    """A Prosody instance. INSECURE_DOMAINS may authenticate by dialback
    (s2s_insecure_domains); everyone else needs a valid certificate when
    SECURE_AUTH is set."""

    def __init__(self, name, addr, inside, hosts, secure_auth=True,
                 insecure_domains=()):
        self.name = name
        self.addr = addr
        self.inside = inside
        self.hosts = hosts
        self.secure_auth = secure_auth
        self.insecure_domains = list(insecure_domains)

    def domains(self):
        return [h.domain for h in self.hosts]


def trunk_servers():
    """The servers of the integration suite."""
    return [
        Server("A", "127.0.1.1", True, [Host("a.example", "alice")],
               insecure_domains=["c.example"]),
        Server("B", "127.0.2.1", False, [Host("b.example", "bob")]),
        # C accepts anyone (it plays the legacy world), so that refusals
        # seen in the tests come from A or the guard.
        Server("C", "127.0.5.1", False, [
            Host("c.example", "carol", CERT_UNTRUSTED),
            Host("d.example", "dave", CERT_WRONG_NAME),
            Host("e.example", "erin", CERT_UNTRUSTED),
        ], secure_auth=False),
    ]


# The peers of tests/integration/trunk.policy, by the server they are.
TRUNK_PEERS = {"inside": "A", "partner": "B", "legacy": "C", "strict": "C"}


def demo_servers():
    """The two servers of examples/single-edge.policy."""
    return [s for s in trunk_servers() if s.name in ("A", "B")]


# The peers of examples/single-edge.policy.
DEMO_PEERS = {"inside": "A", "partner": "B"}


def host_map(server, servers, guarded):
    """Returns {domain: address} for SERVER's hosts file: the other side's
    domains (and, when GUARDED, the unknown domain) at the guard, or at
    their own server when not GUARDED."""
    m = {}
    for other in servers:
        if other is server or other.inside == server.inside:
            continue
        for d in other.domains():
            m[d] = GUARD_ADDR if guarded else other.addr
    if guarded and server.inside:
        m[UNKNOWN_DOMAIN] = GUARD_ADDR
    return m


def find_host(servers, domain):
    """Returns (server, host) serving DOMAIN."""
    for s in servers:
        for h in s.hosts:
            if h.domain == domain:
                return s, h
    raise KeyError(domain)
