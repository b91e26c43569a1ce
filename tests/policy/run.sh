#!/bin/sh
# A policy's tests and xedge --replay: tests/policy/run.sh [ROOT]
#
#   failing.policy   its tests fail: the build (make, into a tree of its
#                    own) must fail, print exactly failing.err (the lines
#                    of the failing tests) and leave no guard, not even
#                    the one an earlier build left
#   examples/*.policy   each builds (into a tree of its own), its tests
#                    passing; single-edge.policy is the default build's;
#                    a policy whose first line is "# role: GUARD..." (a
#                    guard pair) builds once for each guard, ROLE=GUARD
#   replay.xml       build/xedge --replay must print replay.out, and with
#                    --from partner replay-from.out; both for the default
#                    policy, examples/single-edge.policy (skipped for
#                    another); files that end inside a stanza or do not
#                    parse, and an unknown peer, fail with a message
#
# Prints TAP; exits 0 whatever the results (the summary counts them).
set -u
root=$(cd "${1:-.}" && pwd)
here=$root/tests/policy
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xedge-policy-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
# The make under test is this one alone, not a job slot of whatever make
# runs the tests.
unset MAKEFLAGS MFLAGS MAKELEVEL
b=$tmp/b

# shellcheck source=tests/tap.sh
. "$root/tests/tap.sh"

# same NAME EXPECTED ACTUAL: a result, with the difference on failure.
# Lines of examples/ policies are left out: editing the example's
# filters moves them, and the rule's name says what matters.
same() {
	unlines "$2" > "$tmp/want.cmp"
	unlines "$3" > "$tmp/got.cmp"
	if diff -u "$tmp/want.cmp" "$tmp/got.cmp" > "$tmp/diff" 2>&1; then
		result 0 "$1"
	else
		result 1 "$1"
		sed 's/^/# /' "$tmp/diff"
	fi
}

unlines() {
	sed 's|\(examples/[a-z-]*\.policy\):[0-9]*|\1:N|g' "$1"
}

# A guard an earlier build left, older than everything it is made of.
mkdir -p "$b"
echo stale > "$b/xedge"
touch -d '2000-01-01' "$b/xedge"
make -C "$root" --no-print-directory -j2 B="$b" G="$b/generated" \
    POLICY=tests/policy/failing.policy "$b/xedge" > "$tmp/log" \
    2> "$tmp/stderr"
status=$?
[ $status -ne 0 ]
result $? "a policy whose tests fail fails the build (status $status)"
[ ! -e "$b/xedge" ] && [ ! -e "$b/xedge.tmp" ]
result $? "a policy whose tests fail leaves no guard"
# What the build printed on stderr, but make's own last word.
grep -v '^make' "$tmp/stderr" > "$tmp/err"
same "the build says which tests failed, and how" "$here/failing.err" \
    "$tmp/err"
grep -qx 'policy failing: 9 tests, 2 passed, 7 failed' "$tmp/log"
result $? "the build counts the tests"

# Every other example builds into a guard, and its own tests pass (the
# build runs them, and fails if one does).
# A guard pair's policy names its guards on its first line, as the
# compiler tests' policies do, and builds once for each.
for ex in "$root"/examples/*.policy; do
	name=$(basename "$ex" .policy)
	[ "$name" = single-edge ] && continue
	roles=$(sed -n '1s/^# role: //p' "$ex")
	for role in ${roles:--}; do
		as=
		[ "$role" = - ] || as=" (role $role)"
		make -C "$root" --no-print-directory -j2 B="$tmp/ex-$name" \
		    G="$tmp/ex-$name/generated" POLICY="examples/$name.policy" \
		    ROLE="${role#-}" "$tmp/ex-$name/xedge" > "$tmp/ex.log" 2>&1
		result $? "examples/$name.policy$as builds, its tests passing"
		grep '^policy .* tests, .* passed, 0 failed$' "$tmp/ex.log" |
		    sed 's/^/# /'
		rm -rf "$tmp/ex-$name"
	done
done

xedge=$root/build/xedge
if ! "$xedge" --version 2> /dev/null | grep -qx 'policy single-edge'; then
	echo "ok - replay # SKIP build/xedge is not built for single-edge"
	echo "1..$((n + 1))"
	exit 0
fi
cd "$root" || exit 0
"$xedge" --test > "$tmp/out" 2> "$tmp/err"
[ $? -eq 0 ] && [ ! -s "$tmp/err" ]
result $? "the example policy's tests pass"
"$xedge" --replay tests/policy/replay.xml > "$tmp/out" 2> "$tmp/err"
[ $? -eq 0 ] && [ ! -s "$tmp/err" ]
result $? "--replay reads the file"
same "--replay prints each verdict, rule and output" "$here/replay.out" \
    "$tmp/out"
"$xedge" --replay tests/policy/replay.xml --from partner > "$tmp/out"
same "--replay --from runs every stanza as the peer's" \
    "$here/replay-from.out" "$tmp/out"

# refused NAME MESSAGE ARG...: xedge ARG... fails with exactly MESSAGE.
refused() {
	name=$1
	echo "$2" > "$tmp/want"
	shift 2
	"$xedge" "$@" > /dev/null 2> "$tmp/err"
	status=$?
	if [ $status -eq 1 ]; then
		same "$name" "$tmp/want" "$tmp/err"
	else
		result 1 "$name (status $status)"
	fi
}
printf "<message from='a@a.example' to='b@b.example'/>\n<message " \
    > "$tmp/cut.xml"
refused "--replay of a file that ends inside a stanza fails" \
    "xedge: $tmp/cut.xml: the file ends inside stanza 2" \
    --replay "$tmp/cut.xml"
printf "<message from='a@a.example' to='b@b.example'><body></message>" \
    > "$tmp/bad.xml"
refused "--replay of a stanza that does not parse fails" \
    "xedge: $tmp/bad.xml: stanza 1: not-well-formed (mismatched end tag)" \
    --replay "$tmp/bad.xml"
refused "--replay from an unknown peer fails" \
    "xedge: no peer 'nobody' in policy single-edge" \
    --replay tests/policy/replay.xml --from nobody
echo "1..$n"
exit 0
