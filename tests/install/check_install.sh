#!/bin/sh
# The installed core, as a consumer sees it (ctest `install`):
#   1. `cmake --install` the build into a fresh prefix, then move the prefix: everything below
#      must work from the new place (relocatable .pc, CMake package and programs);
#   2. the installed headers are exactly the core's public ones (core/CMakeLists.txt
#      BGT_CORE_HEADERS), each compiles on its own, and no internal header is installed;
#   3. bin/bgsim (and bin/bgt-host, when built) run from the prefix and report the version;
#   4. consumer/app.c is built against the prefix with pkg-config, and as a CMake project with
#      find_package(bgsim-core CONFIG REQUIRED) + bgsim::core, and both programs pass their checks;
#      a version request of the next major version must be refused (SameMajorVersion).
#
#   check_install.sh BUILD_DIR SOURCE_DIR CMAKE CC VERSION GENERATOR
#
# Exit 0 ok, 1 a failed check, 77 (skipped) without pkg-config.
set -eu
build=$1 src=$2 cmake=$3 cc=$4 version=$5 generator=$6
public="bgt.h bgt_backend.h bgt_error.h bgt_policy.h"

fail() {
  echo "install: FAILED: $*" >&2
  exit 1
}
if ! command -v pkg-config >/dev/null 2>&1; then
  echo "install: pkg-config is not installed; the installed-core check needs it" >&2
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bgsim-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. Install, then move the prefix away from where it was installed.
"$cmake" --install "$build" --prefix "$work/staged" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; fail "cmake --install"; }
mkdir "$work/moved"
mv "$work/staged" "$work/moved/prefix"
P=$work/moved/prefix
if grep -rl "$work/staged" "$P" >"$work/abs" 2>/dev/null; then
  fail "installed files name the install prefix (not relocatable): $(tr '\n' ' ' <"$work/abs")"
fi

# 2. Headers: the public set, nothing else; every other core header stays out of the prefix.
[ -d "$P/include/bgsim" ] || fail "no include/bgsim in the prefix"
got=$(find "$P/include/bgsim" -mindepth 1 -exec basename {} \; | sort | tr '\n' ' ')
# shellcheck disable=SC2086 # one header per word
want=$(printf '%s\n' $public | sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "include/bgsim holds '$got', expected '$want'"
for h in "$src"/core/*.h "$src"/backends/host/*.h; do
  name=${h##*/}
  case " $public " in *" $name "*) continue ;; esac
  found=$(find "$P" -name "$name")
  [ -z "$found" ] || fail "internal header installed: $found"
done

export PKG_CONFIG_PATH="$P/lib/pkgconfig"
[ "$(pkg-config --modversion bgsim-core)" = "$version" ] ||
  fail "pkg-config --modversion bgsim-core: $(pkg-config --modversion bgsim-core 2>&1), not $version"
cflags=$(pkg-config --cflags bgsim-core)
libs=$(pkg-config --libs bgsim-core)
for h in $public; do
  printf '#include <%s>\n' "$h" >"$work/one.c"
  # shellcheck disable=SC2086 # word splitting of pkg-config flags is intended
  "$cc" -std=c11 -pedantic -Wall -Wextra -Werror $cflags -c "$work/one.c" -o "$work/one.o" ||
    fail "the installed $h does not compile on its own"
done

# 3. The programs run from the moved prefix.
out=$("$P/bin/bgsim" --version) || fail "$P/bin/bgsim --version exited with $?"
case "$out" in "bgsim $version"*) ;; *) fail "bgsim --version printed '$out'" ;; esac
if [ -e "$P/bin/bgt-host" ]; then
  out=$("$P/bin/bgt-host" --version) || fail "$P/bin/bgt-host --version exited with $?"
  [ "$out" = "bgt-host $version" ] || fail "bgt-host --version printed '$out'"
fi

# 4a. A consumer through pkg-config.
# shellcheck disable=SC2086
"$cc" -std=c11 -pedantic -Wall -Wextra -Werror $cflags "$src/tests/install/consumer/app.c" \
  $libs -o "$work/app-pkgconfig" || fail "building the consumer with pkg-config ($cflags $libs)"
out=$("$work/app-pkgconfig") || fail "the pkg-config consumer failed"
[ "$out" = "consumer: ok" ] || fail "the pkg-config consumer printed '$out'"

# 4b. A consumer through find_package(bgsim-core CONFIG REQUIRED), with the version file.
major=${version%%.*}
cmake_consumer() { # BUILD_DIR REQUIRED_VERSION
  "$cmake" -G "$generator" -S "$src/tests/install/consumer" -B "$1" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$P" -DBGSIM_REQUIRE_VERSION="$2" >"$1.log" 2>&1
}
cmake_consumer "$work/cmake" "$major.0" ||
  { cat "$work/cmake.log" >&2; fail "configuring the CMake consumer (bgsim-core $major.0)"; }
grep -qx "bgsim-core_DIR:PATH=$P/.*" "$work/cmake/CMakeCache.txt" ||
  fail "bgsim-core was not found in the prefix: $(grep bgsim-core_DIR "$work/cmake/CMakeCache.txt")"
"$cmake" --build "$work/cmake" >"$work/cmake-build.log" 2>&1 ||
  { cat "$work/cmake-build.log" >&2; fail "building the CMake consumer"; }
out=$("$work/cmake/bgsim_consumer") || fail "the CMake consumer failed"
[ "$out" = "consumer: ok" ] || fail "the CMake consumer printed '$out'"
if cmake_consumer "$work/cmake-next" "$((major + 1)).0"; then
  fail "find_package(bgsim-core $((major + 1)).0) accepted version $version"
fi

echo "install: ok (relocated prefix; headers: $public; pkg-config and find_package consumers ran)"
