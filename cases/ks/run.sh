#!/usr/bin/env bash
# Kuramoto-Sivashinsky case: long-time statistics and the leading Lyapunov exponent of KS L = 22 (and, in
# full mode, L = 100) with snaps-ks on 2 MPI ranks (ensemble members spread over the ranks).
# Usage: run.sh <output directory> [quick|full]   (ranks: SNAPS_NP, default 2)
#   quick (the default suite, about 1 min): L = 22, 4 members; statistics over t in [100, 1000], Lyapunov
#         exponent from 1000 time units per member
#   full  (the measurement in README.md, about 15 min alone on 2 cores): L = 22 statistics of 8 members over
#         [200, 5200]; Lyapunov exponent from 32 members x 5000 time units (L = 22) and 8 x 2000 (L = 100)
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args 2 "$@"
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/ks}
mode=${2:-quick}
bin=$root/build/bin
np=${SNAPS_NP:-2}
py=/usr/bin/python3
case $mode in
  quick) K=4; T=1000; skip=100; LK=4; LT=1100; L100=0 ;;
  full) K=8; T=5200; skip=200; LK=32; LT=5100; L100=1 ;;
  *) echo "run.sh: mode must be quick or full, not '$mode'" >&2; exit 2 ;;
esac
mkdir -p -- "$out"
# an earlier run's outputs: a run that fails must leave none of them to be read as its own (ks22.json, the statistics and
# summary.md stayed beside a failed run's log), and the full mode's lyapunov100.* must not stay beside a quick run's
case_clean "$out" "$out"/ks22.{h5,xmf,json,log} "$out"/ks22_stats.{json,png} "$out"/lyapunov{22,100}.{json,log} "$out"/summary.{json,md}
# statistics: one trajectory file, every member
mpirun -n "$np" "$bin/snaps-ks" -L 22 -N 64 -ensemble "$K" -T "$T" -dt_save 0.5 -save_start "$skip" \
  -trajectory "$out/ks22.h5" -results "$out/ks22.json" -progress_every 30 | tee "$out/ks22.log"
$py "$root/postprocess/flow_stats.py" "$out/ks22.h5" --json "$out/ks22_stats.json" --png "$out/ks22_stats.png" --label "snaps-ks L=22"
# the leading Lyapunov exponent: two-trajectory renormalisation every time unit after a 100-unit spin-up
mpirun -n "$np" "$bin/snaps-ks" -L 22 -N 64 -ensemble "$LK" -T "$LT" -lyapunov -lyapunov_transient 100 -lyapunov_tau 1 \
  -seed 11 -results "$out/lyapunov22.json" -progress_every 60 | tee "$out/lyapunov22.log"
if [ "$L100" = 1 ]; then
  mpirun -n "$np" "$bin/snaps-ks" -L 100 -N 256 -ensemble 8 -T 2100 -lyapunov -lyapunov_transient 100 -lyapunov_tau 1 \
    -seed 12 -results "$out/lyapunov100.json" -progress_every 60 | tee "$out/lyapunov100.log"
fi
$py "$here/summary.py" "$out" "$mode"
