#!/usr/bin/env bash
# Usage: [BENCH_OUT=DIR] bench/run.sh [bench_sna options]
# Builds bench_sna if needed and runs the SNAPS benchmark alone on this machine:
#   (a) scattered evaluation and (b) grid evaluation on 1 rank, (c) ALS fit on 1 and 2 ranks.
# Writes {eval,grid,fit_1rank,fit_2ranks}.json and the merged summary.json into BENCH_OUT (default bench/results,
# the committed figures that bench/README.md cites), all five at the end: a run that fails (it names the part) leaves
# BENCH_OUT as it was, never this run's first parts beside an earlier run's others. Extra arguments are passed to the runs they apply to (-n_samples
# to eval, -reps to eval and grid, -grid_n to grid, -fit_* to the fits; -which and -results, which it sets, are refused;
# any other option, e.g. -log_view, to every run: bench_sna refuses an option of a part it does not run), e.g. -reps 5 -n_samples 100000 for a quick check;
# such a run is not the committed benchmark, so it needs BENCH_OUT:
#   BENCH_OUT=/tmp/bench bench/run.sh -reps 5 -n_samples 100000
# Environment: BENCH_OUT, BUILD_DIR (default <repo>/build), MPIEXEC (default mpiexec), PYTHON (default /usr/bin/python3).
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
build=${BUILD_DIR:-$root/build}
mpiexec=${MPIEXEC:-mpiexec}
python=${PYTHON:-/usr/bin/python3}
out=${BENCH_OUT:-$bench/results}
source "$root/scripts/case-args.sh"
case_help "$@" # -h, --help: the usage above, before the refusal below (which would take --help for a bench_sna option)
# refused before anything is built or run: a quick run would replace the committed results with other figures
if [ $# -gt 0 ] && [ -z "${BENCH_OUT:-}" ]; then
  echo "bench/run.sh: extra arguments ($*) make a run unlike the committed bench/results/*.json: give it an output" >&2
  echo "directory, BENCH_OUT=/tmp/bench bench/run.sh $* (BENCH_OUT=bench/results to replace the committed figures)" >&2
  exit 2
fi

# part_args PART ARGS...: the arguments that apply to PART (eval, grid or fit), in the array part_args: bench_sna's
# part-specific options with their value go to their parts only, anything else to every part
part_args() {
  local part=$1 opt parts
  shift
  part_args=()
  while [ $# -gt 0 ]; do
    opt=$1
    case ${opt,,} in # PETSc matches option names in any case
      -n_samples) parts=eval ;;
      -reps) parts="eval grid" ;;
      -grid_n) parts=grid ;;
      -fit_samples | -fit_sweeps | -fit_reps) parts=fit ;;
      # set here for each run: given, the last -which made every run measure that part (-which fit ran the fit four
      # times, then the summary failed with a traceback), and -results sent every report to the user's file
      -which | -results)
        echo "bench/run.sh: $opt is set by this script for each part (it runs -which eval, grid and fit, each into its own report);" >&2
        echo "to measure one part alone, run bench_sna itself: $build/bin/bench_sna -which fit -results out.json" >&2
        exit 2 ;;
      *) part_args+=("$opt"); shift; continue ;;
    esac
    [ $# -ge 2 ] || { echo "bench/run.sh: $opt needs a value" >&2; exit 2; }
    case " $parts " in *" $part "*) part_args+=("$opt" "$2") ;; esac
    shift 2
  done
}

