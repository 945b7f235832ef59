#!/usr/bin/env python3
"""Adds the x-translated copies of a Kolmogorov trajectory as extra members (an exact symmetry of the equations:
w(x - s, y, t) is a solution whenever w is), so the training data cover every x-phase.

usage: augment.py IN.h5 OUT.h5 SHIFTS   (SHIFTS copies, shifted by multiples of N / SHIFTS points)
"""
import sys

import h5py
import numpy as np

src, dst, shifts = sys.argv[1], sys.argv[2], int(sys.argv[3])
with h5py.File(src, "r") as a, h5py.File(dst, "w") as b:
    for k, v in a.attrs.items():
        b.attrs[k] = v
    w = a["w"][:]
    n = w.shape[-1]
    b["time"] = a["time"][:]
    b["w"] = np.concatenate([np.roll(w, s * n // shifts, axis=-1) for s in range(shifts)], axis=1)
    b.attrs["members"] = np.int64(b["w"].shape[1])
    b.attrs["augmented_x_shifts"] = np.int64(shifts)
