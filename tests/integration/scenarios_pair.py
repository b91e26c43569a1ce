"""Scenarios of the pair world: Prosody A, edge a.pair.test, the
validator v.pair.test, edge b.pair.test, Prosody B, the three guards
built from tests/integration/pair.policy. Messages, presence and IQ both
ways are scenarios.py's, registered for this world too; here: how each
hop authenticated, a guard of another policy refused, a tampered edge
(a raw gcxp client holding edge A's certificate, gcxp_raw.py, while the
real edge A is frozen) whose every bad frame the validator refuses and
says why while the other direction flows, and the validator killed under
traffic and started again: every message delivered once or bounced.
Importing this module registers the scenarios."""

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import time

import clients
import gcxp_raw
import pki
import topology
from scenarios import PAIR_ONLY, deliver, log_has, scenario, send_chat
from scenarios_labels import LabelPolicy, label_of, labelled

EDGE_A, EDGE_B = topology.PAIR_EDGES
# The pair world's filter (pair.policy): what the tampered frames break.
FILTER = "filter partner-content"


def digest(ctx):
    """The policy's SHA-256, as the validator announced it."""
    return re.search(r"event=start .*sha256=([0-9a-f]{64})",
                     ctx.guard_log("validator")).group(1)


def raw_edge(ctx, name=EDGE_A):
    """A raw gcxp connection to the validator with edge NAME's
    certificate, before its HELLO."""
    d = ctx.world.pki.dir
    leaf = pki.Leaf(os.path.join(d, name + ".pem"),
                    os.path.join(d, name + ".key"))
    return gcxp_raw.RawEdge(topology.VALIDATOR_ADDR, topology.GCXP_PORT,
                            leaf, ctx.world.pki.ca.cert,
                            topology.PAIR_VALIDATOR)


def links_up(ctx, name):
    """How many times the validator's log shows edge NAME's link up."""
    return len(re.findall(r"event=gcxp-up guard=%s " % re.escape(name),
                          ctx.guard_log("validator")))


def status(guard, path):
    """(HTTP status, body text) of PATH on the status page of the pair's
    guard GUARD (its name in the world)."""
    plan = next(p for p in topology.PAIR_GUARDS if p.name == guard)
    c = http.client.HTTPConnection(plan.addr, topology.STATUS_PORT,
                                   timeout=5)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read().decode()
    finally:
        c.close()


def links(guard):
    """{other guard: link} from GUARD's /status.json."""
    return {k["guard"]: k for k in
            json.loads(status(guard, "/status.json")[1])["pair"]["links"]}


async def until(what, probe, timeout=20.0):
    """Polls PROBE (no arguments) every 0.1 s until it is true; raises
    naming WHAT after TIMEOUT."""
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError("%s: not within %.0f s" % (what, timeout))
        await asyncio.sleep(0.1)


@scenario("the edges link to the validator over TLS 1.3 with the "
          "pair's certificates, and all three run one policy",
          modes=PAIR_ONLY)
async def pair_links(ctx):
    logs = {n: ctx.guard_log(n) for n in ctx.world.guards}
    digests = {re.search(r"event=start .*sha256=(\w+)", t).group(1)
               for t in logs.values()}
    if len(digests) != 1:
        raise AssertionError("the guards run %s" % digests)
    for edge in topology.PAIR_EDGES:
        log_has(logs["validator"], r"event=gcxp-up guard=%s " %
                re.escape(edge), "the validator's log")
    for name in ("edge-a", "edge-b"):
        log_has(logs[name], r"event=tls-up peer=%s:%d version=TLSv1\.3 " %
                (re.escape(topology.VALIDATOR_ADDR), topology.GCXP_PORT),
                "%s's log" % name)
        log_has(logs[name], r"event=gcxp-up guard=%s " %
                re.escape(topology.PAIR_VALIDATOR), "%s's log" % name)


