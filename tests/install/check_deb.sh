#!/bin/sh
# The Debian package (ctest `install-deb`): `cpack -G DEB` from this build, then
#   1. every shared library a program in the package needs (its ELF NEEDED entries) belongs to a
#      package named in Depends, checked independently of dpkg-shlibdeps: soname -> ldconfig's
#      path -> the Debian package that owns it (dpkg -S);
#   2. the package holds what `cmake --install` promises a user: both programs, a man page per
#      command, the bash and zsh completions, the documentation, the examples, the core's headers,
#      library, .pc and CMake package;
#   3. extracted, its bgsim runs an example it ships, and its man page renders;
#   4. in a build with MPI: the package holds the MPI module bgsim-mpi.so (which alone links
#      libmpi, so dpkg-shlibdeps gives Open MPI's runtime to Depends through it), and the
#      extracted bgsim finds it under MPIEXEC: 2 ranks print what one process prints.
# Installing it with apt-get on a fresh Debian 12 root is tools/check-deb-clean.sh (debootstrap
# takes minutes, so it is not in the default suite).
#
#   check_deb.sh BUILD_DIR CPACK VERSION [MPI_MODULE MPIEXEC]
#     MPI_MODULE: the module's installed path below the prefix (lib/bgsim/bgsim-mpi.so); empty or
#     absent in a build without MPI.
#
# Exit 0 ok, 1 a failed check, 77 (skipped) without dpkg-deb, dpkg-shlibdeps or readelf.
set -eu
build=$1 cpack=$2 version=$3 mpi_module=${4:-} mpiexec=${5:-}
status=0
fail() {
  echo "install-deb: FAILED: $*" >&2
  status=1
}
for tool in dpkg-deb dpkg-shlibdeps readelf file ldconfig; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-deb: $tool is not installed (dpkg-dev, binutils, file); skipped" >&2
    exit 77
  fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/bgsim-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$cpack" -G DEB -B "$work/out" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; echo "install-deb: FAILED: cpack -G DEB" >&2; exit 1; }
deb=$(ls "$work"/out/bgsim_"$version"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "install-deb: FAILED: no bgsim_${version}_*.deb in $(ls "$work/out")" >&2; exit 1; }
root=$work/root
dpkg-deb -x "$deb" "$root"
depends=$(dpkg-deb -f "$deb" Depends)
[ -n "$depends" ] || fail "the package has no Depends"

# 1. NEEDED -> owning package -> named in Depends.
for elf in $(cd "$root" && find . -type f -exec file {} + | sed -n 's/^\(\.[^:]*\): *ELF.*dynamically linked.*/\1/p'); do
  for soname in $(readelf -d "$root/$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    path=$(ldconfig -p | awk -v s="$soname" '$1 == s { print $NF; exit }')
    [ -n "$path" ] || { fail "$elf needs $soname, which this machine does not have"; continue; }
    owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -n 1 | cut -d: -f1)
    [ -n "$owner" ] || owner=$(dpkg -S "$path" 2>/dev/null | head -n 1 | cut -d: -f1)
    [ -n "$owner" ] || { fail "$elf needs $soname ($path), which no Debian package owns"; continue; }
    printf '%s\n' "$depends" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -qx "$owner" ||
      fail "$elf needs $soname from $owner, which Depends ($depends) does not name"
  done
done

# 2. Contents.
for path in usr/bin/bgsim usr/share/man/man1/bgsim.1 usr/share/man/man1/bgsim-run.1 \
  usr/share/bash-completion/completions/bgsim usr/share/zsh/vendor-completions/_bgsim \
  usr/share/doc/bgsim/README.md usr/share/doc/bgsim/SCENARIOS.md usr/share/doc/bgsim/SOURCES.md \
  usr/share/bgsim/scenarios/default.yaml usr/share/bgsim/scenario.schema.json usr/include/bgsim/bgt.h usr/lib/libbgsim-core.a \
  usr/lib/pkgconfig/bgsim-core.pc usr/lib/cmake/bgsim-core/bgsim-core-config.cmake; do
  [ -e "$root/$path" ] || fail "the package has no /$path"
done
for cmd in $("$root/usr/bin/bgsim" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p'); do
  [ -e "$root/usr/share/man/man1/bgsim-$cmd.1" ] || fail "the package has no man page for bgsim $cmd"
done

# 3. It runs what it ships.
examples=$(find "$root/usr/share/bgsim/scenarios" -name '*.yaml' | sort)
[ -n "$examples" ] || fail "the package ships no scenarios"
# shellcheck disable=SC2086 # one file per word
"$root/usr/bin/bgsim" validate $examples >"$work/validate.out" 2>&1 ||
  fail "bgsim validate on the shipped scenarios: $(tail -n 3 "$work/validate.out")"
"$root/usr/bin/bgsim" run "$root/usr/share/bgsim/scenarios/default.yaml" --duration 2d >"$work/run.out" 2>&1 ||
  fail "the packaged bgsim run default.yaml: $(tail -n 3 "$work/run.out")"
grep -q 'runs' "$work/run.out" || fail "bgsim run printed no summary: $(head -n 3 "$work/run.out")"
if command -v man >/dev/null 2>&1; then
  man -l "$root/usr/share/man/man1/bgsim-run.1" 2>/dev/null | grep -q 'simulate a scenario' ||
    fail "the packaged bgsim-run(1) does not render"
fi
# 4. MPI.
if [ -n "$mpi_module" ]; then
  if [ ! -f "$root/usr/$mpi_module" ]; then
    fail "the package has no /usr/$mpi_module"
  else
    readelf -d "$root/usr/bin/bgsim" | grep -q 'NEEDED.*libmpi' && fail "the packaged bgsim links libmpi"
    readelf -d "$root/usr/$mpi_module" | grep -q 'NEEDED.*libmpi' || fail "the packaged $mpi_module does not link libmpi"
    if [ -n "$mpiexec" ]; then
      fleet=$root/usr/share/bgsim/scenarios/fleets/ios.yaml
      "$root/usr/bin/bgsim" fleet "$fleet" --devices 16 --duration 2d >"$work/fleet1.out" 2>&1 ||
        fail "the packaged bgsim fleet: $(tail -n 3 "$work/fleet1.out")"
      env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 \
        "$mpiexec" -np 2 --oversubscribe "$root/usr/bin/bgsim" fleet "$fleet" --devices 16 --duration 2d \
        >"$work/fleet2.out" 2>"$work/fleet2.err" || fail "the packaged bgsim under $mpiexec -np 2: $(tail -n 3 "$work/fleet2.err")"
      cmp -s "$work/fleet1.out" "$work/fleet2.out" || fail "the packaged bgsim: 2 MPI ranks printed other output than one process"
    fi
  fi
fi
[ "$status" -eq 0 ] && echo "install-deb: ok ($(basename "$deb"); Depends: $depends)"
exit "$status"
