#!/bin/sh
# Static analysis: clang-tidy (checks and reasons in .clang-tidy; tests/.clang-tidy for test code)
# and cppcheck over every C source of the compile database. Clean means no finding at all: fix real
# ones, silence a false positive on its line with the check's name and a reason.
#
#   tools/lint.sh [BUILD_DIR]     default build-lint (configured here with the compile database)
#
# Exit 0 clean, 1 findings, 77 when clang-tidy or cppcheck is not installed (ctest: skipped).
set -eu
cd "$(dirname "$0")/.."
build=${1:-build-lint}
for tool in clang-tidy cppcheck; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "lint: $tool is not installed (tools/install-deps.sh installs it)" >&2
    exit 77
  fi
done
if [ ! -f "$build/compile_commands.json" ]; then
  cmake -S . -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
fi

files=$(sed -n 's/^ *"file": "\(.*\)",*$/\1/p' "$build/compile_commands.json" | sort -u)
status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Test files are analysed with tools/lint-criterion.h forced in (Criterion's own assertion macro
# branches at every assertion and ran the analyzer out of its budget) and with the analyzer's
# widen-loops, off by default (without it a path is dropped after four turns of a loop, so nothing
# after a longer loop was checked). That header has the figures; tests/lint/catches.sh checks both.
tests="$(pwd)/tests/"
# tidy [ARG...]: clang-tidy with ARGs on the files named on stdin, two processes at a time.
tidy() { xargs -r -P2 -n4 clang-tidy -p "$build" --quiet "$@" 2>/dev/null; }
# shellcheck disable=SC2086  # one file per word
if ! printf '%s\n' $files | grep -v "^$tests" | tidy >"$out"; then
  status=1
fi
# shellcheck disable=SC2086
if ! printf '%s\n' $files | grep "^$tests" | tidy --extra-arg=-include --extra-arg="$(pwd)/tools/lint-criterion.h" \
  --extra-arg=-Xclang --extra-arg=-analyzer-config --extra-arg=-Xclang --extra-arg=widen-loops=true >>"$out"; then
  status=1
fi
if grep -qE '(warning|error): ' "$out"; then
  grep -E '(warning|error): ' "$out" | sort -u
  status=1
fi
n_tidy=$(grep -cE '(warning|error): ' "$out" || true)
echo "clang-tidy: $(printf '%s\n' $files | wc -l) files, $n_tidy findings"

# cppcheck: real errors, warnings and portability problems (style is clang-format's and review's
# business); unmatchedSuppression so that an inline suppression that no longer applies is not an
# error either way; missingIncludeSystem: system headers are not analysed. tests/ is left to
# clang-tidy's analyzer: cppcheck cannot expand the Criterion macros without its headers.
if ! cppcheck --project="$build/compile_commands.json" --enable=warning,portability --inline-suppr \
  --suppress=missingIncludeSystem --suppress=unmatchedSuppression --error-exitcode=1 -j2 --quiet \
  --std=c11 -i"$build" -i"$(pwd)/tests" --suppress='*:*/tests/*' --suppress='*:tests/*' 2>"$out"; then
  status=1
fi
cat "$out"
n_cpp=$(grep -cE '(error|warning|portability):' "$out" || true)
echo "cppcheck: $n_cpp findings"
exit $status
