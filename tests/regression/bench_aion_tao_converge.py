#!/usr/bin/python3
"""bench_aion's TAO baselines run to their gradient tolerance (1e-12, bench_aion -help), not to the SNA class's loss
tolerance (-sna_fit_rtol 1e-10 of the targets' variance), which stopped them at MSE 1e-9 to 1e-13, where no start
passes the success test (MSE <= 1e-20): on atom_N1000's 3 near starts, steepest descent, L-BFGS and Newton-CG must
all succeed (with the class's tolerance: 0%, 33%, 100%).
Usage: bench_aion_tao_converge.py <bench_aion> <out.json>"""
import json
import subprocess
import sys

exe, out = sys.argv[1:3]
subprocess.run([exe, "-sizes", "1000", "-problems", "atom", "-starts", "3", "-results", out], check=True, stdout=subprocess.DEVNULL)
run = json.load(open(out))
for method in ("steepest_descent", "lbfgs", "newton_cg"):
    rate = run["atom_N1000.near.%s.success_rate" % method]
    mse = run["atom_N1000.near.%s.mse_median" % method]
    assert rate == 1, "%s succeeded from %g of the near starts (median MSE %g): a TAO baseline stopped early" % (method, rate, mse)
print("steepest descent, L-BFGS and Newton-CG succeed from every near start of atom_N1000")
