"""Scenarios about reaching the guard's peers: one found by DNS SRV, one
whose server is down, two that never speak (a negotiation timeout, a
full queue), and what the guard's shutdown does to the stanzas still
waiting for a peer. Importing this module registers them with
scenarios.SCENARIOS.

A bounce must come from the guard itself: Prosody's own bounces (of
stanzas it could not hand to the guard) carry by='a.example' on the
error and a <text/>, the guard's carry neither, and the guard logs each
one as event=bounce."""

import asyncio
import re
import time

from slixmpp import JID
from slixmpp.exceptions import IqError

import clients
import dns_server
import topology
from scenarios import (EXTERNAL_ACCEPTED, GUARD_ONLY, STAGE_SHUTDOWN,
                       deliver, error_reply, log_has, scenario, send_chat)


def from_guard(ctx, err, cond):
    """Checks that ERR, an error stanza a client received, has condition
    COND and was made by the guard: no 'by', and no text but the one the
    guard gives a refusal by a rule ("Refused by the guard...")."""
    got = err["error"]["condition"]
    if got != cond:
        raise AssertionError("%s bounced with <%s/>, expected <%s/>" % (
            err.name, got, cond))
    text = err["error"]["text"]
    if err["error"]["by"] or (text and
                              not text.startswith("Refused by the guard")):
        raise AssertionError("the error (by=%r, text=%r) is not the "
                             "guard's" % (err["error"]["by"],
                                          err["error"]["text"]))
    # Addresses come from peers, so the guard's log quotes them.
    log_has(ctx.guard_log(), r'event=bounce kind=%s from="%s" to="%s" '
            r"condition=%s$" % (err.name, re.escape(str(err["from"])),
                                re.escape(str(err["to"])), cond),
            "the guard's log")


def nobody_at(ctx, domain):
    return "%s@%s" % (ctx.unique("nobody"), domain)


@scenario("h.example (the guard finds it by DNS SRV, at a second port) "
          "and a.example exchange messages")
async def found_by_srv(ctx):
    alice, heidi = ctx.user("alice"), ctx.user("heidi")
    await deliver(ctx, alice, heidi)
    await deliver(ctx, heidi, alice)
    if ctx.mode != "guard":
        return None
    asked = ctx.world.dns.questions
    for q in (("_xmpp-server._tcp." + topology.SRV_DOMAIN,
               dns_server.TYPE_SRV), ("srv-h.example", dns_server.TYPE_A)):
        if q not in asked:
            raise AssertionError("the name server was not asked %s (asked: "
                                 "%s)" % (q, asked))
    if any(name == "dead-h.example" for name, _ in asked):
        raise AssertionError("the guard looked up the SRV target of lower "
                             "priority (asked: %s)" % asked)
    server, _ = topology.find_host(ctx.world.servers, topology.SRV_DOMAIN)
    addr = "%s:%d" % (server.addr, topology.SRV_S2S_PORT)
    log_has(ctx.guard_log(), r"event=connect peer=found local=a\.example "
            r"remote=h\.example addr=%s " % re.escape(addr),
            "the guard's log")
    return "the guard dialled %s" % addr


@scenario("f.example, whose server is down: a message and an IQ get "
          "bounce from the guard (remote-server-not-found)",
          modes=GUARD_ONLY)
async def peer_down(ctx):
    alice = ctx.user("alice")
    jid = nobody_at(ctx, topology.DOWN_DOMAIN)
    err, _ = await error_reply(ctx, alice, jid)
    from_guard(ctx, err, "remote-server-not-found")
    try:
        await alice["xep_0199"].send_ping(JID(jid), timeout=15)
    except IqError as e:
        from_guard(ctx, e.iq, "remote-server-not-found")
    else:
        raise AssertionError("the ping to %s was answered" % jid)
    # The failure names no address (the socket never connected); the
    # dialling of the same connection does.
    log_has(ctx.guard_log(), r"conn=(\d+) event=connect peer=down .*"
            r"addr=%s:%d (?:.*\n)*?.*conn=\1 event=connect-failed "
            r"remote=f\.example " % (re.escape(topology.DEAD_ADDR),
                                      topology.S2S_PORT), "the guard's log")
    # The bounces came over a stream the guard opened as f.example, with
    # f.example's certificate.
    log_has(ctx.server_log("A"), EXTERNAL_ACCEPTED % r"f\.example",
            "Prosody A's log")


