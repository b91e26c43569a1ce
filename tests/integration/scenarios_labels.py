"""Security labels end to end (issue 7): a client on a.example sends a
message carrying an XEP-0258 label with an ESS label inside through
Prosody A, the guard and Prosody B to a client on b.example, and back;
each scenario asserts what arrived (the label intact), or what came back
(policy-violation, with a text naming the rule) and the alert the guard
wrote. Importing this module registers the scenarios.

What the guard is to decide is read from tests/integration/trunk.policy:
its label policy's OIDs and values, and each peer's clearance (the
scenarios want a.example, peer inside, cleared above b.example, peer
partner). The ESS labels are written here, in DER, from those values.
"""

import base64
import os
import re

import content_clients as cc
from scenarios import GUARD_ONLY, scenario
from scenarios_content import INSIDE, PARTNER, POLICY, _blocks, \
    alerts_of, content_client

# The type OIDs of the security category syntaxes (ACP 145).
RESTRICTIVE_BITMAP = "2.16.840.1.101.2.1.8.3.0"
PERMISSIVE_BITMAP = "2.16.840.1.101.2.1.8.3.2"

NS_SECLABEL = "urn:xmpp:sec-label:0"
NS_SECLABEL_ESS = "urn:xmpp:sec-label:ess:0"


# ---- the policy, read ------------------------------------------------------

class LabelPolicy:
    """A label policy of trunk.policy, NAME or else the first: OID,
    CLASSES {name: value}, TAGSETS {name: (oid, type, {category:
    value})}, and CLEARANCES {peer: (line, classification, [category])}
    of the peers cleared in it."""

    def __init__(self, name=None, path=POLICY):
        with open(path) as f:
            text = re.sub(r"#[^\n]*", "", f.read())
        m = re.search(r"\blabel-policy\s+(%s)\s*\{(.*?)\n\}" % (
            re.escape(name) if name else r"[\w.-]+"), text, re.S)
        if not m:
            raise AssertionError("trunk.policy has no label policy")
        self.name, body = m.group(1), m.group(2)
        self.oid = re.search(r'^\s*oid\s+"([\d.]+)"', body, re.M).group(1)
        self.classes = {n: int(v) for n, v in re.findall(
            r'\bclassification\s+"([^"]+)"\s*=\s*(\d+)', body)}
        self.tagsets = {}
        for name, oid, kind, cats in re.findall(
                r'\btagset\s+"([^"]+)"\s+oid\s+"([\d.]+)"\s+(\w+)\s*\{'
                r'([^}]*)\}', body):
            self.tagsets[name] = (oid, kind, {n: int(v) for n, v in
                                              re.findall(
                r'\bcategory\s+"([^"]+)"\s*=\s*(\d+)', cats)})
        self.clearances = {}
        for peer, (pbody, line0) in _blocks(text, "peer").items():
            cm = re.search(r"\bclearance\s+%s\s+((?:\"[^\"]+\"\s*)+);" %
                           re.escape(self.name), pbody)
            if cm:
                line = line0 + pbody[:cm.start()].count("\n")
                names = re.findall(r'"([^"]+)"', cm.group(1))
                self.clearances[peer] = (line, names[0], names[1:])

    def category(self, name):
        """(tag set OID, type, value) of category NAME."""
        for oid, kind, cats in self.tagsets.values():
            if name in cats:
                return oid, kind, cats[name]
        raise KeyError(name)


# ---- ESS labels, in DER ----------------------------------------------------

