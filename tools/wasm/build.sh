#!/bin/sh
# Builds bgsim for WebAssembly (the npm package in js/): the same C sources as the native build,
# compiled by Debian's emscripten, with GSL and libyaml built for wasm from their Debian source
# packages. Everything goes under OUT (default: build/wasm); the slow parts are kept there and
# reused on the next run:
#
#   OUT/src/        gsl-*/ and libyaml-*/, unpacked by `apt-get source` (Debian's deb-src index,
#                   fetched into OUT/apt/, not into the system's apt lists)
#   OUT/prefix/     libgsl.a, libyaml.a and their headers (tools/wasm/deps), built once (again
#                   when tools/wasm/deps/CMakeLists.txt or gsl-config.h.in changes)
#   OUT/bgsim/      bgsim's own wasm build tree (incremental, like any cmake build)
#   OUT/dist/       what the npm package ships: bgsim-cli.js + bgsim-cli.wasm (the CLI),
#                   bgsim-harness.js + bgsim-harness.wasm (the core and runner for bgsim/jest)
#
#   tools/wasm/build.sh [OUT]
#
# Needs: emscripten (emcc, emcmake), cmake, node, and for the first run dpkg-dev + network access
# to Debian's archive (apt-get source). Exit 0 when OUT/dist is complete.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/build/wasm}
mkdir -p "$out"
out=$(cd "$out" && pwd)
jobs=${BGSIM_WASM_JOBS:-2}

for tool in emcc emcmake cmake node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "wasm/build.sh: '$tool' is not on PATH (tools/install-deps.sh installs emscripten and nodejs)" >&2
    exit 69
  fi
done
# Debian's emcc runs its JS optimizer with Debian's acorn (node-acorn), which Node finds only here
# when node is not Debian's own build.
NODE_PATH=${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs
export NODE_PATH
# emcc is a Python program run once per file: Debian's python3 directly, not through a version
# manager's shim on PATH (pyenv's adds about half a second to each of the ~300 compiles).
if [ -z "${EMSDK_PYTHON:-}" ] && [ -x /usr/bin/python3 ]; then
  EMSDK_PYTHON=/usr/bin/python3
  export EMSDK_PYTHON
fi

stamp() { date +%s; }
t0=$(stamp)

# 1. Sources: the Debian source packages of the versions the native build links (libgsl-dev,
#    libyaml-dev), unpacked once.
src=$out/src
if ! ls -d "$src"/gsl-*/gsl_math.h >/dev/null 2>&1 || ! ls -d "$src"/libyaml-*/src/api.c >/dev/null 2>&1; then
  rm -rf "$src" "$out/apt"
  mkdir -p "$src" "$out/apt/lists/partial" "$out/apt/sources"
  # deb-src twins of the system's deb822 sources (Debian 12 keeps them in debian.sources).
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f" >"$out/apt/sources/$(basename "$f")"
  done
  if [ -f /etc/apt/sources.list ]; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' >"$out/apt/sources/list.list" || true
  fi
  apt_opts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$out/apt/sources
            -o Dir::State::Lists=$out/apt/lists -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
  # shellcheck disable=SC2086  # one option per word
  apt-get -qq $apt_opts update
  gsl_v=$(dpkg-query -W -f='${source:Version}' libgsl-dev 2>/dev/null || true)
  yaml_v=$(dpkg-query -W -f='${source:Version}' libyaml-dev 2>/dev/null || true)
  # shellcheck disable=SC2086
  (cd "$src" && apt-get -qq $apt_opts source "gsl${gsl_v:+=$gsl_v}" "libyaml${yaml_v:+=$yaml_v}" >/dev/null)
fi
gsl_src=$(ls -d "$src"/gsl-*/ | head -n 1)
yaml_src=$(ls -d "$src"/libyaml-*/ | head -n 1)
t1=$(stamp)

# 2. GSL and libyaml for wasm, once.
prefix=$out/prefix
if [ ! -f "$prefix/lib/libgsl.a" ] || [ ! -f "$prefix/lib/libyaml.a" ] ||
  [ "$here/deps/CMakeLists.txt" -nt "$prefix/lib/libgsl.a" ] || [ "$here/gsl-config.h.in" -nt "$prefix/lib/libgsl.a" ]; then
  emcmake cmake -S "$here/deps" -B "$out/deps" -DCMAKE_BUILD_TYPE=Release -DGSL_SRC="$gsl_src" \
    -DYAML_SRC="$yaml_src" -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
  cmake --build "$out/deps" -j"$jobs" >/dev/null
  cmake --install "$out/deps" >/dev/null
fi
t2=$(stamp)

# 3. bgsim itself (the CLI and the harness module), incrementally.
EM_PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export EM_PKG_CONFIG_PATH
if [ ! -f "$out/bgsim/CMakeCache.txt" ]; then
  emcmake cmake -S "$root" -B "$out/bgsim" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DBGSIM_MPI=OFF -DBGSIM_WERROR=ON \
    -DCMAKE_FIND_ROOT_PATH="$prefix" -DGSL_INCLUDE_DIR="$prefix/include" \
    -DGSL_LIBRARY="$prefix/lib/libgsl.a" -DGSL_CBLAS_LIBRARY="$prefix/lib/libgslcblas.a" >/dev/null
fi
cmake "$out/bgsim" >/dev/null # picks up new targets before naming them below
cmake --build "$out/bgsim" -j"$jobs" --target bgsim bgsim-harness >/dev/null
t3=$(stamp)

# 4. What the package ships.
mkdir -p "$out/dist"
for f in bgsim-cli.js bgsim-cli.wasm bgsim-harness.js bgsim-harness.wasm; do
  cp "$out/bgsim/bin/$f" "$out/dist/$f"
done
echo "wasm/build.sh: $out/dist (sources $((t1 - t0)) s, GSL+libyaml $((t2 - t1)) s, bgsim $((t3 - t2)) s)" >&2
