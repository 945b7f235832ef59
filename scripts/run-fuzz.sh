#!/usr/bin/env bash
# Fuzzes the four file readers (model, dataset, snapshots, guess model) with libFuzzer:
#   bash scripts/run-fuzz.sh [seconds-per-reader, default 60] [reader...]
# Builds the harnesses of tests/fuzz with clang (ASan + UBSan + libFuzzer) into build-fuzz/, runs each
# from its seed corpus tests/fuzz/corpus/<reader>/ (new inputs go to build-fuzz/corpus/<reader>/, not
# into the repository), prints the executions per reader, and keeps every crash, leak, timeout and
# out-of-memory input under tests/fuzz/crashes/<reader>/. A crash found is fixed and its input moved
# to tests/fuzz/regressions/<reader>/, where the fuzz-regression tests of every build run it.
# Exits 1 when an input crashed or a reader did not run. FUZZ_FLAGS adds libFuzzer flags (e.g. FUZZ_FLAGS=-detect_leaks=0 while a
# known leak on an error path would stop every job).
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
readers=("$@")
[ ${#readers[@]} -gt 0 ] || readers=(model dataset snapshots guess)
# checked before the install and the build: libFuzzer reads -max_total_time=model (or 0) as 0, i.e. no time limit,
# and an unknown reader would fail only at the build
[[ $seconds =~ ^[1-9][0-9]*$ ]] || {
  echo "run-fuzz: the seconds per reader must be a positive integer, not '$seconds' (usage: run-fuzz.sh [seconds] [reader...])" >&2
  exit 2
}
for reader in "${readers[@]}"; do
  case $reader in
    model | dataset | snapshots | guess) ;;
    *) echo "run-fuzz: unknown reader '$reader': use some of model, dataset, snapshots, guess" >&2; exit 2 ;;
  esac
done
bash "$root/scripts/install-deps.sh" --fuzz
build=$root/build-fuzz
CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNAPS_FUZZ=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${readers[@]/#/fuzz_}"
source "$root/scripts/env.sh"
# leaks are checked after every input; not at exit, where Open MPI's allocations are no finding. The
# slow unwinder follows an allocation through HDF5 and PETSc (built without frame pointers), so that the
# suppressions of HDF5's and PETSc's own leaks (tests/sanitize/lsan.supp, by function) match here too.
# (the paths quoted for the sanitizers' option parser, which splits an unquoted value at a space)
export ASAN_OPTIONS="leak_check_at_exit=0:fast_unwind_on_malloc=0:suppressions='$root/tests/sanitize/asan.supp'"
export LSAN_OPTIONS="suppressions='$root/tests/sanitize/lsan.supp':print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
found=0
summary=""
for reader in "${readers[@]}"; do
  corpus=$build/corpus/$reader
  crashes=$root/tests/fuzz/crashes/$reader
  mkdir -p "$corpus" "$crashes"
  log=$build/fuzz-$reader.log
  before=$(ls "$crashes" | wc -l)
  echo "run-fuzz: $reader for $seconds s (log: $log)"
  # fork mode: a crash is saved and fuzzing goes on, so one run finds more than its first crash
  (cd "$build" && "$build/bin/fuzz_$reader" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -max_len=65536 -rss_limit_mb=2048 -timeout=10 -max_total_time="$seconds" -print_final_stats=1 ${FUZZ_FLAGS:-} \
    -artifact_prefix="$crashes/" "$corpus" "$root/tests/fuzz/corpus/$reader") >"$log" 2>&1 || true
  # no execution line: libFuzzer never started (bad FUZZ_FLAGS, a harness dying at start); said, and a failure
  execs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  if [ -z "$execs" ]; then
    echo "run-fuzz: $reader did not run (see $log)"
    found=1
  fi
  new=$(($(ls "$crashes" | wc -l) - before))
  [ "$new" -eq 0 ] || found=1
  summary+=$(printf '%-10s %12s executions, %d new crash/leak/timeout inputs in %s\n' "$reader" "${execs:-?}" "$new" "$crashes")$'\n'
done
printf 'run-fuzz: %s s per reader\n%s' "$seconds" "$summary"
exit "$found"
