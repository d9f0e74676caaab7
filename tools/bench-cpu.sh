#!/bin/sh
# bench-cpu.sh - issue 24's performance table in one run, in CPU time, for a quiet machine: the
# rows of tools/bench-instructions.sh, each measured PAIRS times, and with --against the binary of
# the previous commit run right after this one for every row (new, old, new, old, ...).
#
#   tools/bench-cpu.sh [BGSIM] [--against OLD_BGSIM] [--pairs N] [--quick]
#   tools/bench-cpu.sh build/bin/bgsim --against /tmp/bgsim-of-the-previous-commit
#
# CPU time (user + system) of each command comes from bgsim-cputime next to BGSIM (getrusage of
# the child, in microseconds). A row's value is the median over the pairs; with --against the last
# column is the median over the pairs of this/previous, each pair measured back to back, so slow
# drifts of the machine cancel. Rows, all with one job:
#   sweep android / ios / ideal   device-days per CPU-second of `bgsim sweep scenarios/default.yaml
#                                 --set platform=P --seeds S` (S x 7 device-days)
#   sweep commuter                the same of scenarios/examples/android-commuter.yaml (S x 14)
#   fleet android                 device-days per CPU-second of `bgsim fleet
#                                 scenarios/fleets/android.yaml --devices D`
#   run / 1-seed sweep            CPU time of `bgsim run scenarios/default.yaml --duration Nd` (trace
#                                 fingerprint on) over that of the 1-seed sweep of the same days:
#                                 the cost of a run per device-day against a sweep's. N =
#                                 BENCH_RUN_DAYS, default 3650: a year's run was 25 ms of CPU, whose
#                                 pairs spread from 1.01 to 1.17 (ten years: 250 ms)
#   tasks 1,000 / 100             one device-day of the ideal platform with N tasks every 15 min
#                                 (tools/bench/tasks-scenario.sh): linear would be 10
#   sweep P / floor               the sweep's CPU per device-day over the floor's: its fired events
#                                 per device-day (tools/bench/floor.sh, its first 100 seeds) x the CPU of
#                                 one pop+push of the bare heap, without the hold model's random
#                                 draw (`bgsim-bench hold --bare --predrawn`: the CPU of 2N ops less
#                                 that of N, N = BENCH_FLOOR_OPS, default 10^7; sampled in every
#                                 pair like the other rows; goal <= 1.5). Twice: the heap holding
#                                 as many events as the workload does (bgsim-held, first 100 seeds
#                                 of the sweep; the same size for both binaries), and at 25 (the
#                                 issue's "20-30 pending")
#   engine event / floor op       `bgsim-bench hold --predrawn` (the engine, no model, the same pops)
#                                 over the floor's op: the floor ratio an empty model would have
#   a draw / floor op             `bgsim-bench draw --kind lognormal|exponential` (a session length,
#                                 a normal ziggurat and exp; an arrival gap) over the floor's op: what
#                                 each draw a model makes per event adds to its floor ratio at least
#   hold engine / bare at N       `bgsim-bench hold --pending N --events M --compare`: the engine's
#                                 speed over the bare binary heap's (wall clock inside one process,
#                                 the two interleaved there; goal >= 0.9), with the bgsim-bench next
#                                 to each binary
# Above 1 in the last column is faster for the per-CPU-second and engine rows, and a larger
# ratio for the others. --quick runs tiny workloads once (a smoke test: its figures mean nothing).
# On a busy machine CPU time is noise too (shared caches, frequency): use bench-instructions.sh.
set -eu
BGSIM=build/bin/bgsim
OLD=""
PAIRS=${BENCH_PAIRS:-5}
SEEDS=${BENCH_SEEDS:-1000}
DEVICES=${BENCH_DEVICES:-1000}
RUN_DAYS=${BENCH_RUN_DAYS:-3650}
HOLD=${BENCH_HOLD:-1000000}
FLOOR_OPS=${BENCH_FLOOR_OPS:-10000000}
REPS=${BENCH_REPS:-3}
PENDINGS=${BENCH_PENDINGS:-"1000 100000 1000000"}
while [ $# -gt 0 ]; do
    case $1 in
    --against) OLD=$2; shift 2 ;;
    --pairs) PAIRS=$2; shift 2 ;;
    --quick) PAIRS=1; SEEDS=3; DEVICES=3; RUN_DAYS=7; HOLD=20000; FLOOR_OPS=2000000; REPS=1; PENDINGS="1000 100000"; shift ;;
    -h | --help) sed -n '2,45p' "$0"; exit 0 ;;
    *) BGSIM=$1; shift ;;
    esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
