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
# GNUstep's Foundation headers (Objective-C syntax check of the iOS glue); headless Chromium and
# python3 (standard library only) to render the HTML report and check the screenshot and the net
# log (tests/reports/html.sh).
TEST_PACKAGES="libcriterion-dev default-jdk-headless clang libgnustep-base-dev chromium python3"
# xmllint (libxml2-utils): the JUnit report against a JUnit schema (tests/reports/junit).
TEST_PACKAGES="$TEST_PACKAGES libxml2-utils"
# The installed documentation and packaging checks: man pages (mandoc lint, man-db, col from
# bsdextrautils), the zsh completion, the .deb's dependencies (file, readelf from binutils).
TEST_PACKAGES="$TEST_PACKAGES mandoc man-db bsdextrautils zsh file binutils"
# Node and npm for the independent checkers: the Perfetto output's parser (tests/reports/trace-parser),
# a JUnit parser and a JSON Schema validator (tests/npm);
# only when no npm is installed (a node from elsewhere, with its npm, is kept).
NODE_PACKAGES="nodejs npm"
# MPI scale-out of `bgsim fleet` (mpirun -np P): Open MPI's launcher and headers. Optional for the
# build (BGSIM_MPI=AUTO leaves MPI out when absent), so not part of --sim.
MPI_PACKAGES="openmpi-bin libopenmpi-dev"
# The npm package (js/, ctest npm): emscripten compiles bgsim to WebAssembly (tools/wasm/build.sh;
# dpkg-dev, which build-essential brings, unpacks GSL's and libyaml's Debian sources for it).
JS_PACKAGES="emscripten"
PACKAGES="$SIM_PACKAGES $TEST_PACKAGES $MPI_PACKAGES $JS_PACKAGES clang-tidy cppcheck valgrind"
SIM_ONLY=0
if [ "${1:-}" = "--sim" ]; then
  PACKAGES=$SIM_PACKAGES
  SIM_ONLY=1
  shift
fi
if [ "$SIM_ONLY" -eq 0 ] && ! command -v npm >/dev/null 2>&1; then
  PACKAGES="$PACKAGES $NODE_PACKAGES"
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# npm folders of the test suite, each pinned by its package-lock.json (js/: the npm package's
# harness tests, Jest and the real expo packages).
NPM_DIRS="tests/reports/trace-parser tests/npm js"

# The npm packages exactly as locked (npm ci), where node_modules is missing.
install_npm() {
  if [ "$SIM_ONLY" -eq 1 ]; then return 0; fi
  for d in $NPM_DIRS; do
    if [ ! -d "$ROOT/$d/node_modules" ]; then
      echo "install-deps: npm ci in $d" >&2
      (cd "$ROOT/$d" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
  done
}

missing=""
for p in $PACKAGES; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  if [ "$status" != "installed" ]; then
    missing="$missing $p"
  fi
done

if [ "${1:-}" = "--check" ]; then
  if [ "$SIM_ONLY" -eq 0 ]; then
    for d in $NPM_DIRS; do [ -d "$ROOT/$d/node_modules" ] || missing="$missing $d/node_modules"; done
  fi
  if [ -n "$missing" ]; then echo "missing:$missing"; exit 1; fi
  echo "all present"; exit 0
fi

if [ -z "$missing" ]; then
  install_npm
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
install_npm