def _tlv(tag, body):
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _oid_body(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray([arcs[0] * 40 + arcs[1]])
    for a in arcs[2:]:
        chunk = [a & 0x7f]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7f))
            a >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def ess_label(policy_oid, classification, categories=()):
    """The base64 of an ESSSecurityLabel: POLICY_OID, CLASSIFICATION (an
    int) and CATEGORIES [(tag set OID, "restrictive"|"permissive",
    [value])], each a bit map."""
    cats = b""
    for tag_oid, kind, values in categories:
        bits = bytearray((max(values) // 8) + 1)
        for v in values:
            bits[v // 8] |= 0x80 >> (v % 8)
        syntax = RESTRICTIVE_BITMAP if kind == "restrictive" else \
            PERMISSIVE_BITMAP
        tag = _tlv(0x30, _tlv(0x06, _oid_body(tag_oid)) +
                   _tlv(0x03, b"\x00" + bytes(bits)))
        cats += _tlv(0x30, _tlv(0x80, _oid_body(syntax)) + _tlv(0xa1, tag))
    body = _tlv(0x06, _oid_body(policy_oid)) + \
        _tlv(0x02, bytes([classification]))
    if cats:
        body += _tlv(0x31, cats)
    return base64.b64encode(_tlv(0x31, body)).decode("ascii")


def labelled(b64, body="labelled", marking=None):
    """A message template carrying the ESS label B64 (base64 text), with
    the display marking MARKING (text, fgcolor, bgcolor; a colour None
    is left out), if given."""
    shown = "" if marking is None else "<displaymarking%s>%s</displaymarking>" \
        % ("".join(" %s='%s'" % (a, v) for a, v in (
            ("fgcolor", marking[1]), ("bgcolor", marking[2])) if v),
           marking[0])
    return ("<message to='%%(to)s' id='%%(id)s' type='chat'>"
            "<securitylabel xmlns='%s'>%s"
            "<label><esssecuritylabel xmlns='%s'>%s"
            "</esssecuritylabel></label></securitylabel>"
            "<body>%s</body></message>" % (NS_SECLABEL, shown,
                                           NS_SECLABEL_ESS, b64, body))


LABELS = LabelPolicy() if os.path.exists(POLICY) and re.search(
    r"\blabel-policy\b", open(POLICY).read()) else None


def label_of(classification, *category_names, policy=None):
    """The base64 ESS label of POLICY (default LABELS) for
    CLASSIFICATION and the named categories."""
    policy = policy or LABELS
    by_tag = {}
    for name in category_names:
        oid, kind, value = policy.category(name)
        by_tag.setdefault((oid, kind), []).append(value)
    return ess_label(policy.oid, policy.classes[classification],
                     [(o, k, v) for (o, k), v in sorted(by_tag.items())])


# ---- exchanges -------------------------------------------------------------

async def send(ctx, s_user, r_user, template):
    """Sends TEMPLATE from S_USER's content client to R_USER's; returns
    (xml, id, Outcome, sender, recipient)."""
    sender = await content_client(ctx, s_user)
    recipient = await content_client(ctx, r_user)
    sid = ctx.unique("label")
    xml = template % {"to": recipient.boundjid.full, "id": sid,
                      "from": sender.boundjid.full}
    out = await cc.send_and_sync(sender, recipient, xml,
                                 cc.SYNC_PREFIX + sid)
    return xml, sid, out, sender, recipient


async def expect_crosses(ctx, s_user, r_user, template):
    xml, _, out, _, _ = await send(ctx, s_user, r_user, template)
    if len(out.arrived) != 1 or not cc.same_stanza(xml, out.arrived[0]):
        raise AssertionError("did not cross unchanged: %s" % (
            cc.difference(xml, out.arrived[0]) if out.arrived else
            out.describe()))
    if out.back:
        raise AssertionError("came back: %s" % out.describe())


async def expect_refused(ctx, s_user, r_user, template, peer, direction,
                         line=None):
    """Sends TEMPLATE and checks it refused at PEER's side of DIRECTION
    (by the rule at LINE of trunk.policy, if given): nothing arrived,
    one policy-violation came back whose text names the rule, one
    alert. Returns the alert's rule."""
    alerts = alerts_of(ctx)
    mark = alerts.mark()
    xml, sid, out, sender, recipient = await send(ctx, s_user, r_user,
                                                  template)
    if out.arrived:
        raise AssertionError("not refused: %s" % out.describe())
    alert = cc.check_alert(alerts, mark, {
        "peer": peer, "dir": direction, "verdict": "bounce",
        "kind": "message", "from": sender.boundjid.full,
        "to": recipient.boundjid.full, "id": sid},
        secrets=["labelled"])
    if line is not None and alert["line"] != line:
        raise AssertionError("alert names line %s, expected %s" % (
            alert["line"], line))
    replies = out.replies(sid)
    if len(replies) != 1:
        raise AssertionError("expected one error back: %s" % out.describe())
    cond, text, _, _ = replies[0].error() or (None,) * 4
    if cond != "policy-violation" or alert["rule"] not in (text or ""):
        raise AssertionError("bounced <%s/> with %r, expected "
                             "policy-violation naming %r" % (
                                 cond, text, alert["rule"]))
    return alert["rule"]


def labels_scenario(name):
    """Registers scenario NAME for the guard, or as skipped while
    trunk.policy clears no peers."""
    def register(fn):
        if LABELS is None or INSIDE not in LABELS.clearances or \
                PARTNER not in LABELS.clearances:
            async def skipped(ctx):
                return None
            scenario("%s # SKIP trunk.policy clears no peers" % name,
                     modes=GUARD_ONLY)(skipped)
        else:
            scenario(name, modes=GUARD_ONLY, timeout=90)(fn)
        return fn
    return register


def partner_line():
    return LABELS.clearances[PARTNER][0]


# ---- the scenarios ---------------------------------------------------------

@labels_scenario("labels: a message labelled within b.example's clearance "
                 "crosses with its label, both ways")
async def labels_within(ctx):
    _, cls, held = LABELS.clearances[PARTNER]
    label = label_of(cls, *held)
    await expect_crosses(ctx, "alice", "bob", labelled(label))
    # With the display marking the policy gives it (its name, no colour).
    await expect_crosses(ctx, "bob", "alice", labelled(
        label, marking=(cls, None, None)))
    return "%s %s" % (cls, " ".join(held))


@labels_scenario("labels: a message classified above b.example's "
                 "clearance is refused on its way there")
async def labels_above(ctx):
    cls = LABELS.clearances[PARTNER][1]
    higher = max(LABELS.classes, key=LABELS.classes.get)
    if LABELS.classes[higher] <= LABELS.classes[cls]:
        raise AssertionError("trunk.policy clears partner up to its "
                             "highest classification")
    return await expect_refused(ctx, "alice", "bob", labelled(
        label_of(higher)), PARTNER, "outbound", partner_line())


@labels_scenario("labels: a category b.example does not hold (restrictive, "
                 "or no permissive one held) is refused")
async def labels_categories(ctx):
    cls, held = LABELS.clearances[PARTNER][1:]
    refused = 0
    for name, (oid, kind, cats) in sorted(LABELS.tagsets.items()):
        missing = [c for c in cats if c not in held]
        if kind in ("restrictive", "permissive") and missing:
            await expect_refused(ctx, "alice", "bob", labelled(
                label_of(cls, missing[0])), PARTNER, "outbound",
                partner_line())
            refused += 1
    if refused < 2:
        raise AssertionError("trunk.policy leaves no restrictive and "
                             "permissive category out of partner's "
                             "clearance")
    return "%d refused" % refused


@labels_scenario("labels: b.example may not send above its clearance")
async def labels_source(ctx):
    higher = max(LABELS.classes, key=LABELS.classes.get)
    return await expect_refused(ctx, "bob", "alice", labelled(
        label_of(higher)), PARTNER, "inbound", partner_line())


@labels_scenario("labels: malformed labels, a label of another policy and "
                 "a label of unknown format are refused")
async def labels_malformed(ctx):
    cls = LABELS.clearances[PARTNER][1]
    other = ess_label(LABELS.oid + ".99", LABELS.classes[cls])
    rules = set()
    for template in (labelled("MQYCAQQGASk"), labelled("not base64!"),
                     labelled(label_of(cls) + "AAAA")):
        rules.add(await expect_refused(ctx, "alice", "bob", template,
                                       INSIDE, "inbound"))
    # The source's clearance is decided first: a.example may not send a
    # label of a policy it is not cleared in.
    rules.add(await expect_refused(ctx, "alice", "bob", labelled(other),
                                   INSIDE, "inbound",
                                   LABELS.clearances[INSIDE][0]))
    unknown = ("<message to='%(to)s' id='%(id)s' type='chat'>"
               "<securitylabel xmlns='" + NS_SECLABEL + "'><label>"
               "<ConfidentialityLabel xmlns='urn:example:unknown'/>"
               "</label></securitylabel><body>labelled</body></message>")
    rules.add(await expect_refused(ctx, "alice", "bob", unknown, INSIDE,
                                   "inbound"))
    return ", ".join(sorted(rules))


@labels_scenario("labels: a message forwarded inside another is decided by "
                 "its own label")
async def labels_forwarded(ctx):
    higher = max(LABELS.classes, key=LABELS.classes.get)
    inner = labelled(label_of(higher)).replace(
        "<message to='%(to)s' id='%(id)s' type='chat'>",
        "<message xmlns='jabber:client' from='%(from)s' to='%(to)s' "
        "type='chat'>")
    template = ("<message to='%(to)s' id='%(id)s' type='chat'>"
                "<body>see below</body><forwarded xmlns='"
                "urn:xmpp:forward:0'>" + inner + "</forwarded></message>")
    return await expect_refused(ctx, "alice", "bob", template, PARTNER,
                                "outbound", partner_line())


def nato_label(classification, *category_names):
    """A message template carrying a STANAG 4774 label of LABELS (its
    policy by OID) for CLASSIFICATION and the named categories."""
    by_tag = {}
    for name in category_names:
        for tag, (_, kind, cats) in LABELS.tagsets.items():
            if name in cats:
                by_tag.setdefault((tag, kind), []).append(name)
    cats = "".join("<Category TagName='%s' Type='%s'>%s</Category>" % (
        tag, kind.upper(), "".join("<GenericValue>%s</GenericValue>" % v
                                   for v in values))
        for (tag, kind), values in sorted(by_tag.items()))
    return ("<message to='%%(to)s' id='%%(id)s' type='chat'>"
            "<securitylabel xmlns='%s'><label>"
            "<originatorConfidentialityLabel xmlns='urn:nato:stanag:4774:"
            "confidentialitymetadatalabel:1:0'><ConfidentialityInformation>"
            "<PolicyIdentifier URI='urn:oid:%s'>%s</PolicyIdentifier>"
            "<Classification>%s</Classification>%s"
            "</ConfidentialityInformation><CreationDateTime>"
            "2026-11-30T20:00:00Z</CreationDateTime>"
            "</originatorConfidentialityLabel></label></securitylabel>"
            "<body>labelled</body></message>" % (
                NS_SECLABEL, LABELS.oid, LABELS.name, classification, cats))


@labels_scenario("labels: STANAG 4774 XML labels are decided as ESS labels "
                 "are: within the clearance they cross, above it they are "
                 "refused")
async def labels_4774(ctx):
    _, cls, held = LABELS.clearances[PARTNER]
    await expect_crosses(ctx, "alice", "bob", nato_label(cls, *held))
    higher = max(LABELS.classes, key=LABELS.classes.get)
    return await expect_refused(ctx, "alice", "bob", nato_label(higher),
                                PARTNER, "outbound", partner_line())