timer=$(dirname "$BGSIM")/bgsim-cputime
[ -x "$timer" ] || { echo "bench-cpu.sh: no bgsim-cputime next to $BGSIM (it is built with bgsim)" >&2; exit 69; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
. "$root/tools/bench/tasks-scenario.sh"
. "$root/tools/bench/floor.sh"
t100=$(bench_tasks_scenario 100 "$tmp")
t1000=$(bench_tasks_scenario 1000 "$tmp")
days=$("$BGSIM" fleet scenarios/fleets/android.yaml --devices 1 --format json | sed -n 's/.*"device_days":\([0-9.e+]*\),.*/\1/p')

# cpu CMD...: CPU seconds of CMD (a failure stops the script).
cpu() {
    "$timer" "$@" >"$tmp/cpu" || { echo "bench-cpu.sh: failed: $*" >&2; exit 70; }
    cut -d' ' -f1 "$tmp/cpu"
}
# put ROW WHICH VALUE: one sample of a row (WHICH: new or old), a line of $tmp/ROW.WHICH.
put() { echo "$3" >>"$tmp/$1.$2"; }
calc() { echo "$1" | bc -l; }

# op_cpu BENCH ARGS...: CPU seconds of one operation of `BENCH ARGS --events N` (a hold op or a
# draw): the CPU of 2N operations less that of N (N = FLOOR_OPS), so that the process's start and
# the fill cancel out. FLOOR_OPS is large enough that the difference (tens of ms) stands above the
# jitter of a process's start; on a loaded machine it can still come out at or below zero, and then
# the pair is measured again (a negative op cost is not a figure; CI saw one at 20,000 ops).
op_cpu() {
    _tries=0
    while :; do
        _c1=$(cpu "$@" --events "$FLOOR_OPS")
        _c2=$(cpu "$@" --events $((2 * FLOOR_OPS)))
        [ "$(calc "$_c2 > $_c1")" -eq 1 ] && break
        _tries=$((_tries + 1))
        [ "$_tries" -lt 5 ] || { echo "bench-cpu.sh: '$2' measured at or below zero 5 times (machine too busy?)" >&2; exit 75; }
    done
    calc "($_c2 - $_c1) / $FLOOR_OPS"
}

# sample ROW BIN WHICH: one sample of one row (or of the hold rows at one size) for one binary (sh
# has no local variables: the names here are used nowhere else).
sample() {
    b=$2
    w=$3
    case $1 in
    sweep_*)
        bench_workload "${1#sweep_}"
        c=$(cpu "$b" sweep "$bench_file" --set platform="$bench_platform" --seeds "$SEEDS" --jobs 1)
        put "$1" "$w" "$(calc "$SEEDS * $bench_days / $c")"
        ;;
    fleet)
        c=$(cpu "$b" fleet scenarios/fleets/android.yaml --devices "$DEVICES" --jobs 1)
        put fleet "$w" "$(calc "$DEVICES * $days / $c")"
        ;;
    run_sweep)
        r=$(cpu "$b" run scenarios/default.yaml --duration "${RUN_DAYS}d")
        s=$(cpu "$b" sweep scenarios/default.yaml --set "duration=${RUN_DAYS}d" --seeds 1 --jobs 1)
        put run_sweep "$w" "$(calc "$r / $s")"
        ;;
    tasks)
        a=$(cpu "$b" run "$t100")
        z=$(cpu "$b" run "$t1000")
        put tasks "$w" "$(calc "$z / $a")"
        put t1000 "$w" "$(calc "$z * 1000")"
        ;;
    floor)
        # The reference heap's op (bgsim-bench's own code, not bgsim's): always the bgsim-bench next
        # to BGSIM, sampled in both binaries' turns.
        bench=$(dirname "$BGSIM")/bgsim-bench
        [ -x "$bench" ] || return 0
        put floor "$w" "$(op_cpu "$bench" hold --pending "$FLOOR_PENDING" --bare --predrawn)"
        ;;
    floorat_*)
        # The same op at a workload's own heap size (bench_held), when that is not FLOOR_PENDING.
        put "$1" "$w" "$(op_cpu "$(dirname "$BGSIM")/bgsim-bench" hold --pending "${1#floorat_}" --bare --predrawn)"
        ;;
    engine_op)
        # An event on this binary's engine with no model (same pops as the floor's heap), when its
        # bgsim-bench has that mode (since 2026-12-06).
        bench=$(dirname "$b")/bgsim-bench
        [ -x "$bench" ] && "$bench" hold --pending "$FLOOR_PENDING" --events 10 --predrawn >/dev/null 2>&1 || return 0
        put engine_op "$w" "$(op_cpu "$bench" hold --pending "$FLOOR_PENDING" --predrawn)"
        ;;
    draw_*)
        # A model's random draw (this binary's generator), when its bgsim-bench has `draw`.
        bench=$(dirname "$b")/bgsim-bench
        [ -x "$bench" ] && "$bench" draw --kind lognormal --events 1 >/dev/null 2>&1 || return 0
        put "$1" "$w" "$(op_cpu "$bench" draw --kind "${1#draw_}")"
        ;;
    hold_*)
        n=${1#hold_}
        bench=$(dirname "$b")/bgsim-bench
        [ -x "$bench" ] || return 0
        "$bench" hold --pending "$n" --events "$HOLD" --compare --reps "$REPS" >"$tmp/hold" ||
            { echo "bench-cpu.sh: $bench hold --pending $n failed" >&2; exit 70; }
        put "hold_$n" "$w" "$(sed -n 's/.*ratio=\([0-9.]*\).*/\1/p' "$tmp/hold")"
        put "eng_$n" "$w" "$(sed -n 's/^hold mode=engine .*ev_per_s=\([0-9.]*\).*/\1/p' "$tmp/hold")"
        ;;
    esac
}

