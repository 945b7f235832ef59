#!/usr/bin/env bash
# the long mode's r = 6 rate models (READ ONLY in /tmp/kol8s-long): 4 members x 100 time units from truth A's
# members at t = 30, a field every 1 written, 1 rank; main's build then this branch's, back to back, $1 times
cd /work/wt-kol9c && source scripts/env.sh
L=/tmp/kol8s-long; O=/tmp/kol9c-longout; mkdir -p $O
wall() { /usr/bin/python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['wall_time_s'])" "$1"; }
for i in $(seq $1); do
  for b in main branch; do
    if [ $b = main ]; then bin="env LD_LIBRARY_PATH=/tmp/kol9c-base /tmp/kol9c-baseroot/build/bin/snaps-kolmogorov"; else bin=build/bin/snaps-kolmogorov; fi
    rm -f $O/*.h5 $O/*.xmf
    nice -n 19 mpirun -n 1 $bin -N 64 -Re 40 -init_trajectory $L/truth_a.h5 -init_time 30 -ensemble 1 -seed 3 -T 20 -results $O/solver.json > /dev/null
    for kind in deterministic categorical; do
      nice -n 19 mpirun -n 1 $bin -N 64 -Re 40 -stepper sna -stepper_model $L/sna_$kind.h5 -init_trajectory $L/truth_a.h5 -init_time 30 -ensemble 4 -T 100 -dt_save 1 -seed 8 -trajectory $O/$kind.h5 -results $O/$kind.json > /dev/null
    done
    echo "$b: solver 20 time units $(wall $O/solver.json) s; deterministic 4 x 100 $(wall $O/deterministic.json) s; categorical 4 x 100 $(wall $O/categorical.json) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
