# perfetto.sh - bgsim run --perfetto: Chrome trace-event JSON that the Perfetto UI opens. With
# python3, every event's fields are checked against the format (phases, integer ts/dur in
# microseconds, counter args numeric, named tracks) and counted against the JSON summary.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../cli/lib.sh"

run "$BGSIM" run "$SRC/scenarios/examples/everyday.yaml" --perfetto "$WORK/trace.json" --format json
expect_status 0
cp "$OUT" "$WORK/summary.json"
CHECKS=$((CHECKS + 1))
awk -f "$SRC/tests/cli/json_check.awk" "$WORK/trace.json" >"$WORK/why" || fail "not JSON: $(cat "$WORK/why")"
expect_grep "$WORK/trace.json" trace '"ph":"C","pid":1,"tid":1,"ts":0,"name":"battery","args":\{"level_percent":'
expect_grep "$WORK/trace.json" trace '"name":"thread_name","args":\{"name":"worker"\}'
if command -v python3 >/dev/null 2>&1; then
    CHECKS=$((CHECKS + 1))
    python3 - "$WORK/trace.json" "$WORK/summary.json" >"$WORK/py.out" 2>&1 <<'PY' || fail "trace structure: $(cat "$WORK/py.out")"
import json, sys
t = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
ev = t["traceEvents"]
assert t["displayTimeUnit"] == "ms"
names = {}
for e in ev:
    assert e["ph"] in "MCXi", e
    assert isinstance(e["pid"], int) and isinstance(e["tid"], int), e
    if e["ph"] == "M":
        assert e["name"] in ("process_name", "thread_name", "thread_sort_index"), e
        if e["name"] == "thread_name":
            names[e["tid"]] = e["args"]["name"]
        continue
    assert isinstance(e["ts"], int) and e["ts"] >= 0, e
    if e["ph"] == "X":
        assert isinstance(e["dur"], int) and e["dur"] >= 0, e
        assert e["ts"] + e["dur"] <= s["duration_ms"] * 1000, e
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
for tid in (2, 3, 4, 5, 6):
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
finish
