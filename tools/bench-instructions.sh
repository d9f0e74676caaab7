#!/bin/sh
# bench-instructions.sh - issue 24's performance table in one run, counted in instructions: the
# figures do not depend on the machine's load (a shared machine makes wall-clock figures noise).
#
#   tools/bench-instructions.sh [BGSIM] [--against OLD_BGSIM] [--quick]
#   tools/bench-instructions.sh build/bin/bgsim --against /tmp/bgsim-of-the-previous-commit
#
# Each workload runs once under `valgrind --tool=callgrind` (instructions executed, the Ir
# count: deterministic for a binary and its input, so one run is enough) with one job. Rows:
#   sweep android / ios / ideal   instructions per device-day of `bgsim sweep scenarios/default.yaml
#                                 --set platform=P --seeds S --jobs 1` (S x 7 device-days)
#   sweep commuter                the same of scenarios/examples/android-commuter.yaml (S x 14)
#   fleet android                 per device-day of `bgsim fleet scenarios/fleets/android.yaml
#                                 --devices D --jobs 1` (D x 7 device-days)
#   run / 1-seed sweep            `bgsim run scenarios/default.yaml` (trace fingerprint on) against
#                                 `bgsim sweep` of the same file with one seed
#   tasks 1,000 / 100             one device-day of the ideal platform with N tasks every 15 min
#                                 (scenarios generated here): linear would be 10x
#   sweep P: events, / floor      fired events per device-day (tools/bench/floor.sh, its S seeds),
#                                 and the sweep's instructions per device-day over the floor:
#                                 those events x one pop+push of the bare heap, without the hold
#                                 model's random draw (bgsim-bench hold --bare --predrawn; goal:
#                                 within 1.5x). Twice: the heap holding as many events as the
#                                 workload does (bgsim-held over the sweep's seeds; the same size
#                                 for both binaries), and at 25 (the issue's "20-30 pending")
#   engine event / floor op       bgsim-bench hold --predrawn (the engine, no model, the same
#                                 predrawn delays and pops) over the floor's bare heap op: the
#                                 floor ratio an empty model would have
#   hold engine / bare at N       bgsim-bench's hold model, instructions per hold operation (two runs
#                                 of M and 2M operations, so the initial fill cancels out) on the
#                                 engine and on the bare binary heap; the ratio is bare/engine, as
#                                 `bgsim-bench hold --compare` prints speed engine/bare
# With --against OLD_BGSIM every row is also measured with OLD_BGSIM (and the bgsim-bench next to
# it) and the last column is new/old (below 1: fewer instructions). --quick runs smaller
# workloads (a few seconds each under valgrind) for a smoke test.
#
# Instructions are not time: they do not see cache misses (the engine at 1e6 pending is limited
# by them) or the cost of a division against an add. Use tools/bench-cpu.sh (the same table in CPU
# time, interleaved with OLD_BGSIM) on a quiet machine for time; use this on a busy one.
set -eu
BGSIM=build/bin/bgsim
OLD=""
SEEDS=${BENCH_SEEDS:-10}
DEVICES=${BENCH_DEVICES:-10}
HOLD=${BENCH_HOLD:-100000}
PENDINGS=${BENCH_PENDINGS:-"1000 100000 1000000"}
while [ $# -gt 0 ]; do
    case $1 in
    --against) OLD=$2; shift 2 ;;
    --quick) SEEDS=2; DEVICES=2; HOLD=20000; PENDINGS="1000 100000"; shift ;;
    -h | --help) sed -n '2,35p' "$0"; exit 0 ;;
    *) BGSIM=$1; shift ;;
    esac
done
command -v valgrind >/dev/null 2>&1 || { echo "bench-instructions.sh: valgrind is needed" >&2; exit 69; }
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ir CMD...: the instructions CMD executed (its output discarded; a failure stops the script).
ir() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >/dev/null 2>"$tmp/vg" ||
        { cat "$tmp/vg" >&2; exit 70; }
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$tmp/vg" | tail -1
}

# op_ir BENCH PENDING ARGS...: instructions of one `BENCH hold --pending PENDING ARGS` operation:
# those of 2 x HOLD operations less those of HOLD, so that the process's start and the fill cancel.
op_ir() {
    _b=$1
    _n=$2
    shift 2
    _i1=$(ir "$_b" hold --pending "$_n" --events "$HOLD" "$@")
    _i2=$(ir "$_b" hold --pending "$_n" --events $((2 * HOLD)) "$@")
    echo "($_i2 - $_i1) / $HOLD" | bc -l
}