@scenario("the status pages show the links, with the frames that crossed "
          "them, in JSON, Prometheus text and HTML", modes=PAIR_ONLY)
async def pair_status(ctx):
    a = links("edge-a")[topology.PAIR_VALIDATOR]
    if not a["up"] or a["frames_out"] < 1 or a["frames_in"] < 1 or \
            a["window"] != 32:
        raise AssertionError("edge A's link: %r" % a)
    v = links("validator")
    if sorted(v) != sorted(topology.PAIR_EDGES) or \
            not all(k["up"] for k in v.values()):
        raise AssertionError("the validator's links: %r" % v)
    _, metrics = status("edge-a", "/metrics")
    if 'xedge_gcxp_link_up{guard="%s"} 1' % topology.PAIR_VALIDATOR \
            not in metrics:
        raise AssertionError("no xedge_gcxp_link_up in edge A's /metrics")
    _, page = status("validator", "/")
    if '<table id="links">' not in page or EDGE_B not in page:
        raise AssertionError("the validator's page has no link table")
    code, body = status("edge-b", "/healthz")
    if code != 200:
        raise AssertionError("edge B's /healthz: %d %r" % (code, body))
    return "edge A: %d frames out, %d in; validator: %s" % (
        a["frames_out"], a["frames_in"], ", ".join(
            "%s %d in" % (g, k["frames_in"]) for g, k in sorted(v.items())))


async def foreign_hello(ctx):
    """The validator's answer to edge A's HELLO with another policy's
    digest, from a new connection."""
    raw = raw_edge(ctx)
    try:
        raw.send(gcxp_raw.hello(EDGE_A, topology.PAIR_VALIDATOR,
                                "00" * 32))
        return await asyncio.to_thread(raw.read)
    finally:
        raw.close()


@scenario("a guard built from another policy is refused at the "
          "handshake, and told why", modes=PAIR_ONLY)
async def pair_other_policy(ctx):
    got = await foreign_hello(ctx)
    if got is None or got[0] != gcxp_raw.HELLO_REFUSE or got[1][0] != 2 or \
            "different policies" not in got[1][1]:
        raise AssertionError("answered %r" % (got,))
    log_has(ctx.guard_log("validator"), r"event=gcxp-refused guard=%s "
            r"refusal=policy " % re.escape(EDGE_A), "the validator's log")
    return got[1][1]


@scenario("what another guard says in an ERROR reaches the log quoted: "
          "a line break in it forges no line", modes=PAIR_ONLY)
async def pair_error_text(ctx):
    forged = "level=error event=forged-%s" % ctx.unique("line")
    raw = raw_edge(ctx)
    try:
        # An ERROR may come first: the validator logs it and closes.
        raw.send(gcxp_raw.error(8, "bye\n" + forged))
        await asyncio.to_thread(raw.read)
    finally:
        raw.close()
    await asyncio.sleep(0.2)
    log = ctx.guard_log("validator")
    if re.search(r"^" + re.escape(forged), log, re.MULTILINE):
        raise AssertionError("a line was forged in the validator's log")
    log_has(log, r"event=gcxp-peer-error guard=- code=8 reason=\"bye\\x0a%s\"$"
            % re.escape(forged), "the validator's log")


@scenario("connections that never finish their handshake do not keep "
          "the edges out of the validator", modes=PAIR_ONLY)
async def pair_idle_connections(ctx):
    idle = [socket.create_connection((topology.VALIDATOR_ADDR,
                                      topology.GCXP_PORT))
            for _ in range(20)]
    try:
        await asyncio.sleep(0.3)
        got = await foreign_hello(ctx)
        if got is None or got[0] != gcxp_raw.HELLO_REFUSE:
            raise AssertionError("a new caller was answered %r" % (got,))
        await deliver(ctx, ctx.user("alice"), ctx.user("bob"))
    finally:
        for s in idle:
            s.close()
    # Twenty callers for sixteen places, eight of them for handshakes:
    # the idle ones that waited longest made way.
    n = len(re.findall(r"event=gcxp-evicted ", ctx.guard_log("validator")))
    if n == 0:
        raise AssertionError("no idle connection was evicted")
    return "%d idle connections evicted for new callers" % n


