"""Content controls attacked (issue 6): a raw stream authenticated as
b.example, the partner, sends alice at a.example what a hostile peer
would to get content past the filters or to drown the guard: a refused
word disguised every way text allows, blocked content buried in wrappers
within wrappers, a flood of refused stanzas, and a flood of presence
from ever new resources. The filters are trunk.policy's partner-content;
refusals come back to bob (whose full JID the stanzas carry) through
Prosody B. Importing this module registers the scenarios with
scenarios.SCENARIOS."""

import asyncio
import json
import os

import clients
import hostile
from scenarios import GUARD_ONLY, scenario, send_chat
from scenarios_attack import raw_from
from scenarios_flood import RssWatch

OMEMO = ("<encrypted xmlns='eu.siacs.conversations.axolotl'><header "
         "sid='1'><iv>AAAA</iv></header><payload>AAAA</payload></encrypted>")

# The word of partner-content's `words` statement (trunk.policy), each
# way a peer could try to hide it from a guard that matched bytes.
DISGUISED = [
    ("in capitals", "<body>RELEASE THE KRAKEN</body>"),
    ("with a zero-width space inside", "<body>the kra\u200bken</body>"),
    ("with a soft hyphen inside", "<body>the kra\u00adken</body>"),
    ("in fullwidth letters", "<body>\uff2b\uff32\uff21\uff2b\uff25\uff2e"
     "</body>"),
    ("as character references", "<body>the kr&#97;k&#x65;n</body>"),
    ("in a CDATA section", "<body><![CDATA[the kraken]]></body>"),
    ("between punctuation", "<body>\u00abkraken\u00bb!</body>"),
    ("in the subject", "<subject>kraken</subject><body>hi</body>"),
    ("in a forwarded message", "<forwarded xmlns='urn:xmpp:forward:0'>"
     "<message xmlns='jabber:client'><body>kraken</body></message>"
     "</forwarded>"),
]


def _error_reply(sid, condition):
    """A predicate: the error reply to SID with CONDITION, read from the
    XML (slixmpp knows not every condition of RFC 6120 by name)."""
    path = "{jabber:client}error/{urn:ietf:params:xml:ns:xmpp-stanzas}%s" % (
        condition)
    return lambda s: (s["type"] == "error" and s["id"] == sid and
                      s.xml.find(path) is not None)


def _wrap(depth, inner):
    """INNER within DEPTH forwarded messages."""
    for _ in range(depth):
        inner = ("<forwarded xmlns='urn:xmpp:forward:0'><message "
                 "xmlns='jabber:client'>%s</message></forwarded>" % inner)
    return inner


async def _refused_each(ctx, raw, cases, condition):
    """Sends each (what, payload) of CASES from bob to alice on RAW and
    checks that bob gets CONDITION back for each and alice nothing."""
    alice, bob = ctx.user("alice"), ctx.user("bob")
    a0, b0 = alice.mark(), bob.mark()
    ids = []
    for what, payload in cases:
        sid = ctx.unique("hostile")
        ids.append((what, sid))
        raw.send("<message from='%s' to='%s' type='chat' id='%s'>%s"
                 "</message>" % (bob.boundjid.full, alice.boundjid.full, sid,
                                 payload))
    sentinel = ctx.unique("after the hostile ones")
    raw.send_message(bob.boundjid.full, alice.boundjid.full, sentinel,
                     ctx.unique("s"))
    await alice.expect("message %r" % sentinel, clients.is_message(sentinel),
                       15, a0)
    for what, sid in ids:
        await bob.expect("<%s/> for the message %s" % (condition, what),
                         _error_reply(sid, condition), 10, b0)
        if alice.seen(lambda s, sid=sid: s["id"] == sid, a0):
            raise AssertionError("the message %s reached alice" % what)


@scenario("content attacked: a refused word in capitals, split by "
          "invisible characters, in fullwidth letters, as character "
          "references, in CDATA, in a subject or a forwarded message is "
          "refused each time (not-acceptable)", modes=GUARD_ONLY)
async def disguised_words(ctx):
    raw = raw_from(ctx, "b.example")
    try:
        await raw.authenticate()
        await _refused_each(ctx, raw, DISGUISED, "not-acceptable")
    finally:
        raw.close()
    return "%d disguises refused" % len(DISGUISED)


@scenario("content attacked: OMEMO buried 14 forwarded messages deep, and "
          "beside a 2000-element XHTML body, is refused (policy-violation); "
          "30 deep, past the guard's nesting bound, ends the stream",
          modes=GUARD_ONLY)
async def buried(ctx):
    xhtml = ("<html xmlns='http://jabber.org/protocol/xhtml-im'><body "
             "xmlns='http://www.w3.org/1999/xhtml'>%s</body></html>" %
             ("<span>x</span>" * 2000))
    raw = raw_from(ctx, "b.example")
    try:
        await raw.authenticate()
        await _refused_each(ctx, raw, [
            ("OMEMO 14 forwards deep", _wrap(14, OMEMO)),
            ("OMEMO after 2000 XHTML elements", xhtml + OMEMO),
        ], "policy-violation")
    finally:
        raw.close()
    alice, bob = ctx.user("alice"), ctx.user("bob")
    raw = raw_from(ctx, "b.example")
    try:
        await raw.authenticate()
        raw.send("<message from='%s' to='%s' type='chat' id='%s'>%s"
                 "</message>" % (bob.boundjid.full, alice.boundjid.full,
                                 ctx.unique("deep"), _wrap(30, OMEMO)))
        cond = await raw.stream_error()
    finally:
        raw.close()
    if cond != "policy-violation":
        raise AssertionError("30 forwards deep: the stream ended with %s" %
                             (cond or "no error"))


