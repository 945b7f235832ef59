#!/usr/bin/env bash
# Is the step-0.2 model still usable? Rollouts of the step-0.1 and step-0.2 models (twin and categorical; long-kol11-step.sh's
# models in DIR, /tmp/kol11) from held-out truth A (seed 11, 4 members saved every 1 over t = 30..60, never used in training):
#   stats_<name>.h5: 4 members x 30 time units from t = 30 (the whole of truth A's window), a field every 1;
#   free_<name>.h5:  4 members x 2000 time units from t = 30 (1000 Lyapunov times each), a field every 10: bounded?
#   short_<name>_<s>.h5: from t = s = 30, 35, 40, 20 time units, a field every 1 (categorical: 8 samples per member)
# then step02-usability.py DIR/use (evaluate.py's long_metrics and short_metrics). Niced (not timed). STEPS="01" or "02": the rollouts
# of that step only (no evaluation).
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../../../.." && pwd)
cd "$root" && source scripts/env.sh
O=${DIR:-/tmp/kol11}; U=$O/use; mkdir -p $U; ln -sf $O/truth_a.h5 $U/truth_a.h5
kol="nice -n 19 mpirun -n 1 build/bin/snaps-kolmogorov -N 64 -Re 40 -stepper sna -init_trajectory $O/truth_a.h5"
for step in ${STEPS:-01 02}; do
  for kind in deterministic categorical; do
    m=$O/sna${step}_$kind.h5; name=${kind}$step
    $kol -stepper_model $m -init_time 30 -ensemble 4 -T 30 -dt_save 1 -seed 8 -trajectory $U/stats_$name.h5 > /dev/null
    $kol -stepper_model $m -init_time 30 -ensemble 4 -T 2000 -dt_save 10 -seed 9 -trajectory $U/free_$name.h5 | grep reached
    K=4; [ $kind = categorical ] && K=32
    for s in 30 35 40; do
      $kol -stepper_model $m -init_time $s -ensemble $K -T 20 -dt_save 1 -seed $((100 + s)) -trajectory $U/short_${name}_$s.h5 > /dev/null
    done
  done
done
[ -n "${STEPS:-}" ] || /usr/bin/python3 "$here/step02-usability.py" $U # STEPS given: the rollouts of those steps only
