"""Malformed stanzas from the partner side: a raw stream authenticated as
b.example sends the guard stanzas that RFC 6120 section 8 (and RFC 6121
for message and presence types) forbids, addressed to alice at
a.example. None may reach the inside server, Prosody A, whose debug log
shows the start tag of every stanza it receives; where an answer is
due, the sender, whose full JID the stanzas carry (bob's), gets
<bad-request/> from the guard through Prosody B. Importing this module
registers the scenario with scenarios.SCENARIOS."""

import asyncio
import re

import clients
from scenarios import GUARD_ONLY, log_has, scenario
from scenarios_attack import raw_from
from scenarios_reach import from_guard

NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
PING = "<ping xmlns='urn:xmpp:ping'/>"
# The guard's bound on 'id' (STANZA_CHECK_ID_MAX, runtime/stanza_check.h).
ID_MAX = 3071

# (what, the guard's reason, the stanza with %(addr)s for its addresses
# and %(id)s or %(long_id)s for a unique id, whether an answer is due). A
# stanza without 'id' carries its mark in the resource it is sent to.
CASES = [
    ("IQ result without id", "iq-without-id",
     "<iq type='result' %(addr)s/>", False),
    ("IQ get without id", "iq-without-id",
     "<iq type='get' %(addr)s>" + PING + "</iq>", True),
    ("IQ without type", "iq-without-type",
     "<iq id='%(id)s' %(addr)s>" + PING + "</iq>", True),
    ("IQ of type bogus", "unknown-type",
     "<iq type='bogus' id='%(id)s' %(addr)s>" + PING + "</iq>", True),
    ("IQ get without a child", "iq-request-not-one-child",
     "<iq type='get' id='%(id)s' %(addr)s>  </iq>", True),
    ("IQ set with two children", "iq-request-not-one-child",
     "<iq type='set' id='%(id)s' %(addr)s>" + PING + PING + "</iq>", True),
    ("IQ result with two children", "iq-result-several-children",
     "<iq type='result' id='%(id)s' %(addr)s>" + PING + PING + "</iq>",
     False),
    ("IQ error without <error/>", "error-child-missing",
     "<iq type='error' id='%(id)s' %(addr)s>" + PING + "</iq>", False),
    ("message error without a condition", "condition-missing",
     "<message type='error' id='%(id)s' %(addr)s>"
     "<error type='cancel'/></message>", False),
    ("message error of an unknown error type", "error-type-unknown",
     "<message type='error' id='%(id)s' %(addr)s><error type='later'>"
     "<gone xmlns='" + NS_STANZAS + "'/></error></message>", False),
    ("message of type bogus", "unknown-type",
     "<message type='bogus' id='%(id)s' %(addr)s><body>x</body>"
     "</message>", True),
    ("message with xml:lang 'en_GB'", "malformed-xml-lang",
     "<message type='chat' id='%(id)s' xml:lang='en_GB' %(addr)s>"
     "<body>x</body></message>", True),
    ("presence of type bogus", "unknown-type",
     "<presence type='bogus' id='%(id)s' %(addr)s/>", False),
    ("message with an id of %d bytes" % (ID_MAX + 1), "id-too-long",
     "<message type='chat' id='%(long_id)s' %(addr)s><body>x</body>"
     "</message>", True),
]


def answer_to(sid, to):
    """A predicate: the error for the stanza with id SID sent to TO."""
    is_reply = clients.is_error_reply(sid)
    return lambda s: is_reply(s) and str(s["from"]) == to


@scenario("raw stream from the partner side: malformed stanzas never "
          "reach the inside server; the guard answers <bad-request/> "
          "where an answer is due", modes=GUARD_ONLY)
async def malformed_refused(ctx):
    alice, bob = ctx.user("alice"), ctx.user("bob")
    mark = ctx.unique("malformed")
    raw = raw_from(ctx, "b.example")
    sent = []
    for i, (what, reason, fmt, answered) in enumerate(CASES):
        tag = "%s-%d" % (mark, i)
        if "%(id)s" in fmt:
            sid = tag
        elif "%(long_id)s" in fmt:
            sid = (tag + "-").ljust(ID_MAX + 1, "x")
        else:
            sid = ""
        to = alice.boundjid.full if sid else "%s/%s" % (
            alice.boundjid.bare, tag)
        sent.append((what, reason, sid, to, answered, fmt % {
            "addr": "from='%s' to='%s'" % (bob.boundjid.full, to),
            "id": sid, "long_id": sid}))
    a_start, b_start = alice.mark(), bob.mark()
    sentinel = ctx.unique("after the malformed ones")
    try:
        await raw.authenticate()
        for *_, stanza in sent:
            raw.send(stanza)
        # One stream keeps its order: once this arrives, the guard has
        # dealt with everything sent before it.
        raw.send_message(bob.boundjid.full, alice.boundjid.full, sentinel,
                         ctx.unique("s"))
        await alice.expect("message %r" % sentinel,
                           clients.is_message(sentinel), 15, a_start)
        for what, _, sid, to, answered, _ in sent:
            if answered:
                err = await bob.expect("<bad-request/> for the %s" % what,
                                       answer_to(sid, to), 10, b_start)
                from_guard(ctx, err, "bad-request")
    finally:
        raw.close()
    # Give a wrongly sent answer a moment to arrive.
    await asyncio.sleep(0.5)
    for what, _, sid, to, answered, _ in sent:
        if not answered and bob.seen(answer_to(sid, to), b_start):
            raise AssertionError("the %s was answered" % what)
    inside = ctx.server_log("A")
    if mark in inside:
        at = inside.index(mark)
        raise AssertionError("Prosody A received a malformed stanza: ...%s"
                             % inside[max(0, at - 150):at + 100])
    if re.search(r"traceback", inside, re.IGNORECASE):
        raise AssertionError("Prosody A's log has a traceback")
    # RFC 6120 8.2.3 rule 3: the answer to a request without 'id' has
    # an empty one (slixmpp shows an absent id as empty as well).
    for what, _, sid, to, answered, _ in sent:
        if answered and not sid:
            log_has(ctx.server_log("B"), r"Received\[s2sin\]: <iq "
                    r"(?=[^>]*\bid='')(?=[^>]*\bfrom='%s')" % re.escape(to),
                    "Prosody B's log (for the %s)" % what)
    guard = ctx.guard_log()
    for what, reason, _, to, _, _ in sent:
        log_has(guard, r'event=refuse kind=\w+ from="%s" to="%s" '
                r'condition=bad-request rule="structure" reason="%s"$' % (
                    re.escape(bob.boundjid.full), re.escape(to), reason),
                "the guard's log (for the %s)" % what)
    return "%d refused, %d answered" % (
        len(sent), sum(1 for s in sent if s[4]))
