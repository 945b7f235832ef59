#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole CTest suite (unit, mpi, regression).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
source "$root/scripts/env.sh"
cd "$root/build"
ctest --output-on-failure -j "$(nproc)" --timeout 300 "$@"
