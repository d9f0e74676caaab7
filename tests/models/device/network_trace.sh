#!/bin/sh
# Checks the e2e trace of scenarios/examples/network.yaml: the network and settings models' records
# are there with every cause the example produces, net.change records alternate (no record repeats
# the state before it), and the settings change of day 3 appears at 3d exactly.
set -eu
trace=$1
fail() { echo "check_trace: $*" >&2; exit 1; }
[ -s "$trace" ] || fail "no trace at $trace"
for type in net.change net.outage device.settings worker.start; do
    grep -q "\"type\":\"$type\"" "$trace" || fail "no $type in the trace"
done
for cause in start schedule outage outage_end airplane airplane_end; do
    grep -q "\"type\":\"net.change\",.*\"cause\":\"$cause\"" "$trace" || fail "no net.change with cause $cause"
done
for state in none cellular wifi; do
    grep -q "\"type\":\"net.change\",\"state\":\"$state\"" "$trace" || fail "no net.change to $state"
done
grep -q '^{"t":0,"type":"net.change","state":"cellular","airplane":false,"cause":"start"}$' "$trace" ||
    fail "Monday 07:00 is not cellular at the start"
grep -q '^{"t":259200000,"type":"device.settings","background_app_refresh":false,"battery_optimization_exempt":false}$' "$trace" ||
    fail "no settings change at 3d"
grep -q '^{"t":432000000,"type":"device.settings","background_app_refresh":false,"battery_optimization_exempt":true}$' "$trace" ||
    fail "no settings change at 5d"
awk -F'"state":' '/"type":"net.change"/ { s = $2; if (s == prev) { print "repeated: " $0; exit 1 } prev = s }' "$trace" ||
    fail "a net.change repeats the state before it"
echo "check_trace: ok"
