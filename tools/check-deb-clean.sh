#!/bin/sh
# Installs bgsim's Debian package on a fresh Debian 12 root with apt-get, as a CI user would, and
# runs the installed bgsim there: the package's Depends must be enough on a machine that never
# built bgsim. As root (debootstrap and chroot), with network access to a Debian mirror.
#
#   tools/check-deb-clean.sh PACKAGE.deb [ROOT]
#
# ROOT: a directory for the Debian 12 root (default: a new temporary one, removed afterwards).
# Made with `debootstrap --variant=minbase bookworm` when it does not exist yet, so a second run
# can reuse it (ROOT is then copied, the copy used and removed: ROOT stays clean).
# Takes a few minutes (debootstrap ~3.5 min on a 2-core machine), which is why it is not in the
# default test suite; tests/install/check_deb.sh checks the package's dependencies there.
# Exit 0 ok, 1 a failed check, 77 not root or no debootstrap.
set -eu
deb=${1:?usage: tools/check-deb-clean.sh PACKAGE.deb [ROOT]}
root=${2:-}
if [ "$(id -u)" -ne 0 ] || ! command -v debootstrap >/dev/null 2>&1; then
  echo "check-deb-clean: needs root and debootstrap (apt-get install debootstrap)" >&2
  exit 77
fi
deb=$(readlink -f "$deb")
work=$(mktemp -d "${TMPDIR:-/tmp}/bgsim-deb-clean.XXXXXX")
cleanup() {
  umount "$work/root/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "$root" ] && [ -d "$root" ]; then
  cp -a "$root" "$work/root"
else
  echo "check-deb-clean: debootstrap --variant=minbase bookworm (a few minutes)" >&2
  debootstrap --variant=minbase bookworm "$work/root" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  [ -z "$root" ] || cp -a "$work/root" "$root"
fi
mount -t proc proc "$work/root/proc"
cp "$deb" "$work/root/tmp/"
in_root() { chroot "$work/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

in_root dpkg-query -W -f='${Package}\n' bgsim >/dev/null 2>&1 &&
  { echo "check-deb-clean: FAILED: the root is not clean: bgsim is installed" >&2; exit 1; }
in_root sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$1"' _ \
  "$(basename "$deb")" >"$work/apt.log" 2>&1 ||
  { tail -n 20 "$work/apt.log" >&2; echo "check-deb-clean: FAILED: apt-get install ./$(basename "$deb")" >&2; exit 1; }
in_root bgsim --version
in_root bgsim validate /usr/share/bgsim/scenarios/default.yaml
in_root bgsim run /usr/share/bgsim/scenarios/default.yaml --duration 2d --plot /tmp/plots >"$work/run.out" ||
  { cat "$work/run.out" >&2; echo "check-deb-clean: FAILED: bgsim run in the clean root" >&2; exit 1; }
head -n 5 "$work/run.out"
ls "$work/root/tmp/plots"/*.png >/dev/null 2>&1 ||
  { echo "check-deb-clean: FAILED: no plot (gnuplot, recommended by the package, missing?)" >&2; exit 1; }
echo "check-deb-clean: ok: $(basename "$deb") installed with apt-get on a fresh Debian 12 and ran"
