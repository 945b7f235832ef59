#!/usr/bin/env bash
# snaps-kolmogorov on 1 and 2 MPI ranks (Re = 40), interleaved, 3 runs each, at 128^2 (20 time units) and
# 256^2 (5 time units); writes bench/results/kolmogorov_ranks.json (medians, speed-ups, machine, date, version, load).
# Run it alone on the machine: the ranks' timings mean nothing while other jobs share the cores.
# Usage: ranks.sh   (no arguments: it replaces the committed bench/results/kolmogorov_ranks.json; -h or --help prints this)
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/scripts/case-args.sh"
case_help "$@"
if [ $# -gt 0 ]; then # refused before any run: an argument would be ignored and the committed figures replaced
  echo "$0: takes no arguments, not '$1' (it runs the benchmark and replaces bench/results/kolmogorov_ranks.json); usage: $0 --help" >&2
  exit 2
fi
source "$root/scripts/env.sh"
# a timing benchmark on dedicated cores: a waiting rank busy-polls (env.sh makes it yield, for shared machines, and
# says to set it to 0 for timing; unset, Open MPI's default, is the same)
unset OMPI_MCA_mpi_yield_when_idle
bin=$root/build/bin/snaps-kolmogorov
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT # also when a run fails (set -e)
for size in "128 20" "256 5"; do
  set -- $size
  for rep in 1 2 3; do
    for n in 1 2; do
      echo "$1 $n $rep $(cut -d' ' -f1 /proc/loadavg)" >> "$tmp/load"
      mpirun -n "$n" "$bin" -N "$1" -Re 40 -T "$2" -dt_save "$2" -results "$tmp/r_$1_${n}_$rep.json" > /dev/null
    done
  done
done
/usr/bin/python3 - "$tmp" "$root/bench/results/kolmogorov_ranks.json" "$root" <<'PY'
import glob, json, os, statistics, sys
tmp, out, root = sys.argv[1:]
sys.path.insert(0, os.path.join(root, "postprocess"))
import atomic  # noqa: E402
res = {"what": "snaps-kolmogorov Re=40 wall time (s), 1 vs 2 MPI ranks, median of 3 interleaved runs", "sizes": {}}
for N, T in ((128, 20), (256, 5)):
    t = {n: [json.load(open(f))["wall_time_s"] for f in sorted(glob.glob(f"{tmp}/r_{N}_{n}_*.json"))] for n in (1, 2)}
    m1, m2 = statistics.median(t[1]), statistics.median(t[2])
    res["sizes"][f"{N}x{N}"] = {"T": T, "1_rank": t[1], "2_ranks": t[2], "median_1": m1, "median_2": m2, "speedup": m1 / m2}
    print(f"{N}^2, {T} time units: 1 rank {m1:.2f} s, 2 ranks {m2:.2f} s, speed-up {m1 / m2:.2f}")
first = json.load(open(glob.glob(f"{tmp}/r_128_1_1.json")[0]))
res.update({k: first[k] for k in ("machine", "date", "snaps_version")})  # of the first run
res["load_average_before_each_run"] = open(f"{tmp}/load").read().split("\n")[:-1]
atomic.write_json(out, res)
PY
