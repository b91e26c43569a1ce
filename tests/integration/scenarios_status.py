"""The trunk guard's status page (xedge(8), STATUS PAGE), fetched over
loopback as an operator's browser or a Prometheus scraper would: every
endpoint answers with the security headers, the JSON parses, the
metrics pass promtool's check, counters move when a message crosses,
health follows the required link to partner, a peer's last failure is
kept, and nothing but GET and HEAD is accepted."""

import asyncio
import http.client
import json
import shutil
import subprocess

import topology
from scenarios import GUARD_ONLY, deliver, error_reply, scenario

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def fetch(method, path, body=None):
    """METHOD PATH on the guard's status page: (status, headers, body)."""
    c = http.client.HTTPConnection(topology.GUARD_ADDR, topology.STATUS_PORT,
                                   timeout=5)
    try:
        c.request(method, path, body=body)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def check_headers(path, headers):
    for name, start in SECURITY_HEADERS.items():
        if not headers.get(name, "").startswith(start):
            raise AssertionError("%s: header %s is %r" % (
                path, name, headers.get(name)))


async def get(path, want=200):
    status, headers, body = await asyncio.to_thread(fetch, "GET", path)
    if status != want:
        raise AssertionError("GET %s: %d, not %d" % (path, status, want))
    check_headers(path, headers)
    return headers, body


def peer(status, name):
    for p in status["peers"]:
        if p["name"] == name:
            return p
    raise AssertionError("no peer %r in /status.json" % name)


def rule_count(status, name, verdict):
    for r in status["rules"]:
        if r["name"] == name:
            return r[verdict]
    raise AssertionError("no rule %r in /status.json" % name)


@scenario("status page: endpoints, headers, JSON and page", GUARD_ONLY)
async def status_endpoints(ctx):
    headers, body = await get("/")
    if not headers["content-type"].startswith("text/html") or \
            b"<main>" not in body or b'src="/status.js"' not in body:
        raise AssertionError("/ is not the page: %r" % body[:200])
    await get("/status.js")
    await get("/status.css")
    # partner's link is required: healthy once a stream to it is up,
    # which the guard dials itself; a message makes sure it is up now.
    await deliver(ctx, ctx.user("alice"), ctx.user("bob"))
    _, body = await get("/healthz")
    if body != b"ok\n":
        raise AssertionError("/healthz says %r" % body)
    _, body = await get("/status.json")
    status = json.loads(body)
    if status["xedge"]["policy"] != "integration-trunk" or \
            len(status["xedge"]["sha256"]) != 64:
        raise AssertionError("identity: %r" % status["xedge"])
    partner = peer(status, "partner")
    if partner["domains"] != ["b.example"] or not partner["required"] or \
            not partner["up"]:
        raise AssertionError("peer partner: %r" % partner)
    if peer(status, "down")["required"]:
        raise AssertionError("peer down's link is required")
    await get("/no-such-page", want=404)


@scenario("status page: counters move when a message crosses", GUARD_ONLY)
async def status_counters(ctx):
    _, body = await get("/status.json")
    before = json.loads(body)
    await deliver(ctx, ctx.user("alice"), ctx.user("bob"))
    _, body = await get("/status.json")
    after = json.loads(body)
    name = "route partner"
    if rule_count(after, name, "passed") <= rule_count(before, name,
                                                       "passed"):
        raise AssertionError("%r passed did not move" % name)
    partner = peer(after, "partner")
    was = peer(before, "partner")
    if partner["stanzas_out"] < 1 or partner["ready_streams"] < 1:
        raise AssertionError("partner: %r" % partner)
    # The message's bytes, TLS records and all, count on the peer's
    # streams both ways (the receipt of delivery comes back).
    if partner["bytes_out"] <= was["bytes_out"] or \
            partner["bytes_in"] < was["bytes_in"]:
        raise AssertionError("partner's bytes %r -> %r" % (
            (was["bytes_in"], was["bytes_out"]),
            (partner["bytes_in"], partner["bytes_out"])))
    ready = [s for s in after["streams"]["list"] if s["state"] == "ready"]
    if not ready or not all(s["tls_version"] for s in ready):
        raise AssertionError("ready streams: %r" % ready)
    _, metrics = await get("/metrics")
    if ('xedge_rule_stanzas_total{rule="%s"' % name).encode() not in metrics:
        raise AssertionError("no counter for %r in /metrics" % name)


@scenario("status page: a peer that cannot be reached keeps its last "
          "error", GUARD_ONLY)
async def status_last_error(ctx):
    # down (f.example): nothing listens, so the stanza bounces and the
    # failed dial is the peer's last error.
    await error_reply(ctx, ctx.user("alice"),
                      "%s@%s" % (ctx.unique("x"), topology.DOWN_DOMAIN))
    _, body = await get("/status.json")
    status = json.loads(body)
    down = peer(status, "down")
    if not down["last_error"] or down["up"] or \
            down["last_error_ms"] < status["xedge"]["started_ms"]:
        raise AssertionError("peer down: %r" % down)
    _, metrics = await get("/metrics")
    if b'xedge_peer_last_error_timestamp_seconds{peer="down"} ' not in \
            metrics or b'xedge_peer_up{peer="partner"} ' not in metrics:
        raise AssertionError("no peer gauges in /metrics")
    return "down: %s" % down["last_error"]


@scenario("status page: /metrics passes promtool check metrics", GUARD_ONLY)
async def status_promtool(ctx):
    _, metrics = await get("/metrics")
    promtool = shutil.which("promtool")
    if promtool is None:
        raise AssertionError("promtool not installed (Debian prometheus)")
    r = await asyncio.to_thread(subprocess.run, [promtool, "check",
                                                 "metrics"],
                                input=metrics, capture_output=True)
    if r.returncode != 0:
        raise AssertionError("promtool: %s" % (r.stdout + r.stderr).decode())


@scenario("status page: read-only, other methods get 405", GUARD_ONLY)
async def status_read_only(ctx):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        status, headers, _ = await asyncio.to_thread(fetch, method, "/",
                                                     b"x=1")
        if status != 405 or headers.get("allow") != "GET, HEAD":
            raise AssertionError("%s /: %d allow=%r" % (
                method, status, headers.get("allow")))
        check_headers(method, headers)
    status, headers, body = await asyncio.to_thread(fetch, "HEAD",
                                                    "/metrics")
    if status != 200 or body:
        raise AssertionError("HEAD /metrics: %d, %d bytes" % (status,
                                                             len(body)))
