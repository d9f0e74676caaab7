# validate_corpus.sh - `bgsim validate` on the scenario corpus: each malformed file exits 65 with
# exactly its .err on stderr and nothing on stdout (the loader tests compare the library's
# output; this proves the command prints the same), each good file is ok, and one call with
# every file reports them all.
. "$(dirname "$0")/lib.sh"

check_corpus "$BAD" 60 "malformed scenarios"

cd "$GOOD" || exit 1
for yaml in *.yaml; do
    run "$BGSIM" validate "$yaml"
    expect_status 0
    expect_empty "$ERR" stderr
    expect_grep "$OUT" stdout "^$yaml: ok\$"
done
# A good file among bad ones: still 65, its ok line still printed.
run "$BGSIM" validate minimal.yaml "$BAD/37-platform-typo.yaml"
expect_status 65
expect_grep "$OUT" stdout '^minimal.yaml: ok$'

finish
