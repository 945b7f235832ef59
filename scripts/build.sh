#!/usr/bin/env bash
# Installs missing Debian packages, then configures and builds SNAPS into build/ (idempotent).
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
root=$(cd "$(dirname "$0")/.." && pwd)
# no arguments: one would be dropped (-DCMAKE_BUILD_TYPE=Debug gave a RelWithDebInfo build); other set-ups: cmake itself
if [ $# -gt 0 ]; then
  echo "build.sh: unexpected argument '$1': it takes none (it builds build/ as RelWithDebInfo); for another build, run cmake -S . -B <dir> $*" >&2
  exit 2
fi
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j "$(nproc)"
