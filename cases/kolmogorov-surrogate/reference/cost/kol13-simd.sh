#!/usr/bin/env bash
# The drift's AVX2 kernel against the portable one (-stepper_simd 0), back to back with the solver: per repetition the
# solver over 20 time units from member 0 of truth A (seed 11) at t = 30 (no fields written), then the twin and the
# categorical model of step 0.1 (the default) and 0.2, each with -stepper_simd 0 and with the default, over 4 members
# x T (100) time units from truth A's 4 members at t = 30, a field every 1 written; SNAPS_NP ranks (1); not niced (the
# load average printed with each repetition). Prints each run's wall_time_s and model_load_time_s (-results) and the
# kernel its report names. Usage: [T=100] [SNAPS_NP=1] kol13-simd.sh [repetitions (3)]; DIR (/tmp/kol11/full) holds
# truth_a.h5 and sna0{1,2}_{deterministic,categorical}.h5 (the models of long-kol11-step.sh). Medians: kol13-simd-ratios.py LOG.
root=$(cd "$(dirname "$0")/../../../.." && pwd)
cd "$root" && source scripts/env.sh
O=${DIR:-/tmp/kol11/full}; R=$O/cost13; np=${SNAPS_NP:-1}; T=${T:-100}; bin=build/bin/snaps-kolmogorov; mkdir -p $R
field() { /usr/bin/python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print(' '.join(str(r[k]) for k in sys.argv[2:]))" "$@"; }
for i in $(seq ${1:-3}); do
  rm -f $R/*.h5 $R/*.xmf
  mpirun --oversubscribe -n $np $bin -N 64 -Re 40 -init_trajectory $O/truth_a.h5 -init_time 30 -ensemble 1 -seed 3 -T 20 -results $R/solver.json > /dev/null
  line="solver 20 time units $(field $R/solver.json wall_time_s) s"
  for step in 01 02; do
    for kind in deterministic categorical; do
      for simd in 0 1; do
        mpirun --oversubscribe -n $np $bin -N 64 -Re 40 -stepper sna -stepper_model $O/sna${step}_$kind.h5 -init_trajectory $O/truth_a.h5 -init_time 30 -ensemble 4 -T $T -dt_save 1 -seed 8 -stepper_simd $simd -trajectory $R/$step$kind$simd.h5 -results $R/$step$kind$simd.json > /dev/null
        set -- $(field $R/$step$kind$simd.json wall_time_s model_load_time_s surrogate_kernel)
        line="$line; step 0.${step#0} $kind $3 4 x $T $1 s (load $2 s)"
      done
    done
  done
  echo "rep $i ($np ranks): $line; load $(cut -d' ' -f1-3 /proc/loadavg)"
done
