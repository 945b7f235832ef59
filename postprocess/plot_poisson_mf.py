#!/usr/bin/python3
"""Error against HF fraction for every method of cases/poisson-mf (results.json), log scale.

usage: plot_poisson_mf.py results.json out.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import atomic  # noqa: E402  (beside this script)


def main(path, png):
    with open(path) as f:
        r = json.load(f)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    lf = next(iter(r["methods"].get("LF alone", {}).values()), [])
    if lf:
        ax.axhline(np.mean([x["error"] for x in lf]), color="gray", ls="--", label="LF model alone (0% HF)")
    ax.axhline(r["lf_solution_error_on_test"], color="gray", ls=":", label="LF solutions themselves")
    for name, runs in r["methods"].items():
        if name == "LF alone":
            continue
        fr = sorted(runs, key=float)
        x = [100 * float(f) for f in fr]
        y = [np.mean([e["error"] for e in runs[f]]) for f in fr]
        ax.plot(x, y, "o-", label=name)
        if name.startswith("mf"):
            yl = [np.mean([e["error_from_ylf"] for e in runs[f]]) for f in fr]
            ax.plot(x, yl, "x:", label=name + ", from given LF values")
    ax.set_yscale("log")
    ax.set_ylim(top=2.0)  # an untuned fit that extrapolates wildly stays off the plot (its errors are in table.md)
    ax.set_xlabel("HF training designs used (%)")
    ax.set_ylabel("relative L2 error on held-out HF designs")
    ax.set_title("Poisson: LF %s, HF %s" % (r["lf"], r["hf"]), fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    atomic.save_figure(fig, png, dpi=130)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
