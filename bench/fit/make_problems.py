#!/usr/bin/python3
"""Datasets of the fit benchmark (bench/fit/run.sh): training and test sets of three problems.

    make_problems.py OUTDIR

  rank3_3d  smooth exact rank-3 sum of products of 1-D functions of 3 inputs on [-1, 1]^3
            (6000 training / 4000 test samples): the problem of issue 12 and of the JAX anchor
  smooth_6d a smooth function of 6 inputs of separation rank 5 (a product of cosines plus sin(x1+x2+x3) times an
            exponential of x4+x5+x6), 10000 / 5000 samples
  noisy_3d  rank3_3d with Gaussian noise of standard deviation 0.01 on the training targets only
            (6000 / 4000): the optimum is the noise level, not zero

Every array is a pure function of fixed seeds.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402


def rank3(X):
    x, y, z = X[:, 0], X[:, 1], X[:, 2]
    return (np.sin(np.pi * x) * np.cos(1.5 * y) * np.exp(0.5 * z)
            + 0.7 * np.exp(-x * x) * np.sin(2.0 * y + 0.3) * np.cos(np.pi * z)
            + 0.4 * (x * x - 0.2) * (1.0 + y) ** 2 / 4.0 * np.sin(2.5 * z + 1.0))


def smooth6(X):
    c = np.prod([np.cos(0.5 * np.pi * X[:, j] * (1.0 + 0.1 * j)) for j in range(6)], axis=0)
    return c + 0.3 * np.sin(X[:, 0] + X[:, 1] + X[:, 2]) * np.exp(-0.2 * (X[:, 3] + X[:, 4] + X[:, 5]))


def write(path, X, Y):
    with atomic.h5_file(path) as f:
        f.create_dataset("X", data=X)
        f.create_dataset("Y", data=Y[:, None])


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(12)
    Xtr, Xte = rng.uniform(-1, 1, (6000, 3)), rng.uniform(-1, 1, (4000, 3))
    write(os.path.join(out, "rank3_3d_train.h5"), Xtr, rank3(Xtr))
    write(os.path.join(out, "rank3_3d_test.h5"), Xte, rank3(Xte))
    write(os.path.join(out, "noisy_3d_train.h5"), Xtr, rank3(Xtr) + 0.01 * rng.standard_normal(Xtr.shape[0]))
    write(os.path.join(out, "noisy_3d_test.h5"), Xte, rank3(Xte))
    Xtr, Xte = rng.uniform(-1, 1, (10000, 6)), rng.uniform(-1, 1, (5000, 6))
    write(os.path.join(out, "smooth_6d_train.h5"), Xtr, smooth6(Xtr))
    write(os.path.join(out, "smooth_6d_test.h5"), Xte, smooth6(Xte))


if __name__ == "__main__":
    # argparse: the first argument was taken as OUTDIR whatever it was (--help wrote the six data sets into a directory
    # named --help), any other was ignored, and none wrote them into the current directory
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", help="the directory the data sets are written into (made if missing)")
    main(ap.parse_args().outdir)
