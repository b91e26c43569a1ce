"""Scenarios about streams that never authenticate (hostile.py): a flood
of them while real servers talk through the guard, and a source past its
bound. Importing this module registers them with scenarios.SCENARIOS.

The trunk guard's site file sets memory-budget to
topology.TRUNK_BUDGET_MB and leaves the bounds on unauthenticated
connections at their defaults (1024 in all, 64 per source). Under
AddressSanitizer the memory figures are not the guard's own (shadow
memory, a quarantine of freed blocks): there only they go unchecked."""

import asyncio
import re

import clients
import hostile
import topology
from scenarios import GUARD_ONLY, scenario, send_chat

# The flood: streams spread over sources so that none passes the bound
# per source, each place taking its turn. Half send 250 KiB, within the
# claimed peer's stanza size limit (256 KiB) and far past the negotiation
# bound (16 KiB); half stop short of that bound and stall (but a run of
# small children passes its memory bound all the same).
FLOOD_STREAMS = 500
FLOOD_SOURCES = tuple("127.0.10.%d" % i for i in range(1, 17))
FLOOD_LENGTHS = (250 * 1024, 8 * 1024)
NEGOTIATE_BOUND = 16 * 1024
# The hostile streams claim c.example, whose peer may use dialback, so a
# stream after TLS is offered features and goes on negotiating.
FLOOD_CLAIM = "c.example"
# trunk.policy's negotiate-timeout, and how long past it a stalled stream
# may take to be closed.
NEGOTIATE_TIMEOUT = 15
CLOSE_SLACK = 10
# Messages each way while the flood is held.
FLOOD_MESSAGES = 10

# admit.h's default bound per source, and the source that meets it.
PER_SOURCE = 64
BUSY_SOURCE = "127.0.11.1"


def log_since(ctx, offset):
    """The guard's log from byte OFFSET on."""
    return ctx.guard_log()[offset:]


async def exchange(ctx, count):
    """Sends COUNT messages from alice to bob and COUNT back at once, and
    waits until every one has arrived."""
    alice, bob = ctx.user("alice"), ctx.user("bob")
    waits = []
    for sender, recipient in ((alice, bob), (bob, alice)):
        start = recipient.mark()
        for _ in range(count):
            body = ctx.unique("through the flood")
            send_chat(sender, recipient.boundjid.bare, body, ctx.unique("f"))
            waits.append(recipient.expect("message %r" % body,
                                          clients.is_message(body, "chat"),
                                          20, start))
    await asyncio.gather(*waits)


class RssWatch:
    """Samples the VmRSS of process PID every 50 ms; PEAK is the largest
    seen since start()."""

    def __init__(self, pid):
        self.pid = pid
        self.peak = 0
        self.task = None

    async def _run(self):
        while True:
            self.sample()
            await asyncio.sleep(0.05)

    def sample(self):
        rss = hostile.proc_status(self.pid)["VmRSS"]
        self.peak = max(self.peak, rss)
        return rss

    def start(self):
        self.task = asyncio.ensure_future(self._run())

    async def stop(self):
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass
        self.sample()


def count_lines(text, pattern):
    return len(re.findall(pattern, text, re.MULTILINE))


@scenario("%d streams that never authenticate, each sending an endless "
          "element (in the header, before TLS, after TLS, many small "
          "children), while a.example and b.example talk: the guard stays "
          "within its %d MB budget, ends each stream at its bound or its "
          "negotiation timeout, and gives the memory back" % (
              FLOOD_STREAMS, topology.TRUNK_BUDGET_MB),
          modes=GUARD_ONLY, timeout=90)
