# explain.sh - `bgsim explain` and the explanations in `bgsim run` and its report (issue 19).
#  - fixed text: explain's whole output on bundled scenarios against tests/cli/explain/*.txt (a
#    change to the wording, the figures or the durations' format breaks it; regenerate with
#    `bgsim explain FILE > tests/cli/explain/NAME.txt` and say why in the commit);
#  - the quirk notes appear on the scenarios that trigger them and not on the others;
#  - one figure for the due time: the run summary, explain and the HTML report print the same.
. "$(dirname "$0")/lib.sh"
EX="$SRC/tests/cli/explain"
EXAMPLES="$SRC/scenarios/examples"

# golden FILE NAME: explain's stdout equals $EX/NAME.txt
golden() {
    run "$BGSIM" explain "$1"
    expect_status 0
    expect_empty "$ERR" stderr
    CHECKS=$((CHECKS + 1))
    if ! diff -u "$EX/$2.txt" "$OUT" >"$WORK/diff"; then
        fail "'$LAST': output differs from tests/cli/explain/$2.txt:"
        head -40 "$WORK/diff" >&2
    fi
}
# Paths in the output are relative to the source tree, as a user types them.
cd "$SRC" || exit 1
golden scenarios/examples/ios-cold-launch-trap.yaml ios-cold-launch-trap
golden scenarios/examples/android-commuter.yaml android-commuter
golden tests/cli/explain/shared-interval.yaml shared-interval

# notes FILE: explain's notes on stdout
notes_of() {
    run "$BGSIM" explain "$@" --gaps 0
    expect_status 0
    sed -n '/^Notes$/,$p' "$OUT" >"$WORK/notes"
}
SHARED='asked for [^ ]+, but the worker ran on .* because .* registered later'
DEFAULT='has no minimum_interval, so expo uses its (Android|iOS) default'
COLD='cold launch(es)? of the app pushed the pending request'
FOREGROUND='came due while the app was in the foreground'

notes_of "$EX/shared-interval.yaml"
expect_grep "$WORK/notes" notes "sync $SHARED"
expect_grep "$WORK/notes" notes 'cleanup registered later'
expect_grep "$WORK/notes" notes 'app.tasks\[cleanup\].minimum_interval=15m'
for n in "$DEFAULT" "$COLD" "$FOREGROUND"; do expect_no_grep "$WORK/notes" notes "$n"; done

notes_of "$EX/android-default.yaml"
expect_grep "$WORK/notes" notes "sync $SHARED"
expect_grep "$WORK/notes" notes "cleanup $DEFAULT of 1d"
for n in "$COLD" "$FOREGROUND"; do expect_no_grep "$WORK/notes" notes "$n"; done

notes_of "$EXAMPLES/ios-cold-launch-trap.yaml"
expect_grep "$WORK/notes" notes "$COLD"
expect_grep "$WORK/notes" notes "sync $DEFAULT of 12h"
for n in "$SHARED" "$FOREGROUND"; do expect_no_grep "$WORK/notes" notes "$n"; done

# The same iPhone with expo's re-submit switched off: no cold-launch note.
notes_of "$EXAMPLES/ios-nightly-charge.yaml"
expect_no_grep "$WORK/notes" notes "$COLD"
expect_grep "$WORK/notes" notes "sync $DEFAULT of 12h"
# ... and the trap itself with a minimum interval given: no default note.
run "$BGSIM" explain "$EXAMPLES/ios-cold-launch-trap.yaml" --set 'app.tasks[sync].minimum_interval=1h'
expect_status 0
expect_no_grep "$OUT" stdout "$DEFAULT"

notes_of "$EXAMPLES/android-commuter.yaml"
expect_grep "$WORK/notes" notes "$FOREGROUND"
expect_grep "$WORK/notes" notes 'foreground_defer_cap_min=0'
for n in "$SHARED" "$DEFAULT" "$COLD"; do expect_no_grep "$WORK/notes" notes "$n"; done

# The setting each note names makes it go away.
run "$BGSIM" explain "$EX/shared-interval.yaml" --set 'app.tasks[cleanup].minimum_interval=15m'
expect_status 0
expect_no_grep "$OUT" stdout "$SHARED"
expect_grep "$OUT" stdout '^asked +every 15m;'
run "$BGSIM" explain "$EXAMPLES/ios-cold-launch-trap.yaml" --set app.switches.keep_pending_worker=true
expect_status 0
expect_no_grep "$OUT" stdout "$COLD"
run "$BGSIM" explain "$EXAMPLES/android-commuter.yaml" --set app.switches.foreground_defer_cap_min=0
expect_status 0
expect_no_grep "$OUT" stdout "$FOREGROUND"
expect_no_grep "$OUT" stdout 'foreground [0-9]'

