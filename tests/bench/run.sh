#!/bin/sh
# make bench: throughput, latency and memory of the guard, each beside the
# same figure for a plain TCP relay measured in the same run.
#
# The load generator (tests/bench/loadgen.c) runs the source and the sink
# of XMPP server-to-server streams in one process, with TLS end to end:
#
#   relay:  source -> socat (TCP) -> sink         what the set-up allows
#   guard:  source -> xedge (bench.policy) -> sink
#   pair:   source -> edge A -> validator -> edge B -> sink (pair.sh)
#
# The relay or the guard is pinned to one core and the load generator to
# the other. This is a benchmark, not a test: a missed target prints MISS
# and the script still exits 0; it exits 1 only when something fails to
# run. Everything is on loopback and every step is bounded in time.
#
# The status page's HTTP clients (tests/bench/webclient.py) need
# /usr/bin/python3; without it that comparison is skipped.
#
# Environment: BENCH_DURATION (seconds measured per run, default 5),
# BENCH_STREAMS (source streams per run, default 1), BENCH_IDLE (idle
# streams for the memory figure, default 1000), BENCH_COMPARE_ROUNDS
# (rounds of each guard in the comparisons of controls and labels,
# default 5), BENCH_ROUNDS (latency
# rounds, default 5), BENCH_LAT_DURATION (seconds per round, default 2),
# CC, BENCH_LDLIBS (the guard's libraries; `make bench` passes the
# Makefile's).

set -u
cd "$(dirname "$0")/../.." || exit 1

DURATION=${BENCH_DURATION:-5}
STREAMS=${BENCH_STREAMS:-1}
IDLE=${BENCH_IDLE:-1000}
ROUNDS=${BENCH_ROUNDS:-5}
COMPARE_ROUNDS=${BENCH_COMPARE_ROUNDS:-5}
LAT_DURATION=${BENCH_LAT_DURATION:-2}
CC=${CC:-cc}
LDLIBS=${BENCH_LDLIBS:--lssl -lcrypto -lresolv -pthread}
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wshadow \
-Wstrict-prototypes -Wmissing-prototypes"

# Addresses of our own in 127.0.0.0/8 and a port from our PID keep a
# concurrent test suite's listeners out of the way.
PORT=$((20000 + $$ % 20000))
SINK=127.0.77.1:$PORT
RELAY_HOST=127.0.77.2
GUARD_HOST=127.0.77.3
CONTROLS_HOST=127.0.77.4
NOWORDS_HOST=127.0.77.5
LABELS_HOST=127.0.77.6
STATUS_HOST=127.0.77.7
STATUS_PORT=$((PORT + 1))
# The status page's HTTP clients: the poller and the slow clients, from
# addresses of their own (MHD limits connections per address too).
WEB_SOURCES="127.0.77.8 127.0.77.9 127.0.77.10"
PYTHON=/usr/bin/python3

LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
T=$(mktemp -d /tmp/xedge-bench.XXXXXX) || exit 1
PIDS=
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "bench: $*" >&2
	exit 1
}

# The value of KEY on the "result" (or "ready") line in FILE.
field() {
	sed -n "s/^$3.* $2=\([^ ]*\).*/\1/p" "$1" | tail -n 1
}

# The best (lowest) and the median value of KEY over the latency rounds
# NAME-*: other work on the machine only adds latency, so the best round
# is the closest to what the path itself costs.
best() {
	for f in "$T/$1"-*.out; do
		field "$f" "$2" result
	done | sort -n | head -n 1
}
median() {
	for f in "$T/$1"-*.out; do
		field "$f" "$2" result
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Pins to a core when there are two; the figures assume it.
if [ "$(nproc)" -ge 2 ]; then
	PIN_SUT="taskset -c 0"
	PIN_GEN="taskset -c 1"
else
	PIN_SUT=
	PIN_GEN=
	echo "note: fewer than 2 cores: nothing is pinned, figures are low"
fi

# ---- certificates: a test CA, a.example and b.example, and the guards
# of the pair (pair.sh) -----------------------------------------------
certs() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$T/ca.key" -out "$T/ca.pem" -days 2 \
	    -subj "/CN=xedge bench CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign || return 1
	for d in a.example b.example a.pair.bench b.pair.bench v.pair.bench
	do
		printf '%s\n' "basicConstraints=critical,CA:FALSE" \
		    "keyUsage=critical,digitalSignature" \
		    "extendedKeyUsage=serverAuth,clientAuth" \
		    "subjectAltName=DNS:$d" > "$T/$d.ext"
		openssl req -new -newkey ec \
		    -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		    -keyout "$T/$d.key" -out "$T/$d.csr" -subj "/CN=$d" &&
		openssl x509 -req -in "$T/$d.csr" -CA "$T/ca.pem" \
		    -CAkey "$T/ca.key" -CAcreateserial -days 2 \
		    -extfile "$T/$d.ext" -out "$T/$d.pem" || return 1
	done
}
certs > "$T/certs.log" 2>&1 || { cat "$T/certs.log"; fail "certificates"; }

