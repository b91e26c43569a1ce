#!/usr/bin/python3
"""The integration suite: real Prosody servers on loopback, xedge between
them (or, with --direct, nothing between them), slixmpp clients and a
raw S2S client. Prints TAP; exits non-zero if anything failed.

Five worlds run one after the other: "trunk" (one guard, built for
tests/integration/trunk.policy, between Prosody A and servers B and C),
"two-guards" (Prosody A, a guard built for examples/two-guards-a.policy,
one for two-guards-b.policy, Prosody B), "pair" (Prosody A, the edge,
validator and edge built from tests/integration/pair.policy, Prosody B),
"ejabberd" (Prosody A, a guard built for tests/integration/ejabberd.policy,
a real ejabberd) and "scale" (Prosody A and B finding two instances of
the trunk guard by DNS SRV, one of which is stopped and one killed under
traffic).

  tests/integration/run.py                 build the guards, run all five
  tests/integration/run.py --only WORLD    run one world: trunk, two-guards,
                                           pair, ejabberd, scale
  tests/integration/run.py --guard BIN     use a trunk guard already built
                                           for tests/integration/trunk.policy
                                           (in the trunk and scale worlds)
  tests/integration/run.py --direct        the trunk world's servers, Prosody
                                           to Prosody only
  tests/integration/run.py --capture       also prove (tcpdump, root) that
                                           nothing leaves loopback
  --keep leaves the temporary directory (it is kept anyway on failure).
"""

import argparse
import asyncio
import logging
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import capture  # noqa: E402
import dns_server  # noqa: E402
import guard  # noqa: E402
import procs  # noqa: E402
import scenarios  # noqa: E402
import scenarios_attack  # noqa: E402,F401 -- registers its scenarios
import scenarios_content  # noqa: E402,F401 -- registers its scenarios
import scenarios_content_attack  # noqa: E402,F401 -- registers its scenarios
import scenarios_labels  # noqa: E402,F401 -- registers its scenarios
import scenarios_relabel  # noqa: E402,F401 -- registers its scenarios
import scenarios_status  # noqa: E402,F401 -- registers its scenarios
import scenarios_status_browser  # noqa: E402,F401 -- registers its scenarios
import scenarios_ejabberd  # noqa: E402,F401 -- registers its scenarios
import scenarios_flood  # noqa: E402,F401 -- registers its scenarios
import scenarios_malformed  # noqa: E402,F401 -- registers its scenarios
import scenarios_pair  # noqa: E402,F401 -- registers its scenarios
import scenarios_priv  # noqa: E402,F401 -- registers its scenarios
import scenarios_reach  # noqa: E402,F401 -- registers its scenarios
import scenarios_scale  # noqa: E402,F401 -- registers its scenarios
import scenarios_tls  # noqa: E402,F401 -- registers its scenarios
import scenarios_two_guards  # noqa: E402,F401 -- registers its scenarios
# Last: it stops and restarts Prosody B under the trunk guard.
import scenarios_peer_down  # noqa: E402,F401 -- registers its scenarios
import topology  # noqa: E402
import world  # noqa: E402
from tap import Tap  # noqa: E402

SANITIZER_REPORT = re.compile(
    r"ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:")

# The two-guards, ejabberd and scale worlds' scenarios run in a mode of
# the same name.
TRUNK, TWO_GUARDS, EJABBERD = "trunk", scenarios.TWO_GUARDS, scenarios.EJABBERD
SCALE, PAIR = scenarios.SCALE, scenarios.PAIR
WORLDS = (TRUNK, TWO_GUARDS, PAIR, EJABBERD, SCALE)


def parse_args():
    p = argparse.ArgumentParser(
        description="xedge integration tests (TAP on stdout)")
    p.add_argument("--only", choices=WORLDS, metavar="WORLD",
                   help="run one world only: %s" % ", ".join(WORLDS))
    p.add_argument("--direct", action="store_true",
                   help="no guard: the trunk world's Prosody servers talk "
                   "directly (the other worlds do not run)")
    p.add_argument("--guard", metavar="BIN",
                   help="guard binary built for trunk.policy, for the "
                   "trunk and scale worlds (default: build it into "
                   "build/it)")
    p.add_argument("--capture", action="store_true",
                   help="tcpdump the non-loopback interfaces (root)")
    p.add_argument("--capture-filter", default=capture.DEFAULT_FILTER,
                   metavar="BPF", help="what counts as leaving loopback "
                   "(default: %(default)s)")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory")
    p.add_argument("--verbose", action="store_true",
                   help="slixmpp's own log on stderr")
    args = p.parse_args()
    if args.direct and args.only not in (None, TRUNK):
        p.error("--direct has no %s world" % args.only)
    return args


def tail(path, n=6):
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    return lines[-n:]


def explainer(w):
    """Diagnostics for a failed test: where the logs are, and the last
    lines of each guard's."""
    def explain():
        out = ["logs: " + ", ".join("%s %s" % kv
                                    for kv in w.logs().items())]
        for name, g in w.guards.items():
            out += ["%s: %s" % (name, ln) for ln in tail(g.log)]
        return "\n".join(out)
    return explain


