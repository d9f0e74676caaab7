# plot.sh - bgsim run --plot: every plot's data, script, PNG and SVG; a clear error and status 69
# when gnuplot cannot be run (BGSIM_GNUPLOT naming a missing program, or no gnuplot on PATH).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../cli/lib.sh"

if ! command -v "${BGSIM_GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
    echo "gnuplot is not installed: skipped" >&2
    exit 77
fi

run "$BGSIM" run "$SRC/scenarios/examples/everyday.yaml" --plot "$WORK/plots"
expect_status 0
expect_grep "$OUT" stdout '^worker '
for name in timeline intervals hours; do
    for ext in dat gp png svg; do
        CHECKS=$((CHECKS + 1))
        [ -s "$WORK/plots/$name.$ext" ] || fail "'$LAST': expected $WORK/plots/$name.$ext"
    done
    CHECKS=$((CHECKS + 1))
    head -c 8 "$WORK/plots/$name.png" | od -An -c | grep -q 'P   N   G' || fail "$name.png is not a PNG"
    expect_grep "$WORK/plots/$name.svg" "$name.svg" '<svg'
done
expect_empty "$ERR" stderr
# The scripts re-run by hand in their folder and make the same files.
rm -f "$WORK/plots/hours.png"
(cd "$WORK/plots" && gnuplot hours.gp) >"$WORK/gp.out" 2>&1
CHECKS=$((CHECKS + 1))
[ -s "$WORK/plots/hours.png" ] || fail "gnuplot hours.gp in the plot folder did not make hours.png: $(cat "$WORK/gp.out")"
# Axis labels carry units.
expect_grep "$WORK/plots/timeline.gp" timeline.gp 'ylabel "battery \(%\)"'
expect_grep "$WORK/plots/intervals.gp" intervals.gp 'xlabel "interval between consecutive worker runs \((s|min|h|d)\)"'
expect_grep "$WORK/plots/hours.gp" hours.gp 'xlabel "hour of day \(local time\)"'

# Issue 19: the timeline's markers and labels. An iOS run with swipes and OS kills: each kind of
# process death has its own point type and colour, and no lane or band says "Doze" on iOS.
run "$BGSIM" check "$SRC/tests/reports/ios-kills.yaml"
expect_status 0
run "$BGSIM" run "$SRC/tests/reports/ios-kills.yaml" --plot "$WORK/ios"
expect_status 0
T="$WORK/ios/timeline.gp"
swipe=$(grep -o 'with points pt [0-9]* ps [0-9.]* lc rgb "#[0-9A-Fa-f]*" title "swiped away[^"]*"' "$T")
kill=$(grep -o 'with points pt [0-9]* ps [0-9.]* lc rgb "#[0-9A-Fa-f]*" title "killed by the OS"' "$T")
CHECKS=$((CHECKS + 1))
if [ -z "$swipe" ] || [ -z "$kill" ]; then
    fail "timeline.gp of an iOS run with swipes and kills lacks a marker: swipe '$swipe' kill '$kill'"
else
    pt() { echo "$1" | sed 's/.* pt \([0-9]*\) .*/\1/'; }
    rgb() { echo "$1" | sed 's/.*rgb "\(#[0-9A-Fa-f]*\)".*/\1/'; }
    [ "$(pt "$swipe")" != "$(pt "$kill")" ] || fail "swipe and kill share point type $(pt "$kill")"
    [ "$(rgb "$swipe")" != "$(rgb "$kill")" ] || fail "swipe and kill share colour $(rgb "$kill")"
fi
expect_no_grep "$T" "iOS timeline.gp" 'Doze|battery saver'
expect_grep "$T" "iOS timeline.gp" '"device idle" [0-9]'
expect_grep "$T" "iOS timeline.gp" '"Low Power Mode" [0-9]'
run "$BGSIM" run "$SRC/scenarios/examples/android-evening-swipe.yaml" --plot "$WORK/android"
expect_status 0
expect_grep "$WORK/android/timeline.gp" "Android timeline.gp" '"Doze" [0-9]'
expect_grep "$WORK/android/timeline.gp" "Android timeline.gp" '"battery saver" [0-9]'
# every band of the key (a filled box) has a colour no other band has (the markers differ by shape)
CHECKS=$((CHECKS + 1))
dup=$(grep -o 'fc rgb "#[0-9A-Fa-f]*"[^,]* title "[^"]*"' "$T" | sed 's/.*rgb "\(#[0-9A-Fa-f]*\)".*title "\(.*\)"/\1 \2/' |
    sort -u | awk '{print toupper($1)}' | sort | uniq -d)