$CC $CFLAGS -o "$T/loadgen" tests/bench/loadgen.c tests/bench/loadgen_conn.c \
    tests/bench/loadgen_scan.c tests/bench/loadgen_hist.c \
    tests/bench/loadgen_source.c tests/bench/loadgen_sink.c \
    tests/bench/loadgen_tls.c -lssl -lcrypto ||
    fail "cannot build the load generator"
LOADGEN="$PIN_GEN $T/loadgen --ca $T/ca.pem \
--source-cert $T/a.example.pem --source-key $T/a.example.key \
--sink-cert $T/b.example.pem --sink-key $T/b.example.key"

# Runs the source and sink through HOST:PORT; the rest are loadgen
# options. Writes the output to $T/$NAME.out.
load() {
	name=$1
	shift
	timeout $((DURATION + 60)) $LOADGEN --listen "$SINK" \
	    --streams "$STREAMS" --duration "$DURATION" "$@" \
	    > "$T/$name.out" 2> "$T/$name.err" ||
	    { cat "$T/$name.err" >&2; return 1; }
}

# Waits up to 5 s for a TCP listener on HOST PORT.
wait_listen() {
	i=0
	while [ $i -lt 50 ]; do
		ss -Hltn "src $1 and sport = :$2" 2>/dev/null | grep -q . &&
		    return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# A field (VmRSS, VmHWM) of the guard's /proc status, in kB.
rss() {
	awk "/^$1:/ { print \$2 }" "/proc/$XEDGE/status"
}

# The CPU time so far (user and system) of the guard, or of process $1,
# in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/${1:-$XEDGE}/stat"
}

# The guard's open descriptors.
fds() {
	ls "/proc/$XEDGE/fd" | wc -l
}

# ---- tokenizer ----------------------------------------------------------
# The Makefile builds the tokenizer's own benchmark (tests/bench/xml_bench.c);
# its first "N MB/s" is the tokenizer alone (later ones add serializing).
# Three runs, the best counts: a shared VM only ever slows a run down.
TOKENIZER=
if [ -x build/bench/xml_bench ]; then
	echo "== tokenizer (build/bench/xml_bench, best of 3)"
	for _ in 1 2 3; do
		timeout 120 $PIN_GEN build/bench/xml_bench > "$T/xml.out" 2>&1 ||
		    { cat "$T/xml.out"; fail "build/bench/xml_bench failed"; }
		cat "$T/xml.out"
		mbs=$(sed -n 's/.*[^0-9.]\([0-9.][0-9.]*\) MB\/s.*/\1/p' \
		    "$T/xml.out" | head -n 1)
		if [ -z "$TOKENIZER" ] ||
		    awk "BEGIN { exit !($mbs > $TOKENIZER) }"; then
			TOKENIZER=$mbs
		fi
	done
else
	echo "== tokenizer: no build/bench/xml_bench (make bench builds it), skipped"
fi

# ---- relay: the floor ---------------------------------------------------
echo "== relay: source -> socat -> sink, TLS end to end"
$PIN_SUT socat -b 65536 \
    "TCP-LISTEN:$PORT,bind=$RELAY_HOST,reuseaddr,fork,nodelay" \
    "TCP:$SINK,nodelay" 2> "$T/socat.err" &
PIDS="$PIDS $!"
wait_listen $RELAY_HOST "$PORT" || fail "socat did not listen"
load relay --connect "$RELAY_HOST:$PORT" || fail "load through the relay"
sed -n 's/^result /relay throughput: /p' "$T/relay.out"
RELAY_RATE=$(field "$T/relay.out" rate result)

