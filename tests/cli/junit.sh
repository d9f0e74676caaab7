# junit.sh - `bgsim check --junit`: the report validates against the JUnit rules Jenkins' xUnit
# plugin checks (junit-10.xsd), written as our own Relax NG (tests/reports/junit/junit.rng); a file
# that cannot load or read is a test case with an
# <error> holding its escaped diagnostics; class names do not end in ".yaml" (Jenkins splits at the
# last dot); the default report is byte-identical across runs and --jobs, with the scenario's start
# as timestamp; a file with no expect: is said on stderr, skipped in the report, and an error (65)
# with --require-expect.
. "$(dirname "$0")/lib.sh"

RNG="$SRC/tests/reports/junit/junit.rng"
if ! command -v xmllint >/dev/null 2>&1; then
    echo "junit.sh: xmllint is missing (libxml2-utils; tools/install-deps.sh installs it)" >&2
    exit 1
fi
validates() { # validates FILE: xmllint --relaxng junit.rng accepts FILE
    CHECKS=$((CHECKS + 1))
    xmllint --noout --relaxng "$RNG" "$1" 2>"$WORK/xmllint.err" ||
        fail "$1 does not validate against junit.rng: $(head -c 400 "$WORK/xmllint.err")"
}

# The schema is strict enough to fail: a report without the suite's `errors` (what bgsim wrote
# before) is refused.
printf '<?xml version="1.0"?>\n<testsuites><testsuite name="a" tests="1" failures="0"><testcase name="x"/></testsuite></testsuites>\n' >"$WORK/old.xml"
CHECKS=$((CHECKS + 1))
xmllint --noout --relaxng "$RNG" "$WORK/old.xml" 2>/dev/null && fail "test premise: junit.rng accepts a suite without errors="

cd "$WORK" || exit 1
cp "$DEFAULT" good.yaml
cat >bad.yaml <<'YAML'
bgsim: 1
platform: ideal
duration: 2d
app:
  tasks: [{name: "a<&>", minimum_intervl: 15m}]
YAML
cat >noexp.v2.yaml <<'YAML'
bgsim: 1
platform: ideal
duration: 1d
app:
  tasks: [{name: a, minimum_interval: 15m}]
YAML

run "$BGSIM" check good.yaml bad.yaml noexp.v2.yaml missing.yaml --junit all.xml
expect_status 66
expect_grep "$ERR" stderr "noexp.v2.yaml: no expectations \(no 'expect:' block\)"
validates all.xml
expect_grep all.xml junit '^<testsuites name="bgsim check" tests="9" failures="0" errors="2" time="0.000">$'
expect_grep all.xml junit '<testsuite name="good.yaml" tests="6" failures="0" errors="0" skipped="0" time="0.000" timestamp="2026-01-05T07:00:00">'
# The broken file's diagnostics, escaped, inside its <error>.
expect_grep all.xml junit '<testcase classname="bgsim.bad" name="load" time="0.000"><error message="invalid scenario">error: bad.yaml:5:26: app.tasks\[0\]: unknown key &#39;minimum_intervl&#39;'
expect_grep all.xml junit '<testcase classname="bgsim.missing" name="load" time="0.000"><error message="cannot read the scenario">error: missing.yaml: cannot read the file'
expect_grep all.xml junit '<testcase classname="bgsim.noexp_v2" name="expect" time="0.000"><skipped '
# No class name has a dot after "bgsim.": Jenkins' package is always "bgsim".
CHECKS=$((CHECKS + 1))
grep -o 'classname="[^"]*"' all.xml | grep -v '^classname="bgsim\.[^."]*"$' >"$WORK/dots" &&
    fail "class names with a dot after bgsim.: $(head -n 3 "$WORK/dots")"

# Byte-identical: again, and with two jobs.
run "$BGSIM" check good.yaml bad.yaml noexp.v2.yaml missing.yaml --junit again.xml --jobs 2
expect_status 66
CHECKS=$((CHECKS + 1))
cmp -s all.xml again.xml || fail "the JUnit report differs between runs: $(diff all.xml again.xml | head -n 4)"

# --wall-time: measured times and a real timestamp, still valid.
run "$BGSIM" check good.yaml --wall-time --junit wall.xml
expect_status 0
validates wall.xml
expect_grep wall.xml junit '<testsuite name="good.yaml" tests="6" failures="0" errors="0" skipped="0" time="[0-9]+\.[0-9]{3}" timestamp="20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}">'
expect_no_grep wall.xml junit 'timestamp="2026-01-05T07:00:00"'

# No expect: a note (status 0) by default; an error with --require-expect, in the report too.
run "$BGSIM" check noexp.v2.yaml
expect_status 0
expect_grep "$ERR" stderr "--require-expect makes this an error"
run "$BGSIM" check noexp.v2.yaml good.yaml --require-expect --junit req.xml
expect_status 65
expect_grep "$ERR" stderr "noexp.v2.yaml: no expectations .* and --require-expect"
validates req.xml
expect_grep req.xml junit '<testcase classname="bgsim.noexp_v2" name="expect" time="0.000"><error message="no expectations'
expect_grep req.xml junit 'errors="1"'
# A file with expectations passes under --require-expect.
run "$BGSIM" check good.yaml --require-expect
expect_status 0

finish
