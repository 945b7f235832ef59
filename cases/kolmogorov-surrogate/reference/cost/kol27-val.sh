#!/usr/bin/env bash
# Issue 16, session 27: the validation of kol27-fit.sh's models, as README.md's "How the settings were chosen" (never
# truth A or B of run.sh long): VAL holds truth_a.h5 and truth_b.h5 (snaps-kolmogorov -N 64 -Re 40 -ensemble 4 -T 530
# -save_start 30 -dt_save 1, seeds 31 and 41); each model DIR/sna_<name>.h5 is rolled out from truth_a's 4 members at
# t = 30 for 500 time units (a field every 1, seed 8) and from its members at t = 40, 55, 70, 85 for 40 time units
# (one sample per member, as that validation; seed 100 + t), 1 rank, then evaluate.py --mode long --block 100.
# Usage: DIR=... VAL=... kol27-val.sh name [name ...]
root=$(cd "$(dirname "$0")/../../../.." && pwd)
cd "$root" && source scripts/env.sh
set -eo pipefail
O=${DIR:?}; V=${VAL:?}; bin=${BIN:-build/bin}; starts="40 55 70 85"
kol=(mpirun -n 1 "$bin/snaps-kolmogorov" -N 64 -Re 40 -progress_every 600 -stepper sna -init_trajectory "$V/truth_a.h5" -dt_save 1)
for name in "$@"; do
  "${kol[@]}" -stepper_model $O/sna_$name.h5 -init_time 30 -ensemble 4 -T 500 -seed 8 -trajectory $V/long_$name.h5 -results $V/long_$name.json | grep reached
  for s in $starts; do
    "${kol[@]}" -stepper_model $O/sna_$name.h5 -init_time $s -ensemble 4 -T 40 -seed $((100 + s)) -trajectory $V/short_${name}_$s.h5 > /dev/null
  done
done
/usr/bin/python3 cases/kolmogorov-surrogate/evaluate.py $V --mode long --block 100 --starts "$starts" --models "$*"
