#!/usr/bin/env bash
# Airfoil multi-fidelity benchmark (issue 14; cases/airfoil-mf/README.md): XFOIL (LF) and OpenFOAM (HF) Cp of NACA
# 4-digit airfoils from the committed cases/airfoil/data/airfoil_mf.h5, the split of bench/airfoil-mf/harness.py
# (whole airfoils held out). The SNA (mf, residual and ar1 blends), HF-only KHRONOS and the LF model alone at 0, 10,
# 30 and 100% HF, predicted both ways (own LF model; correcting the test airfoils' XFOIL Cp), scored by harness.score.
#   the correction's weight is chosen per blend and HF fraction on validation airfoils first (evaluate.choose_weights)
#   quick (default; 122 CPU s, 423 s wall at load 4 to 6 on 2 shared cores on 2026-12-06; with --seeds 278 to 569 s,
#         README "Results"): the baselines (MLPs, co-kriging) are READ from bench/results/airfoil_mf_baselines.json,
#         timed in another run (table.md says so)
#   full: the baselines are run here on the same split, and the SNA's fit cost against the row count is measured
# Writes results.json, table.md, table_all.md, error_vs_hf.png, cp_curves.png, cost_vs_n.png; the outputs of an earlier
# run in the same directory that this one would not rewrite (the other mode's, --seeds' fits) are removed first.
# Usage: run.sh <output directory> [quick|full] [--seeds] [--fixed_weight]   (ranks: SNAPS_NP, default 1)
#   --seeds: also 10% and 30% HF drawn by -mf_seed 0..4, median and range; --fixed_weight: the correction's lambda 1e-6
#   at every fraction (no choice on validation airfoils). evaluate.py's other modes (--retable, --search*, --scaling,
#   --check) write no new results to plot: run cases/airfoil-mf/evaluate.py OUT --help for them.
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args "" "$@"
out=${1:-$here/../../results/airfoil-mf}
shift || true
size=quick
case ${1:-} in quick | full) size=$1; shift ;; esac
opts=()
for a in "$@"; do # every argument checked before any work: evaluate.py's other modes would leave nothing fresh to plot
  case $a in
    --seeds | --fixed_weight) opts+=("$a") ;;
    *) echo "run.sh: unexpected argument '$a': run.sh takes <output directory> [quick|full] [--seeds] [--fixed_weight]" \
         "(evaluate.py's other modes: cases/airfoil-mf/evaluate.py OUT --help); usage: $0 --help" >&2; exit 2 ;;
  esac
done
mkdir -p -- "$out"
# an earlier run's outputs in OUT: removed, so that a failed run leaves none to be taken for its own (the plots below
# read sna_results.json and sna_pred.h5), and the other mode's and --seeds' files do not stay beside this run's
# (evaluate.py's names only: scaling_<n>.h5(.model) and scaling_<n>_fit.json(.log); seed<k>_<method>_<pct>[...] .h5, _fit.json,
# _fit.log, _pred.h5, _pred.log; regular files, never a directory or another name of the user's in OUT)
earlier=()
for f in "$out"/scaling_[0-9]*{.h5,.h5.model,_fit.json,_fit.json.log} "$out"/seed[0-9]_*_[0-9][0-9][0-9]*{.h5,_fit.json,_fit.log,_pred.log}; do
  [ -f "$f" ] && [ ! -L "$f" ] && earlier+=("$f")
done
case_clean "$out" "$out"/{results,sna_results}.json "$out"/sna_pred.h5 "$out"/table{,_all}.md "$out"/{error_vs_hf,cp_curves,cost_vs_n}.png \
  "$out"/baselines{.json,_pred.h5,.log} "$out"/sna_scaling.json ${earlier[@]+"${earlier[@]}"}
export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}
/usr/bin/python3 "$here/evaluate.py" "$out" --size "$size" --np "${SNAPS_NP:-1}" ${opts[@]+"${opts[@]}"}
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
