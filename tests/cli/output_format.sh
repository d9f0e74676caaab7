# output_format.sh - the JSON summary is JSON, and the trace is JSON Lines with "t" and "type"
# first on every line, times in order and within the run, types from the documented layers.
. "$(dirname "$0")/lib.sh"
HERE=$(dirname "$0")

# json_ok FILE: the file is one JSON value (python3's parser when there is one; the structural
# awk check always, so CI machines without python still check something real).
json_ok() {
    CHECKS=$((CHECKS + 1))
    if ! awk -f "$HERE/json_check.awk" "$1" >"$WORK/json.why"; then
        fail "'$LAST': $(cat "$WORK/json.why")"
    fi
    if command -v python3 >/dev/null 2>&1 && python3 -c 'import json' 2>/dev/null; then
        CHECKS=$((CHECKS + 1))
        python3 -m json.tool "$1" >/dev/null 2>"$WORK/json.why" || fail "'$LAST': python3 json.tool: $(cat "$WORK/json.why")"
    fi
}

# The checker itself must refuse broken JSON, or the checks above prove nothing.
for broken in '{"a":1,}' '{"a":[1,2}' '{"a":1}{' '{"a":nan}' '{"a":"x' '[1 2]x' ''; do
    printf '%s\n' "$broken" >"$WORK/broken.json"
    CHECKS=$((CHECKS + 1))
    if awk -f "$HERE/json_check.awk" "$WORK/broken.json" >/dev/null; then
        fail "json_check.awk accepted the broken text '$broken'"
    fi
done
printf '{"a":[1,-2.5e3,true,null,"q\\"x"],"b":{}}\n' >"$WORK/fine.json"
CHECKS=$((CHECKS + 1))
awk -f "$HERE/json_check.awk" "$WORK/fine.json" >/dev/null || fail "json_check.awk refused valid JSON"

# --format json
run "$BGSIM" run "$DEFAULT" --format json
expect_status 0
expect_empty "$ERR" stderr
json_ok "$OUT"
expect_grep "$OUT" stdout '"seed":42[,}]'
expect_grep "$OUT" stdout '"tasks":\['
expect_grep "$OUT" stdout '"name":"sync"'
expect_grep "$OUT" stdout '"name":"cleanup"'
expect_grep "$OUT" stdout '"fingerprint":"[0-9a-f]{16}"'
run "$BGSIM" run "$DEFAULT" --format json --seed 18446744073709551615 --duration 36h
expect_status 0
json_ok "$OUT"
expect_grep "$OUT" stdout '"seed":18446744073709551615[,}]'
# the text summary is not JSON and says the same seed
run "$BGSIM" run "$DEFAULT" --format text
expect_status 0
expect_grep "$OUT" stdout 'seed 42'
expect_grep "$OUT" stdout '^task sync'

# --trace
TRACE="$WORK/trace.jsonl"
run "$BGSIM" run "$DEFAULT" --trace "$TRACE"
expect_status 0
expect_empty "$ERR" stderr
CHECKS=$((CHECKS + 1))
if [ ! -s "$TRACE" ]; then
    fail "'$LAST': the trace is empty or missing"
else
    layers='battery|net|usage|device|app|os|worker|task'
    CHECKS=$((CHECKS + 1))
    if grep -Evq "^\\{\"t\":(0|[1-9][0-9]*),\"type\":\"($layers)\\.[a-z_]+(\\.[a-z_]+)*\"(,.*)?\\}\$" "$TRACE"; then
        fail "'$LAST': trace lines without \"t\" and a documented \"type\" first: $(grep -Evn "^\\{\"t\":(0|[1-9][0-9]*),\"type\":\"($layers)\\." "$TRACE" | head -n 3)"
    fi
    # every line is a JSON object on its own
    CHECKS=$((CHECKS + 1))
    line_no=0
    while IFS= read -r line; do
        line_no=$((line_no + 1))
        printf '%s\n' "$line" >"$WORK/line.json"
        if ! awk -f "$HERE/json_check.awk" "$WORK/line.json" >"$WORK/json.why"; then
            fail "'$LAST': trace line $line_no: $(cat "$WORK/json.why"): $line"
            break
        fi
    done <"$TRACE"
    # times never go back and stay within the week
    CHECKS=$((CHECKS + 1))
    if ! sed 's/^{"t":\([0-9]*\),.*/\1/' "$TRACE" | awk -v end=604800000 '
        { if ($1 + 0 < last) { print "time goes back at line " NR; exit 1 }
          if ($1 + 0 >= end) { print "time " $1 " at or after the end at line " NR; exit 1 }
          last = $1 + 0 }' >"$WORK/why"; then
        fail "'$LAST': $(cat "$WORK/why")"
    fi
    # the default scenario's tasks show up: both registered, both run
    for task in sync cleanup; do
        expect_grep "$TRACE" trace "\"type\":\"task.register\",\"task\":\"$task\""
        expect_grep "$TRACE" trace "\"type\":\"task.run\",\"task\":\"$task\""
    done
    expect_grep "$TRACE" trace '"type":"worker.start"'
fi

# validate prints nothing but its ok line: no summary, no trace chatter.
run "$BGSIM" validate "$DEFAULT"
CHECKS=$((CHECKS + 1))
[ "$(wc -l <"$OUT")" -eq 1 ] || fail "'$LAST': expected exactly one line on stdout, found $(wc -l <"$OUT")"

finish
