#!/bin/sh
# CI checks of the iOS glue on Linux (ctest ios-syntax and ios-objc-run; backends/ios/CMakeLists.txt).
#   check-objc.sh syntax CLANG SRCDIR COREDIR HOSTDIR GNUSTEP_INC OBJC_INC
#       clang -fsyntax-only over BGTCore.m against GNUstep Foundation and compile-stubs/
#   check-objc.sh run CLANG SRCDIR COREDIR HOSTDIR GNUSTEP_INC OBJC_INC TEST.m CORE_LIB HOST_LIB
#       compile BGTCore.m with TEST.m (fakes of the BackgroundTasks / UIKit classes it uses),
#       link GNUstep base, the GCC runtime and the core, and run it with HOME in a temp dir (the
#       registry goes to GNUstep's Application Support under HOME)
# Debian's GNUstep is built on GCC's libobjc, so both use -fobjc-runtime=gcc, which has no ARC:
# ARC-specific diagnostics and the ARC code paths are only seen by Xcode.
set -eu
mode=$1 clang=$2 src=$3 core=$4 host=$5 gnustep=$6 objc=$7
shift 7
flags="-x objective-c -std=gnu11 -fobjc-runtime=gcc -fblocks -fobjc-exceptions
  -fconstant-string-class=NSConstantString -DGNUSTEP -DGNUSTEP_BASE_LIBRARY=1 -DGNU_RUNTIME=1
  -I$src/BGTCore -I$core -I$host -isystem $src/compile-stubs -isystem $gnustep -isystem $objc
  -Wall -Wextra -Wshadow -Werror"
case $mode in
syntax)
  # shellcheck disable=SC2086
  "$clang" -fsyntax-only $flags -Wstrict-prototypes -Wmissing-prototypes "$src/BGTCore/BGTCore.m"
  echo "ios-syntax: ok"
  ;;
run)
  test_m=$1 core_lib=$2 host_lib=$3
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  # shellcheck disable=SC2086
  "$clang" $flags -g "$src/BGTCore/BGTCore.m" "$test_m" -o "$out/test_bgtcore" \
    -x none "$host_lib" "$core_lib" -lgnustep-base -lobjc -lpthread
  mkdir "$out/home"
  HOME="$out/home" "$out/test_bgtcore"
  ;;
*)
  echo "check-objc.sh: unknown mode '$mode'" >&2; exit 64 ;;
esac