def message(sid, body, extra=""):
    return ("<message from='alice@a.example/raw' to='bob@b.example' "
            "type='chat' id='%s'><body>%s</body>%s</message>" %
            (sid, body, extra))


# The pair's label policy, read from the policy file.
LABELS = LabelPolicy("pair-labels", topology.PAIR_POLICY)


def secret_message(sid):
    """A message labelled SECRET, above b.example's clearance."""
    return (labelled(label_of("SECRET", policy=LABELS)) % {
        "to": "bob@b.example", "id": sid}).replace(
            "<message ", "<message from='alice@a.example/raw' ", 1)


# Frames a tampered edge A sends: (what, seq, source, destination, XML,
# the REFUSE's condition, the rule the validator's log names).
TAMPERED = (
    ("a blocked namespace (file transfer)", "inside", "partner",
     message("t1", "file", "<x xmlns='jabber:x:oob'><url>https://a.example/"
             "f</url></x>"), "policy-violation",
     FILTER + " block file-transfer"),
    ("a stanza over the size limit", "inside", "partner",
     message("t2", "x" * 20000), "policy-violation",
     FILTER + " stanza-size"),
    ("a forged source peer", "partner", "inside",
     "<message from='bob@b.example/x' to='alice@a.example' id='t3'>"
     "<body>forged</body></message>", "policy-violation", None),
    ("a word the policy refuses", "inside", "partner",
     message("t4", "the kraken wakes"), "not-acceptable",
     FILTER + " words"),
    ("an element a filter removes (XHTML-IM) still in", "inside",
     "partner", message("t5", "rich", "<html xmlns='http://jabber.org/"
                        "protocol/xhtml-im'><body xmlns='http://www.w3.org/"
                        "1999/xhtml'>rich</body></html>"),
     "policy-violation", FILTER + " strip xhtml-im"),
    ("a label above the destination's clearance", "inside", "partner",
     secret_message("t6"), "policy-violation", "clearance of partner"),
    ("malformed XML", "inside", "partner",
     "<message from='alice@a.example' to='bob@b.example'><body>",
     "bad-request", None),
)


@scenario("a tampered edge's frames are each refused by the "
          "validator, saying why, while the other direction flows; the "
          "edge's own frames are resent when it is back", modes=PAIR_ONLY,
          timeout=60)
