#!/usr/bin/env bash
# AION case: infinite descent against steepest descent, Newton-CG, L-BFGS, Levenberg-Marquardt (TAO) and
# variable projection, from the same random starts, on the one-atom (N = 100, 1000, 10000), noisy
# three-atom and rank-2 2-D problems (bench/bench_aion.c). Writes aion.json (every start, medians,
# targets, paths, machine), table.md and aion_paths.png (loss landscape with each method's path).
# Usage: run.sh <output directory> [--size small|full]   (small: 20 starts per box, a few minutes;
#        full: 100 starts per box, about 15 minutes on 2 cores). Extra bench_aion options after --.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/aion}
shift || true
size=small
if [ "${1:-}" = "--size" ]; then size=$2; shift 2; fi
[ "${1:-}" = "--" ] && shift
case $size in
  small) starts=20 ;;
  full) starts=100 ;;
  *) echo "run.sh: --size small|full, not '$size'" >&2; exit 2 ;;
esac
build=${BUILD_DIR:-$root/build}
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" >/dev/null
cmake --build "$build" -j2 --target bench_aion >/dev/null
mkdir -p "$out"
echo "== bench_aion, $starts starts per box (load average at start: $(cut -d' ' -f1-3 /proc/loadavg))"
"$build/bin/bench_aion" -starts "$starts" -results "$out/aion.json" "$@" | tee "$out/bench.log"
/usr/bin/python3 "$here/table.py" "$out/aion.json" "$out/table.md" >/dev/null
/usr/bin/python3 "$root/postprocess/plot_aion.py" "$out/aion.json" "$out/aion_paths.png"
echo "== $out/table.md, $out/aion.json, $out/aion_paths.png"
