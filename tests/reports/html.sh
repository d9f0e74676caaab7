# html.sh - bgsim run --report: one self-contained index.html (no external resources, plots as
# inline SVG, a day-by-day view whose elements carry hover titles and a day selector without
# script). Then headless Chromium renders it (Debian's chromium, installed by
# tools/install-deps.sh): the screenshot must not be blank (render_check.py counts its colours and
# looks for the timeline's), the page must make no network request (Chromium's net log, through a
# proxy on a closed port), and the day selector must show one day alone. Each of these checks is
# also run on a page made to fail it (a blank page, a planted external image), so a check that
# cannot fail would be noticed. Without chromium the test ends with 77 (skipped) after the static
# checks, saying so. The screenshot is kept as $BGSIM_REPORT_SCREENSHOT when that is set.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../cli/lib.sh"

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "gnuplot is not installed: skipped" >&2
    exit 77
fi
run "$BGSIM" run "$SRC/scenarios/examples/everyday.yaml" --report "$WORK/report" --set 'app.tasks[sync].minimum_interval=1h'
expect_status 0
H="$WORK/report/index.html"
expect_grep "$H" index.html '^<!DOCTYPE html>'
expect_grep "$H" index.html '<h2>Summary</h2>'
expect_grep "$H" index.html '<h2>Why the worker waited</h2>'
expect_grep "$H" index.html '<code>app.tasks\[sync\].minimum_interval=1h</code>'
expect_grep "$H" index.html 'battery spent on background work'
# how runs ended (issue 17): every run of this scenario completes
expect_grep "$H" index.html '<tr><th>how those runs ended</th><td>[0-9]+ completed, 0 stopped by the OS, 0 killed with the process</td></tr>'
expect_grep "$H" index.html '<tr><th>stopped by the OS / killed with the process</th><td>0 / 0</td></tr>'
CHECKS=$((CHECKS + 1))
[ "$(grep -c '<svg' "$H")" -eq 18 ] || fail "expected 3 inline SVG plots and 15 day views, found $(grep -c '<svg' "$H")"
expect_no_grep "$H" index.html '<\?xml|<!DOCTYPE svg'
expect_no_grep "$H" index.html '(src|href)="https?:|<script|<link '
# ids of the inlined SVGs are prefixed per plot, so none repeats
CHECKS=$((CHECKS + 1))
dups=$(grep -o "id=['\"][^'\"]*['\"]" "$H" | sort | uniq -d | head -n 3)
[ -z "$dups" ] || fail "repeated ids in index.html: $dups"


# Issue 19: the day view. One figure per local day touched (2w from Mon 07:00: 15 days), a
# selector link for each, and hover titles on the runs, the bands and the held-back spans.
CHECKS=$((CHECKS + 1))
[ "$(grep -c '<figure id="dv-[0-9]*">' "$H")" -eq 15 ] || fail "expected 15 day figures, found $(grep -c '<figure id="dv-' "$H")"
expect_grep "$H" index.html '<a href="#dv-0">Mon 05 Jan</a>'
expect_grep "$H" index.html '<a href="#dv-14">Mon 19 Jan</a>'
expect_grep "$H" index.html '<rect [^>]*fill="#000000"><title>worker run: Mon 05 Jan [0-9]{2}:[0-9]{2} for [^<]*; due Mon 05 Jan'
expect_grep "$H" index.html '<rect [^>]*><title>(Wi-Fi|cellular): Mon 05 Jan 07:00 - '
expect_grep "$H" index.html '<text [^>]*>device idle</text>'
run "$BGSIM" run "$SRC/scenarios/examples/android-evening-swipe.yaml" --report "$WORK/android"
expect_status 0
A="$WORK/android/index.html"
expect_grep "$A" "Android report" '<title>held back: doze_light: [A-Z][a-z]{2} [0-9]{2} Jan [0-9:]{5} - '
expect_grep "$A" "Android report" '<polygon [^>]*fill="#0072B2"[^>]*><title>swiped away by the user: '
expect_grep "$A" "Android report" '<text [^>]*>Doze</text>'
expect_no_grep "$A" "Android report" '(src|href)="https?:|<script|<link |@import|url\((https?:)?//'

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    # The static checks above still fail the test when they fail; the rendering is skipped (77).
    if [ "$FAILS" -ne 0 ]; then
        finish
    fi
    echo "html.sh: $CHECKS static checks passed; chromium is not installed (tools/install-deps.sh installs it:" \
        "apt-get install chromium): rendering skipped" >&2
    exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "html.sh: python3 is needed to check the rendering: skipped" >&2
    exit 77
