# Sourced by cases/*/run.sh (and scripts/run-cases.sh, for case_help) before any work: their arguments' one check.
# It also gives them the MPI environment (scripts/env.sh: Open MPI as root, more ranks than cores), so that a case
# started by hand runs its programs as under scripts/run-cases.sh.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
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
# case_np: SNAPS_NP (MPI ranks per case), when set and not empty, must be a positive integer, else exit 2: mpirun -n 0
# runs on every slot of the machine (the shell cases took SNAPS_NP=0 for "all cores", the Python ones refused it), and
# a word fails only at the first mpirun, after the work before it.
case_np() {
  if [ -n "${SNAPS_NP:-}" ] && [[ ! $SNAPS_NP =~ ^0*[1-9][0-9]*$ ]]; then
    echo "$0: SNAPS_NP='$SNAPS_NP': the MPI ranks per case must be a positive integer (unset it for the default)" >&2
    exit 2
  fi
}
# case_switch NAME...: each environment variable NAME (an on/off switch, e.g. REUSE_DATA), when set and not empty, must be
# 0 or 1, else exit 2: REUSE_DATA=yes was taken for 0, and the data it was to keep made again without a word (hours in
# the long modes).
case_switch() {
  local name
  for name; do
    case ${!name:-0} in
      0 | 1) ;;
      *) echo "$0: $name='${!name}': use 1 (on) or 0 (off, the default)" >&2; exit 2 ;;
    esac
  done
}
# case_args MAX "$@": case_help, case_np, then the output directory (the first argument; empty or absent: the case's default)
# and at most MAX arguments in all (MAX empty: any number, the script passes the rest on to a program that checks them).
case_args() {
  local max=$1
  shift
  case_help "$@"
  case_np
  case ${1:-} in
    -*) echo "$0: '$1' where the output directory belongs (the first argument); usage: $0 --help" >&2; exit 2 ;;
  esac
  if [ -n "$max" ] && [ $# -gt "$max" ]; then
    echo "$0: unexpected argument '${*:max+1:1}' (it takes at most $max); usage: $0 --help" >&2
    exit 2
  fi
}
# case_clean OUT PATH...: before a run, removes PATHs (files or directories: an earlier run's outputs in OUT that this
# run would not rewrite, globs expanded by the caller), so that what OUT holds after the run is this run's. Refused (exit
# 2, nothing removed) when OUT is the case's committed reference/ directory or inside it: a run is made elsewhere and
# what is to be committed copied there (the READMEs' reference runs were made so).
case_clean() {
  local out=$1 ref
  shift
  ref=$(cd "$(dirname "$0")" && pwd -P)/reference
  case "$(cd "$out" && pwd -P)/" in
    "$ref"/*) echo "$0: $out is the case's committed reference directory: run into another directory and copy what is to be committed" >&2
      exit 2 ;;
  esac
  rm -rf -- "$@"
}
