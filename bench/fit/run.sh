#!/usr/bin/env bash
# Usage: [FIT_OUT=DIR] bash bench/fit/run.sh [--quick] [bench_fit options]
# Fit benchmark (issue 12, "measure, do not guess"): training and test MSE against wall time of plain ALS,
# ALS with line-search extrapolation, ALS with Anderson acceleration, Levenberg-Marquardt, TAO LMVM, the default
# fit (auto from the tensor start, 10% held out, rise stop, refit), the previous default (auto from the random start,
# no validation), that with 10% held out (patience stop) and auto from the tensor start alone, on the problems of
# make_problems.py, on 1 and 2 ranks; long lm/tao runs estimate the best error any method reaches. Merges everything
# into FIT_OUT/fit.json (machine, load, date, targets met/missed), prints a table and plots FIT_OUT/fit_bench.png;
# FIT_OUT defaults to bench/results, the committed figures that bench/README.md cites.
# A run that fails is named (the merge lists it under missing_runs and decides no target that needs it) and, after the
# other runs, the merge and the plot, the script exits 1.
#   bash bench/fit/run.sh                            # 3 repetitions of every run (medians), on an idle machine
#   FIT_OUT=/tmp/fit bash bench/fit/run.sh --quick   # 1 repetition, shorter best runs: a smoke test
# --quick, extra arguments, FIT_METHODS or FIT_RANKS make a run unlike the committed one: it needs FIT_OUT (FIT_OUT=
# bench/results to replace the committed figures). Extra arguments after the flag go to every bench_fit run (not
# -train, -test, -method, -method_options, -model_options or -results, which it sets for each run: refused).
# Environment: FIT_OUT, BUILD_DIR (default <repo>/build),
# MPIEXEC (mpiexec), PYTHON (/usr/bin/python3), FIT_DATA (data sets, default bench/fit/data), FIT_RAW (one JSON
# per run, default bench/fit/out), FIT_METHODS (methods timed, default "default default_prev default_val default_tensor als als100
# als_ls als_aa lm tao_lmvm"),
# FIT_RANKS (the rank counts, each a positive integer once: "1 2").
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/scripts/case-args.sh"
case_help "$@" # -h, --help: the usage above
build=${BUILD_DIR:-$root/build}
mpiexec=${MPIEXEC:-mpiexec}
python=${PYTHON:-/usr/bin/python3}
data=${FIT_DATA:-$here/data}
raw=${FIT_RAW:-$here/out}
out=${FIT_OUT:-$root/bench/results}
methods=${FIT_METHODS:-default default_prev default_val default_tensor als als100 als_ls als_aa lm tao_lmvm}
ranks=${FIT_RANKS:-1 2}
quick=0
if [ "${1:-}" = "--quick" ]; then
  quick=1
  shift
