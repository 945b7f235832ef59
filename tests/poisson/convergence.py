#!/usr/bin/python3
"""Observed L2 convergence order of snaps-poisson between two resolutions.

Usage: convergence.py <expected order> <tolerance> <scratch dir> <resolution option> <r1> <r2> -- <command ...>
Runs the command twice with '<resolution option> r' appended (r1, then r2 = 2 r1 in cells, or nodes),
reads the -results JSON, and checks 0.5*log2(e1/e2)/log2(h1/h2) against the expected L2 order.
"""
import json
import math
import subprocess
import sys


def main():
    expected, tol, scratch, opt, r1, r2 = sys.argv[1:7]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    errs = []
    for r in (r1, r2):
        out = f"{scratch}/conv_{opt.strip('-')}_{r}_{abs(hash(tuple(cmd))) % 10**8}.json"
        subprocess.run(cmd + [opt, r, "-results", out], check=True)
        res = json.load(open(out))
        errs.append(res["l2_error_squared"])
        print(f"{opt} {r}: dofs {res['dofs']}, squared L2 error {res['l2_error_squared']:.4e}")
    ratio = float(r2.split(",")[0]) / float(r1.split(",")[0])
    order = 0.5 * math.log(errs[0] / errs[1]) / math.log(ratio)
    print(f"observed L2 order {order:.3f} (expected {expected} +- {tol})")
    if abs(order - float(expected)) > float(tol):
        sys.exit(f"convergence order {order:.3f} is not {expected} +- {tol}")


if __name__ == "__main__":
    main()
