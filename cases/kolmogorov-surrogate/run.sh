#!/usr/bin/env bash
# 2-D Kolmogorov flow (Re = 40, n = 4, 64^2) rollout surrogates (SCIENCE.md section 4, issue 16), trained on
# snaps-kolmogorov trajectories, rolled out with snaps-kolmogorov -stepper sna from states of a held-out run never used
# in training, and compared with the solver on vorticity statistics, short-horizon forecasts and cost (evaluate.py).
# The default (LATENT=fourier): the deterministic surrogate on the 120 Fourier coordinates of |kx|, |ky| <= 5 with an
# exactly x-translation-equivariant quadratic drift per complex mode over a 0.1 step, fitted on two training runs with
# noisy copies whose targets carry the viscous propagator (README.md); not clamped; plus a free run of 8000 time
# units (1000 Lyapunov times). LATENT=pod: the former categorical SNA and its
# deterministic twin on a POD basis (clamped to the training box).
# Usage: run.sh <output directory> [quick|full|long]
#   quick (about 10 min on 2 shared cores): training 1 member x 200 time units and (fourier) one of 600 (seed 2),
#         saved every 0.1 (pod: the first only, every 0.5);
#         held-out truth runs A and B (independent seeds: the sampling noise) 1 member x 200 time units each
#         (25 Lyapunov times); long rollouts from truth A (fourier: 1 member; pod: 8 categorical members) x 200
#         time units; short horizon from 8 held-out states, 40 time units (5 Lyapunov times)
#   full  (not run; about an hour): training 2 members x 600 time units; truth A and B 2 x 400; long rollouts x 400
#   long  (about an hour of solver time on 2 shared cores; not part of the default job): the quick training, and the
#         categorical model on the Fourier latent (local heads, HEAD_OPTIONS) beside its deterministic twin, both with
#         the box |kx|, |ky| <= 6 (LATENT_MODES 6), a step of 0.1 (ROLLOUT_DT) and the drift as a vector field
#         (-drift_form rate) whose quadratic part conserves |z|^2 and whose linear part damps it (-drift_dissipative,
#         margin 0.05); truth A and B of 4 members x 2000 time units each after t = 30 (8000 time units = 1000
#         Lyapunov times per run; a field every 1; seeds 11.. and 21..; run side by side, one rank each); rollouts of
#         4 members x 2000 time units from truth A's members at t = 30; short horizon from the 8 start times of each
#         of its 4 members; evaluate.py --mode long: statistics over all of it with error bars from resampled
#         250-time-unit blocks
# Options through the environment: SNAPS_NP (ranks, 2), LATENT (fourier or pod), LATENT_MODES (Fourier box r, 5, long 6;
# POD modes, 8), REUSE_DATA=1 (keep the solver trajectories of an earlier run in OUT where its data.stamp matches this
# run's mode, latent, lengths, spacing and seeds; otherwise they are regenerated), FIT_OPTIONS (snaps-rollout-fit
# options; defaults above), ROLLOUT_DT (long mode: the surrogate step, 0.1; 0.2 measured in README.md),
# AUGMENT_SHIFTS=s (train on each training run plus its s - 1 x-translated copies, augment.py: an exact symmetry of
# the flow; 1, none), HEAD_OPTIONS (long mode: the categorical heads' snaps-rollout-fit options; $long_heads below),
# REUSE_MODELS=1 (keep the models sna_*.h5 of an earlier run in OUT where its models.stamp matches this run's latent,
# r, fit options and data: the fit of the categorical heads takes about 15 minutes here). REUSE_DATA and REUSE_MODELS
# are 0 (the default) or 1.
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args 2 "$@"
case_switch REUSE_DATA REUSE_MODELS
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/kolmogorov-surrogate}
mode=${2:-quick}
bin=$root/build/bin
np=${SNAPS_NP:-2}
py=/usr/bin/python3
source "$root/scripts/reuse-stamp.sh"
case $mode in
  quick) Ktr=1; Ttr=230; Ttr2=630; Ktruth=1; Tlong=200; starts="40 55 70 85 100 115 130 145"; drift_its=40; head_its=8 ;;
  full) Ktr=2; Ttr=630; Ttr2=630; Ktruth=2; Tlong=400; starts="40 80 120 160 200 240 280 320"; drift_its=100; head_its=20 ;;
  long) Ktr=1; Ttr=230; Ttr2=630; Ktruth=4; Tlong=2000; starts="40 55 70 85 100 115 130 145" ;;
  *) echo "run.sh: mode must be quick, full or long, not '$mode'" >&2; exit 2 ;;
