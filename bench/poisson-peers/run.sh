#!/usr/bin/env bash
# Poisson peers: KHRONOS, snaps-poisson FEM and FEniCSx on the same solutions (see peers.py and README.md).
# Usage: run.sh [<output directory>] [--np 1,2] [--repeat 3] [--quick]
# Installs python3-dolfinx (scripts/install-deps.sh --bench) and builds SNAPS if needed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/bench/results/poisson-peers}
shift || true
bash "$root/scripts/install-deps.sh" --bench
[ -x "$root/build/bin/snaps-poisson" ] || bash "$root/scripts/build.sh"
source "$root/scripts/env.sh"
mkdir -p "$out"
/usr/bin/python3 "$here/peers.py" "$out" "$@"
