"""Scenarios of the scale world: Prosody A (a.example) and Prosody B
(b.example) find the guards by DNS SRV, two records of equal priority
and weight per domain, one per instance of the same guard binary. One
instance is stopped (SIGTERM) while both servers carry a steady stream
of messages, and started again; then the other is killed (SIGKILL)
under the same traffic. Importing this module registers the scenarios
with scenarios.SCENARIOS.

Each server keeps one outbound stream per pair of domains, so a.example
-> b.example travels one guard and b.example -> a.example one guard.
Prosody 0.12 ignores SRV weights and tries records of equal priority in
the order of the answer; the name server hands them out in turn, so the
first server to ask starts with xedge-1 and the second with xedge-2.
When a guard is gone, the server's next stanza opens a new stream; the
gone guard's address refuses the connection and the server tries the
next record, the other guard.

Every message carries a unique id, which is also its body, and the count
is per sender: sent = delivered + bounced, where a bounce is an error
reply with the message's id, whoever made it. Stanzas are in flight at
the moment the guard goes in every run, not by chance: the guard is
frozen (SIGSTOP), its signal queued if it is SIGTERM, and each sender
sends a burst that its server writes onto the stream through the
frozen guard (the test waits for the server's log to say so); then the
guard is let go (SIGCONT) or killed (SIGKILL). The steady stream goes
on throughout.

A stopped guard must lose nothing: RFC 6120 section 4.4 has the side
that closes a stream read on until the other side closes its own, so
what the server wrote before it saw the close still arrives. A killed
process cannot bounce: what its sender's server had written onto the
stream through it and not seen delivered is gone with it, as with any
relay without stream management (Prosody 0.12 has none on s2s). That
is the one loss the SIGKILL scenario allows, and it checks from the
sender's server log that every stanza lost was one of these."""

import asyncio
import re
import signal
import time

import clients
import dns_server
from scenarios import SCALE, scenario, send_chat

ONLY = (SCALE,)

# The steady stream: each sender sends a message every INTERVAL seconds
# for DURATION seconds; the guard is frozen at FREEZE_AT, when each
# sender also sends BURST messages at once.
INTERVAL = 0.01
DURATION = 1.0
FREEZE_AT = 0.3
BURST = 10
# How long a server may take to write the burst onto its stream.
WRITE_TIMEOUT = 5.0
# The count waits for every stanza still travelling on a stream other
# than the one through the guard that went (or not yet written) for up
# to SETTLE_TIMEOUT seconds, longer than Prosody's s2s_timeout (10 s),
# after which it bounces what waits for a stream that never came. Those
# of the stream through the guard may be lost with it: for them the
# count waits until nothing has arrived for QUIET seconds, ten times
# what a new stream takes here.
SETTLE_TIMEOUT = 15.0
QUIET = 1.0

# (sender, recipient) by user name.
DIRECTIONS = (("alice", "bob"), ("bob", "alice"))

# Prosody's debug log of a message written onto an outbound s2s stream:
# the session's name, then the stanza's top tag.
PROSODY_SENT = re.compile(r"^\S+ +\d+ \S+ (s2sout\w+)\tdebug\t"
                          r"Sending\[s2sout\]: <message [^>]*\bid='([^']*)'",
                          re.MULTILINE)

def current_instance(log):
    """The part of a guard's LOG written by its latest instance (a guard
    started again writes on in the same file)."""
    return log[log.rfind("event=start "):]


def open_inbound(log):
    """The remote domains of the inbound streams the latest instance in
    a guard's LOG has ready and not closed."""
    text = current_instance(log)
    ready = dict(re.findall(r"conn=(\d+) event=stream-ready dir=in "
                            r"local=\S+ remote=(\S+) ", text))
    for conn in re.findall(r"conn=(\d+) event=close dir=in ", text):
        ready.pop(conn, None)
    return set(ready.values())


