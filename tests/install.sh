#!/bin/sh
# The install check: `make install PREFIX=/usr DESTDIR=STAGE` puts the
# binaries, the man pages, the systemd unit (naming /usr/bin/xedge) and
# the default chroot directory /var/empty under STAGE, and the unit
# passes `systemd-analyze verify` and `systemd-analyze security` with an
# exposure of at most 3.0 ("OK"). Prints TAP. Takes the repository root
# as $1 (default: the current one); the default policy's build must be
# there (make check builds it first).
set -u
root=${1:-.}
# The make under test is this one alone, not a job slot of whatever make
# runs the tests.
unset MAKEFLAGS MFLAGS MAKELEVEL
stage=$(mktemp -d /tmp/xedge-install.XXXXXX)
trap 'rm -rf "$stage"' EXIT INT TERM

# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"

make -s -C "$root" install PREFIX=/usr DESTDIR="$stage" >"$stage.log" 2>&1
result $? "make install PREFIX=/usr DESTDIR=STAGE"
sed 's/^/# /' "$stage.log" | tail -20
rm -f "$stage.log"

missing=
for f in usr/bin/xedge usr/bin/xedgec usr/share/man/man1/xedgec.1 \
    usr/share/man/man5/xedge.policy.5 usr/share/man/man8/xedge.8 \
    usr/lib/systemd/system/xedge.service; do
	[ -f "$stage/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
result $? "binaries, man pages and the systemd unit are installed${missing:+ (missing:$missing)}"

[ "$(stat -c %a "$stage/var/empty" 2>/dev/null)" = 755 ]
result $? "the default chroot directory var/empty is made, mode 755"

unit=$stage/usr/lib/systemd/system/xedge.service
grep -qx 'ExecStart=/usr/bin/xedge -s /etc/xedge/site.conf' "$unit"
result $? "the unit starts PREFIX/bin/xedge"

if ! command -v systemd-analyze >/dev/null; then
	echo "ok $((n + 1)) - systemd-analyze verify # SKIP no systemd-analyze"
	echo "ok $((n + 2)) - systemd-analyze security # SKIP no systemd-analyze"
	echo "1..$((n + 2))"
	exit 0
fi
# verify wants the binary where ExecStart says: the staged one stands in
# for /usr/bin/xedge. The man page is not in the system's man database.
# verify exits 0 after a misspelt key or a bad value, which it only
# warns of: any output is a failure.
sed "s|^ExecStart=/usr/bin/xedge|ExecStart=$stage/usr/bin/xedge|" "$unit" \
    > "$stage/xedge.service"
systemd-analyze verify --man=no "$stage/xedge.service" > "$stage/verify" 2>&1 &&
    [ ! -s "$stage/verify" ]
result $? "systemd-analyze verify accepts the unit without a warning"
sed 's/^/# /' "$stage/verify"
systemd-analyze security --offline=true --threshold=30 \
    "$stage/xedge.service" > "$stage/security" 2>&1
result $? "systemd-analyze security: exposure at most 3.0"
grep 'Overall exposure' "$stage/security" | sed 's/^/# /'
echo "1..$n"
