# exit_status.sh - every exit status of bgsim, and data on stdout / diagnostics on stderr.
. "$(dirname "$0")/lib.sh"

ANDROID="$WORK/android.yaml"
printf 'bgsim: 1\nplatform: android\nduration: 1d\napp:\n  tasks:\n    - name: a\n' >"$ANDROID"
IOS="$WORK/ios.yaml"
printf 'bgsim: 1\nplatform: ios\nduration: 1d\napp:\n  tasks:\n    - name: a\n' >"$IOS"
INVALID="$BAD/37-platform-typo.yaml"

# 0: validate a valid file: "FILE: ok" on stdout, nothing on stderr.
run "$BGSIM" validate "$DEFAULT"
expect_status 0
expect_grep "$OUT" stdout "^$DEFAULT: ok\$"
expect_empty "$ERR" stderr
# 0: several valid files, one line each; android and ios are valid in files.
run "$BGSIM" validate "$DEFAULT" "$ANDROID" "$IOS"
expect_status 0
CHECKS=$((CHECKS + 1))
[ "$(grep -c ': ok$' "$OUT")" -eq 3 ] || fail "'$LAST': expected 3 'ok' lines, found: $(cat "$OUT")"
expect_empty "$ERR" stderr

# 65: an invalid file: the diagnostic on stderr, nothing on stdout.
run "$BGSIM" validate "$INVALID"
expect_status 65
expect_empty "$OUT" stdout
expect_grep "$ERR" stderr "^error: $INVALID:2:11: platform: .*did you mean 'android'"
# 65 with a valid file too: the valid one still gets its ok line, the invalid one its errors.
run "$BGSIM" validate "$DEFAULT" "$INVALID"
expect_status 65
expect_grep "$OUT" stdout "^$DEFAULT: ok\$"
expect_no_grep "$OUT" stdout "error"
expect_grep "$ERR" stderr "^error: $INVALID:"
# 65 from run as well, before anything is simulated.
run "$BGSIM" run "$INVALID"
expect_status 65
expect_empty "$OUT" stdout
expect_grep "$ERR" stderr "^error: $INVALID:2:11: platform:"

# 65: a file over the 64 MiB cap (a sparse one, and an endless /dev/zero) is refused naming the
# limit (the loader reads one byte past the cap and stops).
HUGE="$WORK/huge.yaml"
if truncate -s 65M "$HUGE" 2>/dev/null; then
    run "$BGSIM" run "$HUGE"
    expect_status 65
    expect_empty "$OUT" stdout
    expect_grep "$ERR" stderr "^error: $HUGE: file is larger than the limit of 64 MiB\$"
    rm -f "$HUGE"
fi
if [ -r /dev/zero ]; then
    run "$BGSIM" validate /dev/zero
    expect_status 65
    expect_grep "$ERR" stderr "^error: /dev/zero: file is larger than the limit of 64 MiB\$"
fi

# 66: a missing file and a directory, with validate and run.
run "$BGSIM" validate "$WORK/no-such-file.yaml"
expect_status 66
expect_empty "$OUT" stdout
expect_grep "$ERR" stderr "no-such-file.yaml.*cannot read"
run "$BGSIM" validate "$WORK"
expect_status 66
expect_empty "$OUT" stdout
expect_grep "$ERR" stderr "cannot read"
run "$BGSIM" run "$WORK/no-such-file.yaml"
expect_status 66
expect_empty "$OUT" stdout
run "$BGSIM" run "$WORK"
expect_status 66
expect_empty "$OUT" stdout
# 66 outranks 65 whatever the order.
run "$BGSIM" validate "$WORK/no-such-file.yaml" "$INVALID"
expect_status 66
run "$BGSIM" validate "$INVALID" "$WORK/no-such-file.yaml"
expect_status 66

# 64: usage errors.
expect_usage_error 'usage: bgsim' "$BGSIM"
expect_usage_error "unknown command 'frobnicate'" "$BGSIM" frobnicate
expect_usage_error "unknown option '--bogus'" "$BGSIM" run "$DEFAULT" --bogus
expect_usage_error "unknown option '--bogus'" "$BGSIM" validate --bogus "$DEFAULT"
expect_usage_error "no scenario file" "$BGSIM" validate
expect_usage_error "needs a value.*--seed" "$BGSIM" run "$DEFAULT" --seed
expect_usage_error "needs a value.*--trace" "$BGSIM" run "$DEFAULT" --trace
expect_usage_error "--seed: expected an integer .*found '-1'" "$BGSIM" run "$DEFAULT" --seed -1
expect_usage_error "--seed: .*found 'abc'" "$BGSIM" run "$DEFAULT" --seed abc
expect_usage_error "--seed: .*found '18446744073709551616'" "$BGSIM" run "$DEFAULT" --seed 18446744073709551616
expect_usage_error "--duration: expected a duration with a unit.*found '5'" "$BGSIM" run "$DEFAULT" --duration 5
expect_usage_error "--duration: .*found '0s'" "$BGSIM" run "$DEFAULT" --duration 0s
expect_usage_error "--duration: .*found '-1d'" "$BGSIM" run "$DEFAULT" --duration -1d
expect_usage_error "--format: expected 'text' or 'json', found 'xml'" "$BGSIM" run "$DEFAULT" --format xml
expect_usage_error "exactly one scenario file" "$BGSIM" run
expect_usage_error "exactly one scenario file" "$BGSIM" run "$DEFAULT" "$DEFAULT"
# A usage error is found before the file is read: no trace file is created.
run "$BGSIM" run "$DEFAULT" --format xml --trace "$WORK/not-created.jsonl"
expect_status 64
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/not-created.jsonl" ] || fail "'$LAST': a trace file was created despite the usage error"

# Every platform has a scheduler model now (69, "platform not modeled yet", cannot happen any
# more): android and ios scenarios run and print their summary.
run "$BGSIM" run "$ANDROID"
expect_status 0
expect_grep "$OUT" stdout "platform  android"
run "$BGSIM" run "$IOS"
expect_status 0
expect_grep "$OUT" stdout "platform  ios"

# 73: the trace cannot be created (its directory does not exist); nothing on stdout.
run "$BGSIM" run "$DEFAULT" --trace "$WORK/missing-dir/trace.jsonl"
expect_status 73
expect_empty "$OUT" stdout
expect_grep "$ERR" stderr "missing-dir/trace.jsonl"

# 74: the summary cannot be written (a full device).
if [ -w /dev/full ]; then
    "$BGSIM" run "$DEFAULT" >/dev/full 2>"$ERR"
    STATUS=$?
    LAST="bgsim run default.yaml >/dev/full"
    expect_status 74
    expect_grep "$ERR" stderr "cannot write"
    "$BGSIM" run "$DEFAULT" --format json >/dev/full 2>"$ERR"
    STATUS=$?
    LAST="bgsim run default.yaml --format json >/dev/full"
    expect_status 74
    for args in "validate $DEFAULT" "--help" "--version" "run --help"; do
        # shellcheck disable=SC2086  # the words of $args are the arguments
        "$BGSIM" $args >/dev/full 2>"$ERR"
        STATUS=$?
        LAST="bgsim $args >/dev/full"
        expect_status 74
        expect_grep "$ERR" stderr "cannot write"
    done
else
    printf 'note: /dev/full is not writable here; exit status 74 not checked\n'
fi

finish
