#!/bin/sh
# Every oracle check can fail: for each BAD/NAME.jsonl, `bgsim_oracle [NAME.args] NAME.jsonl` must
# exit 1 and print every line of NAME.expect (as fixed strings). Also: a bad trace must not pass
# unnoticed because of its file name, so a missing .expect is an error too.
#
#   tests/oracle/catches.sh BGSIM_ORACLE BAD_DIR
set -u
oracle=$1
dir=$2
fails=0
count=0
for trace in "$dir"/*.jsonl; do
  name=${trace%.jsonl}
  count=$((count + 1))
  if [ ! -f "$name.expect" ]; then
    echo "FAIL $trace: no $(basename "$name").expect"
    fails=$((fails + 1))
    continue
  fi
  args=""
  [ -f "$name.args" ] && args=$(cat "$name.args")
  # shellcheck disable=SC2086
  out=$("$oracle" -v $args "$trace")
  rc=$?
  if [ "$rc" -ne 1 ]; then
    echo "FAIL $trace: exit $rc, want 1; output: $out"
    fails=$((fails + 1))
    continue
  fi
  while IFS= read -r want; do
    [ -z "$want" ] && continue
    if ! printf '%s\n' "$out" | grep -qF -- "$want"; then
      echo "FAIL $trace: missing '$want'; output: $out"
      fails=$((fails + 1))
    fi
  done <"$name.expect"
done
[ "$count" -gt 0 ] || { echo "FAIL: no bad trace in $dir"; exit 1; }
echo "oracle-catches: $count bad traces, $fails failure(s)"
[ "$fails" -eq 0 ]
