#!/usr/bin/env bash
# KS L = 22 rollout surrogates (SCIENCE.md section 4, issue 16): a categorical (distributional) SNA surrogate and its
# deterministic twin trained on snaps-ks trajectories, an echo state network baseline (bench/esn.py) trained on the
# same data, all rolled out from held-out initial states and compared with the solver on long-horizon statistics
# (pooled over members: >= 1000 Lyapunov times, lambda = 0.048) and short-horizon forecasts.
# Usage: [L=100] run.sh <output directory> [quick|full]
# Options through the environment: SNAPS_NP (MPI ranks, 2), L (the domain length: 22, the default, or 100),
# REUSE_DATA=1 (keep the solver trajectories and the ESN of an earlier run in OUT where their stamps, data.stamp and
# esn.stamp, match this run's length, mode and settings; otherwise they are made again; 0, the default: made again),
# FIT_OPTIONS (more snaps-rollout-fit options, after the defaults below).
# L = 22 (README section "The rate form at L = 22"): training saved every 0.05; the equivariant complex quadratic
#   vector field on 16 Fourier modes (-drift_pairs -drift_form rate: fitted to the 5-point derivative, stepped by 40
#   RK4 steps per surrogate step of 0.25; no noisy copies), local categorical heads (-head_local) of the residual over
#   0.25, on every 5 x 8th pair (the pairs start at every saved state); the ESN on every 5th saved state (0.25)
#   quick (about 15-25 min on 2 shared cores): training data 8 members x 2000 time units, drift on every pair, heads
#         on every 40th with 8 IRLS sweeps; ESN trained on 1e4 time units; statistics over 8 x 2625 = 21000 time units
#         (1008 Lyapunov times) per model; short horizon from 64 held-out states (the VPT of 16 states has a standard
#         error of about 0.45 Lyapunov times), 8 samples each, 12 Lyapunov times
#   full  (about an hour): training data 8 x 6250 = 5e4 time units, heads on every 20th pair with 20 sweeps, ESN on 5e4
#         time units; statistics over 8 x 5250 = 42000 time units (2016 Lyapunov times)
# L=100 (README section "L = 100"): N = 128, lambda = 0.09; the equivariant complex quadratic vector field on the 42
#   Fourier modes the solver keeps (-drift_pairs -drift_form rate: fitted to the 5-point derivative of training saved
#   every 0.05, stepped by RK4 over 0.05; no noisy copies), local categorical heads (-head_local: each sees its
#   own mode) and the parallel ESN (16 patches of 8 points sharing a 4000-node reservoir, stepping 0.25, every 5th
#   training state); quick: training 8 x 500 time units, statistics over 8 x 1400 = 11200 time units
#   (1008 Lyapunov times), short horizon 100 time units (9 Lyapunov times) from 16 states; full: training 8 x 1000,
#   statistics over 8 x 2800 (2016 Lyapunov times)
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args 2 "$@"
case_switch REUSE_DATA
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/ks-surrogate}
mode=${2:-quick}
bin=$root/build/bin
np=${SNAPS_NP:-2}
py=/usr/bin/python3
source "$root/scripts/reuse-stamp.sh"
case $mode in
  quick) TT=2100; head_stride=8; head_its=8; esn_time=10000; TL=2625 ;;
  full) TT=6350; head_stride=4; head_its=20; esn_time=50000; TL=5250 ;;
  *) echo "run.sh: mode must be quick or full, not '$mode'" >&2; exit 2 ;;
esac
L=${L:-22}
case $L in # per length: grid, training spacing, short horizon and its states, Lyapunov exponent (cases/ks), surrogate and ESN options
  22) N=64; dt_train=0.05; TS=250; NS=64; lambda=0.048
    esn_every=5; esn_options="" # the ESN steps 0.25 on every 5th saved state: the states of the former 0.25 file, bit for bit
    fit="-latent_modes 16 -rollout_dt 0.25 -drift_pairs -drift_form rate -drift_noise 0 -drift_substeps 40 -head_local -head_stride $((5 * head_stride)) -head_sna_fit_max_it $head_its" ;;
  100) N=128; dt_train=0.05; TS=100; NS=16; lambda=0.09; esn_every=5
    esn_options="--groups 16 --overlap 6 --nodes 4000" # the parallel reservoir (README, "L = 100")
    TT=$([ "$mode" = quick ] && echo 600 || echo 1100); TL=$((TL * 8 / 15)); esn_time=$((8 * (TT - 150))) # every member after its 50-unit transient
    fit="-latent_modes 42 -rollout_dt 0.05 -drift_pairs -drift_degree 2 -drift_form rate -drift_noise 0 -head_local -head_stride $head_stride -head_sna_fit_max_it $head_its" ;;
  *) echo "run.sh: L must be 22 or 100, not '$L'" >&2; exit 2 ;;
