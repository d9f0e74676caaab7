# validate_corpus.sh - `bgsim validate` on the scenario corpus: each malformed file exits 65 with
# exactly its .err on stderr and nothing on stdout (the loader tests compare the library's
# output; this proves the command prints the same), each good file is ok, and one call with
# every file reports them all.
. "$(dirname "$0")/lib.sh"

cd "$BAD" || exit 1
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
[ "$count" -ge 60 ] || fail "expected at least 60 malformed scenarios in $BAD, found $count"

# All of them in one call: 65, and stderr is every .err in argument order.
# shellcheck disable=SC2046 # file names have no spaces (NN-short-name.yaml)
run "$BGSIM" validate $(ls *.yaml)
expect_status 65
expect_empty "$OUT" stdout
cat $(ls *.err) >"$WORK/all.err"
CHECKS=$((CHECKS + 1))
cmp -s "$ERR" "$WORK/all.err" || fail "'bgsim validate <all>': stderr is not the .err files in order"

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
