#!/usr/bin/env bash
# Usage: scripts/run-tests.sh [ctest options]   (-h or --help: this text, nothing built or run)
# Installs what is missing, builds, and runs the whole CTest suite (unit, mpi, regression, fuzz-regression),
# then the unit and regression tests again under AddressSanitizer and UBSan (scripts/run-sanitize.sh).
# Extra arguments go to the first ctest; a selection of no test (e.g. -R with a typo) is a failure, not a pass.
# SNAPS_SANITIZE_TESTS=0 skips the sanitized run (1, the default, runs it; any other value is refused).
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
root=$(cd "$(dirname "$0")/.." && pwd)
# --help before the build: passed to ctest, it printed ctest's help after the build, then the sanitized build and suite ran
source "$root/scripts/case-args.sh"
case_help "$@"
# checked before the build: any value but 0 ran the sanitized build and tests (SNAPS_SANITIZE_TESTS=no: 6 more minutes)
case ${SNAPS_SANITIZE_TESTS:-1} in
  0 | 1) ;;
  *) echo "run-tests: SNAPS_SANITIZE_TESTS='$SNAPS_SANITIZE_TESTS': use 0 (skip the sanitized run) or 1 (the default)" >&2; exit 2 ;;
esac
bash "$root/scripts/build.sh"
source "$root/scripts/env.sh"
status=0
(cd "$root/build" && ctest --no-tests=error --output-on-failure -j "$(nproc)" --timeout 300 "$@") || status=$?
if [ "${SNAPS_SANITIZE_TESTS:-1}" = 1 ]; then
  bash "$root/scripts/run-sanitize.sh" || status=$?
fi
exit "$status"
