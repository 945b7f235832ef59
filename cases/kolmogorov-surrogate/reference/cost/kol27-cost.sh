#!/usr/bin/env bash
# Issue 16, session 27: the cost of kol27-fit.sh's models back to back with the solver (as kol14-heads.sh, without OLD):
# per repetition the solver over 20 time units from member 0 of VAL/truth_a.h5 at t = 30 (no fields written), then each
# model DIR/sna_<name>.h5 over 4 members x T time units from truth_a's 4 members at t = 30, a field every 1 written,
# seed 8 (the models' order rotates between repetitions); SNAPS_NP ranks (1); not niced; the load average printed with
# each repetition. Ratios and medians: kol27-ratios.py LOG. Usage: DIR=... VAL=... [T=100] kol27-cost.sh reps name [name ...]
root=$(cd "$(dirname "$0")/../../../.." && pwd)
cd "$root" && source scripts/env.sh
set -eo pipefail
O=${DIR:?}; V=${VAL:?}; bin=${BIN:-build/bin}; np=${SNAPS_NP:-1}; T=${T:-100}; R=$O/cost27; mkdir -p $R
reps=$1; shift; names=("$@")
field() { /usr/bin/python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print(' '.join(str(r[k]) for k in sys.argv[2:]))" "$@"; }
echo "# $(date -u '+%F %H:%M') UTC, $np rank(s), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg): T=$T kol27-cost.sh $reps ${names[*]}"
for i in $(seq $reps); do
  rm -f $R/*.h5 $R/*.xmf $R/*.json
  l0=$(cut -d' ' -f1 /proc/loadavg)
  mpirun --oversubscribe -n $np $bin/snaps-kolmogorov -N 64 -Re 40 -init_trajectory $V/truth_a.h5 -init_time 30 -ensemble 1 -seed 3 -T 20 -results $R/solver.json > /dev/null
  line="solver 20 $(field $R/solver.json wall_time_s)"
  n=${#names[@]}
  for j in $(seq 0 $((n - 1))); do
    name=${names[$(((i - 1 + j) % n))]}
    mpirun --oversubscribe -n $np $bin/snaps-kolmogorov -N 64 -Re 40 -stepper sna -stepper_model $O/sna_$name.h5 -init_trajectory $V/truth_a.h5 -init_time 30 -ensemble 4 -T $T -dt_save 1 -seed 8 -trajectory $R/$name.h5 -results $R/$name.json > /dev/null
    set -- $(field $R/$name.json wall_time_s model_load_time_s) # two numbers: split on purpose
    line="$line; $name 4x$T $1 load $2"
  done
  echo "rep $i ($np ranks): $line; loadavg $l0 -> $(cut -d' ' -f1 /proc/loadavg)"
done
