"""Content controls end to end (issue 6): a client on a.example sends a
stanza of the corpus (content_stanzas.py) through Prosody A, the guard
and Prosody B to a client on b.example, and back, and each scenario
asserts exactly what arrived, what came back (which error, with which
text) and which alert the guard wrote. Importing this module registers
the scenarios with scenarios.SCENARIOS.

The clients are content_clients.ContentClient, at resource "content"
of each user (priority -1, so that the other scenarios' messages to
bare JIDs never reach them), logged in by the first scenario that
needs them.

The controls read what to expect from tests/integration/trunk.policy
itself: which filter statements apply to which peer and direction (a
stanza from P to Q runs P's inbound filters, then Q's outbound ones),
the verdict each statement names (default bounce policy-violation),
and its line, which the alert must name. A control whose statement no
filter of the policy holds is registered with TAP's "# SKIP": it waits
for the lead to add it. While no filter applies between a.example and
b.example, "the corpus crosses unchanged" runs through the guard as
well as Prosody to Prosody (--direct); once one applies, only in the
direct mode.

The policy the scenarios were written against (a draft: any filter
name, order or verdict works, since they are read from the file):

    alert { file "alerts.jsonl"; }
    filter partner-content {
        presence fold;
        strip xhtml-im, chat-states, receipts, markers, corrections;
        block encrypted;
        block file-transfer;
        block muc;
        block voip drop;
        block room "lobby@b.example";
        stanza-size 16KiB;
        words "kraken";
    }
    filter rooms-only { block one-to-one; }
    peer partner { ... filter partner-content inbound;
                   filter partner-content outbound; }
    peer rooms-only { ... filter rooms-only inbound;
                      filter rooms-only outbound; }

What the scenarios take the brief to mean, where it leaves a choice:
a folded presence keeps to, from, id and type and carries <show>away
</show> for away, xa and dnd, nothing for available; a bounce is an
error stanza with the original's id whose only child is <error/>,
whose text contains the alert's rule name; a dropped IQ get or set is
still answered with an error; stripping and folding raise no alert
that the scenarios check (they list what they saw)."""

import asyncio
import os
import re

import content_clients as cc
import content_stanzas as corpus
import topology
from scenarios import BOTH, GUARD_ONLY, scenario

POLICY = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "trunk.policy")
RESOURCE = "content"


# ---- the policy, read ------------------------------------------------------

def _blocks(text, keyword):
    """{NAME: (body, line of the opening brace)} of every top-level
    `KEYWORD NAME {...}` in TEXT (comments already blanked)."""
    out = {}
    for m in re.finditer(r"^\s*%s\s+([\w.-]+)\s*\{" % keyword, text, re.M):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        out[m.group(1)] = (text[m.end():i - 1],
                           text.count("\n", 0, m.end()) + 1)
    return out


class Statement:
    """A filter statement: its TEXT (one line, no ';'), LINE in the
    policy, FILTER, and the VERDICT and CONDITION it names."""

    def __init__(self, text, line, filter_name):
        self.text = " ".join(text.split())
        self.line = line
        self.filter = filter_name
        m = re.search(r"\b(pass|drop|bounce)(?:\s+(policy-violation|"
                      r"not-acceptable))?\s*$", self.text)
        self.verdict = m.group(1) if m else "bounce"
        self.condition = ((m.group(2) if m else None) or "policy-violation"
                          if self.verdict == "bounce" else None)

    def __repr__(self):
        return "%s:%d %r" % (self.filter, self.line, self.text)


