# perfetto.sh - bgsim run --perfetto: Chrome trace-event JSON that the Perfetto UI opens. With
# python3, every event's fields are checked against the format (phases, integer ts/dur in
# microseconds, counter args numeric, named tracks) and counted against the JSON summary. Then an
# independent parser, @tracerbench/trace-model (tests/reports/trace-parser, pinned by its
# package-lock.json, installed by tools/install-deps.sh), builds its model of the trace and
# check-trace.js checks it: named process and tracks, "cat" on every event, nesting slices, the
# local date and time, the counts; and it must refuse traces made to fail (no "cat", overlapping
# slices). Without node or the package the test ends with 77 after the other checks, saying so.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../cli/lib.sh"

run "$BGSIM" run "$SRC/scenarios/examples/everyday.yaml" --perfetto "$WORK/trace.json" --format json
expect_status 0
cp "$OUT" "$WORK/summary.json"
CHECKS=$((CHECKS + 1))
awk -f "$SRC/tests/cli/json_check.awk" "$WORK/trace.json" >"$WORK/why" || fail "not JSON: $(cat "$WORK/why")"
# ts 0 is the start date's local midnight: everyday starts at 07:00, so its first battery sample is at 7 h
expect_grep "$WORK/trace.json" trace '"ph":"C","cat":"device","pid":1,"tid":1,"ts":25200000000,"name":"battery","args":\{"level_percent":'
expect_grep "$WORK/trace.json" trace '"ph":"X","cat":"calendar","pid":1,"tid":12,"ts":0,"dur":86400000000,"name":"Mon 05 Jan 2026"'
expect_grep "$WORK/trace.json" trace '"metadata":\{"bgsim_scenario":"everyday","bgsim_start_local":"2026-01-05T07:00:00.000"'
expect_grep "$WORK/trace.json" trace '"name":"thread_name","args":\{"name":"worker"\}'
if command -v python3 >/dev/null 2>&1; then
    CHECKS=$((CHECKS + 1))
    python3 - "$WORK/trace.json" "$WORK/summary.json" >"$WORK/py.out" 2>&1 <<'PY' || fail "trace structure: $(cat "$WORK/py.out")"
import json, sys
t = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
ev = t["traceEvents"]
assert t["displayTimeUnit"] == "ms"
origin_us = t["metadata"]["bgsim_ts_origin_ms_before_start"] * 1000
names = {}
for e in ev:
    assert e["ph"] in "MCXi", e
    assert isinstance(e.get("cat"), str) and e["cat"], ("no cat", e)
    assert isinstance(e["pid"], int) and isinstance(e["tid"], int), e
    if e["ph"] == "M":
        assert e["name"] in ("process_name", "thread_name", "thread_sort_index"), e
        if e["name"] == "thread_name":
            names[e["tid"]] = e["args"]["name"]
        continue
    assert isinstance(e["ts"], int) and e["ts"] >= 0, e
    if e["ph"] == "X":
        assert isinstance(e["dur"], int) and e["dur"] >= 0, e
        assert e["ts"] + e["dur"] <= origin_us + s["duration_ms"] * 1000, e
    if e["ph"] == "C":
        assert all(isinstance(v, (int, float)) for v in e["args"].values()), e
        assert 0 <= e["args"]["level_percent"] <= 100, e
    if e["ph"] == "i":
        assert e["s"] in "gpt", e
for e in ev:
    if e["ph"] != "M":
        assert e["tid"] in names, ("unnamed track", e)
