"""The test worlds: which server serves which domain on which loopback
address, which certificate each domain presents, which guards stand
between them, and who lives there. Nothing here leaves 127.0.0.0/8.

The trunk world: Prosody A is the inside server; B and C are outside.
With the guard, every server resolves the other side's domains to the
guard; without it (--direct), to each other.

  A  127.0.1.1  a.example  inside; lets c.example use dialback
  B  127.0.2.1  b.example  certificate authentication
  C  127.0.5.1  c.example  s2s certificate from an untrusted CA: dialback only
                d.example  s2s certificate naming the wrong domain
                e.example  s2s certificate from an untrusted CA, and nobody
                           allows it dialback
                h.example  also on a second s2s port (15269), where the
                           guard finds it by DNS SRV
                r.example  s2s certificate revoked by the CRL the guard
                           reads
                m.example  rooms only (content controls)
                n.example  cleared in a security policy of its own
  xedge 127.0.3.1:5269     tests/integration/trunk.policy

Peers of the guard that are no Prosody, and the name server:

  127.0.6.1:5269   f.example  nothing listens
  127.0.7.1:5269   g.example  accepts TCP and never speaks
                   i.example  the same, with a short queue
  127.0.8.1:5353   (udp)      the guard's name server: SRV for h.example

The two-guards world (examples/two-guards-*.policy), run after the trunk
world has stopped, so that guard A may take the trunk guard's address:

  A  127.0.1.1  a.example  resolves b.example to guard A
  guard A  127.0.3.1:5269  a.example's guard
  guard B  127.0.4.1:5269  b.example's guard; the two authenticate each
                           other by certificate (SASL EXTERNAL)
  B  127.0.2.1  b.example  resolves a.example to guard B

The pair world (tests/integration/pair.policy, three builds), run after
the two-guards world:

  A  127.0.1.1  a.example  resolves b.example to edge A
  edge A     127.0.3.1:5269   a.pair.test; S2S with A, gcxp to the validator
  validator  127.0.12.1:5270  v.pair.test; gcxp only
  edge B     127.0.4.1:5269   b.pair.test; S2S with B, gcxp to the validator
  B  127.0.2.1  b.example  resolves a.example to edge B

The ejabberd world (tests/integration/ejabberd.policy), run after the
two-guards world: Prosody A, the guard, and a real ejabberd outside.

  A  127.0.1.1  a.example  resolves j.example to the guard
  xedge 127.0.3.1:5269     tests/integration/ejabberd.policy
  E  127.0.9.1  j.example  ejabberd 23.01; resolves a.example to the guard
                           (SRV at its own name server, 127.0.9.1:5353,
                           the address from its namespace's /etc/hosts)

The scale world, run after the ejabberd world: two instances of the
trunk world's guard (one binary, build/it/xedge) behind the SRV records
of both domains, which both Prosody servers look up at the name server:

  A  127.0.1.1  a.example  _xmpp-server._tcp.b.example: both guards
  xedge-1  127.0.3.1:5269  tests/integration/trunk.policy
  xedge-2  127.0.4.1:5269  the same binary, the same policy
  B  127.0.2.1  b.example  _xmpp-server._tcp.a.example: both guards
  127.0.8.1:5353   (udp)   the servers' name server
"""

GUARD_ADDR = "127.0.3.1"
GUARD_B_ADDR = "127.0.4.1"
S2S_PORT = 5269
C2S_PORT = 5222

# The ejabberd world's outside server and its domain.
EJABBERD_ADDR = "127.0.9.1"
EJABBERD_DOMAIN = "j.example"

# Server C's second s2s port, which only the SRV record names.
SRV_S2S_PORT = 15269

# Where the guard's peers that are no Prosody live.
DEAD_ADDR = "127.0.6.1"
SILENT_ADDR = "127.0.7.1"
STUCK_ADDR = "127.0.10.1"
DNS_ADDR = "127.0.8.1"
DNS_PORT = 5353

