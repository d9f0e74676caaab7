# validate_bad.sh - `bgsim validate` on the fleet corpus: each malformed fleet file in
# tests/scenario/fleet/bad exits 65 with exactly its .err on stderr and nothing on stdout. The .err files
# were read one by one as a user would (is the position the value's, does the message say the
# profile, the key, what was expected and what was found?): a change to a fleet message shows
# here as a diff. Errors come from the fleet section's own parse (NN 01-32) and from the probes
# of run_fleet_validate (33-46: each profile at its values' low and high ends and each choice);
# both must reach `bgsim validate`. Each good file in tests/scenario/fleet/good validates ok.
. "$(dirname "$0")/../../cli/lib.sh"

FBAD="$SRC/tests/scenario/fleet/bad"
FGOOD="$SRC/tests/scenario/fleet/good"

# (All of them in one call also checks that a fleet's probes do not leak into the next file's
# diagnostics.)
check_corpus "$FBAD" 20 "malformed fleets"

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
