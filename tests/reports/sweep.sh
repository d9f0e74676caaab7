# sweep.sh - bgsim sweep: rows per combination, identical output for any --jobs, JSON, the plot,
# errors naming the override, and no progress bar when stderr is not a terminal.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../cli/lib.sh"

SWEEP="--set app.tasks[cleanup].minimum_interval=1h,2h,6h --set app.tasks[sync].work.failure_probability=0,10% --seeds 6"
# shellcheck disable=SC2086
run "$BGSIM" sweep "$DEFAULT" $SWEEP --jobs 1
expect_status 0
cp "$OUT" "$WORK/j1.csv"
expect_empty "$ERR" "stderr (not a terminal: no progress bar)"
CHECKS=$((CHECKS + 1))
[ "$(wc -l <"$WORK/j1.csv")" -eq 7 ] || fail "expected a header and 6 rows, found $(wc -l <"$WORK/j1.csv") lines"
expect_grep "$WORK/j1.csv" csv '^app.tasks\[cleanup\].minimum_interval,app.tasks\[sync\].work.failure_probability,seeds,worker.runs_per_day.mean,worker.runs_per_day.ci_low,worker.runs_per_day.ci_high,'
expect_grep "$WORK/j1.csv" csv '^1h,0,6,'
expect_grep "$WORK/j1.csv" csv '^6h,10%,6,'
# the last registration's interval wins on the default scenario: 6h -> at most 4 runs per day (3.x
# when Doze holds the worker back)
expect_grep "$WORK/j1.csv" csv '^6h,0,6,(3\.[0-9]*|4),'
for j in 2 3; do
    # shellcheck disable=SC2086
    run "$BGSIM" sweep "$DEFAULT" $SWEEP --jobs $j
    expect_status 0
    CHECKS=$((CHECKS + 1))
    cmp -s "$OUT" "$WORK/j1.csv" || fail "--jobs $j output differs from --jobs 1"
done
# shellcheck disable=SC2086
run "$BGSIM" sweep "$DEFAULT" $SWEEP --jobs 2 --format json
expect_status 0
expect_grep "$OUT" json '^\{"scenario":"default","seeds":6,"confidence":0.95,"keys":\["app.tasks\[cleanup\].minimum_interval","app.tasks\[sync\].work.failure_probability"\],"rows":\['
if command -v python3 >/dev/null 2>&1; then
    CHECKS=$((CHECKS + 1))
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["rows"])==6; assert d["rows"][0]["metrics"]["worker.runs_per_day"]["n"]==6' "$OUT" \
        || fail "sweep JSON is not what was expected"
fi
# a progress bar on a terminal only: script(1) gives the command a terminal
if command -v script >/dev/null 2>&1; then
    script -qec "$BGSIM sweep $DEFAULT --set seed=1,2 --seeds 3 >/dev/null" /dev/null >"$WORK/tty.out" 2>&1
    expect_grep "$WORK/tty.out" "a terminal's output" 'sweep \[#+\] 6/6 runs'
fi
# the plot
if command -v gnuplot >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    run "$BGSIM" sweep "$DEFAULT" $SWEEP --jobs 2 --plot "$WORK/sp"
    expect_status 0
    for ext in dat gp png svg; do
        CHECKS=$((CHECKS + 1))
        [ -s "$WORK/sp/sweep.$ext" ] || fail "expected sweep.$ext"
    done
    expect_grep "$WORK/sp/sweep.gp" sweep.gp 'achieved = requested'
    # lines that coincide stay apart: each line its own dash type and point type
    CHECKS=$((CHECKS + 1))
    n_lines=$(grep -c 'with linespoints' "$WORK/sp/sweep.gp")
    n_styles=$(grep -o 'with linespoints lw 2 dt [0-9]* pt [0-9]*' "$WORK/sp/sweep.gp" | sort -u | wc -l)
    [ "$n_lines" -ge 2 ] && [ "$n_styles" -eq "$n_lines" ] ||
        fail "sweep.gp: $n_lines lines but $n_styles distinct dash/point styles"
