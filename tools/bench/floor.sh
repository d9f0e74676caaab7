# floor.sh - sourced by tools/bench-instructions.sh and tools/bench-cpu.sh (one home for issue 24's
# floor): what a device-day would cost if each fired event cost only a pop and a push of a bare
# binary heap holding as many events as bgsim does. How many that is, is measured per workload
# (bench_held: the commuter holds about twice the default scenario's); the issue's own estimate,
# "20-30 pending" (BENCH_FLOOR_PENDING, default 25), is kept as a second, fixed reference.
# bgsim / floor says how much of a device-day is the models' own work on top of the events they
# fire (goal: within 1.5x). The op is `bgsim-bench hold --bare --predrawn`: the heap's
# pop and push alone, its delays drawn before the timed loop. (Until 2026-12-06 the op included
# the hold model's exponential draw, twice the heap's own cost at 25 pending, and the floor ratios
# printed then were about half of what the definition gives.)
#
# The sweeps of the table's sweep and floor rows: the default scenario on each platform, and the
# issue's commuter (scenarios/examples/android-commuter.yaml: light and deep Doze every night, about
# 1.4 times the default's fired events per device-day).
BENCH_WORKLOADS="android ios ideal commuter"

# bench_workload NAME: sets bench_file, bench_platform and bench_days (the scenario's own
# `duration:` in days) of a workload of BENCH_WORKLOADS. Run from the source root.
bench_workload() {
    case $1 in
    commuter) bench_file=scenarios/examples/android-commuter.yaml bench_platform=android ;;
    *) bench_file=scenarios/default.yaml bench_platform=$1 ;;
    esac
    bench_days=$(sed -n 's/^duration: *\([0-9][0-9]*\)d *$/\1/p' "$bench_file")
    [ -n "$bench_days" ] || { echo "floor.sh: $bench_file has no 'duration: Nd' line" >&2; exit 70; }
}

# bench_events_per_day BGSIM WORKLOAD SEEDS: fired events per device-day of the workload, over the
# first SEEDS seeds of its sweep (the scenario's own seed and the next ones, as `bgsim sweep --seeds`
# takes them: the runs whose CPU time the sweep rows measure): the "events" figure of `bgsim run
# --format json` (re-arm posts count as fired events there, as they take their turn in the order).
# (Until 2026-12-06 seeds 1..SEEDS: over 1,000 seeds of the sweep, android, ios, ideal and the
# commuter fire 1.0, 0.5, 2.2 and 0.6 % more than over those ten.) The run's notes (the scenario's
# os: section left out on another platform) are not shown; a run that fails prints no count, and
# that stops the script.
FLOOR_PENDING=${BENCH_FLOOR_PENDING:-25}
bench_events_per_day() {
    bench_workload "$2"
    _first=$("$1" run "$bench_file" --set platform="$bench_platform" --format json 2>/dev/null |
        sed -n 's/.*"seed":\([0-9]*\).*/\1/p')
    [ -n "$_first" ] || { echo "floor.sh: no seed from $1 run ($2)" >&2; exit 70; }
    _sum=0
    _s=$_first
    while [ "$_s" -lt $((_first + $3)) ]; do
        _n=$("$1" run "$bench_file" --set platform="$bench_platform" --seed "$_s" --format json 2>/dev/null |
            sed -n 's/.*"events":\([0-9]*\).*/\1/p')
        [ -n "$_n" ] || { echo "floor.sh: no events count from $1 run ($2, seed $_s)" >&2; exit 70; }
        _sum=$((_sum + _n))
        _s=$((_s + 1))
    done
    echo "$_sum / ($3 * $bench_days)" | bc -l
}

# bench_held BGSIM WORKLOAD SEEDS: the mean number of events pending as each fired event was taken,
# itself included (the size of the bare heap the floor pops and pushes), over the workload's sweep
# of SEEDS seeds (the first of the measured sweep's), rounded to a whole heap size. It comes from
# bgsim-held next to BGSIM: bgsim with an engine that counts them (tools/CMakeLists.txt; counting in
# bgsim itself would cost ~1 % of a sweep's instructions). Prints nothing without a bgsim-held there.
bench_held() {
    _held=$(dirname "$1")/bgsim-held
    [ -x "$_held" ] || return 0
    bench_workload "$2"
    _h=$("$_held" sweep "$bench_file" --set platform="$bench_platform" --seeds "$3" --jobs 1 2>&1 >/dev/null |
        sed -n 's/^bgsim-held: steps=[0-9]* held=\([0-9.]*\)$/\1/p')
    [ -n "$_h" ] || { echo "floor.sh: no held count from $_held ($2)" >&2; exit 70; }
    printf '%.0f\n' "$_h"
}
