# The content pattern machine, sourced by tests/compiler/run.sh (whose
# $xedgec, $top, $tmp, ok, notok and check_same it uses, from its
# directory): emit.c drives the compiler's own objects (those xedgec is
# linked from) as xedgec does, driver.c runs what they generate.
#
#   text/words.expect, text/pattern.expect   what pattern_check() says of
#       each word or pattern: "ok" or "COL: WHY", a tab, the item
#   text/lists, text/match.expect   the machine of the lists, through
#       ragel and cc, must find in each text the lists match.expect gives
#       ("-" for none), and list 6 at the end of a megabyte of text; the
#       last list, "(xa )+b", makes runs from each word start read to
#       the end of its texts, which text_match() then reads at once
#
# and the machines of 200 words and of 20 patterns must stay small and
# build fast; their sizes, times and speed are printed as comments.

# Flags of the Makefile's, with its optimisation level for this machine.
text_cc="cc -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -Wshadow \
-Wstrict-prototypes -Wmissing-prototypes"
text_ragel="ragel -G2"

# Builds the driver over the machine of list file $1 in directory $2, and
# driver-portable, with the gate's scan that does without AVX2.
text_machine() {
	rm -rf "$2" && mkdir -p "$2" && "$tmp/text-emit" "$2" "$1" &&
	    $text_ragel -o "$2/text.rl.c" "$2/text.rl" &&
	    $text_cc -I"$top/runtime" -c -o "$2/text.rl.o" "$2/text.rl.c" \
	    > "$2/cc.out" 2>&1 &&
	    for variant in driver:-UTEXT_GATE_PORTABLE \
	        driver-portable:-DTEXT_GATE_PORTABLE; do
		$text_cc "${variant#*:}" -I"$top/runtime" \
		    -o "$2/${variant%%:*}" text/driver.c "$2/text.rl.o" \
		    "$top/runtime/text_fold.c" "$top/runtime/text_scan.c" \
		    "$top/runtime/text_gate.c" \
		    "$top/runtime/text_gate_learn.c" >> "$2/cc.out" 2>&1 ||
		    return 1
	    done
}

# Prints the number of seconds since the epoch, with nanoseconds.
text_now() {
	date +%s.%N
}

text_objs=$(ls "$(dirname "$xedgec")"/compiler/*.o | grep -v '/main\.o$')
# The compiler reads SPIF files with libxml2.
text_libs="-lcrypto $(pkg-config --libs libxml-2.0)"
# shellcheck disable=SC2086 # object files and libraries, one word each
if $text_cc -I"$top/compiler" -I"$top/runtime" -o "$tmp/text-emit" \
    text/emit.c $text_objs $text_libs > "$tmp/text-cc.out" 2>&1; then
	for kind in words pattern; do
		cut -f2- "text/$kind.expect" |
		    "$tmp/text-emit" -c "$kind" > "$tmp/text-check"
		check_same "content patterns: the checks of $kind" \
		    "text/$kind.expect" "$tmp/text-check"
	done
	if text_machine text/lists "$tmp/tm"; then
		for d in driver driver-portable; do
			"$tmp/tm/$d" < text/match.expect > "$tmp/tm/got"
			check_same "content patterns: the lists each text matches ($d)" \
			    text/match.expect "$tmp/tm/got"
		done
		awk 'BEGIN { printf "6\t"
			for (i = 0; i < 200000; i++) printf "word "
			print "q-q" }' > "$tmp/tm/long"
		"$tmp/tm/driver" < "$tmp/tm/long" > "$tmp/tm/long.got"
		check_same "content patterns: a match at the end of 1 MB" \
		    "$tmp/tm/long" "$tmp/tm/long.got"
	else
		notok "content patterns: the machine builds" "$tmp/tm/cc.out"
	fi
	# 200 random words (one in ten a phrase), 20 patterns of 4 shapes.
	awk 'BEGIN { srand(7); print "words"
		for (i = 0; i < 200; i++) {
			w = ""
			for (j = 5 + int(rand() * 6); j > 0; j--)
				w = w sprintf("%c", 97 + int(rand() * 26))
			print "\t" w (i % 10 ? "" : " " substr(w, 1, 4))
		} }' > "$tmp/words200"
	awk 'BEGIN { srand(11); print "pattern"
		for (i = 0; i < 20; i++) {
			a = b = ""
			for (j = 0; j < 4; j++) {
				a = a sprintf("%c", 97 + int(rand() * 26))
				b = b sprintf("%c", 97 + int(rand() * 26))
			}
			if (i % 4 == 0) print "\t" a ".?" b
			else if (i % 4 == 1) print "\t[0-9]+ ?" a
			else if (i % 4 == 2) print "\t" a "(" b "|[x-z]+)s?"
			else print "\t" a " [a-z]+ " b
		} }' > "$tmp/patterns20"
	for set in words200 patterns20; do
		t0=$(text_now)
		if text_machine "$tmp/$set" "$tmp/$set.d"; then
			t1=$(text_now)
			kb=$(($(wc -c < "$tmp/$set.d/text.rl.c") / 1024))
			echo "# $set: text.rl.c $kb KiB, ragel and cc" \
			    "$(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s;" \
			    "$("$tmp/$set.d/driver" -b "$tmp/$set" | head -1)"
			# Linear in the words: about 1,200 states (2 MB of
			# C) for 200 words, where a blown-up DFA has millions.
			if [ "$kb" -lt 4096 ]; then
				ok "content patterns: $set make a small machine"
			else
				notok "content patterns: $set make a small machine"
			fi
			# The gate and the anchored runs change nothing
			# the machine finds, on texts made to come near
			# its words, with AVX2 or without.
			for d in driver driver-portable; do
				if "$tmp/$set.d/$d" -r "$tmp/$set" \
				    > "$tmp/$set.r" 2>&1; then
					ok "content patterns: $set, $d agrees with the machine"
				else
					notok "content patterns: $set, $d agrees with the machine" \
					    "$tmp/$set.r"
				fi
			done
		else
			notok "content patterns: $set build" "$tmp/$set.d/cc.out"
		fi
	done
else
	notok "content patterns: the compiler's driver builds" \
	    "$tmp/text-cc.out"
fi
