"""(mutation audit s19) snaps-predict's test MSE on the training data, recomputed from its predictions, and the AION
fit's stored model.

usage: check_predict_mse.py SCRATCH FIT PREDICT

- two outputs (khronos, 300 rows): snaps-predict's test_mse on the training data is mean((Ypred - Y)^2) over rows and
  outputs, from its -out file and /Y (a division by the rows alone doubled it), and equals snaps-fit's train_mse;
- AION infinite descent on cos(w x0 + 0.7) exp(-x1/2) cos(0.3 x1) (400 random points, w 0.2 and 3), data on which the
  Newton iterates end with an omega < 0 that the fit flips before storing: the stored model predicts the training data
  with the training MSE the fit reported (below 1e-8), so the flip (a, b, alpha, w) -> (a, -b, alpha, -w) kept psi.
Every case is checked even when another fails.
"""
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

scratch, FIT, PREDICT = sys.argv[1:4]
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)
fails = []


def path(name):
    return os.path.join(scratch, name)


def run(cmd, name):
    p = script_runner.program(cmd + ["-results", path(name + ".json")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        fails.append(f"{' '.join(cmd)}: rc {p.returncode}:\n{p.stdout[-800:]}")
        return None
    with open(path(name + ".json")) as f:
        return json.load(f)


def fit_predict(label, X, Y, fit_options):
    """(train_mse, test_mse, predictions) of a fit on X, Y and a prediction of the same rows, or None."""
    with h5py.File(path(label + ".h5"), "w") as h:
        h["X"], h["Y"] = X, Y
    f = run([FIT, "-data", path(label + ".h5"), "-model", path(label + "_model.h5")] + fit_options, label + "_fit")
    p = run([PREDICT, "-model", path(label + "_model.h5"), "-data", path(label + ".h5"), "-out", path(label + "_pred.h5")], label + "_predict")
    if f is None or p is None:
        return None
    with h5py.File(path(label + "_pred.h5"), "r") as h:
        return f["train_mse"], p["test_mse"], h["Y"][:]


# ---- two outputs ----
rng = np.random.default_rng(3)
X = rng.uniform(-1, 1, (300, 2))
Y = np.stack([np.sin(2 * X[:, 0]) * X[:, 1], np.cos(X[:, 0] + X[:, 1])], axis=1)
r = fit_predict("q2", X, Y, ["-sna_fit_max_it", "20"])
if r:
    train, test, P = r
    want = float(np.mean((P - Y) ** 2))
    print(f"two outputs: test_mse {test:.10e}, mean((Ypred - Y)^2) {want:.10e}, train_mse {train:.10e}")
    if not abs(test - want) <= 1e-12 * want:
        fails.append(f"two outputs: snaps-predict's test_mse {test:.10e} is not mean((Ypred - Y)^2) = {want:.10e} over rows and outputs")
    if not abs(train - want) <= 1e-9 * want:
        fails.append(f"two outputs: snaps-fit's train_mse {train:.10e} is not the MSE of the stored model's predictions {want:.10e}")

# ---- AION, an omega < 0 flipped before storing ----
for w in (0.2, 3.0):
    rng = np.random.default_rng(2)
    X = rng.uniform(0, 1, (400, 2))
    Y = (np.cos(w * X[:, 0] + 0.7) * np.exp(-0.5 * X[:, 1]) * np.cos(0.3 * X[:, 1]))[:, None]
    r = fit_predict(f"aion_{w:g}", X, Y, ["-sna_type", "aion", "-sna_fit_type", "infinite_descent"])
    if r:
        train, test, P = r
        print(f"AION w {w:g}: train_mse {train:.6e}, the stored model's test_mse on the same rows {test:.6e}")
        if not (test < 1e-8 and abs(test - train) <= 1e-6 * train + 1e-20):
            fails.append(f"AION w {w:g}: the stored model's MSE on the training data {test:.6e} is not the fit's reported "
                         f"{train:.6e} (or not below 1e-8): the stored atoms are not the fitted ones")

if fails:
    sys.exit("FAIL:\n" + "\n".join(fails))
print("snaps-predict's test MSE recomputed from its predictions; AION's stored model is the fitted one")
