#!/usr/bin/python3
"""snaps-predict gives the same predictions on 1, 2 and 3 ranks (to 1e-14), and copies /X exactly.

    parallel_predict.py PREDICT MODEL DATA WORKDIR MPIEXEC [MPIEXEC args...]
"""
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)


def main(argv):
    if len(argv) < 6:
        sys.exit(__doc__)
    predict, model, data, work = argv[1:5]
    mpiexec = argv[5:]
    os.makedirs(work, exist_ok=True)
    with h5py.File(data, "r") as f:
        X = f["X"][...]
    ref = None
    for n in (1, 2, 3):
        out = os.path.join(work, f"pred_np{n}.h5")
        if os.path.exists(out):
            os.remove(out)
        cmd = mpiexec + ["-n", str(n), predict, "-model", model, "-data", data, "-out", out]
        r = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=40)
        print(" ".join(cmd))
        print(r.stdout)
        if r.returncode != 0:
            sys.exit(f"snaps-predict failed on {n} ranks (exit {r.returncode})")
        with h5py.File(out, "r") as f:
            Xo, Yo = f["X"][...], f["Y"][...]
        if Xo.shape != X.shape or not np.array_equal(Xo, X):
            sys.exit(f"{n} ranks: /X of the predictions is not an exact copy of the input /X")
        if Yo.shape != (X.shape[0], 1):
            sys.exit(f"{n} ranks: /Y has shape {Yo.shape}, expected {(X.shape[0], 1)}")
        if not np.all(np.isfinite(Yo)):
            sys.exit(f"{n} ranks: /Y contains NaN or Inf")
        if ref is None:
            ref = Yo
            continue
        err = np.max(np.abs(Yo - ref))
        print(f"{n} ranks: max |Y - Y(1 rank)| = {err:.3e}")
        if not err <= 1e-14:
            i = int(np.argmax(np.abs(Yo - ref).ravel()))
            sys.exit(f"{n} ranks: predictions differ from 1 rank by {err:.3e} > 1e-14 (row {i}: {Yo.ravel()[i]!r} vs {ref.ravel()[i]!r})")
    print("predictions agree on 1, 2 and 3 ranks")


if __name__ == "__main__":
    main(sys.argv)