fi
# The plot reads the scope's interval quantiles by name, wherever they are in the metric list: with
# --scope sync its p10/p50/p90 columns are the CSV's sync.interval.*.mean in the plot's unit (not
# runs per day, delays or the battery). The data file is written even when gnuplot cannot run
# (status 69).
run "$BGSIM" sweep "$DEFAULT" --set 'app.tasks[sync].minimum_interval=1h,6h' --seeds 2 --scope sync --plot "$WORK/scope"
CHECKS=$((CHECKS + 1))
[ "$STATUS" -eq 0 ] || [ "$STATUS" -eq 69 ] || fail "'$LAST': status $STATUS"
CHECKS=$((CHECKS + 1))
awk -F, -v dat="$WORK/scope/sweep.dat" '
    BEGIN {
        while ((getline line < dat) > 0) {
            if (line ~ /^# requested/) {
                u = line; sub(/.*\(/, "", u); sub(/\).*/, "", u)
                unit = u == "s" ? 1e3 : u == "min" ? 60e3 : u == "h" ? 3600e3 : 86400e3
            } else if (line !~ /^#/ && line != "") {
                split(line, f, " "); n++; p10[n] = f[2]; p50[n] = f[3]; p90[n] = f[4]
            }
        }
    }
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
        r++
        want = sprintf("%.6g %.6g %.6g", $col["sync.interval.p10.mean"] / unit, $col["sync.interval.p50.mean"] / unit,
                       $col["sync.interval.p90.mean"] / unit)
        got = p10[r] " " p50[r] " " p90[r]
        if (want != got) { print "row " r ": plot " got ", csv " want; bad = 1 }
    }
    END { if (r != 2 || n != 2) { print r " csv rows, " n " plot points"; bad = 1 } exit bad }
' "$OUT" >"$WORK/scope.diff" || fail "the sweep plot does not show the scope's interval quantiles: $(cat "$WORK/scope.diff")"
# --seed and --duration as in run: one seed of a sweep is the run with that seed and duration.
run "$BGSIM" sweep "$DEFAULT" --set 'app.tasks[sync].minimum_interval=15m' --seeds 1 --seed 7 --duration 2d \
    --metric worker.runs --format csv
expect_status 0
sweep_runs=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "worker.runs.mean") c = i; next } { print $c }' "$OUT")
run "$BGSIM" run "$DEFAULT" --seed 7 --duration 2d
run_runs=$(awk '/^worker / { print $2 }' "$OUT")
CHECKS=$((CHECKS + 1))
[ -n "$run_runs" ] && [ "$sweep_runs" = "$run_runs" ] ||
    fail "sweep --seed 7 --duration 2d: $sweep_runs worker runs, run --seed 7 --duration 2d: $run_runs"
run "$BGSIM" sweep "$DEFAULT" --set 'app.tasks[sync].minimum_interval=15m' --seeds 1 --seed 7 --metric worker.runs
CHECKS=$((CHECKS + 1))
[ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "worker.runs.mean") c = i; next } { print $c }' "$OUT")" != "$sweep_runs" ] ||
    fail "sweep --duration 2d gave as many runs as the scenario's week"

# The platforms side by side over a file with Android-only keys (os: version 14): the other
# platform's keys are left out with a note, not an error. Every share's interval stays in 0..1
# (on iOS held_share.battery_low is 0 on most seeds: its t interval reached -0.0017) and no
# interval reaches below 0.
run "$BGSIM" sweep "$DEFAULT" --set platform=android,ios --seeds 10 --jobs 2
expect_status 0
expect_grep "$OUT" csv '^ios,10,'
expect_grep "$ERR" stderr "^note: .*default.yaml:[0-9]+:1: os: written for android, left out on ios \(--set platform=ios\)"
CHECKS=$((CHECKS + 1))
[ "$(grep -c '^note: ' "$ERR")" -eq 1 ] || fail "expected the note once, not once per combination: $(cat "$ERR")"
expect_grep "$OUT" csv 'worker\.held_share\.battery_low\.ci_low'
CHECKS=$((CHECKS + 1))
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i; next }
    { for (i = 1; i <= NF; i++) {
        if (h[i] ~ /\.ci_(low|high)$/ && $i != "" && $i < 0) { print $1 " " h[i] " = " $i; bad = 1 }
        if (h[i] ~ /share\.[a-z_]+\.ci_high$|share\.ci_high$/ && $i != "" && $i > 1) { print $1 " " h[i] " = " $i; bad = 1 } } }
    END { exit bad }' "$OUT" >"$WORK/bounds.txt" || fail "intervals out of bounds: $(cat "$WORK/bounds.txt")"