# Each row's sample of this binary, then at once OLD's; all rows; PAIRS times.
rows="floor engine_op draw_lognormal draw_exponential fleet run_sweep tasks"
for wl in $BENCH_WORKLOADS; do rows="sweep_$wl $rows"; done
# Fired events per device-day: deterministic, so counted once per binary.
floor_seeds=$((SEEDS < 100 ? SEEDS : 100))
for wl in $BENCH_WORKLOADS; do
    bench_events_per_day "$BGSIM" "$wl" "$floor_seeds" >"$tmp/events_$wl.new"
    [ -n "$OLD" ] && bench_events_per_day "$OLD" "$wl" "$floor_seeds" >"$tmp/events_$wl.old"
done
# The heap size each workload holds (this tree's bgsim-held, for both binaries' rows), and a floor
# row for each size other than FLOOR_PENDING (whose row is `floor`).
held_seeds=$((SEEDS < 100 ? SEEDS : 100))
for wl in $BENCH_WORKLOADS; do
    h=""
    [ -x "$(dirname "$BGSIM")/bgsim-bench" ] && h=$(bench_held "$BGSIM" "$wl" "$held_seeds")
    echo "$h" >"$tmp/held_$wl"
    case " $rows floorat_$FLOOR_PENDING " in
    *" floorat_$h "* | *" floorat_ "*) ;;
    *) rows="$rows floorat_$h" ;;
    esac
done
for n in $PENDINGS; do rows="$rows hold_$n"; done
i=1
while [ "$i" -le "$PAIRS" ]; do
    for row_name in $rows; do
        sample "$row_name" "$BGSIM" new
        [ -n "$OLD" ] && sample "$row_name" "$OLD" old
    done
    i=$((i + 1))
done

