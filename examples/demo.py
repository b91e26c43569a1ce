#!/usr/bin/python3
"""`make demo`: xedge between two local Prosody servers.

Starts Prosody for a.example (127.0.1.1) and for b.example (127.0.2.1),
each resolving the other's domain to the guard (127.0.3.1), and
build/xedge (built by make for examples/single-edge.policy) with a site
file pointing at certificates from a throw-away test CA. Sends a few
messages across, prints what crossed and where everything is, then keeps
running until Ctrl-C (--once: stops straight away). Nothing leaves
loopback; the harness is tests/integration's.
"""

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

import clients  # noqa: E402
import procs  # noqa: E402
import topology  # noqa: E402
import world  # noqa: E402

GUARD = os.path.join(TOP, topology.DEMO_GUARD.tree, "xedge")
POLICY_NAME = "single-edge"

# (sender, recipient, body, whether the policy lets it cross): the last
# names a code word of filter to-partner (examples/single-edge.policy),
# which refuses it with not-acceptable and an alert.
EXCHANGE = [
    ("alice", "bob", "Hello Bob, this crossed the guard.", True),
    ("bob", "alice", "Hello Alice, and so did this.", True),
    ("alice", "bob", "Third message: a.example -> b.example again.", True),
    ("alice", "bob", "The codeword is swordfish.", False),
]


def check_guard():
    """Returns None, or why build/xedge cannot be used."""
    if not os.access(GUARD, os.X_OK):
        return "%s is missing: run `make` (or `make demo`)" % GUARD
    out = subprocess.run([GUARD, "--version"], capture_output=True,
                         text=True).stdout
    if "policy %s\n" % POLICY_NAME not in out:
        return ("%s was not built for examples/%s.policy (it says: %s); "
                "run `make POLICY=examples/%s.policy`" % (
                    GUARD, POLICY_NAME, " ".join(out.split()), POLICY_NAME))
    return None


async def exchange(w):
    """Logs alice and bob in, sends EXCHANGE, prints each message as it
    arrives or is refused. Returns the number that did otherwise than the
    policy says."""
    users = {}
    for s in w.servers:
        for h in s.hosts:
            users[h.user] = clients.Client(h.jid, h.password, s.addr,
                                           topology.C2S_PORT, w.pki.ca.cert)
    await asyncio.gather(*(c.login() for c in users.values()))
    lost = 0
    for frm, to, body, crosses in EXCHANGE:
        sender, recipient = users[frm], users[to]
        start, back = recipient.mark(), sender.mark()
        t0 = time.monotonic()
        stanza = sender.make_message(mto=recipient.boundjid.bare,
                                     mbody=body, mtype="chat")
        stanza.send()
        try:
            if crosses:
                got = await recipient.expect(
                    "message", clients.is_message(body), 15, start)
            else:
                got = await sender.expect(
                    "the refusal", clients.is_error_reply(stanza["id"]), 15,
                    back)
        except AssertionError as e:
            print("  %-16s -> %-16s NOT AS THE POLICY SAYS: %s" % (
                sender.boundjid.bare, recipient.boundjid.bare, e))
            lost += 1
            continue
        ms = (time.monotonic() - t0) * 1000
        if crosses:
            print("  %-16s -> %-16s %4.0f ms  %r" % (
                got["from"].bare, recipient.boundjid.bare, ms, got["body"]))
        else:
            print("  %-16s -> %-16s %4.0f ms  %r refused: %s" % (
                sender.boundjid.bare, recipient.boundjid.bare, ms, body,
                got["error"]["text"]))
    await asyncio.gather(*(c.logout() for c in users.values()))
    return lost


def print_guard_events(w):
    """What the guard runs as, and its view of the streams it carried."""
    wanted = ("event=privileges", "event=authenticated", "event=stream-ready",
              "event=refuse", "event=bounce", "event=stream-error",
              "event=alert")
    for line in w.guard.read_log().splitlines():
        if any(k in line for k in wanted):
            print("  " + line)


def print_places(w):
    print("\nStatus page (read-only): http://%s:%d/  (also /status.json, "
          "/metrics, /healthz)" % (topology.GUARD_ADDR, topology.STATUS_PORT))
    print("\nFiles (%s):" % w.dir)
    print("  site file      %s" % w.guard.site)
    for name, p in sorted(w.daemons.items()):
        print("  prosody %s      %s" % (name, p.config))
    for label, path in sorted(w.logs().items()):
        print("  log %-10s %s" % (label, path))
    print("  test CA        %s" % w.pki.ca.cert)
    print("\nAccounts (c2s STARTTLS, check against the test CA):")
    for s in w.servers:
        for h in s.hosts:
            print("  %-16s password %-9s server %s:%d" % (
                h.jid, h.password, s.addr, topology.C2S_PORT))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--once", action="store_true",
                   help="stop after the exchange instead of waiting for "
                   "Ctrl-C")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory afterwards")
    args = p.parse_args()
    why = check_guard()
    if why:
        print("demo: " + why, file=sys.stderr)
        return 1
    procs.install_cleanup()
    # Ctrl-C stops the demo even when started with SIGINT ignored (as a
    # background job of a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    tmp = tempfile.mkdtemp(prefix="xedge-demo-")
    w = world.World(tmp, topology.pair_servers(),
                    [(topology.DEMO_GUARD, GUARD)])
    lost = 1
    try:
        took = w.start()
        print("xedge (%s) between Prosody a.example (127.0.1.1) and "
              "b.example (127.0.2.1), up in %.1fs.\n" % (POLICY_NAME, took))
        print("Messages:")
        lost = asyncio.run(exchange(w))
        print("\nThe guard's privileges and streams:")
        print_guard_events(w)
        print_places(w)
        if not args.once:
            print("\nRunning; Ctrl-C stops everything.", flush=True)
            while True:
                signal.pause()
    except KeyboardInterrupt:
        pass
    except RuntimeError as e:
        print("demo: %s" % e, file=sys.stderr)
    finally:
        status = w.stop()[topology.DEMO_GUARD.name]
        print("\nStopped (xedge exit status %s)." % status)
        if args.keep or lost:
            print("Kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
