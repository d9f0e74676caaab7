#!/bin/sh
# Builds the libFuzzer targets (tools/fuzz/) with clang, ASan and UBSan, and runs each of them for
# SECONDS seconds, one after the other (FUZZ_JOBS=2 runs two at a time). Then prints, per target,
# the executions and libFuzzer's coverage figures (cov: edges, ft: features) of its whole corpus
# after the run (loaded once with -runs=0, so the figures mean the same with FUZZ_KEEP_GOING=1).
#
#   tools/fuzz.sh SECONDS [TARGET...]       default: every target that was built
#
# Seeds: scenarios/, tests/scenario/good and bad, tests/fuzz/<target>/ (the regression corpus) and
# generated registry blobs. The growing corpora live in build-fuzz/corpus/<target> (kept between
# runs, never committed). Crashes, leaks, timeouts and OOMs are written to tools/fuzz/crashes/
# (not committed either): reproduce one with build-fuzz/bin/<target> FILE, fix it, and copy the file
# into tests/fuzz/<target>/ so that ctest replays it forever.
#
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_JOBS (1), FUZZ_NICE (0: the nice level),
# FUZZ_KEEP_GOING=1 (go on after a crash: libFuzzer's -fork=1 -ignore_crashes=1 ..., for long
# unattended runs), FUZZ_ARGS (more libFuzzer flags). Exit status 1 when any target found something.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

if [ $# -lt 1 ] || ! [ "$1" -gt 0 ] 2>/dev/null; then
  echo "usage: tools/fuzz.sh SECONDS [TARGET...]" >&2
  exit 64
fi
seconds=$1
shift

build=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-1}
nicelvl=${FUZZ_NICE:-0}
if ! command -v clang >/dev/null 2>&1; then
  echo "fuzz.sh: clang is not installed (apt-get install clang)" >&2
  exit 77
fi

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DBGSIM_FUZZ=ON -DBUILD_TESTING=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
all=$(sed -n 's/^set(BGSIM_FUZZ_TARGETS \(fuzz_[a-z_ ]*\))$/\1/p' tools/fuzz/CMakeLists.txt)
[ -f sim/scenario/scn_set.h ] && [ -f tools/fuzz/fuzz_set.c ] && all="$all fuzz_set"
targets=${*:-$all}
# shellcheck disable=SC2086
cmake --build "$build" -j2 --target $targets gen_registry_seeds >/dev/null

crashes=$root/tools/fuzz/crashes
mkdir -p "$crashes" "$build/logs"

# Seed corpus directories for a target (existing ones only).
seeds_for() {
  case $1 in
    fuzz_load) echo "scenarios scenarios/examples tests/scenario/good tests/scenario/bad" ;;
    fuzz_registry)
      mkdir -p "$build/seeds/registry"
      "$build/bin/gen_registry_seeds" "$build/seeds/registry"
      echo "$build/seeds/registry" ;;
    fuzz_units | fuzz_dist | fuzz_set | fuzz_sim) echo "tools/fuzz/seeds/${1#fuzz_}" ;;
  esac
}

# Target-specific flags: input length and a dictionary.
flags_for() {
  case $1 in
    fuzz_load | fuzz_dist) echo "-max_len=65536 -dict=tools/fuzz/scenario.dict" ;;
    fuzz_set) echo "-max_len=2048 -dict=tools/fuzz/scenario.dict" ;;
    fuzz_units) echo "-max_len=256 -dict=tools/fuzz/scenario.dict" ;;
    fuzz_registry) echo "-max_len=70000" ;;
    fuzz_sim) echo "-max_len=512" ;; # bytes are choices (fuzz_sim.c): a few hundred cover a scenario
  esac
}

# Per-input time limit: a simulated run of up to 3 days under ASan may take several seconds.
timeout_for() {
  case $1 in
    fuzz_sim) echo 30 ;;
    *) echo 10 ;;
  esac
}

run_one() {
  t=$1
  corpus=$build/corpus/$t
  mkdir -p "$corpus"
  log=$build/logs/$t.log
  regress=tests/fuzz/${t#fuzz_}
  extra=""
  [ -d "$regress" ] && extra=$regress
  [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && extra="$extra -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
  # shellcheck disable=SC2046,SC2086
  nice -n "$nicelvl" "$build/bin/$t" "$corpus" $(seeds_for "$t") $extra $(flags_for "$t") \
    -max_total_time="$seconds" -timeout="$(timeout_for "$t")" -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/$t-" ${FUZZ_ARGS:-} >"$log" 2>&1 || echo "$t" >>"$build/logs/failed"
}

rm -f "$build/logs/failed"
touch "$build/logs/started"
running=0
for t in $targets; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait
    running=0
  fi
done
wait

status=0
printf '%-14s %8s %12s %10s %8s %8s  %s\n' target seconds execs exec/s cov ft result
for t in $targets; do
  log=$build/logs/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  if [ -z "$execs" ]; then # fork mode prints no final stats: the last status line has them
    execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
    [ -n "$execs" ] && rate=$((execs / seconds)) # the status line's exec/s is the last job's only
  fi
  # Coverage of the whole corpus after the run, measured the same way in both modes: load it once.
  # shellcheck disable=SC2046
  # (its slow units go to the logs, not to the current directory)
  "$build/bin/$t" "$build/corpus/$t" $(flags_for "$t") -runs=0 -artifact_prefix="$build/logs/$t-cov-" \
    >"$build/logs/$t.cov" 2>&1 || true
  inited=$(grep -E '^#[0-9]+.*(INITED|DONE).*cov: ' "$build/logs/$t.cov" | tail -1)
  [ -n "$inited" ] && last=$inited
  # Crashes (an oracle failure is one), leaks and OOMs are findings; timeouts (-timeout) and slow
  # units (libFuzzer's -report_slow_units, 10 s) are inputs to look at, counted apart.
  found=$(find "$crashes" \( -name "$t-crash-*" -o -name "$t-leak-*" -o -name "$t-oom-*" \) \
    -newer "$build/logs/started" | wc -l)
  slow=$(find "$crashes" \( -name "$t-timeout-*" -o -name "$t-slow-unit-*" \) -newer "$build/logs/started" | wc -l)
  [ "$found" -gt 0 ] && echo "$t" >>"$build/logs/failed"
  cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  result=ok
  [ "$slow" -gt 0 ] && result="ok ($slow timeouts or slow inputs: tools/fuzz/crashes/$t-timeout-*, -slow-unit-*)"
  if grep -q "^$t\$" "$build/logs/failed" 2>/dev/null; then
    result="FOUND $found: $(grep -m1 -E 'ERROR: |runtime error|fuzz oracle failed' "$log" | cut -c1-90)"
    status=1
  fi
  printf '%-14s %8s %12s %10s %8s %8s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
echo "logs: $build/logs/  crashes: tools/fuzz/crashes/" >&2
exit $status
