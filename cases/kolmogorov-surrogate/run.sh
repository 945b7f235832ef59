#!/usr/bin/env bash
# 2-D Kolmogorov flow (Re = 40, n = 4, 64^2) rollout surrogates (SCIENCE.md section 4, issue 16): a categorical
# (distributional) SNA surrogate on a POD latent basis and its deterministic twin, trained on snaps-kolmogorov
# trajectories, rolled out with snaps-kolmogorov -stepper sna from states of a held-out run never used in training,
# and compared with the solver on vorticity statistics, short-horizon forecasts and cost (evaluate.py).
# Usage: run.sh <output directory> [quick|full]
#   quick (about 5-8 min on 2 shared cores): training 1 member x 170 time units (saved every 0.5); held-out truth
#         runs A and B (independent seeds: the sampling noise) 1 member x 100 time units each; long rollouts 8 members
#         x 100 time units; short horizon from 4 held-out states x 8 samples, 40 time units (5 Lyapunov times)
#   full  (about 40 min): training 2 members x 600 time units; truth A and B 2 x 400; long rollouts 8 x 400;
#         short horizon from 8 held-out states
# Options through the environment: SNAPS_NP (ranks, 2), LATENT_MODES (POD modes, 8), REUSE_DATA=1 (keep the
# solver trajectories of an earlier run in OUT), FIT_OPTIONS (snaps-rollout-fit options; default: drifts and heads
# with 4 KHRONOS modes, the best of the search in README.md), AUGMENT_SHIFTS=s (train on the training run plus its
# s - 1 x-translated copies, augment.py: an exact symmetry of the flow; 1, none).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/kolmogorov-surrogate}
mode=${2:-quick}
bin=$root/build/bin
np=${SNAPS_NP:-2}
py=/usr/bin/python3
r=${LATENT_MODES:-8}
fit_options=${FIT_OPTIONS:--drift_sna_khronos_modes 4 -head_sna_khronos_modes 4}
mkdir -p "$out"
case $mode in
  quick) Ktr=1; Ttr=200; Ktruth=1; Tlong=100; starts="40 55 70 85"; drift_its=40; head_its=8 ;;
  full) Ktr=2; Ttr=630; Ktruth=2; Tlong=400; starts="40 80 120 160 200 240 280 320"; drift_its=100; head_its=20 ;;
  *) echo "run.sh: mode must be quick or full, not '$mode'" >&2; exit 2 ;;
esac
kol="mpirun -n $np $bin/snaps-kolmogorov -N 64 -Re 40 -progress_every 60"
# 1. solver data: training (seed 1, from t = 30 after the transient), held-out truth A (seed 3: initial states of every
#    rollout, and the reference statistics) and B (seed 4: the solver-vs-solver sampling noise)
if [ "${REUSE_DATA:-0}" = 1 ] && [ -f "$out/truth_b.h5" ]; then
  echo "run.sh: reusing the solver trajectories in $out"
else
  $kol -ensemble $Ktr -seed 1 -T $Ttr -save_start 30 -dt_save 0.5 -trajectory "$out/train.h5" -results "$out/train.json" | tail -1
  $kol -ensemble $Ktruth -seed 3 -T $((Tlong + 70)) -save_start 30 -dt_save 0.5 -trajectory "$out/truth_a.h5" -results "$out/truth_a.json" | tail -1
  $kol -ensemble $Ktruth -seed 4 -T $((Tlong + 30)) -save_start 30 -dt_save 0.5 -trajectory "$out/truth_b.h5" -results "$out/truth_b.json" | tail -1
fi
# 2. the surrogates: r POD modes, the categorical model and its deterministic twin (one drift)
train=$out/train.h5
if [ "${AUGMENT_SHIFTS:-1}" -gt 1 ]; then
  $py "$here/augment.py" "$out/train.h5" "$out/train_augmented.h5" "$AUGMENT_SHIFTS"
  train=$out/train_augmented.h5
fi
mpirun -n "$np" "$bin/snaps-rollout-fit" -trajectories "$train" -model "$out/sna_categorical.h5" \
  -twin_model "$out/sna_deterministic.h5" -latent pod -latent_modes "$r" -rollout_dt 0.5 \
  -drift_sna_fit_max_it "$drift_its" -head_sna_fit_max_it "$head_its" $fit_options | tee "$out/rollout_fit.log" | grep -v "^snaps-rollout-fit: \(drift\|head\)"
# 3. rollouts with the solver's program: long (statistics, from truth A at t = 30) and short (from truth A at each
#    start time, 8 samples of the categorical model), written as trajectories like the solver's
for kind in categorical deterministic; do
  K=8; [ $kind = deterministic ] && K=1 # the twin's members from one state would be identical
  $kol -stepper sna -stepper_model "$out/sna_$kind.h5" -init_trajectory "$out/truth_a.h5" -init_time 30 -ensemble $K \
    -T "$Tlong" -dt_save 0.5 -seed 8 -trajectory "$out/long_$kind.h5" -results "$out/long_$kind.json" | grep reached
  for s in $starts; do
    $kol -stepper sna -stepper_model "$out/sna_$kind.h5" -init_trajectory "$out/truth_a.h5" -init_time "$s" -ensemble $K \
      -T 40 -dt_save 0.5 -seed $((100 + s)) -trajectory "$out/short_${kind}_$s.h5" > /dev/null
  done
done
# 4. metrics, plots, results.json and summary.md (with the load average: timings on a shared machine)
uptime
$py "$here/evaluate.py" "$out" --mode "$mode" --starts "$starts" --tlong "$Tlong"
