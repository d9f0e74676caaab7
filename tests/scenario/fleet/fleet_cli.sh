# fleet_cli.sh - `bgsim fleet` end to end: the output is byte-identical for any number of threads
# (and of MPI ranks, when MPIEXEC is given), every format is well formed, targets and usage errors
# are refused with a message, `bgsim check` passes and fails on fleet expectations, memory does not
# grow with the number of devices, and the plots are drawn.
#   sh fleet_cli.sh BGSIM SOURCE_DIR [MPIEXEC]
. "$(dirname "$0")/../../cli/lib.sh"
MPIEXEC=${3:-}
ANDROID="$SRC/scenarios/fleets/android.yaml"
IOS="$SRC/scenarios/fleets/ios.yaml"
JSON_CHECK="$SRC/tests/cli/json_check.awk"

same() { # same FILE_A FILE_B WHAT
    CHECKS=$((CHECKS + 1))
    cmp -s "$1" "$2" || fail "$3: outputs differ: $(diff "$1" "$2" | head -n 4)"
}

# -- identical for any J, in every format ------------------------------------------------------
for fmt in text json csv; do
    run "$BGSIM" fleet "$ANDROID" --devices 60 --format "$fmt" --target 'sync.max_gap<=8h' --jobs 1
    expect_status 0
    cp "$OUT" "$WORK/j1.$fmt"
    for j in 2 3; do
        run "$BGSIM" fleet "$ANDROID" --devices 60 --format "$fmt" --target 'sync.max_gap<=8h' --jobs "$j"
        expect_status 0
        same "$WORK/j1.$fmt" "$OUT" "--format $fmt --jobs $j vs --jobs 1"
    done
done
CHECKS=$((CHECKS + 1))
awk -f "$JSON_CHECK" "$WORK/j1.json" >/dev/null || fail "fleet --format json is not JSON"
expect_grep "$WORK/j1.text" text '^fleet: android-fleet .* 60 devices, 420\.0 device-days$'
expect_grep "$WORK/j1.text" text '^profiles: pixel-nightly [0-9]+ \('
expect_grep "$WORK/j1.text" text '^  sync\.max_gap<=8h +[0-9.]+% \['
expect_grep "$WORK/j1.json" json '"devices":60,'
# csv: one header, then a row per group x (targets + metrics), each with the header's 16 fields
CHECKS=$((CHECKS + 1))
awk -F, 'NR == 1 { n = NF } NF != n && $0 !~ /"/ { bad = NR } END { exit bad ? 1 : 0 }' "$WORK/j1.csv" ||
    fail "fleet --format csv: a row has another number of fields than the header"
expect_grep "$WORK/j1.csv" csv '^group,kind,name,unit,devices,mean,sd,min,p10,p50,p90,max,meeting,share,ci95_low,ci95_high$'
expect_grep "$WORK/j1.csv" csv '^xiaomi-rare,target,sync\.max_gap<=8h,,[0-9]+,'

# The profiles' device counts add up to the fleet, and the shares are counts over devices.
CHECKS=$((CHECKS + 1))
total=$(sed -n 's/^profiles: //p' "$WORK/j1.text" | tr ',' '\n' | awk '{ s += $2 } END { print s }')
[ "$total" = 60 ] || fail "profile device counts add up to $total, not 60"

# Another seed draws other devices.
run "$BGSIM" fleet "$ANDROID" --devices 60 --format json --seed 43
expect_status 0
CHECKS=$((CHECKS + 1))
cmp -s "$OUT" "$WORK/j1.json" && fail "--seed 43 gave the same output as seed 42"

# -- MPI: 2 ranks give the single-process output ------------------------------------------------
# CI runs as root, which mpirun refuses unless told twice; Open MPI's own allocations at exit trip
# LeakSanitizer in sanitizer builds (bgsim's leaks are checked by the single-process runs above).
MPI_ENV="OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0"
if [ -n "$MPIEXEC" ]; then
    for fmt in text json; do
        run env $MPI_ENV "$MPIEXEC" -np 2 --oversubscribe \
            "$BGSIM" fleet "$ANDROID" --devices 60 --format "$fmt" --target 'sync.max_gap<=8h'
        expect_status 0
        same "$WORK/j1.$fmt" "$OUT" "mpirun -np 2 --format $fmt vs one process"
    done
    run env $MPI_ENV "$MPIEXEC" -np 2 --oversubscribe \
        "$BGSIM" fleet "$ANDROID" --devices 60 --format text --target 'sync.max_gap<=8h' --jobs 2
    expect_status 0
    same "$WORK/j1.text" "$OUT" "mpirun -np 2 with --jobs 2 vs one process"
fi

# -- a file without a fleet: N copies of the file, each with its own streams ----------------------
run "$BGSIM" fleet "$DEFAULT" --devices 20 --format json
expect_status 0
expect_grep "$OUT" json '"devices":20,"device_days":140,'

# -- errors -------------------------------------------------------------------------------------
expect_usage_error "expected a metric of the catalogue" "$BGSIM" fleet "$ANDROID" --target 'sync.max_gapp<=6h'
expect_usage_error "expected a comparison|expected METRIC OP VALUE" "$BGSIM" fleet "$ANDROID" --target 'sync.max_gap'
expect_usage_error "expected a duration" "$BGSIM" fleet "$ANDROID" --target 'sync.max_gap<=6 hours'
expect_usage_error "--devices: expected an integer" "$BGSIM" fleet "$ANDROID" --devices 0
expect_usage_error "--format: expected text, json or csv" "$BGSIM" fleet "$ANDROID" --format xml
expect_usage_error "expected one scenario FILE" "$BGSIM" fleet
run "$BGSIM" fleet "$WORK/missing.yaml"
expect_status 66
# A device whose drawn value the schema refuses: 65, naming the device, the fleet line and the key.
sed 's/os.version: { choice: \["10", "11", "12"\] }/os.version: { uniform: [10, 99] }/' "$ANDROID" >"$WORK/bad.yaml"
run "$BGSIM" fleet "$WORK/bad.yaml" --devices 5
expect_status 65
expect_grep "$ERR" stderr "bad.yaml:[0-9]+:[0-9]+: .*os.version=99"

