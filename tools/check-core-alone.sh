#!/bin/sh
# The core must build for devices with nothing but a C11 compiler and libc: no include path beyond
# core/, no GSL/libyaml/engine header. This is the exact command the core issue asks CI to run.
#   tools/check-core-alone.sh [CC]
set -eu
cc=${1:-cc}
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' core/*.c core/*.h | grep -vE '#[[:space:]]*include[[:space:]]*"bgt[a-z_]*\.h"'; then
  echo "check-core-alone: core/ includes a header that is not a core header (above)" >&2
  exit 1
fi
cd "$out"
"$cc" -std=c11 -pedantic -Wall -Wextra -Werror -c "$OLDPWD"/core/*.c
echo "check-core-alone: ok ($(ls "$out" | wc -l) objects)"
