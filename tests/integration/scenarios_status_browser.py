"""The trunk guard's status page as an operator sees it, in headless
Chromium (browser.py): the page once its script has run, the peer table
with the live streams, counters that move when messages cross, a
policy violation in the alerts with the hostile text it carries shown as
text, a peer the guard cannot reach marked, and a screenshot kept as the
run's artifact (build/it/status-page.png). Importing this module
registers the scenarios."""

import asyncio
import os
import re
import shutil

import browser
import content_clients as cc
import topology
from scenarios import GUARD_ONLY, scenario
from scenarios_content import content_client
from scenarios_labels import LABELS, PARTNER, label_of, labelled

URL = "http://%s:%d/" % (topology.GUARD_ADDR, topology.STATUS_PORT)
ARTIFACT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "..", "build", "it", "status-page.png")
# A resource that is markup: the page must show it as text.
HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def browser_scenario(name):
    if not browser.available():
        async def skipped(ctx):
            return None
        return lambda fn: scenario(name + " # SKIP no chromium",
                                   GUARD_ONLY)(skipped)
    return lambda fn: scenario(name, GUARD_ONLY, timeout=90)(fn)


async def page(ctx):
    """The page's DOM once its script ran."""
    html = await asyncio.to_thread(browser.dump_dom, ctx.world.dir, URL)
    if "<main>" not in html or 'id="peers"' not in html:
        raise AssertionError("not the status page: %r" % html[:300])
    return html


# The columns of the peer table.
DOMAINS, READY, OUT, BYTES, ERROR = 1, 5, 7, 8, 9


def peer_row(html, name):
    """(class, [cell text]) of peer NAME's row of the peer table."""
    table = re.search(r'<table id="peers">(.*?)</table>', html, re.S)
    for cls, cells in re.findall(r'<tr class="(\w+)">(.*?)</tr>',
                                 table.group(1), re.S):
        texts = [re.sub(r"<[^>]*>", "", c) for c in
                 re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        if texts and texts[0] == name:
            return cls, texts
    raise AssertionError("no row of peer %s" % name)


@browser_scenario("status page in Chromium: the peers with their live "
                  "streams, counters that move, a screenshot kept")
async def status_browser_live(ctx):
    alice, bob = await content_client(ctx, "alice"), \
        await content_client(ctx, "bob")
    await cc.sync(alice, bob, cc.SYNC_PREFIX + ctx.unique("page"))
    before = await page(ctx)
    cls, cells = peer_row(before, PARTNER)
    if cls != "up" or int(cells[READY]) < 1 or \
            cells[DOMAINS] != "b.example":
        raise AssertionError("partner is not shown up: %s %r" % (cls, cells))
    if not re.search(r'<table id="streams">.*?<td>ready</td>', before, re.S):
        raise AssertionError("no ready stream in the stream table")
    for _ in range(3):
        await cc.sync(alice, bob, cc.SYNC_PREFIX + ctx.unique("page"))
    after = await page(ctx)
    out_before = int(cells[OUT])
    out_after = int(peer_row(after, PARTNER)[1][OUT])
    if out_after < out_before + 3:
        raise AssertionError("stanzas out to partner went %d -> %d" % (
            out_before, out_after))
    await asyncio.to_thread(browser.screenshot, ctx.world.dir, URL,
                            os.path.join(ctx.world.dir, "status-page.png"))
    os.makedirs(os.path.dirname(ARTIFACT), exist_ok=True)
    shutil.copy(os.path.join(ctx.world.dir, "status-page.png"), ARTIFACT)
    return "partner out %d -> %d; screenshot %s" % (
        out_before, out_after, os.path.normpath(ARTIFACT))


@browser_scenario("status page in Chromium: a refused message shows in "
                  "the alerts, its hostile address as text")
async def status_browser_alert(ctx):
    alice, bob = await content_client(ctx, "alice"), \
        await content_client(ctx, "bob")
    higher = max(LABELS.classes, key=LABELS.classes.get)
    to = "%s/%s" % (bob.boundjid.bare, HOSTILE)
    sid = ctx.unique("hostile")
    mark = alice.arrival_mark()
    alice.send_xml(labelled(label_of(higher)).replace(
        "%(to)s", to.replace("&", "&amp;").replace("<", "&lt;").replace(
            ">", "&gt;")).replace("%(id)s", sid))
    await alice.wait_arrival("the bounce", lambda a: a.id == sid, mark)
    html = await page(ctx)
    alerts = re.search(r'<table id="alerts">(.*?)</table>', html, re.S)
    if alerts is None or "clearance of partner" not in alerts.group(1):
        raise AssertionError("the refusal is not in the alerts")
    if "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" not in \
            alerts.group(1):
        raise AssertionError("the hostile address is not shown as text")
    # Nothing it carried became an element.
    if re.search(r"<img|<script>alert", html):
        raise AssertionError("the hostile address became markup")
    return "shown escaped"


@browser_scenario("status page in Chromium: a peer the guard dials and "
                  "cannot reach is marked")
async def status_browser_down(ctx):
    # down (f.example) is dialled and never answers: a stanza to it
    # makes the guard try.
    alice = await content_client(ctx, "alice")
    sid = ctx.unique("down")
    mark = alice.arrival_mark()
    alice.send_xml("<message to='x@%s' id='%s'><body>hi</body></message>"
                   % (topology.DOWN_DOMAIN, sid))
    await alice.wait_arrival("the bounce", lambda a: a.id == sid, mark,
                             timeout=30)
    html = await page(ctx)
    cls, cells = peer_row(html, "down")
    if cls != "warn" or cells[READY] != "0" or not cells[ERROR]:
        raise AssertionError("peer down is shown %s %r" % (cls, cells))
    return "down marked %s" % cls