class Policy:
    """What trunk.policy says of filters: FILTERS {name: [Statement]},
    APPLIED {(peer, direction): [filter name]} and DOMAINS {peer:
    [domain]}."""

    def __init__(self, path=POLICY):
        with open(path) as f:
            text = re.sub(r"#[^\n]*", "", f.read())
        self.filters = {}
        for name, (body, line0) in _blocks(text, "filter").items():
            stmts, line = [], line0
            for part in body.split(";"):
                if part.strip():
                    first = line + part[:len(part) - len(part.lstrip())
                                        ].count("\n")
                    stmts.append(Statement(part, first, name))
                line += part.count("\n")
            self.filters[name] = stmts
        self.applied, self.domains = {}, {}
        for peer, (body, _) in _blocks(text, "peer").items():
            self.domains[peer] = re.findall(r'"([^"]+)"', " ".join(
                re.findall(r"\bdomain\s+([^;]*);", body)))
            for name, d in re.findall(r"\bfilter\s+([\w.-]+)\s+"
                                      r"(inbound|outbound)\s*;", body):
                self.applied.setdefault((peer, d), []).append(name)

    def path_filters(self, src_peer, dst_peer):
        """[(peer, direction, filter name)] a stanza from SRC_PEER to
        DST_PEER runs, in order."""
        return ([(src_peer, "inbound", f)
                 for f in self.applied.get((src_peer, "inbound"), [])] +
                [(dst_peer, "outbound", f)
                 for f in self.applied.get((dst_peer, "outbound"), [])])

    def find(self, src_peer, dst_peer, pattern):
        """[(peer, direction, Statement)] on the way from SRC_PEER to
        DST_PEER whose text matches PATTERN."""
        return [(p, d, s) for p, d, f in self.path_filters(src_peer,
                                                           dst_peer)
                for s in self.filters[f] if re.search(pattern, s.text)]

    def any_filter(self, peers):
        return any(p in peers for p, _ in self.applied)


POLICY_NOW = Policy()
INSIDE, PARTNER = "inside", "partner"
ALICE_DOMAIN = "a.example"


def group_pattern(verb, group):
    return r"^%s\s+(?!room\b).*(?<![\w-])%s(?![\w-])" % (verb,
                                                        re.escape(group))


def holder(pattern):
    """The first outside peer with a Prosody user and a statement
    matching PATTERN on its way to or from the inside, else None."""
    for peer in [PARTNER] + sorted(POLICY_NOW.domains):
        if peer == INSIDE or not _user_of(peer):
            continue
        if POLICY_NOW.find(INSIDE, peer, pattern) or \
                POLICY_NOW.find(peer, INSIDE, pattern):
            return peer
    return None


def _user_of(peer):
    for d in POLICY_NOW.domains.get(peer, []):
        try:
            _, host = topology.find_host(topology.trunk_servers(), d)
        except KeyError:
            continue
        return host
    return None


# ---- clients and exchanges -------------------------------------------------

async def content_client(ctx, user):
    """USER's content client, logged in on first use. A new one then
    synchronises both ways with every content client before it: the
    presence its login sets off (its own, and its server's probes and
    their answers) has then arrived, and no scenario sees it."""
    key = user + "/" + RESOURCE
    if key not in ctx.clients:
        s, h = next((s, h) for s in ctx.world.servers for h in s.hosts
                    if h.user == user)
        c = cc.ContentClient("%s/%s" % (h.jid, RESOURCE), h.password,
                             s.addr, topology.C2S_PORT,
                             ctx.world.pki.ca.cert)
        # Only across the guard: outside servers do not reach each
        # other.
        others = [o for o in ctx.clients.values()
                  if isinstance(o, cc.ContentClient) and
                  (o.boundjid.domain == ALICE_DOMAIN) != (
                      h.domain == ALICE_DOMAIN)]
        ctx.clients[key] = c
        await c.login()
        for o in others:
            await cc.sync(c, o, cc.SYNC_PREFIX + ctx.unique("login"))
            await cc.sync(o, c, cc.SYNC_PREFIX + ctx.unique("login"))
    return ctx.clients[key]


def render(case, template, sender, recipient, sid, to=None):
    return case.render(template, to or recipient.boundjid.full,
                       sender.boundjid.full, sid)


