#!/usr/bin/env bash
# Poisson case: KHRONOS vs FEM Q1/Q2, error vs DoFs and vs time, plus 3-D, 6-D and rank-2 cases.
# Usage: run.sh <output directory> [--size small|full]   (small: the README's main job, about a minute)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../results/poisson}
shift || true
mkdir -p "$out"
/usr/bin/python3 "$here/sweep.py" "$out" --np "${SNAPS_NP:-2}" "$@"
