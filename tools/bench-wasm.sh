#!/bin/sh
# WebAssembly vs native speed on the same scenario (issue 21): runs `bgsim run` natively and in Node
# (js/bin/bgsim.js) with the same arguments, checks the outputs are identical, and prints the
# wall time of each (best of N) and their ratio. Not part of the test suite.
#
#   tools/bench-wasm.sh [BUILD] [N] [-- bgsim run ARGS...]
#   default: build, 3 runs, scenarios/default.yaml --set platform=android --duration 365d
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
n=${2:-3}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ]; then
  set -- scenarios/default.yaml --set platform=android --duration 365d
fi
native=$build/bin/bgsim
BGSIM_WASM_DIR=${BGSIM_WASM_DIR:-$build/wasm/dist}
export BGSIM_WASM_DIR
cd "$root"

# best NAME CMD...: the best wall time of n runs, in ms, to stdout; the output kept in /tmp.
best() {
  _name=$1; shift
  _best=
  _i=0
  while [ "$_i" -lt "$n" ]; do
    _t0=$(date +%s%N)
    "$@" >"${TMPDIR:-/tmp}/bench-wasm.$_name.out"
    _t1=$(date +%s%N)
    _ms=$(( (_t1 - _t0) / 1000000 ))
    if [ -z "$_best" ] || [ "$_ms" -lt "$_best" ]; then _best=$_ms; fi
    _i=$((_i + 1))
  done
  echo "$_best"
}

nat=$(best native "$native" run "$@")
was=$(best wasm node js/bin/bgsim.js run "$@")
if ! cmp -s "${TMPDIR:-/tmp}/bench-wasm.native.out" "${TMPDIR:-/tmp}/bench-wasm.wasm.out"; then
  echo "bench-wasm: the outputs differ" >&2
  exit 1
fi
events=$(grep -o '[0-9]* events' "${TMPDIR:-/tmp}/bench-wasm.native.out" | head -n 1)
echo "scenario: bgsim run $* ($events; same output)"
echo "native:   ${nat} ms (best of $n)"
echo "wasm:     ${was} ms (best of $n, Node $(node --version), includes starting Node and compiling the module)"
awk -v w="$was" -v x="$nat" 'BEGIN { printf "ratio:    wasm/native = %.2f\n", w / x }'
