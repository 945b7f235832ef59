#!/usr/bin/env bash
# The airfoil case's data: sweep (XFOIL on every design, OpenFOAM on a subset), then the HDF5 dataset.
# Usage: run.sh [sweep options, see sweep.py --help] [--out FILE]
#          the sweep, then the dataset built from its --work directory into --out (default: data/airfoil_mf.h5 for the
#          default work directory, WORK/airfoil_mf.h5 for another: a sweep elsewhere never replaces the committed data);
#          under --only lf|hf (one fidelity) no dataset is built
#        run.sh --sanity     NACA 0012 over alpha with both tools: sanity.json, sanity.png
# Needs scripts/install-deps.sh --airfoil (xfoil, openfoam). Restartable: finished cases are skipped.
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_help "$@"
# --work goes to the sweep and the builder (the builder reads the sweep's results there), --out to the builder alone
sweep=() build=() work="" dataset="" only=0
while [ $# -gt 0 ]; do
  case $1 in
    --sanity) [ $# = 1 ] && [ ${#sweep[@]} = 0 ] || { echo "run.sh: --sanity takes no other argument" >&2; exit 2; }
      sweep=(--sanity); shift ;;
    --work | --out) [ $# -ge 2 ] || { echo "run.sh: $1 needs a value" >&2; exit 2; }
      path=$(realpath -m -- "$2") # the scripts run in this directory: a relative path is the caller's
      if [ "$1" = --work ]; then work=$path; sweep+=(--work "$path"); else dataset=$path; fi
      shift 2 ;;
    --work=* | --out=*) echo "run.sh: write '${1%%=*} ${1#*=}', not '$1'" >&2; exit 2 ;;
    --only | --only=*) only=1; sweep+=("$1"); shift ;;
    *) sweep+=("$1"); shift ;;
  esac
done
if [ -n "$work" ]; then
  build=(--work "$work" --out "${dataset:-$work/airfoil_mf.h5}")
elif [ -n "$dataset" ]; then
  build=(--out "$dataset")
fi
# OpenFOAM's environment script prints errors on Debian (it looks for helper scripts Debian does not ship)
# but sets what simpleFoam needs; it is sourced regardless, with nounset off (it reads unset variables).
set +u
# shellcheck disable=SC1091
source /usr/share/openfoam/etc/bashrc 2>/dev/null || true
set -u
command -v xfoil >/dev/null && command -v simpleFoam >/dev/null && command -v gmshToFoam >/dev/null ||
  { echo "run.sh: xfoil, simpleFoam or gmshToFoam missing: run scripts/install-deps.sh --airfoil" >&2; exit 1; }
cd "$here"
if [ "${sweep[*]:-}" = "--sanity" ]; then
  exec nice -n 10 /usr/bin/python3 sanity.py
fi
nice -n 10 /usr/bin/python3 sweep.py ${sweep[@]+"${sweep[@]}"}
[ "$only" = 1 ] && { echo "run.sh: --only: one fidelity swept, no dataset built"; exit 0; }
/usr/bin/python3 build_dataset.py ${build[@]+"${build[@]}"}
