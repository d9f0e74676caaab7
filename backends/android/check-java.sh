#!/bin/sh
# CI checks of the Android glue that need a JDK but no Android SDK (ctest android-javac and
# android-jni-jvm; see backends/android/CMakeLists.txt).
#   check-java.sh javac JAVAC SRCDIR
#       compile src/main/java against compile-stubs/ (-implicit:none: no stub class is emitted)
#   check-java.sh jvm JAVAC JAVA SRCDIR LIBDIR SMOKE.java
#       also compile SMOKE.java and run it on the JVM with the host-built libbgsim_jni
set -eu
mode=$1 javac=$2
shift 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
case $mode in
javac)
  src=$1
  # shellcheck disable=SC2046
  "$javac" -d "$out" --release 8 -Xlint:all -Xlint:-options -Werror -implicit:none \
    -sourcepath "$src/compile-stubs" $(find "$src/src/main/java" -name '*.java')
  n=$(find "$out" -name '*.class' | wc -l)
  if find "$out" -name '*.class' | grep -v '/dev/bgsim/bgt/' >/dev/null; then
    echo "android-javac: a stub class was emitted" >&2; exit 1
  fi
  echo "android-javac: ok ($n classes, stubs not emitted)"
  ;;
jvm)
  java=$1 src=$2 libdir=$3 smoke=$4
  # Here the stubs are compiled too: the smoke test never touches them at run time.
  # shellcheck disable=SC2046
  "$javac" -d "$out" --release 8 -Xlint:all -Xlint:-options -Werror \
    -sourcepath "$src/compile-stubs" $(find "$src/src/main/java" -name '*.java') "$smoke"
  "$java" -Xcheck:jni -Djava.library.path="$libdir" -cp "$out" dev.bgsim.bgt.JniSmoke
  ;;
*)
  echo "check-java.sh: unknown mode '$mode'" >&2; exit 64 ;;
esac