async def exchange(ctx, case, sender, recipient, to=None):
    """Sends CASE from SENDER to RECIPIENT (or to TO); returns (sent XML,
    id, Outcome)."""
    sid = ctx.unique("content")
    xml = render(case, case.xml, sender, recipient, sid, to)
    if case.response:
        recipient.answer_with(sid, render(case, case.response, recipient,
                                          sender, sid))
    out = await cc.send_and_sync(sender, recipient, xml,
                                 cc.SYNC_PREFIX + sid)
    return xml, sid, out


def expect_unchanged(case, xml, sid, out, sender, recipient):
    """Problems (a list of strings) if OUT is not CASE crossing
    unchanged: one arrival equal to XML, and for an IQ request one
    answer (the recipient's)."""
    probs = []
    if len(out.arrived) != 1:
        probs.append("%d arrivals" % len(out.arrived))
    elif not cc.same_stanza(xml, out.arrived[0]):
        probs.append(cc.difference(xml, out.arrived[0]))
    want_back = 1 if cc.parse_stanza(xml).get("type") in ("get",
                                                          "set") else 0
    if len(out.back) != want_back:
        probs.append("%d stanzas came back, expected %d" % (len(out.back),
                                                            want_back))
    elif want_back:
        answer = out.back[0]
        if answer.type != "result":
            probs.append("answered %s" % answer.xml)
        elif case.response and not cc.same_stanza(
                render(case, case.response, recipient, sender, sid),
                answer):
            probs.append(cc.difference(render(case, case.response,
                                              recipient, sender, sid),
                                       answer))
    return probs


def directions(ctx, peer):
    """[(sender, recipient user, source peer, destination peer)]: a.example
    to PEER's user and back."""
    user = _user_of(peer).user
    return [("alice", user, INSIDE, peer), (user, "alice", peer, INSIDE)]


# ---- the machinery, proved -------------------------------------------------

CORPUS_MODES = (("direct",) if POLICY_NOW.any_filter((INSIDE, PARTNER))
                else BOTH)


@scenario("content corpus: every stanza crosses unchanged, both ways "
          "(no filter between a.example and b.example)", modes=CORPUS_MODES,
          timeout=120)
async def corpus_unchanged(ctx):
    probs = []
    for s_user, r_user in (("alice", "bob"), ("bob", "alice")):
        sender = await content_client(ctx, s_user)
        recipient = await content_client(ctx, r_user)
        for case in corpus.CORPUS:
            xml, sid, out = await exchange(ctx, case, sender, recipient)
            for p in expect_unchanged(case, xml, sid, out, sender,
                                      recipient):
                probs.append("%s -> %s, %s: %s" % (s_user, r_user,
                                                   case.name, p))
    if probs:
        raise AssertionError("\n".join(probs))
    return "%d stanzas each way" % len(corpus.CORPUS)


def subscription_expected(xml, sender, fold):
    """The subscription request XML as the recipient should see it: from
    the sender's bare JID, and with no children if FOLD."""
    e = cc.parse_stanza(xml)
    e.set("from", sender.boundjid.bare)
    if fold:
        for c in list(e):
            e.remove(c)
    return e


async def subscription(ctx, s_user, r_user):
    """S_USER's content client stops its user's subscription to R_USER,
    then asks for it again with a nick and a status; returns the XML
    sent, the sender, and the subscription requests that arrived at
    R_USER's content client."""
    sender = await content_client(ctx, s_user)
    recipient = await content_client(ctx, r_user)
    bare = recipient.boundjid.bare
    # Unsubscribed first, so that the recipient's server hands the
    # request to its clients instead of answering it itself.
    sender.send_xml("<presence type='unsubscribe' to='%s'/>" % bare)
    await cc.sync(sender, recipient, cc.SYNC_PREFIX + ctx.unique("unsub"))
    xml, _, out = await exchange(ctx, corpus.SUBSCRIBE, sender, recipient,
                                 to=bare)
    return xml, sender, [a for a in out.arrived if a.type == "subscribe"]


