#!/bin/sh
# The reproducible-build check: the committed tree, cloned into two
# directories whose paths differ in name and length, must give
# byte-identical build/xedgec and build/xedge for the default policy.
# Prints TAP. Takes the repository root as $1 (default: the current one).
set -u
root=${1:-.}
work=$(mktemp -d /tmp/xedge-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"

for d in one a-much-longer-directory-name; do
	if ! git clone -q "$root" "$work/$d" ||
	    ! make -s -C "$work/$d" build/xedgec build/xedge >"$work/$d.log" 2>&1
	then
		echo "# build in $work/$d failed:"
		sed 's/^/# /' "$work/$d.log" | tail -20
		result 1 "two checkouts build"
		echo "1..$n"
		exit 0
	fi
done
result 0 "two checkouts build"
for f in xedgec xedge; do
	cmp -s "$work/one/build/$f" "$work/a-much-longer-directory-name/build/$f"
	result $? "build/$f is byte-identical across checkouts"
done
# Only committed files count: a build of uncommitted changes proves nothing.
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]; then
	echo "# note: uncommitted changes are not part of this check"
fi
echo "1..$n"