async def pair_tampered_edge(ctx):
    edge_a = ctx.world.guards["edge-a"]
    alice, bob = ctx.user("alice"), ctx.user("bob")
    ups = links_up(ctx, EDGE_A)
    edge_a.send_signal(signal.SIGSTOP)
    raw = None
    try:
        raw = raw_edge(ctx)
        raw.send(gcxp_raw.hello(EDGE_A, topology.PAIR_VALIDATOR,
                                digest(ctx)))
        got = await asyncio.to_thread(raw.read)
        if got is None or got[0] != gcxp_raw.HELLO:
            raise AssertionError("handshake answered %r" % (got,))
        said = []
        for seq, (what, src, dst, xml, cond, rule) in enumerate(TAMPERED,
                                                                1):
            raw.send(gcxp_raw.stanza(seq, 0, src, dst, xml))
            frames = await asyncio.to_thread(raw.read_until,
                                             gcxp_raw.REFUSE)
            last = frames[-1]
            if last is None or last[1][0] != seq or last[1][2] != cond:
                raise AssertionError("%s: answered %r" % (what, frames))
            if rule is not None:
                log_has(ctx.guard_log("validator"), r"event=refuse .* "
                        r"condition=%s rule=\"%s\"" % (cond,
                                                       re.escape(rule)),
                        "the validator's log")
            said.append("%s: %s" % (what, last[1][3]))
        # The other direction: bob's message reaches edge A's link,
        # here the tampered edge, which does not acknowledge it.
        sid = ctx.unique("b-to-a")
        start = alice.mark()
        send_chat(bob, alice.boundjid.bare, sid, sid)
        frames = await asyncio.to_thread(raw.read_until, gcxp_raw.STANZA)
        if frames[-1] is None or sid not in frames[-1][1][4]:
            raise AssertionError("bob's message did not come: %r" % frames)
        # A frame longer than any the validator takes ends the link.
        raw.send(b"\x7f\xff\xff\xff\x03")
        frames = await asyncio.to_thread(raw.read_until, gcxp_raw.ERROR)
        if frames[-1] is None or frames[-1][1][0] != 1:
            raise AssertionError("an oversized frame: %r" % frames)
        said.append("frame length 0x7fffffff: %s" % frames[-1][1][1])
        raw.close()
        # A sequence number replayed on a link ends it.
        raw = raw_edge(ctx)
        raw.send(gcxp_raw.hello(EDGE_A, topology.PAIR_VALIDATOR,
                                digest(ctx)))
        await asyncio.to_thread(raw.read)
        for _ in range(2):
            raw.send(gcxp_raw.stanza(7, 0, "partner", "inside",
                                     TAMPERED[2][3]))
        frames = await asyncio.to_thread(raw.read_until, gcxp_raw.ERROR)
        if frames[-1] is None or frames[-1][1][0] != 3:
            raise AssertionError("a replayed number: %r" % frames)
        said.append("seq 7 twice: %s" % frames[-1][1][1])
    finally:
        if raw is not None:
            raw.close()
        edge_a.send_signal(signal.SIGCONT)
    await until("edge A's link up again", lambda: links_up(ctx, EDGE_A) >
                ups + 2)
    # Bob's message, never acknowledged, is resent to the real edge A.
    await alice.expect("bob's message, resent",
                       clients.is_message(sid), 15, start)
    return "; ".join(said)


@scenario("a frame written again on a new connection, as an edge resends "
          "what was not acknowledged, is delivered once; a restarted edge's "
          "numbers start above its earlier run's", modes=PAIR_ONLY,
          timeout=60)
async def pair_duplicate(ctx):
    edge_a = ctx.world.guards["edge-a"]
    alice, bob = ctx.user("alice"), ctx.user("bob")
    body = ctx.unique("once")
    xml = message(body, body).replace("/raw", "/" + body)
    ups = links_up(ctx, EDGE_A)
    start = bob.mark()
    edge_a.send_signal(signal.SIGSTOP)
    try:
        # Above every number edge A has used: they start at its start
        # time in microseconds.
        seq = time.time_ns() // 1000
        for _ in range(2):
            raw = raw_edge(ctx)
            try:
                raw.send(gcxp_raw.hello(EDGE_A, topology.PAIR_VALIDATOR,
                                        digest(ctx)))
                await asyncio.to_thread(raw.read)
                raw.send(gcxp_raw.stanza(seq, 0, "inside", "partner", xml))
                frames = await asyncio.to_thread(raw.read_until,
                                                 gcxp_raw.ACK)
            finally:
                raw.close()
            if frames[-1] is None or frames[-1][1][0] < seq:
                raise AssertionError("not acknowledged: %r" % frames)
        await bob.expect("the message", clients.is_message(body), 10, start)
        await asyncio.sleep(1.0)
        got = [s for s in bob.received[start:] if s.name == "message" and
               s["body"] == body]
        if len(got) != 1:
            raise AssertionError("delivered %d times" % len(got))
    finally:
        # A new run of edge A: its numbers start above SEQ.
        edge_a.send_signal(signal.SIGKILL)
        await asyncio.to_thread(edge_a.stop)
        edge_a.start()
        await asyncio.to_thread(edge_a.wait_ready)
    await until("edge A's link up again", lambda: links_up(ctx, EDGE_A) >
                ups + 2)
    sid = ctx.unique("after")
    start = bob.mark()
    send_chat(alice, bob.boundjid.bare, sid, sid)
    await bob.expect("a message of edge A's new run",
                     clients.is_message(sid), 15, start)
    return "seq %d delivered once, acknowledged twice" % seq