assert names[1] == "battery" and names[7] == "worker", names
workers = [e for e in ev if e["ph"] == "X" and e["tid"] == 7]
assert len([w for w in workers if w["args"]["kind"] == "ran"]) == s["worker"]["runs"], (len(workers), s["worker"]["runs"])
assert len([w for w in workers if w["args"]["end"] == "killed"]) == s["worker"]["killed"], s["worker"]
for i, task in enumerate(s["tasks"]):
    runs = [e for e in ev if e["ph"] == "X" and e["tid"] == 100 + i]
    assert len(runs) == task["runs"] and all(r["name"] == task["name"] for r in runs)
    # how each run ended (issue 17) agrees with the summary's counts
    ends = [r["args"]["end"] for r in runs]
    assert ends.count("killed") == task["killed"], (ends.count("killed"), task["killed"])
    stops = ("timeout", "constraint", "doze", "quota", "expiration", "user")
    assert sum(ends.count(x) for x in stops) == task["stopped"], task
# state tracks: slices on one track never overlap for the same state name
for tid in (2, 3, 4, 5, 6, 10, 11):
    by = {}
    for e in ev:
        if e["ph"] == "X" and e["tid"] == tid:
            by.setdefault(e["name"], []).append((e["ts"], e["ts"] + e["dur"]))
    for spans in by.values():
        spans.sort()
        for a, b in zip(spans, spans[1:]):
            assert a[1] <= b[0], (tid, a, b)
net = {e["name"] for e in ev if e["ph"] == "X" and e["tid"] == 3}
assert net <= {"wifi", "cellular", "none", "airplane"} and "wifi" in net, net
PY
fi
run "$BGSIM" run "$DEFAULT" --perfetto "$WORK/no/such/dir/t.json"
expect_status 73
expect_grep "$ERR" stderr "cannot create '$WORK/no/such/dir/t.json'"

# The independent parser (issue 20): an Android run with Doze, standby and swipes, then two traces
# made to fail its checks.
PARSER="$SRC/tests/reports/trace-parser"
if ! command -v node >/dev/null 2>&1 || [ ! -d "$PARSER/node_modules/@tracerbench/trace-model" ]; then
    if [ "$FAILS" -ne 0 ]; then
        finish
    fi
    echo "perfetto.sh: $CHECKS checks passed; node or @tracerbench/trace-model is not installed" \
        "(tools/install-deps.sh installs them: npm ci in tests/reports/trace-parser): independent parser skipped" >&2
    exit 77
fi
run "$BGSIM" run "$SRC/scenarios/examples/android-evening-swipe.yaml" --perfetto "$WORK/android.json" --format json
expect_status 0
cp "$OUT" "$WORK/android-summary.json"
for pair in "trace.json summary.json" "android.json android-summary.json"; do
    set -- $pair
    CHECKS=$((CHECKS + 1))
    node "$PARSER/check-trace.js" "$WORK/$1" "$WORK/$2" >"$WORK/node.out" 2>&1 || fail "trace-model on $1: $(cat "$WORK/node.out")"
done
expect_grep "$WORK/node.out" check-trace.js '^trace-model: ok: [0-9]+ events, 12 named tracks, 15 local days from Mon 05 Jan 2026'
# an event without "cat", and a slice overlapping another on its track: both refused
sed '0,/"ph":"X","cat":"worker",/s//"ph":"X",/' "$WORK/android.json" >"$WORK/nocat.json"
sed '0,/"ph":"X","cat":"calendar","pid":1,"tid":12,"ts":0,"dur":86400000000/s//"ph":"X","cat":"calendar","pid":1,"tid":12,"ts":0,"dur":90000000000/' \
    "$WORK/android.json" >"$WORK/overlap.json"
CHECKS=$((CHECKS + 1))
! node "$PARSER/check-trace.js" "$WORK/nocat.json" "$WORK/android-summary.json" >/dev/null 2>&1 || fail "check-trace.js passed an event without cat"
CHECKS=$((CHECKS + 1))
node "$PARSER/check-trace.js" "$WORK/overlap.json" "$WORK/android-summary.json" >"$WORK/node.out" 2>&1 && fail "check-trace.js passed overlapping slices"
expect_grep "$WORK/node.out" check-trace.js 'track "local date": "Tue 06 Jan 2026" .* overlaps "Mon 05 Jan 2026"'
finish
