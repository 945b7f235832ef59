#!/usr/bin/env bash
# Multi-fidelity Poisson case: LF = coarse Q1 solutions, HF = fine Q2 solutions of a parametrised Poisson family
# (snaps-poisson-param), both on a common grid; separable multi-fidelity models (residual and AR1 blends) against
# HF-only KHRONOS and the LF model alone at 0, 10, 30 and 100% of the HF training cases, on held-out HF cases.
# Writes results.json, table.md and poisson_mf.png.
# Usage: run.sh <output directory> [--size quick|full] [--data-only]   (--data-only: mf.h5 and test.h5 alone, the
#        studies' input; no fits, no plot). Ranks: SNAPS_NP (2).
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args "" "$@"
out=${1:-$here/../../results/poisson-mf}
shift || true
mkdir -p -- "$out"
export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}
/usr/bin/python3 "$here/evaluate.py" "$out" --np "${SNAPS_NP:-2}" "$@"
case " $* " in *" --data-only "*) exit 0 ;; esac # no results.json to plot (an earlier run's is not this run's)
/usr/bin/python3 "$here/../../postprocess/plot_poisson_mf.py" "$out/results.json" "$out/poisson_mf.png"
