# Sourced by tests/bench/run.sh, with its helpers and settings: the guard
# pair of tests/bench/bench-pair.policy (edge A, the validator, edge B,
# all three on the guard's core) carrying the same load as the plain
# single guard, in alternating rounds. Sets PAIR (the pair's best rate
# over the single guard's), PAIR_RATE and PAIR_SINGLE, or leaves PAIR
# empty when it could not run.

PAIR=
PAIR_A_HOST=127.0.77.11
PAIR_B_HOST=127.0.77.12
PAIR_V_HOST=127.0.77.13
# Its own copy of the policy: the pair block's paths and the validator's
# address are the bench's.
sed "s|\"certs/|\"$T/|g; s|listen 127.0.0.1 port 5270|listen $PAIR_V_HOST port $PORT|" \
    tests/bench/bench-pair.policy > "$T/bench-pair.policy"
pair_built=yes
for role in v a b; do
	build_guard "$T/bench-pair.policy" pair-$role $role.pair.bench \
	    >> "$T/pair.build" 2>&1 || pair_built=
done
if [ -n "$GUARD_RATE" ] && [ -n "$pair_built" ]; then
	echo "== guard pair: the same load, in turn through the single guard" \
	    "and through edge A, the validator and edge B (one core)"
	site "" > "$T/site-pair-v"
	# Edge A reaches partner through the validator: no peer line.
	site $PAIR_A_HOST | grep -v '^peer ' > "$T/site-pair-a"
	site $PAIR_B_HOST > "$T/site-pair-b"
	for role in v a b; do
		$PIN_SUT "$T/pair-$role/xedge" -s "$T/site-pair-$role" \
		    2> "$T/xedge-pair-$role.log" &
		PIDS="$PIDS $!"
		eval "XEDGE_PAIR_$role=\$!"
	done
	if wait_listen $PAIR_V_HOST "$PORT" && wait_listen $PAIR_A_HOST "$PORT" &&
	    wait_listen $PAIR_B_HOST "$PORT"; then
		# Both edges' links to the validator are up once a stanza
		# crosses: a short load first.
		load pair-warm --connect "$PAIR_A_HOST:$PORT" --duration 1 ||
		    { cat "$T"/xedge-pair-*.log; fail "load through the pair"; }
		rounds "single:$GUARD_HOST:$XEDGE pair:$PAIR_A_HOST:$XEDGE_PAIR_a"
		PAIR_SINGLE=$(best_rate single)
		PAIR_RATE=$(best_rate pair)
		PAIR=$(awk "BEGIN { printf \"%.3f\", $PAIR_RATE / $PAIR_SINGLE }")
	else
		cat "$T"/xedge-pair-*.log
		echo "== guard pair: did not listen, skipped"
	fi
	# shellcheck disable=SC2154 # set by the eval above
	kill "$XEDGE_PAIR_v" "$XEDGE_PAIR_a" "$XEDGE_PAIR_b"
	wait "$XEDGE_PAIR_v" "$XEDGE_PAIR_a" "$XEDGE_PAIR_b" 2>/dev/null
	for role in v a b; do
		if grep -q . "$T/xedge-pair-$role.log"; then
			echo "xedge log, pair $role (warnings and errors):"
			tail -n 10 "$T/xedge-pair-$role.log"
		fi
	done
elif [ -n "$GUARD_RATE" ]; then
	cat "$T/pair.build"
	echo "== guard pair: could not be built, skipped"
fi
