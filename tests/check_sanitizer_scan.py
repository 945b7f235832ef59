#!/usr/bin/python3
"""The Python drivers fail on a sanitizer report (script_runner.program), as the CMake drivers do: a run that must
fail, and prints the expected message, no longer passes when its output also holds an AddressSanitizer report.

Runs tests/flows/check_flows.py surrogate_option_errors with a stand-in mpiexec (a shell script) that prints the
expected refusal and exits 1: without a sanitizer line the driver passes (the control); with an ASan line on standard
error it must fail and say why. Under a second, no SNAPS program runs.

usage: check_sanitizer_scan.py <scratch dir>"""
import os
import subprocess
import sys

import script_runner  # tests/script_runner.py, beside this script: stand-ins

FAKE = """#!/bin/sh
case "$*" in
  *"-N 7"*) echo "[0]PETSC ERROR: -N must be even";;
  *"-Re -40"*) echo "[0]PETSC ERROR: -Re must be positive";;
  *forcing_wavenumber*) echo "[0]PETSC ERROR: -forcing_wavenumber 6 must be below N/3";;
  *) echo "[0]PETSC ERROR: -init foo: use random or taylor-green";;
esac
%s
exit 1
"""
here = os.path.dirname(os.path.abspath(__file__))
scratch = script_runner.scratch(sys.argv[1])
for name, line, must_pass in (("clean", "", True),
                              ("asan", 'echo "==7==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010" >&2', False),
                              ("ubsan", 'echo "flow.c:12:3: runtime error: signed integer overflow" >&2', False)):
    fake = script_runner.executable(os.path.join(scratch, f"mpiexec_{name}.sh"), FAKE % line)
    p = subprocess.run([sys.executable, "-B", os.path.join(here, "flows", "check_flows.py"), "surrogate_option_errors",
                        os.path.join(scratch, name), "unused-ks", "unused-kolmogorov", fake],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    if must_pass and p.returncode != 0:
        sys.exit(f"FAIL: the driver failed with a stand-in that prints only the expected errors:\n{p.stdout}")
    if not must_pass and (p.returncode == 0 or "the output holds a sanitizer report" not in p.stdout):
        sys.exit(f"FAIL: the driver passed (exit {p.returncode}) although the output holds a sanitizer report ({name}):\n{p.stdout}")
    print(f"{name}: the driver {'passed' if must_pass else 'failed, naming the sanitizer report'}")
print("PASS")
