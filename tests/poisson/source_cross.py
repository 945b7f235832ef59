#!/usr/bin/python3
"""The rank-1 cross probe of the KHRONOS source must be taken for separable sources only, and change nothing
but the set-up cost: with and without it the solution errors agree.

Usage: source_cross.py <scratch dir> -- <snaps-poisson and options>
"""
import json
import subprocess
import sys


def run(cmd, extra, out):
    subprocess.run(cmd + extra + ["-results", out], check=True, stdout=subprocess.DEVNULL)
    return json.load(open(out))


def main():
    scratch = sys.argv[1]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    cases = {  # expression: is the source f = -Laplace(u) of rank 1?
        "sin(pi*x)*sin(pi*y^2)": True,
        "exp(x*y)": False,
    }
    for i, (expr, separable) in enumerate(cases.items()):
        on = run(cmd, ["-exact", expr], f"{scratch}/cross_{i}_on.json")
        off = run(cmd, ["-exact", expr, "-khronos_source_cross", "0"], f"{scratch}/cross_{i}_off.json")
        rel = abs(on["l2_error_squared"] - off["l2_error_squared"]) / off["l2_error_squared"]
        print(f"{expr}: source {on['source_fit']!r} rank {on['source_rank']} vs {off['source_fit']!r} rank {off['source_rank']}; "
              f"squared L2 {on['l2_error_squared']:.6e} vs {off['l2_error_squared']:.6e} (relative difference {rel:.1e})")
        if off["source_fit"] != "grid":
            sys.exit("-khronos_source_cross 0 must compress on the grid")
        if separable and (not on["source_fit"].startswith("rank-1 cross") or on["source_rank"] != 1):
            sys.exit(f"{expr}: the separable source should be taken by the rank-1 cross")
        if not separable and (on["source_fit"] != "grid" or on["source_rank"] < 2):
            sys.exit(f"{expr}: a non-separable source must fail the cross check and be compressed on the grid")
        if rel > 1e-8:
            sys.exit(f"{expr}: the cross changed the error by {rel:.1e} relative")


if __name__ == "__main__":
    main()