fi
# refused before anything is built or run: such a run would replace the committed fit.json and fit_bench.png
if [ -z "${FIT_OUT:-}" ] && { [ $quick = 1 ] || [ $# -gt 0 ] || [ -n "${FIT_METHODS:-}" ] || [ -n "${FIT_RANKS:-}" ]; }; then
  echo "bench/fit/run.sh: --quick, extra arguments, FIT_METHODS or FIT_RANKS make a run unlike the committed" >&2
  echo "bench/results/fit.json: give it an output directory, e.g. FIT_OUT=/tmp/fit (FIT_OUT=bench/results to replace it)" >&2
  exit 2
fi
# the options the script sets for each run, refused before the build: given after them, the last value won, so that
# -method lm ran lm in every run and the merge reported it as default, als, ...; -results sent every report to one file
for arg in "$@"; do
  case ${arg,,} in # PETSc matches option names in any case
    -train | -test | -method | -method_options | -model_options | -results)
      echo "bench/fit/run.sh: $arg is set by this script for each run (problem, method, report); to fit one method on" >&2
      echo "one problem, run bench_fit itself (bench/README.md, \"One run alone\")" >&2
      exit 2 ;;
  esac
done
# FIT_RANKS checked before the build: mpiexec -n 0 runs on every slot of the machine (FIT_RANKS=0 ran on 2 ranks,
# reported as "0 rank(s)"), a word failed every run after the one before it, and a count given twice ran twice into one report
read -ra rank_list <<<"$ranks"
if [ ${#rank_list[@]} = 0 ] || [[ ! " ${rank_list[*]} " =~ ^(\ [1-9][0-9]*)+\ $ ]] ||
  [ -n "$(printf '%s\n' "${rank_list[@]}" | sort | uniq -d)" ]; then
  echo "bench/fit/run.sh: FIT_RANKS='$ranks': give the rank counts as distinct positive integers, e.g. FIT_RANKS=\"1 2\"" >&2
  exit 2
fi
# FIT_METHODS likewise: a method given twice ran twice into one report, and a name bench_fit refuses as an options
# prefix (FIT_METHODS="als,lm") failed every run, one after the other, before the script said so at the end
read -ra method_list <<<"$methods"
if [[ ! " ${method_list[*]} " =~ ^(\ [A-Za-z][A-Za-z0-9_]*)+\ $ ]] ||
  [ -n "$(printf '%s\n' "${method_list[@]}" | sort | uniq -d)" ]; then
  echo "bench/fit/run.sh: FIT_METHODS='$methods': give distinct method names (letters, digits and _, separated by spaces), e.g. FIT_METHODS=\"default als\"" >&2
  exit 2
fi
reps=$([ $quick = 1 ] && echo 1 || echo 3)
# The best runs: lm to its stall (2000 iterations at most) and a long TAO LMVM run, one repetition on one rank
# (only their errors matter). The quick run skips the long LMVM run.
best=$([ $quick = 1 ] && echo "lm_best" || echo "lm_best tao_lmvm_best")

# Problems: name, data set, model options (khronos nodes and modes; noisy_3d also at its exact rank 3).
problems=(
  "rank3_3d rank3_3d -sna_khronos_nodes 32 -sna_khronos_modes 6"
  "smooth_6d smooth_6d -sna_khronos_nodes 12 -sna_khronos_modes 6"
  "noisy_3d noisy_3d -sna_khronos_nodes 32 -sna_khronos_modes 6"
  "noisy_3d_m3 noisy_3d -sna_khronos_nodes 32 -sna_khronos_modes 3"
)
# The JAX anchor of issue 12 on rank3_3d: train MSE 1e-8 and test MSE 1.1e-9 (0.46 s and 0.7 s on an H200 GPU).
anchor="-target_train_mse 1e-8 -target_test_mse 1.1e-9"

[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" >/dev/null
cmake --build "$build" -j2 --target bench_fit >/dev/null
mkdir -p "$data" "$raw" "$out"
expected=$raw/expected_runs.txt # the runs started, for the merge: a run that leaves no report is listed as missing
rm -f "$raw"/*.json "$expected"
# every data set the problems read (make_problems.py writes each atomically, but a run killed between two files leaves
# some): any one missing, all are made again
for p in "${problems[@]}"; do
  read -r _ set _ <<<"$p"
  if [ ! -f "$data/${set}_train.h5" ] || [ ! -f "$data/${set}_test.h5" ]; then
    "$python" "$here/make_problems.py" "$data"
    break
  fi
done

# Open MPI as root, and shared-memory transport without CMA (as bench/run.sh and the test suite).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none

echo "== machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1), $(nproc) cores"
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== load average at start: $load (should be well below 1; other jobs inflate every time)"
start=$(date +%s)

# run NAME DATASET MODEL_OPTIONS METHOD RANKS REPS [extra]
run() {
  local name=$1 set=$2 model=$3 method=$4 n=$5 r=$6
  shift 6
  local extra="" budget=()
  [ "$name" = rank3_3d ] && extra=$anchor
  # plain ALS stalls on smooth_6d far above the others' error (bench/README.md): 300 sweeps show that, 2000 would
  # only cost the run 40 minutes; the LM best run stalls well before 500 steps there
  case "$name.$method" in
  smooth_6d.als) budget=(-method_options " -sna_fit_type als -sna_fit_max_it 300") ;;
  smooth_6d.als_ls) budget=(-method_options " -sna_fit_type als -sna_fit_als_extrapolate -sna_fit_max_it 300") ;;
  # Anderson-accelerated ALS never meets the tolerance on these two (noisy_3d's 6 modes fit noise): 300 sweeps
  # show its curve, 2000 would add a minute to the run
  smooth_6d.als_aa | noisy_3d.als_aa) budget=(-method_options " -sna_fit_type als -sna_fit_als_anderson 5 -sna_fit_max_it 300") ;;
  smooth_6d.lm_best) budget=(-method_options " -sna_fit_type lm -sna_fit_max_it 500 -sna_fit_rtol 0") ;;
  esac
  echo "-- $name $method on $n rank(s)"
  echo "$name $method $n" >>"$expected"
  # -model_options starts with a space: PETSc would read a value starting with - as the next option.
  # shellcheck disable=SC2086
  "$mpiexec" --oversubscribe -n "$n" "$build/bin/bench_fit" -train "$data/${set}_train.h5" -test "$data/${set}_test.h5" \
    -model_options " $model" -method "$method" "${budget[@]}" -reps "$r" $extra -results "$raw/$name.$method.${n}rank.json" "$@" ||
    {
      # a report written before the failure (bench_fit writes it before MPI_Finalize) is not to be trusted: removed,
      # so that the merge lists the run as missing as said
      rm -f "$raw/$name.$method.${n}rank.json"
      echo "!! $name $method on $n rank(s) failed: no results (the merge lists it as missing)"
      failed+=("$name $method on $n rank(s)")
    }
}
failed=()

for p in "${problems[@]}"; do
  read -r name set model <<<"$p"
  for method in $best; do run "$name" "$set" "$model" "$method" 1 1 "$@"; done
  for n in "${rank_list[@]}"; do
    for method in $methods; do run "$name" "$set" "$model" "$method" "$n" "$reps" "$@"; done
  done
done

echo "== runs took $(($(date +%s) - start)) s"
"$python" "$here/merge.py" "$raw" "$out/fit.json" --load "$load" --quick "$quick" --expected "$expected"
"$python" "$root/postprocess/plot_fit_bench.py" "$out/fit.json" "$out/fit_bench.png"
if [ ${#failed[@]} -gt 0 ]; then
  echo "bench/fit/run.sh: ${#failed[@]} run(s) failed: $(printf '%s; ' "${failed[@]}")$out/fit.json lists them under missing_runs and decides no target that needs them" >&2
  exit 1
fi
