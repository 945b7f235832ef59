#!/usr/bin/env bash
# Installs what is missing, builds, and runs the default case suite with mpirun.
# Results (JSON, HDF5 + XDMF, logs) and plots go to results/<case>/.
# Usage: scripts/run-cases.sh [case ...]   (default: every case listed in cases/default-suite; a case is cases/<case>,
#        run as cases/<case>/run.sh results/<case>). SNAPS_NP: MPI ranks per case, a positive integer (default 2; airfoil-mf 1;
#        aion always 1: bench_aion is a single-core benchmark and says so when SNAPS_NP asks for more).
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/case-args.sh"
case_help "$@"
case_np # a bad SNAPS_NP refused before the build, as a bad case name
if [ $# -gt 0 ]; then cases=("$@"); else mapfile -t cases < <(grep -v '^#' "$root/cases/default-suite" | sed '/^\s*$/d'); fi
# every name checked before the build: a typo must not cost the build and the cases before it
unknown=()
# a case is a run.sh whose Usage line takes the output directory (cases/airfoil's generates the data, with tools)
runnable() { [[ $1 != */* && $1 != .* && -f $root/cases/$1/run.sh ]] && grep -q '^# Usage: .*run.sh <output directory>' "$root/cases/$1/run.sh"; }
for c in "${cases[@]}"; do
  runnable "$c" || unknown+=("'$c'")
done
if [ ${#unknown[@]} -gt 0 ]; then
  known=$(cd "$root/cases" && for d in */run.sh; do runnable "${d%/run.sh}" && echo "${d%/run.sh}"; done | paste -sd ' ')
  echo "run-cases: unknown case ${unknown[*]} (a case is cases/<case>/run.sh taking an output directory): the cases are $known" >&2
  exit 2
fi
bash "$root/scripts/build.sh"
source "$root/scripts/env.sh"
for i in "${!cases[@]}"; do
  c=${cases[$i]}
  echo "== case $c"
  rc=0
  bash "$root/cases/$c/run.sh" "$root/results/$c" || rc=$?
  if [ "$rc" != 0 ]; then
    rest=("${cases[@]:i+1}")
    echo "run-cases: case $c failed (exit $rc); not run: ${rest[*]:-none}" >&2
    exit "$rc"
  fi
done
echo "== results in $root/results/"