def carried(log):
    """The directions (from domain, to domain) a guard's LOG shows it
    carried: it dials a server (purpose=stanzas) only to deliver a
    stanza that came in for it."""
    return set(re.findall(r"event=connect peer=\S+ local=(\S+) "
                          r"remote=(\S+) addr=\S+ purpose=stanzas$", log,
                          re.MULTILINE))


def policy_of(log):
    """The policy name and digest the latest instance in a guard's LOG
    announced."""
    m = re.search(r"event=start .*(policy=.*)$", current_instance(log),
                  re.MULTILINE)
    return m.group(1) if m else None


def server_of(ctx, user):
    """The name of the server USER is on."""
    d = ctx.user(user).boundjid.domain
    return next(s.name for s in ctx.world.servers if d in s.domains())


def guard_for(ctx, user):
    """The name of the guard whose inbound stream carries USER's
    messages now; raises AssertionError unless exactly one does."""
    d = ctx.user(user).boundjid.domain
    names = [name for name, g in ctx.world.guards.items()
             if not g.exited() and d in open_inbound(g.read_log())]
    if len(names) != 1:
        raise AssertionError("%s's stream is open in %s, not in one "
                             "guard" % (d, names or "no guard"))
    return names[0]


def written(log, ids):
    """The ids of IDS a Prosody's LOG shows written onto outbound
    streams, as {session name: ids in the order written}."""
    wanted = set(ids)
    out = {}
    for session, sid in PROSODY_SENT.findall(log):
        if sid in wanted:
            out.setdefault(session, []).append(sid)
    return out


@scenario("both servers find the guards by DNS SRV and their streams "
          "spread over both instances of one binary", modes=ONLY)
async def spread(ctx):
    for sender, recipient in DIRECTIONS:
        s, r = ctx.user(sender), ctx.user(recipient)
        sid = ctx.unique("spread-" + sender)
        start = r.mark()
        send_chat(s, r.boundjid.bare, sid, sid)
        await r.expect("message %s" % sid, clients.is_message(sid), 15,
                       start)
    asked = ctx.world.dns.questions
    for s in ctx.world.servers:
        q = ("_xmpp-server._tcp." + s.domains()[0], dns_server.TYPE_SRV)
        if q not in asked:
            raise AssertionError("the name server was not asked %s "
                                 "(asked: %s)" % (q, asked))
    logs = {name: g.read_log() for name, g in ctx.world.guards.items()}
    policies = {name: policy_of(log) for name, log in logs.items()}
    if None in policies.values() or len(set(policies.values())) != 1:
        raise AssertionError("the instances do not announce one policy: "
                             "%s" % policies)
    ways = {name: carried(log) for name, log in logs.items()}
    if not all(ways.values()) or len(set().union(*ways.values())) != 2:
        raise AssertionError("the two ways are not spread over both "
                             "instances: %s" % ways)
    return "; ".join("%s carried %s" % (name, ", ".join(
        "%s -> %s" % w for w in sorted(ws)))
        for name, ws in sorted(ways.items()))