esac
[ "$mode" = long ] && [ "${LATENT:-fourier}" != fourier ] && { echo "run.sh: long mode is for the Fourier latent (LATENT=fourier)" >&2; exit 2; }
latent=${LATENT:-fourier}
augment=${AUGMENT_SHIFTS:-1}
[[ $augment =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: AUGMENT_SHIFTS must be an integer >= 1 (copies of each training run), not '$augment'" >&2; exit 2; }
# LATENT_MODES and ROLLOUT_DT reach snaps-rollout-fit only after the solver data (minutes): a word or a sign is
# refused here, before any work (their ranges against the grid and the data's spacing are snaps-rollout-fit's to check)
[ -z "${LATENT_MODES:-}" ] || [[ $LATENT_MODES =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: LATENT_MODES must be a positive integer (the Fourier box r or the POD modes), not '$LATENT_MODES'" >&2; exit 2; }
[ -z "${ROLLOUT_DT:-}" ] || { [[ $ROLLOUT_DT =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$ ]] && [[ $ROLLOUT_DT =~ ^[^eE]*[1-9] ]]; } || { echo "run.sh: ROLLOUT_DT must be a positive number (the long mode's surrogate step), not '$ROLLOUT_DT'" >&2; exit 2; }
long_dt=${ROLLOUT_DT:-0.1} # the long mode's surrogate step (README.md, "Step 0.2": 0.2 is 1.2 to 2.4x cheaper, its statistics a little worse)
[ -n "${ROLLOUT_DT:-}" ] && { [ "$mode" = long ] && [ "$latent" = fourier ] && [ -z "${FIT_OPTIONS:-}" ] || { echo "run.sh: ROLLOUT_DT=$ROLLOUT_DT sets the long mode's step (LATENT=fourier, no FIT_OPTIONS), and this run (mode $mode, LATENT=$latent${FIT_OPTIONS:+, FIT_OPTIONS set}) would ignore it: unset it, or give -rollout_dt in FIT_OPTIONS" >&2; exit 2; }; }
# HEAD_OPTIONS reach only the long mode's categorical heads (the quick and full modes fit none on the Fourier latent, and the
# pod latent's are set by FIT_OPTIONS): refused elsewhere, not dropped
[ -z "${HEAD_OPTIONS:-}" ] || [ "$mode" = long ] || { echo "run.sh: HEAD_OPTIONS='$HEAD_OPTIONS' sets the long mode's categorical heads, and this run (mode $mode) fits none with them: unset it, or give the heads' options in FIT_OPTIONS" >&2; exit 2; }
long_heads="-head_local -head_stride 4 -residual_scale 0.7" # chosen on the training runs (README.md, "Long horizon")
case $latent in
  fourier) r=${LATENT_MODES:-5}; dt_train=0.1; kinds="deterministic"
    fit_options=${FIT_OPTIONS:--rollout_dt 0.1 -drift_degree 2 -drift_noise 0.22}
    if [ "$mode" = long ]; then # |kx|, |ky| <= 6, the rate form, dissipative: bounded from every start of a validation run (README.md)
      r=${LATENT_MODES:-6}
      fit_options=${FIT_OPTIONS:--rollout_dt $long_dt -drift_degree 2 -drift_noise 0.22 -drift_form rate -drift_dissipative -drift_dissipative_margin 0.05}
      kinds="categorical deterministic" && fit_options="$fit_options ${HEAD_OPTIONS:-$long_heads}"
    fi ;;
  pod) r=${LATENT_MODES:-8}; dt_train=0.5; kinds="categorical deterministic"
    fit_options=${FIT_OPTIONS:--rollout_dt 0.5 -drift_sna_khronos_modes 4 -head_sna_khronos_modes 4 -drift_sna_fit_max_it $drift_its -head_sna_fit_max_it $head_its} ;;
  *) echo "run.sh: LATENT must be fourier or pod, not '$latent'" >&2; exit 2 ;;
esac
mkdir -p -- "$out"
# an earlier run's files that this one would not rewrite: the free run (the Fourier latent's quick and full modes
# only), the other mode's plot, and the results (written at the end: a failed run must not leave an earlier run's)
case_clean "$out" "$out"/free_1000lt.{h5,json,xmf} "$out"/kolmogorov_{surrogate,long}.png "$out"/{results.json,summary.md}
kol=(mpirun -n "$np" "$bin/snaps-kolmogorov" -N 64 -Re 40 -progress_every 60) # an array: the paths may hold spaces
dt_save=0.5; [ "$mode" = long ] && dt_save=1 # truth and rollouts: a field every dt_save (long: 2 x 8000 fields per run)
# 1. solver data: training (seed 1, from t = 30 after the transient), held-out truth A (seed 3: initial states of every
#    rollout, and the reference statistics) and B (seed 4: the solver-vs-solver sampling noise)
# what the data depend on: reused (REUSE_DATA=1) only where the stamp written beside them after their last complete
# generation matches, so that data of another mode, latent or length are never evaluated as this run's
data_stamp="mode=$mode latent=$latent train=$Ktr x ($Ttr, $Ttr2) every $dt_train seeds 1 2; truth=$Ktruth x $Tlong every $dt_save"
data_stamp="$data_stamp seeds $([ "$mode" = long ] && echo "11 21" || echo "3 4")"
reuse_data=0
if [ "${REUSE_DATA:-0}" = 1 ] && stamp_matches "$out/data.stamp" "$data_stamp" "the solver trajectories in $out (REUSE_DATA=1)" \
  && [ -f "$out/truth_a.h5" ] && [ -f "$out/truth_b.h5" ]; then
  reuse_data=1
fi
if [ "$reuse_data" = 1 ]; then
  echo "run.sh: reusing the solver trajectories in $out"
else
  rm -f "$out/data.stamp" "$out/models.stamp" "$out"/truth_[ab].{h5,json} "$out"/train2.h5 # a failed run below must leave nothing to reuse or evaluate (train2.h5: the Fourier latent's alone)
  "${kol[@]}" -ensemble $Ktr -seed 1 -T $Ttr -save_start 30 -dt_save $dt_train -trajectory "$out/train.h5" -results "$out/train.json" | tail -1
  [ "$latent" = fourier ] && "${kol[@]}" -ensemble $Ktr -seed 2 -T $Ttr2 -save_start 30 -dt_save $dt_train -trajectory "$out/train2.h5" | tail -1
  if [ "$mode" = long ]; then # two independent runs side by side, one rank each: they share nothing, the slabs would
    solver1=(mpirun -n 1 "$bin/snaps-kolmogorov" -N 64 -Re 40 -progress_every 600 -ensemble "$Ktruth" -T $((Tlong + 30)) -save_start 30 -dt_save "$dt_save")
    "${solver1[@]}" -seed 11 -trajectory "$out/truth_a.h5" -results "$out/truth_a.json" > "$out/truth_a.log" &
    pidA=$!
    "${solver1[@]}" -seed 21 -trajectory "$out/truth_b.h5" -results "$out/truth_b.json" > "$out/truth_b.log"
    wait "$pidA" # its exit status (a bare wait returns 0): set -e stops here where truth A failed
  else
    "${kol[@]}" -ensemble $Ktruth -seed 3 -T $((Tlong + 70)) -save_start 30 -dt_save $dt_save -trajectory "$out/truth_a.h5" -results "$out/truth_a.json" | tail -1
    "${kol[@]}" -ensemble $Ktruth -seed 4 -T $((Tlong + 30)) -save_start 30 -dt_save $dt_save -trajectory "$out/truth_b.h5" -results "$out/truth_b.json" | tail -1
  fi
  echo "$data_stamp" > "$out/data.stamp"
fi
# 2. the surrogates: the deterministic one on the Fourier latent, or (pod) the categorical model and its twin
train=$out/train.h5
[ "$latent" = fourier ] && train=$out/train.h5,$out/train2.h5
if [ "$augment" -gt 1 ]; then # every training run with its x-translates, not the first alone
  augmented=""
  IFS=, read -ra train_files <<<"$train" # split at the commas only: $out may hold a space
  for f in "${train_files[@]}"; do
    $py "$here/augment.py" "$f" "${f%.h5}_augmented.h5" "$augment"
    augmented=${augmented:+$augmented,}${f%.h5}_augmented.h5
  done
  train=$augmented
fi
outputs=(-twin_model "$out/sna_deterministic.h5") # an array: $out may hold a space
case " $kinds " in *" categorical "*) outputs+=(-model "$out/sna_categorical.h5") ;; esac # pod, and the long mode
rm -f "$out"/long_*.h5 "$out"/short_*.h5 # a model kind not trained now must not be evaluated from an earlier run
# what the models depend on (their data included): reused (REUSE_MODELS=1) only where the stamp written after their
# last fit matches
models_stamp="latent=$latent r=$r kinds=$kinds augment=$augment${augmented:+ (every training run)} fit=$fit_options; data: $data_stamp"
reuse_models=0
if [ "${REUSE_MODELS:-0}" = 1 ] && stamp_matches "$out/models.stamp" "$models_stamp" "the models in $out (REUSE_MODELS=1)" \
  && (for kind in $kinds; do [ -f "$out/sna_$kind.h5" ] || exit 1; done); then
  reuse_models=1
