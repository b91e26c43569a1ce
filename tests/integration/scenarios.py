"""The integration scenarios. Each is an async function taking the run's
context and raising AssertionError (or timing out) when the servers, or
the guard between them, do not behave.

A scenario runs in the modes it names: "guard" (the trunk world, xedge
between inside and outside), "direct" (the trunk world's servers talk to
each other, which validates the harness itself), "two-guards" (servers
A and B, each behind a guard of its own, the guards joined by S2S),
"ejabberd" (Prosody A, a guard and a real ejabberd) and "scale"
(Prosody A and B, two instances of one guard found by DNS SRV). Where
Prosody and xedge rightly differ, the expectation is given per mode."""

import asyncio
import itertools
import re

from slixmpp import JID

import clients
import raw_s2s
import topology
from tap import run_test

TWO_GUARDS = "two-guards"
PAIR = "pair"
EJABBERD = "ejabberd"
SCALE = "scale"
BOTH = ("direct", "guard")
GUARD_ONLY = ("guard",)
TWO_GUARDS_ONLY = (TWO_GUARDS,)
PAIR_ONLY = (PAIR,)
# What every world can carry: a.example and b.example talking.
EVERY_WORLD = BOTH + TWO_GUARDS_ONLY + PAIR_ONLY
SCENARIOS = []

# Scenarios run by stage, and in the order they were registered within
# one: the checks that must follow every other scenario come after, and
# the guard's shutdown last of all.
STAGE_MAIN, STAGE_AFTER, STAGE_SHUTDOWN = range(3)


def scenario(name, modes=BOTH, timeout=30, stage=STAGE_MAIN, todo=None):
    """Registers a scenario; TODO names the known defect it is expected
    to fail on (tap.Tap.result)."""
    def register(fn):
        SCENARIOS.append((stage, name, modes, timeout, todo, fn))
        return fn
    return register


class Context:
    """What scenarios use: the world, the mode, a logged-in client per
    user (by user name), a source of unique message bodies, the stanzas
    a scenario left waiting in the guard for a later one: (client, stanza
    id, client.mark() before sending), and what a scenario measured for
    a later one to judge, by name."""

    def __init__(self, world, mode):
        self.world = world
        self.mode = mode
        self.clients = {}
        self.queued = []
        self.measured = {}
        self._serial = itertools.count(1)

    def unique(self, what):
        return "%s-%d" % (what, next(self._serial))

    def user(self, name):
        return self.clients[name]

    def server_log(self, server_name):
        return self.world.daemons[server_name].read_log()

    def guard_log(self, name=None):
        """The log of the guard NAME, or of the world's only guard."""
        g = self.world.guards[name] if name else self.world.guard
        return g.read_log()

    def raw_target(self):
        """Where a server of the outside world would reach a.example's
        counterpart: the guard, or b.example's own server."""
        if self.mode == "guard":
            return topology.GUARD_ADDR, topology.S2S_PORT
        return self.world.daemons["B"].server.addr, topology.S2S_PORT

    def leaf(self, domain, kind=topology.CERT_GOOD):
        return self.world.certs[domain, kind]


async def login_all(ctx):
    users = []
    for s in ctx.world.servers:
        for h in s.hosts:
            c = clients.Client(h.jid, h.password, s.addr, topology.C2S_PORT,
                               ctx.world.pki.ca.cert)
            ctx.clients[h.user] = c
            users.append(c)
    await asyncio.gather(*(c.login() for c in users))


async def relogin(ctx, server_name):
    """Logs the users of server SERVER_NAME in again after it restarted:
    each one logged in by login_all gets a new client, and the other
    clients of its users (content clients, made on first use) are
    forgotten, to be made again when a scenario asks."""
    s = next(s for s in ctx.world.servers if s.name == server_name)
    users = []
    for h in s.hosts:
        for key in [k for k in ctx.clients if k.startswith(h.user + "/")]:
            ctx.clients.pop(key).abort()
        if h.user in ctx.clients:
            ctx.clients[h.user].abort()
            c = clients.Client(h.jid, h.password, s.addr, topology.C2S_PORT,
                               ctx.world.pki.ca.cert)
            ctx.clients[h.user] = c
            users.append(c)
    await asyncio.gather(*(c.login() for c in users))


async def logout_all(ctx):
    await asyncio.gather(*(c.logout() for c in ctx.clients.values()))


def send_chat(sender, recipient_jid, body, stanza_id):
    msg = sender.make_message(mto=recipient_jid, mbody=body, mtype="chat")
    msg["id"] = stanza_id
    msg.send()


