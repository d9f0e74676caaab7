# init.sh - bgsim init (a commented starter scenario that loads and runs, written all or nothing,
# never over an existing file without --force), the README's quick start (its first command shows
# what held the worker back), and `-` for a scenario read from stdin.
. "$(dirname "$0")/lib.sh"

# init writes a scenario that validates, runs, shows held-back reasons and passes its own expect:
for p in android ios; do
    run "$BGSIM" init $p "$WORK/$p.yaml"
    expect_status 0
    expect_empty "$OUT" stdout
    expect_grep "$ERR" stderr "wrote '.*$p.yaml'"
    expect_grep "$WORK/$p.yaml" "the $p starter" "^platform: $p "
    expect_grep "$WORK/$p.yaml" "the $p starter" '^# .*bgsim init '
    run "$BGSIM" run "$WORK/$p.yaml"
    expect_status 0
    expect_grep "$OUT" "run of the $p starter" "^platform  $p,"
    expect_grep "$OUT" "run of the $p starter" 'due without running [^:]*: [a-z_]+ '
    run "$BGSIM" check "$WORK/$p.yaml"
    expect_status 0
    expect_grep "$OUT" "check of the $p starter" '^[1-9][0-9]* passed, 0 failed'
done
# no platform: Android; '-' writes to stdout
run "$BGSIM" init -
expect_status 0
expect_grep "$OUT" stdout '^platform: android '
CHECKS=$((CHECKS + 1))
cmp -s "$OUT" "$WORK/android.yaml" || fail "'bgsim init -' differs from 'bgsim init android FILE'"
# an existing file is kept without --force (73), replaced with it
printf 'mine\n' >"$WORK/mine.yaml"
run "$BGSIM" init ios "$WORK/mine.yaml"
expect_status 73
expect_grep "$ERR" stderr "exists; it is kept \\(--force replaces it\\)"
CHECKS=$((CHECKS + 1))
[ "$(cat "$WORK/mine.yaml")" = mine ] || fail "init without --force changed an existing file"
run "$BGSIM" init ios "$WORK/mine.yaml" --force
expect_status 0
expect_grep "$WORK/mine.yaml" "the replaced file" '^platform: ios '
# written through a temporary beside the target: nothing else is left in the folder
CHECKS=$((CHECKS + 1))
[ "$(ls -A "$WORK" | grep -c '^\.')" -eq 0 ] || fail "init left a temporary file: $(ls -A "$WORK")"
# usage errors
expect_usage_error "a starter is written for 'android' or 'ios'" "$BGSIM" init ideal
expect_usage_error "expected a platform, 'android' or 'ios', found 'windows'" "$BGSIM" init windows "$WORK/w.yaml"
expect_usage_error "unknown option '--bogus'" "$BGSIM" init --bogus
run "$BGSIM" init android "$WORK/no-such-dir/a.yaml"
expect_status 73

# The README's first command, as written there, prints what held the worker back.
CHECKS=$((CHECKS + 1))
grep -q '&& build/bin/bgsim run scenarios/default.yaml$' "$SRC/README.md" ||
    fail "README.md's quick start no longer ends with 'build/bin/bgsim run scenarios/default.yaml'"
run "$BGSIM" run "$DEFAULT"
expect_status 0
# (Among its reasons an OS one; which comes first depends on the draws: expo's foreground guard
# can hold longer than Doze in a week.)
expect_grep "$OUT" "the quick start's output" '^          due without running [^:]*: .*(doze_deep|doze_light|standby_quota|not_charging|network)'
run "$BGSIM" run "$SRC/scenarios/default-ios.yaml"
expect_status 0
expect_grep "$OUT" "the iOS twin's output" '^          due without running [^:]*: not_charging '

# '-' reads the scenario from stdin; diagnostics name <stdin>:line:column.
CHECKS=$((CHECKS + 1))
"$BGSIM" run - <"$DEFAULT" >"$WORK/stdin.txt" 2>"$ERR" || fail "bgsim run - < default.yaml failed: $(cat "$ERR")"
"$BGSIM" run "$DEFAULT" >"$WORK/file.txt" 2>/dev/null
CHECKS=$((CHECKS + 1))
[ "$(grep -v '^scenario ' "$WORK/stdin.txt")" = "$(grep -v '^scenario ' "$WORK/file.txt")" ] ||
    fail "run - differs from run FILE past the scenario line"
expect_grep "$WORK/stdin.txt" "run -" '^scenario  default \(<stdin>\)'
printf 'bgsim: 1\nplatform: ideal\nduration: 1d\napp:\n  tasks:\n    - { name: sync, minimum_interval: 90s }\n' \
    >"$WORK/bad.yaml"
for cmd in run validate sweep; do
    extra=""
    [ $cmd = sweep ] && extra="--set seed=1,2"
    # shellcheck disable=SC2086
    "$BGSIM" $cmd - $extra <"$WORK/bad.yaml" >"$OUT" 2>"$ERR"
    STATUS=$?
    LAST="bgsim $cmd - < bad.yaml"
    expect_status 65
    expect_grep "$ERR" stderr '^error: <stdin>:6:39: app.tasks\[0\].minimum_interval: expected whole minutes'
done
"$BGSIM" validate - <"$DEFAULT" >"$OUT" 2>"$ERR"
expect_grep "$OUT" "validate -" '^<stdin>: ok$'

finish
