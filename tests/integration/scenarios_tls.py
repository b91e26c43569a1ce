"""Scenarios of the TLS and certificate policy, trunk world, guard only
(tests/integration/trunk.policy): a peer offering no TLS version or
cipher the policy allows is refused at the handshake, and the guard's log
says why; a certificate the guard's CRL revokes is refused both ways; on
SIGHUP the guard reads the CRL again without dropping a stream. Importing
this module registers its scenarios with scenarios.SCENARIOS."""

import asyncio
import re
import ssl

import raw_s2s
import topology
from scenarios import (GUARD_ONLY, STAGE_AFTER, deliver, log_has, refused,
                       scenario)

# How long the guard may take to log what a client has seen already.
LOG_WAIT = 5.0


async def wait_log(ctx, pattern, start=0):
    """Waits until the guard's log, from offset START, has a line
    matching PATTERN; returns the match. Raises AssertionError after
    LOG_WAIT seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LOG_WAIT
    while True:
        m = re.search(pattern, ctx.guard_log()[start:], re.MULTILINE)
        if m is not None:
            return m
        if loop.time() > deadline:
            raise AssertionError("the guard's log has no line matching "
                                 "/%s/" % pattern)
        await asyncio.sleep(0.1)


async def handshake_refused(ctx, local, remote, tls_setup, reason):
    """Opens a raw stream from LOCAL to REMOTE at the guard, its TLS
    client narrowed by TLS_SETUP, and checks that the handshake fails and
    that the guard closed the connection saying REASON. Returns what the
    client was told."""
    raw = raw_s2s.RawS2S(topology.GUARD_ADDR, topology.S2S_PORT, local,
                         remote, ctx.leaf(local), ctx.world.pki.ca.cert,
                         tls_setup=tls_setup)
    try:
        await raw.starttls()
    except (ssl.SSLError, ConnectionError) as e:
        told = str(e)
    else:
        raise AssertionError("the TLS handshake succeeded")
    finally:
        raw.close()
    await wait_log(ctx, r"event=conn-closed peer=127\.0\.0\.1:%d "
                   r'reason="tls handshake failed: %s"' %
                   (raw.local_port, re.escape(reason)))
    return told


def tls12_only(context):
    context.maximum_version = ssl.TLSVersion.TLSv1_2


def tls12_cbc_only(context):
    tls12_only(context)
    context.set_ciphers("ECDHE-ECDSA-AES128-SHA")


@scenario("b.example (peer 'partner', TLS 1.3 only) offering TLS 1.2 is "
          "refused at the handshake; Prosody B speaks TLS 1.3",
          modes=GUARD_ONLY)
async def tls_version_refused(ctx):
    told = await handshake_refused(ctx, "b.example", "a.example",
                                   tls12_only, "unsupported protocol")
    # Every stream with Prosody B, either way, is TLS 1.3.
    log = ctx.guard_log()
    versions = {(d, v) for c, d in re.findall(
        r"conn=(\d+) event=tls dir=(in|out) remote=b\.example ", log)
        for v in re.findall(r"conn=%s event=tls-up .* version=(\S+)" % c,
                            log)}
    if {d for d, _ in versions} != {"in", "out"} or \
            {v for _, v in versions} != {"TLSv1.3"}:
        raise AssertionError("streams with Prosody B: %s" %
                             (sorted(versions) or "none"))
    return "the client was told: %s" % told


@scenario("a.example offering only a CBC cipher over TLS 1.2 is refused "
          "at the handshake (no shared cipher)", modes=GUARD_ONLY)
async def tls_cipher_refused(ctx):
    told = await handshake_refused(ctx, "a.example", "b.example",
                                   tls12_cbc_only, "no shared cipher")
    return "the client was told: %s" % told


def revoked_directions(log):
    """The directions (in, out) of the guard's connections refused for
    r.example's revoked certificate."""
    conns = re.findall(r"conn=(\d+) event=tls-refused cert-error=revoked "
                       r'cert-detail="certificate revoked" depth=0 '
                       r'subject="/CN=r\.example"', log)
    return {d for c in conns
            for d in re.findall(r"conn=%s event=close dir=(in|out) " % c,
                                log)}


@scenario("r.example (certificate revoked by the guard's CRL) is refused, "
          "both ways", modes=GUARD_ONLY, timeout=60)
async def revoked_certificate(ctx):
    rita, alice = ctx.user("rita"), ctx.user("alice")
    c1 = await refused(ctx, rita, alice.boundjid.bare, alice)
    c2 = await refused(ctx, alice, rita.boundjid.bare, rita)
    log_has(ctx.guard_log(), r"event=trust cas=1 crls=1 crl-check=chain",
            "the guard's log")
    dirs = revoked_directions(ctx.guard_log())
    if dirs != {"in", "out"}:
        raise AssertionError("refused for the revoked certificate: %s" %
                             (sorted(dirs) or "nothing"))
    return "rita got <%s/>, alice got <%s/>" % (c1, c2)


@scenario("SIGHUP: the guard reads a new CRL (r.example no longer revoked "
          "gets through, both ways) and drops no stream",
          modes=GUARD_ONLY, stage=STAGE_AFTER, timeout=90)
async def crl_reload(ctx):
    alice, bob, rita = ctx.user("alice"), ctx.user("bob"), ctx.user("rita")
    start = len(ctx.guard_log())
    ctx.world.pki.crl(ctx.world.crl)
    ctx.world.guard.reload()
    await wait_log(ctx, r"event=reload signal=1 ", start)
    await wait_log(ctx, r"event=trust cas=1 crls=1 crl-check=chain", start)
    # a.example and b.example still talk over the streams they had.
    await deliver(ctx, alice, bob)
    await deliver(ctx, bob, alice)
    after = ctx.guard_log()[start:]
    m = re.search(r".*event=(accept peer=127\.0\.[12]\.1:|close .*remote=[ab]"
                  r"\.example|connect peer=(inside|partner) ).*", after)
    if m is not None:
        raise AssertionError("a stream came or went: %s" % m.group(0))
    await deliver(ctx, rita, alice, timeout=30)
    await deliver(ctx, alice, rita, timeout=30)
    log_has(ctx.guard_log()[start:], r"event=authenticated "
            r"remote=r\.example method=certificate peer=revoked",
            "the guard's log after the reload")