# median FILE: the median of the numbers in FILE, one a line.
median() {
    sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# pair_median ROW: the median over the pairs of new/old.
pair_median() {
    paste -d' ' "$tmp/$1.new" "$tmp/$1.old" | awk '{ print $1 / $2 }' >"$tmp/$1.ratio"
    median "$tmp/$1.ratio"
}
# row LABEL ROW FORMAT: one line of the table.
row() {
    if [ ! -s "$tmp/$2.new" ]; then
        printf '| %s | no bgsim-bench next to %s |\n' "$1" "$BGSIM"
    elif [ -n "$OLD" ] && [ -s "$tmp/$2.old" ]; then
        printf "| %s | $3 | $3 | %.3f |\n" "$1" "$(median "$tmp/$2.new")" "$(median "$tmp/$2.old")" "$(pair_median "$2")"
    elif [ -n "$OLD" ]; then
        printf "| %s | $3 | no bgsim-bench next to %s | |\n" "$1" "$(median "$tmp/$2.new")" "$OLD"
    else
        printf "| %s | $3 |\n" "$1" "$(median "$tmp/$2.new")"
    fi
}

printf 'bench-cpu: %s%s; %s pairs, %s seeds, %s fleet devices, run %s d, hold %s ops x %s; CPU time\n\n' "$BGSIM" \
    "${OLD:+ against $OLD}" "$PAIRS" "$SEEDS" "$DEVICES" "$RUN_DAYS" "$HOLD" "$REPS"
if [ -n "$OLD" ]; then
    echo '| measure | this binary | previous | this / previous (median of pairs) |'
    echo '|---|---|---|---|'
else
    echo '| measure | this binary |'
    echo '|---|---|'
fi
for wl in $BENCH_WORKLOADS; do
    row "sweep $wl, device-days per CPU-second" "sweep_$wl" '%.0f'
done
# floor_ratio WORKLOAD WHICH FLOOR_ROW: the sweep's CPU per device-day over the floor's, from the medians.
floor_ratio() {
    calc "1 / ($(median "$tmp/sweep_$1.$2") * $(cat "$tmp/events_$1.$2") * $(median "$tmp/$3.$2"))"
}
# floor_row LABEL WORKLOAD FLOOR_ROW: one floor line of the table.
floor_row() {
    if [ ! -s "$tmp/$3.new" ]; then
        printf '| %s | no bgsim-bench or bgsim-held next to %s |\n' "$1" "$BGSIM"
    elif [ -n "$OLD" ] && [ -s "$tmp/$3.old" ]; then
        a=$(floor_ratio "$2" new "$3")
        z=$(floor_ratio "$2" old "$3")
        printf '| %s | %.3f | %.3f | %.3f |\n' "$1" "$a" "$z" "$(calc "$a / $z")"
    else
        printf '| %s | %.3f |\n' "$1" "$(floor_ratio "$2" new "$3")"
    fi
}
for plat in $BENCH_WORKLOADS; do
    h=$(cat "$tmp/held_$plat")
    at=floorat_$h
    [ "$h" = "$FLOOR_PENDING" ] && at=floor
    floor_row "sweep $plat / floor (events x bare heap op at ${h:-?} pending, the mean it holds; goal <= 1.5)" "$plat" "$at"
    floor_row "sweep $plat / floor at $FLOOR_PENDING pending (the issue's estimate of what bgsim holds)" "$plat" floor
done
# over_floor LABEL ROW MODE: a row's op over the floor's op (the floor sampled in the same turn),
# when this bgsim-bench has MODE (the previous one may not).
over_floor() {
    [ -s "$tmp/$2.new" ] && [ -s "$tmp/floor.new" ] || return 0
    _new=$(calc "$(median "$tmp/$2.new") / $(median "$tmp/floor.new")")
    if [ -n "$OLD" ] && [ -s "$tmp/$2.old" ]; then
        _old=$(calc "$(median "$tmp/$2.old") / $(median "$tmp/floor.old")")
        printf '| %s | %.3f | %.3f | %.3f |\n' "$1" "$_new" "$_old" "$(calc "$_new / $_old")"
    elif [ -n "$OLD" ]; then
        printf '| %s | %.3f | no %s in the previous bgsim-bench | |\n' "$1" "$_new" "$3"
    else
        printf '| %s | %.3f |\n' "$1" "$_new"
    fi
}
over_floor "an event on the engine with no model / floor's op (bgsim-bench hold --predrawn at $FLOOR_PENDING pending)" \
    engine_op "engine mode"
for kind in lognormal exponential; do
    over_floor "one $kind draw / floor's op (bgsim-bench draw --kind $kind)" "draw_$kind" "draw mode"
done
row "fleet android, device-days per CPU-second" fleet '%.0f'
row "run (fingerprint) / 1-seed sweep, CPU per device-day, default.yaml" run_sweep '%.3f'
row "1 device-day, 1,000 tasks / 100 tasks (linear: 10)" tasks '%.2f'
row "1 device-day with 1,000 tasks, CPU ms" t1000 '%.1f'
for n in $PENDINGS; do
    row "hold at $n pending: engine / bare heap, speed (goal >= 0.9)" "hold_$n" '%.3f'
    row "hold at $n pending: engine, events per second" "eng_$n" '%.0f'
done
printf '\nload average while measuring: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
