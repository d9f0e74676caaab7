# junit_npm.sh - the JUnit report read by an npm JUnit parser (test-results-parser, pinned in
# tests/npm/package-lock.json) as a CI dashboard reads it: the totals and every case's status
# match what `bgsim check` printed, a broken file counts as an error, a file with no expect: as
# skipped. Skipped (77) only when node is not installed.
. "$(dirname "$0")/lib.sh"
need_node

cd "$WORK" || exit 1
cp "$DEFAULT" good.yaml
sed 's/max: 4.5 }/max: 3.6 }/' "$DEFAULT" >failing.yaml
CHECKS=$((CHECKS + 1))
cmp -s "$DEFAULT" failing.yaml && fail "test premise: the default scenario bounds runs_per_day with 'max: 4.5 }'"
printf 'bgsim: 1\nplatform: ideal\nduration: 2d\napp: { tasks: [{name: a, minimum_intervl: 15m}] }\n' >bad.yaml
printf 'bgsim: 1\nplatform: ideal\nduration: 1d\napp: { tasks: [{name: a}] }\n' >noexp.yaml

run "$BGSIM" check good.yaml failing.yaml bad.yaml noexp.yaml --junit report.xml
expect_status 65
passed=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$OUT")
failed=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$OUT")
NODE_PATH="$NPM_DIR/node_modules" node "$NPM_DIR/junit-summary.js" report.xml >summary.txt 2>summary.err
rc=$?
CHECKS=$((CHECKS + 1))
[ "$rc" -eq 0 ] || fail "test-results-parser refused the report: $(cat summary.err)"
expect_grep summary.txt parser "^total $((passed + failed + 2))\$"
expect_grep summary.txt parser "^failed $failed\$"
expect_grep summary.txt parser '^errors 1$'
expect_grep summary.txt parser '^case bad.yaml load FAIL$'
expect_grep summary.txt parser '^case noexp.yaml expect SKIP$'
expect_grep summary.txt parser '^case failing.yaml worker.runs_per_day FAIL$'
# Every PASS/FAIL line of stdout is a case of the same status.
grep -E '^(PASS|FAIL)  ' "$OUT" | while read -r verdict file name _; do
    grep -qx "case $file $name $verdict" summary.txt || echo "$verdict $file $name"
done >missing.txt
CHECKS=$((CHECKS + 1))
[ -s missing.txt ] && fail "results the parser does not show as such: $(head -n 3 missing.txt)"

finish