# every option's value checked before the build and the output directory (part_args exits 2 on a missing one)
part_args eval "$@"
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build"
cmake --build "$build" -j2 --target bench_sna
mkdir -p "$out"
# the runs write into a directory of their own, moved into BENCH_OUT once the summary is written (a failed fit left this
# run's eval.json and grid.json beside an earlier run's fits and summary.json)
tmp=$(mktemp -d "$out/.bench-run.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# Open MPI as root, and shared-memory transport without CMA (as in the test suite).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
# run N PART ARGS...: bench_sna's PART on N ranks, its report in $tmp/<report>; a failure is named, and stops the script
run() {
  local n=$1 part=$2 report=$3 rc=0
  shift 3
  "$mpiexec" --oversubscribe -n "$n" "$build/bin/bench_sna" -which "$part" -results "$tmp/$report" "$@" || rc=$?
  if [ "$rc" != 0 ]; then
    echo "bench/run.sh: bench_sna -which $part on $n rank(s) failed (exit $rc): nothing written to $out" >&2
    exit "$rc"
  fi
}

echo "== machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1), $(nproc) cores"
# The figures are only meaningful on an otherwise idle machine: record the load when starting.
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== load average at start: $load (should be well below 1; other jobs inflate every figure)"
part_args eval "$@"
run 1 eval eval.json ${part_args[@]+"${part_args[@]}"}
part_args grid "$@"
run 1 grid grid.json ${part_args[@]+"${part_args[@]}"}
part_args fit "$@"
run 1 fit fit_1rank.json ${part_args[@]+"${part_args[@]}"}
run 2 fit fit_2ranks.json ${part_args[@]+"${part_args[@]}"}

"$python" - "$tmp" "$load" "$root" <<'PY'
import json, os, sys
out, loadavg = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(sys.argv[3], "postprocess"))
import atomic  # noqa: E402
load = lambda name: json.load(open(os.path.join(out, name)))
ev, gr, f1, f2 = load("eval.json"), load("grid.json"), load("fit_1rank.json"), load("fit_2ranks.json")
t1, t2 = f1["fit_samples_per_s_per_rank_median"], f2["fit_samples_per_s_per_rank_median"]
s = {
    "program": "bench/run.sh",
    "date": ev["date"],
    "snaps_version": ev["snaps_version"],
    "machine": ev["machine"],
    "load_average_at_start": [float(v) for v in loadavg.split()],
    "eval_ns_per_sample_median": ev["eval_ns_per_sample_median"],
    "eval_target_ns_per_sample": ev["eval_target_ns_per_sample"],
    "eval_pass": ev["eval_pass"],
    "eval_baseline_ns_per_sample_median": ev["eval_baseline_ns_per_sample_median"],
    "eval_speedup_vs_baseline": ev["eval_speedup_vs_baseline"],
    "grid_ms_median": gr["grid_ms_median"],
    "grid_target_ms": gr["grid_target_ms"],
    "grid_pass": gr["grid_pass"],
    "grid_baseline_ms_median": gr["grid_baseline_ms_median"],
    "grid_speedup_vs_scattered": gr["grid_speedup_vs_scattered"],
    "fit_n_samples": f1["fit_n_samples"],
    "fit_sweeps": f1["fit_sweeps"],
    "fit_1rank_samples_per_s_per_rank_median": t1,
    "fit_2ranks_samples_per_s_per_rank_median": t2,
    "fit_1rank_time_s_median": f1["fit_time_s_median"],
    "fit_2ranks_time_s_median": f2["fit_time_s_median"],
    "fit_parallel_efficiency_2_vs_1": t2 / t1,
    "fit_speedup_2_vs_1": f1["fit_time_s_median"] / f2["fit_time_s_median"],
}
atomic.write_text(os.path.join(out, "summary.json"), json.dumps(s, indent=2) + "\n")
print("== summary (%s, %s cores)" % (s["machine"]["cpu_model"], s["machine"]["cores"]))
print("  (a) eval  %8.2f ns/sample (target <= %g, %s), naive baseline %.1f ns, speed-up %.1fx"
      % (s["eval_ns_per_sample_median"], s["eval_target_ns_per_sample"], "PASS" if s["eval_pass"] else "FAIL",
         s["eval_baseline_ns_per_sample_median"], s["eval_speedup_vs_baseline"]))
print("  (b) grid  %8.4f ms (target <= %g, %s), scattered %.3f ms, speed-up %.1fx"
      % (s["grid_ms_median"], s["grid_target_ms"], "PASS" if s["grid_pass"] else "FAIL",
         s["grid_baseline_ms_median"], s["grid_speedup_vs_scattered"]))
print("  (c) fit   %.3e samples*sweeps/s/rank on 1 rank, %.3e on 2 ranks: efficiency %.2f, speed-up %.2fx"
      % (t1, t2, s["fit_parallel_efficiency_2_vs_1"], s["fit_speedup_2_vs_1"]))
PY
mv -f -- "$tmp"/{eval,grid,fit_1rank,fit_2ranks,summary}.json "$out"/
echo "written $out/summary.json (and eval.json, grid.json, fit_1rank.json, fit_2ranks.json)"
