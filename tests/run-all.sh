#!/bin/sh
# Runs every test suite and ends with exactly one line:
#
#   N passed, N failed
#
#   sh tests/run-all.sh UNIT_BIN...     (the Makefile's `make check`)
#
# Suites: each cmocka binary given (with CMOCKA_MESSAGE_OUTPUT=TAP), the
# compiler's (tests/compiler/run.sh build/xedgec), the policy tests' and
# xedge --replay's (tests/policy/run.sh: a policy whose tests fail yields
# no guard), the build's
# (tests/build.sh: a parallel build from clean), the reproducible build's
# (tests/repro.sh), the install's (tests/install.sh: `make install` and
# its systemd unit) and the integration suite (tests/integration/run.py,
# options from $INTEGRATION_ARGS, e.g. --direct). Every suite prints TAP;
# lines starting "ok " pass and lines starting "not ok " fail, except
# those marked "# SKIP" or "# TODO" (counted apart). Comment lines
# ("# ...", such as cmocka's group summaries "# ok - group") count for
# nothing. A suite that crashes, times out, exits non-zero without a
# failing line, or prints no result adds one failure of its own. Exits 1
# if anything failed.
#
# Output goes straight through (no terminal needed, nothing read from
# stdin); the failing lines are listed again, by suite, before the count.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xedge-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

passed=0
failed=0
skipped=0
: > "$tmp/failures"

# Reports a failure that the suite itself did not print.
suite_failure() {
	echo "not ok - $*" | tee -a "$tmp/failures"
	failed=$((failed + 1))
}

# run_suite NAME SECONDS COMMAND...: runs COMMAND for at most SECONDS,
# showing its output, and adds its results to the totals.
run_suite() {
	name=$1
	limit=$2
	shift 2
	echo "# ==== $name"
	# The status travels through a file: in a pipeline, $? is tee's.
	{
		timeout -k 10 "$limit" "$@" < /dev/null 2>&1
		echo $? > "$tmp/status"
	} | tee "$tmp/out"
	status=$(cat "$tmp/status")
	# shellcheck disable=SC2046 # three numbers
	set -- $(awk '
		/^ok / || /^not ok / {
			if ($0 ~ /#[ \t]*(SKIP|skip|TODO|todo)/) s++
			else if ($0 ~ /^ok /) p++
			else f++
		}
		END { print p + 0, f + 0, s + 0 }' "$tmp/out")
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + $3))
	grep '^not ok ' "$tmp/out" | grep -v '#[[:space:]]*\(SKIP\|skip\|TODO\|todo\)' |
	    sed "s|^|$name: |" >> "$tmp/failures"
	if [ "$status" -eq 124 ]; then
		suite_failure "$name timed out after ${limit}s"
	elif [ "$status" -gt 128 ]; then
		suite_failure "$name crashed or was killed" \
		    "(signal $((status - 128)))"
	elif [ "$status" -ne 0 ] && [ "$2" -eq 0 ]; then
		suite_failure "$name exited with status $status"
	elif [ $(($1 + $2 + $3)) -eq 0 ]; then
		suite_failure "$name printed no test result"
	fi
}

for bin in "$@"; do
	if [ ! -x "$bin" ]; then
		suite_failure "$bin is missing"
		continue
	fi
	run_suite "$(basename "$bin")" 300 env CMOCKA_MESSAGE_OUTPUT=TAP "$bin"
done

if [ -x build/xedgec ]; then
	run_suite compiler 600 sh tests/compiler/run.sh build/xedgec
else
	suite_failure "compiler: build/xedgec is missing"
fi

run_suite policy-tests 300 sh tests/policy/run.sh .
run_suite build 300 sh tests/build.sh .

run_suite reproducible-build 600 sh tests/repro.sh .
run_suite install 300 sh tests/install.sh .

# shellcheck disable=SC2086 # options, one word each
run_suite integration 900 /usr/bin/python3 tests/integration/run.py \
    ${INTEGRATION_ARGS:-}

if [ -s "$tmp/failures" ]; then
	echo "# ==== failures"
	sed 's/^/# /' "$tmp/failures"
fi
if [ "$skipped" -gt 0 ]; then
	echo "# $skipped skipped"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
