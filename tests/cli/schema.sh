# schema.sh - `bgsim schema`: the scenario format's JSON Schema, generated from the loader. It is
# valid JSON Schema (Ajv compiles it in strict mode), every bundled scenario and every good file of
# the corpus validates against it with Ajv (an independent validator, tests/npm), and malformed
# files are refused by both Ajv and `bgsim validate`. The build tree's copy is the same text.
# Skipped (77) only when node is not installed.
. "$(dirname "$0")/lib.sh"
need_node
VALIDATE() { NODE_PATH="$NPM_DIR/node_modules" node "$NPM_DIR/validate.js" "$@"; }

run "$BGSIM" schema
expect_status 0
expect_empty "$ERR" stderr
cp "$OUT" "$WORK/scenario.schema.json"
SCHEMA="$WORK/scenario.schema.json"
expect_grep "$SCHEMA" schema '"\$schema": "http://json-schema.org/draft-07/schema#"'
# Every model of the registry and the scenario's own sections are there, typed to the leaves.
for key in '"battery": \{' '"network": \{' '"settings": \{' '"kills": \{' '"usage": \{' '"tasks": \{' \
    '"minimum_interval": \{' '"doze": \{' '"fleet": \{'; do
    expect_grep "$SCHEMA" schema "$key"
done
expect_grep "$SCHEMA" schema '"required": \["bgsim", "platform", "duration", "app"\]'
# Hover docs: defaults read from the models' defaults().
expect_grep "$SCHEMA" schema '"description": "A non-negative integer. Default: 1."'
run "$BGSIM" schema extra
expect_status 64

# The copy the build writes (and installs) is the same schema.
BUILT="$(dirname "$(dirname "$BGSIM")")/share/bgsim/scenario.schema.json"
CHECKS=$((CHECKS + 1))
cmp -s "$SCHEMA" "$BUILT" || fail "$BUILT differs from 'bgsim schema' (or is missing)"

# Every bundled scenario and good corpus file: valid for Ajv, as for bgsim.
FILES=""
for f in "$SRC"/scenarios/*.yaml "$SRC"/scenarios/examples/*.yaml "$SRC"/scenarios/fleets/*.yaml "$GOOD"/*.yaml; do
    [ -e "$f" ] && FILES="$FILES $f"
done
# shellcheck disable=SC2086  # one argument per file
run VALIDATE "$SCHEMA" $FILES
expect_status 0
CHECKS=$((CHECKS + 1))
n=$(grep -c ': ok$' "$OUT")
[ "$n" -ge 25 ] || fail "expected at least 25 files validated, found $n"

# Malformed files: refused by both. From the corpus, and a typo in a model's section.
cd "$WORK" || exit 1
sed 's/^    initial: 80%$/    inital: 80%/' "$DEFAULT" >typo-in-model.yaml
sed 's/^platform: .*/platform: andriod/' "$DEFAULT" >platform-typo.yaml
sed '/^duration:/d' "$DEFAULT" >no-duration.yaml
sed 's/minimum_interval: 6h/minimum_interval: 6 hours/' "$DEFAULT" >bad-duration.yaml
for f in typo-in-model platform-typo no-duration bad-duration; do
    CHECKS=$((CHECKS + 1))
    cmp -s "$DEFAULT" "$f.yaml" && fail "test premise: $f.yaml is the default scenario unchanged"
done
MALFORMED="typo-in-model.yaml platform-typo.yaml no-duration.yaml bad-duration.yaml"
for f in 20-missing-bgsim 21-wrong-schema-version 164-wrong-type-duration-list 168-wrong-type-task-keys \
    202-dist-normal-negative-sd 212-network-window-errors; do
    MALFORMED="$MALFORMED $BAD/$f.yaml"
done
# shellcheck disable=SC2086
run VALIDATE "$SCHEMA" $MALFORMED
expect_status 1
cp "$OUT" ajv.txt
for f in $MALFORMED; do
    expect_grep ajv.txt ajv "^$f: invalid\$"
    run "$BGSIM" validate "$f"
    expect_status 65
done

finish
