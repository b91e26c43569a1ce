"""TAP output (`ok N - name`, `not ok N - name`, `# diagnostics`) and
a runner that gives every test a bounded time.

A test of a known defect not yet fixed is marked `# TODO REASON` (TAP's
directive): it runs and reports like any other, but its failure is not
counted as one (tests/run-all.sh counts it apart), and the day it passes
the mark shows that it can go."""

import asyncio
import sys
import time
import traceback


class Tap:
    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.count = 0
        self.failed = 0
        self.todo = 0

    def _line(self, text):
        self.out.write(text + "\n")
        self.out.flush()

    def comment(self, text):
        for line in str(text).splitlines() or [""]:
            self._line("# " + line)

    def result(self, passed, name, diagnostics="", todo=None):
        """Reports test NAME; TODO, if given, is the reason it is expected
        to fail."""
        self.count += 1
        if todo:
            self.todo += 1
            name += " # TODO " + todo
        elif not passed:
            self.failed += 1
        self._line("%s %d - %s" % ("ok" if passed else "not ok", self.count,
                                   name))
        if diagnostics:
            self.comment(diagnostics)

    def plan(self):
        self._line("1..%d" % self.count)


async def run_test(tap, name, coro_fn, timeout, explain=None, todo=None):
    """Runs CORO_FN() as the test NAME for at most TIMEOUT seconds and
    reports it, with what it returns (a note, or None) as a comment.
    EXPLAIN, if given, returns extra diagnostics (log tails) for a
    failure; TODO is as for Tap.result."""
    t0 = time.monotonic()
    try:
        note = await asyncio.wait_for(coro_fn(), timeout)
    except Exception as e:  # noqa: BLE001 -- every failure is reported
        if isinstance(e, asyncio.TimeoutError):
            why = "timed out after %.0fs" % timeout
        elif isinstance(e, AssertionError):
            why = str(e) or "assertion failed"
        else:
            why = "".join(traceback.format_exception(e)).rstrip()
        if explain is not None:
            why += "\n" + explain()
        tap.result(False, name, why, todo)
        return False
    tap.result(True, name, todo=todo)
    tap.comment("  %.1fs%s" % (time.monotonic() - t0,
                               ", " + note if note else ""))
    return True
