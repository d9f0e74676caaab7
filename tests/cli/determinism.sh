# determinism.sh - the same file, seed and duration give byte-identical summary and trace; another
# seed changes both; --duration shortens the run.
. "$(dirname "$0")/lib.sh"

same() { # same FILE1 FILE2 WHAT
    CHECKS=$((CHECKS + 1))
    cmp -s "$1" "$2" || fail "$3: expected identical bytes, they differ: $(diff "$1" "$2" | head -n 6)"
}
differ() { # differ FILE1 FILE2 WHAT
    CHECKS=$((CHECKS + 1))
    if cmp -s "$1" "$2"; then fail "$3: expected a difference, the bytes are identical"; fi
}
ok_run() { # ok_run SUMMARY_FILE CMD...: runs CMD, expects status 0 and a silent stderr
    summary=$1
    shift
    run "$@"
    expect_status 0
    expect_empty "$ERR" stderr
    cp "$OUT" "$summary"
}

# Twice the same: summary and trace.
ok_run "$WORK/a.txt" "$BGSIM" run "$DEFAULT" --trace "$WORK/a.jsonl"
ok_run "$WORK/b.txt" "$BGSIM" run "$DEFAULT" --trace "$WORK/b.jsonl"
CHECKS=$((CHECKS + 1))
[ -s "$WORK/a.jsonl" ] && [ -s "$WORK/a.txt" ] || fail "the first run wrote no summary or no trace"
same "$WORK/a.txt" "$WORK/b.txt" "summary of two identical runs"
same "$WORK/a.jsonl" "$WORK/b.jsonl" "trace of two identical runs"
# The JSON summary too.
ok_run "$WORK/a.json" "$BGSIM" run "$DEFAULT" --format json
ok_run "$WORK/b.json" "$BGSIM" run "$DEFAULT" --format json
same "$WORK/a.json" "$WORK/b.json" "JSON summary of two identical runs"
# Writing a trace does not change what is simulated.
ok_run "$WORK/no-trace.txt" "$BGSIM" run "$DEFAULT"
same "$WORK/a.txt" "$WORK/no-trace.txt" "summary with and without --trace"
# --seed equal to the file's seed (42) is the same run; the summary names the seed either way.
ok_run "$WORK/s42.txt" "$BGSIM" run "$DEFAULT" --seed 42 --trace "$WORK/s42.jsonl"
same "$WORK/a.txt" "$WORK/s42.txt" "summary with --seed 42 (the file's seed)"
same "$WORK/a.jsonl" "$WORK/s42.jsonl" "trace with --seed 42 (the file's seed)"

# Another seed: both change, and the new run is itself reproducible.
ok_run "$WORK/s7.txt" "$BGSIM" run "$DEFAULT" --seed 7 --trace "$WORK/s7.jsonl"
ok_run "$WORK/s7b.txt" "$BGSIM" run "$DEFAULT" --seed 7 --trace "$WORK/s7b.jsonl"
differ "$WORK/a.txt" "$WORK/s7.txt" "summary with --seed 7 against seed 42"
differ "$WORK/a.jsonl" "$WORK/s7.jsonl" "trace with --seed 7 against seed 42"
same "$WORK/s7.txt" "$WORK/s7b.txt" "summary of two --seed 7 runs"
same "$WORK/s7.jsonl" "$WORK/s7b.jsonl" "trace of two --seed 7 runs"
expect_grep "$WORK/s7.txt" "summary with --seed 7" 'seed 7([^0-9]|$)'
# The seed changes the draws, not the app: the same tasks register in both runs. (Event counts
# do change: the environment models draw sessions, outages and kills from the seed.)
CHECKS=$((CHECKS + 1))
regs() { grep '"type":"task.register"' "$1" | sed 's/^{"t":[0-9]*,//' | sort; }
[ "$(regs "$WORK/a.jsonl")" = "$(regs "$WORK/s7.jsonl")" ] ||
    fail "seed 7 changed the registrations: $(regs "$WORK/s7.jsonl" | head -n 5)"

# --duration 1d: a shorter run, fewer trace lines, nothing after the first day (an event at exactly
# 1d fires: sim_run_until runs events with time <= until).
ok_run "$WORK/d1.txt" "$BGSIM" run "$DEFAULT" --duration 1d --trace "$WORK/d1.jsonl"
CHECKS=$((CHECKS + 1))
week=$(wc -l <"$WORK/a.jsonl")
day=$(wc -l <"$WORK/d1.jsonl")
[ "$day" -gt 0 ] && [ "$day" -lt "$week" ] ||
    fail "--duration 1d: expected fewer trace lines than the week's $week, found $day"
CHECKS=$((CHECKS + 1))
last=$(tail -n 1 "$WORK/d1.jsonl" | sed 's/^{"t":\([0-9]*\),.*/\1/')
[ "$last" -le 86400000 ] || fail "--duration 1d: an event at t=$last ms, after the first day"
expect_grep "$WORK/d1.txt" "summary with --duration 1d" 'simulated 1d '
differ "$WORK/a.txt" "$WORK/d1.txt" "summary with --duration 1d against the week"
# The first day of the week-long run is the one-day run: same events, same order.
CHECKS=$((CHECKS + 1))
awk -F'[:,]' '$2 + 0 <= 86400000' "$WORK/a.jsonl" >"$WORK/a-day1.jsonl"
cmp -s "$WORK/a-day1.jsonl" "$WORK/d1.jsonl" ||
    fail "--duration 1d: not the first day of the full run: $(diff "$WORK/a-day1.jsonl" "$WORK/d1.jsonl" | head -n 6)"
# A longer run than the file says: more lines.
ok_run "$WORK/d14.txt" "$BGSIM" run "$DEFAULT" --duration 2w --trace "$WORK/d14.jsonl"
CHECKS=$((CHECKS + 1))
[ "$(wc -l <"$WORK/d14.jsonl")" -gt "$week" ] || fail "--duration 2w: expected more trace lines than the week's $week"

finish