# How the guard reaches a peer other than at a server of the world (the
# values of a peer map besides server names): at an address where nothing
# listens, at the silent server, at the server that negotiates and never
# reads, or where DNS SRV says (no site line).
DEAD = "dead"
SILENT = "silent"
STUCK = "stuck"
SRV = "srv"

# Domains the guard stands in for that no server serves; the inside
# server sends them to the guard. Stanzas to them bounce: the peer is down
# (f), never speaks (g), never speaks and has a short queue (i), or
# negotiates and then never reads (k).
DOWN_DOMAIN = "f.example"
SILENT_DOMAIN = "g.example"
CROWDED_DOMAIN = "i.example"
STUCK_DOMAIN = "k.example"
STAND_INS = (DOWN_DOMAIN, SILENT_DOMAIN, CROWDED_DOMAIN, STUCK_DOMAIN)

# The domain of the peer found by DNS SRV, and trunk.policy's limits of
# the silent peers.
SRV_DOMAIN = "h.example"
SILENT_NEGOTIATE_TIMEOUT = 2
CROWDED_QUEUE_LENGTH = 2
STUCK_QUEUE_LENGTH = 4

# The domain whose server presents a revoked certificate.
REVOKED_DOMAIN = "r.example"
# A peer with whose users no conversation crosses, rooms only (the
# content scenarios' "block one-to-one").
ROOMS_ONLY_DOMAIN = "m.example"

# A peer cleared in a security policy of its own (allied-labels): labels
# cross between it and a.example relabelled (scenarios_labels.py).
ALLIED_DOMAIN = "n.example"

# A domain nobody serves: stanzas to it must bounce.
UNKNOWN_DOMAIN = "z.example"

# What a domain's server presents on s2s streams.
CERT_GOOD = "good"
CERT_UNTRUSTED = "untrusted"  # issued by the CA nobody trusts
CERT_WRONG_NAME = "wrong-name"  # trusted CA, but for another domain
CERT_REVOKED = "revoked"  # trusted CA, revoked in the guard's CRL

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


PROSODY = "prosody"
EJABBERD = "ejabberd"


class Server:
    """A server of SOFTWARE (PROSODY or EJABBERD). INSECURE_DOMAINS may
    authenticate by dialback (Prosody's s2s_insecure_domains); everyone
    else needs a valid certificate when SECURE_AUTH is set."""

    def __init__(self, name, addr, inside, hosts, secure_auth=True,
                 insecure_domains=(), extra_s2s_ports=(), software=PROSODY):
        self.software = software
        self.name = name
        self.addr = addr
        self.inside = inside
        self.hosts = hosts
        self.secure_auth = secure_auth
        self.insecure_domains = list(insecure_domains)
        self.s2s_ports = [S2S_PORT] + list(extra_s2s_ports)

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
            Host(SRV_DOMAIN, "heidi"),
            Host(REVOKED_DOMAIN, "rita", CERT_REVOKED),
            Host(ROOMS_ONLY_DOMAIN, "mallory"),
            Host(ALLIED_DOMAIN, "nadia"),
        ], secure_auth=False, extra_s2s_ports=[SRV_S2S_PORT]),
    ]


# What the site file of a guard started as root says of its privileges
# besides the chroot (a GuardPlan's USER): a user name, nothing (the
# guard becomes its default user), or this, to stay root.
STAY_ROOT = "run-as-root"


class GuardPlan:
    """A guard of a world: NAME (its directory and its label in reports),
    built from POLICY by the Makefile in the tree TREE, listening on
    ADDR:S2S_PORT. PEERS maps the policy's peer names to what each is: a
    server's name, another guard's name, or DEAD, SILENT, SRV. NEAR names
    the servers that reach the other side through this guard. USER is
    whom it runs as when started as root: a name, None for the guard's
    default, or STAY_ROOT. SITE holds extra lines for its site file."""

    def __init__(self, name, policy, tree, addr, peers, near, user=None,
                 site=(), role=None, port=None):
        self.name = name
        self.policy = policy
        self.tree = tree
        self.addr = addr
        self.peers = dict(peers)
        self.near = tuple(near)
        self.user = user
        self.site = tuple(site)
        self.role = role
        # A pair's validator listens for gcxp only, at its own port.
        self.s2s = port is None
        self.endpoint = (addr, port if port is not None else S2S_PORT)


