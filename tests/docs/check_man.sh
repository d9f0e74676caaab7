#!/bin/sh
# The man pages (docs/man), as `man` shows them (ctest `man-pages`):
#   1. each page passes `mandoc -T lint` at warning level and `man --warnings` prints nothing;
#   2. there is a page for bgsim, for each command `bgsim --help` lists, and for bgt-host, and
#      no page for a command that does not exist;
#   3. every option a command's --help names (--long, and bgt-host's -x) is in its page.
# 2 and 3 keep the pages from drifting from the program: a new option fails here until documented.
#
#   check_man.sh MAN_DIR BGSIM [BGT_HOST]
#
# Exit 0 ok, 1 a failed check, 77 (skipped) without mandoc or man.
set -eu
mandir=$1 bgsim=$2 bgthost=${3:-}
status=0
fail() {
  echo "man-pages: FAILED: $*" >&2
  status=1
}
for tool in mandoc man; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "man-pages: $tool is not installed (tools/install-deps.sh installs it); skipped" >&2
    exit 77
  fi
done

# 1. Lint.
for page in "$mandir"/*.1; do
  out=$(mandoc -T lint -W warning "$page" 2>&1) || fail "mandoc -T lint: $out"
  out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null) || true
  [ -z "$out" ] || fail "man --warnings $page: $out"
done

# Options as a --help text names them: --long-name, and (for bgt-host) -x short options.
long_options() { grep -o -- '--[a-z][a-z0-9-]*' | sort -u; }
# A page names --opt as \-\-opt (roff's minus sign); its rendered text as --opt.
page_text() { LC_ALL=C.UTF-8 MANWIDTH=200 man -E ascii -l "$1" 2>/dev/null | col -b; }
check_options() { # PAGE OPTIONS...
  page=$1
  shift
  text=$(page_text "$page")
  for opt in "$@"; do
    printf '%s\n' "$text" | grep -q -- "$opt\\b" || fail "$(basename "$page") does not describe $opt"
  done
}

# 2. One page per command, and 3. every option of each.
commands=$("$bgsim" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p')
[ -n "$commands" ] || fail "bgsim --help lists no commands"
[ -f "$mandir/bgsim.1" ] || fail "no bgsim.1"
# shellcheck disable=SC2046 # one option per word
check_options "$mandir/bgsim.1" $("$bgsim" --help | long_options)
for cmd in $commands; do
  page=$mandir/bgsim-$cmd.1
  if [ ! -f "$page" ]; then
    fail "bgsim $cmd has no page ($page)"
    continue
  fi
  page_text "$mandir/bgsim.1" | grep -q "bgsim-$cmd(1)" || fail "bgsim.1 does not refer to bgsim-$cmd(1)"
  # shellcheck disable=SC2046
  check_options "$page" $("$bgsim" "$cmd" --help | long_options | grep -vx -- --help)
done
for page in "$mandir"/bgsim-*.1; do
  cmd=${page##*/bgsim-}
  cmd=${cmd%.1}
  printf '%s\n' "$commands" | grep -qx "$cmd" || fail "$page documents '$cmd', which bgsim --help does not list"
done
if [ -n "$bgthost" ]; then
  [ -f "$mandir/bgt-host.1" ] || fail "no bgt-host.1"
  # shellcheck disable=SC2046
  check_options "$mandir/bgt-host.1" $("$bgthost" --help | long_options) \
    $("$bgthost" --help | grep -o -- '^ *-[a-zA-Z],' | tr -d ' ,' | sort -u)
fi
[ "$status" -eq 0 ] && echo "man-pages: ok ($(echo "$commands" | wc -w) commands, $(ls "$mandir"/*.1 | wc -l) pages)"
exit "$status"
