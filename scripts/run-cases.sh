#!/usr/bin/env bash
# Installs what is missing, builds, and runs the default case suite with mpirun.
# Results (JSON, HDF5 + XDMF, logs) and plots go to results/<case>/.
# Usage: scripts/run-cases.sh [case ...]   (default: every case listed in cases/default-suite)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
source "$root/scripts/env.sh"
if [ $# -gt 0 ]; then cases=("$@"); else mapfile -t cases < <(grep -v '^#' "$root/cases/default-suite" | sed '/^\s*$/d'); fi
for c in "${cases[@]}"; do
  echo "== case $c"
  bash "$root/cases/$c/run.sh" "$root/results/$c"
done
echo "== results in $root/results/"
