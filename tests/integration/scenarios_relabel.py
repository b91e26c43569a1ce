"""Relabelling, display markings and catalogs (issue 7), end to end.

n.example (peer allied) labels in a security policy of its own,
allied-labels; a.example in trunk-labels. A label crossing between them
is relabelled through the policy's equivalences: the scenarios read the
label that arrives (its ESS DER, decoded here), its display marking and
its equivalent labels. They also ask for security label catalogs
(urn:xmpp:sec-label:catalog:2) across the guard: answered by it for
n.example, refused for c.example, and cut down on their way back from
b.example (whose user answers the request, as no Prosody module does).
Importing this module registers the scenarios.
"""

import base64
import re

import content_clients as cc
from scenarios_content import INSIDE, PARTNER, POLICY, content_client
from scenarios_labels import LABELS, LabelPolicy, NS_SECLABEL, \
    NS_SECLABEL_ESS, expect_crosses, expect_refused, label_of, labelled, \
    labels_scenario, send

ALLIED_PEER = "allied"
ALLIED = LabelPolicy("allied-labels") if LABELS is not None and re.search(
    r"\blabel-policy\s+allied-labels\b", open(POLICY).read()) else None
NS_CATALOG = "urn:xmpp:sec-label:catalog:2"


def allied_scenario(name):
    """A labels scenario that also needs peer allied, cleared in
    allied-labels."""
    if ALLIED is None or ALLIED_PEER not in ALLIED.clearances:
        return labels_scenario(name + " # SKIP no peer allied")
    return labels_scenario(name)


# ---- ESS labels, read ------------------------------------------------------

def _tlvs(data):
    """The (tag, body) of each TLV of DER DATA, in order."""
    out, i = [], 0
    while i < len(data):
        tag, n = data[i], data[i + 1]
        i += 2
        if n & 0x80:
            k, n = n & 0x7f, int.from_bytes(data[i:i + (n & 0x7f)], "big")
            i += k
        out.append((tag, data[i:i + n]))
        i += n
    return out


