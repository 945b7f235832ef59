#!/usr/bin/python3
"""Adds the x-translated copies of a Kolmogorov trajectory as extra members (an exact symmetry of the equations:
w(x - s, y, t) is a solution whenever w is), so the training data cover every x-phase.

usage: augment.py IN.h5 OUT.h5 SHIFTS   (SHIFTS >= 1 copies, shifted by multiples of N / SHIFTS points; the
                                         diagnostics, invariant under the shift, are repeated for every copy)
Written atomically (postprocess/atomic.py), marked complete last: a failed run leaves no OUT.h5 to train on.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402
import flow_stats  # noqa: E402


def shifts_arg(v):
    try:
        n = int(v)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError("SHIFTS must be an integer >= 1, not %r" % v)
    return n


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    ap.add_argument("src", help="a complete Kolmogorov trajectory (snaps-kolmogorov -trajectory)")
    ap.add_argument("dst", help="the augmented trajectory to write")
    ap.add_argument("shifts", type=shifts_arg, help="copies (1: the run alone)")
    a = ap.parse_args(argv)
    h, fname = flow_stats.trajectory(a.src)
    with h as src, atomic.h5_file(a.dst) as b:
        for k, v in src.attrs.items():
            if k != "complete":
                b.attrs[k] = v
        w = src[fname][:]
        n = w.shape[-1]
        b["time"] = src["time"][:]
        b[fname] = np.concatenate([np.roll(w, s * n // a.shifts, axis=-1) for s in range(a.shifts)], axis=1)
        for k, v in src.get("diagnostics", {}).items():
            b["diagnostics/" + k] = np.tile(v[:], (1, a.shifts))
        b.attrs["members"] = np.int64(b[fname].shape[1])
        b.attrs["augmented_x_shifts"] = np.int64(a.shifts)
        b.attrs["complete"] = src.attrs["complete"]  # last: only a whole file says it is complete


if __name__ == "__main__":
    main()
