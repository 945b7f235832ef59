#!/usr/bin/env bash
# 2-D Kolmogorov flow case, Re = 40, n = 4 on [0, 2 pi]^2 (64^2): statistics, energy balance, the leading
# Lyapunov exponent, and 1 vs 2 MPI ranks (each member is split over the ranks in FFTW-MPI slabs).
# Usage: run.sh <output directory> [quick|full]   (ranks: SNAPS_NP, default 2)
#   quick (the default suite, about 1 min): one trajectory over t in [0, 300], statistics after t = 50
#   full  (the measurement in README.md, about 15 min alone on 2 cores): t in [0, 1000]; Lyapunov exponent from
#         4 members x 500 time units; wall time of 128^2 for 20 time units on 1 and 2 ranks, median of 3
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args 2 "$@"
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/kolmogorov}
mode=${2:-quick}
bin=$root/build/bin
np=${SNAPS_NP:-2}
py=/usr/bin/python3
case $mode in
  quick) T=300 ;;
  full) T=1000 ;;
  *) echo "run.sh: mode must be quick or full, not '$mode'" >&2; exit 2 ;;
esac
mkdir -p -- "$out"
# an earlier run's outputs: a run that fails must leave none of them to be read as its own (kolmogorov.json, the statistics
# and summary.md stayed beside a failed run's log), and the full mode's lyapunov.* and ranks*.json none beside a quick run's
case_clean "$out" "$out"/kolmogorov.{h5,xmf,json,log} "$out"/kolmogorov_stats.{json,png} "$out"/lyapunov.{json,log} \
  "$out"/ranks[12]_[123].json "$out"/summary.{json,md}
mpirun -n "$np" "$bin/snaps-kolmogorov" -N 64 -Re 40 -T "$T" -dt_save 0.5 -trajectory "$out/kolmogorov.h5" \
  -results "$out/kolmogorov.json" -progress_every 30 | tee "$out/kolmogorov.log"
$py "$root/postprocess/flow_stats.py" "$out/kolmogorov.h5" --skip 50 --json "$out/kolmogorov_stats.json" \
  --png "$out/kolmogorov_stats.png" --label "snaps-kolmogorov Re=40"
if [ "$mode" = full ]; then
  mpirun -n "$np" "$bin/snaps-kolmogorov" -N 64 -Re 40 -ensemble 4 -T 600 -lyapunov -lyapunov_transient 100 \
    -seed 21 -results "$out/lyapunov.json" -progress_every 60 | tee "$out/lyapunov.log"
  for n in 1 2; do
    for rep in 1 2 3; do
      mpirun -n "$n" "$bin/snaps-kolmogorov" -N 128 -Re 40 -T 20 -dt_save 20 -results "$out/ranks${n}_${rep}.json" > /dev/null
    done
  done
fi
$py "$here/summary.py" "$out" "$mode"