async def deliver(ctx, sender, recipient, timeout=15):
    """Sends a chat message from SENDER to RECIPIENT's bare JID and waits
    until RECIPIENT has it, from SENDER."""
    body = ctx.unique("hello from " + sender.boundjid.bare)
    start = recipient.mark()
    send_chat(sender, recipient.boundjid.bare, body, ctx.unique("m"))
    got = await recipient.expect("message %r" % body,
                                 clients.is_message(body, "chat"), timeout,
                                 start)
    if got["from"].bare != sender.boundjid.bare:
        raise AssertionError("message came from %s, not %s" % (
            got["from"], sender.boundjid.bare))


async def error_reply(ctx, sender, recipient_jid, timeout=25):
    """Sends a chat message from SENDER to RECIPIENT_JID; returns the error
    reply SENDER gets for it, and the message's body."""
    body = ctx.unique("must not cross")
    sid = ctx.unique("m")
    send_chat(sender, recipient_jid, body, sid)
    err = await sender.expect("error reply to %s" % sid,
                              clients.is_error_reply(sid), timeout)
    return err, body


async def refused(ctx, sender, recipient_jid, recipient=None, timeout=25):
    """Sends a message that must not arrive: SENDER gets an error reply
    and RECIPIENT (a client, if one can watch) never sees the body.
    Returns the error's condition."""
    start = recipient.mark() if recipient else 0
    err, body = await error_reply(ctx, sender, recipient_jid, timeout)
    if recipient is not None:
        # The refusal is known; give a wrongly relayed copy a moment.
        await asyncio.sleep(0.5)
        if recipient.seen(clients.is_message(body), start):
            raise AssertionError("%s received it all the same" %
                                 recipient.boundjid.bare)
    return err["error"]["condition"]


def log_has(text, pattern, where):
    if not re.search(pattern, text, re.MULTILINE):
        raise AssertionError("%s has no line matching /%s/" % (where,
                                                               pattern))


# ---- stanzas across ------------------------------------------------------

@scenario("message a.example -> b.example", modes=EVERY_WORLD)
async def message_a_to_b(ctx):
    await deliver(ctx, ctx.user("alice"), ctx.user("bob"))


@scenario("message b.example -> a.example", modes=EVERY_WORLD)
async def message_b_to_a(ctx):
    await deliver(ctx, ctx.user("bob"), ctx.user("alice"))


async def subscribe_and_follow(user, contact):
    """USER subscribes to CONTACT (who approves) and then sees CONTACT's
    presence change: away, then available again."""
    cj = contact.boundjid.bare
    start = user.mark()
    user.send_presence_subscription(pto=cj)
    await user.expect("subscribed from " + cj, lambda s: (
        s.name == "presence" and s["type"] == "subscribed" and
        s["from"].bare == cj), 15, start)
    await user.expect("presence of " + cj, clients.is_presence(cj), 15,
                      start)
    start = user.mark()
    contact.send_presence(pshow="away")
    await user.expect("away from " + cj, clients.is_presence(cj, show="away"),
                      15, start)
    start = user.mark()
    contact.send_presence()
    await user.expect("available again from " + cj,
                      clients.is_presence(cj), 15, start)


@scenario("presence subscription and updates a.example -> b.example",
          modes=BOTH + PAIR_ONLY)
async def presence_a_to_b(ctx):
    await subscribe_and_follow(ctx.user("alice"), ctx.user("bob"))


@scenario("presence subscription and updates b.example -> a.example",
          modes=BOTH + PAIR_ONLY)
async def presence_b_to_a(ctx):
    await subscribe_and_follow(ctx.user("bob"), ctx.user("alice"))


async def ping_across(user, contact):
    await user["xep_0199"].ping(JID(contact.boundjid.domain), timeout=10)
    await user["xep_0199"].ping(contact.boundjid, timeout=10)


@scenario("IQ ping a.example -> b.example (server and full JID)",
          modes=EVERY_WORLD)
async def ping_a_to_b(ctx):
    await ping_across(ctx.user("alice"), ctx.user("bob"))


@scenario("IQ ping b.example -> a.example (server and full JID)",
          modes=EVERY_WORLD)
async def ping_b_to_a(ctx):
    await ping_across(ctx.user("bob"), ctx.user("alice"))


async def disco_across(user, domain):
    iq = await user["xep_0030"].get_info(jid=domain, cached=False,
                                         timeout=10)
    info = iq["disco_info"]
    if "urn:xmpp:ping" not in info["features"]:
        raise AssertionError("%s disco#info lacks urn:xmpp:ping: %s" % (
            domain, sorted(info["features"])))
    if not any(i[0] == "server" for i in info["identities"]):
        raise AssertionError("%s disco#info has no server identity" % domain)