class Traffic:
    """The steady stream of DIRECTIONS while the guard G goes: per
    sender, the ids sent in order, and how long after the guard went
    each direction delivered again."""

    def __init__(self, ctx, g):
        self.ctx = ctx
        self.guard = g
        self.sent = {s: [] for s, _ in DIRECTIONS}
        self.marks = {u: ctx.user(u).mark() for u in self.sent}
        self.gone_at = None
        self.after = {}
        self.recovered = {}

    def _send(self, sender, recipient):
        sid = self.ctx.unique("scale-" + sender)
        send_chat(self.ctx.user(sender),
                  self.ctx.user(recipient).boundjid.bare, sid, sid)
        self.sent[sender].append(sid)
        return sid

    async def run(self, frozen, release):
        """Sends for DURATION. At FREEZE_AT the guard is stopped and sent
        the signals FROZEN, each sender sends a burst, and once the
        servers wrote it onto their streams the guard is sent RELEASE."""
        t0 = time.monotonic()
        going = asyncio.ensure_future(self._go(t0, frozen, release))
        try:
            while time.monotonic() - t0 < DURATION:
                for sender, recipient in DIRECTIONS:
                    self._send(sender, recipient)
                self._note_recovery()
                await asyncio.sleep(INTERVAL)
        finally:
            await going

    async def _go(self, t0, frozen, release):
        """The guard's part of run(), T0 being when the traffic began."""
        await asyncio.sleep(FREEZE_AT - (time.monotonic() - t0))
        for sig in (signal.SIGSTOP,) + frozen:
            self.guard.send_signal(sig)
        burst = []
        for sender, recipient in DIRECTIONS:
            burst += [self._send(sender, recipient) for _ in range(BURST)]
        try:
            await self._written(burst)
        finally:
            # Let go even when the test fails: a stopped guard would
            # hold up the world's end.
            self.guard.send_signal(release)
            self.gone_at = time.monotonic()
            self.after = {s: len(ids) for s, ids in self.sent.items()}

    async def _written(self, ids):
        """Waits until the servers' logs show IDS written onto their
        streams; raises AssertionError after WRITE_TIMEOUT."""
        deadline = time.monotonic() + WRITE_TIMEOUT
        while True:
            logs = "".join(self.ctx.server_log(server_of(self.ctx, s))
                           for s in self.sent)
            missing = set(ids) - {sid for done in written(logs, ids).values()
                                  for sid in done}
            if not missing:
                return
            if time.monotonic() > deadline:
                raise AssertionError("the servers did not write %s onto "
                                     "a stream within %.0fs" % (
                                         sorted(missing), WRITE_TIMEOUT))
            await asyncio.sleep(0.02)

    def _note_recovery(self):
        """Records, per sender, when a message it sent after the guard
        went was first seen delivered."""
        if self.gone_at is None:
            return
        delivered = self.outcome()
        for sender, i in self.after.items():
            if sender not in self.recovered and any(
                    sid in delivered[sender][0]
                    for sid in self.sent[sender][i:]):
                self.recovered[sender] = time.monotonic() - self.gone_at

    def outcome(self):
        """Returns {sender: (delivered ids, bounced ids)}."""
        out = {}
        for sender, recipient in DIRECTIONS:
            got = {s["body"] for s in
                   self.ctx.user(recipient).received[self.marks[recipient]:]
                   if s.name == "message" and s["type"] != "error"}
            back = {s["id"] for s in
                    self.ctx.user(sender).received[self.marks[sender]:]
                    if s.name == "message" and s["type"] == "error"}
            ids = set(self.sent[sender])
            out[sender] = (got & ids, back & ids)
        return out

    def unsettled(self):
        """Returns {sender: ids neither delivered nor bounced, in the
        order sent}."""
        out = self.outcome()
        return {s: [i for i in ids if i not in out[s][0] | out[s][1]]
                for s, ids in self.sent.items()}

    async def settle(self):
        """Waits until every id is delivered or bounced, or until only
        ids written onto the stream through the guard that went are left
        and nothing has changed for QUIET seconds, or SETTLE_TIMEOUT
        seconds at most."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            self._note_recovery()
            left = self.unsettled()
            n = sum(len(ids) for ids in left.values())
            if n == 0:
                return
            if n != last:
                last, since = n, time.monotonic()
            owed = any(set(ids) - set(self.in_flight(sender))
                       for sender, ids in left.items())
            if not owed and time.monotonic() - since > QUIET:
                return
            await asyncio.sleep(0.05)

    def in_flight(self, sender):
        """The ids of SENDER its server wrote onto the stream that was
        open when the guard went (the stream of its first id), in
        order."""
        log = self.ctx.server_log(server_of(self.ctx, sender))
        first = self.sent[sender][0]
        return next((ids for ids in written(log, self.sent[sender])
                     .values() if ids[0] == first), [])

    def lost(self):
        """Returns {sender: ids neither delivered nor bounced}, having
        checked that they are the last ones its server wrote onto the
        stream through the guard that went, after every one of that
        stream that got through; raises AssertionError otherwise."""
        left = self.unsettled()
        for sender, lost in left.items():
            flight = self.in_flight(sender)
            tail = flight[len(flight) - len(lost):] if lost else []
            if tail != lost:
                raise AssertionError(
                    "%s lost %s, not the tail %s of what its server wrote "
                    "onto the stream through the guard that went (%d "
                    "stanzas)" % (sender, lost, tail, len(flight)))
        return left

    def summary(self):
        out = self.outcome()
        return "; ".join(
            "%s sent %d: %d delivered, %d bounced%s" % (
                s, len(ids), len(out[s][0]), len(out[s][1]),
                ", delivering again %.2fs after" % self.recovered[s]
                if s in self.recovered else "")
            for s, ids in self.sent.items())


async def take_down(ctx, name, frozen, release, status):
    """Takes the guard NAME down under the steady traffic (see
    Traffic.run for FROZEN and RELEASE) and waits for the count to
    settle. Returns the Traffic and what it lost (Traffic.lost); raises
    AssertionError unless the guard's exit status is STATUS."""
    g = ctx.world.guards[name]
    traffic = Traffic(ctx, g)
    await traffic.run(frozen, release)
    await traffic.settle()
    while not g.exited():
        await asyncio.sleep(0.05)
    got = g.stop()
    if got != status:
        raise AssertionError("%s exited with status %s" % (name, got))
    return traffic, traffic.lost()


