# output_schemas.sh - the JSON outputs of run, sweep, fleet and check open with "schema_version" and
# validate against their documented schemas (schemas/*.schema.json) with Ajv (tests/npm), on
# scenarios of every platform, with failures, nulls and files that cannot load. Each schema is
# strict enough to fail: the same document without schema_version, or with a field of the wrong
# type, is refused. Skipped (77) only when node is not installed.
. "$(dirname "$0")/lib.sh"
need_node
VALIDATE() { NODE_PATH="$NPM_DIR/node_modules" node "$NPM_DIR/validate.js" "$@"; }
S="$SRC/schemas"
EX="$SRC/scenarios/examples"
cd "$WORK" || exit 1

# run: ideal, Android (Doze, stops), iOS (refresh off: no runs, null quantiles).
i=0
for f in "$DEFAULT" "$EX/android-overnight-doze.yaml" "$EX/ios-refresh-off.yaml" "$EX/kills.yaml"; do
    i=$((i + 1))
    run "$BGSIM" run "$f" --format json
    expect_status 0
    cp "$OUT" "run$i.json"
done
# sweep: two keys, few seeds.
run "$BGSIM" sweep "$DEFAULT" --set 'app.tasks[sync].minimum_interval=15m,1h' --set 'seed=1,2' --seeds 2 --format json
expect_status 0
cp "$OUT" sweep.json
# fleet: both bundled fleets, with a target.
i=0
for f in "$SRC"/scenarios/fleets/*.yaml; do
    i=$((i + 1))
    run "$BGSIM" fleet "$f" --devices 6 --target 'sync.max_gap<=6h' --format json
    expect_status 0
    cp "$OUT" "fleet$i.json"
done
# check: a pass, a failure, a file that cannot load, one without expect:.
sed 's/max: 4.5 }/max: 3.6 }/' "$DEFAULT" >failing.yaml
printf 'bgsim: 1\nplatform: ideal\nduration: 2d\napp: { tasks: [{name: a, minimum_intervl: 15m}] }\n' >bad.yaml
printf 'bgsim: 1\nplatform: ideal\nduration: 1d\napp: { tasks: [{name: a}] }\n' >noexp.yaml
run "$BGSIM" check "$DEFAULT" failing.yaml bad.yaml noexp.yaml --format json
expect_status 65
cp "$OUT" check.json
expect_grep check.json check '"status":"fail"'
expect_grep check.json check '"status":"error","error":"invalid scenario","detail":"error: bad.yaml:4:'
expect_grep check.json check '"status":"no_expectations"'

for j in run1 run2 run3 run4 sweep fleet1 fleet2 check; do
    [ -e "$j.json" ] || continue
    expect_grep "$j.json" "$j" '^\{"schema_version":1,'
    schema="$S/$(echo "$j" | tr -d 0-9).schema.json"
    run VALIDATE "$schema" "$j.json"
    expect_status 0
done
expect_grep run3.json run '"interval_ms":null'

# The schemas refuse what breaks the contract.
for j in run1 sweep fleet1 check; do
    sed 's/^{"schema_version":1,/{/' "$j.json" >"no-version-$j.json"
    run VALIDATE "$S/$(echo "$j" | tr -d 0-9).schema.json" "no-version-$j.json"
    expect_status 1
done
sed 's/"fingerprint":"\([0-9a-f]*\)"/"fingerprint":12/' run1.json >bad-run.json
run VALIDATE "$S/run.schema.json" bad-run.json
expect_status 1
sed 's/"unit":"ms"/"unit":"minutes"/' fleet1.json >bad-fleet.json
run VALIDATE "$S/fleet.schema.json" bad-fleet.json
expect_status 1

finish
