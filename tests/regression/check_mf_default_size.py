#!/usr/bin/env python3
"""The mf correction's default size on a small HF set (walkthrough audit s21, 3): 300 LF rows of sin(pi x0) on
[-1, 1]^2, the first 40 with HF values sin(pi x0) + 0.2 x1, 100 test rows. With the KHRONOS default's size (132
parameters on 40 HF values) the ar1 model's test MSE was 0.691, 54 times its LF part's 0.0129; with the default sized
from the HF values, both blends must be at least as good as the LF part alone. A size the user gives still wins (16
nodes, 4 modes: 132 parameters, warned).
Under ar1 rho is fitted jointly with delta, and the budget counts it (review s22b, 1): on the first 30 and 24 HF rows
the default ar1 model must not warn about itself, and delta and rho together stay within the documented budget (half
the HF values, or the smallest bases, delta degree + 1 nodes and 1 mode and rho degree + 1 nodes and 2 modes, where
those exceed it); where the warning counts rho, it names rho's options. The -results report carries the derived size (review s22b, 4), and with
-mf_delta_sna_fit_validation the size comes from the rows delta is fitted to, not all HF rows (review s22b, 5).
usage: check_mf_default_size.py SCRATCH SNAPS-FIT SNAPS-PREDICT"""
import json
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
for n in (30, 24):
    with h5py.File(path("mf%d.h5" % n), "w") as f:
        f["lf/X"], f["lf/Y"], f["hf/X"], f["hf/Y"] = Xl, lf(Xl).reshape(-1, 1), Xl[:n], hf(Xl[:n]).reshape(-1, 1)
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
# the default ar1 fit on the 40 HF rows is checked here and for its size below: one run for both (12 program starts, not 13)
ar1_40 = [fit, "-data", path("mf.h5"), "-mf_blend", "ar1", "-model", path("ar1_40.h5"), "-results", path("ar1_40.json")]
ar1_40_out = None
for blend in ("ar1", "residual"):
    model = path("ar1_40.h5" if blend == "ar1" else blend + ".h5")
    out = run(ar1_40 if blend == "ar1" else [fit, "-data", path("mf.h5"), "-mf_blend", blend, "-model", model])
    if blend == "ar1":
        ar1_40_out = out
    mse, lf_mse = test_mse(model), test_mse(model, "/sna/lf")
    print("%s: test MSE %.4g, its LF part alone %.4g" % (blend, mse, lf_mse))
    if not mse <= lf_mse:
        print("FAIL: the %s model with the default correction is worse than its LF part" % blend)
        failed = True
    if "WARNING" in out:
        print("FAIL: the default correction was warned as over-parameterised:\n" + out)
        failed = True
out = given_out = run([fit, "-data", path("mf.h5"), "-mf_blend", "ar1", "-model", path("given.h5"), "-mf_delta_sna_khronos_nodes", "16",
                      "-mf_delta_sna_khronos_modes", "4", "-sna_view", "-results", path("given.json")])
if not re.search(r"correction delta:.*?B-spline degree 2, 16,16 nodes \(per input\), 4 modes", out, re.S) or "WARNING: snaps-fit: the correction" not in out:
    print("FAIL: the correction's size given (16 nodes, 4 modes) was not kept, or not warned:\n" + out)
    failed = True
if "WARNING" in out and not re.search(r"WARNING: snaps-fit: the correction \(delta and ar1's rho together\).*-mf_rho_sna_khronos_nodes, "
                                      r"-mf_rho_sna_khronos_modes, or -mf_rho_form constant", out):
    print("FAIL: the warning counts rho's parameters but does not name rho's options:\n" + out)
    failed = True


def report(name):
    with open(path(name)) as f:
        return json.load(f)


