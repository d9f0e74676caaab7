#!/bin/sh
# bench-fleet.sh - how fast `bgsim fleet` simulates: device-days per second per core for a
# population, the speed-up from 1 to 2 threads and from 1 to 2 MPI ranks, and the peak memory of
# a fleet of 1,000,000 device-days.
#
#   tools/bench-fleet.sh [BGSIM] [FLEET] [DEVICES] [--memory]
#   tools/bench-fleet.sh build/bin/bgsim scenarios/fleets/android.yaml 3000
#   tools/bench-fleet.sh build/bin/bgsim scenarios/fleets/ios.yaml 3000 --memory
#
# Each configuration runs three times, interleaved, and the best wall time counts (the least
# disturbed by other work). Device-days = DEVICES x the population's days (7 for the bundled
# fleets), read from the fleet's own JSON output. CPU time (user + system) of the last run is
# printed too: on a busy machine device-days per CPU-second still says how costly a device is.
# The MPI runs simulate MPI_DEVICES devices (default twice DEVICES): mpirun's start-up (about 0.1 to
# 0.3 s) is in their wall time, so they need a longer fleet for the ranks' own speed-up to show.
# MPI runs need mpirun and a bgsim built with MPI (cmake -DBGSIM_MPI=ON); as root they need
# OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 (set here). --memory also runs a fleet
# of ceil(1e6 / days) devices with 2 threads and reports its peak resident memory (GNU time's %M).
set -eu
BGSIM=${1:-build/bin/bgsim}
FLEET=${2:-scenarios/fleets/android.yaml}
DEVICES=${3:-3000}
MEMORY=${4:-}
MPI_DEVICES=${MPI_DEVICES:-$((DEVICES * 2))}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
TIMEF=$(mktemp)
trap 'rm -f "$TIMEF"' EXIT
now() { date +%s.%N; }

days=$("$BGSIM" fleet "$FLEET" --devices 1 --format json | sed -n 's/.*"device_days":\([0-9.e+]*\),.*/\1/p')
dd=$(echo "$DEVICES * $days" | bc -l)

# measure NAME CMD...: best wall time of 3 runs into best_NAME, CPU time of the last into cpu_NAME.
measure() {
    name=$1
    shift
    best=""
    for rep in 1 2 3; do
        t0=$(now)
        /usr/bin/time -f '%U %S %M' -o "$TIMEF" "$@" >/dev/null
        t1=$(now)
        t=$(echo "$t1 - $t0" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" -eq 1 ]; then best=$t; fi
    done
    eval "best_$name=$best"
    eval "cpu_$name=$(awk '{ print $1 + $2 }' "$TIMEF")"
}

measure j1 "$BGSIM" fleet "$FLEET" --devices "$DEVICES" --jobs 1
measure j2 "$BGSIM" fleet "$FLEET" --devices "$DEVICES" --jobs 2
printf 'fleet %s: %s devices x %s d = %s device-days\n' "$FLEET" "$DEVICES" "$days" "$dd"
printf 'jobs 1: %.3f s, %.0f device-days/s per core (CPU %.2f s: %.0f device-days per CPU-second)\n' "$best_j1" \
    "$(echo "$dd / $best_j1" | bc -l)" "$cpu_j1" "$(echo "$dd / $cpu_j1" | bc -l)"
printf 'jobs 2: %.3f s, %.0f device-days/s in all (CPU %.2f s)\n' "$best_j2" "$(echo "$dd / $best_j2" | bc -l)" "$cpu_j2"
printf 'speed-up 1 -> 2 jobs: %.2fx\n' "$(echo "$best_j1 / $best_j2" | bc -l)"

if command -v mpirun >/dev/null 2>&1; then
    measure r1 mpirun -np 1 "$BGSIM" fleet "$FLEET" --devices "$MPI_DEVICES" --jobs 1
    measure r2 mpirun -np 2 --oversubscribe "$BGSIM" fleet "$FLEET" --devices "$MPI_DEVICES" --jobs 1
    printf 'mpirun, %s devices: -np 1: %.3f s; -np 2: %.3f s; speed-up 1 -> 2 ranks: %.2fx (mpirun start-up included)\n' \
        "$MPI_DEVICES" "$best_r1" "$best_r2" "$(echo "$best_r1 / $best_r2" | bc -l)"
else
    echo "mpirun not found: no MPI figures"
fi

if [ "$MEMORY" = "--memory" ]; then
    n=$(echo "(1000000 + $days - 1) / $days" | bc)
    t0=$(now)
    /usr/bin/time -f '%U %S %M' -o "$TIMEF" "$BGSIM" fleet "$FLEET" --devices "$n" --jobs 2 >/dev/null
    t1=$(now)
    printf '1,000,000 device-days (%s devices, 2 jobs): %.1f s, peak resident memory %s KiB\n' "$n" \
        "$(echo "$t1 - $t0" | bc -l)" "$(awk '{ print $3 }' "$TIMEF")"
fi
printf 'load average while measuring: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
