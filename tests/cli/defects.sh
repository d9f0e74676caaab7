# defects.sh - regression tests for the defects of issue 23 that show on the command line (each
# failed before its fix): user text in messages has its control bytes escaped, output files are
# all-or-nothing, write errors are reported, and the exit statuses of the edge cases.
. "$(dirname "$0")/lib.sh"

ESC=$(printf '\033')
NL='
'
FORGED="${ESC}[31mRED${NL}error: other.yaml:1:1: forged"

# expect_clean FILE: no control byte but newlines in FILE, and no forged diagnostic line.
expect_clean() {
    CHECKS=$((CHECKS + 1))
    if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"; then
        fail "'$LAST': a control byte reached stderr: $(cat -v "$1" | head -c 300)"
    fi
    expect_no_grep "$1" stderr '^error: other\.yaml'
}

# ---- 2. log injection: keys, --target, --set keys, file names, output paths ----
run "$BGSIM" validate "$BAD/224-log-injection-in-keys.yaml"
expect_status 65
expect_clean "$ERR"
run "$BGSIM" fleet "$SRC/scenarios/fleets/android.yaml" --devices 2 --target "sync.max_gap<=6h$FORGED"
expect_status 64
expect_clean "$ERR"
expect_grep "$ERR" stderr '\\x1B\[31mRED\\x0Aerror: other'
run "$BGSIM" run "$DEFAULT" --set "app.tasks[0].x$FORGED=1"
expect_status 64
expect_clean "$ERR"
NAMED="$WORK/a$FORGED.yaml"
printf 'bgsim: 2\n' >"$NAMED"
run "$BGSIM" validate "$NAMED"
expect_status 65
expect_clean "$ERR"
expect_grep "$ERR" stderr '^error: .*/a\\x1B\[31mRED\\x0Aerror: other.yaml:1:1: forged.yaml:1:8: bgsim:'
run "$BGSIM" run "$DEFAULT" --trace "$WORK/no-such-dir/$FORGED"
expect_status 73
expect_clean "$ERR"
run "$BGSIM" "x$FORGED"
expect_status 64
expect_clean "$ERR"

# ---- 5. a JUnit file that cannot be written: said so, 74, also when an expectation fails ----
if [ -w /dev/full ]; then
    run "$BGSIM" check "$DEFAULT" --junit /dev/full
    expect_status 74
    expect_grep "$ERR" stderr "^bgsim check: cannot write '/dev/full': No space left on device\$"
    sed 's/minimum_interval: 6h/minimum_interval: 3h/' "$DEFAULT" >"$WORK/fail.yaml"
    run "$BGSIM" check "$WORK/fail.yaml" --junit /dev/full
    expect_status 74
    expect_grep "$OUT" stdout '^FAIL  '
    expect_grep "$ERR" stderr "^bgsim check: cannot write '/dev/full': No space left on device\$"
fi

# ---- 6. outputs are all or nothing: a write that fails leaves the previous file as it was ----
# A file size limit makes writes fail past 8 KiB (EFBIG, SIGXFSZ ignored) after the file opened.
limited() { (trap '' XFSZ; ulimit -f 16 && exec "$@"); }
printf 'previous trace\n' >"$WORK/trace.csv"
run limited "$BGSIM" run "$DEFAULT" --trace "$WORK/trace.csv"
expect_status 74
expect_grep "$ERR" stderr "cannot write the trace"
expect_grep "$WORK/trace.csv" trace '^previous trace$'
printf 'previous perfetto\n' >"$WORK/p.json"
run limited "$BGSIM" run "$DEFAULT" --perfetto "$WORK/p.json"
expect_status 74
expect_grep "$WORK/p.json" perfetto '^previous perfetto$'
CHECKS=$((CHECKS + 1))
left=$(ls -A "$WORK" | grep -c '^\.')
[ "$left" -eq 0 ] || fail "temporary files left behind: $(ls -A "$WORK")"
# and a write that succeeds replaces it whole
run "$BGSIM" run "$DEFAULT" --trace "$WORK/trace.csv"
expect_status 0
expect_no_grep "$WORK/trace.csv" trace '^previous trace$'

# ---- 7. --update-fingerprints: a symlink stays a link, the mode stays, <file>.tmp untouched ----
sed 's/minimum_interval: 6h/minimum_interval: 3h/' "$DEFAULT" >"$WORK/real.yaml"
chmod 640 "$WORK/real.yaml"
ln -s real.yaml "$WORK/link.yaml"
printf 'my notes\n' >"$WORK/link.yaml.tmp"
printf 'my notes\n' >"$WORK/real.yaml.tmp"
run "$BGSIM" check "$WORK/link.yaml" --update-fingerprints
expect_grep "$ERR" stderr 'fingerprint updated'
CHECKS=$((CHECKS + 1))
[ -L "$WORK/link.yaml" ] || fail "--update-fingerprints replaced the symlink with a file"
CHECKS=$((CHECKS + 1))
mode=$(stat -c %a "$WORK/real.yaml")
[ "$mode" = 640 ] || fail "--update-fingerprints changed the mode to $mode (want 640)"
expect_grep "$WORK/link.yaml.tmp" "the user's file" '^my notes$'
expect_grep "$WORK/real.yaml.tmp" "the user's file" '^my notes$'
sed 's/minimum_interval: 6h/minimum_interval: 3h/' "$DEFAULT" >"$WORK/mode.yaml"
chmod 600 "$WORK/mode.yaml"
run "$BGSIM" check "$WORK/mode.yaml" --update-fingerprints
expect_grep "$ERR" stderr 'fingerprint updated'
CHECKS=$((CHECKS + 1))
mode=$(stat -c %a "$WORK/mode.yaml")
[ "$mode" = 600 ] || fail "--update-fingerprints changed the mode of a file to $mode (want 600)"
CHECKS=$((CHECKS + 1))
left=$(ls -A "$WORK" | grep -c '^\.')
[ "$left" -eq 0 ] || fail "temporary files left behind: $(ls -A "$WORK")"
run "$BGSIM" check "$WORK/link.yaml"
expect_grep "$OUT" stdout '^PASS  .*  fingerprint = '

