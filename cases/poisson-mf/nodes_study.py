#!/usr/bin/python3
"""Node counts per input (mu1, mu2, x, y) for poisson-mf's LF part, on validation designs (never the test ones).

  nodes_study.py OUT     OUT holding mf.h5 (evaluate.py OUT --data-only)

A seeded 20% of the LF training designs are held out; the LF part (evaluate.MODEL with other -sna_khronos_nodes) is
fitted to the other LF designs (snaps-fit -data_group /lf on a file of those rows) and scored on the held-out
designs' LF values (relative L2). Writes OUT/nodes_study.json.
"""
import argparse
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate as ev  # noqa: E402  (puts postprocess/ on the path)

import atomic  # noqa: E402
import checks  # noqa: E402

NODES = ["10", "6,6,10,10", "6,6,14,14", "8,8,12,12", "4,4,12,12", "12,12,10,10", "4,4,16,16", "6,6,18,18", "4,4,18,18", "8,8,18,18", "6,6,24,24"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    ap.add_argument("out", help="the directory of evaluate.py OUT --data-only")
    out = os.path.abspath(ap.parse_args().out)
    lack = ev.missing_programs(("snaps-fit", "snaps-predict"))  # before any fit
    if lack:
        ap.error(lack)
    with checks.h5(os.path.join(out, "mf.h5")) as f:
        X, Y, case = f["lf/X"][...], f["lf/Y"][...], f["lf/case"][...]
    ids = np.unique(case)
    val = np.random.default_rng(7).permutation(ids)[: int(round(0.2 * len(ids)))]
    hold = np.isin(case, val)
    train, vfile = os.path.join(out, "nodes_train.h5"), os.path.join(out, "nodes_val.h5")
    with atomic.h5_file(train) as f:
        f["lf/X"], f["lf/Y"] = X[~hold], Y[~hold]
    with atomic.h5_file(vfile) as f:
        f["X"], f["Y"] = X[hold], Y[hold]
    rows = []
    for nodes in NODES:
        opts = [o if prev != "-sna_khronos_nodes" else nodes for prev, o in zip([None] + ev.MODEL[:-1], ev.MODEL)]
        model, r = ev.fit(out, "nodes", train, ["-data_group", "/lf"] + opts, 1)
        ev.run([os.path.join(ev.BIN, "snaps-predict"), "-model", model, "-data", vfile, "-out",
                os.path.join(out, "nodes_pred.h5")], os.path.join(out, "nodes_pred.log"))
        with h5py.File(os.path.join(out, "nodes_pred.h5")) as f:
            P = f["Y"][...]
        rows.append(dict(nodes=nodes, params=r["n_params"], validation_rel_l2=float(np.linalg.norm(P - Y[hold]) / np.linalg.norm(Y[hold])),
                         train_relative_mse=r["train_relative_mse"], fit_s=r["wall_time_s"]))
        print(rows[-1], flush=True)
    atomic.write_json(os.path.join(out, "nodes_study.json"), {"validation_designs": val.tolist(), "model": ev.MODEL, "rows": rows})


if __name__ == "__main__":
    main()
