#!/usr/bin/env bash
# Interleaved load and wall time: main's binary against kol12's, same command, N rounds.
set -u
source /work/wt-kol12/scripts/env.sh
N=${N:-5}; M=${M:-/tmp/kol11/sna02_categorical.h5}; O=/tmp/kol12h/m
mkdir -p $O
for i in $(seq 1 $N); do
  for who in main kol12; do
    if [ $who = main ]; then B=/work/main/build/bin/snaps-kolmogorov; else B=/work/wt-kol12/build/bin/snaps-kolmogorov; fi
    la=$(cut -d' ' -f1-3 /proc/loadavg)
    t0=$(date +%s.%N)
    mpirun -n 1 $B -N 64 -Re 40 -stepper sna -stepper_model $M -init_trajectory /tmp/kol11/truth_a.h5 -init_time 30 -ensemble 4 -T 100 -dt_save 1 -seed 8 -trajectory $O/$who$i.h5 -results $O/$who$i.json -log_view > $O/$who$i.log 2>&1
    el=$(echo "$(date +%s.%N) - $t0" | bc)
    load=$(awk '/^FlowModelLoad/{print $4}' $O/$who$i.log); sna=$(awk '/^SNALoad /{print $4}' $O/$who$i.log)
    wall=$(grep -o '"wall_time_s":[^,]*' $O/$who$i.json | tr -dc '0-9.')
    step=$(grep -o 'over 4 members, [0-9.]* s' $O/$who$i.log | awk '{print $4}')
    echo "$i $who load=$load snaload=$sna wall=$wall stepping=$step elapsed=$el loadavg=$la"
  done
done
