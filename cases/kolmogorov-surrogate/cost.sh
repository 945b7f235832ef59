#!/usr/bin/env bash
# Cost of the surrogate against the solver, back to back (README.md, "Cost"): per repetition the solver over 20 time
# units from truth A at t = 30 (no trajectory written), then the surrogate from the same state: 1 member and 8 members
# over 200 time units with a field written every 0.5 (the case's long rollout), and the free run of 8000 time units
# (a field every 5, no trajectory written). Prints each run's wall_time_s (the program's own clock: set-up, loading,
# stepping, diagnostics and writing; not MPI start-up).
# Usage: cost.sh <case output directory of run.sh> [repetitions (3)]; SNAPS_NP ranks (2); SOLVER_WRITES=1: the solver
# also writes its trajectory, a field every 0.5 as the 200-time-unit surrogate runs do (the same outputs).
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/scripts/case-args.sh"
case_help "$@"
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "cost.sh: needs the case output directory of run.sh (and the repetitions); usage: $0 --help" >&2; exit 2; }
out=$1
reps=${2:-3}
for f in truth_a.h5 sna_deterministic.h5; do
  [ -f "$out/$f" ] || { echo "cost.sh: $out/$f: no such file (run.sh $out first)" >&2; exit 2; }
done
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "cost.sh: repetitions must be an integer >= 1, not '$reps'" >&2; exit 2; }
np=${SNAPS_NP:-2}
kol=(mpirun -n "$np" "$root/build/bin/snaps-kolmogorov" -N 64 -Re 40 -init_trajectory "$out/truth_a.h5" -init_time 30) # arrays: the paths may hold spaces
sur=("${kol[@]}" -stepper sna -stepper_model "$out/sna_deterministic.h5" -seed 8)
wall() { /usr/bin/python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['wall_time_s'])" "$1"; }
for r in $(seq "$reps"); do
  # no output of an earlier run to replace: renaming over it would time the removal of the old file (13 to 105 MB)
  rm -f "$out"/cost_*.h5 "$out"/cost_*.xmf
  solver_out=(); [ "${SOLVER_WRITES:-0}" = 1 ] && solver_out=(-trajectory "$out/cost_solver.h5")
  "${kol[@]}" -ensemble 1 -seed 3 -T 20 -save_start 0 -dt_save 0.5 ${solver_out[@]+"${solver_out[@]}"} -results "$out/cost_solver.json" > /dev/null
  "${sur[@]}" -ensemble 1 -T 200 -dt_save 0.5 -trajectory "$out/cost_1.h5" -results "$out/cost_1.json" > /dev/null
  "${sur[@]}" -ensemble 8 -T 200 -dt_save 0.5 -trajectory "$out/cost_8.h5" -results "$out/cost_8.json" > /dev/null
  "${sur[@]}" -ensemble 1 -T 8000 -dt_save 5 -results "$out/cost_free.json" > /dev/null
  echo "repetition $r ($np ranks): solver 20 time units${solver_out[*]:+ (written)} $(wall "$out/cost_solver.json") s; surrogate 200 time units, 1 member" \
    "$(wall "$out/cost_1.json") s, 8 members $(wall "$out/cost_8.json") s; free run 8000 time units $(wall "$out/cost_free.json") s;" \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
done
rm -f "$out"/cost_*.h5 "$out"/cost_*.xmf
