"""The guard's privileges, in every world with a guard. The harness
starts each guard as root, with keys that only root may read; by the
time stanzas cross, the guard must have loaded them, chrooted to the
empty directory its site file names and become its user for good:
nobody (named) in the trunk world, the default user (_xedge, else
nobody: the site file names none) in the two-guards world, root in the
ejabberd world, whose site file says run-as-root yes. Importing this
module registers its scenario with scenarios.SCENARIOS."""

import os
import pwd
import re

import topology
from scenarios import EJABBERD, TWO_GUARDS, deliver, log_has, scenario


def expected_user(g):
    """The user the guard G must run as."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    if g.user == topology.STAY_ROOT:
        return "root"
    if g.user is not None:
        return g.user
    try:
        pwd.getpwnam("_xedge")
        return "_xedge"
    except KeyError:
        return "nobody"


def proc_status(pid):
    """The fields of /proc/PID/status, by name."""
    with open("/proc/%d/status" % pid) as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f
                    if ":\t" in line)


def check_keys(g):
    """The precondition: the guard's keys are readable by root alone."""
    for key in g.keys:
        st = os.stat(key)
        if st.st_uid != 0 or st.st_mode & 0o077:
            raise AssertionError("%s is not root's alone (uid %d, mode "
                                 "%o)" % (key, st.st_uid, st.st_mode))


def check_process(g, pw):
    """Checks the ids, groups and capabilities of the running guard G
    against the user PW; returns its chroot's path as /proc shows it."""
    pid = g.child.proc.pid
    status = proc_status(pid)
    ids = {"Uid": [str(pw.pw_uid)] * 4, "Gid": [str(pw.pw_gid)] * 4}
    for field, want in ids.items():
        if status[field].split() != want:
            raise AssertionError("%s's %s: %s, expected %s" % (
                g.name, field, status[field], " ".join(want)))
    if pw.pw_uid != 0:
        if status["Groups"].split():
            raise AssertionError("%s kept the groups %s" % (
                g.name, status["Groups"]))
        for field in ("CapPrm", "CapEff"):
            if int(status[field], 16) != 0:
                raise AssertionError("%s's %s: %s" % (g.name, field,
                                                      status[field]))
    return os.readlink("/proc/%d/root" % pid)


@scenario("each guard runs chrooted as its user, without groups or "
          "capabilities, and still relays", modes=("guard", TWO_GUARDS,
                                                    EJABBERD))
async def privileges(ctx):
    # The drop must not stop the guard from carrying a stanza.
    other = "jo" if ctx.mode == EJABBERD else "bob"
    await deliver(ctx, ctx.user("alice"), ctx.user(other))
    await deliver(ctx, ctx.user(other), ctx.user("alice"))
    seen = []
    for g in ctx.world.guards.values():
        user = expected_user(g)
        pw = pwd.getpwnam(user)
        if os.geteuid() == 0:
            check_keys(g)
            jail, why = g.jail, None
            if g.address_sanitized():
                jail, why = None, "sanitizer"
        else:
            jail, why = None, "not-root"
        root = check_process(g, pw)
        if root != (jail or "/"):
            raise AssertionError("%s's root is %s, expected %s" % (
                g.name, root, jail or "/"))
        log_has(g.read_log(), r"^level=info event=privileges user=%s "
                r"uid=%d gid=%d chroot=%s$" % (
                    re.escape(user) if os.geteuid() == 0 else "-",
                    pw.pw_uid, pw.pw_gid,
                    re.escape(jail) if jail else "none reason=" + why),
                "%s's log" % g.name)
        if user == "root":
            log_has(g.read_log(), r"^level=warn event=run-as-root ",
                    "%s's log" % g.name)
        seen.append("%s as %s, chroot %s" % (g.name, user, root))
    return "; ".join(seen)