@scenario("content: a subscription request with a nick crosses unchanged "
          "(no filter)", modes=CORPUS_MODES)
async def subscription_unchanged(ctx):
    xml, sender, got = await subscription(ctx, "alice", "bob")
    want = subscription_expected(xml, sender, fold=False)
    if len(got) != 1 or cc.canon(want) != cc.canon(
            cc.normalize(got[0].element, want)):
        raise AssertionError("expected %s, got %s" % (
            cc.ET.tostring(want, encoding="unicode"), got))


# ---- the controls ----------------------------------------------------------

def gated(name, pattern, needs, timeout=90):
    """Registers the control scenario NAME for the guard, or, while no
    filter of trunk.policy has a statement matching PATTERN (NEEDS, in
    words) on the way between a.example and a peer with a user, as
    skipped. The scenario function receives (ctx, peer)."""
    peer = holder(pattern)

    def register(fn):
        if peer is None:
            async def skipped(ctx):
                return None
            scenario("%s # SKIP no filter of trunk.policy says '%s'" % (
                name, needs), modes=GUARD_ONLY)(skipped)
        else:
            async def run(ctx):
                return await fn(ctx, peer)
            scenario(name, modes=GUARD_ONLY, timeout=timeout)(run)
        return fn
    return register


def alerts_of(ctx):
    m = re.search(r'\balert\s*\{[^}]*\bfile\s+"([^"]+)"',
                  re.sub(r"#[^\n]*", "", open(POLICY).read()))
    if not m:
        raise AssertionError("trunk.policy's alert block names no file")
    return cc.Alerts(os.path.join(ctx.world.guard.dir, m.group(1)))


def effective(st, case, xml):
    """The verdict the guard gives CASE (sent as XML) under statement ST:
    an IQ request is always answered, so its drop is a bounce; a stanza
    that must not be answered (an error, an IQ result, presence other
    than a subscription request or a room join) is dropped rather than
    bounced. Returns (verdict, condition)."""
    e = cc.parse_stanza(xml)
    t = e.get("type")
    if st.verdict not in ("drop", "bounce"):
        return st.verdict, None
    if case.kind == "iq" and t in ("get", "set"):
        return "bounce", st.condition or "policy-violation"
    answerable = t != "error" and (
        case.kind == "message" or
        (case.kind == "iq" and t != "result") or
        (case.kind == "presence" and (
            t == "subscribe" or (t is None and e.find(
                "{http://jabber.org/protocol/muc}x") is not None))))
    if st.verdict == "bounce" and not answerable:
        return "drop", None
    return st.verdict, st.condition


def check_refused(stmts, case, xml, sid, out, alerts, mark, sender, to):
    """Checks that CASE (sent as XML with id SID from SENDER to the JID
    TO) was refused by one of
    STMTS [(peer, direction, Statement)] as its verdict says: nothing
    arrived; a bounce with the condition and a text naming the rule, or
    for a drop nothing back but an IQ request's error; one alert."""
    if out.arrived:
        raise AssertionError("not refused: %s" % out.describe())
    peer, direction, st = stmts[0]
    verdict, condition = effective(st, case, xml)
    alert = cc.check_alert(alerts, mark, {
        "peer": peer, "dir": direction, "verdict": verdict,
        "kind": case.kind, "from": sender.boundjid.full,
        "to": to, "id": sid}, secrets=_secrets(xml))
    if alert["line"] not in [s.line for _, _, s in stmts] or \
            not alert["file"].endswith("trunk.policy"):
        raise AssertionError("alert names %s:%s, expected one of %s" % (
            alert["file"], alert["line"], stmts))
    replies = out.replies(sid)
    if verdict == "drop":
        if out.back:
            raise AssertionError("dropped, yet came back: %s" %
                                 out.describe())
        return alert
    if len(replies) != 1 or len(out.back) != 1:
        raise AssertionError("expected one error back: %s" % out.describe())
    cond, text, _, _ = replies[0].error() or (None,) * 4
    if cond != condition:
        raise AssertionError("bounced <%s/>, the policy says <%s/>" % (
            cond, condition))
    if alert["rule"] not in (text or ""):
        raise AssertionError("the error's text %r does not name the rule "
                             "%r" % (text, alert["rule"]))
    if [c.tag for c in replies[0].element] != ["{%s}error" % cc.NS_CLIENT]:
        raise AssertionError("the bounce carries more than <error/>: %s" %
                             replies[0].xml)
    return alert