def check_after(tap, w, guard_status, prefix):
    """The checks that need the world W stopped (and started before);
    GUARD_STATUS maps each guard's name to its exit status."""
    left = w.still_listening()
    tap.result(not left, prefix + "nothing listens after the servers "
               "stopped", "still held: %s" % left if left else "")
    for name, g in w.guards.items():
        status = guard_status[name]
        tap.result(status == 0, prefix + "%s exits 0 on SIGTERM" % name,
                   status and "exit status %s" % status)
        text = g.read_log()
        m = SANITIZER_REPORT.search(text)
        tap.result(m is None, prefix + "%s's log has no sanitizer report" %
                   name, m and text[max(0, m.start() - 200):m.start() + 1500])


def trunk_world(args, directory):
    """The trunk world under DIRECTORY, with its guard unless --direct
    (built, unless --guard names one). Returns (world, mode)."""
    servers = topology.trunk_servers()
    guards = []
    if not args.direct:
        plan = topology.TRUNK_GUARD
        binary = (os.path.abspath(args.guard) if args.guard
                  else guard.build_guard(plan))
        guards.append((plan, binary))
    zone = dns_server.Zone(*topology.trunk_zone(servers))
    return (world.World(directory, servers, guards, topology.STAND_INS,
                        zone),
            "direct" if args.direct else "guard")


def two_guards_world(args, directory):
    """The two-guards world under DIRECTORY, both guards built. Returns
    (world, mode)."""
    guards = [(plan, guard.build_guard(plan))
              for plan in topology.TWO_GUARDS]
    return (world.World(directory, topology.pair_servers(), guards),
            scenarios.TWO_GUARDS)


def pair_world(args, directory):
    """The pair world under DIRECTORY: its policy built for each of its
    three guards. Returns (world, mode)."""
    guards = [(plan, guard.build_guard(plan))
              for plan in topology.PAIR_GUARDS]
    return (world.World(directory, topology.pair_servers(), guards),
            scenarios.PAIR)


def ejabberd_world(args, directory):
    """The ejabberd world under DIRECTORY, its guard built. Returns
    (world, mode)."""
    plan = topology.EJABBERD_GUARD
    return (world.World(directory, topology.ejabberd_servers(),
                        [(plan, guard.build_guard(plan))]),
            scenarios.EJABBERD)


def scale_world(args, directory):
    """The scale world under DIRECTORY: two instances of the trunk guard
    (--guard's binary, or build/it/xedge built), found by both servers
    through the name server's rotating SRV answers. Returns (world,
    mode)."""
    binary = (os.path.abspath(args.guard) if args.guard
              else guard.build_guard(topology.TRUNK_GUARD))
    servers = topology.pair_servers()
    zone = dns_server.Zone(*topology.scale_zone(servers), rotate=True)
    return (world.World(directory, servers,
                        [(plan, binary) for plan in topology.SCALE_GUARDS],
                        topology.scale_stand_ins(), zone,
                        servers_ask_dns=True),
            SCALE)


MAKERS = {TRUNK: trunk_world, TWO_GUARDS: two_guards_world,
          PAIR: pair_world, EJABBERD: ejabberd_world, SCALE: scale_world}


def run_world(tap, args, name, directory):
    """Builds the world NAME's guards, brings it up under DIRECTORY, runs
    its scenarios and takes it down again; results go to TAP."""
    prefix = "" if name == TRUNK else name.replace("-", " ") + ": "
    make = MAKERS[name]
    try:
        w, mode = make(args, directory)
    except RuntimeError as e:
        tap.result(False, prefix + "build the guards and the PKI", str(e))
        return
    tap.comment("world %s, mode %s, files in %s" % (name, mode, directory))
    started = False
    try:
        try:
            took = w.start()
            started = True
        except (RuntimeError, OSError) as e:
            tap.result(False, prefix + "the test world starts",
                       str(e) + "\n" + explainer(w)())
        else:
            tap.comment("servers up in %.1fs" % took)
            asyncio.run(scenarios.run_all(tap, w, mode, explainer(w),
                                          prefix))
    finally:
        guard_status = w.stop()
    if started:
        check_after(tap, w, guard_status, prefix)


def main():
    args = parse_args()
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG)
        logging.getLogger("slixmpp").setLevel(logging.DEBUG)
    procs.install_cleanup()
    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="xedge-it-")
    tap.comment("integration, files in %s" % tmp)
    t0 = time.monotonic()
    if args.only:
        names = [args.only]
    else:
        names = [TRUNK] if args.direct else list(WORLDS)
    cap = None
    try:
        if args.capture:
            cap = capture.Capture(tmp, args.capture_filter)
        for name in names:
            run_world(tap, args, name, os.path.join(tmp, name))
    finally:
        if cap:
            count, packets = cap.finish()
            tap.result(count == 0, "no packet left loopback (%s)" %
                       cap.describe(),
                       count and "%d packets matching %s:\n%s" % (
                           count, cap.expr, packets))
    tap.plan()
    tap.comment("%d of %d failed%s, %.0fs" % (
        tap.failed, tap.count,
        " (and %d marked TODO)" % tap.todo if tap.todo else "",
        time.monotonic() - t0))
    if tap.failed or args.keep:
        tap.comment("kept %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