# The validator killed under traffic: each sender sends COUNT messages,
# one every INTERVAL seconds; the validator is killed after KILL_AFTER
# of them and started again DOWN_FOR seconds later.
COUNT = 60
INTERVAL = 0.02
KILL_AFTER = 20
DOWN_FOR = 1.0


@scenario("the validator killed (SIGKILL) under traffic both ways "
          "and started again: every message delivered exactly once or "
          "bounced, none lost", modes=PAIR_ONLY, timeout=90)
async def pair_validator_killed(ctx):
    v = ctx.world.guards["validator"]
    logs_at = {n: len(ctx.guard_log(n)) for n in ("edge-a", "edge-b")}
    users = {"alice": ctx.user("alice"), "bob": ctx.user("bob")}
    marks = {n: u.mark() for n, u in users.items()}
    sent = {"alice": [], "bob": []}
    for i in range(COUNT):
        if i == KILL_AFTER:
            v.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            # Edge A's health says so.
            await until("edge A unhealthy", lambda: status(
                "edge-a", "/healthz") == (503, "unhealthy\ngcxp link to "
                "%s: down\n" % topology.PAIR_VALIDATOR), 10)
        if i > KILL_AFTER and v.exited() and \
                time.monotonic() - killed_at >= DOWN_FOR:
            v.start()
        for name, other in (("alice", "bob"), ("bob", "alice")):
            sid = ctx.unique("kill-%s" % name)
            sent[name].append(sid)
            send_chat(users[name], users[other].boundjid.bare, sid, sid)
        await asyncio.sleep(INTERVAL)
    if v.exited():
        v.start()
    await asyncio.to_thread(v.wait_ready)
    await until("edge A healthy again",
                lambda: status("edge-a", "/healthz")[0] == 200, 20)

    def tally(name, other):
        got = [s["body"] for s in users[other].received[marks[other]:]
               if s.name == "message" and s["type"] != "error"]
        bounced = {s["id"] for s in users[name].received[marks[name]:]
                   if s["type"] == "error"}
        return got, bounced

    def settled():
        return all(set(sent[n]) <= set(tally(n, o)[0]) | tally(n, o)[1]
                   for n, o in (("alice", "bob"), ("bob", "alice")))
    try:
        await until("every message delivered or bounced", settled, 45)
    finally:
        counts = []
        for n, o in (("alice", "bob"), ("bob", "alice")):
            got, bounced = tally(n, o)
            dups = {b for b in got if got.count(b) > 1}
            lost = set(sent[n]) - set(got) - bounced
            counts.append("%s: %d sent, %d delivered, %d bounced, %d "
                          "twice, %d lost" % (n, len(sent[n]), len(set(got)),
                                              len(bounced), len(dups),
                                              len(lost)))
            if dups or lost:
                raise AssertionError("; ".join(counts) + ": duplicated %s, "
                                     "lost %s" % (sorted(dups),
                                                  sorted(lost)))
    # Frames were in flight when the validator went: the edges had them
    # unacknowledged, and sent them again.
    held = [int(n) for name, at in logs_at.items() for n in re.findall(
        r"event=gcxp-down guard=\S+ reason=\"[^\"]*\" unacknowledged=(\d+)",
        ctx.guard_log(name)[at:])]
    if not held or max(held) == 0:
        raise AssertionError("no frame was unacknowledged when the "
                             "validator went: %r" % held)
    return "; ".join(counts) + "; unacknowledged at the kill: %d" % max(held)
