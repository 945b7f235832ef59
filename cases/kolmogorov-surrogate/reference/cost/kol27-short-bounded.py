#!/usr/bin/python3
"""How many of kol27-val.sh's short rollouts stay bounded (finite and below 3 max|w| of the validation's truth A after
t = 30, as evaluate.py and flow_stats.bounded_members count them; evaluate.py --mode long does not store it).
usage: kol27-short-bounded.py VAL name [name ...]"""
import glob
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "postprocess"))
import flow_stats  # noqa: E402

out = sys.argv[1]
_, A = flow_stats.load_window(os.path.join(out, "truth_a.h5"), 30)
wmax = float(np.abs(A).max())
del A
for name in sys.argv[2:]:
    keep = [flow_stats.bounded_members(flow_stats.load_window(f)[1], wmax) for f in sorted(glob.glob(os.path.join(out, f"short_{name}_*.h5")))]
    print(f"{name}: {int(sum(k.sum() for k in keep))} of {sum(k.size for k in keep)} short rollouts bounded")
