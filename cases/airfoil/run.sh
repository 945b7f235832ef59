#!/usr/bin/env bash
# The airfoil case's data: sweep (XFOIL on every design, OpenFOAM on a subset), then the HDF5 dataset.
# Usage: run.sh [sweep options, see sweep.py --help: --lf, --hf, --jobs, --work, --only, --reuse FILE|none] [--out FILE]
#          the sweep, then the dataset built from its --work directory into --out (default: data/airfoil_mf.h5 for the
#          default work directory, WORK/airfoil_mf.h5 for another: a sweep elsewhere never replaces the committed data);
#          under --only lf|hf (one fidelity) no dataset is built
#        run.sh --sanity     NACA 0012 over alpha with both tools: sanity.json, sanity.png
# Needs cc (sweep.py builds XFOIL's helper library first, also for --only hf) and, for the fidelities run: LF xfoil,
# HF gmsh, gmshToFoam and simpleFoam (scripts/install-deps.sh --airfoil: xfoil, openfoam). Restartable:
# finished cases are skipped, and cases the committed dataset holds are taken from it (sweep.py --reuse), so raising
# --hf runs only the new HF cases. OPENFOAM_BASHRC: OpenFOAM's environment script (default
# /usr/share/openfoam/etc/bashrc, Debian's), sourced before an HF sweep.
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_help "$@"
# --work goes to the sweep and the builder (the builder reads the sweep's results there), --out to the builder alone
sweep=() build=() work="" dataset="" only=""
while [ $# -gt 0 ]; do
  case $1 in
    --sanity) [ $# = 1 ] && [ ${#sweep[@]} = 0 ] || { echo "run.sh: --sanity takes no other argument" >&2; exit 2; }
      sweep=(--sanity); shift ;;
    --work | --out) [ $# -ge 2 ] || { echo "run.sh: $1 needs a value" >&2; exit 2; }
      path=$(realpath -m -- "$2") # the scripts run in this directory: a relative path is the caller's
      if [ "$1" = --work ]; then work=$path; sweep+=(--work "$path"); else dataset=$path; fi
      shift 2 ;;
    --reuse) [ $# -ge 2 ] || { echo "run.sh: --reuse needs a value (a dataset, or none)" >&2; exit 2; }
      if [ "$2" = none ]; then sweep+=(--reuse none); else sweep+=(--reuse "$(realpath -m -- "$2")"); fi
      shift 2 ;;
    --work=* | --out=* | --reuse=*) echo "run.sh: write '${1%%=*} ${1#*=}', not '$1'" >&2; exit 2 ;;
    --only) [ $# -ge 2 ] || { echo "run.sh: --only needs a value (lf or hf)" >&2; exit 2; }
      only=$2; sweep+=(--only "$2"); shift 2 ;;
    --only=*) only=${1#*=}; sweep+=("$1"); shift ;;
    *) sweep+=("$1"); shift ;;
  esac
done
if [ -n "$work" ]; then
  build=(--work "$work" --out "${dataset:-$work/airfoil_mf.h5}")
elif [ -n "$dataset" ]; then
  build=(--out "$dataset")
fi
# --out before --sanity (after it, the loop refuses it): sanity.py builds no dataset, --out would be ignored
if [ "${sweep[*]:-}" = "--sanity" ] && [ -n "$dataset" ]; then echo "run.sh: --sanity takes no other argument (--out)" >&2; exit 2; fi
case $only in "" | lf | hf) ;; *) echo "run.sh: --only '$only': lf or hf" >&2; exit 2 ;; esac
# The tools of the fidelities run (--sanity: both), each with the Debian package and install-deps.sh flag giving it;
# cc for any sweep (sweep.py builds the LF helper library before it looks at --only)
tools=("cc:build-essential (scripts/install-deps.sh)")
[ "$only" = hf ] || tools+=("xfoil:xfoil (scripts/install-deps.sh --airfoil)")
[ "$only" = lf ] || tools+=("gmsh:gmsh (scripts/install-deps.sh)" "gmshToFoam:openfoam (scripts/install-deps.sh --airfoil)"
  "simpleFoam:openfoam (scripts/install-deps.sh --airfoil)")
if [ "$only" != lf ]; then
  # OpenFOAM's environment script prints errors on Debian (it looks for helper scripts Debian does not ship)
  # but sets what simpleFoam needs; it is sourced regardless, with nounset off (it reads unset variables).
  # OPENFOAM_BASHRC: another path to it (the tests point it nowhere).
  set +u
  # shellcheck disable=SC1090,SC1091
  source "${OPENFOAM_BASHRC:-/usr/share/openfoam/etc/bashrc}" 2>/dev/null || true
  set -u
fi
missing=0 for="the ${only^^} sweep"
[ -n "$only" ] || for="the LF and HF sweeps"
for t in "${tools[@]}"; do
  command -v "${t%%:*}" >/dev/null ||
    { echo "run.sh: ${t%%:*} not found (needed for $for): Debian package ${t#*:}" >&2; missing=1; }
done
[ "$missing" = 0 ] || exit 1
cd "$here"
if [ "${sweep[*]:-}" = "--sanity" ]; then
  exec nice -n 10 /usr/bin/python3 sanity.py
fi
nice -n 10 /usr/bin/python3 sweep.py ${sweep[@]+"${sweep[@]}"}
[ -n "$only" ] && { echo "run.sh: --only: one fidelity swept, no dataset built"; exit 0; }
/usr/bin/python3 build_dataset.py ${build[@]+"${build[@]}"}
