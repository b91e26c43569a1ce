"""A peer whose link is required goes down and comes back, as an operator
sees it: Prosody B (partner, b.example) is stopped under the guard; the
status page in headless Chromium marks partner down, /healthz answers 503
naming it; B starts again and the guard dials it by itself (no stanza is
sent: B's users are gone with it), the page shows partner up again with
the guard's own outbound stream, and /healthz answers 200. Imported last
by run.py, after every other module's scenarios; B's users are logged in
again at the end, for the trunk world's closing scenarios.
Importing this module registers the scenarios."""

import asyncio
import json
import time

from scenarios import relogin
from scenarios_content import PARTNER
from scenarios_status import fetch, peer
from scenarios_status_browser import READY, browser_scenario, page, \
    peer_row

# The guard's backoff doubles from 1 s: B is back within it.
BACK_WITHIN = 45.0


async def until(what, probe, timeout):
    """Polls PROBE (no arguments, returns a result or None) every half
    second; returns its first result, or raises naming WHAT."""
    deadline = time.monotonic() + timeout
    while True:
        got = await probe()
        if got is not None:
            return got
        if time.monotonic() > deadline:
            raise AssertionError("%s: not within %.0f s" % (what, timeout))
        await asyncio.sleep(0.5)


async def status():
    _, _, body = await asyncio.to_thread(fetch, "GET", "/status.json")
    return json.loads(body)


async def health():
    code, _, body = await asyncio.to_thread(fetch, "GET", "/healthz")
    return code, body.decode(errors="replace")


@browser_scenario("status page in Chromium: the required peer's server "
                  "stops; partner is marked down and /healthz is 503")
async def status_peer_goes_down(ctx):
    if not peer(await status(), PARTNER)["up"]:
        raise AssertionError("partner is not up to begin with")
    b = ctx.world.daemons["B"]
    await asyncio.to_thread(b.child.stop)

    async def down():
        return True if not peer(await status(), PARTNER)["up"] else None
    await until("partner shown down", down, 20)
    cls, cells = peer_row(await page(ctx), PARTNER)
    if cls != "bad" or cells[READY] != "0" or "DOWN" not in cells[4]:
        raise AssertionError("partner is shown %s %r" % (cls, cells))
    code, body = await health()
    if code != 503 or "partner" not in body:
        raise AssertionError("/healthz: %d %r" % (code, body))
    ctx.measured["peer_down_at"] = time.monotonic()
    return "partner %s: %r; /healthz %d %r" % (cls, cells[4], code,
                                               body.strip())


@browser_scenario("status page in Chromium: the server starts again; the "
                  "guard dials the required peer itself and it shows up")
async def status_peer_comes_back(ctx):
    if "peer_down_at" not in ctx.measured:
        raise AssertionError("the peer was not taken down")
    b = ctx.world.daemons["B"]
    b.start()
    await asyncio.to_thread(b.wait_ready)
    started = time.monotonic()

    async def outbound():
        s = await status()
        ready = [v for v in s["streams"]["list"]
                 if v["peer"] == PARTNER and v["state"] == "ready"]
        return ready if ready else None
    ready = await until("partner up again", outbound, BACK_WITHIN)
    if any(v["direction"] != "out" for v in ready):
        raise AssertionError("a stream not of the guard's: %r" % ready)
    cls, cells = peer_row(await page(ctx), PARTNER)
    if cls != "up":
        raise AssertionError("partner is shown %s %r" % (cls, cells))
    code, body = await health()
    if code != 200:
        raise AssertionError("/healthz: %d %r" % (code, body))
    # The scenarios after this one need B's users.
    await relogin(ctx, "B")
    return "up %.1f s after B listened, by %s" % (
        time.monotonic() - started, ", ".join(
            "%s -> %s" % (v["local"], v["remote"]) for v in ready))
