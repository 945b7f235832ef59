#!/usr/bin/env bash
# The airfoil case's data: sweep (XFOIL on every design, OpenFOAM on a subset), then the HDF5 dataset.
#   cases/airfoil/run.sh [sweep options, see sweep.py --help]
#   cases/airfoil/run.sh --sanity     NACA 0012 over alpha with both tools: sanity.json, sanity.png
# Needs scripts/install-deps.sh --airfoil (xfoil, openfoam). Restartable: finished cases are skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# OpenFOAM's environment script prints errors on Debian (it looks for helper scripts Debian does not ship)
# but sets what simpleFoam needs; it is sourced regardless, with nounset off (it reads unset variables).
set +u
# shellcheck disable=SC1091
source /usr/share/openfoam/etc/bashrc 2>/dev/null || true
set -u
command -v xfoil >/dev/null && command -v simpleFoam >/dev/null && command -v gmshToFoam >/dev/null ||
  { echo "run.sh: xfoil, simpleFoam or gmshToFoam missing: run scripts/install-deps.sh --airfoil" >&2; exit 1; }
cd "$here"
if [ "${1:-}" = "--sanity" ]; then
  exec nice -n 10 /usr/bin/python3 sanity.py
fi
nice -n 10 /usr/bin/python3 sweep.py "$@"
/usr/bin/python3 build_dataset.py
