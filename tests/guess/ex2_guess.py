#!/usr/bin/python3
"""PETSc's own KSP tutorial ex2, unmodified, with and without the SNAPS initial guess.

Runs ex2 twice (plain, then with -dll_append libsnaps.so -ksp_guess_type sna ...), reads its
"Norm of error E iterations N" line and checks that the guess was used (its monitor line), that the
iteration count dropped (to at most --max-its when given) and that the answer is still right (error
no larger than the plain run's, or 1e-8).

With --check-scale instead (a guess without Galerkin correction, away from the training samples), the least-squares
scaling x0 = alpha x is checked from ex2's initial true residual (-ksp_monitor_true_residual): the monitor's alpha
must be the one applied, i.e. |b - alpha A x|^2 = |b|^2 - alpha^2 |A x|^2, with |A x|^2 from the run with
-ksp_guess_sna_scale 0 (|b - A x|^2 = |b|^2 - (2 alpha - 1) |A x|^2); so the scaled residual is the smaller one.

usage: ex2_guess.py --np N --ex2 EX2 --lib LIBSNAPS [--max-its K] [--check-scale] -- MPIEXEC... -- GUESS-OPTIONS...
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


def initial_residual(out):
    """|b - A x0| and |b| from ex2's iteration 0 of -ksp_monitor_true_residual."""
    m = re.search(r"^\s*0 KSP preconditioned resid norm \S+ true resid norm (\S+) \|\|r\(i\)\|\|/\|\|b\|\| (\S+)", out, re.M)
    if not m:
        sys.exit(f"no iteration-0 line of -ksp_monitor_true_residual in:\n{out}")
    r, rel = float(m.group(1)), float(m.group(2))
    return r, r / rel


def check_scale(base, guess):
    monitor = ["-dll_append", guess[0], "-ksp_guess_type", "sna", "-ksp_guess_sna_monitor", "-ksp_monitor_true_residual"] + guess[1:]
    _, _, out = run(base + monitor)
    _, _, out0 = run(base + monitor + ["-ksp_guess_sna_scale", "0"])
    m = re.search(r"KSPGuess sna:.*, scaled by (\S+)", out)
    if not m:
        sys.exit(f"the monitor line does not say 'scaled by' (the scaling is on by default):\n{out}")
    if "scaled by" in out0:
        sys.exit(f"-ksp_guess_sna_scale 0 still reports a scaling:\n{out0}")
    alpha = float(m.group(1).rstrip(","))
    r_s, b = initial_residual(out)
    r_u, b0 = initial_residual(out0)
    ax2 = (b * b - r_u * r_u) / (2 * alpha - 1)
    want = (b * b - alpha * alpha * ax2) ** 0.5
    print(f"alpha {alpha:.9g}: initial residual {r_s:.12e} scaled, {r_u:.12e} unscaled; |b - alpha A x| should be {want:.12e}")
    if abs(b - b0) > 1e-12 * b:
        sys.exit(f"|b| differs between the runs: {b!r} and {b0!r}")
    if abs(alpha - 1) < 1e-3:
        sys.exit(f"alpha = {alpha}: pick guess options whose prediction needs scaling (this check sees nothing at alpha = 1)")
    if not r_s < r_u:
        sys.exit(f"the scaled guess's initial residual {r_s:.12e} is not below the unscaled one's {r_u:.12e}: the scaling reported (alpha = {alpha}) was not applied")
    if abs(r_s - want) > 1e-6 * b:
        sys.exit(f"the scaled guess's initial residual {r_s:.12e} is not |b - alpha A x| = {want:.12e} for the reported alpha {alpha}")


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
    ap.add_argument("--check-scale", action="store_true", help="check the least-squares scaling (see above)")
    a = ap.parse_args(argv[:first])
    mpiexec = argv[first + 1:second]
    guess = argv[second + 1:]
    m, n = a.grid.split(",")
    base = mpiexec + ["-n", str(a.np), a.ex2, "-m", m, "-n", n]
    if a.check_scale:  # a guess away from the training samples: not necessarily fewer iterations
        check_scale(base, [a.lib] + guess)
        return
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
