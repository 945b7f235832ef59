#!/usr/bin/env python3
"""The mf correction's default size on a small HF set (walkthrough audit s21, 3): 300 LF rows of sin(pi x0) on
[-1, 1]^2, the first 40 with HF values sin(pi x0) + 0.2 x1, 100 test rows. With the KHRONOS default's size (132
parameters on 40 HF values) the ar1 model's test MSE was 0.691, 54 times its LF part's 0.0129; with the default sized
from the HF values, both blends must be at least as good as the LF part alone. A size the user gives still wins (16
nodes, 4 modes: 132 parameters, warned).
usage: check_mf_default_size.py SCRATCH SNAPS-FIT SNAPS-PREDICT"""
import os
import re
import subprocess
import sys

import h5py
import numpy as np

scratch, fit, predict = sys.argv[1:4]
os.makedirs(scratch, exist_ok=True)
path = lambda name: os.path.join(scratch, name)
r = np.random.default_rng(0)
r.uniform(-1, 1, (400, 2))  # the audit's single-fidelity training draws come first: the same test and mf data
Xt = r.uniform(-1, 1, (100, 2))
Xl = r.uniform(-1, 1, (300, 2))
lf = lambda X: np.sin(np.pi * X[:, 0])
hf = lambda X: lf(X) + 0.2 * X[:, 1]
with h5py.File(path("mf.h5"), "w") as f:
    f["lf/X"], f["lf/Y"], f["hf/X"], f["hf/Y"] = Xl, lf(Xl).reshape(-1, 1), Xl[:40], hf(Xl[:40]).reshape(-1, 1)
with h5py.File(path("test.h5"), "w") as f:
    f["X"], f["Y"] = Xt, hf(Xt).reshape(-1, 1)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        sys.exit("FAIL: %s exited %d:\n%s" % (" ".join(cmd), p.returncode, p.stdout))
    return p.stdout


def test_mse(model, group="/sna"):
    out = run([predict, "-model", model, "-model_group", group, "-data", path("test.h5"), "-out", path("p.h5")])
    m = re.search(r"test MSE ([0-9.eE+-]+)", out)
    if not m:
        sys.exit("FAIL: no test MSE from snaps-predict:\n" + out)
    return float(m.group(1))


failed = False
for blend in ("ar1", "residual"):
    model = path(blend + ".h5")
    out = run([fit, "-data", path("mf.h5"), "-mf_blend", blend, "-model", model])
    mse, lf_mse = test_mse(model), test_mse(model, "/sna/lf")
    print("%s: test MSE %.4g, its LF part alone %.4g" % (blend, mse, lf_mse))
    if not mse <= lf_mse:
        print("FAIL: the %s model with the default correction is worse than its LF part" % blend)
        failed = True
    if "WARNING" in out:
        print("FAIL: the default correction was warned as over-parameterised:\n" + out)
        failed = True
out = run([fit, "-data", path("mf.h5"), "-mf_blend", "ar1", "-model", path("given.h5"), "-mf_delta_sna_khronos_nodes", "16",
           "-mf_delta_sna_khronos_modes", "4", "-sna_view"])
if not re.search(r"correction delta:.*?B-spline degree 2, 16,16 nodes \(per input\), 4 modes", out, re.S) or "WARNING: snaps-fit: the correction" not in out:
    print("FAIL: the correction's size given (16 nodes, 4 modes) was not kept, or not warned:\n" + out)
    failed = True
sys.exit(1 if failed else 0)