# Nothing to note: no Notes section, and no note lines in run's headline. battery.yaml runs expo's
# Android worker on the ideal OS, so a run that comes due while the user has the app open gets the
# foreground guard's note (whether one does depends on the draws): it is checked with the guard off.
for f in android-9-rare-bucket "battery --set app.switches.foreground_defer_cap_min=0" android-overnight-doze; do
    set -- $f
    file=$1
    shift
    notes_of "$EXAMPLES/$file.yaml" "$@"
    expect_empty "$WORK/notes" "notes of $file"
    run "$BGSIM" run "$EXAMPLES/$file.yaml" "$@"
    expect_no_grep "$OUT" stdout '^note '
done
# run's headline carries the notes of a scenario that has them
run "$BGSIM" run "$EXAMPLES/android-commuter.yaml"
expect_grep "$OUT" stdout "^note .*$FOREGROUND"
expect_grep "$OUT" stdout '^asked +every 15m; ran every .* at the median, .* at p90; [0-9.]+ runs/day$'
expect_grep "$OUT" stdout '^longest +gap '

# One figure for the due time: run text, explain and the report agree.
for f in android-force-stop ios-cold-launch-trap android-9-rare-bucket; do
    run "$BGSIM" run "$EXAMPLES/$f.yaml" --report "$WORK/r-$f"
    expect_status 0
    run_due=$(sed -n 's/^ *due without running \([^:]*\):.*/\1/p' "$OUT")
    run_line=$(sed -n 's/^ *\(due without running .*\)/\1/p' "$OUT")
    run "$BGSIM" explain "$EXAMPLES/$f.yaml" --gaps 0
    ex_line=$(sed -n 's/^\(due without running .*\)/\1/p' "$OUT")
    html_due=$(sed -n 's|.*<tr><th>due without running (see below)</th><td>\([^<]*\)</td>.*|\1|p' "$WORK/r-$f/index.html")
    html_due2=$(sed -n 's|.*The worker was due and did not run for \([^:]*\) in total:.*|\1|p' "$WORK/r-$f/index.html")
    CHECKS=$((CHECKS + 1))
    if [ -z "$run_due" ] || [ "$run_line" != "$ex_line" ] || [ "$run_due" != "$html_due" ] || [ "$run_due" != "$html_due2" ]; then
        fail "$f: due time differs: run '$run_line', explain '$ex_line', report '$html_due' / '$html_due2'"
    fi
    # the report lists the same gaps as explain
    run "$BGSIM" explain "$EXAMPLES/$f.yaml"
    first_gap=$(sed -n '/longest gap/{n;n;p;}' "$OUT" | sed 's/^ *//')
    CHECKS=$((CHECKS + 1))
    if [ -z "$first_gap" ] || ! grep -Fq -- "$first_gap" "$WORK/r-$f/index.html"; then
        fail "$f: the report lacks explain's longest gap '$first_gap'"
    fi
done
# No "deferred X in total" beside a different "held back" figure any more.
expect_no_grep "$OUT" stdout 'deferred .* in total'

# Options and usage
run "$BGSIM" explain --help
expect_status 0
expect_grep "$OUT" stdout '^usage: bgsim explain FILE'
for opt in --gaps --seed --duration --set; do expect_grep "$OUT" stdout "$opt"; done
run "$BGSIM" explain "$EXAMPLES/android-commuter.yaml" --gaps 2 --seed 3 --duration 2d
expect_status 0
CHECKS=$((CHECKS + 1))
[ "$(grep -c '^ *[0-9]\. ' "$OUT")" -eq 2 ] || fail "--gaps 2: expected 2 gaps, found $(grep -c '^ *[0-9]\. ' "$OUT")"
expect_grep "$OUT" stdout 'seed 3, 2d from'
expect_usage_error 'gaps' "$BGSIM" explain "$EXAMPLES/battery.yaml" --gaps lots
expect_usage_error 'option of .bgsim run' "$BGSIM" explain "$EXAMPLES/battery.yaml" --trace "$WORK/t"
expect_usage_error 'option of .bgsim explain' "$BGSIM" run "$EXAMPLES/battery.yaml" --gaps 3
run "$BGSIM" --help
expect_grep "$OUT" stdout 'explain FILE'

finish
