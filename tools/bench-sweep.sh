#!/bin/sh
# bench-sweep.sh - how fast a sweep simulates: device-days per second per core, and the speed-up
# from 1 to 2 jobs.
#
#   tools/bench-sweep.sh [BGSIM] [SCENARIO] [SEEDS] [--set KEY=V ...]
#   tools/bench-sweep.sh build/bin/bgsim scenarios/default.yaml 400 --set platform=android
#
# Runs `bgsim sweep SCENARIO --set duration=D --seeds SEEDS` (one combination, SEEDS runs) with
# --jobs 1 and --jobs 2, three times each, interleaved, and reports the best wall time of each
# (the least disturbed by other work on the machine). Device-days = SEEDS x the scenario's days.
# The sweep's output is discarded: what is measured is simulation, statistics and aggregation.
# It also prints the CPU time of the last run of each (user + system, from /usr/bin/time): on a
# busy machine wall time says little, while device-days per CPU-second and equal CPU time for 1
# and 2 jobs (no overhead from threads) still do.
set -eu
BGSIM=${1:-build/bin/bgsim}
SCENARIO=${2:-scenarios/default.yaml}
SEEDS=${3:-400}
[ $# -ge 3 ] && shift 3 || shift $#
DAYS=${BENCH_DAYS:-7}

best1=""
best2=""
cpu1=""
cpu2=""
now() { date +%s.%N; }
CPUF=$(mktemp)
trap 'rm -f "$CPUF"' EXIT
for rep in 1 2 3; do
    for j in 1 2; do
        t0=$(now)
        /usr/bin/time -f '%U %S' -o "$CPUF" "$BGSIM" sweep "$SCENARIO" --set "duration=${DAYS}d" "$@" --seeds "$SEEDS" \
            --jobs "$j" >/dev/null
        t1=$(now)
        c=$(awk '{ print $1 + $2 }' "$CPUF")
        if [ "$j" -eq 1 ]; then cpu1=$c; else cpu2=$c; fi
        t=$(echo "$t1 - $t0" | bc -l)
        if [ "$j" -eq 1 ]; then
            if [ -z "$best1" ] || [ "$(echo "$t < $best1" | bc -l)" -eq 1 ]; then best1=$t; fi
        else
            if [ -z "$best2" ] || [ "$(echo "$t < $best2" | bc -l)" -eq 1 ]; then best2=$t; fi
        fi
    done
done
dd=$(echo "$SEEDS * $DAYS" | bc -l)
printf 'scenario %s %s, %s runs x %s d = %s device-days\n' "$SCENARIO" "$*" "$SEEDS" "$DAYS" "$dd"
printf 'jobs 1: %.3f s, %.0f device-days/s per core\n' "$best1" "$(echo "$dd / $best1" | bc -l)"
printf 'jobs 2: %.3f s, %.0f device-days/s per core (%.0f in all)\n' "$best2" "$(echo "$dd / $best2 / 2" | bc -l)" \
    "$(echo "$dd / $best2" | bc -l)"
printf 'speed-up 1 -> 2 jobs: %.2fx (wall clock)\n' "$(echo "$best1 / $best2" | bc -l)"
printf 'CPU time: jobs 1 %.2f s, jobs 2 %.2f s: %.0f device-days per CPU-second\n' "$cpu1" "$cpu2" \
    "$(echo "$dd / $cpu1" | bc -l)"
printf 'load average while measuring: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