# ---- guard --------------------------------------------------------------
# A guard for policy $1 as $T/$2/xedge, built beside the default one from
# the same runtime objects and flags; $3, if given, names the guard of a
# pair to build.
build_guard() {
	[ -x build/xedgec ] && [ -f build/libxedge.a ] || return 1
	mkdir -p "$T/$2/gen" &&
	build/xedgec ${3:+--role "$3"} -o "$T/$2/gen" "$1" || return 1
	for rl in "$T/$2"/gen/*.rl; do
		[ -f "$rl" ] || continue
		ragel -G2 -o "${rl%.rl}.c" "$rl" || return 1
	done
	# As the Makefile does: the words' machine at -O1.
	$CC $CFLAGS -O1 -Iruntime -c -o "$T/$2/gen/text.o" \
	    "$T/$2/gen/text.c" || return 1
	rm "$T/$2/gen/text.c"
	$CC $CFLAGS -Iruntime -Iweb -I"$T/$2/gen" -o "$T/$2/xedge" runtime/main.c \
	    "$T/$2"/gen/*.c "$T/$2/gen/text.o" build/libxedge.a $LDLIBS
}

# The site file of a guard listening on host $1 and dialling the sink
# for its peer partner; with $1 empty, of a guard that does neither (a
# pair's validator).
site() {
	cat <<-EOF
	$chroot_line
	${1:+listen $1 $PORT}
	${1:+peer partner ${SINK%:*} ${SINK#*:}}
	certificate a.example $T/a.example.pem $T/a.example.key
	certificate b.example $T/b.example.pem $T/b.example.key
	ca $T/ca.pem
	log stderr
	log-level warn
	EOF
}

GUARD_RATE=
IDLE_KIB=
HWM=
if ! build_guard tests/bench/bench.policy plain > "$T/guard.build" 2>&1
then
	cat "$T/guard.build"
	echo "== guard: could not be built for bench.policy, skipped"
else
	# Started as root, the guard becomes its default user, chrooted to an
	# empty directory of the bench's own (/var/empty may not exist);
	# started as another user, it can do neither and must not be asked.
	mkdir -m 755 "$T/empty"
	chroot_line=
	[ "$(id -u)" -ne 0 ] || chroot_line="chroot $T/empty"
	site $GUARD_HOST > "$T/site"
	echo "== guard: source -> xedge -> sink, TLS and SASL EXTERNAL both sides"
	# One descriptor per idle stream, and a few to spare (dash and bash
	# know ulimit -n and -H).
	# shellcheck disable=SC3045
	ulimit -n "$(ulimit -Hn)" 2>/dev/null
	$PIN_SUT "$T/plain/xedge" -s "$T/site" 2> "$T/xedge.log" &
	XEDGE=$!
	PIDS="$PIDS $XEDGE"
	wait_listen $GUARD_HOST "$PORT" ||
	    { cat "$T/xedge.log"; fail "xedge did not listen"; }

	# Memory per idle authenticated stream: a few streams first, so that
	# one-time allocations (TLS contexts, tables) are not counted.
	timeout 60 $LOADGEN --connect "$GUARD_HOST:$PORT" --streams 16 \
	    --idle 0 > "$T/warm.out" 2> "$T/warm.err" ||
	    { cat "$T/warm.err" "$T/xedge.log"; fail "idle streams"; }
	before=$(rss VmRSS)
	fds_before=$(fds)
	timeout 90 $LOADGEN --connect "$GUARD_HOST:$PORT" --streams "$IDLE" \
	    --idle 3 > "$T/idle.out" 2> "$T/idle.err" &
	IDLE_PID=$!
	i=0
	while ! grep -qs '^ready' "$T/idle.out" && [ $i -lt 600 ] &&
	    kill -0 $IDLE_PID 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	after=$(rss VmRSS)
	wait $IDLE_PID ||
	    { cat "$T/idle.err" "$T/xedge.log"; fail "idle streams"; }
	IDLE_KIB=$(awk "BEGIN { printf \"%.1f\", ($after - $before) / $IDLE }")
	echo "idle: $IDLE authenticated streams in" \
	    "$(field "$T/idle.out" seconds ready) s; VmRSS ${before} kB ->" \
	    "${after} kB"
	# The next figures want a guard that has closed the idle streams.
	i=0
	while [ "$(fds)" -gt "$fds_before" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "idle: the guard closed them within $((i / 10)).$((i % 10)) s" \
	    "of their end ($(fds) descriptors open, $fds_before before)"

	# Stanzas per CPU-second of the guard: a figure that other work on
	# the guard's core does not lower as much as it lowers the rate.
	ticks=$(cpu_ticks)
	load guard --connect "$GUARD_HOST:$PORT" ||
	    { cat "$T/xedge.log"; fail "load through the guard"; }
	ticks=$(($(cpu_ticks) - ticks))
	sed -n 's/^result /guard throughput: /p' "$T/guard.out"
	GUARD_RATE=$(field "$T/guard.out" rate result)
	GUARD_CPU_RATE=$(awk "BEGIN { printf \"%d\", \
	    $(field "$T/guard.out" sent result) * $(getconf CLK_TCK) / \
	    ($ticks > 0 ? $ticks : 1) }")
	echo "guard CPU: $ticks ticks for the run, $GUARD_CPU_RATE stanzas" \
	    "per CPU-second"
fi

# ---- latency at half the guard's rate -----------------------------------
# Other work on the machine shows in the tail of the latency, so relay and
# guard alternate over several short rounds; the summary compares their
# best rounds and shows the medians beside them.
# Without a guard, half of the throughput target stands in for its rate.
LAT_RATE=$(awk "BEGIN { r = ${GUARD_RATE:-200000} / 2;
    printf \"%d\", r < 1 ? 1 : r }")
echo "== latency at $LAT_RATE stanzas/s, $ROUNDS rounds"
round=1
while [ $round -le "$ROUNDS" ]; do
	load relay-lat-$round --connect "$RELAY_HOST:$PORT" \
	    --rate "$LAT_RATE" --duration "$LAT_DURATION" ||
	    fail "latency through the relay"
	sed -n "s/^result .*\( p50_us=.* max_us=[0-9]*\).*/relay round $round:\1/p" \
	    "$T/relay-lat-$round.out"
	if [ -n "$GUARD_RATE" ]; then
		load guard-lat-$round --connect "$GUARD_HOST:$PORT" \
		    --rate "$LAT_RATE" --duration "$LAT_DURATION" ||
		    { cat "$T/xedge.log"; fail "latency through the guard"; }
		sed -n "s/^result .*\( p50_us=.* max_us=[0-9]*\).*/guard round $round:\1/p" \
		    "$T/guard-lat-$round.out"
	fi
	round=$((round + 1))
done
# COMPARE_ROUNDS rounds of the load through each guard of $1 in turn
# (the best of each counts: other work only ever slows a round), each a
# NAME:HOST:PID; the other arguments go to the load generator. Each
# round's stanzas per CPU-second of the guard go to $T/rounds-NAME.
# round_begin NAME and round_end NAME run around each round's load: a
# comparison that needs something beside the load (a client of the
# status page) defines them, and puts them back after.
round_begin() { :; }
round_end() { :; }
rounds() {
	guards=$1
	shift
	round=1
	while [ $round -le "$COMPARE_ROUNDS" ]; do
		for spec in $guards; do
			g=${spec%%:*}
			host=${spec#*:}
			pid=${host#*:}
			host=${host%%:*}
			round_begin "$g" || fail "before a round of $g"
			ticks=$(cpu_ticks "$pid")
			load "$g-$round" --connect "$host:$PORT" "$@" ||
			    fail "load through the $g guard"
			ticks=$(($(cpu_ticks "$pid") - ticks))
			round_end "$g" || fail "after a round of $g"
			echo "$g round $round: $(field "$T/$g-$round.out" \
			    rate result) stanzas/s, $(awk "BEGIN { printf \
			    \"%d\", $(field "$T/$g-$round.out" sent result) \
			    * $(getconf CLK_TCK) / ($ticks > 0 ? $ticks : 1) \
			    }") per CPU-second" | tee -a "$T/rounds-$g"
		done
		round=$((round + 1))
	done
}

# The best of guard NAME's rounds, in stanzas per CPU-second.
best_round() {
	sed 's/.*, \([0-9]*\) per.*/\1/' "$T/rounds-$1" | sort -n | tail -n 1
}

# The best of guard NAME's rounds, in stanzas per second.
best_rate() {
	sed 's/.*: \([0-9]*\) stanzas\/s.*/\1/' "$T/rounds-$1" | sort -n |
	    tail -n 1
}

# ---- content controls ---------------------------------------------------
# The same guard with every content control on (bench-controls.policy),
# and with all of them but its words and patterns, against the plain one,
# in alternating rounds on the same core: what the controls cost on
# traffic that mostly passes, as a trunk carries (chat messages with a
# body, which every filter walks and every word list reads). Stanzas per
# CPU-second of each, the best of its rounds.
CONTROLS=
sed '/^\twords /,/;$/d; /^\tpattern /d' tests/bench/bench-controls.policy \
    > "$T/bench-nowords.policy"
if [ -n "$GUARD_RATE" ] &&
    build_guard tests/bench/bench-controls.policy controls \
    > "$T/controls.build" 2>&1 &&
    build_guard "$T/bench-nowords.policy" nowords \
    >> "$T/controls.build" 2>&1; then
	echo "== content controls: the same load, in turn plain, with every" \
	    "control but words, with every control"
	site $CONTROLS_HOST > "$T/site-controls"
	$PIN_SUT "$T/controls/xedge" -s "$T/site-controls" \
	    2> "$T/xedge-controls.log" &
	XEDGE_CONTROLS=$!
	site $NOWORDS_HOST > "$T/site-nowords"
	$PIN_SUT "$T/nowords/xedge" -s "$T/site-nowords" \
	    2> "$T/xedge-nowords.log" &
	XEDGE_NOWORDS=$!
	PIDS="$PIDS $XEDGE_CONTROLS $XEDGE_NOWORDS"
	wait_listen $CONTROLS_HOST "$PORT" && wait_listen $NOWORDS_HOST "$PORT" ||
	    { cat "$T"/xedge-*.log; fail "xedge did not listen"; }
	rounds "plain:$GUARD_HOST:$XEDGE nowords:$NOWORDS_HOST:$XEDGE_NOWORDS \
	    controls:$CONTROLS_HOST:$XEDGE_CONTROLS"
	kill "$XEDGE_CONTROLS" "$XEDGE_NOWORDS"
	wait "$XEDGE_CONTROLS" "$XEDGE_NOWORDS" 2>/dev/null
	CTRL_PLAIN=$(best_round plain)
	CTRL_NOWORDS=$(best_round nowords)
	CTRL_ON=$(best_round controls)
	CONTROLS=$(awk "BEGIN { printf \"%.3f\", $CTRL_ON / $CTRL_PLAIN }")
	NOWORDS=$(awk "BEGIN { printf \"%.3f\", $CTRL_NOWORDS / $CTRL_PLAIN }")
elif [ -n "$GUARD_RATE" ]; then
	cat "$T/controls.build"
	echo "== content controls: could not be built, skipped"
fi

# ---- security labels ----------------------------------------------------
# The guard of bench-labels.policy, which decides every message's label
# against both peers' clearances, against the plain one, both carrying
# the same labelled messages (32 distinct labels, all within both
# clearances, in turn) in alternating rounds: what checking labels costs.
LABELS=

# Writes a line of the labels file: the base64 of an ESS label of
# bench-labels.policy's policy, classification $1, RELEASABLE-TO bits $2
# and CODEWORD bits $3 (each a list for openssl's BITLIST, or -), privacy
# mark $4 (or -); then its display marking $5, as a client labels a
# message with the marking its catalog gives (one that says otherwise
# is put right on the way, which the stanza counts as modified).
ess_label() {
	{
		printf 'asn1=SET:label\n[label]\npolicy=OID:%s\nclass=INT:%s\n' \
		    1.3.6.1.4.1.99999.9 "$1"
		[ "$4" = - ] || printf 'mark=PRINTABLESTRING:%s\n' "$4"
		if [ "$2" != - ] || [ "$3" != - ]; then
			printf 'cats=SET:cats\n[cats]\n'
			[ "$2" = - ] || printf 'rel=SEQUENCE:rel\n'
			[ "$3" = - ] || printf 'cw=SEQUENCE:cw\n'
			[ "$2" = - ] || ess_category rel 2 1 "$2"
			[ "$3" = - ] || ess_category cw 0 2 "$3"
		fi
	} > "$T/label.cnf"
	openssl asn1parse -genconf "$T/label.cnf" -noout -out "$T/label.der" \
	    > /dev/null && base64 -w0 "$T/label.der" && printf ' %s\n' "$5"
}

# The genconf sections of category $1: a bit map of syntax 8.3.$2 of tag
# set 1.3.6.1.4.1.99999.9.$3, bits $4.
ess_category() {
	printf '[%s]\ntype=IMP:0,OID:2.16.840.1.101.2.1.8.3.%s\n' "$1" "$2"
	printf 'value=EXP:1,SEQUENCE:%s-tag\n[%s-tag]\n' "$1" "$1"
	printf 'name=OID:1.3.6.1.4.1.99999.9.%s\n' "$3"
	printf 'flags=FORMAT:BITLIST,BITSTR:%s\n' "$4"
}

LABEL_FILE=$T/labels.txt
all_labels() {
	for c in 1:UNCLASSIFIED 2:RESTRICTED; do
		for r in - 1 2 1,2; do
			for w in - 0; do
				for m in - "UK EYES ONLY"; do
					ess_label ${c%%:*} $r $w "$m" ${c#*:} ||
					    return 1
				done
			done
		done
	done
}
if [ -n "$GUARD_RATE" ] && all_labels > "$LABEL_FILE" 2> "$T/labels.log" &&
    build_guard tests/bench/bench-labels.policy labels \
    > "$T/labels.build" 2>&1; then
	echo "== security labels: $(wc -l < "$LABEL_FILE") labels in turn," \
	    "through the plain guard and through one that checks them"
	site $LABELS_HOST > "$T/site-labels"
	$PIN_SUT "$T/labels/xedge" -s "$T/site-labels" \
	    2> "$T/xedge-labels.log" &
	XEDGE_LABELS=$!
	PIDS="$PIDS $XEDGE_LABELS"
	wait_listen $LABELS_HOST "$PORT" ||
	    { cat "$T/xedge-labels.log"; fail "xedge did not listen"; }
	rounds "unchecked:$GUARD_HOST:$XEDGE labels:$LABELS_HOST:$XEDGE_LABELS" \
	    --labels "$LABEL_FILE"
	kill "$XEDGE_LABELS"
	wait "$XEDGE_LABELS" 2>/dev/null
	LBL_PLAIN=$(best_round unchecked)
	LBL_ON=$(best_round labels)
	LABELS=$(awk "BEGIN { printf \"%.3f\", $LBL_ON / $LBL_PLAIN }")
elif [ -n "$GUARD_RATE" ]; then
	cat "$T/labels.log" "$T/labels.build" 2>/dev/null
	echo "== security labels: could not be built, skipped"
fi

# ---- status page --------------------------------------------------------
# The plain guard with its status page on (status-listen), in alternating
# rounds: nobody reading the page ("unread"); a client fetching /metrics
# every 100 ms for the whole round ("polled"); and the page's connection
# limit, and more, held by slow clients that send part of a request and
# stop ("slowed"). The page is served on the loop that carries the
# traffic, so what it costs shows in the rate. The HTTP clients run on the
# load generator's core, not the guard's. Then slow clients once more,
# held until the guard times them out, and /healthz after.
STATUS=
if [ -n "$GUARD_RATE" ] && [ -x "$PYTHON" ]; then
	echo "== status page: the plain guard serving it, in turn unread," \
	    "polled (/metrics every 100 ms), and held by slow HTTP clients"
	WEBCLIENT="$PIN_GEN $PYTHON tests/bench/webclient.py"
	{
		site $STATUS_HOST
		echo "status-listen $STATUS_HOST $STATUS_PORT"
	} > "$T/site-status"
	$PIN_SUT "$T/plain/xedge" -s "$T/site-status" \
	    2> "$T/xedge-status.log" &
	XEDGE_STATUS=$!
	PIDS="$PIDS $XEDGE_STATUS"
	wait_listen $STATUS_HOST "$PORT" &&
	    wait_listen $STATUS_HOST "$STATUS_PORT" ||
	    { cat "$T/xedge-status.log"; fail "xedge did not listen"; }

	# Slow clients: 24 connections from three addresses (MHD takes 8 an
	# address, 16 in all), each with half a request; the output goes to
	# $T/$1.out. Returns once they are all tried.
	slow_clients() {
		$WEBCLIENT slow $STATUS_HOST "$STATUS_PORT" 24 "$2" \
		    $WEB_SOURCES > "$T/$1.out" 2> "$T/$1.err" &
		SLOW_PID=$!
		PIDS="$PIDS $SLOW_PID"
		i=0
		while ! grep -qs '^ready' "$T/$1.out" && [ $i -lt 300 ]; do
			kill -0 $SLOW_PID 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		grep -qs '^ready' "$T/$1.out" || { cat "$T/$1.err"; return 1; }
	}
	# The HTTP connections the guard has accepted (not those waiting in
	# its listen backlog).
	web_conns() {
		ss -Htnp state established "( sport = :$STATUS_PORT )" |
		    grep -c xedge
	}
	# The response time of /metrics on the guard without traffic.
	$WEBCLIENT poll $STATUS_HOST "$STATUS_PORT" /metrics 100 \
	    "$T/polls-idle" 2> "$T/poller.err" &
	POLLER=$!
	PIDS="$PIDS $POLLER"
	sleep 2
	kill "$POLLER" && wait "$POLLER" ||
	    { cat "$T/poller.err"; fail "polling the idle guard"; }
	POLL_IDLE=$(awk '$1 == 200 { print $2 }' "$T/polls-idle" | sort -n |
	    awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }')
	echo "polls of the guard without traffic: median $POLL_IDLE us"
	round_begin() {
		case $1 in
		polled)
			$WEBCLIENT poll $STATUS_HOST "$STATUS_PORT" /metrics 100 \
			    "$T/polls-$round" 2> "$T/poller.err" &
			POLLER=$!
			PIDS="$PIDS $POLLER"
			;;
		slowed)
			slow_clients slow-clients-$round $((DURATION + 30))
			;;
		esac
	}
	round_end() {
		case $1 in
		polled)
			kill "$POLLER" && wait "$POLLER" && [ -s "$T/polls-$round" ]
			;;
		slowed)
			kill "$SLOW_PID"
			wait "$SLOW_PID"
			sed -n "s/^result /slow clients round $round: /p" \
			    "$T/slow-clients-$round.out"
			;;
		esac
	}
	rounds "unread:$STATUS_HOST:$XEDGE_STATUS \
	    polled:$STATUS_HOST:$XEDGE_STATUS slowed:$STATUS_HOST:$XEDGE_STATUS"
	round_begin() { :; }
	round_end() { :; }
	ST_UNREAD=$(best_rate unread)
	ST_POLLED=$(best_rate polled)
	ST_SLOWED=$(best_rate slowed)
	STATUS=$(awk "BEGIN { printf \"%.3f\", $ST_POLLED / $ST_UNREAD }")
	STATUS_CPU=$(awk "BEGIN { printf \"%.3f\", \
	    $(best_round polled) / $(best_round unread) }")
	STATUS_SLOW=$(awk "BEGIN { printf \"%.3f\", $ST_SLOWED / $ST_UNREAD }")
	# Each poll's status and time in microseconds.
	cat "$T"/polls-* > "$T/polls"
	POLLS=$(wc -l < "$T/polls")
	POLLS_OK=$(awk '$1 == 200' "$T/polls" | wc -l)
	POLL_MEDIAN=$(awk '$1 == 200 { print $2 }' "$T/polls" | sort -n |
	    awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }')
	POLL_MAX=$(awk '$1 == 200 { print $2 }' "$T/polls" | sort -n |
	    tail -n 1)
	echo "polls: $POLLS_OK of $POLLS answered 200, median" \
	    "$POLL_MEDIAN us, slowest $POLL_MAX us"

	# Held until the guard closes them (WEB_TIMEOUT_S in web/http.c,
	# 10 s; those past its limit wait for a place, then time out in
	# turn); /healthz meanwhile, and after. The rounds' slow clients are
	# gone first, and the guard has let go of their connections.
	i=0
	while [ "$(web_conns)" -gt 0 ] && [ $i -lt 250 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	slow_clients slow-hold 60 || fail "slow clients"
	sed -n 's/^ready /slow clients: /p' "$T/slow-hold.out"
	WEB_ACCEPTED=$(web_conns)
	HEALTH_HELD=$($WEBCLIENT get $STATUS_HOST "$STATUS_PORT" /healthz)
	wait "$SLOW_PID"
	HEALTH_AFTER=$($WEBCLIENT get $STATUS_HOST "$STATUS_PORT" /healthz)
	SLOW_HELD=$(field "$T/slow-hold.out" held result)
	SLOW_CLOSED=$(field "$T/slow-hold.out" closed result)
	SLOW_REFUSED=$(field "$T/slow-hold.out" refused result)
	SLOW_SECONDS=$(field "$T/slow-hold.out" closed_s result)
	echo "slow clients: $SLOW_HELD connected, $WEB_ACCEPTED of them" \
	    "accepted by the guard, $SLOW_REFUSED refused," \
	    "$SLOW_CLOSED closed by the guard, the last after $SLOW_SECONDS s;" \
	    "/healthz while held: ${HEALTH_HELD:-none}, after: ${HEALTH_AFTER:-none}"
	kill "$XEDGE_STATUS"
	wait "$XEDGE_STATUS" 2>/dev/null
	if grep -q . "$T/xedge-status.log"; then
		echo "xedge log, status page guard (warnings and errors):"
		tail -n 20 "$T/xedge-status.log"
	fi
elif [ -n "$GUARD_RATE" ]; then
	echo "== status page: no $PYTHON for its HTTP clients, skipped"
fi

. tests/bench/pair.sh

if [ -n "$GUARD_RATE" ]; then
	HWM=$(rss VmHWM)
	kill "$XEDGE"
	wait "$XEDGE" 2>/dev/null
	if grep -q . "$T/xedge.log"; then
		echo "xedge log (warnings and errors):"
		tail -n 20 "$T/xedge.log"
	fi
fi

# ---- summary ------------------------------------------------------------
# Prints a figure, its target and PASS or MISS ("-" for no target).
row() {
	printf '%-28s %14s  %-22s %s\n' "$1" "$2" "$3" "$4"
}
verdict() {
	awk "BEGIN { print ($1) ? \"PASS\" : \"MISS\" }"
}
# The stanzas the load generator's runs of the files given lost.
lost() {
	n=0
	for f in "$@"; do
		n=$((n + $(field "$f" lost result)))
	done
	echo $n
}

echo
echo "== summary ($STREAMS stream(s) of ~500-byte messages; throughput" \
    "over $DURATION s, latency the best of $ROUNDS rounds of $LAT_DURATION s)"
row "figure" "value" "target" ""
if [ -n "$TOKENIZER" ]; then
	row "tokenizer" "$TOKENIZER MB/s" ">= 500 MB/s" \
	    "$(verdict "$TOKENIZER >= 500")"
else
	row "tokenizer" "skipped" ">= 500 MB/s" "-"
fi
# A generator near 1.00 CPU, not the path, set that rate.
row "relay throughput" "$RELAY_RATE /s" \
    "floor; gen cpu $(field "$T/relay.out" loadgen_cpu result)" "-"
RL50=$(best relay-lat p50_us)
RL99=$(best relay-lat p99_us)
row "relay latency p50/p99" "$RL50/$RL99 us" "at $LAT_RATE/s" "-"
if [ -n "$GUARD_RATE" ]; then
	RATIO=$(awk "BEGIN { printf \"%.3f\", $GUARD_RATE / $RELAY_RATE }")
	row "guard throughput" "$GUARD_RATE /s" \
	    ">= 100000; gen cpu $(field "$T/guard.out" loadgen_cpu result)" \
	    "$(verdict "$GUARD_RATE >= 100000")"
	row "guard / relay" "$RATIO" ">= 0.333" \
	    "$(verdict "$RATIO >= 1 / 3")"
	row "guard stanzas/CPU-second" "$GUARD_CPU_RATE /s" \
	    "(a whole core's worth)" "-"
	GL50=$(best guard-lat p50_us)
	GL99=$(best guard-lat p99_us)
	row "guard latency p50/p99" "$GL50/$GL99 us" "at $LAT_RATE/s" "-"
	row "added latency p50" "$((GL50 - RL50)) us" "" "-"
	row "added latency p99" "$((GL99 - RL99)) us" "< 1000 us" \
	    "$(verdict "$GL99 - $RL99 < 1000")"
	row "added p99, median rounds" \
	    "$(($(median guard-lat p99_us) - $(median relay-lat p99_us))) us" \
	    "(noise included)" "-"
	row "memory per idle stream" "$IDLE_KIB KiB" "<= 64 KiB" \
	    "$(verdict "$IDLE_KIB <= 64")"
	row "xedge peak RSS (VmHWM)" "$HWM KiB" "" "-"
	if [ -n "$CONTROLS" ]; then
		row "controls: stanzas/CPU-s" "$CTRL_ON /s" \
		    "plain $CTRL_PLAIN /s" "-"
		row "controls but words / plain" "$NOWORDS" ">= 0.85" \
		    "$(verdict "$NOWORDS >= 0.85")"
		row "all controls / plain" "$CONTROLS" ">= 0.85" \
		    "$(verdict "$CONTROLS >= 0.85")"
	else
		row "all controls / plain" "skipped" ">= 0.85" "-"
	fi
	if [ -n "$LABELS" ]; then
		row "labels: stanzas/CPU-s" "$LBL_ON /s" \
		    "unchecked $LBL_PLAIN /s" "-"
		row "labels checked / unchecked" "$LABELS" ">= 0.90" \
		    "$(verdict "$LABELS >= 0.90")"
	else
		row "labels checked / unchecked" "skipped" ">= 0.90" "-"
	fi
	if [ -n "$STATUS" ]; then
		row "status page: stanzas/s" "$ST_POLLED /s" \
		    "unread $ST_UNREAD /s" "-"
		row "status polled / not polled" "$STATUS" ">= 0.95" \
		    "$(verdict "$STATUS >= 0.95")"
		row "  the same per CPU-second" "$STATUS_CPU" \
		    "(the page's own work)" "-"
		row "/metrics response, median" "$POLL_MEDIAN us" \
		    "$POLLS_OK/$POLLS polls 200" \
		    "$(verdict "$POLLS_OK == $POLLS && $POLLS > 0")"
		row "  the same, no traffic" "$POLL_IDLE us" "" "-"
		row "slow HTTP clients / none" "$STATUS_SLOW" ">= 0.95" \
		    "$(verdict "$STATUS_SLOW >= 0.95")"
		row "slow clients accepted" \
		    "$WEB_ACCEPTED of $SLOW_HELD" "<= 16 (the limit)" \
		    "$(verdict "$WEB_ACCEPTED <= 16")"
		row "  /healthz while held" "${HEALTH_HELD:-none}" \
		    "(0: no answer in 3 s)" "-"
		row "  all timed out after" "$SLOW_SECONDS s" \
		    "all closed ($SLOW_CLOSED)" \
		    "$(verdict "$SLOW_CLOSED == $SLOW_HELD")"
		row "/healthz after them" "${HEALTH_AFTER:-none}" \
		    "200 or 503" "$(verdict "${HEALTH_AFTER:-0} == 200 || \
		    ${HEALTH_AFTER:-0} == 503")"
	else
		row "status polled / not polled" "skipped" ">= 0.95" "-"
	fi
	if [ -n "$PAIR" ]; then
		row "guard pair: stanzas/s" "$PAIR_RATE /s" \
		    "single $PAIR_SINGLE /s" "-"
		row "pair / single guard" "$PAIR" "(three guards, one core)" "-"
		PAIR_LOST=$(lost "$T"/pair-[0-9]*.out)
		row "stanzas lost by the pair" "$PAIR_LOST" "0" \
		    "$(verdict "$PAIR_LOST == 0")"
	else
		row "pair / single guard" "skipped" "" "-"
	fi
	LOST=$(lost "$T"/guard*.out)
	row "stanzas lost by the guard" "$LOST" "0" \
	    "$(verdict "$LOST == 0")"
else
	row "guard" "skipped" "" "-"
fi
LOAD_END=$(cut -d' ' -f1 /proc/loadavg)
echo "load average at start $LOAD_START, at end $LOAD_END" \
    "(other work on these cores makes the figures noisy)"
exit 0
