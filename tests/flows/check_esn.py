#!/usr/bin/python3
"""bench/esn.py's parallel reservoir (--groups): on a periodic advected field u(t, x) = f(x - c t) the patches cover
the grid once, the trained ESN forecasts the advection, (the patches sharing one reservoir) a forecast from a
state shifted by a whole patch is the shifted forecast, and bad --groups/--overlap values are refused by name.

usage: check_esn.py SCRATCH_DIR"""
import os
import subprocess
import sys

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
esn_py = os.path.join(here, "..", "..", "bench", "esn.py")
sys.path.insert(0, os.path.dirname(esn_py))
import esn  # noqa: E402

N, G, OVERLAP, DT = 32, 4, 3, 0.25


def field(t, shift=0):
    """Two waves advected at speed 1 on a periodic domain of length 2 pi: the state at t, shifted by shift points."""
    x = 2 * np.pi * (np.arange(N) - shift) / N
    return np.sin(x - t) + 0.5 * np.cos(2 * (x - t)) + 0.3 * np.sin(3 * (x - t) + 1.0)


def write(path, t, members):
    with h5py.File(path, "w") as h:
        h["time"] = t
        h["u"] = np.stack([np.stack([field(ti, s) for s in members]) for ti in t])
        h.attrs["L"] = 2 * np.pi
        h.attrs["N"] = N


def main():
    scratch = sys.argv[1]
    os.makedirs(scratch, exist_ok=True)
    idx = esn.patch_index(N, G, OVERLAP)
    own = idx[:, OVERLAP:-OVERLAP]
    if idx.shape != (G, N // G + 2 * OVERLAP) or not np.array_equal(own, np.arange(N).reshape(G, -1)):
        sys.exit(f"check_esn: patch g must read its own points g N/G .. (g + 1) N/G - 1 with {OVERLAP} more on each "
                 f"side, not {idx}")
    t = DT * np.arange(2000)
    write(os.path.join(scratch, "train.h5"), t, [0, 5])
    model = os.path.join(scratch, "esn.npz")
    py = sys.executable
    subprocess.run([py, esn_py, "train", os.path.join(scratch, "train.h5"), model, "--time", "400", "--nodes", "200",
                    "--groups", str(G), "--overlap", str(OVERLAP)], check=True)
    t0 = 60.0
    write(os.path.join(scratch, "init.h5"), DT * np.arange(400), [0, N // G])  # member 1: shifted by one patch
    pred = os.path.join(scratch, "pred.h5")
    subprocess.run([py, esn_py, "forecast", model, os.path.join(scratch, "init.h5"), pred, "--t0", str(t0),
                    "--horizon", "5"], check=True)
    with h5py.File(pred, "r") as h:
        tp, u = h["time"][:], h["u"][:]
    truth = np.stack([field(ti) for ti in tp])
    err = np.sqrt(np.mean((u[:, 0] - truth) ** 2)) / np.std(truth)
    if not err < 0.05:
        sys.exit(f"check_esn: the parallel ESN's forecast of the advected field over 5 time units is off by {err:.3g} "
                 "(normalised RMSE; expected < 0.05)")
    shifted = np.roll(u[:, 0], N // G, axis=1)
    diff = np.max(abs(u[:, 1] - shifted))
    if not diff < 1e-10:
        sys.exit(f"check_esn: the forecast from the state shifted by one patch differs from the shifted forecast by {diff:.3g}")
    single = os.path.join(scratch, "single.npz")  # the default: one reservoir reading the whole field, no overlap
    subprocess.run([py, esn_py, "train", os.path.join(scratch, "train.h5"), single, "--time", "50", "--nodes", "50"],
                   check=True)
    if np.load(single)["Win"].shape != (50, N):
        sys.exit(f"check_esn: the single reservoir reads {np.load(single)['Win'].shape[1]} inputs, not the {N} points")
    for bad, says in ((["--groups", "5"], "--groups 5 must divide the grid's 32 points"),
                      (["--groups", "0"], "--groups 0 must be at least 1"),
                      (["--overlap", "3"], "--overlap 3 applies to patches (--groups > 1)"),
                      (["--groups", "4", "--overlap", "-1"], "--overlap -1 must be in [0, 32]")):
        r = subprocess.run([py, esn_py, "train", os.path.join(scratch, "train.h5"), model] + bad,
                           capture_output=True, text=True)
        if r.returncode == 0 or says not in r.stdout + r.stderr:
            sys.exit(f"check_esn: {' '.join(bad)} was not refused clearly: {r.stdout + r.stderr}")
    print(f"check_esn: patches cover the grid; forecast NRMSE {err:.2e} over 5 time units; shift-equivariant to {diff:.1e}")


if __name__ == "__main__":
    main()