. "$root/tools/bench/tasks-scenario.sh"
. "$root/tools/bench/floor.sh"
t100=$(bench_tasks_scenario 100 "$tmp")
t1000=$(bench_tasks_scenario 1000 "$tmp")

# measure BIN: sets the figures of one binary, as variables prefixed with $2.
measure() {
    b=$1
    p=$2
    bench=$(dirname "$b")/bgsim-bench
    cd "$root"
    for w in $BENCH_WORKLOADS; do
        bench_workload "$w"
        n=$(ir "$b" sweep "$bench_file" --set platform="$bench_platform" --seeds "$SEEDS" --jobs 1)
        eval "${p}sweep_$w=$(echo "$n / ($SEEDS * $bench_days)" | bc)"
        eval "${p}events_$w=$(bench_events_per_day "$b" "$w" "$SEEDS")"
    done
    n=$(ir "$b" fleet scenarios/fleets/android.yaml --devices "$DEVICES" --jobs 1)
    eval "${p}fleet=$(echo "$n / ($DEVICES * 7)" | bc)"
    eval "${p}run=$(ir "$b" run scenarios/default.yaml)"
    eval "${p}sweep1=$(ir "$b" sweep scenarios/default.yaml --set platform=android --seeds 1 --jobs 1)"
    eval "${p}t100=$(ir "$b" run "$t100")"
    eval "${p}t1000=$(ir "$b" run "$t1000")"
    for n in $PENDINGS; do
        if [ -x "$bench" ]; then
            eval "${p}eng_$n=$(op_ir "$bench" "$n")"
            eval "${p}bare_$n=$(op_ir "$bench" "$n" --bare)"
        else
            eval "${p}eng_$n=0 ${p}bare_$n=0"
        fi
    done
}

measure "$BGSIM" new_
# The floor's heap op is the reference heap's (bgsim-bench's own code, not bgsim's): measured once,
# with the bgsim-bench next to BGSIM, and used for both binaries' rows.
floor_op=0
if [ -x "$(dirname "$BGSIM")/bgsim-bench" ]; then
    floor_op=$(op_ir "$(dirname "$BGSIM")/bgsim-bench" "$FLOOR_PENDING" --bare --predrawn)
fi
# The heap size each workload holds (this tree's bgsim-held) and the floor's op at that size.
for w in $BENCH_WORKLOADS; do
    h=""
    [ "$(echo "$floor_op > 0" | bc)" -eq 1 ] && h=$(bench_held "$BGSIM" "$w" "$SEEDS")
    eval "held_$w=$h"
    if [ -z "$h" ]; then
        eval "floor_op_$w=0"
    elif [ "$h" = "$FLOOR_PENDING" ]; then
        eval "floor_op_$w=$floor_op"
    else
        eval "floor_op_$w=$(op_ir "$(dirname "$BGSIM")/bgsim-bench" "$h" --bare --predrawn)"
    fi
done
[ -n "$OLD" ] && measure "$OLD" old_
# engine_op BGSIM: instructions of one event on the engine with no model at FLOOR_PENDING pending
# (bgsim-bench hold --predrawn next to BGSIM: pop, dispatch, one schedule_in; the same pops as the
# floor's bare heap), empty when that bgsim-bench has no such mode (before 2026-12-06).
engine_op() {
    b=$(dirname "$1")/bgsim-bench
    "$b" hold --pending "$FLOOR_PENDING" --events 10 --predrawn >/dev/null 2>&1 || return 0
    op_ir "$b" "$FLOOR_PENDING" --predrawn
}
new_engine_op=$(engine_op "$BGSIM")
old_engine_op=""
if [ -n "$OLD" ]; then old_engine_op=$(engine_op "$OLD"); fi

# row LABEL NEW OLD UNIT: one line of the table; NEW and OLD are numbers, OLD may be empty.
row() {
    if [ -n "$OLD" ]; then
        printf '| %s | %s | %s | %.3f |\n' "$1" "$2" "$3" "$(echo "$2 / $3" | bc -l)"
    else
        printf '| %s | %s |\n' "$1" "$2"
    fi
}
v() { eval "echo \${$1:-}"; }
fmt() { printf '%.0f' "$1"; }
fmt1() { printf '%.1f' "$1"; }
fmt3() { printf '%.3f' "$1"; }

printf 'bench-instructions: %s%s; %s seeds, %s fleet devices, hold %s ops; callgrind Ir\n\n' "$BGSIM" \
    "${OLD:+ against $OLD}" "$SEEDS" "$DEVICES" "$HOLD"
