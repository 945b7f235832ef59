#!/usr/bin/env bash
# Airfoil multi-fidelity benchmark (issue 14; cases/airfoil-mf/README.md): XFOIL (LF) and OpenFOAM (HF) Cp of NACA
# 4-digit airfoils from the committed cases/airfoil/data/airfoil_mf.h5, the split of bench/airfoil-mf/harness.py
# (whole airfoils held out). The SNA (mf, residual and ar1 blends), HF-only KHRONOS and the LF model alone at 0, 10,
# 30 and 100% HF, predicted both ways (own LF model; correcting the test airfoils' XFOIL Cp), scored by harness.score.
#   the correction's weight is chosen per blend and HF fraction on validation airfoils first (evaluate.choose_weights)
#   quick (default, ~6 minutes on the loaded 2-core machine with the weight search): the baselines (MLPs, co-kriging) are READ from bench/results/airfoil_mf_baselines.json
#   full: the baselines are run here on the same split, and the SNA's fit cost against the row count is measured
# Writes results.json, table.md, error_vs_hf.png, cp_curves.png, cost_vs_n.png.
# Usage: run.sh <output directory> [quick|full] [--seeds: also 10% and 30% HF drawn by -mf_seed 0..4, median and range]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args "" "$@"
out=${1:-$here/../../results/airfoil-mf}
size=${2:-quick}
mkdir -p -- "$out"
export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}
/usr/bin/python3 "$here/evaluate.py" "$out" --size "$size" --np "${SNAPS_NP:-1}" "${@:3}"
plot=$here/../../bench/airfoil-mf/plot.py
res=$here/../../bench/results
if [ "$size" = full ]; then
  base=("$out/baselines.json") preds=("$out/baselines_pred.h5") extra=(--scaling_extra "$out/sna_scaling.json")
else
  base=("$res/airfoil_mf_baselines.json") preds=("$res/airfoil_mf_baselines_pred.h5") extra=()
  [ -f "$here/reference/sna_scaling.json" ] && extra=(--scaling_extra "$here/reference/sna_scaling.json")
fi
/usr/bin/python3 "$plot" --results "${base[@]}" "$out/sna_results.json" --preds "${preds[@]}" "$out/sna_pred.h5" \
  --test "$out/split/test.h5" --fraction 0.1 --methods sna_residual_ylf sna_ar1_ylf mlp_mf mlp_hf --out "$out" --table table_all.md "${extra[@]}"
echo "airfoil-mf: results in $out"
