"""Scenarios of the trunk world that attack the guard as no real server
would: fields at and past their maximal lengths before authentication,
and a peer that is down being hammered. Each reproduces a defect found by
attacking a running guard; the stage-after scenario of scenarios.py then
shows the guard still carrying traffic."""

import asyncio
import re
import xml.etree.ElementTree as ET

import clients
import raw_s2s
import topology
from scenarios import GUARD_ONLY, scenario, send_chat
from scenarios_reach import from_guard, nobody_at

NS_DB = "jabber:server:dialback"
# A domain of 1023 bytes, the most RFC 7622 allows: 16 labels of 63
# letters (the last one shorter).
LONG_A = ".".join(["a" * 63] * 15 + ["a" * 63])[:1023]
LONG_B = LONG_A.replace("a", "b")


def raw_from(ctx, local, remote="a.example", kind=topology.CERT_GOOD):
    addr, port = ctx.raw_target()
    return raw_s2s.RawS2S(addr, port, local, remote, ctx.leaf(local, kind),
                          ctx.world.pki.ca.cert)


def db_verify(frm, to, stanza_id, key="0" * 64):
    return ("<db:verify xmlns:db='%s' from='%s' to='%s' id='%s'>%s"
            "</db:verify>" % (NS_DB, frm, to, stanza_id, key))


@scenario("raw stream: a certificate-only peer's db:verify with 1023-byte "
          "domains and a long id, after STARTTLS and before any "
          "authentication, is refused (<policy-violation/>), no crash",
          modes=GUARD_ONLY)
async def dialback_not_allowed(ctx):
    raw = raw_from(ctx, "a.example", "b.example")
    try:
        await raw.starttls()
        raw.send(db_verify(LONG_A, LONG_B, "i" * 300))
        cond = await raw.stream_error()
    finally:
        raw.close()
    if cond != "policy-violation":
        raise AssertionError("stream ended with %s" % (cond or "no error"))


@scenario("raw stream: a dialback peer's db:verify at every maximal length "
          "(1023-byte domains, 255-byte id) is answered invalid; a 256-byte "
          "id ends the stream (<improper-addressing/>)", modes=GUARD_ONLY)
async def dialback_maximal_fields(ctx):
    raw = raw_from(ctx, "c.example", kind=topology.CERT_UNTRUSTED)
    try:
        await raw.starttls()
        raw.send(db_verify(LONG_A, LONG_B, "i" * 255))
        answer = await raw.next_element()
        if answer.tag != "{%s}verify" % NS_DB or \
                answer.get("type") != "invalid" or \
                answer.get("id") != "i" * 255 or \
                answer.get("from") != LONG_B or answer.get("to") != LONG_A:
            raise AssertionError("unexpected answer %s" % ET.tostring(
                answer, encoding="unicode")[:200])
        raw.send(db_verify("c.example", "a.example", "i" * 256))
        cond = await raw.stream_error()
    finally:
        raw.close()
    if cond != "improper-addressing":
        raise AssertionError("stream ended with %s" % (cond or "no error"))


def connects_to(ctx, addr):
    return len(re.findall(r"event=connect peer=\S+ .*addr=%s:" %
                          re.escape(addr), ctx.guard_log()))


@scenario("f.example is down: 10 messages sent over 1.5 s bounce "
          "(remote-server-not-found) after at most 2 connection attempts "
          "(backoff)", modes=GUARD_ONLY)
async def backoff_when_down(ctx):
    alice = ctx.user("alice")
    jid = nobody_at(ctx, topology.DOWN_DOMAIN)
    before = connects_to(ctx, topology.DEAD_ADDR)
    ids, start = [], alice.mark()
    for _ in range(10):
        ids.append(ctx.unique("down"))
        send_chat(alice, jid, "knock", ids[-1])
        await asyncio.sleep(0.15)
    for sid in ids:
        err = await alice.expect("error reply to %s" % sid,
                                 clients.is_error_reply(sid), 15, start)
        from_guard(ctx, err, "remote-server-not-found")
    tries = connects_to(ctx, topology.DEAD_ADDR) - before
    if tries > 2:
        raise AssertionError("%d connection attempts for 10 messages" %
                             tries)
    return "%d connection attempt(s)" % tries


