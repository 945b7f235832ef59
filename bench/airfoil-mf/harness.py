#!/usr/bin/python3
"""The airfoil multi-fidelity benchmark's shared split and scoring: the one definition every method (the
baselines here, the SNA through cases/airfoil-mf/run.sh) is trained and scored by.

Split (seeded, whole airfoils): the test airfoils are a seeded 20% of the HF cases; neither their LF nor their
HF rows are ever trained on. Of the remaining HF cases, a seeded permutation is cut at 0/10/30/100%, so the
smaller training sets are nested in the larger. Every non-test LF case trains the LF part.

  harness.py split [--data cases/airfoil/data/airfoil_mf.h5] [--out DIR] [--seed 14] [--s_input s|angle|le]
      DIR/split.json            the case ids (test, train HF per fraction, train LF)
      DIR/train_hf{000,010,030,100}.h5   /lf/{X,Y,case}, /hf/{X,Y,case}: the multi-fidelity contract of
                                  snaps-fit -mf_blend; attribute mf_hf_fraction: what snaps-fit's
                                  -mf_hf_fraction must be (1: every HF case in the file; 0: the LF model
                                  alone; the 0% file still holds the 10% HF cases, as the contract needs /hf)
      DIR/test.h5               /X, /Y (HF), /YLF (LF at the same rows), /case: snaps-predict -data reads it
                                  and corrects the given LF values
      DIR/test_nolf.h5          the same without /YLF: snaps-predict evaluates its own LF model there
      --s_input angle|le: the 6th input column of every file is a coordinate of the station that spreads
                                  the leading edge (angle_coordinate, leading_edge_coordinate) instead of s; the
                                  dataset is untouched, the case ids, rows and Y identical: the SNA's input
                                  files (cases/airfoil-mf)
  harness.py score --test DIR/test.h5 --pred P.h5 [--method NAME]
      scores predictions /Y of P.h5 (rows as in test.h5) and prints the metrics as JSON
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "cases", "airfoil"))
sys.path.insert(0, os.path.join(ROOT, "bench", "poisson-peers"))
sys.path.insert(0, os.path.join(ROOT, "postprocess"))
import airfoil  # noqa: E402  (the Cp stations and the lift from integrated Cp)
from atomic import h5_file, save_figure, write_json, write_text  # noqa: E402,F401  (written atomically: re-exported)
from peers import machine  # noqa: E402,F401  (host, CPU, cores, BLAS and LAPACK, load: re-exported for the baselines)

DATA = os.path.join(ROOT, "cases", "airfoil", "data", "airfoil_mf.h5")
FRACTIONS = (0.0, 0.1, 0.3, 1.0)
TEST_FRACTION = 0.2
SEED = 14


def load(path=DATA):
    """The dataset as {kind: (X, Y, case)} for kind lf, hf."""
    with h5py.File(path, "r") as f:
        return {k: (f[f"{k}/X"][...], f[f"{k}/Y"][...], f[f"{k}/case"][...]) for k in ("lf", "hf")}


def make_split(data, seed=SEED):
    """Case ids: test, train_hf[fraction], train_lf. Seeded; whole cases; nested training sets."""
    rng = np.random.default_rng(seed)
    hf_ids = np.unique(data["hf"][2])
    perm = rng.permutation(hf_ids)
    n_test = int(round(TEST_FRACTION * len(hf_ids)))
    test, pool = np.sort(perm[:n_test]), perm[n_test:]
    train_hf = {f: np.sort(pool[: int(round(f * len(pool)))]) for f in FRACTIONS}
    train_lf = np.setdiff1d(np.unique(data["lf"][2]), test)
    return {"seed": seed, "test_fraction": TEST_FRACTION, "test": test.tolist(),
            "train_hf": {f"{f:g}": v.tolist() for f, v in train_hf.items()}, "train_lf": train_lf.tolist()}


def angle_coordinate(s):
    """sign(s) theta / pi with x_c = |s| = (1 - cos theta) / 2: the cosine spacing's own angle, in which the
    stations are uniform."""
    return np.sign(s) * np.arccos(np.clip(1.0 - 2.0 * np.abs(s), -1.0, 1.0)) / np.pi


def leading_edge_coordinate(s):
    """sign(s) sqrt(theta / pi): the angle coordinate stretched once more at the leading edge (~ x_c^(1/4) there).
    Cp's suction peak and stagnation point sit within a few percent of the chord of s = 0, where s crowds a third
    of the stations into 5% of its range; uniform cubic B-splines with 12 nodes reach 60% (s), 38% (angle) and 7%
    (this coordinate) relative L2 error when projecting the training LF Cp rows (cases/airfoil-mf/README.md)."""
    return np.sign(s) * np.sqrt(np.abs(angle_coordinate(s)))


S_INPUTS = {"s": None, "angle": angle_coordinate, "le": leading_edge_coordinate}


def with_s_input(data, s_input):
    """The dataset with its 6th input (s) as the SNA reads it: s itself or one of S_INPUTS' transforms."""
    if S_INPUTS[s_input] is None:
        return data
    out = {}
    for kind, (X, Y, case) in data.items():
        X = X.copy()
        X[:, 5] = S_INPUTS[s_input](X[:, 5])
        out[kind] = (X, Y, case)
    return out


