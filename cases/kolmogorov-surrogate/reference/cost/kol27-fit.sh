#!/usr/bin/env bash
# Issue 16, session 27: a cheaper categorical model of the long mode's kind. Fits the long-mode default categorical
# model (run.sh long's options: r = 6, rate, dissipative 0.05, -head_local -head_stride 4 -residual_scale 0.7; 16 bins,
# KHRONOS heads of 4 nodes and 8 modes by default) or a candidate (its extra snaps-rollout-fit options, or LATENT_MODES,
# the Fourier box r, 6) on run.sh long's training runs in DIR (train.h5 and train2.h5: seeds 1 and 2, 200 and 600 time
# units after t = 30, saved every 0.1), one after the other, one rank each, nice -n 19 (kol27.log: two such scripts ran
# side by side, reniced to 0 by hand under the other helpers' load). The fit's log: DIR/fit_<name>.log.
# The training runs depend on the solver's rank count (rounding amplified by the chaos): run.sh makes them on SNAPS_NP
# = 2 ranks, kol27.log's on 1 rank (another sample: VPT 0.63 there against 0.87 on the 2-rank runs, README "Cost").
# To make them as run.sh long does:
#   k="mpirun -n 2 build/bin/snaps-kolmogorov -N 64 -Re 40 -ensemble 1 -save_start 30 -dt_save 0.1"
#   $k -seed 1 -T 230 -trajectory DIR/train.h5; $k -seed 2 -T 630 -trajectory DIR/train2.h5
# Usage: DIR=... [LATENT_MODES=6] [BIN=build/bin] kol27-fit.sh name "extra options" [name "extra options" ...]
root=$(cd "$(dirname "$0")/../../../.." && pwd)
cd "$root" && source scripts/env.sh
set -eo pipefail
O=${DIR:?DIR holds train.h5 and train2.h5}; bin=${BIN:-build/bin}
base="-latent fourier -latent_modes ${LATENT_MODES:-6} -rollout_dt 0.1 -drift_degree 2 -drift_noise 0.22 -drift_form rate -drift_dissipative -drift_dissipative_margin 0.05 -head_local -head_stride 4 -residual_scale 0.7"
while [ $# -ge 2 ]; do
  name=$1; extra=$2; shift 2
  echo "# $(date -u '+%F %H:%M') fit $name: $base $extra; load $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "$name: %e s wall %M kB" nice -n 19 mpirun -n 1 $bin/snaps-rollout-fit -trajectories $O/train.h5,$O/train2.h5 \
    -model $O/sna_$name.h5 $base $extra > $O/fit_$name.log 2>&1
  tail -1 $O/fit_$name.log
done
