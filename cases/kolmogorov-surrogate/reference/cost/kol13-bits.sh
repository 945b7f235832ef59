#!/usr/bin/env bash
# The AVX2 kernel's rollouts are the bits of the code before it: each model of DIR (/tmp/kol11/full) over 4 members x
# 100 time units from truth A at t = 30 (seed 8), by OLD (a build of main before the kernel, cc0b7b2: OLD=path of its
# snaps-kolmogorov) and by this tree's build, default and -stepper_simd 0, on 1 and 2 ranks; h5diff compares the
# trajectories' fields and diagnostics (/w, /time, /diagnostics; not the attributes, which name the run's model path).
root=$(cd "$(dirname "$0")/../../../.." && pwd)
cd "$root" && source scripts/env.sh
set -eo pipefail # a failed run stops the script: no comparison of a previous run's files
O=${DIR:-/tmp/kol11/full}; R=$O/bits13; new=build/bin/snaps-kolmogorov; mkdir -p $R
for m in sna01_deterministic sna01_categorical sna02_deterministic sna02_categorical; do
  for np in 1 2; do
    rm -f $R/*.h5 $R/*.xmf
    for v in old new portable; do
      b=$new; x=""; [ $v = old ] && b=$OLD; [ $v = portable ] && x="-stepper_simd 0"
      mpirun --oversubscribe -n $np $b -N 64 -Re 40 -stepper sna -stepper_model $O/$m.h5 -init_trajectory $O/truth_a.h5 -init_time 30 -ensemble 4 -T 100 -dt_save 1 -seed 8 $x -trajectory $R/$v.h5 > /dev/null
    done
    for v in new portable; do
      for d in /w /time /diagnostics; do
        h5diff -q $R/old.h5 $R/$v.h5 $d $d || echo "DIFFERENT: $m $np ranks $v $d"
      done
    done
    echo "$m, $np ranks: old, new (default) and new -stepper_simd 0 compared"
  done
done
