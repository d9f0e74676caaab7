#!/bin/sh
# Checks the e2e trace of scenarios/examples/kills.yaml: every event type of the kills model is
# there, each kill is followed by the runner's app.kill, and a worker run cut by a kill is run
# again (the ideal OS re-runs it: a worker.start with the same due time follows the kill).
set -eu
trace=$1
fail() { echo "check_trace: $*" >&2; exit 1; }
[ -s "$trace" ] || fail "no trace at $trace"
for type in device.kill device.force_stop device.reboot device.boot app.kill; do
    grep -q "\"type\":\"$type\"" "$trace" || fail "no $type in the trace"
done
grep -q '"type":"device.kill","reason":"oem"' "$trace" || fail "no OEM kill"
grep -q '"type":"device.kill","reason":"low_memory"' "$trace" || fail "no low-memory kill"
grep -q '"type":"device.reboot","reason":"update"' "$trace" || fail "no update reboot"
# device.kill is immediately followed by app.kill with cause kill
awk '/"type":"device.kill"/ { want = 1; next }
     want { if ($0 !~ /"type":"app.kill","cause":"kill"/) { print "no app.kill after: " prev; exit 1 } want = 0 }
     { prev = $0 }' "$trace" || fail "device.kill without app.kill"
# a run cut by a kill: worker.start (due D), then app.kill before its worker.end, then worker.start with due D
awk -F'"due":' '
    /"type":"worker.start"/ { split($2, a, "}"); if (cut && a[1] == due) { ok = 1; exit } due = a[1]; running = 1; cut = 0; next }
    /"type":"worker.end"/ { running = 0; next }
    /"type":"app.kill"/ { if (running) cut = 1; running = 0 }
    END { exit ok ? 0 : 1 }' "$trace" || fail "no worker re-run after a kill during a run"
echo "check_trace: ok"