SMALLEST = (3 + 3 + 1) + 2 * (3 + 3 + 1)  # delta 3 nodes per input and 1 mode, rho 3 nodes and 2 modes (2 inputs, 1 output)
for n in (40, 30, 24):
    data = path("mf.h5") if n == 40 else path("mf%d.h5" % n)
    out = ar1_40_out if n == 40 else run([fit, "-data", data, "-mf_blend", "ar1", "-model", path("ar1_%d.h5" % n), "-results", path("ar1_%d.json" % n)])
    rep = report("ar1_%d.json" % n)
    total = rep.get("delta_n_params", 0) + rep.get("rho_n_params", 0)
    budget = max(n // 2, SMALLEST)
    print("ar1 on %d HF rows: delta %s, rho %s: %d parameters (budget %d)" % (n, rep.get("delta_n_params"), rep.get("rho_n_params"), total, budget))
    if "WARNING" in out:
        print("FAIL: the default ar1 correction on %d HF rows was warned as over-parameterised:\n%s" % (n, out))
        failed = True
    if not 0 < total <= budget:
        print("FAIL: ar1's default correction on %d HF rows has %d parameters (delta and rho), over the budget %d" % (n, total, budget))
        failed = True
    for key in ("delta_nodes", "delta_modes", "rho_nodes", "rho_modes"):
        if key not in rep:
            print("FAIL: the report has no %s" % key)
            failed = True
    if not re.match(r"default: from %d HF training values" % n, str(rep.get("delta_size"))):
        print("FAIL: the report's delta_size does not say the size was derived from the %d HF values: %r" % (n, rep.get("delta_size")))
        failed = True
    if not re.search(r"correction's size was derived from the %d HF training values" % n, out):
        print("FAIL: snaps-fit did not say that the correction's size was derived from the HF rows:\n" + out)
        failed = True
    if not re.search(r"size was derived.*, rho .*-mf_rho_sna_khronos_nodes and _modes rho's", out):  # rho's size printed, its options named
        print("FAIL: snaps-fit's line on the derived size does not name rho's options:\n" + out)
        failed = True
# a size given is reported as given, and no line says it was derived
rep = report("given.json")
if rep.get("delta_size") != "given" or rep.get("delta_nodes") != [16, 16] or rep.get("delta_modes") != 4:
    print("FAIL: the given size is not reported as given (16,16 nodes, 4 modes): %r %r %r" % (rep.get("delta_size"), rep.get("delta_nodes"), rep.get("delta_modes")))
    failed = True
if "derived from" in given_out:
    print("FAIL: snaps-fit says a given size was derived:\n" + given_out)
    failed = True
# a constant rho is one parameter per output (the report counted its unused KHRONOS basis: 18; review s22c, 6)
out = run([fit, "-data", path("mf.h5"), "-mf_blend", "ar1", "-mf_rho_form", "constant", "-model", path("const.h5"), "-results", path("const.json")])
rep = report("const.json")
if rep.get("rho_n_params") != 1 or rep.get("n_params") != rep.get("lf_n_params", 0) + rep.get("delta_n_params", 0) + 1:
    print("FAIL: a constant rho's rho_n_params %r (expected 1 per output) or n_params %r != lf + delta + 1" % (rep.get("rho_n_params"), rep.get("n_params")))
    failed = True
# -mf_delta_sna_fit_validation 0.25: delta is fitted to about 30 of the 40 HF rows, and its size comes from those
out = run([fit, "-data", path("mf.h5"), "-mf_blend", "residual", "-mf_delta_sna_fit_validation", "0.25", "-model", path("val.h5"),
           "-results", path("val.json")])
rep = report("val.json")
m = re.match(r"default: from (\d+) HF training values", str(rep.get("delta_size")))
if not m or not 20 <= int(m.group(1)) < 40 or not rep.get("delta_n_params", 99) <= int(m.group(1)) // 2:
    print("FAIL: under -mf_delta_sna_fit_validation 0.25 the size does not come from delta's training rows: delta_size %r, "
          "%s parameters" % (rep.get("delta_size"), rep.get("delta_n_params")))
    failed = True
else:
    print("validation 0.25: from %s training values, delta %d parameters" % (m.group(1), rep["delta_n_params"]))
sys.exit(1 if failed else 0)