def _secrets(xml):
    """The texts of XML's bodies and subjects, at any depth: an alert
    must name none of them."""
    e = cc.parse_stanza(xml)
    return [x.text.strip() for x in e.iter()
            if x.tag.split("}")[-1] in ("body", "subject") and x.text and
            x.text.strip()]


async def refuse_cases(ctx, peer, pattern, cases):
    """Sends each of CASES both ways between alice and PEER's user and
    checks it refused by the statements matching PATTERN on its way."""
    alerts, seen = alerts_of(ctx), []
    for s_user, r_user, src, dst in directions(ctx, peer):
        stmts = POLICY_NOW.find(src, dst, pattern)
        if not stmts:
            continue
        sender = await content_client(ctx, s_user)
        recipient = await content_client(ctx, r_user)
        for case in cases:
            # A case in several groups is refused by whichever of their
            # statements comes first.
            mine = sorted(stmts + [x for g in case.groups for x in
                                   POLICY_NOW.find(src, dst, group_pattern(
                                       "block", g)) if x not in stmts],
                          key=lambda x: x[2].line)
            mark = alerts.mark()
            xml, sid, out = await exchange(ctx, case, sender, recipient)
            try:
                a = check_refused(mine, case, xml, sid, out, alerts,
                                  mark, sender, recipient.boundjid.full)
            except AssertionError as e:
                raise AssertionError("%s -> %s, %s: %s" % (
                    s_user, r_user, case.name, e)) from None
            seen.append(a["verdict"])
    return "%d refused (%s)" % (len(seen), ", ".join(sorted(set(seen))))


def group_cases(group):
    return [c for c in corpus.CORPUS if group in c.groups]


def register_block(group):
    pattern = group_pattern("block", group)

    @gated("content: block %s (each corpus stanza of the group, also "
           "inside wrappers), both ways" % group, pattern, "block " + group)
    async def block(ctx, peer):
        return await refuse_cases(ctx, peer, pattern, group_cases(group))


for _group in ("encrypted", "file-transfer", "muc", "voip"):
    register_block(_group)


async def expect_each(ctx, peer, cases, expected_of, pattern):
    """Sends CASES both ways between alice and PEER's user (where a
    statement matching PATTERN applies); EXPECTED_OF(case, xml, sender)
    gives the tree expected to arrive, or None for nothing. Nothing may
    come back."""
    for s_user, r_user, src, dst in directions(ctx, peer):
        if not POLICY_NOW.find(src, dst, pattern):
            continue
        sender = await content_client(ctx, s_user)
        recipient = await content_client(ctx, r_user)
        for case in cases:
            xml, sid, out = await exchange(ctx, case, sender, recipient)
            want = expected_of(case, xml, sender, recipient, sid)
            where = "%s -> %s, %s" % (s_user, r_user, case.name)
            if out.back:
                raise AssertionError("%s: came back: %s" % (
                    where, out.describe()))
            if want is None:
                if out.arrived:
                    raise AssertionError("%s: expected nothing, %s" % (
                        where, out.describe()))
                continue
            if len(out.arrived) != 1 or cc.canon(cc.normalize(want)) != \
                    cc.canon(cc.normalize(out.arrived[0].element)):
                raise AssertionError("%s: expected %s, %s" % (
                    where, cc.ET.tostring(want, encoding="unicode"),
                    out.describe()))


