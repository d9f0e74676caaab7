#!/bin/sh
# tools/bench-cpu.sh --quick, the binary against itself: it exits 0 and prints the whole table
# (23 rows, each with this binary's figure, the previous one's and their ratio as numbers), and
# bgsim-cputime reports a failing command as a failure.
#
#   sh cpu_smoke.sh path/to/bgsim path/to/source
BGSIM=${1:?usage: cpu_smoke.sh BGSIM SRC}
SRC=${2:?usage: cpu_smoke.sh BGSIM SRC}
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

sh "$SRC/tools/bench-cpu.sh" "$BGSIM" --quick --against "$BGSIM" >"$OUT" 2>&1 || fail "bench-cpu.sh exited $?: $(cat "$OUT")"
num='[0-9][0-9.]*'
rows=$(grep -c "^| [^|]* | $num | $num | $num |\$" "$OUT")
[ "$rows" -eq 23 ] || fail "expected 23 rows with three numbers, found $rows: $(cat "$OUT")"
for label in "sweep android" "sweep ios" "sweep ideal" "fleet android" "run (fingerprint) / 1-seed sweep" \
    "1 device-day, 1,000 tasks / 100 tasks" "sweep android / floor" "sweep commuter" "sweep commuter / floor" "sweep commuter / floor at 25 pending" "an event on the engine with no model" "one lognormal draw / floor" "one exponential draw / floor" "hold at 1000 pending: engine / bare" "hold at 100000 pending: engine / bare"; do
    grep -q "^| $label" "$OUT" || fail "no row '$label'"
done
# Each workload's own heap size comes from bgsim-held: a number in the label, not '?'.
for w in android ios ideal commuter; do
    grep -q "^| sweep $w / floor (events x bare heap op at [0-9][0-9]* pending, the mean it holds" "$OUT" ||
        fail "no floor row of $w at its own heap size"
done

timer=$(dirname "$BGSIM")/bgsim-cputime
"$timer" "$BGSIM" run /nonexistent.yaml >/dev/null 2>&1 && fail "bgsim-cputime passed a failing command"
"$timer" "$BGSIM" --help | grep -q '^[0-9.]* [0-9.]*$' || fail "bgsim-cputime did not print 'CPU wall'"
exit $failed
