#!/bin/sh
# tools/lint.sh reports bugs that its analysis of test files would once have missed. Each probe in
# tests/lint/probe/ goes through lint.sh, the probes being the only files of a compile database made
# here, and lint must exit 1 naming each probe's null dereference (the line marked "the finding
# lint must report"):
#   expectations.c  after a table of Criterion expectations: found because test files get
#                   tools/lint-criterion.h (with Criterion's own macro the analyzer spends its node
#                   budget on the expectations and never reaches that line)
#   loops.c         after a loop of 48 turns: found because lint turns on the analyzer's
#                   widen-loops for test files (without it the path is dropped after four turns)
# For the record, not asserted (another clang may search differently), it prints what clang-tidy
# finds in the probes without lint's options.
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
probes="$src/tests/lint/probe"
names="expectations loops" # the probes, $probes/NAME.c
flags="-std=c11 -D_POSIX_C_SOURCE=200809L"
{
  echo "["
  sep=""
  for f in $names; do
    printf '%s{\n  "directory": "%s",\n  "command": "cc %s -c %s/%s.c -o %s.o",\n  "file": "%s/%s.c"\n}\n' \
      "$sep" "$work" "$flags" "$probes" "$f" "$f" "$probes" "$f"
    sep=","
  done
  echo "]"
} >"$work/compile_commands.json"

status=0
"$lint" "$work" >"$work/out" 2>&1 || status=$?
sed 's/^/  lint: /' "$work/out"
failures=0
if [ "$status" -ne 1 ]; then
  echo "lint-catches: FAIL: lint exited $status, not 1"
  failures=1
fi
for f in $names; do
  line=$(grep -n 'the finding lint must report' "$probes/$f.c" | cut -d: -f1)
  expected="$f.c:$line:12: error: Dereference of null pointer"
  if ! grep -q "$expected" "$work/out"; then
    echo "lint-catches: FAIL: lint did not report '$expected'"
    failures=1
  fi
done
[ "$failures" -eq 0 ] || exit 1
# shellcheck disable=SC2086  # the flags are words
n=$(clang-tidy --quiet "$probes/expectations.c" "$probes/loops.c" -- $flags 2>/dev/null | grep -c 'error: Dereference' || true)
echo "lint-catches: ok (clang-tidy without lint's options for test files: $n of the 2 findings)"