[ -z "$dup" ] || fail "colours used for two titles in $T: $dup"
# the hours plot draws the requested rate: a 15 min interval is 4 runs per hour
expect_grep "$WORK/ios/hours.gp" hours.gp '^  4 with lines .* title "requested: one run every 15m \(4 per hour\)"'
# The day view: written for a dense run (everyday: every 15 min), not for a sparse one, and an old
# one in the same folder is removed.
for ext in dat gp png svg; do
    CHECKS=$((CHECKS + 1))
    [ -s "$WORK/plots/days.$ext" ] || fail "dense run: expected $WORK/plots/days.$ext"
done
expect_grep "$WORK/plots/days.gp" days.gp 'set ytics \("Mon 05 Jan" 0, "Tue 06 Jan" 1'
run "$BGSIM" run "$SRC/scenarios/examples/ios-refresh-daily.yaml" --plot "$WORK/plots"
expect_status 0
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/plots/days.gp" ] && [ ! -e "$WORK/plots/days.png" ] || fail "a sparse run left the day view of the run before"

# gnuplot missing: status 69, the message names the program and what to do, the summary and the
# data files are still there.
BGSIM_GNUPLOT=/nonexistent/gnuplot run "$BGSIM" run "$DEFAULT" --plot "$WORK/missing"
expect_status 69
expect_grep "$ERR" stderr "^bgsim run: cannot run '/nonexistent/gnuplot': No such file or directory \(install gnuplot"
expect_grep "$ERR" stderr "the data files and gnuplot scripts are in '$WORK/missing'"
expect_grep "$OUT" stdout '^worker '
CHECKS=$((CHECKS + 1))
[ -s "$WORK/missing/timeline.gp" ] && [ -s "$WORK/missing/timeline.dat" ] || fail "data and scripts not written without gnuplot"
# the same through PATH: a PATH without gnuplot
mkdir -p "$WORK/emptybin"
PATH="$WORK/emptybin" run "$BGSIM" run "$DEFAULT" --plot "$WORK/nopath"
expect_status 69
expect_grep "$ERR" stderr "^bgsim run: cannot run 'gnuplot': No such file or directory"
# a gnuplot that fails: status 70
printf '#!/bin/sh\nexit 3\n' >"$WORK/emptybin/badplot"
chmod +x "$WORK/emptybin/badplot"
BGSIM_GNUPLOT="$WORK/emptybin/badplot" run "$BGSIM" run "$DEFAULT" --plot "$WORK/bad"
expect_status 70
expect_grep "$ERR" stderr "badplot timeline.gp' \(in .*\) failed with exit status 3"
# a gnuplot that exits 0 but writes empty images (what it does on a full disk): an error, not 0
printf '#!/bin/sh\nb=${1%%.gp}\n: >"$b.png"\n: >"$b.svg"\nexit 0\n' >"$WORK/emptybin/fullplot"
chmod +x "$WORK/emptybin/fullplot"
BGSIM_GNUPLOT="$WORK/emptybin/fullplot" run "$BGSIM" run "$DEFAULT" --plot "$WORK/full" --report "$WORK/fullreport"
expect_status 70
expect_grep "$ERR" stderr "fullplot timeline.gp' \(in .*\) exited 0 but wrote an empty timeline.png \(is the disk full\?\)"
expect_no_grep "$ERR" stderr "not an SVG file"
# a folder that cannot be made: 73
: >"$WORK/afile"
run "$BGSIM" run "$DEFAULT" --plot "$WORK/afile/sub"
expect_status 73
expect_grep "$ERR" stderr "cannot create the folder"
finish