def register_strip(group):
    pattern = group_pattern("strip", group)
    cases = [c for c in corpus.CORPUS if group in c.stripped]

    def folded(case, xml, sender, recipient, sid):
        if case.folded is None:
            return None
        return cc.parse_stanza(render(case, case.folded, sender, recipient,
                                      sid))

    @gated("content: strip %s (the element goes; a message left empty is "
           "dropped), both ways" % group, pattern, "strip " + group)
    async def strip(ctx, peer):
        await expect_each(ctx, peer, cases, folded, pattern)


for _group in ("xhtml-im", "chat-states", "receipts", "markers",
               "corrections"):
    register_strip(_group)

FOLD = r"^presence\s+fold\b"
# The presence cases in the order sent: each folds to a state, and one
# equal to the state before is not sent again. The first is sent to set
# a known state and not judged.
FOLD_CASES = [c for c in corpus.PRESENCE if "muc" not in c.groups]


def fold_state(case):
    """The folded state of a presence case: available, away or
    unavailable."""
    if "type='unavailable'" in case.xml:
        return "unavailable"
    m = re.search(r"<show>(\w+)</show>", case.xml)
    return "away" if m and m.group(1) in ("away", "xa", "dnd") else \
        "available"


def folded_presence(state, to, sid, type_=None):
    xml = "<presence to='%s' id='%s'%s>%s</presence>" % (
        to, sid, " type='unavailable'" if state == "unavailable" else "",
        "<show>away</show>" if state == "away" else "")
    return cc.parse_stanza(xml)


@gated("content: presence fold (available / away / unavailable, nothing "
       "else; an unchanged state is not sent again), both ways", FOLD,
       "presence fold")
async def presence_fold(ctx, peer):
    for s_user, r_user, src, dst in directions(ctx, peer):
        if not POLICY_NOW.find(src, dst, FOLD):
            continue
        sender = await content_client(ctx, s_user)
        recipient = await content_client(ctx, r_user)
        last = None
        for i, case in enumerate(FOLD_CASES + FOLD_CASES[:1]):
            xml, sid, out = await exchange(ctx, case, sender, recipient)
            state = fold_state(case)
            where = "%s -> %s, %s" % (s_user, r_user, case.name)
            if out.back:
                raise AssertionError("%s: came back: %s" % (
                    where, out.describe()))
            want = folded_presence(state, recipient.boundjid.full, sid)
            if i == 0 and not out.arrived:
                last = state
                continue
            if state == last:
                if out.arrived:
                    raise AssertionError("%s: unchanged (%s), yet sent: %s"
                                         % (where, state, out.describe()))
                continue
            if len(out.arrived) != 1 or cc.canon(want) != cc.canon(
                    cc.normalize(out.arrived[0].element)):
                raise AssertionError("%s: expected %s, %s" % (
                    where, cc.ET.tostring(want, encoding="unicode"),
                    out.describe()))
            last = state
    return "the last available follows an unavailable: the state was " \
        "forgotten"


@gated("content: subscription presence crosses with no children, both "
       "ways", FOLD, "presence fold")
async def subscription_folded(ctx, peer):
    user = _user_of(peer).user
    for s_user, r_user in (("alice", user), (user, "alice")):
        xml, sender, got = await subscription(ctx, s_user, r_user)
        want = subscription_expected(xml, sender, fold=True)
        if len(got) != 1 or cc.canon(want) != cc.canon(
            cc.normalize(got[0].element, want)):
            raise AssertionError("%s -> %s: expected %s, got %s" % (
                s_user, r_user, cc.ET.tostring(want, encoding="unicode"),
                got))


SIZE = r"^stanza-size\s+(\d+)\s*(KiB|MiB|B)?\b"