def _oid(body):
    arcs, v = [body[0] // 40, body[0] % 40], 0
    for b in body[1:]:
        v = v << 7 | (b & 0x7f)
        if not b & 0x80:
            arcs.append(v)
            v = 0
    return ".".join(map(str, arcs))


def read_ess(b64):
    """(policy OID, classification, {tag set OID: (syntax OID, sorted
    values)}) of the base64 ESS label B64, which must be DER: its SET
    sorted (the classification's INTEGER before the policy's OID)."""
    (tag, body), = _tlvs(base64.b64decode(b64))
    assert tag == 0x31, "not a SET"
    parts = _tlvs(body)
    if [t for t, _ in parts] != sorted(t for t, _ in parts):
        raise AssertionError("the label's SET is not in DER's order")
    policy = cls = None
    cats = {}
    for t, b in parts:
        if t == 0x06:
            policy = _oid(b)
        elif t == 0x02:
            cls = int.from_bytes(b, "big")
        elif t == 0x31:
            for _, cat in _tlvs(b):
                (_, syntax), (_, value) = _tlvs(cat)
                (_, seq), = _tlvs(value)
                (_, name), (ft, field) = _tlvs(seq)
                if ft == 0x03:
                    values = [i * 8 + j for i, byte in enumerate(field[1:])
                              for j in range(8) if byte & (0x80 >> j)]
                else:
                    values = [int.from_bytes(v, "big")
                              for _, v in _tlvs(field)]
                cats[_oid(name)] = (_oid(syntax), sorted(values))
    return policy, cls, cats


def _child(e, ns, name):
    return e.find("{%s}%s" % (ns, name))


def arrived_label(arrival):
    """(displaymarking element or None, ESS text of the label, [ESS text
    of each equivalent label]) of the message ARRIVAL."""
    sl = _child(arrival.element, NS_SECLABEL, "securitylabel")
    if sl is None:
        raise AssertionError("arrived without a label: %r" % arrival)
    ess = sl.find("{%s}label/{%s}esssecuritylabel" % (NS_SECLABEL,
                                                      NS_SECLABEL_ESS))
    equivalents = [e.text.strip() for e in sl.findall(
        "{%s}equivalentlabel/{%s}esssecuritylabel" % (NS_SECLABEL,
                                                      NS_SECLABEL_ESS))]
    return (_child(sl, NS_SECLABEL, "displaymarking"), ess.text.strip(),
            equivalents)


def check_marking(marking, text, fg, bg):
    got = None if marking is None else (marking.text, marking.get(
        "fgcolor"), marking.get("bgcolor"))
    if got != (text, fg, bg):
        raise AssertionError("display marking %r, expected %r" % (
            got, (text, fg, bg)))


async def expect_arrives(ctx, s_user, r_user, template):
    """Sends TEMPLATE; the one message that arrived (its body intact)."""
    xml, _, out, _, _ = await send(ctx, s_user, r_user, template)
    if len(out.arrived) != 1 or out.back:
        raise AssertionError("expected one arrival: %s" % out.describe())
    body = _child(out.arrived[0].element, cc.NS_CLIENT, "body")
    if body is None or body.text != "labelled":
        raise AssertionError("the body changed: %r" % out.arrived[0])
    return out.arrived[0]


def expect_ess(b64, policy, cls, cats):
    """Checks that the ESS label B64 is of POLICY (a LabelPolicy),
    classification CLS, categories CATS {tag set name: [category]}."""
    got = read_ess(b64)
    want = (policy.oid, policy.classes[cls], {
        policy.tagsets[t][0]: sorted(policy.tagsets[t][2][c] for c in cs)
        for t, cs in cats.items()})
    if (got[0], got[1], {t: v for t, (_, v) in got[2].items()}) != want:
        raise AssertionError("label %r, expected %r" % (got, want))
    return got


# ---- the scenarios ---------------------------------------------------------

@allied_scenario("labels: a label crosses into n.example's security policy "
                 "relabelled, with its marking there, its original kept")
async def relabel_out(ctx):
    sent = label_of("CONFIDENTIAL", "UK", "ALPHA")
    a = await expect_arrives(ctx, "alice", "nadia", labelled(
        sent, marking=("CONFIDENTIAL", "black", "yellow")))
    marking, ess, equivalents = arrived_label(a)
    _, _, cats = expect_ess(ess, ALLIED, "ALLIED CONFIDENTIAL", {
        "RELTO": ["GBR"], "COMPARTMENT": ["KESTREL"]})
    # RELTO's values fit a bit map; COMPARTMENT's do not, and are
    # enumerated attributes.
    syntaxes = sorted(s for s, _ in cats.values())
    if syntaxes != ["2.16.840.1.101.2.1.8.3.2", "2.16.840.1.101.2.1.8.3.4"]:
        raise AssertionError("category syntaxes %r" % syntaxes)
    check_marking(marking, "ALLIED CONF", "white", "blue")
    if equivalents != [sent]:
        raise AssertionError("original label not kept: %r" % equivalents)
    return "CONFIDENTIAL UK ALPHA -> ALLIED CONFIDENTIAL GBR KESTREL"


@allied_scenario("labels: a label from n.example crosses into a.example's "
                 "policy relabelled, its original replaced")
async def relabel_in(ctx):
    sent = label_of("ALLIED CONFIDENTIAL", "GBR", policy=ALLIED)
    a = await expect_arrives(ctx, "nadia", "alice", labelled(
        sent, marking=("ALLIED CONF", "white", "blue")))
    marking, ess, equivalents = arrived_label(a)
    expect_ess(ess, LABELS, "CONFIDENTIAL", {"RELEASABLE-TO": ["UK"]})
    check_marking(marking, "CONFIDENTIAL", None, None)
    if equivalents:
        raise AssertionError("original label kept: %r" % equivalents)
    return "ALLIED CONFIDENTIAL GBR -> CONFIDENTIAL UK"


@allied_scenario("labels: a label whose equivalent exceeds n.example's "
                 "clearance is refused")
async def relabel_refused(ctx):
    line = ALLIED.clearances[ALLIED_PEER][0]
    rules = set()
    for cls, cats in (("SECRET", ()), ("CONFIDENTIAL", ("US",)),
                      ("CONFIDENTIAL", ("UK", "BRAVO"))):
        rules.add(await expect_refused(ctx, "alice", "nadia", labelled(
            label_of(cls, *cats)), ALLIED_PEER, "outbound", line))
    return ", ".join(sorted(rules))


@labels_scenario("labels: a display marking that says other than the "
                 "policy is put right on the way")
async def relabel_marking(ctx):
    _, cls, held = LABELS.clearances[PARTNER]
    sent = label_of(cls, *held)
    a = await expect_arrives(ctx, "alice", "bob", labelled(
        sent, marking=("UNCLASSIFIED", "black", "green")))
    marking, ess, equivalents = arrived_label(a)
    if ess != sent or equivalents:
        raise AssertionError("the label itself changed: %r" % a)
    check_marking(marking, cls, None, None)
    return "UNCLASSIFIED -> %s" % cls


@labels_scenario("labels: a labelled message to a peer without a clearance "
                 "crosses as it came, marking and all")
async def relabel_uncleared(ctx):
    # c.example (peer legacy) has no clearance: what a.example may send
    # is all that is decided.
    cls = LABELS.clearances[INSIDE][1]
    await expect_crosses(ctx, "alice", "carol", labelled(
        label_of(cls), marking=("UNCLASSIFIED", "black", "green")))
    return cls


def catalog_request(to, sid):
    return ("<iq type='get' to='%s' id='%s'><catalog xmlns='%s' to='%s'/>"
            "</iq>" % (to, sid, NS_CATALOG, to.split("/")[0].split("@")[-1]))


async def ask(client, xml, sid):
    """Sends the IQ XML of id SID; its answer."""
    start = client.arrival_mark()
    client.send_xml(xml)
    return await client.wait_arrival("answer to %s" % sid,
                                      lambda a: a.id == sid, start)


def catalog_items(answer):
    """(size attribute, [(selector, ESS text or None)]) of a catalog
    answer."""
    cat = _child(answer.element, NS_CATALOG, "catalog")
    if answer.type != "result" or cat is None:
        raise AssertionError("not a catalog: %r" % answer)
    items = []
    for item in cat.findall("{%s}item" % NS_CATALOG):
        ess = item.find("{%s}securitylabel/{%s}label/{%s}esssecuritylabel" % (
            NS_SECLABEL, NS_SECLABEL, NS_SECLABEL_ESS))
        items.append((item.get("selector"),
                      None if ess is None else ess.text.strip()))
    return cat.get("size"), items


@allied_scenario("labels: catalogs: the guard answers for n.example with "
                 "the labels that may cross there, refuses c.example's, "
                 "and cuts b.example's down")
async def relabel_catalogs(ctx):
    alice = await content_client(ctx, "alice")
    # Answered: a.example's labels whose equivalents n.example may
    # receive, lowest first.
    sid = ctx.unique("catalog")
    size, items = catalog_items(await ask(
        alice, catalog_request("n.example", sid), sid))
    want = [c for c in sorted(LABELS.classes, key=LABELS.classes.get)
            if c != "SECRET"]
    if [s for s, _ in items] != want or size != str(len(want)):
        raise AssertionError("answered %r (size %s), expected %r" % (
            items, size, want))
    for selector, ess in items:
        expect_ess(ess, LABELS, selector, {})
    # Refused.
    sid = ctx.unique("catalog")
    answer = await ask(alice, catalog_request("c.example", sid), sid)
    cond, text, _, _ = answer.error() or (None,) * 4
    if cond != "policy-violation" or "catalog of legacy" not in (text or ""):
        raise AssertionError("c.example's catalog: %r" % answer)
    # Forwarded, and cut down: bob's user answers with four items, of
    # which a.example may send b.example two (no label, taken as
    # UNCLASSIFIED; and b.example's own clearance).
    bob = await content_client(ctx, "bob")
    _, cls, held = LABELS.clearances[PARTNER]
    offered = [("none", None), ("SECRET", label_of("SECRET")),
               (cls, label_of(cls, *held)),
               ("BRAVO", label_of(cls, "BRAVO"))]
    sid = ctx.unique("catalog")
    bob.answer_with(sid, (
        "<iq type='result' id='%s' to='%s'><catalog xmlns='%s' "
        "to='b.example' size='4'>%s</catalog></iq>" % (
            sid, alice.boundjid.full, NS_CATALOG, "".join(
                "<item selector='%s'>%s</item>" % (s, "" if e is None else
                "<securitylabel xmlns='%s'><label><esssecuritylabel "
                "xmlns='%s'>%s</esssecuritylabel></label></securitylabel>"
                % (NS_SECLABEL, NS_SECLABEL_ESS, e))
                for s, e in offered))))
    size, items = catalog_items(await ask(
        alice, catalog_request(bob.boundjid.full, sid), sid))
    if items != [offered[0], offered[2]] or size != "2":
        raise AssertionError("b.example's catalog came as %r (size %s)" % (
            items, size))
    return "answered %d, refused, forwarded 2 of 4" % len(want)
