#!/usr/bin/env bash
# Poisson case: KHRONOS vs FEM Q1/Q2, error vs DoFs and vs time, plus 3-D, 6-D and rank-2 cases.
# Usage: run.sh <output directory> [--size small|full] [--repeat N] [--no-fenicsx]   (small: the README's main job,
#        139 CPU s on 2 ranks, 243 s wall at load 5 on 2026-12-06; see sweep.py --help). Ranks: SNAPS_NP (2).
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args "" "$@"
out=${1:-$here/../../results/poisson}
shift || true
mkdir -p -- "$out"
/usr/bin/python3 "$here/sweep.py" "$out" --np "${SNAPS_NP:-2}" "$@"
