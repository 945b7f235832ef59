#!/usr/bin/env bash
# back to back: main (base) then this branch, one repetition each, $1 times, SNAPS_NP from env
cd /work/wt-kol9c && source scripts/env.sh
for i in $(seq $1); do
  echo -n "main:   "; LD_LIBRARY_PATH=/tmp/kol9c-base nice -n 19 bash /tmp/kol9c-baseroot/cases/kolmogorov-surrogate/cost.sh /tmp/kol9c-cost 1
  echo -n "branch: "; nice -n 19 bash cases/kolmogorov-surrogate/cost.sh /tmp/kol9c-cost 1
done