class _Memory:
    """The guard's RSS sampled while a scenario attacks it (not judged
    for an AddressSanitizer build, whose memory is not the guard's)."""

    def __init__(self, ctx):
        g = ctx.world.guard
        self.asan = hostile.asan_build(g.binary)
        self.watch = RssWatch(g.child.proc.pid)
        self.before = self.watch.sample()
        self.watch.start()

    async def grew(self, limit_kib=8 * 1024):
        """Stops sampling; returns how many KiB the RSS grew at most,
        AssertionError past LIMIT_KIB."""
        await self.watch.stop()
        grew = self.watch.peak - self.before
        if grew > limit_kib and not self.asan:
            raise AssertionError("the guard's RSS grew by %d KiB" % grew)
        return grew


def _alerts(ctx):
    path = os.path.join(ctx.world.guard.dir, "alerts.jsonl")
    with open(path) as f:
        return [json.loads(line) for line in f]


@scenario("content attacked: 3000 encrypted messages at once are each "
          "refused, the alerts stay within the policy's rate, and the "
          "guard relays alice's next message at once, its memory flat",
          modes=GUARD_ONLY, timeout=90)
async def refusal_flood(ctx):
    alice, bob = ctx.user("alice"), ctx.user("bob")
    memory = _Memory(ctx)
    seen = len(_alerts(ctx))
    raw = raw_from(ctx, "b.example")
    n = 3000
    offset = len(ctx.guard_log())
    try:
        await raw.authenticate()
        mark = ctx.unique("flood")
        for i in range(n):
            raw.send("<message from='%s' to='%s' type='chat' id='%s-%d'>%s"
                     "<body>fallback</body></message>" % (
                         bob.boundjid.full, alice.boundjid.full, mark, i,
                         OMEMO))
        # One stream keeps its order: once this arrives, the guard has
        # dealt with the whole flood.
        sentinel = ctx.unique("after the flood")
        a0 = alice.mark()
        raw.send_message(bob.boundjid.full, alice.boundjid.full, sentinel,
                         ctx.unique("s"))
        await alice.expect("message %r" % sentinel,
                           clients.is_message(sentinel), 60, a0)
        body = ctx.unique("through the servers")
        a0 = alice.mark()
        sent_at = asyncio.get_event_loop().time()
        send_chat(bob, alice.boundjid.bare, body, ctx.unique("m"))
        await alice.expect("message %r" % body, clients.is_message(body),
                           10, a0)
        took = asyncio.get_event_loop().time() - sent_at
    finally:
        raw.close()
    grew = await memory.grew()
    log = ctx.guard_log()[offset:]
    refused = log.count('event=refuse kind=message from="%s" to="%s" '
                        'condition=policy-violation rule="filter '
                        'partner-content block encrypted"' % (
                            bob.boundjid.full, alice.boundjid.full))
    bounced = log.count('event=bounce kind=message from="%s" to="%s" '
                        'condition=policy-violation' % (
                            alice.boundjid.full, bob.boundjid.full))
    if refused != n or bounced != n:
        raise AssertionError("%d refused and %d bounced of %d" % (
            refused, bounced, n))
    new = [a for a in _alerts(ctx)[seen:]
           if a.get("rule") == "filter partner-content block encrypted"]
    rate = 1000
    if not 0 < len(new) <= rate:
        raise AssertionError("%d alerts for %d refusals, the policy's rate "
                             "is %d a minute" % (len(new), n, rate))
    if any("fallback" in json.dumps(a) for a in new):
        raise AssertionError("an alert carries the message's body")
    return "%d alerts, next message in %.2fs, RSS +%d KiB" % (
        len(new), took, grew)


@scenario("content attacked: presence from 20000 new resources, each "
          "changing its show twice, is folded and remembered within the "
          "memo's bound: the guard's memory stays flat and what follows "
          "on the stream still crosses", modes=GUARD_ONLY, timeout=90)
async def presence_flood(ctx):
    alice, bob = ctx.user("alice"), ctx.user("bob")
    memory = _Memory(ctx)
    raw = raw_from(ctx, "b.example")
    try:
        await raw.authenticate()
        mark = ctx.unique("res")
        for i in range(20000):
            for show in ("dnd", "chat"):
                raw.send("<presence from='%s/%s-%d' to='%s'><show>%s</show>"
                         "<status>busy %d</status></presence>" % (
                             bob.boundjid.bare, mark, i, alice.boundjid.full,
                             show, i))
        sentinel = ctx.unique("after the presence")
        a0 = alice.mark()
        raw.send_message(bob.boundjid.full, alice.boundjid.full, sentinel,
                         ctx.unique("s"))
        await alice.expect("message %r" % sentinel,
                           clients.is_message(sentinel), 60, a0)
    finally:
        raw.close()
    # The memo is allocated at start (ROUTE_FOLD_SLOTS): nothing grows.
    return "RSS +%d KiB" % await memory.grew()
