#!/usr/bin/env bash
# Usage: scripts/run-sanitize.sh [ctest options]   (-h or --help: this text, nothing built or run)
# Builds SNAPS with gcc's AddressSanitizer and UndefinedBehaviorSanitizer into build-sanitize/ and runs
# the tests labelled sanitize (unit, regression, guess, poisson and the fuzz regression inputs): a memory
# error, undefined behaviour or a leak (outside the libraries in tests/sanitize/lsan.supp) fails a test.
# Extra arguments go to ctest (e.g. -R unit). No test selected (a lost sanitize label, a typo in -R) is a failure.
set -euo pipefail
unset CDPATH # a CDPATH entry makes cd print the directory, which would end up in the paths taken with $(cd ...)
root=$(cd "$(dirname "$0")/.." && pwd)
# --help before the build: passed to ctest, it printed ctest's help after the whole sanitizer build
source "$root/scripts/case-args.sh"
case_help "$@"
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build-sanitize" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNAPS_SANITIZE=address,undefined >/dev/null
cmake --build "$root/build-sanitize" -j "$(nproc)"
source "$root/scripts/env.sh"
cd "$root/build-sanitize"
ctest -L sanitize --no-tests=error --output-on-failure -j "$(nproc)" --timeout 300 "$@"