fi
if [ "$reuse_models" = 1 ]; then
  echo "run.sh: reusing the models in $out (REUSE_MODELS=1)"
else
  rm -f "$out/models.stamp" "$out"/sna_{categorical,deterministic}.h5 # the kinds not trained now must not stay from an earlier run
  mpirun -n "$np" "$bin/snaps-rollout-fit" -trajectories "$train" "${outputs[@]}" -latent "$latent" -latent_modes "$r" $fit_options | tee "$out/rollout_fit.log" | grep -v "^snaps-rollout-fit: \(drift\|head\)"
  echo "$models_stamp" > "$out/models.stamp"
fi
# 3. rollouts with the solver's program: long (statistics, from truth A at t = 30) and short (from truth A at each
#    start time, 8 samples of the categorical model), written as trajectories like the solver's
for kind in $kinds; do
  K=8; [ $kind = deterministic ] && K=1 # the twin's members from one state would be identical
  [ "$mode" = long ] && K=$Ktruth # long: member k from truth A's member k at t = 30, as long as it
  "${kol[@]}" -stepper sna -stepper_model "$out/sna_$kind.h5" -init_trajectory "$out/truth_a.h5" -init_time 30 -ensemble $K \
    -T "$Tlong" -dt_save $dt_save -seed 8 -trajectory "$out/long_$kind.h5" -results "$out/long_$kind.json" | grep reached
  K=8; [ $kind = deterministic ] && K=1
  [ "$mode" = long ] && K=$((K * Ktruth)) # from each of truth A's members (evaluate.py pairs member k with k mod Ktruth)
  for s in $starts; do
    "${kol[@]}" -stepper sna -stepper_model "$out/sna_$kind.h5" -init_trajectory "$out/truth_a.h5" -init_time "$s" -ensemble $K \
      -T 40 -dt_save $dt_save -seed $((100 + s)) -trajectory "$out/short_${kind}_$s.h5" > /dev/null
  done
done
if [ "$mode" = long ]; then
  uptime
  $py "$here/evaluate.py" "$out" --mode long --starts "$starts"
  exit 0
fi
# the free run over 1000 Lyapunov times (8000 time units, a field every 5): cheap for the surrogate, not for the solver
[ "$latent" = fourier ] && "${kol[@]}" -stepper sna -stepper_model "$out/sna_deterministic.h5" -init_trajectory "$out/truth_a.h5" \
  -init_time 30 -ensemble 1 -T 8000 -dt_save 5 -trajectory "$out/free_1000lt.h5" -results "$out/free_1000lt.json" | grep reached
# 4. metrics, plots, results.json and summary.md (with the load average: timings on a shared machine)
uptime
$py "$here/evaluate.py" "$out" --mode "$mode" --starts "$starts" --tlong "$Tlong"
