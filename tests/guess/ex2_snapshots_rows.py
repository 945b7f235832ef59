#!/usr/bin/python3
"""Snapshot files of more rows than the writer's first allocation (16): ex2_snapshots with -samples 5 writes 25 rows
on 2 ranks; /X must hold every sample's parameters, in order (the writer grows its parameter array at 16 and 32 rows;
a copy one row short left row 15 as uninitialised memory: mutation audit s26, S1), and /U each sample's field.

usage: ex2_snapshots_rows.py <scratch dir> <ex2_A.bin> <ex2_snapshots> MPIEXEC...
"""
import os
import subprocess
import sys

import h5py
import numpy as np

scratch, matrix, prog = sys.argv[1:4]
mpiexec = sys.argv[4:]
os.makedirs(scratch, exist_ok=True)
out = os.path.join(scratch, "ex2_snapshots_25.h5")
m, n, s = 24, 20, 5
subprocess.run(mpiexec + ["-n", "2", prog, "-matrix", matrix, "-m", str(m), "-n", str(n), "-samples", str(s), "-snapshots", out], check=True)
with h5py.File(out, "r") as f:
    X, U = f["X"][...], f["U"][...]
    assert f.attrs["n_samples"] == s * s, f.attrs["n_samples"]
mu = np.array([(a / (s - 1), c / (s - 1)) for a in range(s) for c in range(s)])
assert X.shape == mu.shape and np.array_equal(X, mu), "/X differs from the samples in rows %s" % np.nonzero(np.any(X != mu, axis=1))[0]
row = np.arange(m * n)
xi, yj = (row // n + 1) / (m + 1), (row % n + 1) / (n + 1)
want = (1 + mu[:, :1] * (xi - yj)) * (1 + mu[:, 1:] * xi * yj)
err = np.max(np.abs(U - want))
assert err < 1e-14, "/U differs from the samples' fields by %g" % err
os.remove(out)
print("ex2_snapshots_rows: %d rows of /X and /U as sampled" % (s * s))
