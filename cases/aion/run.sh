#!/usr/bin/env bash
# AION case: infinite descent against steepest descent, Newton-CG, L-BFGS, Levenberg-Marquardt (TAO) and
# variable projection, from the same random starts, on the one-atom (N = 100, 1000, 10000), noisy
# three-atom and rank-2 2-D problems (bench/bench_aion.c). Writes aion.json (every start, medians,
# targets, paths, machine), table.md and aion_paths.png (loss landscape with each method's path).
# Usage: run.sh <output directory> [--size small|full] [-- bench_aion options]   (small: 20 starts per box, a few
#        minutes; full: 100 starts per box, about 15 to 20 minutes on 2 cores, not timed as a whole; or -starts N after --,
#        without --size). BUILD_DIR: the build to use (default build/;
#        configured there if it is not yet, and bench_aion built). SNAPS_NP is not used: bench_aion runs on 1 rank (it
#        times single-core fits). Options that leave out the path problem (-sizes without 1000, -problems without atom,
#        and no -path_problem) run the bench without the paths figure, said at the end.
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args "" "$@"
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/aion}
shift || true
size=small
size_given=
if [ "${1:-}" = "--size" ]; then
  [ $# -ge 2 ] || { echo "run.sh: --size needs a value: small or full" >&2; exit 2; }
  size=$2
  size_given=1
  shift 2
fi
if [ $# -gt 0 ]; then # bench_aion's options come after --: anything else would be ignored by it
  [ "$1" = "--" ] || { echo "run.sh: unexpected argument '$1' (bench_aion options go after --); usage: $0 --help" >&2; exit 2; }
  shift
fi
case $size in
  small) starts=20 ;;
  full) starts=100 ;;
  *) echo "run.sh: --size small|full, not '$size'" >&2; exit 2 ;;
esac
# a -starts among bench_aion's options sets the count (its last value wins over the size's): said, not hidden, and
# refused beside --size, which would then mean nothing
prev=
for a in "$@"; do
  if [ "$prev" = -starts ]; then
    [ -z "$size_given" ] || { echo "run.sh: --size $size and -starts $a both set the starts per box: give one of them" >&2; exit 2; }
    starts=$a
  fi
  prev=$a
done
if [ -n "${SNAPS_NP:-}" ] && [ "$SNAPS_NP" != 1 ]; then # not silently ignored
  echo "run.sh: SNAPS_NP=$SNAPS_NP is not used here: bench_aion is a single-core benchmark and runs on 1 rank" >&2
fi
build=${BUILD_DIR:-$root/build}
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" >/dev/null
cmake --build "$build" -j2 --target bench_aion >/dev/null
mkdir -p -- "$out"
# an earlier run's outputs: removed, so that a bench that fails leaves none of them to be taken for this run's
case_clean "$out" "$out"/{aion.json,table.md,aion_paths.png,bench.log}
echo "== bench_aion, $starts starts per box (load average at start: $(cut -d' ' -f1-3 /proc/loadavg))"
"$build/bin/bench_aion" -starts "$starts" -results "$out/aion.json" "$@" | tee "$out/bench.log"
/usr/bin/python3 "$here/table.py" "$out/aion.json" "$out/table.md" >/dev/null
# the paths are recorded for -path_problem (default atom_N1000) only when that problem ran: bench options that leave
# it out (e.g. -sizes 100) give no figure, which is said rather than failing after the whole bench
if /usr/bin/python3 -c 'import json, sys; sys.exit(0 if "paths.near.start" in json.load(open(sys.argv[1])) else 1)' "$out/aion.json"; then
  /usr/bin/python3 "$root/postprocess/plot_aion.py" "$out/aion.json" "$out/aion_paths.png"
  echo "== $out/table.md, $out/aion.json, $out/aion_paths.png"
else
  rm -f -- "$out/aion_paths.png" # an earlier run's figure is not this run's
  echo "== $out/table.md, $out/aion.json; no aion_paths.png: the path problem (-path_problem, default atom_N1000) was not among the problems run (give -path_problem atom_N<one of -sizes>)"
fi