def rows(data, kind, ids):
    X, Y, case = data[kind]
    keep = np.isin(case, ids)
    return X[keep], Y[keep], case[keep]


def lf_stations(s, stride, le_keep=0.0):
    """Which of one LF case's stations (s: its 6th input, in the file's order) thin_lf keeps, a bool array.
    stride: an int k, every k-th station (the first, and the last if it falls on the stride); or "u<N>", the stations
    nearest N points equally spaced in s from its least to its largest value (each once: fewer than N where
    stations are sparser than the points), so that each interval of uniform spline knots in s gets about as many
    rows: in s_le (--s_input le) the cosine-spaced stations are sparse at the leading edge (s_le 0, +-0.14, +-0.20)
    and crowded at the trailing edge (+-0.01 apart), so u<N> keeps every station near the leading edge and about
    every 6th near the trailing edge. Either way, also every station with |s| < le_keep, or, le_keep a pair (lo, hi),
    with lo <= s <= hi (a window that need not be centred on the leading edge)."""
    s = np.asarray(s, dtype=float)
    if isinstance(stride, str) and stride.startswith("u"):
        keep = np.zeros(len(s), dtype=bool)
        keep[np.argmin(np.abs(s[None, :] - np.linspace(s.min(), s.max(), int(stride[1:]))[:, None]), axis=1)] = True
    else:
        keep = np.arange(len(s)) % int(stride) == 0
    if isinstance(le_keep, (tuple, list)):
        return keep | ((s >= le_keep[0]) & (s <= le_keep[1]))
    return keep | (np.abs(s) < le_keep)


def thin_lf(data, stride, le_keep=0.0):
    """The training file data with the XFOIL stations lf_stations(s, stride, le_keep) of each LF case (stride an int
    k: every k-th; "u<N>": N stations spread evenly in the 6th input; le_keep: also every station whose 6th input is
    below it in magnitude, the leading edge, where the suction peak is: 13 of 101 stations for le_keep 0.35 in s_le),
    written next to it as <data>_lf_stride<stride>[_le<le_keep>].h5; data itself for stride 1 (every station). The
    HF rows and the attributes are kept. Written on every call (a few MB: cheap) to a temporary name and renamed
    into place, so that neither a killed run's partial file nor one made from an older data file is ever read."""
    if stride == 1:
        return data
    window = "_le%g_%g" % tuple(le_keep) if isinstance(le_keep, (tuple, list)) else "_le%g" % le_keep if le_keep > 0 else ""
    thin = data[:-3] + "_lf_stride%s%s.h5" % (stride, window)
    with h5py.File(data, "r") as f, h5_file(thin) as g:
        case, s = f["lf/case"][...], f["lf/X"][:, 5]
        keep = np.zeros(len(case), dtype=bool)
        starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])  # rows are case-major: each case's rows together
        for a, b in zip(starts, np.r_[starts[1:], len(case)]):
            keep[a:b] = lf_stations(s[a:b], stride, le_keep)
        for kind in ("lf", "hf"):
            for key in ("X", "Y", "case"):
                g[f"{kind}/{key}"] = f[f"{kind}/{key}"][...][keep] if kind == "lf" else f[f"{kind}/{key}"][...]
        for k, v in f.attrs.items():
            g.attrs[k] = v
    return thin


def train_name(fraction):
    return f"train_hf{int(round(100 * fraction)):03d}.h5"