# ---- 8. messages and statuses ----
# A directory as a scenario: 66 and the OS's words, with every command.
for cmd in validate run check fleet; do
    run "$BGSIM" $cmd "$WORK"
    expect_status 66
    expect_grep "$ERR" stderr ": cannot read the file: Is a directory\$"
done
run "$BGSIM" sweep "$WORK" --set seed=1,2
expect_status 66
expect_grep "$ERR" stderr ": cannot read the file: Is a directory\$"
# sweep's limit names the count and the limit.
run "$BGSIM" sweep "$DEFAULT" --set "seed=$(seq -s, 1 4000)" \
    --set "app.tasks[0].minimum_interval=$(seq -s, 15 15 45000 | sed 's/,/m,/g')m"
expect_status 64
expect_grep "$ERR" stderr '^bgsim sweep: too many combinations: 12000000, the limit is 10000000$'
# bgt-host: an empty --registry is a usage error; a storage failure names the file and the error.
HOST="$(dirname "$BGSIM")/bgt-host"
if [ -x "$HOST" ]; then
    run "$HOST" -r '' --task a=true
    expect_status 64
    run "$HOST" -q -r "$WORK/no-such-dir/registry" --task a=true
    expect_status 73
    expect_grep "$ERR" stderr "^bgt-host: cannot register 'a': .*/no-such-dir/registry: persistent storage failed: No such file or directory\$"
    # A directory as the registry: it cannot be read (66) and the OS says why.
    mkdir "$WORK/regdir"
    run "$HOST" -q -r "$WORK/regdir" --task a=true
    expect_status 66
    expect_grep "$ERR" stderr "^bgt-host: .*/regdir: cannot read the registry: Is a directory\$"
    # Its arguments are user text in its messages: escaped, never a forged line.
    run "$HOST" -r "$WORK/r.bin" --task "x$FORGED"
    expect_status 64
    expect_clean "$ERR"
    expect_grep "$ERR" stderr '^bgt-host: bad task .x\\x1B\[31mRED\\x0Aerror: other\.yaml:1:1: forged. \(expected NAME=COMMAND\)$'
    run "$HOST" -r "$WORK/r.bin" --platform "$FORGED"
    expect_status 64
    expect_clean "$ERR"
    run "$HOST" -q -r "$WORK/no-such-dir/$FORGED" --task a=true
    expect_status 73
    expect_clean "$ERR"
    # A corrupt registry: exit 65 naming the way out; --discard-corrupt keeps it aside, says
    # where, and starts empty (defect 3).
    printf 'BGTR not a registry' >"$WORK/bad.bin"
    run "$HOST" -q -r "$WORK/bad.bin" --task a=true --set schedule_on_register=0 --exit-when-idle
    expect_status 65
    expect_grep "$ERR" stderr "^bgt-host: .*/bad.bin: cannot restore the registry: .* \\(--discard-corrupt keeps it aside and starts empty\\)\$"
    run "$HOST" -q -r "$WORK/bad.bin" --task a=true --set schedule_on_register=0 --exit-when-idle --discard-corrupt
    expect_status 0
    expect_grep "$ERR" stderr "^bgt-host: .*/bad.bin: .*: kept it aside as .*/bad.bin.corrupt-[A-Za-z0-9]{6}; starting with an empty registry\$"
    aside=$(sed -n 's/.*kept it aside as \(.*\); starting.*/\1/p' "$ERR")
    CHECKS=$((CHECKS + 1))
    [ -f "$aside" ] && [ "$(cat "$aside")" = "BGTR not a registry" ] ||
        fail "the corrupt registry was not kept aside with its bytes as '$aside'"
    run "$HOST" -r "$WORK/bad.bin" --task a=true --no-register --set schedule_on_register=0 --exit-when-idle
    expect_status 0
    expect_grep "$ERR" stderr "started: preset current/android, 1 task\\(s\\) in"
fi

# validate refuses what run refuses at the task-run limit, both before running: 2 tasks every
# minute for 100 years ask for about 105 million task runs (the limit is 2^25).
sed -e 's/^duration: .*/duration: 36500d/' -e 's/minimum_interval: 6h/minimum_interval: 1m/' "$DEFAULT" >"$WORK/runs.yaml"
run "$BGSIM" validate "$WORK/runs.yaml"
expect_status 65
expect_grep "$ERR" stderr "app.tasks: the tasks may run up to [0-9]+ times in 5214w2d .*more than the 33554432 task runs one run can record"
run "$BGSIM" run "$WORK/runs.yaml"
expect_status 65
expect_grep "$ERR" stderr "app.tasks: the tasks may run up to [0-9]+ times in 5214w2d"
# and run --duration, which the file's own validation cannot see
run "$BGSIM" run "$DEFAULT" --duration 36500d --set 'app.tasks[0].minimum_interval=1m'
expect_status 65
expect_grep "$ERR" stderr "default.yaml: the tasks may run up to [0-9]+ times in 5214w2d .*REP_MAX_TASK_RUNS"

finish
