#!/usr/bin/python3
"""The integration suite: real Prosody servers on loopback, xedge between
them (or, with --direct, nothing between them), slixmpp clients and a
raw S2S client. Prints TAP; exits non-zero if anything failed.

  tests/integration/run.py                 build the trunk guard, run all
  tests/integration/run.py --guard BIN     use a guard already built for
                                           tests/integration/trunk.policy
  tests/integration/run.py --direct        Prosody to Prosody only
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
import guard  # noqa: E402
import procs  # noqa: E402
import scenarios  # noqa: E402
import scenarios_reach  # noqa: E402,F401 -- registers its scenarios
import topology  # noqa: E402
import world  # noqa: E402
from tap import Tap  # noqa: E402

SANITIZER_REPORT = re.compile(
    r"ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:")


def parse_args():
    p = argparse.ArgumentParser(
        description="xedge integration tests (TAP on stdout)")
    p.add_argument("--direct", action="store_true",
                   help="no guard: the Prosody servers talk directly")
    p.add_argument("--guard", metavar="BIN",
                   help="guard binary built for trunk.policy "
                   "(default: build it into build/it)")
    p.add_argument("--capture", action="store_true",
                   help="tcpdump the non-loopback interfaces (root)")
    p.add_argument("--capture-filter", default=capture.DEFAULT_FILTER,
                   metavar="BPF", help="what counts as leaving loopback "
                   "(default: %(default)s)")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory")
    p.add_argument("--verbose", action="store_true",
                   help="slixmpp's own log on stderr")
    return p.parse_args()


def tail(path, n=6):
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    return lines[-n:]


def explainer(w):
    """Diagnostics for a failed test: where the logs are, and the last
    lines of the guard's."""
    def explain():
        out = ["logs: " + ", ".join("%s %s" % kv
                                    for kv in w.logs().items())]
        if w.guard:
            out += ["xedge: " + ln for ln in tail(w.guard.log)]
        return "\n".join(out)
    return explain


def check_after(tap, w, guard_status, cap):
    """The checks that need everything stopped (and started before)."""
    left = w.still_listening()
    tap.result(not left, "nothing listens after the servers stopped",
               "still held: %s" % left if left else "")
    if w.guard:
        tap.result(guard_status == 0, "xedge exits 0 on SIGTERM",
                   guard_status and "exit status %s" % guard_status)
        text = w.guard.read_log()
        m = SANITIZER_REPORT.search(text)
        tap.result(m is None, "xedge's log has no sanitizer report",
                   m and text[max(0, m.start() - 200):m.start() + 1500])
    if cap:
        count, packets = cap.finish()
        tap.result(count == 0, "no packet left loopback (%s)" %
                   cap.describe(),
                   count and "%d packets matching %s:\n%s" % (
                       count, cap.expr, packets))


def main():
    args = parse_args()
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG)
        logging.getLogger("slixmpp").setLevel(logging.DEBUG)
    procs.install_cleanup()
    mode = "direct" if args.direct else "guard"
    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="xedge-it-")
    tap.comment("integration, mode %s, files in %s" % (mode, tmp))
    t0 = time.monotonic()
    binary = None
    if mode == "guard":
        binary = args.guard and os.path.abspath(args.guard)
        if binary is None:
            try:
                binary = guard.build_trunk_guard()
            except RuntimeError as e:
                tap.result(False, "build the guard for %s" %
                           guard.TRUNK_POLICY, str(e))
                tap.plan()
                return 1
    servers = topology.trunk_servers()
    w = world.World(tmp, servers, binary, topology.TRUNK_PEERS,
                    topology.STAND_INS, topology.trunk_zone(servers))
    cap = None
    started = False
    try:
        if args.capture:
            cap = capture.Capture(tmp, args.capture_filter)
        try:
            took = w.start()
            started = True
        except (RuntimeError, OSError) as e:
            tap.result(False, "the test world starts", str(e) + "\n" +
                       explainer(w)())
        else:
            tap.comment("servers up in %.1fs" % took)
            asyncio.run(scenarios.run_all(tap, w, mode, explainer(w)))
    finally:
        guard_status = w.stop()
    if started:
        check_after(tap, w, guard_status, cap)
    elif cap:
        cap.finish()
    tap.plan()
    tap.comment("%d of %d failed, %.0fs" % (tap.failed, tap.count,
                                            time.monotonic() - t0))
    if tap.failed or args.keep:
        tap.comment("kept %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
