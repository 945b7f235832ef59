#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole CTest suite (unit, mpi, regression, fuzz-regression),
# then the unit and regression tests again under AddressSanitizer and UBSan (scripts/run-sanitize.sh).
# Extra arguments go to the first ctest; a selection of no test (e.g. -R with a typo) is a failure, not a pass. SNAPS_SANITIZE_TESTS=0 skips the sanitized run.
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
source "$root/scripts/env.sh"
status=0
(cd "$root/build" && ctest --no-tests=error --output-on-failure -j "$(nproc)" --timeout 300 "$@") || status=$?
if [ "${SNAPS_SANITIZE_TESTS:-1}" != 0 ]; then
  bash "$root/scripts/run-sanitize.sh" || status=$?
fi
exit "$status"
