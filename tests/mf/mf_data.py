#!/usr/bin/python3
"""Deterministic two-fidelity datasets for the multi-fidelity tests (tests/mf/CMakeLists.txt).

    mf_data.py OUTDIR    writes, for inputs (mu, s) with case = one mu and 21 stations s in [-1, 1]:
      residual.h5   LF = f, HF = f + g (f, g polynomials a cubic KHRONOS represents exactly)
      ar1.h5        LF = f, HF = rho f + delta with rho = 1 + 0.5 mu, delta = 0.1 s
      query.h5      held-out HF points of residual.h5: /X, /Y (HF) and /YLF (the exact LF values there)
      norows.h5     /lf without /hf; mismatch_d.h5 (HF with 3 inputs), mismatch_q.h5 (HF with 2 outputs),
      nan_hf.h5     NaN in /hf/Y; plain.h5 (a single-fidelity /X, /Y)
      case2_hf.h5   /hf/case with 2 columns (the case id and a station number): refused, not read as row ids
      casebig_hf.h5 /hf/case ids 2^32 + case (int64): refused, not cast to one PetscInt (all cases merged into one)
      classes.h5    /lf and /hf with one-hot class rows (2 classes: mu + s > 0.5), for an LF classifier: refused
"""
import os
import sys

import h5py
import numpy as np


def f(mu, s):
    return (1.0 + mu**3) * s**2 + mu * s


def g(mu, s):
    return 0.2 * mu * s**3


def cases(rng, n, first):
    mu = rng.uniform(0.0, 1.0, n)
    s = np.linspace(-1.0, 1.0, 21)
    M, S = np.meshgrid(mu, s, indexing="ij")
    ids = np.repeat(np.arange(first, first + n), s.size)
    return np.column_stack([M.ravel(), S.ravel()]), ids


def write(path, groups):
    with h5py.File(path, "w") as h:
        for name, arrays in groups.items():
            for key, a in arrays.items():
                h.create_dataset(f"{name}/{key}" if name else key, data=a)


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(14)
    Xl, cl = cases(rng, 60, 0)
    Xh, ch = cases(rng, 20, 100)
    Xq, _ = cases(rng, 5, 200)
    fl = f(Xl[:, 0], Xl[:, 1])[:, None]
    lf = {"X": Xl, "Y": fl, "case": cl.astype(np.int64)}
    hf = {"X": Xh, "Y": (f(Xh[:, 0], Xh[:, 1]) + g(Xh[:, 0], Xh[:, 1]))[:, None], "case": ch.astype(np.int64)}
    write(os.path.join(out, "residual.h5"), {"lf": lf, "hf": hf})
    rho = 1.0 + 0.5 * Xh[:, 0]
    hfa = dict(hf, Y=(rho * f(Xh[:, 0], Xh[:, 1]) + 0.1 * Xh[:, 1])[:, None])
    write(os.path.join(out, "ar1.h5"), {"lf": lf, "hf": hfa})
    write(os.path.join(out, "query.h5"), {"": {"X": Xq, "Y": (f(Xq[:, 0], Xq[:, 1]) + g(Xq[:, 0], Xq[:, 1]))[:, None], "YLF": f(Xq[:, 0], Xq[:, 1])[:, None]}})
    # the query without /Y for the predicted values alone, and the rho check points
    write(os.path.join(out, "rho_points.h5"), {"": {"X": Xq}})
    write(os.path.join(out, "norows.h5"), {"lf": lf})
    write(os.path.join(out, "mismatch_d.h5"), {"lf": lf, "hf": dict(hf, X=np.column_stack([Xh, Xh[:, :1]]))})
    write(os.path.join(out, "mismatch_q.h5"), {"lf": lf, "hf": dict(hf, Y=np.column_stack([hf["Y"], hf["Y"]]))})
    bad = hf["Y"].copy()
    bad[7, 0] = np.nan
    write(os.path.join(out, "nan_hf.h5"), {"lf": lf, "hf": dict(hf, Y=bad)})
    write(os.path.join(out, "plain.h5"), {"": {"X": Xl, "Y": fl}})
    stations = 500 + np.arange(len(ch)) % 21
    write(os.path.join(out, "case2_hf.h5"), {"lf": lf, "hf": dict(hf, case=np.column_stack([ch, stations]).astype(np.int64))})
    write(os.path.join(out, "casebig_hf.h5"), {"lf": lf, "hf": dict(hf, case=ch.astype(np.int64) + 2**32)})
    onehot = lambda X: np.eye(2)[(X[:, 0] + X[:, 1] > 0.5).astype(int)]
    write(os.path.join(out, "classes.h5"), {"lf": {"X": Xl, "Y": onehot(Xl)}, "hf": {"X": Xh, "Y": onehot(Xh)}})


if __name__ == "__main__":
    main(sys.argv[1])
