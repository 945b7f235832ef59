#!/usr/bin/env bash
# The categorical heads' draws from logits (SNAPSCategoricalSampleLogits: SNAPS's own vectorised exponential, no
# softmax divisions) and the KHRONOS rows' vectorised loops, against the code before them (OLD: the path of a build of
# 246a4bc's snaps-kolmogorov), back to back with the solver: per repetition the solver over 20 time units from member
# 0 of truth A (seed 11) at t = 30 (no fields written), then the categorical models of step 0.1 (the default) and 0.2,
# each by OLD and by this tree's build, over 4 members x T (100) time units from truth A's 4 members at t = 30, a field
# every 1 written; SNAPS_NP ranks (1); not niced (the load average printed with each repetition). The same line format
# as kol13-simd.sh (the kernel's place holds old or new); medians: kol13-simd-ratios.py LOG. Usage: OLD=... [T=100]
# [SNAPS_NP=1] kol14-heads.sh [repetitions (3)]; DIR (/tmp/kol11/full) holds truth_a.h5 and sna0{1,2}_categorical.h5.
root=$(cd "$(dirname "$0")/../../../.." && pwd)
cd "$root" && source scripts/env.sh
set -eo pipefail
[ -x "$OLD" ] || { echo "OLD=<a snaps-kolmogorov built from 246a4bc> is needed" >&2; exit 1; }
O=${DIR:-/tmp/kol11/full}; R=$O/cost14; np=${SNAPS_NP:-1}; T=${T:-100}; mkdir -p $R
field() { /usr/bin/python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print(' '.join(str(r[k]) for k in sys.argv[2:]))" "$@"; }
for i in $(seq ${1:-3}); do
  rm -f $R/*.h5 $R/*.xmf $R/*.json
  mpirun --oversubscribe -n $np build/bin/snaps-kolmogorov -N 64 -Re 40 -init_trajectory $O/truth_a.h5 -init_time 30 -ensemble 1 -seed 3 -T 20 -results $R/solver.json > /dev/null
  line="solver 20 time units $(field $R/solver.json wall_time_s) s"
  for step in 01 02; do
    for v in old new; do
      b=build/bin/snaps-kolmogorov; [ $v = old ] && b=$OLD
      mpirun --oversubscribe -n $np $b -N 64 -Re 40 -stepper sna -stepper_model $O/sna${step}_categorical.h5 -init_trajectory $O/truth_a.h5 -init_time 30 -ensemble 4 -T $T -dt_save 1 -seed 8 -trajectory $R/$step$v.h5 -results $R/$step$v.json > /dev/null
      set -- $(field $R/$step$v.json wall_time_s model_load_time_s)
      line="$line; step 0.${step#0} categorical $v 4 x $T $1 s (load $2 s)"
    done
    for d in /w /time /diagnostics; do h5diff -q $R/${step}old.h5 $R/${step}new.h5 $d $d || line="$line; step 0.${step#0} $d DIFFERENT"; done
  done
  echo "rep $i ($np ranks): $line; load $(cut -d' ' -f1-3 /proc/loadavg)"
done
