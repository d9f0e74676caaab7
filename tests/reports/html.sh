# html.sh - bgsim run --report: one self-contained index.html (no external resources, plots as
# inline SVG). When Debian's chromium is installed, it renders the page headless and takes a
# screenshot (kept as $BGSIM_REPORT_SCREENSHOT when that is set, for a person to look at); without
# it the test ends with 77 (skipped) after the static checks. tools/install-deps.sh does not install
# chromium (it is large): `apt-get install chromium` to run the rendering check.
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
[ "$(grep -c '<svg' "$H")" -eq 3 ] || fail "expected 3 inline SVG plots, found $(grep -c '<svg' "$H")"
expect_no_grep "$H" index.html '<\?xml|<!DOCTYPE svg'
expect_no_grep "$H" index.html '(src|href)="https?:|<script|<link '
# ids of the inlined SVGs are prefixed per plot, so none repeats
CHECKS=$((CHECKS + 1))
dups=$(grep -o "id=['\"][^'\"]*['\"]" "$H" | sort | uniq -d | head -n 3)
[ -z "$dups" ] || fail "repeated ids in index.html: $dups"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    # The static checks above still fail the test when they fail; the rendering is skipped (77).
    if [ "$FAILS" -ne 0 ]; then
        finish
    fi
    echo "html.sh: $CHECKS static checks passed; chromium is not installed: rendering skipped" >&2
    exit 77
fi
PROFILE="$WORK/chromium-profile"
SHOT="${BGSIM_REPORT_SCREENSHOT:-$WORK/report.png}"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$PROFILE" --window-size=1280,2400 \
    --screenshot="$SHOT" "file://$H" >"$WORK/chromium.out" 2>&1
CHECKS=$((CHECKS + 1))
[ -s "$SHOT" ] || fail "chromium made no screenshot: $(tail -n 5 "$WORK/chromium.out")"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$PROFILE" --dump-dom "file://$H" >"$WORK/dom.html" 2>"$WORK/chromium.err"
# the rendered DOM holds the three plots and the tables
CHECKS=$((CHECKS + 1))
[ "$(grep -o '<svg' "$WORK/dom.html" | wc -l)" -ge 3 ] || fail "rendered DOM lacks the SVG plots"
expect_grep "$WORK/dom.html" "rendered DOM" 'bgsim report: everyday'
finish