def write_split(data, split, out, s_input="s"):
    os.makedirs(out, exist_ok=True)
    data = with_s_input(data, s_input)
    names = "m,p,t,alpha_deg,Re_1e6," + ("s" if s_input == "s" else "s_" + s_input)
    write_json(f"{out}/split.json", split)
    lf = rows(data, "lf", split["train_lf"])
    for key, ids in split["train_hf"].items():
        fraction = float(key)
        # snaps-fit needs a non-empty /hf: the 0% file carries the 10% cases and says -mf_hf_fraction 0
        hf = rows(data, "hf", ids if fraction > 0 else split["train_hf"][f"{0.1:g}"])
        with h5_file(f"{out}/{train_name(fraction)}") as f:
            for kind, (X, Y, case) in (("lf", lf), ("hf", hf)):
                f[f"{kind}/X"], f[f"{kind}/Y"], f[f"{kind}/case"] = X, Y, case
            f.attrs["mf_hf_fraction"] = 1.0 if fraction > 0 else 0.0
            f.attrs["hf_fraction_of_pool"] = fraction
            f.attrs["input_names"] = names
    X, Y, case = rows(data, "hf", split["test"])
    XL, YL, caseL = rows(data, "lf", split["test"])
    # both fidelities' rows of a case are the same design at the same stations, in the same order
    assert np.array_equal(case, caseL) and np.allclose(X, XL), "LF and HF rows of the test cases do not align"
    for name, with_lf in (("test.h5", True), ("test_nolf.h5", False)):
        with h5_file(f"{out}/{name}") as f:
            f["X"], f["Y"], f["case"] = X, Y, case
            if with_lf:
                f["YLF"] = YL
            f.attrs["input_names"] = names


def per_case(X, Y, case):
    """Per held-out airfoil: its Cp row (stations in order), its CL from integrated Cp, its min Cp."""
    out = {}
    for cid in np.unique(case):
        k = case == cid
        d = X[k][0]
        cp = Y[k, 0]
        out[int(cid)] = (cp, airfoil.lift(d[0], d[1], d[2], d[3], cp), cp.min())
    return out


def score(X, Y_true, Y_pred, case):
    """Cp relative L2 error over all held-out rows (and the mean of the per-airfoil ones), mean absolute
    CL error (CL from integrated Cp of truth and prediction, airfoil.lift), mean absolute suction-peak
    (min Cp) error."""
    t = per_case(X, Y_true, case)
    p = per_case(X, Y_pred, case)
    ids = sorted(t)
    rel = [np.linalg.norm(p[i][0] - t[i][0]) / np.linalg.norm(t[i][0]) for i in ids]
    return {
        "cp_rel_l2": float(np.linalg.norm(Y_pred - Y_true) / np.linalg.norm(Y_true)),
        "cp_rel_l2_mean_per_airfoil": float(np.mean(rel)),
        "cl_abs_err": float(np.mean([abs(p[i][1] - t[i][1]) for i in ids])),
        "cl_rel_err": float(np.mean([abs(p[i][1] - t[i][1]) for i in ids]) / np.mean([abs(t[i][1]) for i in ids])),
        "suction_peak_abs_err": float(np.mean([abs(p[i][2] - t[i][2]) for i in ids])),
        "n_test_airfoils": len(ids),
    }


def load_test(path):
    with h5py.File(path, "r") as f:
        return f["X"][...], f["Y"][...], f["YLF"][...], f["case"][...]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("split")
    s.add_argument("--data", default=DATA)
    s.add_argument("--out", default=os.path.join(ROOT, "bench", "airfoil-mf", "split"))
    s.add_argument("--seed", type=int, default=SEED)
    s.add_argument("--s_input", choices=tuple(S_INPUTS), default="s",
                   help="the 6th input column: s, or a transform of it (the SNA's files): S_INPUTS")
    c = sub.add_parser("score")
    c.add_argument("--test", required=True)
    c.add_argument("--pred", required=True)
    c.add_argument("--method", default="")
    a = ap.parse_args(argv)
    if a.cmd == "split":
        data = load(a.data)
        split = make_split(data, a.seed)
        write_split(data, split, a.out, a.s_input)
        print(f"harness: split in {a.out}: {len(split['test'])} test airfoils, training HF "
              + ", ".join(f"{k}: {len(v)}" for k, v in split["train_hf"].items())
              + f", {len(split['train_lf'])} LF cases")
    else:
        X, Y, _, case = load_test(a.test)
        try:
            with h5py.File(a.pred, "r") as f:
                P = f["Y"][...]
        except (OSError, KeyError) as e:  # a missing or corrupt file, or no /Y: one line naming it, not a traceback
            sys.exit(f"harness: --pred {a.pred}: cannot read /Y ({e}): snaps-predict -out writes it")
        if P.shape != Y.shape:
            sys.exit(f"harness: {a.pred}: /Y has shape {P.shape}, the test set {Y.shape}: predict at {a.test}'s /X")
        bad = np.flatnonzero(~np.isfinite(P).all(axis=1))
        if len(bad):  # every metric would be NaN (and the JSON printed not JSON): a failed prediction, not a score
            sys.exit(f"harness: {a.pred}: /Y has {len(bad)} non-finite row(s), the first row {bad[0]} "
                     f"(case {int(case[bad[0]])}): the prediction failed there; no score")
        print(json.dumps(dict(method=a.method, **score(X, Y, P, case))))


if __name__ == "__main__":
    main()
