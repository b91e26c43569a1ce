"""Headless Chromium, as the status page's tests drive it: Debian's
chromium, started afresh for each page with a profile of its own in the
test's directory, and the flags that keep it off every network but
loopback (no background networking, no component updates, no sync). A
page is loaded, its scripts run for a budget of virtual time (so that a
page that fetches its data once loaded shows it), and then its DOM is
dumped or its screenshot taken.
"""

import os
import shutil
import subprocess
from html.parser import HTMLParser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-quic", "--no-first-run",
         "--hide-scrollbars"]


def available():
    return os.access(CHROMIUM, os.X_OK)


def _run(workdir, name, args, budget_ms, timeout=60):
    profile = os.path.join(workdir, "chromium-" + name)
    shutil.rmtree(profile, ignore_errors=True)
    cmd = [CHROMIUM] + FLAGS + ["--user-data-dir=" + profile,
                                "--virtual-time-budget=%d" % budget_ms] + args
    done = subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError("chromium exited %d" % done.returncode)
    return done.stdout.decode("utf-8", "replace")


def dump_dom(workdir, url, budget_ms=3000):
    """The DOM of URL once loaded and its scripts have run, as HTML."""
    return _run(workdir, "dom", ["--dump-dom", url], budget_ms)


def screenshot(workdir, url, path, size=(1280, 900), budget_ms=3000):
    """Writes the PNG of URL at window SIZE to PATH."""
    _run(workdir, "shot", ["--screenshot=" + path,
                           "--window-size=%d,%d" % size, url], budget_ms)
    with open(path, "rb") as f:
        if f.read(8) != b"\x89PNG\r\n\x1a\n":
            raise AssertionError("%s is no PNG" % path)


class Page(HTMLParser):
    """A dumped DOM, read: ELEMENTS [(tag, attrs dict)] in document order,
    TEXT {id: the text inside the element of that id}."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.text = {}
        self._open = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        self._open.append(a.get("id"))
        if a.get("id"):
            self.text.setdefault(a["id"], "")

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for i in self._open:
            if i:
                self.text[i] += data

    def tags(self, tag):
        return [a for t, a in self.elements if t == tag]
