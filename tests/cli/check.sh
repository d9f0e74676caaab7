# check.sh - `bgsim check`: the golden fingerprints of every bundled scenario, a deliberately
# changed copy failing, statuses, JUnit, --jobs determinism and --update-fingerprints.
. "$(dirname "$0")/lib.sh"

BUNDLED="$SRC/scenarios/default.yaml"
for f in "$SRC"/scenarios/examples/*.yaml; do
    [ -e "$f" ] && BUNDLED="$BUNDLED $f"
done

# Golden: every bundled scenario pins its fingerprint, and all its expectations hold. A change to
# the core or a model that shifts behaviour fails here and must be re-pinned deliberately
# (bgsim check --update-fingerprints), with the reason in the commit message.
for f in $BUNDLED; do
    CHECKS=$((CHECKS + 1))
    grep -q '^  fingerprint: "[0-9a-f]\{16\}"' "$f" || fail "$f: no pinned fingerprint under expect:"
done
# shellcheck disable=SC2086  # one argument per file
run "$BGSIM" check $BUNDLED --junit "$WORK/golden.xml"
expect_status 0
expect_empty "$ERR" stderr
expect_grep "$OUT" stdout '^[0-9]* passed, 0 failed$'

# The same with two jobs: byte-identical.
cp "$OUT" "$WORK/j1.txt"
# shellcheck disable=SC2086
run "$BGSIM" check $BUNDLED --jobs 2
expect_status 0
CHECKS=$((CHECKS + 1))
cmp -s "$OUT" "$WORK/j1.txt" || fail "check --jobs 2 differs from --jobs 1: $(diff "$WORK/j1.txt" "$OUT" | head -n 4)"

# JUnit: one testcase per result line, failures counted.
CHECKS=$((CHECKS + 1))
cases=$(grep -c '<testcase ' "$WORK/golden.xml")
lines=$(grep -c '^PASS\|^FAIL' "$WORK/j1.txt")
[ "$cases" -eq "$lines" ] || fail "JUnit has $cases test cases for $lines results"
expect_grep "$WORK/golden.xml" junit '^<testsuites name="bgsim check">$'
expect_grep "$WORK/golden.xml" junit '^</testsuites>$'

# A deliberate change of a constant of the model (the interval the app asks for) fails the
# pinned fingerprint and the runs-per-day bound of the default scenario.
sed 's/minimum_interval: 6h/minimum_interval: 3h/' "$DEFAULT" >"$WORK/changed.yaml"
CHECKS=$((CHECKS + 1))
cmp -s "$DEFAULT" "$WORK/changed.yaml" && fail "test premise: the default scenario has a 6h task"
run "$BGSIM" check "$WORK/changed.yaml" --junit "$WORK/changed.xml"
expect_status 1
expect_grep "$OUT" stdout '^FAIL  .*changed.yaml  fingerprint = '
expect_grep "$OUT" stdout '^FAIL  .*changed.yaml  worker.runs_per_day = '
expect_grep "$WORK/changed.xml" junit '<failure message='

# A deliberate change of a constant of an OS model: Doze's MAX_IDLE_TIMEOUT-driven idle periods
# start at 1 h; halving IDLE_TIMEOUT (an os: override of the Android model) gives more maintenance
# windows overnight, which the pinned fingerprint and the runs-per-day bound of the overnight-Doze
# scenario both catch.
DOZE="$SRC/scenarios/examples/android-overnight-doze.yaml"
if [ -e "$DOZE" ]; then
    sed 's/^os: { version: 14 }$/os: { version: 14, doze: { idle_timeout: 30m } }/' "$DOZE" >"$WORK/doze.yaml"
    CHECKS=$((CHECKS + 1))
    cmp -s "$DOZE" "$WORK/doze.yaml" && fail "test premise: the overnight-Doze scenario sets os: { version: 14 }"
    run "$BGSIM" check "$WORK/doze.yaml"
    expect_status 1
    expect_grep "$OUT" stdout '^FAIL  .*doze.yaml  fingerprint = '
    expect_grep "$OUT" stdout '^FAIL  .*doze.yaml  worker.runs = '
fi

# --update-fingerprints rewrites the value and nothing else; the file then passes.
cp "$WORK/changed.yaml" "$WORK/before.yaml"
run "$BGSIM" check "$WORK/changed.yaml" --update-fingerprints
expect_grep "$ERR" stderr 'fingerprint updated'
CHECKS=$((CHECKS + 1))
changed=$(diff "$WORK/before.yaml" "$WORK/changed.yaml" | grep -c '^[<>]')
[ "$changed" -eq 2 ] || fail "--update-fingerprints changed $changed lines, expected 1 removed + 1 added"
expect_grep "$WORK/changed.yaml" file '^  fingerprint: "[0-9a-f]{16}"'
run "$BGSIM" check "$WORK/changed.yaml"
expect_grep "$OUT" stdout '^PASS  .*  fingerprint = '

# Statuses: 65 for a bad scenario (others still run), 66 unreadable, 64 usage.
run "$BGSIM" check "$DEFAULT" "$BAD/01-yaml-unclosed-flow.yaml"
expect_status 65
expect_grep "$OUT" stdout '^PASS  '
run "$BGSIM" check "$WORK/missing.yaml"
expect_status 66
run "$BGSIM" check
expect_status 64
run "$BGSIM" check "$DEFAULT" --jobs 0
expect_status 64
run "$BGSIM" check "$DEFAULT" --seeds 1
expect_status 64

# The foreground guard as a deferral reason: the app stays in the foreground for 40 min; the run
# due at 15m10s is re-deferred by min(60 min, interval) = 15 min, again at 30m10s, and runs at
# 45m10s once the app is in the background: 30 min held as `foreground` (the ideal OS holds
# nothing itself).
cat >"$WORK/fg.yaml" <<'YAML'
bgsim: 1
platform: ideal
duration: 2h
app:
  foreground_for: 40m
  tasks:
    - { name: sync, minimum_interval: 15m, register_at: 10s }
expect:
  worker.deferred: { equals: 2 }
  worker.held.foreground: { equals: 30m }
  worker.held_share.foreground: { equals: 1 }
  sync.first_run: { equals: 45m10s }
YAML
run "$BGSIM" check "$WORK/fg.yaml"
expect_status 0
expect_grep "$OUT" stdout '^PASS  .*worker.held.foreground = 30m  \(equals 30m\)$'
# The text summary totals the due time per reason (held back by the OS, or no reason).
run "$BGSIM" run "$WORK/fg.yaml"
expect_status 0
expect_grep "$OUT" stdout '^          due without running 30m: foreground 30m \(100%\)$'

# A statistical expectation: the mean over seeds, with its interval.
cat >"$WORK/stat.yaml" <<'YAML'
bgsim: 1
platform: ideal
duration: 2d
app:
  tasks:
    - name: sync
      minimum_interval: 15m
      work: { failure_probability: 10% }
expect:
  sync.failures: { seeds: 20, confidence: 99%, mean: { min: 10, max: 30 } }
  sync.runs: { seeds: 20, mean: { min: 1000 } }
YAML
run "$BGSIM" check "$WORK/stat.yaml"
expect_status 1
expect_grep "$OUT" stdout '^PASS  .*sync.failures = mean [0-9.]+ \+- [0-9.]+ \(n=20\)  \(mean in \[10, 30\] at 99% over 20 seeds\)$'
expect_grep "$OUT" stdout '^FAIL  .*sync.runs = mean '
run "$BGSIM" check "$WORK/stat.yaml" --seeds 5
expect_grep "$OUT" stdout 'n=5'

finish
