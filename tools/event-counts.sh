#!/bin/sh
# event-counts.sh - fired events by type (the handler the engine called) per device-day, with the
# instructions each type costs, for deciding which events are worth cutting.
#
#   tools/event-counts.sh [BGSIM] [SCENARIO] [SEEDS] [--set KEY=V ...]
#   tools/event-counts.sh build/bin/bgsim scenarios/default.yaml 10 --set platform=android
#
# Runs `bgsim sweep SCENARIO --set duration=Dd --seeds SEEDS --jobs 1` (D = BENCH_DAYS, default 7)
# once under `valgrind --tool=callgrind` and reads, from the call graph, how often the engine's
# run loop called each handler (an event's handler is called through a pointer, so it is never
# inlined and the count is exact) and the instructions spent inside it, callees included.
# Columns: handler (file:function), events per device-day, share of all fired events, instructions
# per event, share of all instructions. The engine's own work (sifting after a pop) is listed
# too, as the run loop's callee. Re-arm posts (sim_post_rearm: an Android readiness check that
# would only set its timer again) call no handler and are not listed; a run's "events" count
# includes them. Needs valgrind and callgrind_annotate.
set -eu
BGSIM=${1:-build/bin/bgsim}
SCENARIO=${2:-scenarios/default.yaml}
SEEDS=${3:-10}
[ $# -ge 3 ] && shift 3 || shift $#
DAYS=${BENCH_DAYS:-7}
command -v valgrind >/dev/null 2>&1 || { echo "event-counts.sh: valgrind is needed" >&2; exit 69; }
out=$(mktemp)
trap 'rm -f "$out" "$out.vg"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" "$BGSIM" sweep "$SCENARIO" --set "duration=${DAYS}d" "$@" \
    --seeds "$SEEDS" --jobs 1 >/dev/null 2>"$out.vg" || { cat "$out.vg" >&2; exit 70; }
total=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$out.vg" | tail -1)
dd=$((SEEDS * DAYS))
printf 'event-counts: %s %s, %s seeds x %s d = %s device-days, %s instructions\n\n' "$SCENARIO" "$*" "$SEEDS" \
    "$DAYS" "$dd" "$total"
# The callees of the run loop (fire_next is inlined into it; if it is not, its block is used).
callgrind_annotate --tree=calling --threshold=100 "$out" 2>/dev/null |
    awk -v dd="$dd" -v total="$total" '
    /^ *[0-9,]+ .*\*  .*sim_engine\.c:(run_loop|fire_next) \[/ { inblock = 1; next }
    inblock && /^ *$/ { inblock = 0 }
    inblock && />   / {
        ir = $1; gsub(",", "", ir)
        name = $0; sub(/.*>   /, "", name); sub(/ \[.*/, "", name)
        calls = name; sub(/.*\(/, "", calls); sub(/x\).*/, "", calls); gsub(",", "", calls)
        sub(/ \([0-9,]+x\)$/, "", name); sub(/.*\/(models|sim|reports)\//, "", name)
        if (name ~ /sim_engine\.c:/) { engine[name] += ir; next }
        n[name] += calls; cost[name] += ir; fired += calls
    }
    END {
        printf "| handler | events per device-day | share of events | instructions per event | share of instructions |\n"
        printf "|---|---|---|---|---|\n"
        for (h in n)
            printf "| %s | %.1f | %.1f %% | %.0f | %.1f %% |\n", h, n[h] / dd, 100 * n[h] / fired, cost[h] / n[h], 100 * cost[h] / total | "sort -t\"|\" -k3 -g -r"
        close("sort -t\"|\" -k3 -g -r")
        for (h in engine)
            printf "| (engine) %s after pops | | | | %.1f %% |\n", h, 100 * engine[h] / total
        printf "\nfired events per device-day: %.1f\n", fired / dd
    }'