@scenario("disco#info a.example -> b.example")
async def disco_a_to_b(ctx):
    await disco_across(ctx.user("alice"), "b.example")


@scenario("disco#info b.example -> a.example")
async def disco_b_to_a(ctx):
    await disco_across(ctx.user("bob"), "a.example")


# ---- authentication ------------------------------------------------------

EXTERNAL_ACCEPTED = r"Accepting SASL EXTERNAL identity from %s$"


@scenario("a.example and b.example authenticate by certificate "
          "(SASL EXTERNAL)")
async def certificate_auth(ctx):
    # Both directions carried stanzas by now. Each Prosody saw the other
    # domain (or the guard standing in for it) authenticate by EXTERNAL.
    log_has(ctx.server_log("B"), EXTERNAL_ACCEPTED % r"a\.example",
            "Prosody B's log")
    log_has(ctx.server_log("A"), EXTERNAL_ACCEPTED % r"b\.example",
            "Prosody A's log")
    if ctx.mode == "guard":
        for d in (r"a\.example", r"b\.example"):
            log_has(ctx.guard_log(), r"event=authenticated .*remote=%s "
                    r".*method=certificate" % d, "the guard's log")


@scenario("c.example (untrusted certificate) is accepted by dialback, "
          "both ways")
async def dialback_allowed(ctx):
    carol, alice = ctx.user("carol"), ctx.user("alice")
    await deliver(ctx, carol, alice, timeout=20)
    await deliver(ctx, alice, carol, timeout=20)
    # C is c.example's authoritative server: the receiving side (A, or the
    # guard) asked it to verify the key.
    log_has(ctx.server_log("C"), r"verified dialback key\.\.\. it is valid",
            "Prosody C's log")
    if ctx.mode == "guard":
        log_has(ctx.guard_log(), r"event=authenticated .*remote=c\.example "
                r".*method=dialback", "the guard's log")


def refusal_logged(ctx, domain, reason):
    """The refusal of DOMAIN is in the log of whoever refused it: Prosody
    A (saying REASON) or the guard."""
    d = re.escape(domain)
    if ctx.mode == "guard":
        log_has(ctx.guard_log(), r"event=(refuse|stream-error) .*"
                r"remote=%s\b" % d, "the guard's log")
    else:
        log_has(ctx.server_log("A"), r"Forbidding insecure connection "
                r"to/from %s because its certificate %s" % (d, reason),
                "Prosody A's log")


@scenario("e.example (untrusted certificate, no dialback allowed) "
          "is refused")
async def dialback_refused(ctx):
    cond = await refused(ctx, ctx.user("erin"),
                         ctx.user("alice").boundjid.bare, ctx.user("alice"))
    refusal_logged(ctx, "e.example", "is not trusted")
    return "erin got <%s/>" % cond


@scenario("d.example (certificate for another name) is refused, "
          "both ways", timeout=60)
async def wrong_certificate(ctx):
    dave, alice = ctx.user("dave"), ctx.user("alice")
    c1 = await refused(ctx, dave, alice.boundjid.bare, alice)
    c2 = await refused(ctx, alice, dave.boundjid.bare, dave)
    refusal_logged(ctx, "d.example", "is not valid for this name")
    return "dave got <%s/>, alice got <%s/>" % (c1, c2)


@scenario("a message to unknown z.example bounces "
          "(remote-server-not-found)")
async def unknown_domain(ctx):
    cond = await refused(ctx, ctx.user("alice"),
                         "nobody@" + topology.UNKNOWN_DOMAIN)
    # Prosody bounces what it queued for a failed stream with
    # remote-server-not-found, but with remote-server-timeout once the
    # remote side opened a stream -- as the guard must, to say
    # <host-unknown/>. So through the guard either is right, provided the
    # guard refused the domain.
    expected = {"remote-server-not-found"}
    if ctx.mode == "guard":
        expected.add("remote-server-timeout")
        log_has(ctx.guard_log(), r"event=stream-error .*"
                r"condition=host-unknown", "the guard's log")
    if cond not in expected:
        raise AssertionError("bounced with <%s/>" % cond)
    return "alice got <%s/>" % cond


# ---- raw streams ---------------------------------------------------------

def raw_stream(ctx, leaf=None):
    addr, port = ctx.raw_target()
    return raw_s2s.RawS2S(addr, port, "a.example", "b.example",
                          leaf or ctx.leaf("a.example"),
                          ctx.world.pki.ca.cert)


