#!/usr/bin/env bash
# Surrogate-in-the-loop Poisson case: train a KHRONOS/POD model, then compare the zero, fischer, pod and sna
# initial guesses on 100 unseen parameter samples. Writes results.json and guess_iterations.png.
# Usage: run.sh <output directory> [--size small|full] [--pc gamg,jacobi] [--repeat R] [--families load,design]
#        (ranks: SNAPS_NP, default 2)
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args "" "$@"
out=${1:-$here/../../results/parametric-poisson}
shift || true
mkdir -p -- "$out"
# MPI ranks that wait yield the core: the timings stay meaningful when other work shares the machine
export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}
/usr/bin/python3 "$here/evaluate.py" "$out" --np "${SNAPS_NP:-2}" "$@"
