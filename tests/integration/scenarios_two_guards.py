"""Scenarios of the two-guards world: Prosody A, guard A
(examples/two-guards-a.policy), guard B (two-guards-b.policy), Prosody B.
Messages and IQ pings both ways are the trunk world's own scenarios,
registered for this world too (scenarios.py); what is checked here is
that they crossed both guards and how each hop authenticated. Importing
this module registers its scenarios with scenarios.SCENARIOS.

A stanza from a.example to b.example travels four streams: Prosody A to
guard A (which A's hosts file names as b.example), guard A to guard B
(the peer guard-b of A's policy, dialled at its address), guard B to
Prosody B, each authenticated by SASL EXTERNAL with a test-CA
certificate for the sending domain."""

import re

import topology
from scenarios import (EXTERNAL_ACCEPTED, TWO_GUARDS_ONLY, log_has,
                       scenario)

# For each guard: its domain, the other guard (its peer name in the
# guard's policy) and the other guard's domain.
SIDES = (("guard-a", "a.example", "guard-b", "b.example"),
         ("guard-b", "b.example", "guard-a", "a.example"))


def guard_addr(name):
    return next(g.addr for g in topology.TWO_GUARDS if g.name == name)


@scenario("guard A and guard B dial each other and authenticate by "
          "certificate (SASL EXTERNAL)", modes=TWO_GUARDS_ONLY)
async def guards_authenticate(ctx):
    # Both directions carried stanzas by now, so each guard dialled the
    # other for its own domain and accepted the other's stream.
    for name, domain, other, other_domain in SIDES:
        log = ctx.guard_log(name)
        log_has(log, r"event=connect peer=%s local=%s remote=%s addr=%s:%d "
                % (other, re.escape(domain), re.escape(other_domain),
                   re.escape(guard_addr(other)), topology.S2S_PORT),
                "%s's log" % name)
        log_has(log, r"event=authenticated remote=%s method=certificate "
                r"peer=%s$" % (re.escape(other_domain), other),
                "%s's log" % name)


@scenario("each guard and its own server authenticate each other by "
          "certificate (SASL EXTERNAL)", modes=TWO_GUARDS_ONLY)
async def inside_authenticate(ctx):
    for name, domain, _, other_domain in SIDES:
        log_has(ctx.guard_log(name), r"event=authenticated remote=%s "
                r"method=certificate peer=inside$" % re.escape(domain),
                "%s's log" % name)
        # The guard stands in for the other domain towards its server.
        server, _ = topology.find_host(ctx.world.servers, domain)
        log_has(ctx.server_log(server.name),
                EXTERNAL_ACCEPTED % re.escape(other_domain),
                "Prosody %s's log" % server.name)
