#!/bin/sh
# Installs exactly the Debian packages bgsim needs to build, test and plot, and only those missing.
# A no-op (no apt-get call at all) when everything is already present. Debian 12, run as root.
#
#   tools/install-deps.sh           everything: build, the whole test suite, plots
#   tools/install-deps.sh --sim     only what building and running the simulator needs (no tests,
#                                   no device-glue checks): for CI jobs of apps that use bgsim
#   tools/install-deps.sh --check   print what is missing, exit 1 if anything is; installs nothing
set -eu

# Build tools, build system, GSL and libyaml, and gnuplot (an external program for plots).
SIM_PACKAGES="build-essential cmake pkg-config libgsl-dev libyaml-dev gnuplot-nox"
# The test suite: Criterion; the device glue's CI checks: a JDK (jni.h, javac), clang and
# GNUstep's Foundation headers (Objective-C syntax check of the iOS glue).
TEST_PACKAGES="libcriterion-dev default-jdk-headless clang libgnustep-base-dev"
# MPI scale-out of `bgsim fleet` (mpirun -np P): Open MPI's launcher and headers. Optional for the
# build (BGSIM_MPI=AUTO leaves MPI out when absent), so not part of --sim.
MPI_PACKAGES="openmpi-bin libopenmpi-dev"
# The npm package (js/, ctest npm): emscripten compiles bgsim to WebAssembly (tools/wasm/build.sh;
# dpkg-dev, which build-essential brings, unpacks GSL's and libyaml's Debian sources for it); Node and
# npm run the package's tests. A node/npm already on PATH (another Node install) counts as present.
JS_PACKAGES="emscripten nodejs npm"
PACKAGES="$SIM_PACKAGES $TEST_PACKAGES $MPI_PACKAGES $JS_PACKAGES clang-tidy cppcheck valgrind"
if [ "${1:-}" = "--sim" ]; then
  PACKAGES=$SIM_PACKAGES
  shift
fi

missing=""
for p in $PACKAGES; do
  case $p in
    nodejs) if command -v node >/dev/null 2>&1; then continue; fi ;;
    npm) if command -v npm >/dev/null 2>&1; then continue; fi ;;
  esac
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  if [ "$status" != "installed" ]; then
    missing="$missing $p"
  fi
done

if [ "${1:-}" = "--check" ]; then
  if [ -n "$missing" ]; then echo "missing:$missing"; exit 1; fi
  echo "all present"; exit 0
fi

if [ -z "$missing" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages:$missing; run as root (or: sudo $0)" >&2
  exit 77
fi

echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086  # word splitting of the package list is intended
apt-get install -y -qq --no-install-recommends $missing >/dev/null
