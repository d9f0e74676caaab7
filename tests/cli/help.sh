# help.sh - --help, --version and COMMAND --help: exit 0, text on stdout, nothing on stderr.
. "$(dirname "$0")/lib.sh"

for args in "--help" "-h" "help"; do
    # shellcheck disable=SC2086 # one word each
    run "$BGSIM" $args
    expect_status 0
    expect_empty "$ERR" stderr
    expect_grep "$OUT" stdout '^usage: bgsim '
    expect_grep "$OUT" stdout 'validate'
    expect_grep "$OUT" stdout 'run'
done

run "$BGSIM" --version
expect_status 0
expect_empty "$ERR" stderr
expect_grep "$OUT" stdout '^bgsim [0-9]+\.[0-9]+'
expect_grep "$OUT" stdout 'schema 1'
CHECKS=$((CHECKS + 1))
[ "$(wc -l <"$OUT")" -eq 1 ] || fail "'$LAST': expected one line, found $(wc -l <"$OUT")"

run "$BGSIM" run --help
expect_status 0
expect_empty "$ERR" stderr
expect_grep "$OUT" stdout '^usage: bgsim run FILE'
for opt in --seed --duration --trace --format; do
    expect_grep "$OUT" stdout "$opt"
done
# --help wins wherever it is, and nothing runs: no trace is written.
run "$BGSIM" run "$DEFAULT" --trace "$WORK/t.jsonl" --help
expect_status 0
expect_empty "$ERR" stderr
expect_grep "$OUT" stdout '^usage: bgsim run'
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/t.jsonl" ] || fail "'$LAST': --help still ran the scenario"

run "$BGSIM" validate --help
expect_status 0
expect_empty "$ERR" stderr
expect_grep "$OUT" stdout '^usage: bgsim validate FILE'
run "$BGSIM" validate "$DEFAULT" --help
expect_status 0
expect_grep "$OUT" stdout '^usage: bgsim validate'
expect_no_grep "$OUT" stdout ': ok$'

# `bgsim help CMD` prints exactly `bgsim CMD --help`, for every command the main usage lists.
cmds=$("$BGSIM" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
CHECKS=$((CHECKS + 1))
[ "$(echo "$cmds" | wc -w)" -ge 6 ] || fail "expected at least 6 commands in 'bgsim --help', found: $cmds"
for c in $cmds; do
    run "$BGSIM" help "$c"
    expect_status 0
    expect_empty "$ERR" stderr
    expect_grep "$OUT" stdout "^usage: bgsim $c"
    cp "$OUT" "$WORK/help-$c"
    run "$BGSIM" "$c" --help
    CHECKS=$((CHECKS + 1))
    cmp -s "$OUT" "$WORK/help-$c" || fail "'bgsim help $c' differs from 'bgsim $c --help'"
done
expect_usage_error "bgsim help: unknown command 'nope'" "$BGSIM" help nope

# No stale statements in the help texts and the user's docs: what they promise for "later" exists.
STALE='platform not modeled|not modeled yet|a later version|once the device (and user )?models land|`ideal` so far|only .ideal. runs'
for c in $cmds; do
    "$BGSIM" help "$c" >"$WORK/h.txt" 2>&1
    expect_no_grep "$WORK/h.txt" "bgsim help $c" "$STALE"
done
"$BGSIM" --help >"$WORK/h.txt" 2>&1
expect_no_grep "$WORK/h.txt" "bgsim --help" "$STALE"
for f in README.md ARCHITECTURE.md scenarios/README.md scenarios/METRICS.md scenarios/TRACE.md scenarios/SET.md; do
    expect_no_grep "$SRC/$f" "$f" "$STALE"
done
# The README's --report paragraph names every section the report has, in the report's order.
run "$BGSIM" run "$DEFAULT" --report "$WORK/report"
CHECKS=$((CHECKS + 1))
[ "$STATUS" -eq 0 ] || [ "$STATUS" -eq 69 ] || fail "'$LAST': status $STATUS"
sections=$(grep -o '<h2>[^<]*' "$WORK/report/index.html" | sed 's/<h2>//')
documented=$(sed -n '/^- `--report DIR`/,/^- `--perfetto/p' "$SRC/README.md" | tr '\n' ' ' | grep -o '\*\*[^*]*\*\*' | tr -d '*')
CHECKS=$((CHECKS + 1))
[ -n "$sections" ] && [ "$sections" = "$documented" ] ||
    fail "report sections: $(echo $sections | tr '\n' ','); README's --report paragraph: $(echo $documented | tr '\n' ',')"

# The usage shown on a usage error goes to stderr, not stdout.
run "$BGSIM"
expect_status 64
expect_empty "$OUT" stdout
expect_grep "$ERR" stderr '^usage: bgsim'

finish
