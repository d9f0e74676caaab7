# mpi_module.sh - in a build with MPI, bgsim does not link MPI; its MPI half is the module
# bgsim-mpi.so, loaded only under a launcher (sim/scenario/run_dist.h, run_dist_mpi.h):
#   1. bgsim's ELF NEEDED entries name no Open MPI library; the module's name libmpi, and the
#      module exports run_dist_mpi_module and nothing else;
#   2. without a launcher, `bgsim fleet` opens neither the module nor libmpi (LD_DEBUG=files);
#   3. a bgsim whose module is missing, or is not a bgsim MPI module, refuses under a launcher's
#      environment with exit 70 and a message naming the path it looked at and the loader's words;
#   4. under MPIEXEC, a symbolic link to bgsim finds the module of the file it points to.
#   sh mpi_module.sh BGSIM SOURCE_DIR MODULE_REL [MPIEXEC]
#     MODULE_REL: the module's path relative to bgsim's directory (BGSIM_MPI_MODULE_REL)
. "$(dirname "$0")/../../cli/lib.sh"
REL=${3:?usage: sh mpi_module.sh BGSIM SOURCE_DIR MODULE_REL [MPIEXEC]}
MPIEXEC=${4:-}
MODULE="$(dirname "$BGSIM")/$REL"
IOS="$SRC/scenarios/fleets/ios.yaml"
for tool in readelf nm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "mpi_module: $tool is not installed (binutils); skipped" >&2; exit 77; }
done

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

# -- 1. who links what ----------------------------------------------------------------------------
needed "$BGSIM" >"$WORK/bgsim.needed"
LAST="readelf -d $BGSIM"
expect_nonempty "$WORK/bgsim.needed" "bgsim's NEEDED"
expect_no_grep "$WORK/bgsim.needed" "bgsim's NEEDED" '^lib(mpi|open-rte|open-pal|hwloc|event)'
CHECKS=$((CHECKS + 1))
[ -f "$MODULE" ] || fail "no module at $MODULE"
needed "$MODULE" >"$WORK/module.needed"
LAST="readelf -d $MODULE"
expect_grep "$WORK/module.needed" "the module's NEEDED" '^libmpi\.so'
# (AddressSanitizer adds its own __odr_asan.NAME beside each global: not ours.)
nm -D --defined-only "$MODULE" | awk '$2 !~ /^[wUA]$/ && $3 !~ /^__odr_asan/ { print $3 }' >"$WORK/module.exports"
CHECKS=$((CHECKS + 1))
[ "$(cat "$WORK/module.exports")" = run_dist_mpi_module ] ||
    fail "the module exports $(tr '\n' ' ' <"$WORK/module.exports"), not only run_dist_mpi_module"

# -- 2. no launcher: nothing of MPI is opened ------------------------------------------------------
run env LD_DEBUG=files "$BGSIM" fleet "$IOS" --devices 2 --duration 1d
expect_status 0
expect_grep "$ERR" "the loader's trace" 'file=.*libc\.so'
expect_no_grep "$ERR" "the loader's trace" 'bgsim-mpi\.so|libmpi\.so'

# -- 3. the module cannot be loaded ---------------------------------------------------------------
LAUNCHER="OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0"
mkdir -p "$WORK/alone/bin"
cp "$BGSIM" "$WORK/alone/bin/bgsim"
# shellcheck disable=SC2086 # one assignment per word
run env $LAUNCHER "$WORK/alone/bin/bgsim" fleet "$IOS" --devices 2
expect_status 70
expect_empty "$OUT" stdout
CHECKS=$((CHECKS + 1))
want="bgsim: cannot load the MPI module $WORK/alone/bin/$REL: cannot open shared object file: No such file or directory"
[ "$(cat "$ERR")" = "$want" ] || fail "missing module: expected '$want', got '$(cat "$ERR")'"

# A shared object that is not a bgsim MPI module (libm, found where the module belongs).
libm=$(ldconfig -p 2>/dev/null | awk '$1 == "libm.so.6" { print $NF; exit }')
if [ -n "$libm" ]; then
    mkdir -p "$(dirname "$WORK/alone/bin/$REL")"
    cp "$libm" "$WORK/alone/bin/$REL"
    # shellcheck disable=SC2086
    run env $LAUNCHER "$WORK/alone/bin/bgsim" fleet "$IOS" --devices 2
    expect_status 70
    expect_grep "$ERR" stderr "^bgsim: the MPI module $WORK/alone/bin/$REL has no run_dist_mpi_module: .*undefined symbol"
fi

# -- 4. a symbolic link finds the real file's module -----------------------------------------------
if [ -n "$MPIEXEC" ]; then
    mkdir -p "$WORK/link/bin"
    ln -s "$BGSIM" "$WORK/link/bin/bgsim"
    run "$BGSIM" fleet "$IOS" --devices 16 --duration 2d --format json
    expect_status 0
    cp "$OUT" "$WORK/one.json"
    run env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 \
        "$MPIEXEC" -np 2 --oversubscribe "$WORK/link/bin/bgsim" fleet "$IOS" --devices 16 --duration 2d --format json
    expect_status 0
    CHECKS=$((CHECKS + 1))
    cmp -s "$OUT" "$WORK/one.json" || fail "mpirun -np 2 through a symbolic link: $(diff "$OUT" "$WORK/one.json" | head -n 4)"
fi
finish
