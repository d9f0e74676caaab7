# json_check.awk - a structural check of one JSON text, for machines without a JSON tool: brackets
# balance outside strings and close in order, strings end, escapes are JSON's, there is exactly
# one top-level value, no trailing commas, and no bare words but true, false and null. Numbers are
# checked by shape. Prints the first problem and exits 1; exits 0 when the text looks like JSON.
function bad(msg) { printf "not JSON: %s (line %d)\n", msg, NR; failed = 1; exit 1 }
{ text = text $0 "\n" }
END {
    if (failed) exit 1
    n = length(text); depth = 0; in_str = 0; top = 0; prev = ""
    for (i = 1; i <= n; i++) {
        c = substr(text, i, 1)
        if (in_str) {
            if (c == "\\") {
                e = substr(text, i + 1, 1)
                if (index("\"\\/bfnrtu", e) == 0) bad("bad escape \\" e)
                i++
            } else if (c == "\"") {
                in_str = 0; prev = "v"
            } else if (c == "\n") {
                bad("newline inside a string")
            }
            continue
        }
        if (c == " " || c == "\t" || c == "\n" || c == "\r") continue
        if (depth == 0 && top) bad("text after the top-level value")
        if (c == "\"") { in_str = 1; continue }
        if (c == "{" || c == "[") { stack[++depth] = c; prev = c; continue }
        if (c == "}" || c == "]") {
            if (depth == 0) bad("unbalanced " c)
            if ((c == "}" && stack[depth] != "{") || (c == "]" && stack[depth] != "[")) bad("mismatched " c)
            if (prev == ",") bad("trailing comma before " c)
            depth--; prev = "v"
            if (depth == 0) top = 1
            continue
        }
        if (c == "," || c == ":") {
            if (prev != "v") bad("'" c "' after nothing")
            prev = c; continue
        }
        w = substr(text, i)
        if (match(w, /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/) || match(w, /^(true|false|null)/)) {
            i += RLENGTH - 1; prev = "v"
            if (depth == 0) top = 1
            continue
        }
        bad("unexpected '" c "'")
    }
    if (in_str) bad("unterminated string")
    if (depth != 0) bad("unclosed brackets")
    if (!top) bad("no value")
}
