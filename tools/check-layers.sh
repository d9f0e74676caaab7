#!/bin/sh
# Layers (ARCHITECTURE.md): every #include/#import of a project header in the non-test C and ObjC
# sources must point from its file's layer to the same layer or to one the table below allows.
# The build enforces most of it too (a library's include path holds only the layers it links), but
# that misses an edge the link graph happens to allow and says nothing about *_internal.h; this
# check reads the sources, so it also runs where the build cannot (ios/, android/jni/).
#
#   tools/check-layers.sh [ROOT]     ROOT: the checkout to check (default: the one this script is in)
#
# Rules:
#  - A file's layer is the folder it is in (LAYERS below; the longest folder wins). A C/ObjC file in
#    a scanned folder that is in no layer folder is an error.
#  - An included header is found by name among the headers of all layer folders. Not found: an
#    error for a quoted include (a system header is written <...>), a system header for <...>. Found
#    in two places: an error (the name must say which one). A header file name used twice in the
#    tree is reported even before anything includes it.
#  - The edge from-layer -> to-layer must be in ALLOWED (a layer may always include itself).
#  - A header named *_internal.h may be included only from its own folder.
# tests/ is not scanned: a test may include anything. compile-stubs/ folders (stand-ins for the
# platform SDKs' headers) are neither scanned nor headers of a layer. Symbolic links are not
# followed (backends/ios/Sources/ mirrors core/ and backends/host/ for SwiftPM that way), so a
# file is checked once, where it lives.
# Exit 0: clean; 1: violations, one line each, "file:line: ..."; 2: usage or unreadable tree.
set -eu

# folder (relative to ROOT)  layer
LAYERS='
sim/util          util
sim/engine        engine
sim/schema        schema
models/device     device
models/os         os
sim/scenario      run
sim/doctor        doctor
reports           reports
sim/cli           cli
core              core
backends/host     host
backends/android  android
backends/ios      ios
tools             tools
'
# layer: the layers it may include besides itself (empty: none)
ALLOWED='
util:
engine:   util
schema:   engine util
device:   schema engine util
os:       device schema engine util core
reports:  engine util
run:      os device schema engine util core reports
doctor:   schema engine util
cli:      run os device schema engine util core reports doctor
core:
host:     core
android:  core host
ios:      core host
tools:    util engine schema device os reports run doctor core host android ios
'
# The folders whose files are read (each file must then be in one of LAYERS' folders).
SCANNED='core sim models reports backends tools'