async def flood(ctx):
    g = ctx.world.guard
    pid = g.child.proc.pid
    asan = hostile.asan_build(g.binary)
    offset = len(ctx.guard_log())
    watch = RssWatch(pid)
    before = watch.sample()
    watch.start()
    f = hostile.Flood(topology.GUARD_ADDR, topology.S2S_PORT, FLOOD_STREAMS,
                      FLOOD_CLAIM, "b.example", FLOOD_LENGTHS,
                      sources=FLOOD_SOURCES)
    try:
        await f.open()
        await exchange(ctx, FLOOD_MESSAGES)
        await f.wait_end(NEGOTIATE_TIMEOUT + CLOSE_SLACK)
        left = f.open_streams()
        if left:
            raise AssertionError("%d hostile streams still open after %ds "
                                 "(first: %s)" % (
                                     len(left),
                                     NEGOTIATE_TIMEOUT + CLOSE_SLACK,
                                     left[0].place))
    finally:
        f.close()
        await watch.stop()
    # Closed streams give their memory back: let the last closes settle.
    await asyncio.sleep(1)
    after = watch.sample()
    hwm = hostile.proc_status(pid)["VmHWM"]
    log = log_since(ctx, offset)
    bound = count_lines(log, r"event=stream-error dir=in .*"
                        r"condition=policy-violation reason=\"stanza "
                        r"(too large|takes too much memory)\"")
    timeout = count_lines(log, r"event=stream-error dir=in .*"
                          r"condition=connection-timeout ")
    note = ("RSS %d kB before, peak %d kB, %d kB after; VmHWM %d kB; "
            "%d ended at a bound, %d at the timeout" % (
                before, watch.peak, after, hwm, bound, timeout))
    wrong = []
    over = sum(1 for s in f.streams if s.length > NEGOTIATE_BOUND)
    if bound < over or bound + timeout < FLOOD_STREAMS:
        wrong.append("%d of the streams sent more than the bound, %d in "
                     "all" % (over, FLOOD_STREAMS))
    refused = re.findall(r".*event=refuse-connection.*", log)
    if refused:
        wrong.append("the guard refused some of the flood: %s" %
                     refused[:2])
    if not asan:
        if hwm > topology.TRUNK_BUDGET_MB * 1024:
            wrong.append("the peak RSS passed the budget")
        # The flood's own memory must have gone back: what stays above
        # the level before it is less than half of what it took at its
        # peak (or than 1 MiB, should it have taken little).
        if after - before > max(1024, (watch.peak - before) / 2):
            wrong.append("the memory did not go back")
    if wrong:
        raise AssertionError("; ".join(wrong) + " (" + note + ")")
    if asan:
        return note + "; memory unchecked under AddressSanitizer"
    return note


@scenario("past %d unauthenticated connections from one source, the "
          "guard refuses new ones at once (no byte sent), logs one line "
          "for them, and takes the source's connections again once they "
          "close" % PER_SOURCE, modes=GUARD_ONLY, timeout=60)
async def per_source_bound(ctx):
    offset = len(ctx.guard_log())
    hostile.raise_nofile(PER_SOURCE + 256)

    def stream():
        return hostile.HostileStream(
            topology.GUARD_ADDR, topology.S2S_PORT, BUSY_SOURCE,
            FLOOD_CLAIM, "b.example", hostile.CLEAR, 0)
    held = [stream() for _ in range(PER_SOURCE)]
    extra = [stream() for _ in range(8)]
    try:
        for s in held:
            await s.connect()
            s.send_header()
            if not await s.admitted():
                raise AssertionError("connection %d of %s was refused" % (
                    held.index(s) + 1, BUSY_SOURCE))
        for s in extra:
            await s.connect()
            s.send_header()
            if await s.admitted():
                raise AssertionError("a connection past the bound got: %r"
                                     % s.received[:200])
    finally:
        for s in held + extra:
            s.close()
    log = log_since(ctx, offset)
    lines = re.findall(r".*event=refuse-connection .*", log)
    first = (r"event=refuse-connection reason=\"unauthenticated limit per "
             r"source\" source=%s refused=1 " % re.escape(BUSY_SOURCE))
    if not lines or not re.search(first, lines[0]):
        raise AssertionError("no refusal logged as /%s/: %s" % (first,
                                                                 lines))
    if len(lines) > 2:
        raise AssertionError("%d refusal lines for %d refusals" % (
            len(lines), len(extra)))
    # Their closes free the source's places.
    for _ in range(50):
        again = stream()
        await again.connect()
        again.send_header()
        ok = await again.admitted()
        again.close()
        if ok:
            return "%d refused, %d log line(s)" % (len(extra), len(lines))
        await asyncio.sleep(0.1)
    raise AssertionError("%s is still refused after its connections "
                         "closed" % BUSY_SOURCE)
