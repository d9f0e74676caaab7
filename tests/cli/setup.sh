# setup.sh - set-up mistakes as scenario switches (issue 22, section 2; scenarios/README.md "Setup
# mistakes"): each `app.setup` key, set through --set on a scenario where the worker runs, gives
# the consequence expo and the OS give (no run, no registration), the trace names it with a
# setup.<key> record, the run headline and `bgsim explain` name it in a note with the setting that
# fixes it, and that setting (the default) brings the runs back; the keys are validated like
# every key and listed by `bgsim schema`.
. "$(dirname "$0")/lib.sh"
cd "$SRC" || exit 1
GOOD=scenarios/examples/ios-nightly-charge.yaml
MISTAKE=scenarios/examples/ios-setup-mistake.yaml

# runs_of FILE [--set ...]: the runs of task sync (metric sync.runs in `bgsim run --format json`)
runs_of() { "$BGSIM" run "$@" --format json 2>/dev/null | grep -o '"sync.runs":[0-9]*' | sed 's/.*://'; }

# The correct set-up runs (the control that makes the checks below able to fail).
CHECKS=$((CHECKS + 1))
n=$(runs_of "$GOOD")
[ "${n:-0}" -gt 0 ] || fail "$GOOD: expected runs with the correct set-up, found '${n}'"

# mistake KEY VALUE CONSEQUENCE NOTE-WORDS: with the mistake, no run, the trace record and the note
mistake() {
    run "$BGSIM" run "$GOOD" --set "app.setup.$1=$2" --trace "$WORK/$1.jsonl"
    expect_status 0
    expect_grep "$OUT" stdout '0\.00 runs/day'
    expect_grep "$OUT" stdout "^note      Setup mistake: $4"
    expect_grep "$OUT" stdout "app.setup.$1=$( [ "$2" = true ] && echo false || echo true )"
    expect_grep "$WORK/$1.jsonl" trace "\"type\":\"setup.$1\".*\"consequence\":\"$3\""
    run "$BGSIM" explain "$GOOD" --set "app.setup.$1=$2" --gaps 0
    expect_status 0
    expect_grep "$OUT" explain "Setup mistake: $4"
}
mistake permitted_identifier false submit_not_permitted "Info.plist's BGTaskSchedulerPermittedIdentifiers lacks"
mistake background_mode_processing false not_registered "Info.plist's UIBackgroundModes lacks .processing."
mistake launch_handler_registered false submit_waits_forever "the BGTaskScheduler launch handler is not registered"
mistake expo_go true not_registered "the app runs in Expo Go"
# Without the permitted identifier every submit fails (registration, each cold launch): no os.submit
# ever succeeds; without the launch handler none is even made.
expect_no_grep "$WORK/permitted_identifier.jsonl" trace '"type":"os.submit".*"result":"ok"'
expect_no_grep "$WORK/launch_handler_registered.jsonl" trace '"type":"os.submit"'

# Tasks defined inside a component: the first headless start finds them undefined and unregisters them.
run "$BGSIM" run "$GOOD" --set app.setup.define_at_module_scope=false --trace "$WORK/define.jsonl"
expect_status 0
expect_grep "$OUT" stdout '^note      Setup mistake: TaskManager.defineTask is called inside a component'
expect_grep "$WORK/define.jsonl" trace '"type":"app.start","cause":"worker"'
expect_grep "$WORK/define.jsonl" trace '"type":"setup.define_at_module_scope","task":"sync","consequence":"undefined_unregistered"'
# Runs in a process the user started before (the component mounted, so the task is defined) may
# come first; after the first headless start has unregistered the task, none.
CHECKS=$((CHECKS + 1))
n=$(sed -n '/"type":"setup.define_at_module_scope"/,$p' "$WORK/define.jsonl" | grep -c '"type":"task.run"')
[ "$n" -eq 0 ] || fail "define_at_module_scope=false: expected no task run after the first headless start unregistered the task, found $n"

# ... and where every run comes in a process the user started (the default Android phone keeps
# its process), the note says the mistake did not show, and no setup record is traced.
run "$BGSIM" run scenarios/default.yaml --set app.setup.define_at_module_scope=false --trace "$WORK/define-android.jsonl"
expect_status 0
expect_grep "$OUT" stdout '^note      Setup mistake: TaskManager.defineTask .* It did not show in this run'
expect_no_grep "$WORK/define-android.jsonl" trace '"type":"setup\.'

# The bundled example: the mistake, and its fix through --set.
CHECKS=$((CHECKS + 1))
n=$(runs_of "$MISTAKE")
[ "${n:-1}" -eq 0 ] || fail "$MISTAKE: expected 0 runs, found '$n'"
CHECKS=$((CHECKS + 1))
n=$(runs_of "$MISTAKE" --set app.setup.permitted_identifier=true)
[ "${n:-0}" -gt 0 ] || fail "$MISTAKE --set app.setup.permitted_identifier=true: expected runs, found '$n'"
run "$BGSIM" run "$MISTAKE" --set app.setup.permitted_identifier=true
expect_no_grep "$OUT" stdout 'Setup mistake'

# The correct values, written out, change nothing: the same fingerprint.
CHECKS=$((CHECKS + 1))
a=$("$BGSIM" run "$GOOD" --format json 2>/dev/null | tr ',' '\n' | grep '"fingerprint"')
b=$("$BGSIM" run "$GOOD" --format json --set app.setup.permitted_identifier=true \
    --set app.setup.background_mode_processing=true --set app.setup.launch_handler_registered=true \
    --set app.setup.define_at_module_scope=true --set app.setup.expo_go=false 2>/dev/null | tr ',' '\n' | grep '"fingerprint"')
[ -n "$a" ] && [ "$a" = "$b" ] || fail "the correct set-up written out changed the fingerprint: '$a' vs '$b'"

# Validated like every key: a typo gets a did-you-mean at file:line:column, a non-boolean is
# refused, an iOS mistake on Android is refused.
printf 'bgsim: 1\nplatform: ios\nduration: 1d\napp:\n  setup:\n    permited_identifier: false\n  tasks: [{ name: a }]\n' >"$WORK/typo.yaml"
run "$BGSIM" validate "$WORK/typo.yaml"
expect_status 65
expect_grep "$ERR" stderr "typo.yaml:6:5: app.setup: unknown key 'permited_identifier' \(did you mean 'permitted_identifier'\?\)"
run "$BGSIM" run "$GOOD" --set app.setup.expo_go=maybe
expect_status 65
expect_grep "$ERR" stderr 'app.setup.expo_go'
run "$BGSIM" run scenarios/default.yaml --set app.setup.permitted_identifier=false
expect_status 65
expect_grep "$ERR" stderr 'app.setup.permitted_identifier=false: an iOS set-up .* on platform android'
run "$BGSIM" run scenarios/default.yaml --set app.setup.define_at_module_scope=false
expect_status 0

# bgsim schema lists them (it records what the parser asks).
run "$BGSIM" schema
expect_status 0
for k in permitted_identifier background_mode_processing launch_handler_registered define_at_module_scope expo_go; do
    expect_grep "$OUT" schema "\"$k\""
done

finish
