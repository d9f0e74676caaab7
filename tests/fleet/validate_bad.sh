# validate_bad.sh - `bgsim validate` on the fleet corpus: each malformed fleet file in
# tests/fleet/bad exits 65 with exactly its .err on stderr and nothing on stdout. The .err files
# were read one by one as a user would (is the position the value's, does the message say the
# profile, the key, what was expected and what was found?): a change to a fleet message shows
# here as a diff. Errors come from the fleet section's own parse (NN 01-32) and from the probes
# of run_fleet_validate (33-46: each profile at its values' low and high ends and each choice);
# both must reach `bgsim validate`. Each good file in tests/fleet/good validates ok.
. "$(dirname "$0")/../cli/lib.sh"

FBAD="$SRC/tests/fleet/bad"
FGOOD="$SRC/tests/fleet/good"

cd "$FBAD" || exit 1
count=0
for yaml in *.yaml; do
    count=$((count + 1))
    err="${yaml%.yaml}.err"
    run "$BGSIM" validate "$yaml"
    expect_status 65
    expect_empty "$OUT" stdout
    CHECKS=$((CHECKS + 1))
    cmp -s "$ERR" "$err" || fail "'bgsim validate $yaml': stderr differs from $err: $(diff "$err" "$ERR" | head -n 6)"
done
CHECKS=$((CHECKS + 1))
[ "$count" -ge 20 ] || fail "expected at least 20 malformed fleets in $FBAD, found $count"

# All of them in one call: 65, and stderr is every .err in argument order (a fleet's probes do not
# leak into the next file's diagnostics).
# shellcheck disable=SC2046 # file names have no spaces (NN-short-name.yaml)
run "$BGSIM" validate $(ls *.yaml)
expect_status 65
expect_empty "$OUT" stdout
cat $(ls *.err) >"$WORK/all.err"
CHECKS=$((CHECKS + 1))
cmp -s "$ERR" "$WORK/all.err" || fail "'bgsim validate <all>': stderr is not the .err files in order"

cd "$FGOOD" || exit 1
for yaml in *.yaml; do
    run "$BGSIM" validate "$yaml"
    expect_status 0
    expect_empty "$ERR" stderr
    expect_grep "$OUT" stdout "^$yaml: ok\$"
done

# A good fleet among bad ones: still 65, its ok line still printed, the bad one's errors only.
run "$BGSIM" validate 01-profiles.yaml "$FBAD/35-uniform-out-of-range.yaml"
expect_status 65
expect_grep "$OUT" stdout '^01-profiles.yaml: ok$'
expect_grep "$ERR" stderr "35-uniform-out-of-range.yaml:12:17: fleet: os.version=40"
expect_no_grep "$ERR" stderr '01-profiles'

finish