# Too many tasks for the fleet's metric limit: refused with the count, not metrics silently dropped.
{
    printf 'bgsim: 1\nplatform: ideal\nduration: 1d\napp:\n  tasks:\n'
    i=0
    while [ $i -lt 30 ]; do printf '    - { name: t%d, minimum_interval: 15m }\n' $i; i=$((i + 1)); done
} >"$WORK/many.yaml"
run "$BGSIM" fleet "$WORK/many.yaml" --devices 2
expect_status 65
expect_grep "$ERR" stderr "a fleet reports at most 128 metrics; this one needs 143 \(4 for each of 30 tasks"

# Run ends (issue 17): a worker.killed row (and JSON value) where a kill cut runs short, none where
# nothing was stopped or killed; completed_share works as a target.
printf 'bgsim: 1\nplatform: ideal\nduration: 1d\ndevice:\n  kills:\n    low_memory: { after_background: 5m }\napp:\n  tasks:\n    - { name: long, minimum_interval: 15m, work: { duration: 20m } }\n' >"$WORK/killed.yaml"
run "$BGSIM" fleet "$WORK/killed.yaml" --devices 2 --target 'worker.completed_share>=0.5'
expect_status 0
expect_grep "$OUT" stdout '^  killed +2[0-9]{2}\.[0-9]{2} '
expect_grep "$OUT" stdout '^  worker\.completed_share>=0\.5 +0\.0% '
expect_no_grep "$OUT" stdout '^  stopped '
printf 'bgsim: 1\nplatform: ideal\nduration: 1d\napp:\n  tasks:\n    - { name: short, minimum_interval: 15m }\n' >"$WORK/plain.yaml"
run "$BGSIM" fleet "$WORK/plain.yaml" --devices 2
expect_status 0
expect_no_grep "$OUT" stdout '^  (killed|stopped) '
run "$BGSIM" fleet "$WORK/plain.yaml" --devices 2 --format json
expect_status 0
expect_grep "$OUT" stdout '"worker\.killed","unit":"count","devices":2,"mean":0,'

# -- check: fleet expectations pass, and fail when the bound is moved ---------------------------
run "$BGSIM" check "$ANDROID" "$IOS" --jobs 2
expect_status 0
expect_grep "$OUT" stdout '^PASS  .*android.yaml  fleet sync.max_gap<=12h = [0-9.]+% \([0-9]+ of 200 devices\)'
sed 's/sync.max_gap<=12h: { min: 90% }/sync.max_gap<=12h: { max: 10% }/' "$ANDROID" >"$WORK/fails.yaml"
run "$BGSIM" check "$WORK/fails.yaml"
expect_status 1
expect_grep "$OUT" stdout '^FAIL  .*fails.yaml  fleet sync.max_gap<=12h = '

# -- memory does not grow with the number of devices (peak RSS, KiB, from GNU time) -------------
# (Under ASan freed memory waits in a quarantine of up to 256 MB before reuse: turned off here, so
# the sanitizer build measures the program, not the quarantine.)
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$WORK/rss.small" env ASAN_OPTIONS=quarantine_size_mb=0 \
        "$BGSIM" fleet "$IOS" --devices 50 >/dev/null 2>&1
    /usr/bin/time -f %M -o "$WORK/rss.large" env ASAN_OPTIONS=quarantine_size_mb=0 \
        "$BGSIM" fleet "$IOS" --devices 1000 >/dev/null 2>&1
    small=$(tail -n 1 "$WORK/rss.small")
    large=$(tail -n 1 "$WORK/rss.large")
    CHECKS=$((CHECKS + 1))
    [ "$large" -le $((small + 4096)) ] || fail "peak memory grew from ${small} KiB (50 devices) to ${large} KiB (1000)"
fi

# -- plots --------------------------------------------------------------------------------------
if command -v "${BGSIM_GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
    run "$BGSIM" fleet "$ANDROID" --devices 30 --target 'sync.max_gap<=8h' --plot "$WORK/plots"
    expect_status 0
    for f in fleet-sync fleet-cleanup fleet-worker fleet-targets; do
        for ext in dat gp png svg; do
            expect_nonempty "$WORK/plots/$f.$ext" "$f.$ext"
        done
    done
    # Two devices over four profiles: profiles that drew no device have no share; the targets plot
    # leaves them out (gnuplot refused the all-NaN histogram: exit 70).
    run "$BGSIM" fleet "$ANDROID" --devices 2 --duration 1d --target 'worker.runs_per_day>=2' --plot "$WORK/p1"
    expect_status 0
    expect_nonempty "$WORK/p1/fleet-targets.png" "fleet-targets.png with empty profiles"
    run env BGSIM_GNUPLOT=/nonexistent/gnuplot "$BGSIM" fleet "$ANDROID" --devices 3 --plot "$WORK/p2"
    expect_status 69
    expect_grep "$ERR" stderr "cannot run '/nonexistent/gnuplot'"
fi
finish