# The trunk guard's memory budget (its site file's memory-budget), which
# the flood of unauthenticated streams must not take it past.
TRUNK_BUDGET_MB = 64
# Where the trunk guard serves its status page (site file status-listen).
STATUS_PORT = 8080

# The guard of the trunk world, between every server.
TRUNK_GUARD = GuardPlan(
    "xedge", "tests/integration/trunk.policy", "build/it", GUARD_ADDR,
    {"inside": "A", "partner": "B", "legacy": "C", "strict": "C",
     "down": DEAD, "mute": SILENT, "stalled": SILENT, "jammed": STUCK,
     "found": SRV, "revoked": "C", "rooms-only": "C", "allied": "C"},
    near=("A", "B", "C"), user="nobody",
    site=("memory-budget %dM" % TRUNK_BUDGET_MB,
          "status-listen %s %d" % (GUARD_ADDR, STATUS_PORT)))


def pair_servers():
    """Servers A and B alone: the world of examples/single-edge.policy
    (make demo) and of the two guards."""
    return [s for s in trunk_servers() if s.name in ("A", "B")]


# The guard of `make demo` (examples/single-edge.policy, built by make
# into build/xedge), with its status page.
DEMO_GUARD = GuardPlan("xedge", "examples/single-edge.policy", "build",
                       GUARD_ADDR, {"inside": "A", "partner": "B"},
                       near=("A", "B"),
                       site=("status-listen %s %d" % (GUARD_ADDR,
                                                      STATUS_PORT),))

# The guards of examples/two-guards-a.policy and two-guards-b.policy, each
# in front of one server and dialling the other guard, each becoming the
# default user.
TWO_GUARDS = [
    GuardPlan("guard-a", "examples/two-guards-a.policy", "build/it-a",
              GUARD_ADDR, {"inside": "A", "guard-b": "guard-b"},
              near=("A",)),
    GuardPlan("guard-b", "examples/two-guards-b.policy", "build/it-b",
              GUARD_B_ADDR, {"inside": "B", "guard-a": "guard-a"},
              near=("B",)),
]


# The pair world (tests/integration/pair.policy): Prosody A and B, each
# behind an edge of a guard pair, the edges joined through the validator
# over gcxp. One policy, three builds.
PAIR_POLICY = "tests/integration/pair.policy"
VALIDATOR_ADDR = "127.0.12.1"
GCXP_PORT = 5270
PAIR_VALIDATOR = "v.pair.test"
PAIR_EDGES = ("a.pair.test", "b.pair.test")
PAIR_GUARDS = [
    GuardPlan("validator", PAIR_POLICY, "build/it-pv", VALIDATOR_ADDR, {},
              near=(), role=PAIR_VALIDATOR, port=GCXP_PORT,
              site=("status-listen %s %d" % (VALIDATOR_ADDR, STATUS_PORT),)),
    GuardPlan("edge-a", PAIR_POLICY, "build/it-pa", GUARD_ADDR,
              {"inside": "A"}, near=("A",), role=PAIR_EDGES[0],
              site=("status-listen %s %d" % (GUARD_ADDR, STATUS_PORT),)),
    GuardPlan("edge-b", PAIR_POLICY, "build/it-pb", GUARD_B_ADDR,
              {"partner": "B"}, near=("B",), role=PAIR_EDGES[1],
              site=("status-listen %s %d" % (GUARD_B_ADDR, STATUS_PORT),)),
]