@scenario("raw stream: a.example authenticates by SASL EXTERNAL and "
          "delivers a message")
async def raw_legit(ctx):
    bob = ctx.user("bob")
    raw = raw_stream(ctx)
    try:
        await raw.authenticate()
        body, start = ctx.unique("raw hello"), bob.mark()
        raw.send_message("raw@a.example", bob.boundjid.bare, body,
                         ctx.unique("r"))
        await bob.expect("message %r" % body, clients.is_message(body),
                         15, start)
    finally:
        raw.close()


# Prosody 0.12.3 never matches an XmppAddr on s2s (mod_s2s_auth_certs asks
# util.x509 for service "xmpp-server", which compares it with
# "_xmpp-server"), so only the guard is held to RFC 6120 13.7.1.4 here.
@scenario("raw stream: a certificate naming a.example only as XmppAddr "
          "authenticates", modes=GUARD_ONLY)
async def raw_xmppaddr(ctx):
    raw = raw_stream(ctx, ctx.world.xmppaddr_leaf("a.example"))
    try:
        await raw.authenticate()
    finally:
        raw.close()


async def raw_stream_error(ctx, payload, expected, watcher=None, body=None):
    """Authenticates a raw stream as a.example, sends PAYLOAD and checks
    that the stream ends with a stream error in EXPECTED[mode]; if
    WATCHER is given, BODY must not reach it."""
    raw = raw_stream(ctx)
    start = watcher.mark() if watcher else 0
    try:
        await raw.authenticate()
        raw.send(payload)
        cond = await raw.stream_error()
    finally:
        raw.close()
    if cond not in expected[ctx.mode]:
        raise AssertionError("stream ended with %s, expected <%s/>" % (
            "<%s/>" % cond if cond else "no stream error",
            "/> or <".join(sorted(expected[ctx.mode]))))
    if watcher is not None:
        await asyncio.sleep(0.5)
        if watcher.seen(clients.is_message(body), start):
            raise AssertionError("%s received it all the same" %
                                 watcher.boundjid.bare)
    return "<%s/>" % cond


@scenario("raw stream: a stanza from a domain the stream is not "
          "authenticated for ends it (<invalid-from/>)")
async def raw_spoofed_from(ctx):
    bob = ctx.user("bob")
    body = ctx.unique("spoofed")
    payload = ("<message from='x@b.example' to='%s' type='chat' id='%s'>"
               "<body>%s</body></message>" % (bob.boundjid.bare,
                                              ctx.unique("s"), body))
    # Prosody answers a spoofed from with <not-authorized/>; RFC 6120
    # 4.9.3.9 names <invalid-from/>, which the guard sends.
    return await raw_stream_error(ctx, payload, {"direct": {"not-authorized"},
                                          "guard": {"invalid-from"}},
                           bob, body)


@scenario("raw stream: an XML comment ends it (<restricted-xml/>)")
async def raw_comment(ctx):
    # Prosody reports every parse failure as <not-well-formed/>; RFC 6120
    # 11.1 makes a comment <restricted-xml/>, which the guard sends.
    return await raw_stream_error(ctx, "<!-- x -->", {
        "direct": {"not-well-formed"}, "guard": {"restricted-xml"}})


@scenario("raw stream: mismatched tags end it (<not-well-formed/>)")
async def raw_not_well_formed(ctx):
    return await raw_stream_error(
        ctx, "<message to='bob@b.example' from='raw@a.example'>"
        "<body>x</bdy></message>",
        {"direct": {"not-well-formed"}, "guard": {"not-well-formed"}})


@scenario("after the refusals and bounces, a.example and b.example "
          "still talk", stage=STAGE_AFTER)
async def still_working(ctx):
    await deliver(ctx, ctx.user("alice"), ctx.user("bob"))
    await deliver(ctx, ctx.user("bob"), ctx.user("alice"))


async def run_all(tap, world, mode, explain, prefix=""):
    """Logs everyone in, runs every scenario of MODE in order, logs out.
    Returns nothing; results go to TAP, each name after PREFIX."""
    ctx = Context(world, mode)
    ok = await run_test(tap, prefix + "every user logs in over c2s TLS",
                        lambda: login_all(ctx), 30, explain)
    if ok:
        for _, name, modes, timeout, todo, fn in sorted(
                SCENARIOS, key=lambda t: t[0]):
            if mode in modes:
                await run_test(tap, prefix + name, lambda: fn(ctx), timeout,
                               explain, todo)
    await logout_all(ctx)
