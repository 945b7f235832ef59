#!/usr/bin/env bash
# Installs what is missing, builds, and runs the default case suite with mpirun.
# Results (JSON, HDF5 + XDMF, logs) and plots go to results/<case>/.
# Usage: scripts/run-cases.sh [case ...]   (default: every case listed in cases/default-suite; a case is cases/<case>,
#        run as cases/<case>/run.sh results/<case>). SNAPS_NP: MPI ranks per case (default 2; airfoil-mf 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/case-args.sh"
case_help "$@"
if [ $# -gt 0 ]; then cases=("$@"); else mapfile -t cases < <(grep -v '^#' "$root/cases/default-suite" | sed '/^\s*$/d'); fi
# every name checked before the build: a typo must not cost the build and the cases before it
unknown=()
for c in "${cases[@]}"; do
  [[ $c != */* && $c != .* && -f $root/cases/$c/run.sh ]] || unknown+=("'$c'")
done
if [ ${#unknown[@]} -gt 0 ]; then
  known=$(cd "$root/cases" && ls -d -- */run.sh | sed 's|/run.sh||' | paste -sd ' ')
  echo "run-cases: unknown case ${unknown[*]}: the cases are $known" >&2
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
