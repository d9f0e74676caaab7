#!/bin/sh
# Checks the e2e trace of scenarios/examples/usage.yaml: every event type of the usage model is
# there, each usage.app_open is followed by the runner's app.foreground (a process starts on the
# first), and no usage.session or screen-on happens while the user is asleep.
set -eu
trace=$1
fail() { echo "check_trace: $*" >&2; exit 1; }
[ -s "$trace" ] || fail "no trace at $trace"
for type in usage.sleep usage.session usage.screen usage.app_open usage.app_close usage.motion; do
    grep -q "\"type\":\"$type\"" "$trace" || fail "no $type in the trace"
done
grep -q '"type":"usage.screen","on":true' "$trace" || fail "no screen on"
grep -q '"type":"usage.motion","stationary":false' "$trace" || fail "the phone never moves"
awk '/"type":"usage.app_open"/ { want = 1; next }
     want && /"type":"app.start"/ { next }
     want { if ($0 !~ /"type":"app.foreground"/) { print "no app.foreground after usage.app_open: " $0; exit 1 } want = 0 }' \
    "$trace" || fail "usage.app_open without app.foreground"
awk '/"type":"usage.sleep","asleep":true/ { asleep = 1; next }
     /"type":"usage.sleep","asleep":false/ { asleep = 0; next }
     asleep && (/"type":"usage.session"/ || /"type":"usage.screen","on":true/) { print "while asleep: " $0; exit 1 }' \
    "$trace" || fail "activity while asleep"
echo "check_trace: ok"
