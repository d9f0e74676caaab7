# Shell completions (sim/cli/completion): what bash and zsh offer at a cursor, from the real
# scripts run against this bgsim. Commands, options and choices must match what the program's own
# --help says; scenario keys for --set come from `bgsim schema --keys`.
. "$(dirname "$0")/lib.sh"
BASH_COMP="$SRC/sim/cli/completion/bgsim.bash"
ZSH_COMP="$SRC/sim/cli/completion/_bgsim"
COMMANDS=$("$BGSIM" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p' | sort)
[ -n "$COMMANDS" ] || fail "bgsim --help lists no commands"

# bash_complete WORD...: the candidates bash offers with the cursor at the end of the last word.
bash_complete() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _bgsim
             printf "%s\n" "${COMPREPLY[@]}"' _ "$BASH_COMP" "$BGSIM" "$@" | sort
}
# zsh_complete WORD...: the same in zsh, with the completion system's functions replaced by ones
# that print what they were given (the script under test is the real one).
zsh_complete() {
    zsh -f -c '
        compadd() { while (( $# )); do case $1 in -a) shift; print -l -- ${(P)1};;
                    -S) shift;; *) print -- $1;; esac; shift; done }
        _describe() { local a=${@[-1]}; print -l -- ${(P)a%%:*} }
        _files() { print -- "<files $*>" }
        _directories() { print -- "<directories>" }
        comp=$1; shift
        words=("$@"); CURRENT=$#; PREFIX=${words[-1]}
        source $comp' _ "$ZSH_COMP" "$BGSIM" "$@" | sort
}
# expect_same WHAT GOT WANT
expect_same() {
    CHECKS=$((CHECKS + 1))
    [ "$2" = "$3" ] || fail "$1: offered [$(echo $2)], expected [$(echo $3)]"
}

# Commands at the first word.
expect_same "bash: bgsim <TAB>" "$(bash_complete '' | grep -v '^--')" "$COMMANDS"
expect_same "bash: bgsim --<TAB>" "$(bash_complete '--')" "$(printf -- '--help\n--version')"
expect_same "bash: bgsim help <TAB>" "$(bash_complete help '')" "$COMMANDS"
# Each command's options are exactly the --long options its --help names.
for cmd in $COMMANDS; do
    want=$("$BGSIM" "$cmd" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
    expect_same "bash: bgsim $cmd --<TAB>" "$(bash_complete "$cmd" --)" "$want"
done
expect_same "bash: bgsim run --for<TAB>" "$(bash_complete run --for)" "--format"
expect_same "bash: bgsim run --format <TAB>" "$(bash_complete run --format '')" "$(printf 'json\ntext')"
expect_same "bash: bgsim fleet --format <TAB>" "$(bash_complete fleet --format '')" \
    "$("$BGSIM" fleet --help | sed -n 's/.*\[--format \([a-z|]*\)\].*/\1/p' | tr '|' '\n' | sort)"
# --set KEY: the scenario's keys, each offered with '=' to type the value after.
# (Until `bgsim schema --keys` exists, say so: the key checks then wait for it.)
if "$BGSIM" schema --keys >/dev/null 2>&1; then
    keys=$("$BGSIM" schema --keys)
    CHECKS=$((CHECKS + 1))
    echo "$keys" | grep -qx 'device.battery.initial' || fail "bgsim schema --keys does not list device.battery.initial"
    expect_same "bash: bgsim run x.yaml --set device.battery.ini<TAB>" \
        "$(bash_complete run x.yaml --set device.battery.ini)" "device.battery.initial="
    HAVE_KEYS=1
else
    echo "completion.sh: bgsim has no 'schema --keys' yet: --set key completion not checked" >&2
    HAVE_KEYS=0
fi
# Scenario files: YAML files and directories, not other files.
mkdir -p "$WORK/files/sub" && : >"$WORK/files/a.yaml" && : >"$WORK/files/b.yml" && : >"$WORK/files/c.txt"
expect_same "bash: bgsim doctor <TAB> (directories)" "$(cd "$WORK/files" && bash_complete doctor '')" "sub"
expect_same "bash: bgsim run <TAB> (files)" "$(cd "$WORK/files" && bash_complete run '')" \
    "$(printf 'a.yaml\nb.yml\nsub')"

if command -v zsh >/dev/null 2>&1; then
    expect_same "zsh: bgsim <TAB>" "$(zsh_complete '')" "$COMMANDS"
    want=$("$BGSIM" sweep --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
    expect_same "zsh: bgsim sweep --<TAB>" "$(zsh_complete sweep --)" "$want"
    expect_same "zsh: bgsim run --format <TAB>" "$(zsh_complete run --format '')" "$(printf 'json\ntext')"
    expect_same "zsh: bgsim run --plot <TAB>" "$(zsh_complete run --plot '')" "<directories>"
    expect_same "zsh: bgsim run <TAB>" "$(zsh_complete run '')" "<files -g *.(yaml|yml)>"
    if [ "$HAVE_KEYS" = 1 ]; then
        CHECKS=$((CHECKS + 1))
        zsh_complete run x.yaml --set '' | grep -qx 'device.battery.initial' ||
            fail "zsh: bgsim run x.yaml --set <TAB> does not offer device.battery.initial"
    fi
    expect_same "zsh: bgsim doctor <TAB>" "$(zsh_complete doctor '')" "<directories>"
else
    fail "zsh is not installed (tools/install-deps.sh installs it)"
fi
finish
