#!/bin/sh
# Runs every bundled scenario (scenarios/*.yaml, scenarios/examples/*.yaml) for its own duration
# and seed, writes its trace, and checks the trace with the oracle (tools/oracle/oracle.c).
# ctest `oracle`. Exit 1 when any trace violates an invariant or any run fails.
#
#   tools/oracle/check-scenarios.sh BGSIM BGSIM_ORACLE
set -u
cd "$(dirname "$0")/../.."
bgsim=$1
oracle=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
count=0
for f in scenarios/*.yaml scenarios/examples/*.yaml; do
  count=$((count + 1))
  t=$tmp/trace.jsonl
  if ! "$bgsim" run "$f" --trace "$t" >/dev/null 2>"$tmp/err"; then
    echo "FAIL $f: bgsim run failed: $(head -c 300 "$tmp/err")"
    fails=$((fails + 1))
    continue
  fi
  # iOS 19+ or force_quit_blocks_processing: false lets processing run after a force-quit.
  args=""
  if grep -Eq '^platform: *ios' "$f" &&
    grep -Eq '^ +(version: *(19|2[0-9])|force_quit_blocks_processing: *false)' "$f"; then
    args=--processing-after-force-quit
  fi
  # shellcheck disable=SC2086
  if ! "$oracle" $args "$t" >"$tmp/out"; then
    echo "FAIL $f:"
    sed "s|^$t|  trace|" "$tmp/out"
    fails=$((fails + 1))
  fi
done
echo "oracle: $count scenarios, $fails failing"
[ "$fails" -eq 0 ]
