# lib.sh - helpers shared by the CLI test scripts (POSIX sh). Each script is run by ctest as
#   sh SCRIPT BGSIM SOURCE_DIR
# and sources this file. A failed check prints what was expected and what happened, and the
# script ends with status 1 after running every check; 77 means skipped.

set -u
BGSIM=${1:?usage: sh SCRIPT path/to/bgsim path/to/source}
SRC=${2:?usage: sh SCRIPT path/to/bgsim path/to/source}
# Absolute paths: some scripts change directory.
case $BGSIM in /*) ;; *) BGSIM="$PWD/$BGSIM" ;; esac
case $SRC in /*) ;; *) SRC="$PWD/$SRC" ;; esac
DEFAULT="$SRC/scenarios/default.yaml"
BAD="$SRC/tests/scenario/bad"
GOOD="$SRC/tests/scenario/good"
FAILS=0
CHECKS=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bgsim-cli.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
OUT="$WORK/stdout"
ERR="$WORK/stderr"

fail() {
    FAILS=$((FAILS + 1))
    printf 'FAIL: %s\n' "$*" >&2
}

# run CMD...: runs CMD with stdout in $OUT, stderr in $ERR and the status in $STATUS.
run() {
    "$@" >"$OUT" 2>"$ERR"
    STATUS=$?
    LAST="$*"
}

show_streams() {
    printf '  stdout: %s\n' "$(head -c 400 "$OUT")" >&2
    printf '  stderr: %s\n' "$(head -c 400 "$ERR")" >&2
}

# expect_status N: the last run ended with status N.
expect_status() {
    CHECKS=$((CHECKS + 1))
    if [ "$STATUS" -ne "$1" ]; then
        fail "'$LAST': expected exit status $1, got $STATUS"
        show_streams
    fi
}

expect_empty() { # expect_empty FILE WHAT
    CHECKS=$((CHECKS + 1))
    if [ -s "$1" ]; then
        fail "'$LAST': expected nothing on $2, found: $(head -c 300 "$1")"
    fi
}

expect_nonempty() { # expect_nonempty FILE WHAT
    CHECKS=$((CHECKS + 1))
    if [ ! -s "$1" ]; then
        fail "'$LAST': expected output on $2, found nothing"
    fi
}

expect_grep() { # expect_grep FILE WHAT PATTERN (grep -E)
    CHECKS=$((CHECKS + 1))
    if ! grep -Eq -- "$3" "$1"; then
        fail "'$LAST': expected $2 to match /$3/, found: $(head -c 300 "$1")"
    fi
}

expect_no_grep() { # expect_no_grep FILE WHAT PATTERN
    CHECKS=$((CHECKS + 1))
    if grep -Eq -- "$3" "$1"; then
        fail "'$LAST': expected $2 not to match /$3/, found: $(grep -E -- "$3" "$1" | head -n 3)"
    fi
}

# A usage error: status 64, a message on stderr naming the problem, nothing on stdout.
expect_usage_error() { # expect_usage_error PATTERN CMD...
    pattern=$1
    shift
    run "$@"
    expect_status 64
    expect_empty "$OUT" stdout
    expect_grep "$ERR" stderr "$pattern"
}

# check_corpus DIR MIN WHAT: `bgsim validate` on each DIR/*.yaml exits 65 with exactly its .err on
# stderr and nothing on stdout; there are at least MIN of them; and one call with every file
# prints every .err in argument order. Leaves the current directory at DIR.
check_corpus() {
    cd "$1" || exit 1
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
    [ "$count" -ge "$2" ] || fail "expected at least $2 $3 in $1, found $count"
    # shellcheck disable=SC2046 # file names have no spaces (NN-short-name.yaml)
    run "$BGSIM" validate $(ls *.yaml)
    expect_status 65
    expect_empty "$OUT" stdout
    cat $(ls *.err) >"$WORK/all.err"
    CHECKS=$((CHECKS + 1))
    cmp -s "$ERR" "$WORK/all.err" || fail "'bgsim validate <all>': stderr is not the .err files in order"
}

# need_node: the npm checkers of tests/npm (installed by tools/install-deps.sh). Skips the script
# (77) when node is not installed; fails when node is there but the packages are not.
NPM_DIR="$SRC/tests/npm"
need_node() {
    if ! command -v node >/dev/null 2>&1; then
        printf '%s: skipped: node is not installed (tools/install-deps.sh installs node and the npm checkers)\n' \
            "$(basename "$0")" >&2
        exit 77
    fi
    if [ ! -d "$NPM_DIR/node_modules" ]; then
        printf '%s: the npm checkers are not installed: run tools/install-deps.sh (npm ci in tests/npm)\n' \
            "$(basename "$0")" >&2
        exit 1
    fi
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        printf '%s: %d of %d checks failed\n' "$(basename "$0")" "$FAILS" "$CHECKS" >&2
        exit 1
    fi
    if [ "$CHECKS" -eq 0 ]; then
        printf '%s: no check ran\n' "$(basename "$0")" >&2
        exit 1
    fi
    printf '%s: %d checks passed\n' "$(basename "$0")" "$CHECKS"
    exit 0
}

if [ ! -x "$BGSIM" ]; then
    printf 'bgsim not found at %s\n' "$BGSIM" >&2
    exit 1
fi
