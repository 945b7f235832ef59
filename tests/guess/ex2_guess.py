#!/usr/bin/python3
"""PETSc's own KSP tutorial ex2, unmodified, with and without the SNAPS initial guess.

Runs ex2 twice (plain, then with -dll_append libsnaps.so -ksp_guess_type sna ...), reads its
"Norm of error E iterations N" line and checks that the guess was used (its monitor line), that the
iteration count dropped (to at most --max-its when given) and that the answer is still right (error
no larger than the plain run's, or 1e-8).

usage: ex2_guess.py --np N --ex2 EX2 --lib LIBSNAPS [--max-its K] -- MPIEXEC... -- GUESS-OPTIONS...
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)


def run(cmd):
    p = script_runner.program(cmd, capture_output=True, text=True, timeout=120)
    out = p.stdout + p.stderr
    if p.returncode != 0:
        sys.exit(f"FAILED ({p.returncode}): {' '.join(cmd)}\n{out}")
    m = re.search(r"Norm of error (\S+) iterations (\d+)", out)
    if not m:
        sys.exit(f"no 'Norm of error ... iterations ...' line from: {' '.join(cmd)}\n{out}")
    return float(m.group(1)), int(m.group(2)), out


def main():
    argv = sys.argv[1:]
    first = argv.index("--")
    second = argv.index("--", first + 1)
    ap = argparse.ArgumentParser()
    ap.add_argument("--np", type=int, required=True)
    ap.add_argument("--ex2", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--max-its", type=int, default=None)
    ap.add_argument("--grid", default="24,20")
    a = ap.parse_args(argv[:first])
    mpiexec = argv[first + 1:second]
    guess = argv[second + 1:]
    m, n = a.grid.split(",")
    base = mpiexec + ["-n", str(a.np), a.ex2, "-m", m, "-n", n]
    err0, its0, _ = run(base)
    err1, its1, out = run(base + ["-dll_append", a.lib, "-ksp_guess_type", "sna", "-ksp_guess_sna_monitor"] + guess)
    print(f"ex2 on {a.np} rank(s): zero guess {its0} iterations (error {err0:.3e}); sna guess {its1} iterations (error {err1:.3e})")
    print("\n".join(l for l in out.splitlines() if "KSPGuess sna" in l))
    if "KSPGuess sna:" not in out:
        sys.exit("the sna guess did not run (no monitor line)")
    if its1 >= its0:
        sys.exit(f"the guess did not reduce the iterations: {its1} >= {its0}")
    if a.max_its is not None and its1 > a.max_its:
        sys.exit(f"{its1} iterations with the guess, expected at most {a.max_its}")
    if err1 > max(err0, 1e-8):
        sys.exit(f"the answer got worse with the guess: error {err1:.3e} > {max(err0, 1e-8):.3e}")


if __name__ == "__main__":
    main()
