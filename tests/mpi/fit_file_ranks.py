#!/usr/bin/python3
"""snaps-fit on 2 ranks, with its samples read from an HDF5 file (each rank reads its own block of rows), fits the
model of 1 rank (default fit, held-out samples included): the same MSE and the same predictions (the models predicted on 1 rank) to 1e-9.
The other multi-rank fit tests give the data in memory; a rank reading the wrong rows of the file (say, every rank
the first ones) fits other data and fails here. 301 samples: the ranks get blocks of different sizes.

    fit_file_ranks.py FIT PREDICT WORKDIR --np 2 MPIEXEC [MPIEXEC args...]
"""
import os
import re
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

TOL = 1e-9


def run(cmd):
    print(" ".join(cmd))
    r = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=40)
    print(r.stdout)
    if r.returncode != 0:
        sys.exit(f"exit {r.returncode}: {' '.join(cmd)}")
    return r.stdout


def main(argv):
    if len(argv) < 7 or argv[4] != "--np":
        sys.exit(__doc__)
    fit, predict, work, _, np_max = argv[1:6]
    mpiexec = argv[6:]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(7)
    X = rng.uniform(-1.0, 1.0, size=(301, 2))
    Y = (np.cos(0.5 * np.pi * X[:, 0]) * np.cos(0.6 * np.pi * X[:, 1]) + 0.1 * X.sum(axis=1) + 0.2 * X[:, 0] ** 3)[:, None]
    data = os.path.join(work, "data.h5")
    with h5py.File(data, "w") as f:
        f.create_dataset("X", data=X)
        f.create_dataset("Y", data=Y)
    mse, pred = {}, {}
    for n in (1, int(np_max)):
        model, out = os.path.join(work, f"model_np{n}.h5"), os.path.join(work, f"pred_np{n}.h5")
        for p in (model, out):
            if os.path.exists(p):
                os.remove(p)
        text = run(mpiexec + ["-n", str(n), fit, "-data", data, "-model", model, "-sna_khronos_nodes", "6",
                              "-sna_khronos_modes", "2", "-sna_fit_max_it", "20"])
        m = re.search(r"snaps-fit: [^\n]*MSE[^\n0-9]* ([0-9.]+e[+-][0-9]+) \(relative", text)  # training, or all samples
        if not m or f", {n} ranks" not in text:
            sys.exit(f"{n} ranks: no MSE of a fit on {n} ranks in snaps-fit's output")
        mse[n] = float(m.group(1))
        run(mpiexec + ["-n", "1", predict, "-model", model, "-data", data, "-out", out])
        with h5py.File(out, "r") as f:
            pred[n] = f["Y"][...]
    n = int(np_max)
    rel = abs(mse[n] - mse[1]) / mse[1]
    err = np.max(np.abs(pred[n] - pred[1])) / np.max(np.abs(pred[1]))
    print(f"{n} ranks: MSE {mse[n]:.6e} (1 rank {mse[1]:.6e}), max |prediction difference| / max |prediction| {err:.3e}")
    if not rel <= 1e-6:  # snaps-fit prints 7 digits
        sys.exit(f"{n} ranks: MSE {mse[n]:.6e} differs from 1 rank's {mse[1]:.6e}")
    if not err <= TOL:
        sys.exit(f"{n} ranks: the fitted model's predictions differ from 1 rank's by {err:.3e} (relative) > {TOL:g}")
    print(f"the fit from a file agrees on 1 and {n} ranks")


if __name__ == "__main__":
    main(sys.argv)
