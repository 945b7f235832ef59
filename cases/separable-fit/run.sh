#!/usr/bin/env bash
# Separable-fit case: fit KHRONOS to 20000 scattered samples on 2 MPI ranks, predict on a grid,
# plot truth / prediction / error and the training curve.
# Usage: run.sh <output directory>   (programs from build/bin; MPI environment from scripts/env.sh; ranks: SNAPS_NP,
#        default 2)
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args 1 "$@"
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/separable-fit}
bin=$root/build/bin
np=${SNAPS_NP:-2}
mkdir -p -- "$out"
# an earlier run's outputs go first: a run that fails leaves none of them to be read as its own (plot_fit.py names the
# figure after the directory, as its absolute path's last part)
case_clean "$out" "$out"/{train,grid,model,prediction}.h5 "$out"/{fit,predict}.{json,log} "$out"/prediction.xdmf \
  "$out"/summary.md "$out/$(basename -- "$(cd "$out" && pwd)").png"
/usr/bin/python3 "$here/make_data.py" "$out"
mpirun -n "$np" "$bin/snaps-fit" -options_file "$here/fit.opts" -data "$out/train.h5" -model "$out/model.h5" \
  -results "$out/fit.json" | tee "$out/fit.log"
mpirun -n "$np" "$bin/snaps-predict" -model "$out/model.h5" -data "$out/grid.h5" -out "$out/prediction.h5" \
  -results "$out/predict.json" | tee "$out/predict.log"
/usr/bin/python3 "$root/postprocess/plot_fit.py" "$out"
