#!/usr/bin/env bash
# The long mode's cost at the surrogate step 0.1 (the default) and 0.2 (measured, not the default), back to back with
# the solver: per repetition the solver over 20 time units from member 0 of truth A (seed 11) at t = 30 (no fields
# written), then the twin and the categorical model of step 0.1 and of step 0.2 (r = 6, rate, dissipative 0.05, local
# heads, -head_stride 4 -residual_scale 0.7, fitted on 200 time units of training run 1: fit-kol11-step02.log) over
# 4 members x T (100) time units from truth A's 4 members at t = 30, a field every 1 written; SNAPS_NP ranks (1); not
# niced (the load average printed with each repetition). Prints each run's wall_time_s (the program's clock: loading,
# stepping, diagnostics, writing) and the rollouts' model load seconds (their 'reached' line, since 2026-12-05 23:15;
# before, the 'stepping' figures of the logs were the reached line's whole wall time, the same as wall_time_s).
# Usage: [T=time units per member (100)] long-kol11-step.sh [repetitions (3)]; DIR (/tmp/kol11) holds truth_a.h5, sna01_{deterministic,categorical}.h5
# and sna02_{deterministic,categorical}.h5. Medians: long-kol11-step-ratios.py LOG.
root=$(cd "$(dirname "$0")/../../../.." && pwd)
cd "$root" && source scripts/env.sh
O=${DIR:-/tmp/kol11}; R=$O/cost; np=${SNAPS_NP:-1}; T=${T:-100}; bin=build/bin/snaps-kolmogorov; mkdir -p $R
wall() { /usr/bin/python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['wall_time_s'])" "$1"; }
for i in $(seq ${1:-3}); do
  rm -f $R/*.h5 $R/*.xmf
  mpirun --oversubscribe -n $np $bin -N 64 -Re 40 -init_trajectory $O/truth_a.h5 -init_time 30 -ensemble 1 -seed 3 -T 20 -results $R/solver.json > /dev/null
  line="solver 20 time units $(wall $R/solver.json) s"; steps=""
  for step in 01 02; do
    for kind in deterministic categorical; do
      s=$(mpirun --oversubscribe -n $np $bin -N 64 -Re 40 -stepper sna -stepper_model $O/sna${step}_$kind.h5 -init_trajectory $O/truth_a.h5 -init_time 30 -ensemble 4 -T $T -dt_save 1 -seed 8 -trajectory $R/$step$kind.h5 -results $R/$step$kind.json | grep reached | sed 's/.*members, [0-9.]* s (\([0-9.]*\) s of it loading.*/\1/')
      line="$line; step 0.${step#0} $kind 4 x $T $(wall $R/$step$kind.json) s"; steps="$steps $s"
    done
  done
  echo "rep $i ($np ranks): $line; model load$steps s; load $(cut -d' ' -f1-3 /proc/loadavg)"
done
