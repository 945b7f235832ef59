#!/usr/bin/env bash
# AION case: infinite descent against steepest descent, Newton-CG, L-BFGS, Levenberg-Marquardt (TAO) and
# variable projection, from the same random starts, on the one-atom (N = 100, 1000, 10000), noisy
# three-atom and rank-2 2-D problems (bench/bench_aion.c). Writes aion.json (every start, medians,
# targets, paths, machine), table.md and aion_paths.png (loss landscape with each method's path).
# Usage: run.sh <output directory> [--size small|full] [-- bench_aion options]   (small: 20 starts per box, a few
#        minutes; full: 100 starts per box, about 15 to 20 minutes on 2 cores, not timed as a whole). BUILD_DIR: the build to use (default build/;
#        configured there if it is not yet, and bench_aion built).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/case-args.sh"
case_args "" "$@"
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/aion}
shift || true
size=small
if [ "${1:-}" = "--size" ]; then
  [ $# -ge 2 ] || { echo "run.sh: --size needs a value: small or full" >&2; exit 2; }
  size=$2
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
build=${BUILD_DIR:-$root/build}
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" >/dev/null
cmake --build "$build" -j2 --target bench_aion >/dev/null
mkdir -p -- "$out"
echo "== bench_aion, $starts starts per box (load average at start: $(cut -d' ' -f1-3 /proc/loadavg))"
"$build/bin/bench_aion" -starts "$starts" -results "$out/aion.json" "$@" | tee "$out/bench.log"
/usr/bin/python3 "$here/table.py" "$out/aion.json" "$out/table.md" >/dev/null
/usr/bin/python3 "$root/postprocess/plot_aion.py" "$out/aion.json" "$out/aion_paths.png"
echo "== $out/table.md, $out/aion.json, $out/aion_paths.png"
