# The guest builders' command line: --force rebuilds even when the cache key matches; -h/--help
# prints the calling script's header comment.
parse_force_flag() { # $1: the calling script, then its arguments; sets FORCE
    local script=$1 arg
    shift
    FORCE=0
    for arg in "$@"; do
        case $arg in
            --force) FORCE=1 ;;
            -h|--help) sed -n '2,/^set -euo/p' "$script" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
            *) echo "usage: $script [--force]" >&2; exit 2 ;;
        esac
    done
}
