# bgsim doctor (sim/doctor, sim/cli/cli_doctor.c) on fixture apps written for the test:
#   apps/good    - the plugin in app.json, defineTask at a module's top level, unregister + register
#                  with an interval: no finding;
#   apps/broken  - every mistake the doctor knows (iOS mode and identifier, a prebuilt Info.plist,
#                  WorkManager's initializer and the boot permission removed, defineTask in a
#                  component, a registered task never defined, an interval below 15 minutes, ...).
# Each output is compared with the expected text (good.out, broken.out): a finding that appears,
# disappears or changes wording fails. The tasks it prints must make a valid scenario.
. "$(dirname "$0")/../cli/lib.sh"
HERE="$SRC/tests/doctor"
cd "$HERE/apps" || exit 1

for app in good broken; do
    run "$BGSIM" doctor "$app"
    if [ "$app" = good ]; then expect_status 0; else expect_status 1; fi
    CHECKS=$((CHECKS + 1))
    if ! cmp -s "$OUT" "$HERE/$app.out"; then
        fail "bgsim doctor $app: output differs from $app.out:"
        diff "$HERE/$app.out" "$OUT" | head -n 20 >&2
    fi
    expect_empty "$ERR" "stderr of bgsim doctor $app"
    # The tasks found, as a scenario: the app: section it prints, with a platform.
    { printf 'bgsim: 1\nplatform: android\nduration: 1d\n'; sed -n '/^app:$/,/^$/p' "$OUT"; } >"$WORK/$app.yaml"
    run "$BGSIM" validate "$WORK/$app.yaml"
    expect_status 0
done
# The default directory is '.'.
(cd good && "$BGSIM" doctor) >"$OUT" 2>"$ERR"
STATUS=$?
expect_status 0
CHECKS=$((CHECKS + 1))
cmp -s "$OUT" "$HERE/good.out" || fail "bgsim doctor (in good/) differs from bgsim doctor good"

# Not an app, and usage errors.
mkdir -p "$WORK/empty"
run "$BGSIM" doctor "$WORK/empty"
expect_status 66
expect_grep "$ERR" stderr "not an app directory \(no readable package.json\)"
run "$BGSIM" doctor "$WORK/does-not-exist"
expect_status 66
run "$BGSIM" doctor good broken
expect_status 64
run "$BGSIM" doctor --frobnicate
expect_status 64
# A path is shown with its control bytes escaped.
mkdir -p "$WORK/$(printf 'evil\033[31m')"
run "$BGSIM" doctor "$WORK/$(printf 'evil\033[31m')"
expect_status 66
expect_no_grep "$ERR" stderr "$(printf '\033')"
finish
