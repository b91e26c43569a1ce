#!/bin/sh
# Runs libFuzzer targets one after the other (`make fuzz`):
#
#   sh tests/fuzz/run.sh DIR SECONDS TARGET...
#
# Target NAME is the binary DIR/fuzz_NAME, run for SECONDS with the
# dictionary tests/fuzz/NAME/dict, seeded from tests/fuzz/NAME/corpus, with
# the libFuzzer flags (and further seed directories) that the one line of
# tests/fuzz/NAME/options holds. New inputs collect in DIR/NAME/corpus, an
# input that crashes, leaks or hangs is saved in DIR/NAME/, and the whole
# output goes to DIR/NAME/log. Prints one line per target: the executions
# run and what was found. Exits 1 if any target found something.
set -u

if [ $# -lt 3 ]; then
	echo "usage: sh tests/fuzz/run.sh DIR SECONDS TARGET..." >&2
	exit 2
fi
dir=$1
seconds=$2
shift 2
status=0

for t in "$@"; do
	work=$dir/$t
	mkdir -p "$work/corpus"
	options=
	[ -f "tests/fuzz/$t/options" ] && options=$(cat "tests/fuzz/$t/options")
	seeds=
	[ -d "tests/fuzz/$t/corpus" ] && seeds=tests/fuzz/$t/corpus
	# libFuzzer adds what it learns to the first directory it is given:
	# the work corpus, never a seed directory in the tree. Word splitting
	# of the options and seeds is wanted.
	# shellcheck disable=SC2086
	"$dir/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 \
	    -dict="tests/fuzz/$t/dict" -artifact_prefix="$work/" \
	    "$work/corpus" $options $seeds > "$work/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	added=$(sed -n 's/^stat::new_units_added: *//p' "$work/log")
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/log" |
	    tail -n 1)
	if [ $rc -eq 0 ] && [ -z "$artifact" ]; then
		echo "fuzz $t: ${runs:-?} executions in $seconds s," \
		    "${added:-?} new inputs: nothing found"
		continue
	fi
	status=1
	what=$(grep -m 1 -E '^(SUMMARY|==[0-9]+== ?ERROR)' \
	    "$work/log")
	echo "fuzz $t: ${runs:-?} executions: FOUND ${what:-exit status $rc}"
	echo "fuzz $t: input ${artifact:-not saved}, output $work/log"
done
exit $status