def size_case(nbytes):
    """A message whose serialization is about NBYTES long."""
    return corpus.Case("message of about %d bytes" % nbytes, "message",
                       "<message to='%(to)s' id='%(id)s' type='chat'>"
                       "<body>%(filler)s</body></message>",
                       size=max(1, nbytes - 200))


@gated("content: stanza-size (just below passes unchanged, twice the "
       "limit is refused), both ways", SIZE, "stanza-size SIZE")
async def stanza_size(ctx, peer):
    st = POLICY_NOW.find(INSIDE, peer, SIZE) or \
        POLICY_NOW.find(peer, INSIDE, SIZE)
    m = re.search(SIZE, st[0][2].text)
    limit = int(m.group(1)) * {"KiB": 1024, "MiB": 1 << 20}.get(m.group(2),
                                                                 1)
    below = size_case(limit - 512)
    await expect_each(ctx, peer, [below], lambda case, xml, *_:
                      cc.parse_stanza(xml), SIZE)
    return await refuse_cases(ctx, peer, SIZE, [size_case(2 * limit)])


@gated("content: block one-to-one (a chat message is refused, a "
       "groupchat one crosses), both ways",
       group_pattern("block", "one-to-one"), "block one-to-one")
async def block_one_to_one(ctx, peer):
    pattern = group_pattern("block", "one-to-one")
    plain = next(c for c in corpus.MESSAGES if c.name == "plain chat message")
    groupchat = next(c for c in corpus.MESSAGES if c.name ==
                     "MUC groupchat message")
    note = await refuse_cases(ctx, peer, pattern, [plain])
    await expect_each(ctx, peer, [groupchat], lambda case, xml, *_:
                      cc.parse_stanza(xml), pattern)
    return note


ROOM = r'^block\s+room\s+"([^"]+)"'


@gated("content: block room (a message to the room JID is refused)", ROOM,
       'block room "JID"')
async def block_room(ctx, peer):
    alerts = alerts_of(ctx)
    stmts = POLICY_NOW.find(INSIDE, peer, ROOM)
    room = re.search(ROOM, stmts[0][2].text).group(1)
    sender = await content_client(ctx, "alice")
    recipient = await content_client(ctx, _user_of(peer).user)
    case = next(c for c in corpus.MESSAGES if c.name ==
                "MUC groupchat message")
    mark = alerts.mark()
    xml, sid, out = await exchange(ctx, case, sender, recipient, to=room)
    check_refused(stmts, case, xml, sid, out, alerts, mark, sender, room)


WORDS = r'^words\s+"([^"]+)"'


@gated("content: words (a whole word in any case is refused, inside "
       "another word it is not), both ways", WORDS, 'words "WORD"')
async def words(ctx, peer):
    st = POLICY_NOW.find(INSIDE, peer, WORDS) or \
        POLICY_NOW.find(peer, INSIDE, WORDS)
    word = re.search(WORDS, st[0][2].text).group(1)
    hit = corpus.Case("a body with %r" % word, "message",
                      "<message to='%%(to)s' id='%%(id)s' type='chat'><body>"
                      "Release the %s!</body></message>" % word.upper())
    miss = corpus.Case("a body with %r inside a word" % word, "message",
                       "<message to='%%(to)s' id='%%(id)s' type='chat'><body>"
                       "un%sish</body></message>" % word)
    note = await refuse_cases(ctx, peer, WORDS, [hit])
    await expect_each(ctx, peer, [miss], lambda case, xml, *_:
                      cc.parse_stanza(xml), WORDS)
    return note


BLOCK_ANY = r"^block\s+(?!room\b)"


@gated("content: a disco#info result loses the features of blocked "
       "groups, and its stale caps node", BLOCK_ANY, "block GROUP")
