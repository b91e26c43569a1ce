"""Scenarios of the ejabberd world: Prosody A (a.example), the guard
(tests/integration/ejabberd.policy) and a real ejabberd 23.01 serving
j.example. Importing this module registers its scenarios with
scenarios.SCENARIOS, for the mode "ejabberd" only.

Each direction crosses two streams, Prosody A to the guard and the guard
to ejabberd (or back), each authenticated by SASL EXTERNAL with a
test-CA certificate for the sending domain: ejabberd has no dialback
module, so certificates are the only way in."""

import asyncio
import re

import procs
import topology
from dns_server import TYPE_SRV
from scenarios import (EJABBERD, EXTERNAL_ACCEPTED, deliver, log_has,
                       ping_across, scenario)

ONLY = (EJABBERD,)
J = topology.EJABBERD_DOMAIN
# How long (tenths of a second) ejabberd's log may lag behind.
LOG_DELAY_TRIES = 50
# Where epmd would listen, had anything started Erlang distribution.
EPMD = ("127.0.0.1", 4369)


@scenario("message a.example -> %s" % J, modes=ONLY)
async def message_a_to_j(ctx):
    await deliver(ctx, ctx.user("alice"), ctx.user("jo"))


@scenario("message %s -> a.example" % J, modes=ONLY)
async def message_j_to_a(ctx):
    await deliver(ctx, ctx.user("jo"), ctx.user("alice"))


@scenario("IQ ping a.example -> %s (server and full JID)" % J,
          modes=ONLY)
async def ping_a_to_j(ctx):
    await ping_across(ctx.user("alice"), ctx.user("jo"))


@scenario("IQ ping %s -> a.example (server and full JID)" % J,
          modes=ONLY)
async def ping_j_to_a(ctx):
    await ping_across(ctx.user("jo"), ctx.user("alice"))


@scenario("every stream is authenticated by certificate "
          "(SASL EXTERNAL)", modes=ONLY)
async def certificate_auth(ctx):
    log = ctx.guard_log()
    log_has(log, r"event=authenticated remote=%s method=certificate "
            r"peer=ejabberd$" % re.escape(J), "the guard's log")
    log_has(log, r"event=authenticated remote=a\.example "
            r"method=certificate peer=inside$", "the guard's log")
    log_has(ctx.server_log("A"), EXTERNAL_ACCEPTED % re.escape(J),
            "Prosody A's log")
    # ejabberd's file log is written with a delay: give it a moment.
    pattern = EJABBERD_EXTERNAL_ACCEPTED % r"a\.example"
    for _ in range(LOG_DELAY_TRIES):
        if re.search(pattern, ctx.server_log("E"), re.MULTILINE):
            return
        await asyncio.sleep(0.1)
    log_has(ctx.server_log("E"), pattern, "ejabberd's log")


# What ejabberd 23.01 logs when it accepts an inbound stream by SASL
# EXTERNAL, the remote domain in place of %s.
EJABBERD_EXTERNAL_ACCEPTED = (r"Accepted inbound s2s EXTERNAL "
                              r"authentication %s -> ")


@scenario("it looked a.example's SRV up at its own name server, "
          "and runs no Erlang distribution (no epmd)", modes=ONLY)
async def loopback_only(ctx):
    asked = ctx.world.daemons["E"].dns.questions
    if ("_xmpp-server._tcp.a.example", TYPE_SRV) not in asked:
        raise AssertionError("ejabberd's name server was not asked the SRV "
                             "records of a.example: %s" % asked)
    if procs.port_in_use(*EPMD):
        raise AssertionError("something holds %s:%d (epmd?)" % EPMD)
    return "asked %s" % ", ".join("%s/%d" % q for q in asked)
