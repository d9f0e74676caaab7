#!/bin/sh
# Valgrind memcheck of `bgsim run` on the default scenario and one scenario per platform (ideal,
# Android, iOS): any memory error or leak fails (--error-exitcode=1 --leak-check=full, definite and
# possible leaks counted as errors).
#
#   tools/memcheck.sh [BGSIM]      default build/bin/bgsim (a build without sanitizers)
#
# Exit 0 clean, 1 a finding, 77 when valgrind is not installed or BGSIM was built with ASan
# (valgrind cannot run a sanitized binary). ctest runs it in the plain build (label `memcheck`).
set -eu
cd "$(dirname "$0")/.."
bgsim=${1:-build/bin/bgsim}
if ! command -v valgrind >/dev/null 2>&1; then
  echo "memcheck: valgrind is not installed" >&2
  exit 77
fi
if [ ! -x "$bgsim" ]; then
  echo "memcheck: $bgsim is not built" >&2
  exit 66
fi
if nm "$bgsim" 2>/dev/null | grep -q __asan_init; then
  echo "memcheck: $bgsim is built with AddressSanitizer; valgrind needs a plain build" >&2
  exit 77
fi

# The default scenario, then the first example of each platform (names sorted, so the choice is
# stable; a platform with no example yet is skipped with a note).
scenarios="scenarios/default.yaml"
for platform in ideal android ios; do
  pick=""
  for f in scenarios/examples/*.yaml; do
    if grep -q "^platform: *$platform *\$" "$f"; then
      pick=$f
      break
    fi
  done
  if [ -n "$pick" ]; then
    scenarios="$scenarios $pick"
  else
    echo "memcheck: no $platform example in scenarios/examples" >&2
  fi
done

status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for s in $scenarios; do
  start=$(date +%s)
  if valgrind --tool=memcheck --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,possible \
    --errors-for-leak-kinds=definite,possible --track-origins=yes --quiet \
    "$bgsim" run "$s" >/dev/null 2>"$log"; then
    result=ok
  else
    result=FAILED
    status=1
  fi
  echo "memcheck: $s: $result ($(($(date +%s) - start)) s)"
  if [ "$result" != ok ]; then
    cat "$log"
  fi
done
exit $status