async def disco_features(ctx, peer):
    for s_user, r_user, src, dst in directions(ctx, peer):
        # The result travels from the recipient back to the sender; what
        # a filter on its way strips or blocks is not advertised.
        blocked = {g for g in corpus.GROUP_FEATURES
                   if POLICY_NOW.find(dst, src, group_pattern("block", g))
                   or POLICY_NOW.find(dst, src, group_pattern("strip", g))}
        if not blocked:
            continue
        sender = await content_client(ctx, s_user)
        recipient = await content_client(ctx, r_user)
        xml, sid, out = await exchange(ctx, corpus.DISCO, sender, recipient)
        answer = out.replies(sid)
        if len(out.arrived) != 1 or len(answer) != 1 or \
                answer[0].type != "result":
            raise AssertionError("%s -> %s: %s" % (s_user, r_user,
                                                   out.describe()))
        q = answer[0].element.find("{%s}query" % corpus.NS_DISCO_INFO)
        got = {f.get("var") for f in q.iter("{%s}feature" %
                                            corpus.NS_DISCO_INFO)}
        gone = {f for g in blocked for f in corpus.GROUP_FEATURES[g]}
        kept = set(corpus.DISCO_FEATURES) - gone
        if got & gone or kept - got:
            raise AssertionError("%s -> %s: advertised blocked %s, lost %s"
                                 % (s_user, r_user, sorted(got & gone),
                                    sorted(kept - got)))
        if q.get("node", "").endswith("#" + corpus.CAPS_VER):
            raise AssertionError("the caps node#ver %s crossed, yet no "
                                 "longer matches" % q.get("node"))
        if q.find("{%s}identity" % corpus.NS_DISCO_INFO) is None:
            raise AssertionError("the identity was lost")


ALERT_MESSAGE = r'\balert\s*\{[^}]*\bmessage\s+"([^"]+)"\s+from\s+"([^"]+)"'


@scenario("content: an alert reaches the operator as a message through "
          "the guard's own routes, naming the rule and not the stanza's "
          "content", GUARD_ONLY, timeout=60)
async def alert_message(ctx):
    m = re.search(ALERT_MESSAGE, re.sub(r"#[^\n]*", "", open(POLICY).read()))
    if not m:
        raise AssertionError("trunk.policy's alert block sends no message")
    operator, guard_jid = m.groups()
    words = POLICY_NOW.find(INSIDE, PARTNER, WORDS)
    word = re.search(WORDS, words[0][2].text).group(1)
    rule = "filter %s words" % words[0][2].filter
    user, _, resource = operator.partition("/")
    s, h = next((s, h) for s in ctx.world.servers for h in s.hosts
                if h.jid == user)
    ops = cc.ContentClient(operator, h.password, s.addr, topology.C2S_PORT,
                           ctx.world.pki.ca.cert)
    ctx.clients[operator] = ops
    await ops.login()
    sender = await content_client(ctx, "alice")
    recipient = await content_client(ctx, "bob")
    # The message sink sends at most five in ten seconds: the scenarios
    # before this one may have used them up.
    await asyncio.sleep(11)
    start = ops.arrival_mark()
    secret = "%s of %s" % (word, ctx.unique("secret"))
    case = corpus.Case("a body with the word", "message",
                       "<message to='%%(to)s' id='%%(id)s' type='chat'>"
                       "<body>%s</body></message>" % secret)
    _, sid, out = await exchange(ctx, case, sender, recipient)
    if out.arrived:
        raise AssertionError("not refused: %s" % out.describe())
    got = await ops.wait_arrival(
        "alert message from %s" % guard_jid,
        lambda a: a.kind == "message" and a.from_ == guard_jid and
        sid in "".join(a.element.itertext()), start, timeout=15)
    body = "".join(got.element.itertext())
    for want in (rule, "trunk.policy:%d" % words[0][2].line,
                 sender.boundjid.full):
        if want not in body:
            raise AssertionError("the alert message lacks %r: %r" % (
                want, body))
    if secret in body:
        raise AssertionError("the alert message carries the stanza's "
                             "content: %r" % body)
    return "%d bytes from %s" % (len(body), guard_jid)
