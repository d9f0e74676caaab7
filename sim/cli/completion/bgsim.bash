# bash completion for bgsim (installed as share/bash-completion/completions/bgsim).
#
# Nothing here lists a command, an option or a key by hand: commands come from `bgsim --help`,
# options and their values from `bgsim COMMAND --help`, and scenario keys for --set from
# `bgsim schema --keys`. The completion cannot drift from the program it completes.

_bgsim_help() { # COMMAND...: the help text of the bgsim being completed
    "${COMP_WORDS[0]}" "$@" --help 2>/dev/null
}

# The commands of `bgsim --help`: its "commands:" list has one a line, indented by two spaces.
_bgsim_commands() {
    _bgsim_help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p'
}

_bgsim() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local bgsim=${COMP_WORDS[0]} cmd=${COMP_WORDS[1]} words
    COMPREPLY=()

    if [ "$COMP_CWORD" -eq 1 ]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_bgsim_commands) --help --version" -- "$cur")
        return
    fi
    if [ "$cmd" = help ]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_bgsim_commands)" -- "$cur")
        return
    fi

    case $prev in
    --set)
        # KEY=VALUE: complete the key; the value is the user's.
        case $cur in *=*) return ;; esac
        words=$("$bgsim" schema --keys 2>/dev/null)
        compopt -o nospace 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -W "$words" -S = -- "$cur")
        return
        ;;
    --plot | --report | doctor)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return
        ;;
    --trace | --perfetto | --junit | -r | --registry)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    --format | --scope)
        # The usage line spells the choices: "[--format text|json]".
        words=$(_bgsim_help "$cmd" | sed -n "s/.*\\[$prev \\([a-z|]*\\)\\].*/\\1/p" | tr '|' ' ')
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        return
        ;;
    --seed | --seeds | --duration | --jobs | --devices | --metric | --target | --x)
        return # a value of the user's
        ;;
    esac

    if [[ $cur == -* ]]; then
        words=$(_bgsim_help "$cmd" | grep -o -- '--[a-z][a-z-]*' | sort -u)
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        return
    fi
    # Scenario files (and directories on the way to them).
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.yaml' -- "$cur"
        compgen -f -X '!*.yml' -- "$cur")
}
complete -F _bgsim bgsim
