#!/bin/sh
# Checks the e2e trace of scenarios/examples/battery.yaml: every battery record type is there with
# its fields in order, both plug sources and every power-save reason the example produces appear,
# plugs and unplugs alternate, and a battery.level record's crossings of one level alternate up and
# down.
set -eu
trace=$1
fail() { echo "check_trace: $*" >&2; exit 1; }
[ -s "$trace" ] || fail "no trace at $trace"
grep -q '"type":"battery.plug","level_permille":[0-9]*,"source":"nightly"}' "$trace" || fail "no nightly battery.plug"
grep -q '"type":"battery.plug","level_permille":[0-9]*,"source":"top_up"}' "$trace" || fail "no top_up battery.plug"
grep -q '"type":"battery.unplug","level_permille":[0-9]*,"source":"[a-z_]*"}' "$trace" || fail "no battery.unplug"
grep -q '"type":"battery.level","level_permille":[0-9]*,"direction":"down"}' "$trace" || fail "no battery.level down"
grep -q '"type":"battery.level","level_permille":[0-9]*,"direction":"up"}' "$trace" || fail "no battery.level up"
grep -q '"type":"battery.level","level_permille":500,' "$trace" || fail "the watched 50 % never crossed"
grep -q '"type":"battery.low","low":true,"level_permille":[0-9]*}' "$trace" || fail "no battery.low"
for reason in manual low plugged; do
    grep -q "\"type\":\"battery.power_save\",\"on\":[a-z]*,\"reason\":\"$reason\"}" "$trace" ||
        fail "no battery.power_save with reason $reason"
done
awk '/"type":"battery.(un)?plug"/ { p = ($0 ~ /battery.plug"/); if (NR > 1 && seen && p == last) { print "repeated: " $0; exit 1 } last = p; seen = 1 }' "$trace" ||
    fail "plug and unplug do not alternate"
awk -F'"level_permille":' '/"type":"battery.level"/ { split($2, a, ","); l = a[1]; d = ($0 ~ /"up"/);
    if (l in dir && dir[l] == d) { print "repeated: " $0; exit 1 } dir[l] = d }' "$trace" ||
    fail "crossings of one level do not alternate"
echo "check_trace: ok"
