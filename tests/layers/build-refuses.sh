#!/bin/sh
# The build refuses an include that goes against the layers: for each (OK BAD HEADER) triple,
# probe target OK (the same include flags, allowed headers only) must build, and probe target BAD
# must fail to build because HEADER is not found. A BAD that fails for any other reason (a broken
# flag, a typo in the probe) does not count: the compiler must say that HEADER was not found.
#
#   build-refuses.sh CMAKE BUILD_DIR CONFIG OK BAD HEADER [OK BAD HEADER ...]
set -eu
if [ $# -lt 6 ] || [ $(( ($# - 3) % 3 )) -ne 0 ]; then
  echo "usage: $0 CMAKE BUILD_DIR CONFIG OK BAD HEADER [OK BAD HEADER ...]" >&2
  exit 2
fi
cmake=$1 build=$2 config=$3
shift 3

build_target() {
  if [ -n "$config" ]; then
    "$cmake" --build "$build" --config "$config" --target "$1" 2>&1
  else
    "$cmake" --build "$build" --target "$1" 2>&1
  fi
}

while [ $# -gt 0 ]; do
  ok=$1 bad=$2 header=$3
  shift 3
  if ! out=$(build_target "$ok"); then
    printf '%s\n' "$out"
    echo "layers-compile: FAIL: $ok (allowed includes only) does not build, so the failure of $bad would prove nothing"
    exit 1
  fi
  if out=$(build_target "$bad"); then
    printf '%s\n' "$out"
    echo "layers-compile: FAIL: $bad built: $header is on the include path of a layer that may not use it"
    exit 1
  fi
  # gcc: "fatal error: run.h: No such file or directory"; clang: "fatal error: 'run.h' file not found"
  pattern="(^|[[:space:]/'\"])$(printf '%s' "$header" | sed 's/[.]/[.]/g')['\"]?:? (No such file or directory|file not found)"
  if ! printf '%s\n' "$out" | grep -Eq "$pattern"; then
    printf '%s\n' "$out"
    echo "layers-compile: FAIL: $bad did not build, but not because $header was not found (above)"
    exit 1
  fi
  echo "layers-compile: $ok builds; $bad is refused: $(printf '%s\n' "$out" | grep -E "$pattern" | head -n 1)"
done
echo "layers-compile: ok"