if [ -n "$OLD" ]; then
    echo '| measure | this binary | previous | this / previous |'
    echo '|---|---|---|---|'
else
    echo '| measure | this binary |'
    echo '|---|---|'
fi
for w in $BENCH_WORKLOADS; do
    row "sweep $w, instructions per device-day" "$(v new_sweep_"$w")" "$(v old_sweep_"$w")"
done
# floor_ratio PREFIX WORKLOAD OP: the sweep's instructions per device-day over the floor's with the
# heap op OP (0: no bgsim-bench or bgsim-held).
floor_ratio() {
    f=$(echo "$(v "$1"events_"$2") * $3" | bc -l)
    if [ "$(echo "$f == 0" | bc)" -eq 1 ]; then echo 0; else echo "$(v "$1"sweep_"$2") / $f" | bc -l; fi
}
engine_label="an event on the engine with no model / floor's op (bgsim-bench hold --predrawn at $FLOOR_PENDING pending)"
for w in $BENCH_WORKLOADS; do
    row "sweep $w, fired events per device-day" "$(fmt1 "$(v new_events_"$w")")" \
        "$([ -n "$OLD" ] && fmt1 "$(v old_events_"$w")")"
    op=$(v floor_op_"$w")
    row "sweep $w / floor (events x bare heap op at $(v held_"$w") pending, the mean it holds; goal <= 1.5)" \
        "$(fmt3 "$(floor_ratio new_ "$w" "$op")")" "$([ -n "$OLD" ] && fmt3 "$(floor_ratio old_ "$w" "$op")")"
    row "sweep $w / floor at $FLOOR_PENDING pending (the issue's estimate of what bgsim holds)" \
        "$(fmt3 "$(floor_ratio new_ "$w" "$floor_op")")" "$([ -n "$OLD" ] && fmt3 "$(floor_ratio old_ "$w" "$floor_op")")"
done
# The engine's own event over the floor's op: what an event costs before any model does anything.
if [ -n "$new_engine_op" ] && [ "$(echo "$floor_op > 0" | bc)" -eq 1 ]; then
    if [ -n "$OLD" ] && [ -z "$old_engine_op" ]; then
        printf '| %s | %.3f | no engine mode in the previous bgsim-bench | |\n' "$engine_label" \
            "$(echo "$new_engine_op / $floor_op" | bc -l)"
    else
        row "$engine_label" "$(fmt3 "$(echo "$new_engine_op / $floor_op" | bc -l)")" \
            "$([ -n "$OLD" ] && fmt3 "$(echo "$old_engine_op / $floor_op" | bc -l)")"
    fi
fi
row "fleet android, instructions per device-day" "$(v new_fleet)" "$(v old_fleet)"
row "run (fingerprint) / 1-seed sweep, default.yaml" "$(fmt3 "$(echo "$(v new_run) / $(v new_sweep1)" | bc -l)")" \
    "$([ -n "$OLD" ] && fmt3 "$(echo "$(v old_run) / $(v old_sweep1)" | bc -l)")"
row "1 device-day, 1,000 tasks / 100 tasks (linear: 10)" "$(fmt3 "$(echo "$(v new_t1000) / $(v new_t100)" | bc -l)")" \
    "$([ -n "$OLD" ] && fmt3 "$(echo "$(v old_t1000) / $(v old_t100)" | bc -l)")"
row "1 device-day with 1,000 tasks, instructions" "$(v new_t1000)" "$(v old_t1000)"
for n in $PENDINGS; do
    e=$(v new_eng_"$n")
    if [ "$(echo "$e == 0" | bc)" -eq 1 ]; then
        echo "| hold at $n pending | no bgsim-bench next to $BGSIM |"
        continue
    fi
    row "hold at $n pending: bare heap, instructions per op" "$(fmt "$(v new_bare_"$n")")" \
        "$([ -n "$OLD" ] && fmt "$(v old_bare_"$n")")"
    row "hold at $n pending: engine, instructions per op" "$(fmt "$e")" "$([ -n "$OLD" ] && fmt "$(v old_eng_"$n")")"
    row "hold at $n pending: bare / engine (goal >= 0.9)" "$(fmt3 "$(echo "$(v new_bare_"$n") / $e" | bc -l)")" \
        "$([ -n "$OLD" ] && fmt3 "$(echo "$(v old_bare_"$n") / $(v old_eng_"$n")" | bc -l)")"
done