@scenario("g.example, whose server never speaks: a message bounces from "
          "the guard at the negotiation timeout (remote-server-timeout)",
          modes=GUARD_ONLY)
async def peer_silent(ctx):
    alice = ctx.user("alice")
    t0 = time.monotonic()
    err, _ = await error_reply(ctx, alice,
                               nobody_at(ctx, topology.SILENT_DOMAIN))
    took = time.monotonic() - t0
    from_guard(ctx, err, "remote-server-timeout")
    # The guard dials only once the message reaches it, so the timeout
    # cannot have passed before.
    if took < topology.SILENT_NEGOTIATE_TIMEOUT:
        raise AssertionError("bounced after %.1fs, before the %ds "
                             "negotiation timeout" % (
                                 took, topology.SILENT_NEGOTIATE_TIMEOUT))
    log_has(ctx.guard_log(), r"event=stream-error dir=out .*"
            r"remote=g\.example condition=connection-timeout ",
            "the guard's log")
    if ctx.world.silent.accepted == 0:
        raise AssertionError("the silent server saw no connection")
    return "bounced after %.1fs" % took


@scenario("i.example, silent, queues %d stanzas: of %d messages sent at "
          "once the rest bounce from the guard (resource-constraint)" % (
              topology.CROWDED_QUEUE_LENGTH,
              topology.CROWDED_QUEUE_LENGTH + 2), modes=GUARD_ONLY)
async def queue_full(ctx):
    alice = ctx.user("alice")
    jid = nobody_at(ctx, topology.CROWDED_DOMAIN)
    n = topology.CROWDED_QUEUE_LENGTH
    ids = [ctx.unique("q") for _ in range(n + 2)]
    start = alice.mark()
    for sid in ids:
        send_chat(alice, jid, ctx.unique("queued"), sid)
    for sid in ids[n:]:
        err = await alice.expect("error reply to %s" % sid,
                                 clients.is_error_reply(sid), 20, start)
        from_guard(ctx, err, "resource-constraint")
    # Prosody keeps the order of a stream: the first N are the ones queued,
    # and their peer never speaks, so nothing may come back for them.
    await asyncio.sleep(0.5)
    early = [sid for sid in ids[:n]
             if alice.seen(clients.is_error_reply(sid), start)]
    if early:
        raise AssertionError("%s bounced as well" % ", ".join(early))
    ctx.queued = [(alice, sid, start) for sid in ids[:n]]


# Deterministic because of the scenario above: the stanzas it left queued
# for i.example wait for a stream that never becomes ready (its
# negotiation timeout outlasts the run), and its bounces opened the
# stream from i.example back to a.example, which the shutdown keeps for
# the bounces to travel on (it opens no new stream).
@scenario("SIGTERM: the guard bounces the stanzas still queued for "
          "i.example (remote-server-timeout), then exits", modes=GUARD_ONLY,
          stage=STAGE_SHUTDOWN, timeout=20)
async def shutdown_bounces(ctx):
    if not ctx.queued:
        raise AssertionError("nothing is queued: the queue scenario "
                             "did not leave its stanzas")
    g = ctx.world.guard
    g.terminate()
    for client, sid, start in ctx.queued:
        err = await client.expect("error reply to %s" % sid,
                                  clients.is_error_reply(sid), 10, start)
        from_guard(ctx, err, "remote-server-timeout")
    while not g.exited():
        await asyncio.sleep(0.1)
    log_has(ctx.guard_log(), r"event=shutdown signal=15 ", "the guard's log")
