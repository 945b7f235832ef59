#!/usr/bin/python3
"""Datasets for the separable-fit case: scattered training samples and a test grid.

Target on [-1,1]^2: f(x, y) = sin(pi x) sin(pi y^2) + 0.3 cos(2 x y). The first term is KAN's
Poisson solution (rank 1); the second is not separable, so the fit needs several modes.
Writes train.h5 (/X N x 2, /Y N x 1) and grid.h5 (/X, /Y on an n x n grid, plus /grid/x, /grid/y).
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402


def target(x, y):
    return np.sin(np.pi * x) * np.sin(np.pi * y**2) + 0.3 * np.cos(2 * x * y)


def main(out_dir, n_train=20000, n_grid=201, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n_train, 2))
    with atomic.h5_file(f"{out_dir}/train.h5") as f:
        f["X"] = X
        f["Y"] = target(X[:, 0], X[:, 1])[:, None]
        f.attrs["inputs"] = "x,y"
        f.attrs["outputs"] = "f"
    g = np.linspace(-1.0, 1.0, n_grid)
    gx, gy = np.meshgrid(g, g, indexing="ij")
    with atomic.h5_file(f"{out_dir}/grid.h5") as f:
        f["X"] = np.column_stack([gx.ravel(), gy.ravel()])
        f["Y"] = target(gx, gy).reshape(-1, 1)
        f["grid/x"] = g
        f["grid/y"] = g


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    ap.add_argument("out_dir", help="the case's output directory (it must exist)")
    main(ap.parse_args().out_dir)
