# Sourced by cases/*/run.sh (and scripts/run-cases.sh, for case_help) before any work: their arguments' one check.
# -h or --help prints the script's usage (its header from the "Usage:" line to the end of the comment block) and exits
# 0; an option where the output directory belongs is refused (mkdir -p would take --help for a name, or print its own
# help and go on), and so are arguments beyond those the script takes (it would ignore them).
# case_help "$@": -h or --help as the first argument prints the usage and exits 0.
case_help() {
  case ${1:-} in
    -h | --help)
      awk 'NR > 1 && !/^#/ { exit } /Usage:/ { u = 1 } u { sub(/^# ?/, ""); print }' "$0"
      exit 0 ;;
  esac
}
# case_args MAX "$@": case_help, then the output directory (the first argument; empty or absent: the case's default)
# and at most MAX arguments in all (MAX empty: any number, the script passes the rest on to a program that checks them).
case_args() {
  local max=$1
  shift
  case_help "$@"
  case ${1:-} in
    -*) echo "$0: '$1' where the output directory belongs (the first argument); usage: $0 --help" >&2; exit 2 ;;
  esac
  if [ -n "$max" ] && [ $# -gt "$max" ]; then
    echo "$0: unexpected argument '${*:max+1:1}' (it takes at most $max); usage: $0 --help" >&2
    exit 2
  fi
}
