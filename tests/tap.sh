# shellcheck shell=sh
# TAP for the shell suites, sourced: `result STATUS NAME` prints "ok N -
# NAME" when STATUS is 0, else "not ok N - NAME"; $n counts the results
# for the plan line, "1..$n".
n=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
