#!/usr/bin/python3
"""Error against HF fraction for every method of cases/poisson-mf (results.json), log scale.

usage: plot_poisson_mf.py results.json out.png
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import atomic  # noqa: E402  (beside this script)
import checks  # noqa: E402
import styles  # noqa: E402

TOP = 2.0  # an untuned fit that extrapolates wildly stays off the plot: a triangle at the top edge, its errors in table.md
MS = 5  # marker size; a series drawn over an earlier one with the same values: hollow, larger, dashed (styles.cover_style)


def main(argv=None):
    path, r, png = checks.results_to_output(__doc__, argv, "the case's results.json")
    with checks.reading(path):
        fig = plot(r, path)
    atomic.save_figure(fig, png, dpi=130, bbox_inches="tight")  # the legend below the axes, whole


def series(ax, x, y, color, marker, ls, label, hit=None):
    """y against x; the points above TOP as triangles at the top edge, counted in the label. hit: the earlier series
    this one lies on (styles.covers): drawn so that that one shows through, and named in the label."""
    y = checks.finite(y, label)
    off = y > TOP
    kw = dict(color=color, marker=marker, ls=ls, ms=MS)
    kw.update(styles.cover_style(hit, MS, ls))
    ax.plot(x, y, label=styles.cover_label(label, hit) + (" (%d of %d off scale: see table.md)" % (off.sum(), off.size) if off.any() else ""), **kw)
    if off.any():
        ax.plot(np.asarray(x)[off], np.full(off.sum(), TOP * 0.93), "^", color=color, ms=7, clip_on=False)


def plot(r, path):
    fig, ax = plt.subplots(figsize=(7.2, 5.8))
    def errors(name, f, runs, key):  # a null error (NaN in the run) named, not a TypeError
        if not runs:  # the mean of none was NaN: a RuntimeWarning and an error naming neither the file nor the fraction
            raise SystemExit("%s: methods/%s/%s holds no run" % (path, name, f))
        return [checks.value(e[key], path, "methods/%s/%s: %s" % (name, f, key)) for e in runs]

    lf_runs = r["methods"].get("LF alone", {})
    lf = next(iter(lf_runs.items()), None)
    if lf:
        ax.axhline(np.mean(errors("LF alone", lf[0], lf[1], "error")), color="k", ls="--", lw=1, label="LF model alone (0% HF)")
    ax.axhline(checks.value(r["lf_solution_error_on_test"], path, "lf_solution_error_on_test"), color="k", ls="-.", lw=1, label="LF solutions themselves")
    methods = [name for name in r["methods"] if name != "LF alone"]
    if not methods:
        raise SystemExit("%s: no method beside the LF model alone in 'methods'" % path)
    # every series first (a method, and for mf ones its predictions from given LF values), then drawn in that order:
    # a colour and a marker per method (styles.distinct), solid for the model's own LF, dotted from given LF values;
    # a series on the values of an earlier one is drawn over it so that both show, its label naming the other
    drawn = []
    for name, (color, marker, _) in zip(methods, styles.distinct(len(methods), styles.COLORS[:9])):
        runs = r["methods"][name]
        fr = sorted(runs, key=float)
        x = [100 * float(f) for f in fr]
        drawn.append((name, x, [np.mean(errors(name, f, runs[f], "error")) for f in fr], color, marker, "-"))
        if name.startswith("mf"):
            drawn.append((name + ", from given LF values", x, [np.mean(errors(name, f, runs[f], "error_from_ylf")) for f in fr],
                          color, marker, ":"))
    hits = styles.covers([(label, x, y) for label, x, y, *_ in drawn])
    for (label, x, y, color, marker, ls), hit in zip(drawn, hits):
        series(ax, x, y, color, marker, ls, label, hit)
    ax.set_yscale("log")
    ax.set_ylim(top=TOP)
    ax.set_xlabel("HF training designs used (%)")
    ax.set_ylabel("relative L2 error on held-out HF designs")
    ax.set_title("Poisson: LF %s, HF %s" % (r["lf"], r["hf"]), fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.14))  # below: the top edge holds the triangles
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    main()