esac
mkdir -p -- "$out"
# the results of an earlier run (written at the end: a failed run must not leave an earlier run's to be read as its own)
case_clean "$out" "$out"/{results.json,summary.md,stats.png,short_horizon.png,spacetime.png}
ks=(mpirun -n "$np" "$bin/snaps-ks" -L "$L" -N "$N" -progress_every 60) # an array: the paths may hold spaces
# REUSE_DATA=1 keeps the solver data (and the ESN) of an earlier run, but only where the stamp written beside them after
# their last complete generation matches: data of another length or mode must not be evaluated as this run's (the ESN
# has a stamp of its own, esn.stamp: the data may match while esn.npz is another mode's, left by a run that failed
# after writing the data)
data_stamp="L=$L N=$N mode=$mode train=8 x $TT every $dt_train seed 1; truth=8 x $TL seeds 3 4"
reuse_data=0
if [ "${REUSE_DATA:-0}" = 1 ] && stamp_matches "$out/data.stamp" "$data_stamp" "the solver trajectories in $out (REUSE_DATA=1)" \
  && [ -f "$out/long_truth4.h5" ]; then
  reuse_data=1
fi
if [ "$reuse_data" = 1 ]; then
  echo "run.sh: reusing the solver trajectories in $out"
else
rm -f "$out/data.stamp" "$out/esn.stamp" # a failed run below must leave nothing to reuse
# 1. data: training (seed 1), held-out short-horizon states (seed 2, NS members, 25 time units of history before
#    t0 = 100 for the ESN's warm-up), two independent long truth runs (seeds 3 and 4: the sampling noise)
"${ks[@]}" -ensemble 8 -seed 1 -T "$TT" -save_start 100 -dt_save "$dt_train" -trajectory "$out/train.h5" -results "$out/train.json" | tail -2
for s in 3 4; do
  "${ks[@]}" -ensemble 8 -seed $s -T $((TL + 100)) -save_start 75 -dt_save 0.25 -trajectory "$out/long_truth$s.h5" -results "$out/long_truth$s.json" | tail -1
done
echo "$data_stamp" > "$out/data.stamp"
fi
# the held-out short-horizon states: kept only with reused data (the stamp matched, so L and TS did too) holding NS of
# them; regenerated on a fresh run, and where reused data holds another number of them (runs before NS = 64 had 16;
# a member's state depends only on (seed, member), so the first 16 stay the same)
members=$([ -f "$out/short_truth.h5" ] && $py -c "import h5py, sys; print(h5py.File(sys.argv[1], 'r').attrs['members'])" "$out/short_truth.h5" || echo 0)
{ [ "$reuse_data" = 1 ] && [ "$members" = "$NS" ]; } || "${ks[@]}" -ensemble "$NS" -seed 2 -T $((100 + TS)) -save_start 75 -dt_save 0.25 -trajectory "$out/short_truth.h5" | tail -1
# 2. the surrogates (categorical and its deterministic twin) and the ESN
mpirun -n "$np" "$bin/snaps-rollout-fit" -trajectories "$out/train.h5" -model "$out/sna_categorical.h5" -twin_model "$out/sna_deterministic.h5" \
  $fit ${FIT_OPTIONS:-} | tee "$out/rollout_fit.log"
esn_stamp="time=$esn_time every=$esn_every options=$esn_options; data: $data_stamp"
if [ "$reuse_data" = 1 ] && stamp_matches "$out/esn.stamp" "$esn_stamp" "the echo state network in $out (REUSE_DATA=1)" \
  && [ -f "$out/esn.npz" ]; then
  echo "run.sh: reusing the echo state network in $out"
else
  rm -f "$out/esn.stamp" "$out/esn.npz"
  $py "$root/bench/esn.py" train "$out/train.h5" "$out/esn.npz" --time "$esn_time" --every "$esn_every" $esn_options | tee "$out/esn.log"
  echo "$esn_stamp" > "$out/esn.stamp"
fi
# 3. rollouts from the held-out states: short horizon (TS time units) and long (from the states of long_truth3 at t = 100)
for kind in categorical deterministic; do
  K=$NS; [ $kind = categorical ] && K=$((8 * NS)) # 8 samples of each of the NS states: member k starts from state k mod NS
  "${ks[@]}" -stepper sna -stepper_model "$out/sna_$kind.h5" -init_trajectory "$out/short_truth.h5" -init_time 100 -ensemble $K \
    -T "$TS" -dt_save 0.25 -seed 7 -trajectory "$out/short_$kind.h5" -results "$out/short_$kind.json" | tail -1
  "${ks[@]}" -stepper sna -stepper_model "$out/sna_$kind.h5" -init_trajectory "$out/long_truth3.h5" -init_time 100 -ensemble 8 \
    -T "$TL" -dt_save 0.25 -seed 8 -trajectory "$out/long_$kind.h5" -results "$out/long_$kind.json" | tail -1
done
$py "$root/bench/esn.py" forecast "$out/esn.npz" "$out/short_truth.h5" "$out/short_esn.h5" --t0 100 --horizon "$TS" | tee -a "$out/esn.log"
$py "$root/bench/esn.py" forecast "$out/esn.npz" "$out/long_truth3.h5" "$out/long_esn.h5" --t0 100 --horizon "$TL" | tee -a "$out/esn.log"
# 4. metrics, plots, results.json and summary.md
reused=(); [ "$reuse_data" = 1 ] && reused=(--reused_data) # the solver's cost and machine are then the earlier run's: summary.md says so
$py "$here/evaluate.py" "$out" --mode "$mode" --lyapunov "$lambda" --short_horizon "$TS" ${reused[@]+"${reused[@]}"}
