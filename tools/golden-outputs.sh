#!/bin/sh
# Writes every output a refactoring must not change, for every bundled scenario, into OUTDIR:
#   run --format text|json, --trace, --fingerprint; a sweep per platform; a fleet per population
#   (text, json, csv); check --junit over the scenario library. Stderr and exit status of each
#   command are kept beside its output (a changed message or status is a change too).
#
#   tools/golden-outputs.sh BGSIM OUTDIR
#   diff -r OUTDIR-before OUTDIR-after      # byte-identical: nothing printed
#
# Run it with the bgsim of the commit before a change and of the commit after, then diff.
set -u
bgsim=${1:?usage: golden-outputs.sh BGSIM OUTDIR}
out=${2:?usage: golden-outputs.sh BGSIM OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
cd "$root" || exit 70

# name: a file name for a scenario path (scenarios/examples/x.yaml -> examples-x)
name() { echo "$1" | sed 's|^scenarios/||; s|\.yaml$||; s|/|-|g'; }
# keep NAME CMD...: CMD's stdout in NAME.out, stderr in NAME.err, status in NAME.rc
keep() {
  _k=$1; shift
  "$@" >"$out/$_k.out" 2>"$out/$_k.err"
  echo $? >"$out/$_k.rc"
}

scenarios=$(ls scenarios/*.yaml scenarios/examples/*.yaml tests/scenario/*.yaml 2>/dev/null)
for f in $scenarios; do
  n=$(name "$f")
  keep "$n.run-text" "$bgsim" run "$f"
  keep "$n.run-json" "$bgsim" run "$f" --format json --trace "$out/$n.trace.jsonl"
  keep "$n.fingerprint" "$bgsim" run "$f" --fingerprint
  keep "$n.seed7-14d" "$bgsim" run "$f" --seed 7 --duration 14d --format json
done
# Plots (data and scripts; the images gnuplot draws from them), the HTML report, Perfetto JSON.
for p in android ios; do
  keep "plots-$p" "$bgsim" run scenarios/default.yaml --set platform=$p --plot "$out/plots-$p" \
    --report "$out/report-$p" --perfetto "$out/perfetto-$p.json"
  keep "sweep-plot-$p" "$bgsim" sweep scenarios/default.yaml --set platform=$p \
    --set 'app.tasks[sync].minimum_interval=15m,1h' --set 'device.battery.initial=50%,90%' \
    --seeds 2 --plot "$out/sweep-plot-$p"
  keep "fleet-plot-$p" "$bgsim" fleet scenarios/fleets/$p.yaml --devices 20 --duration 2d \
    --target 'worker.runs_per_day>=2' --plot "$out/fleet-plot-$p"
done
for p in android ios ideal; do
  keep "sweep-$p-csv" "$bgsim" sweep scenarios/default.yaml --set platform=$p \
    --set 'app.tasks[sync].minimum_interval=15m,1h,6h' --seeds 3 --jobs 2
  keep "sweep-$p-json" "$bgsim" sweep scenarios/default.yaml --set platform=$p \
    --set 'app.tasks[sync].minimum_interval=15m,1h' --seeds 2 --format json --metric sync.max_gap
done
for f in scenarios/fleets/*.yaml; do
  n=$(name "$f")
  for fmt in text json csv; do
    keep "$n.fleet-$fmt" "$bgsim" fleet "$f" --devices 40 --jobs 2 --format $fmt \
      --target 'worker.runs_per_day>=4' --duration 3d
  done
done
keep check "$bgsim" check $scenarios --junit "$out/check-junit.xml" --jobs 2
keep check-fleets "$bgsim" check scenarios/fleets/*.yaml --junit "$out/check-fleets-junit.xml"
keep validate "$bgsim" validate $scenarios scenarios/fleets/*.yaml
# Errors are output too: every malformed file of the test corpora, and the usage/input errors.
# The outputs keep the names they had before the corpora moved to tests/scenario (bad-scenarios-NN,
# bad-fleet-NN), so that the outputs of a commit before the move compare file by file; the
# messages name the file as given, so those of the corpora show the new folders.
for f in tests/scenario/bad/*.yaml tests/scenario/fleet/bad/*.yaml; do
  keep "bad-$(echo "$f" | sed 's|^tests/scenario/bad/|scenarios-|; s|^tests/scenario/fleet/bad/|fleet-|; s|\.yaml$||')" \
    "$bgsim" validate "$f"
done
keep missing-file "$bgsim" run does-not-exist.yaml
keep bad-option "$bgsim" run scenarios/default.yaml --no-such-option
keep bad-set "$bgsim" run scenarios/default.yaml --set 'app.tasks[nope].minimum_interval=1h'
keep bad-duration "$bgsim" sweep scenarios/default.yaml --set 'app.tasks[sync].minimum_interval=1h,x'
# Messages name the output folder: make them comparable between two output folders.
for e in "$out"/*.err; do
  sed "s|$out|OUT|g" "$e" >"$e.tmp" && mv "$e.tmp" "$e"
done
exit 0
