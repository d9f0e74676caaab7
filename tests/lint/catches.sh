#!/bin/sh
# tools/lint.sh reports a bug in test code at the end of a table-driven test: the probe
# tests/lint/probe/expectations.c goes through lint.sh as the only file of a compile database made
# here, and lint must exit 1 naming the probe's null dereference (line 31). This fails if test files
# stop getting tools/lint-criterion.h: with Criterion's own macro the analyzer spends its node
# budget on the expectations and never reaches that line (printed below for the record, not
# asserted: another clang may search differently).
#
#   catches.sh LINT_SH SOURCE_ROOT
set -eu
if [ $# -ne 2 ]; then
  echo "usage: $0 LINT_SH SOURCE_ROOT" >&2
  exit 2
fi
lint=$1 src=$2
for tool in clang-tidy cppcheck; do
  command -v "$tool" >/dev/null 2>&1 || { echo "lint-catches: $tool is not installed" >&2; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
probe=$src/tests/lint/probe/expectations.c
flags="-std=c11 -D_POSIX_C_SOURCE=200809L"
cat >"$work/compile_commands.json" <<JSON
[
{
  "directory": "$work",
  "command": "cc $flags -c $probe -o probe.o",
  "file": "$probe"
}
]
JSON

status=0
"$lint" "$work" >"$work/out" 2>&1 || status=$?
sed 's/^/  lint: /' "$work/out"
expected="expectations.c:31:12: error: Dereference of null pointer"
if [ "$status" -ne 1 ] || ! grep -q "$expected" "$work/out"; then
  echo "lint-catches: FAIL: expected exit 1 and '$expected', got exit $status"
  exit 1
fi
# shellcheck disable=SC2086  # the flags are words
n=$(clang-tidy --quiet "$probe" -- $flags 2>/dev/null | grep -c 'error: Dereference' || true)
echo "lint-catches: ok (clang-tidy without tools/lint-criterion.h: $n findings on the probe)"
