#!/bin/sh
# tools/check-layers.sh fails on a wrong include: each case copies the tree's source folders to a
# temporary root, breaks one rule there, and asserts that the check exits 1 with a line naming the
# file:line and the layers involved. The untouched copy must pass first, so that a failure can
# only come from what a case added.
#
#   catches.sh CHECK_LAYERS_SH SOURCE_ROOT
set -eu
if [ $# -ne 2 ]; then
  echo "usage: $0 CHECK_LAYERS_SH SOURCE_ROOT" >&2
  exit 2
fi
check=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "layers-catches: FAIL: $*"
  failures=$((failures + 1))
}

# fresh: a new copy of the source folders at $work/tree
fresh() {
  rm -rf "$work/tree"
  mkdir "$work/tree"
  for d in core sim models reports backends tools; do
    cp -R "$src/$d" "$work/tree/"
  done
}

# add_include FILE LINE: put LINE after the first #include of FILE (under $work/tree); prints the
# line number it lands on
add_include() {
  f=$work/tree/$1
  if [ ! -f "$f" ]; then
    echo "layers-catches: $1 is not in the tree (renamed? update tests/layers/catches.sh)" >&2
    exit 1
  fi
  awk -v inc="$2" '{ print } !done && /^[ \t]*#[ \t]*include/ { print inc; done = NR + 1 }
    END { if (!done) exit 1; print done > "/dev/stderr" }' "$f" >"$f.new" 2>"$work/line"
  mv "$f.new" "$f"
  cat "$work/line"
}

# expect NAME LINE...: the check on $work/tree exits 1 and its output holds each LINE (fixed strings)
expect() {
  name=$1
  shift
  status=0
  "$check" "$work/tree" >"$work/out" 2>&1 || status=$?
  if [ "$status" -ne 1 ]; then
    fail "$name: check-layers.sh exited $status, not 1"
    cat "$work/out"
    return
  fi
  for want in "$@"; do
    if ! grep -qF -- "$want" "$work/out"; then
      fail "$name: no line with: $want"
      cat "$work/out"
      return
    fi
  done
  echo "layers-catches: $name: caught: $(grep -F -- "$1" "$work/out" | head -n 1)"
}

# first_c DIR: the first C file of a layer folder (file names change; the folder is the point)
first_c() {
  first "$1/*.c"
}

# first PATTERN: the first file under $work/tree matching PATTERN, relative to it
first() {
  for x in "$work/tree"/$1; do
    if [ -f "$x" ]; then
      echo "${x#"$work/tree/"}"
      return
    fi
  done
  echo "layers-catches: no file $1 in the tree" >&2
  exit 1
}

fresh
if ! "$check" "$work/tree" >"$work/out" 2>&1; then
  cat "$work/out"
  fail "the untouched copy of the tree does not pass"
  exit 1
fi

# The two edges of the issue: a device model including the runner, the core including util.
fresh
l1=$(add_include models/device/mdl_battery.c '#include "run.h"')
l2=$(add_include core/bgt_core.c '#include "util.h"')
expect "device -> run and core -> util" \
  "models/device/mdl_battery.c:$l1: layer device may not include layer run: \"run.h\" is sim/scenario/run.h" \
  "core/bgt_core.c:$l2: layer core may not include layer util: \"util.h\" is sim/util/util.h"

# Reports sit beside the runner, not above it: reports -> schema is refused as well.
fresh
f=$(first_c reports)
l=$(add_include "$f" '#include "sch_units.h"')
expect "reports -> schema" "$f:$l: layer reports may not include layer schema: \"sch_units.h\""

# Spelled with <...> or with a relative path, a project header is the same edge.
fresh
f=$(first_c models/os)
l=$(add_include "$f" '#include <run.h>')
expect "angle brackets" "$f:$l: layer os may not include layer run: <run.h> is sim/scenario/run.h"
fresh
f=$(first_c models/device)
l=$(add_include "$f" '#include "../../sim/cli/cli.h"')
expect "relative path" "$f:$l: layer device may not include layer cli: \"../../sim/cli/cli.h\" is sim/cli/cli.h"

# tools/ may include anything but the command line.
fresh
f=$(first_c tools/bench)
l=$(add_include "$f" '#include "cli.h"')
expect "tools -> cli" "$f:$l: layer tools may not include layer cli: \"cli.h\""

# *_internal.h only from its own folder, even along an allowed edge (host -> core).
fresh
internal=$(first 'core/*_internal.h')
f=$(first_c backends/host)
l=$(add_include "$f" "#include \"${internal##*/}\"")
expect "internal header" "$f:$l: host: \"${internal##*/}\" is $internal, internal to core/"

# A quoted header that no layer folder holds, and one that two hold.
fresh
f=$(first_c sim/engine)
l=$(add_include "$f" '#include "no_such_header.h"')
expect "unknown header" "$f:$l: engine: \"no_such_header.h\" is not a header of any layer folder"
fresh
cp "$work/tree/sim/util/util.h" "$work/tree/reports/util.h"
f=$(first_c core)
l=$(add_include "$f" '#include "util.h"')
expect "ambiguous header" \
  "header name util.h is used in more than one place: reports/util.h (reports), sim/util/util.h (util)" \
  "$f:$l: core: \"util.h\" is ambiguous: reports/util.h (reports), sim/util/util.h (util)"

# A source file outside every layer folder has no layer to check.
fresh
echo 'int stray;' >"$work/tree/sim/stray.c"
expect "file outside the layer folders" "sim/stray.c: not in a layer folder"

if [ "$failures" -ne 0 ]; then
  echo "layers-catches: $failures case(s) failed"
  exit 1
fi
echo "layers-catches: ok"
