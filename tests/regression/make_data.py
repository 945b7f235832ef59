#!/usr/bin/python3
"""Deterministic inputs for the SNAPS regression tests (tests/regression/CMakeLists.txt).

    make_data.py OUTDIR                  datasets: good.h5, good3.h5 and the bad ones
    make_data.py --models MODEL OUTDIR   damaged copies of a model written by snaps-fit:
                                         model_truncated.h5, model_badW.h5, model_nanC.h5,
                                         model_v99.h5

Everything is a pure function of fixed seeds, so repeated runs write the same numbers.
"""
import os
import shutil
import sys

import h5py
import numpy as np


def smooth(X):
    """A smooth, nearly separable target on [-1, 1]^d."""
    y = np.ones(X.shape[0])
    for j in range(X.shape[1]):
        y *= np.cos(0.5 * np.pi * X[:, j] * (1.0 + 0.25 * j))
    return y + 0.1 * X.sum(axis=1)


def write(path, **arrays):
    with h5py.File(path, "w") as f:
        for name, a in arrays.items():
            f.create_dataset(name, data=a)


def datasets(out):
    os.makedirs(out, exist_ok=True)
    # out/: outputs of runs that must fail; emptied so that a stale file cannot hide a write
    shutil.rmtree(os.path.join(out, "out"), ignore_errors=True)
    os.makedirs(os.path.join(out, "out"))
    rng = np.random.default_rng(20240601)
    X = rng.uniform(-1.0, 1.0, size=(500, 2))
    Y = smooth(X)[:, None]
    write(os.path.join(out, "good.h5"), X=X, Y=Y)
    # inputs only (snaps-predict accepts /X alone)
    write(os.path.join(out, "good_xonly.h5"), X=X)
    # the same targets at size 1e-8: the absolute -sna_fit_lambda 1e-12 outweighs them
    write(os.path.join(out, "small.h5"), X=X, Y=1e-8 * Y)

    X3 = rng.uniform(-1.0, 1.0, size=(500, 3))
    write(os.path.join(out, "good3.h5"), X=X3, Y=smooth(X3)[:, None])

    Xn = X.copy()
    Xn[123, 1] = np.nan
    write(os.path.join(out, "nan.h5"), X=Xn, Y=Y)

    Yi = Y.copy()
    Yi[321, 0] = np.inf
    write(os.path.join(out, "inf_y.h5"), X=X, Y=Yi)

    write(os.path.join(out, "rows.h5"), X=X, Y=Y[:499])
    write(os.path.join(out, "int.h5"), X=np.round(10 * X).astype(np.int64), Y=Y)
    write(os.path.join(out, "noy.h5"), X=X)
    # more inputs than a model file may hold (4096): refused before the fit (its own generator: the draws above stay)
    Xw = np.random.default_rng(4097).uniform(-1.0, 1.0, size=(5, 4097))
    write(os.path.join(out, "wide.h5"), X=Xw, Y=Xw[:, :1])

    # AION: one damped cosine 1.5 e^{-1.2 t} cos(8 t + 0.6) in one input
    def atom(t):
        return 1.5 * np.exp(-1.2 * t) * np.cos(8.0 * t + 0.6)

    t200 = np.linspace(0.0, 1.0, 200)
    write(os.path.join(out, "atom.h5"), X=t200[:, None], Y=atom(t200)[:, None])
    t30 = np.linspace(0.0, 1.0, 30)
    write(os.path.join(out, "atom30.h5"), X=t30[:, None], Y=atom(t30)[:, None])
    ts = np.sort(rng.uniform(0.0, 1.0, 200))
    write(os.path.join(out, "atom_scattered.h5"), X=ts[:, None], Y=atom(ts)[:, None])
    write(os.path.join(out, "atom_2outputs.h5"), X=t200[:, None], Y=np.stack([atom(t200), -atom(t200)], axis=1))

    with open(os.path.join(out, "text.h5"), "w") as f:
        f.write("this is a plain text file, not HDF5\n1,2,3\n")

    with open(os.path.join(out, "good.h5"), "rb") as f:
        head = f.read(200)
    with open(os.path.join(out, "truncated.h5"), "wb") as f:
        f.write(head)

    # (own generators from here: the data above stay as they were)
    # good.h5's targets times 1e155: finite, but the sum of their squares overflows
    write(os.path.join(out, "big.h5"), X=X, Y=1e155 * Y)
    # a noisy damped cosine at scattered times (AION with held-out validation)
    r = np.random.default_rng(3)
    tn = np.sort(r.uniform(0.0, 1.0, 300))
    write(os.path.join(out, "atom_noisy.h5"), X=tn[:, None], Y=(np.exp(-0.5 * tn) * np.cos(9 * tn + 0.3) + 0.05 * r.standard_normal(300))[:, None])
    # atom.h5's 200 times moved by up to 1e-3 of their spacing: not uniform for AION's matrix pencil
    tj = t200 + 1e-3 * (t200[1] - t200[0]) * np.random.default_rng(5).uniform(-1.0, 1.0, 200)
    write(os.path.join(out, "atom_jitter.h5"), X=tj[:, None], Y=atom(tj)[:, None])
    # 3 classes, one-hot rows (-sna_loss cross_entropy)
    r = np.random.default_rng(1)
    Xc = r.uniform(-1.0, 1.0, (400, 2))
    c = (Xc[:, 0] > 0).astype(int) + (Xc[:, 1] > 0.3).astype(int)
    write(os.path.join(out, "cls.h5"), X=Xc, Y=np.eye(3)[c])


def models(model, out):
    os.makedirs(out, exist_ok=True)
    size = os.path.getsize(model)

    # truncated: the superblock survives, the rest is cut off
    with open(model, "rb") as f:
        data = f.read(size // 2)
    with open(os.path.join(out, "model_truncated.h5"), "wb") as f:
        f.write(data)

    # /sna/W with the wrong shape (one node too many)
    p = os.path.join(out, "model_badW.h5")
    shutil.copyfile(model, p)
    with h5py.File(p, "r+") as f:
        W = f["/sna/W"][...]
        del f["/sna/W"]
        f.create_dataset("/sna/W", data=np.zeros((W.shape[0], W.shape[1] + 1, W.shape[2])))

    # NaN in the output head /sna/C
    p = os.path.join(out, "model_nanC.h5")
    shutil.copyfile(model, p)
    with h5py.File(p, "r+") as f:
        C = f["/sna/C"]
        c = C[...]
        c.flat[0] = np.nan
        C[...] = c

    # a format version from the future
    p = os.path.join(out, "model_v99.h5")
    shutil.copyfile(model, p)
    with h5py.File(p, "r+") as f:
        g = f["/sna"]
        del g.attrs["snaps_format_version"]
        g.attrs.create("snaps_format_version", 99, dtype="<i8")


def main(argv):
    if len(argv) == 2:
        datasets(argv[1])
    elif len(argv) == 4 and argv[1] == "--models":
        models(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
