#!/usr/bin/python3
"""Observed L2 convergence order of snaps-poisson between two resolutions.

Usage: convergence.py <expected order> <tolerance> <scratch dir> <resolution option> <r1> <r2> [offset] [e1=<value>] [h1=<value>]
                      -- <command ...>
Runs the command twice with '<resolution option> r' appended, reads the -results JSON, and checks
0.5*log(e1/e2)/log(h1/h2) against the expected L2 order, where 1/h is proportional to r - offset
(FEM cells: offset 0; KHRONOS nodes G of degree k: the G - k knot intervals, offset k). With e1=<value>, the
squared L2 error at r1 must also be that measured value to 1% relative: the order alone does not see an error norm
scaled by a constant (a quadrature weight lost, say). With h1=<value>, the H1 error at r1 likewise (the order check
reads the L2 errors only).
"""
import json
import math
import subprocess
import sys


def main():
    sep = sys.argv.index("--")
    expected, tol, scratch, opt, r1, r2 = sys.argv[1:7]
    extra = sys.argv[7:sep]
    want1 = [float(a[3:]) for a in extra if a.startswith("e1=")]
    wanth1 = [float(a[3:]) for a in extra if a.startswith("h1=")]
    offset = float(next((a for a in extra if not a.startswith(("e1=", "h1="))), 0.0))
    cmd = sys.argv[sep + 1:]
    errs, h1s = [], []
    for r in (r1, r2):
        out = f"{scratch}/conv_{opt.strip('-')}_{r}_{abs(hash(tuple(cmd))) % 10**8}.json"
        subprocess.run(cmd + [opt, r, "-results", out], check=True)
        res = json.load(open(out))
        errs.append(res["l2_error_squared"])
        h1s.append(res.get("h1_error", math.nan))
        print(f"{opt} {r}: dofs {res['dofs']}, squared L2 error {res['l2_error_squared']:.4e}")
    ratio = (float(r2.split(",")[0]) - offset) / (float(r1.split(",")[0]) - offset)
    order = 0.5 * math.log(errs[0] / errs[1]) / math.log(ratio)
    print(f"observed L2 order {order:.3f} (expected {expected} +- {tol})")
    if abs(order - float(expected)) > float(tol):
        sys.exit(f"convergence order {order:.3f} is not {expected} +- {tol}")
    if want1 and abs(errs[0] - want1[0]) > 0.01 * want1[0]:
        sys.exit(f"squared L2 error {errs[0]:.6e} at {opt} {r1} is not the measured {want1[0]:.6e} (1% relative)")
    if wanth1 and abs(h1s[0] - wanth1[0]) > 0.01 * wanth1[0]:
        sys.exit(f"H1 error {h1s[0]:.6e} at {opt} {r1} is not the measured {wanth1[0]:.6e} (1% relative)")


if __name__ == "__main__":
    main()