fi
CHECK="python3 $HERE/render_check.py"
# chrome PAGE OUT_ARGS...: headless Chromium on file://PAGE with its own profile, every request
# sent to a proxy on a closed port (so nothing could load even if the page asked) and logged.
chrome() {
    page=$1
    shift
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$WORK/profile" --proxy-server=127.0.0.1:9 \
        --virtual-time-budget=5000 --window-size=1280,2200 "$@" "file://$page" 2>>"$WORK/chromium.err"
}
SHOT="${BGSIM_REPORT_SCREENSHOT:-$WORK/report.png}"
chrome "$A" --screenshot="$SHOT" --log-net-log="$WORK/net.json" >/dev/null
CHECKS=$((CHECKS + 1))
[ -s "$SHOT" ] || fail "chromium made no screenshot: $(tail -n 5 "$WORK/chromium.err")"
# not blank: text, tables and the day view's bands (Wi-Fi #0072B2, Doze #CC79A7, plugged #009E73)
CHECKS=$((CHECKS + 1))
$CHECK png "$SHOT" 50 0.05 '#0072B2' '#CC79A7' '#009E73' >"$WORK/check.out" 2>&1 || fail "screenshot: $(cat "$WORK/check.out")"
CHECKS=$((CHECKS + 1))
$CHECK netlog "$WORK/net.json" >"$WORK/check.out" 2>&1 || fail "the report made a network request: $(cat "$WORK/check.out")"
# the same checks fail on pages made to fail them
printf '<!DOCTYPE html><html><body></body></html>\n' >"$WORK/blank.html"
sed 's#</body>#<img src="http://example.invalid/planted.png"></body>#' "$A" >"$WORK/android/planted.html"
chrome "$WORK/blank.html" --screenshot="$WORK/blank.png" >/dev/null
chrome "$WORK/android/planted.html" --screenshot="$WORK/planted.png" --log-net-log="$WORK/net-planted.json" >/dev/null
CHECKS=$((CHECKS + 1))
! $CHECK png "$WORK/blank.png" 50 0.05 >/dev/null 2>&1 || fail "render_check.py png passed a blank page"
CHECKS=$((CHECKS + 1))
$CHECK netlog "$WORK/net-planted.json" 2>"$WORK/check.out" >/dev/null && fail "render_check.py netlog missed a request"
grep -q 'example.invalid/planted.png' "$WORK/check.out" || fail "render_check.py netlog did not name the request: $(cat "$WORK/check.out")"
# The day selector works without script: a copy of the report with a probe script (the report
# itself has none) writes which day figures are displayed into its title.
sed 's#</body>#<script>addEventListener("load",()=>{document.title="shown:"+[...document.querySelectorAll(".days figure")].filter(f=>getComputedStyle(f).display!="none").map(f=>f.id).join(",")})</script></body>#' \
    "$A" >"$WORK/android/probe.html"
chrome "$WORK/android/probe.html#dv-3" --dump-dom >"$WORK/dom-day.html"
chrome "$WORK/android/probe.html" --dump-dom >"$WORK/dom-all.html"
expect_grep "$WORK/dom-day.html" "DOM of #dv-3" '<title>shown:dv-3</title>'
expect_grep "$WORK/dom-all.html" "DOM without a day" '<title>shown:dv-0,dv-1,dv-2,[^<]*,dv-14</title>'
# the rendered DOM holds the plots, the day view and the tables
CHECKS=$((CHECKS + 1))
[ "$(grep -o '<svg' "$WORK/dom-all.html" | wc -l)" -ge 18 ] || fail "rendered DOM lacks the SVG plots and day views"
expect_grep "$WORK/dom-all.html" "rendered DOM" 'bgsim report: android-evening-swipe'
finish