if [ $# -gt 1 ]; then
  echo "usage: $0 [ROOT]" >&2
  exit 2
fi
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2

dirs=
for d in $SCANNED; do
  if [ -d "$d" ]; then dirs="$dirs $d"; fi
done
if [ -z "$dirs" ]; then
  echo "check-layers: none of '$SCANNED' under $(pwd)" >&2
  exit 2
fi

export LAYERS ALLOWED
# shellcheck disable=SC2086  # one folder per word
find $dirs -name compile-stubs -prune -o -type f \( -name '*.c' -o -name '*.h' -o -name '*.m' \) -print |
  LC_ALL=C sort | awk '
function layer_of(path,   d, best, bestlen) {
  best = ""; bestlen = 0
  for (d in folder)
    if (index(path, d "/") == 1 && length(d) > bestlen) { best = folder[d]; bestlen = length(d) }
  return best
}
function dir_of(p) { if (p !~ /\//) return "."; sub(/\/[^\/]*$/, "", p); return p }
function base_of(p) { sub(/.*\//, "", p); return p }
# "a/b/../c/./d.h" -> "a/c/d.h" ("" when it climbs out of the root)
function normalize(p,   n, part, out, k, i) {
  n = split(p, part, "/"); k = 0
  for (i = 1; i <= n; i++) {
    if (part[i] == "" || part[i] == ".") continue
    if (part[i] == "..") { if (k == 0) return ""; k--; continue }
    out[++k] = part[i]
  }
  p = ""
  for (i = 1; i <= k; i++) p = p (i > 1 ? "/" : "") out[i]
  return p
}
function layers_of_list(list,   n, p, i, s) {
  n = split(list, p, " "); s = ""
  for (i = 1; i <= n; i++) s = s (i > 1 ? ", " : "") p[i] " (" layer_of(p[i]) ")"
  return s
}
function fail(msg) { print msg; errors++ }
# The tree headers an include of "name" from file f can mean, space separated.
function resolve(f, name,   cand, n, p, i, s) {
  if (name ~ /(^|\/)\.\.?\//) {
    p = normalize(dir_of(f) "/" name)
    return (p in is_file) ? p : ""
  }
  if (!(base_of(name) in by_base)) return ""
  n = split(by_base[base_of(name)], cand, " "); s = ""
  for (i = 1; i <= n; i++)
    if (cand[i] == name || substr(cand[i], length(cand[i]) - length(name)) == "/" name)
      s = s (s == "" ? "" : " ") cand[i]
  return s
}
BEGIN {
  n = split(ENVIRON["LAYERS"], line, "\n")
  for (i = 1; i <= n; i++)
    if (split(line[i], w, " ") == 2) { folder[w[1]] = w[2]; is_layer[w[2]] = 1 }
  n = split(ENVIRON["ALLOWED"], line, "\n")
  for (i = 1; i <= n; i++) {
    if (line[i] !~ /:/) continue
    lay = line[i]; sub(/:.*/, "", lay); gsub(/[ \t]/, "", lay)
    rest = line[i]; sub(/^[^:]*:/, "", rest)
    may[lay] = rest; gsub(/^[ \t]+|[ \t]+$/, "", may[lay])
    if (may[lay] == "") may[lay] = "nothing else"
    m = split(rest, w, " ")
    for (j = 1; j <= m; j++) allowed[lay, w[j]] = 1
  }
  for (lay in is_layer) if (!(lay in may)) fail("check-layers: layer " lay " has no line in ALLOWED")
  for (key in allowed) {
    split(key, w, SUBSEP)
    if (!(w[1] in is_layer) || !(w[2] in is_layer)) fail("check-layers: ALLOWED names an unknown layer: " w[1] ": " w[2])
  }
  directive = "^[ \t]*#[ \t]*(include|import)[ \t]*[\"<]"
}
{
  files[++nf] = $0; is_file[$0] = 1
  if ($0 ~ /\.h$/) {
    b = base_of($0)
    by_base[b] = (b in by_base) ? by_base[b] " " $0 : $0
    n_base[b]++
  }
}
END {
  for (b in n_base)
    if (n_base[b] > 1)
      fail("check-layers: header name " b " is used in more than one place: " layers_of_list(by_base[b]))
  for (i = 1; i <= nf; i++) {
    f = files[i]; lf = layer_of(f)
    if (lf == "") { fail(f ": not in a layer folder (tools/check-layers.sh, LAYERS)"); continue }
    ln = 0
    while ((rc = (getline text < f)) > 0) {
      ln++
      if (text !~ directive) continue
      n_incl++
      quoted = (text ~ /^[ \t]*#[ \t]*(include|import)[ \t]*"/)
      name = text; sub(directive, "", name); sub(/[">].*$/, "", name)
      shown = quoted ? "\"" name "\"" : "<" name ">"
      found = resolve(f, name)
      if (found == "") {
        if (quoted) fail(f ":" ln ": " lf ": " shown " is not a header of any layer folder (a system header is included with <...>)")
        continue
      }
      if (found ~ / /) { fail(f ":" ln ": " lf ": " shown " is ambiguous: " layers_of_list(found)); continue }
      lh = layer_of(found)
      if (base_of(found) ~ /_internal\.h$/ && dir_of(found) != dir_of(f))
        fail(f ":" ln ": " lf ": " shown " is " found ", internal to " dir_of(found) "/ (only files of that folder may include it)")
      if (lh != lf && !((lf, lh) in allowed))
        fail(f ":" ln ": layer " lf " may not include layer " lh ": " shown " is " found " (" lf " may include: " may[lf] ")")
    }
    if (rc < 0) fail(f ": cannot be read")
    close(f)
  }
  if (errors) { print "check-layers: " errors " violation(s); the layer table is in tools/check-layers.sh and ARCHITECTURE.md"; exit 1 }
  print "check-layers: ok (" nf " files, " n_incl " includes)"
}'