@scenario("raw stream: 200 messages to 200 unroutable domains bounce from "
          "b.example, the domain the stream was opened to, over one "
          "stream: no stream is opened in a name the sender chose",
          modes=GUARD_ONLY)
async def no_amplification(ctx):
    log = ctx.guard_log()
    before = len(re.findall(r"event=connect ", log))
    bounced = len(re.findall(r'event=bounce kind=message from="b\.example" '
                             r'to="raw@a\.example"', log))
    raw = raw_from(ctx, "a.example", "b.example")
    try:
        await raw.authenticate()
        for i in range(200):
            raw.send_message("raw@a.example", "x@d%d.zzz.example" % i,
                             "knock", ctx.unique("amp"))
        # The guard ends nothing: the stream stays open and answers.
        deadline = asyncio.get_running_loop().time() + 15
        while True:
            log = ctx.guard_log()
            n = len(re.findall(r'event=bounce kind=message '
                               r'from="b\.example" to="raw@a\.example"',
                               log)) - bounced
            if n >= 200 or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.2)
    finally:
        raw.close()
    opened = len(re.findall(r"event=connect ", log)) - before
    if n != 200:
        raise AssertionError("%d of 200 bounces went out from b.example" % n)
    if opened > 1 or re.search(r"event=connect .*local=d\d+\.zzz", log):
        raise AssertionError("%d streams opened for the bounces" % opened)
    return "%d stream(s) opened" % opened


async def wait_log(ctx, pattern, timeout=10):
    """Waits until the guard's log matches PATTERN; returns the log."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        log = ctx.guard_log()
        if re.search(pattern, log):
            return log
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the guard's log has no %s" % pattern)
        await asyncio.sleep(0.1)


@scenario("k.example negotiates and never reads: on one trunk stream "
          "that also carries messages to bob, the guard fills its output to "
          "k.example and its queue, gives up on it after 2 s (stalled) and "
          "bounces the rest (resource-constraint), every bounce reaching "
          "alice, while bob's message goes through",
          modes=GUARD_ONLY, timeout=60)
async def peer_never_reads(ctx):
    alice, bob = ctx.user("alice"), ctx.user("bob")
    jid = nobody_at(ctx, topology.STUCK_DOMAIN)
    me = str(alice.boundjid.full)
    # 40 KB bodies: the guard's output to the peer (four times its 256 KiB
    # stanza size) fills after some thirty of them.
    filler = "x" * 40000
    ids, start = [ctx.unique("jam") for _ in range(120)], alice.mark()
    raw = raw_from(ctx, "a.example", "b.example")
    try:
        await raw.authenticate()
        # The guard's stream to k.example first, so that what follows
        # meets a ready stream that does not read.
        raw.send_message(me, jid, "hello", ctx.unique("warm"))
        await wait_log(ctx, r"event=stream-ready dir=out local=a\.example "
                       r"remote=%s " % re.escape(topology.STUCK_DOMAIN))
        for sid in ids:
            raw.send_message(me, jid, filler, sid)
        body, bob_start = ctx.unique("past the jam"), bob.mark()
        raw.send_message(me, str(bob.boundjid.bare), body, ctx.unique("p"))
        t0 = asyncio.get_running_loop().time()
        await bob.expect("message %r" % body, clients.is_message(body), 15,
                         bob_start)
        waited = asyncio.get_running_loop().time() - t0
    finally:
        raw.close()
    log = await wait_log(ctx, r"event=stalled .*remote=%s " %
                         re.escape(topology.STUCK_DOMAIN))
    if "bounce-undeliverable" in log:
        raise AssertionError("a bounce found no way back: %s" % re.search(
            r".*bounce-undeliverable.*", log).group(0))
    bounced = len(re.findall(r'event=bounce kind=message from="%s" to="%s" '
                             r'condition=resource-constraint' % (
                                 re.escape(jid), re.escape(me)), log))
    if bounced == 0:
        raise AssertionError("nothing was bounced: the jam never filled")
    # Every bounce the guard sent reaches alice.
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        got = sum(1 for sid in ids
                  if alice.seen(clients.is_error_reply(sid), start))
        if got >= bounced or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.2)
    if got != bounced:
        raise AssertionError("alice got %d errors of %d bounces" % (
            got, bounced))
    return "bob's message after %.1fs; %d of 120 bounced, all received" % (
        waited, bounced)
