#!/usr/bin/env bash
# Poisson peers: KHRONOS, snaps-poisson FEM and FEniCSx on the same solutions (see peers.py and README.md).
# Usage: run.sh [<output directory>] [--np 1,2] [--repeat 3] [--quick] [--problems kan,expcos,rational] [--retable]
#   (default output directory: bench/results/poisson-peers, the committed figures; --retable: table.md and peers.png
#   again from its results.json, running, installing and building nothing, and taking no other option). --quick,
#   --np, --repeat or --problems make a run unlike the committed one: it needs an output directory (bench/results/
#   poisson-peers to replace the committed figures). Every argument is checked (peers.py) before anything is
#   installed, built or run; -h or --help prints this.
# Installs python3-dolfinx (scripts/install-deps.sh --bench) and builds SNAPS if needed.
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/scripts/case-args.sh"
case_help "$@"
committed=$root/bench/results/poisson-peers
out=
if [ $# -gt 0 ] && [[ $1 != -* ]]; then # the output directory, when given, comes first: an option is never taken for it
  out=$1
  shift
fi
/usr/bin/python3 "$here/peers.py" "${out:-$committed}" "$@" --check_args # refuses a misspelt option or a bad value, exit 2
if [ -z "$out" ]; then
  # refused before anything is installed, built or run: such a run would replace the committed figures
  # (cases/poisson/README.md quotes them) with a check of the script or another selection
  if [ $# -gt 0 ] && [ "$*" != --retable ]; then
    echo "bench/poisson-peers/run.sh: the arguments '$*' make a run unlike the committed bench/results/poisson-peers: give it an" >&2
    echo "output directory first, e.g. run.sh /tmp/peers $* (run.sh bench/results/poisson-peers $* to replace the committed figures)" >&2
    exit 2
  fi
  out=$committed
fi
case " $* " in
  *" --retable "*) ;; # from results.json alone: nothing to install or build
  *) bash "$root/scripts/install-deps.sh" --bench
    [ -x "$root/build/bin/snaps-poisson" ] || bash "$root/scripts/build.sh" ;;
esac
source "$root/scripts/env.sh"
case " $* " in
  *" --retable "*) ;; # reads the results.json in $out: made by a run, not here
  *) mkdir -p -- "$out" ;;
esac
/usr/bin/python3 "$here/peers.py" "$out" "$@"
