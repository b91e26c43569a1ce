#!/bin/sh
# The build itself, from clean into a directory of its own (B=, G=):
# under make -j4 bison and xedgec, which write several files each, run
# exactly once (two runs at once write one file twice, as a parser.c full
# of NUL bytes once showed), the parallel build's parser is the serial
# build's, a build for another policy or role regenerates, and no #line
# directive in generated C names the temporary file it was written to.
# Prints TAP. Takes the repository root as $1 (default: the current one).
set -u
root=$(cd "${1:-.}" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xedge-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
# The make under test is this one alone, not a job slot of whatever make
# runs the tests.
unset MAKEFLAGS MFLAGS MAKELEVEL
b=$tmp/b

# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"

# build LOG ARG...: make ARG... for B=$b; its output goes to LOG.
build() {
	log=$1
	shift
	make -C "$root" --no-print-directory B="$b" G="$b/generated" "$@" \
	    > "$log" 2>&1 || {
		echo "# make $* failed:"
		tail -20 "$log" | sed 's/^/# /'
		return 1
	}
}

# runs LOG COMMAND: how many times make ran COMMAND (as echoed) in LOG.
runs() {
	grep -c "^$2 " "$1"
}

if ! build "$tmp/serial.log" -j1 "$b/compiler/parser.c" "$b/compiler/parser.h"
then
	result 1 "a serial build makes the parser"
	echo "1..$n"
	exit 0
fi
mkdir "$tmp/serial"
cp "$b/compiler/parser.c" "$b/compiler/parser.h" "$tmp/serial/"
rm -rf "$b"

build "$tmp/parallel.log" -j4 all
result $? "make -j4 builds xedgec and xedge from clean"
for gen in bison "$b/xedgec"; do
	count=$(runs "$tmp/parallel.log" "$gen")
	[ "$count" = 1 ]
	result $? "make -j4 runs $(basename "$gen") once (ran $count times)"
done
for f in parser.c parser.h; do
	cmp -s "$tmp/serial/$f" "$b/compiler/$f"
	result $? "make -j4 writes the $f of a serial build"
done
# The build remembers its policy: another POLICY makes another guard.
build "$tmp/other.log" -j4 POLICY=examples/two-guards-a.policy all
# shellcheck disable=SC2046 # the headers, one word each
grep -qs '^#define GEN_POLICY_NAME "two-guards-a"$' \
    $(sed -n "s|^GEN_H += |$b/generated/|p" "$b/generated/manifest.mk")
result $? "make POLICY=another.policy regenerates the policy's code"
# A policy with a pair builds the guard ROLE names; --version says which.
build "$tmp/role.log" -j4 POLICY=tests/compiler/ok/pair.policy \
    ROLE=b.pair.test all &&
    "$b/xedge" --version | grep -qx 'role edge b.pair.test'
result $? "make ROLE=guard builds that guard of the policy's pair"

# A #line naming a file that was renamed sends the reader nowhere.
grep -rl --include='*.[ch]' '^#line [0-9]* ".*\.tmp"' "$b" > "$tmp/tmpnames"
[ ! -s "$tmp/tmpnames" ]
result $? "no #line names a temporary file"
sed 's/^/# /' "$tmp/tmpnames"
echo "1..$n"
