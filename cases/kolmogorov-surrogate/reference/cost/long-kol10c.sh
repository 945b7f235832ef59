#!/usr/bin/env bash
# The long mode's cost, back to back: per repetition main's build (its snaps-kolmogorov and libsnaps copied to
# /tmp/kol10c-base) and then this branch's, each running the solver over 20 time units from truth A's member 0 at
# t = 30 (no fields written), then the long-mode twin and categorical model (r = 6, rate, dissipative 0.05, local heads,
# -head_stride 4 -residual_scale 0.7; fitted on 200 time units of training run 1 only: /tmp/kol10c/fit.log) over
# 4 members x 100 time units from truth A's 4 members at t = 30, a field every 1 written; SNAPS_NP ranks (1).
# Prints each run's wall_time_s (the program's clock: loading, stepping, diagnostics, writing) and the rollouts'
# stepping seconds (their 'reached' line), with the load average. Usage: long-kol10c.sh [repetitions (3)]
cd /work/wt-kol10c && source scripts/env.sh
O=/tmp/kol10c; R=$O/cost; np=${SNAPS_NP:-1}; mkdir -p $R
wall() { /usr/bin/python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['wall_time_s'])" "$1"; }
for i in $(seq ${1:-3}); do
  for b in main branch; do
    if [ $b = main ]; then bin="env LD_LIBRARY_PATH=/tmp/kol10c-base /tmp/kol10c-base/snaps-kolmogorov"; else bin=build/bin/snaps-kolmogorov; fi
    rm -f $R/*.h5 $R/*.xmf
    nice -n 19 mpirun --oversubscribe -n $np $bin -N 64 -Re 40 -init_trajectory $O/truth_a.h5 -init_time 30 -ensemble 1 -seed 3 -T 20 -results $R/solver.json > /dev/null
    steps=""
    for kind in deterministic categorical; do
      s=$(nice -n 19 mpirun --oversubscribe -n $np $bin -N 64 -Re 40 -stepper sna -stepper_model $O/sna_$kind.h5 -init_trajectory $O/truth_a.h5 -init_time 30 -ensemble 4 -T 100 -dt_save 1 -seed 8 -trajectory $R/$kind.h5 -results $R/$kind.json | grep reached | sed 's/.*members, \([0-9.]*\) s.*/\1/')
      steps="$steps $s"
    done
    echo "$b ($np ranks): solver 20 time units $(wall $R/solver.json) s; deterministic 4 x 100 $(wall $R/deterministic.json) s; categorical 4 x 100 $(wall $R/categorical.json) s; stepping (deterministic, categorical)$steps s; load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