def ejabberd_servers():
    """Prosody A and an ejabberd outside."""
    return [s for s in trunk_servers() if s.name == "A"] + [
        Server("E", EJABBERD_ADDR, False, [Host(EJABBERD_DOMAIN, "jo")],
               software=EJABBERD)]


# The guard of the ejabberd world, the one told to stay root.
EJABBERD_GUARD = GuardPlan(
    "xedge", "tests/integration/ejabberd.policy", "build/it-ej", GUARD_ADDR,
    {"inside": "A", "ejabberd": "E"}, near=("A", "E"), user=STAY_ROOT)


# The scale world: two instances of the trunk guard, found by both
# servers through equal SRV records (scenarios_scale.py), with the trunk
# guard's site file but for its listen line.
SCALE_GUARDS = [
    GuardPlan(name, TRUNK_GUARD.policy, TRUNK_GUARD.tree, addr,
              {"inside": "A", "partner": "B"}, near=(),
              user=TRUNK_GUARD.user)
    for name, addr in (("xedge-1", GUARD_ADDR), ("xedge-2", GUARD_B_ADDR))]


def scale_stand_ins():
    """The trunk policy's domains that the scale world's servers do not
    serve: the guards present a certificate for each, so the world
    issues them for the guards alone."""
    own = {d for s in pair_servers() for d in s.domains()}
    return tuple(d for s in trunk_servers() for d in s.domains()
                 if d not in own) + STAND_INS


def scale_zone(servers):
    """The scale world's records, as for trunk_zone: for each domain of
    SERVERS, an SRV record per guard, all of equal priority and weight
    (RFC 2782: a client spreads its choice over them), each naming the
    target NAME.example, and each target's address."""
    a = {g.name + ".example": g.addr for g in SCALE_GUARDS}
    srv = {"_xmpp-server._tcp." + d: [(10, 50, S2S_PORT, target)
                                      for target in sorted(a)]
           for s in servers for d in s.domains()}
    return srv, a


def peer_endpoint(target, servers, guards):
    """Returns the (address, port) where a guard reaches a peer that is
    TARGET (a server's or one of GUARDS' name, DEAD, SILENT or STUCK), or None
    for SRV."""
    if target == SRV:
        return None
    if target == DEAD:
        return DEAD_ADDR, S2S_PORT
    if target == SILENT:
        return SILENT_ADDR, S2S_PORT
    if target == STUCK:
        return STUCK_ADDR, S2S_PORT
    for g in guards:
        if g.name == target:
            return g.addr, S2S_PORT
    return next(s.addr for s in servers if s.name == target), S2S_PORT


def trunk_zone(servers):
    """The name server's records, as (SRV by owner, A by name): h.example's
    server at its second port, and a preferred-looking record of higher
    priority number at an address where nothing listens, which the guard
    must not take."""
    c, _ = find_host(servers, SRV_DOMAIN)
    srv = {"_xmpp-server._tcp." + SRV_DOMAIN: [
        (20, 0, S2S_PORT, "dead-h.example"),
        (10, 0, SRV_S2S_PORT, "srv-h.example"),
    ]}
    return srv, {"srv-h.example": c.addr, "dead-h.example": DEAD_ADDR}


def host_map(server, servers, guards=(), stand_ins=()):
    """Returns {domain: address} for SERVER's hosts file: the other side's
    domains (and, for the inside server, the unknown domain and
    STAND_INS) at the guard of GUARDS nearest to SERVER, or, with no
    guards, at their own server."""
    near = next((g for g in guards if server.name in g.near), None)
    m = {}
    for other in servers:
        if other is server or other.inside == server.inside:
            continue
        for d in other.domains():
            m[d] = near.addr if near else other.addr
    if near and server.inside:
        for d in (UNKNOWN_DOMAIN,) + tuple(stand_ins):
            m[d] = near.addr
    return m


def find_host(servers, domain):
    """Returns (server, host) serving DOMAIN."""
    for s in servers:
        for h in s.hosts:
            if h.domain == domain:
                return s, h
    raise KeyError(domain)