# --format table: for people; the default when stdout is a terminal, CSV through a pipe.
run "$BGSIM" sweep "$DEFAULT" --set platform=android,ios --seeds 3 --format table
expect_status 0
expect_grep "$OUT" table '^sweep of default: 3 seeds per combination'
expect_grep "$OUT" table '^platform +android +ios$'
expect_grep "$OUT" table '^worker\.interval\.p50 +[0-9]+h( [0-9]+m)? +[0-9]+h'
expect_grep "$OUT" table '^worker\.held_share\.not_charging +0 +[0-9.]+%$'
expect_no_grep "$OUT" table ' $'
if command -v script >/dev/null 2>&1; then
    script -qec "$BGSIM sweep $DEFAULT --set seed=1,2 --seeds 2" /dev/null >"$WORK/tty-table.out" 2>&1
    expect_grep "$WORK/tty-table.out" "a terminal's output" '^sweep of default: 2 seeds per combination'
fi

# errors
expect_usage_error "nothing to sweep" "$BGSIM" sweep "$DEFAULT"
expect_usage_error "^bgsim sweep: --duration: .*found '0s'" "$BGSIM" sweep "$DEFAULT" --set seed=1 --duration 0s
expect_usage_error "^bgsim sweep: --seed: .*found 'x'" "$BGSIM" sweep "$DEFAULT" --set seed=1 --seed x
expect_usage_error "^bgsim sweep: --set: expected KEY=VALUE, found 'seed'" "$BGSIM" sweep "$DEFAULT" --set seed
expect_usage_error "^bgsim sweep: --set: 'seed=1,,2': expected a value between commas" "$BGSIM" sweep "$DEFAULT" --set seed=1,,2
expect_usage_error "^bgsim sweep: --format: expected 'table', 'csv' or 'json', found 'xml'" "$BGSIM" sweep "$DEFAULT" --set seed=1 --format xml
run "$BGSIM" sweep "$DEFAULT" --set 'app.tasks[sync].minimum_interval=15m,90s'
expect_status 65
expect_empty "$OUT" stdout
expect_grep "$ERR" stderr "^error: .*default.yaml: --set app.tasks\[sync\].minimum_interval=90s: app.tasks\[0\].minimum_interval: expected whole minutes"
run "$BGSIM" run "$DEFAULT" --set 'app.tasks[9].minimum_interval=1h'
expect_status 65
expect_grep "$ERR" stderr "'app.tasks' has 2 items, no index 9"
run "$BGSIM" run "$DEFAULT" --set 'app.tasks[sync].minimum_interval=1h' --set seed=7 --format json
expect_status 0
expect_grep "$OUT" json '"seed":7,'

# Run ends (issue 17): worker.stopped is a column where some combination had runs stopped (a
# 20-min task on Android 14 is stopped at JobScheduler's 10-min limit), none where nothing was.
# greedy: false: every run goes through JobScheduler and its 10-min limit (models/os/ANDROID.md)
printf 'bgsim: 1\nplatform: android\nos: { version: 14, doze: { enabled: false }, greedy: false }\nduration: 1d\napp:\n  tasks:\n    - { name: long, minimum_interval: 15m, work: { duration: 5m } }\n' >"$WORK/long.yaml"
run "$BGSIM" sweep "$WORK/long.yaml" --set 'app.tasks[long].work.duration=5m,20m' --seeds 2 --metric long.completed_share
expect_status 0
expect_grep "$OUT" csv '^app\.tasks\[long\]\.work\.duration,seeds,.*,worker\.stopped\.mean,worker\.stopped\.ci_low,worker\.stopped\.ci_high,long\.completed_share\.mean,'
expect_grep "$OUT" csv '^20m,2,.*,0,0,0$'
run "$BGSIM" sweep "$WORK/long.yaml" --set 'app.tasks[long].work.duration=1m,2m' --seeds 2
expect_status 0
expect_no_grep "$OUT" csv 'worker\.stopped'
finish