@scenario("SIGTERM to the guard carrying a.example -> b.example under "
          "steady traffic: it exits 0, the servers go on through the other "
          "guard",
          modes=ONLY, timeout=30)
async def stop_one(ctx):
    name = guard_for(ctx, "alice")
    traffic, lost = await take_down(ctx, name, (signal.SIGTERM,),
                                    signal.SIGCONT, 0)
    ctx.measured["stop"] = (traffic, lost)
    return "%s stopped; %s" % (name, traffic.summary())


@scenario("SIGTERM under steady traffic: nothing the servers wrote onto "
          "the stopped guard's streams is lost (per sender, sent = "
          "delivered + bounced)", modes=ONLY)
async def stop_loses_nothing(ctx):
    if "stop" not in ctx.measured:
        raise AssertionError("the SIGTERM scenario did not finish")
    traffic, lost = ctx.measured["stop"]
    if any(lost.values()):
        raise AssertionError("lost silently: %s (%s)" % (
            {s: ids for s, ids in lost.items() if ids}, traffic.summary()))


@scenario("the stopped guard starts again: the same binary and site "
          "file, nothing handed over", modes=ONLY)
async def restart_stopped(ctx):
    gone = [g for g in ctx.world.guards.values() if g.exited()]
    if len(gone) != 1:
        raise AssertionError("%d guards are stopped, not one" % len(gone))
    gone[0].start()
    gone[0].wait_ready()
    policies = {policy_of(g.read_log()) for g in ctx.world.guards.values()}
    if len(policies) != 1:
        raise AssertionError("the instances announce %s" % policies)


@scenario("SIGKILL to the guard now carrying both ways under steady "
          "traffic: per sender, sent = delivered + bounced + lost, the "
          "lost being the last written onto the killed guard's stream",
          modes=ONLY, timeout=30)
async def kill_one(ctx):
    name = guard_for(ctx, "alice")
    if guard_for(ctx, "bob") != name:
        raise AssertionError("the two ways are not both on %s" % name)
    traffic, lost = await take_down(ctx, name, (), signal.SIGKILL,
                                    -signal.SIGKILL)
    # Started again, so that the world ends as it began.
    g = ctx.world.guards[name]
    g.start()
    g.wait_ready()
    return "%s killed; %s; lost with it: %s" % (
        name, traffic.summary(), ", ".join(
            "%s %d of %d written onto its stream" % (
                s, len(ids), len(traffic.in_flight(s)))
            for s, ids in lost.items()))
