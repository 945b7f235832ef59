#!/usr/bin/python3
"""Loss-landscape slices of the one-atom problem with every method's path (bench_aion's JSON).

The one-atom problem fits A e^{alpha t} cos(omega t + phi) to noiseless uniform samples of the truth on
[0, 1]. Two slices of the loss (MSE) over the (alpha, omega) plane:
  left:  A and phi held at the optimum (the landscape gradient methods walk on),
  right: the amplitudes eliminated, min over (A, phi) at each (alpha, omega) (the reduced functional
         that variable projection and infinite descent's Newton step work on).
Each row is one start (near, wide); each method's iterates are drawn projected onto (alpha, omega)
(omega taken as |omega|: cos(w t + phi) = cos(-w t - phi)). Infinite descent's path is its start, the
algebraic (matrix-pencil) solution, then its Newton iterates. One colour scale serves all four panels; each row's
legend counts its paths' points and those outside the plotted window, and a path that ends outside the window gets
an arrow at the window's edge with its end point.
Usage: plot_aion.py <bench_aion results.json> <out.png>
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import atomic  # noqa: E402  (beside this script)
import checks  # noqa: E402

STYLE = {
    "infinite_descent": ("tab:red", "o", "infinite descent"),
    "variable_projection": ("tab:orange", "s", "variable projection"),
    "levenberg_marquardt": ("tab:purple", "D", "Levenberg-Marquardt (BRGN)"),
    "newton_cg": ("tab:blue", "^", "Newton-CG (NLS)"),
    "lbfgs": ("tab:green", "v", "L-BFGS (LMVM)"),
    "steepest_descent": ("tab:gray", ".", "steepest descent (BNCG gd)"),
}


def landscapes(truth, n, alphas, omegas):
    """MSE with (A, phi) at the truth, and with the amplitudes eliminated, on the (alpha, omega) grid."""
    A, alpha0, omega0, phi = truth
    t = np.linspace(0.0, 1.0, n)
    y = A * np.exp(alpha0 * t) * np.cos(omega0 * t + phi)
    fixed = np.empty((len(omegas), len(alphas)))
    reduced = np.empty_like(fixed)
    yy = y @ y
    for i, w in enumerate(omegas):
        E = np.exp(np.outer(alphas, t))  # alphas x t
        c, s = E * np.cos(w * t), E * np.sin(w * t)
        fixed[i] = np.mean((A * E * np.cos(w * t + phi) - y) ** 2, axis=1)
        cc, cs, ss, cy, sy = (c * c).sum(1), (c * s).sum(1), (s * s).sum(1), c @ y, s @ y
        det = cc * ss - cs * cs
        a = (ss * cy - cs * sy) / det
        b = (cc * sy - cs * cy) / det
        reduced[i] = np.maximum(yy - a * cy - b * sy, 0.0) / n
    return fixed, reduced


def main(argv=None):
    path, res, png = checks.results_to_output(__doc__, argv, "bench_aion's results JSON")
    with checks.reading(path):
        fig = plot(res, path)
    atomic.save_figure(fig, png, dpi=120)
    print("written %s" % png)


def path_points(res, key, path):
    """The iterates of key as rows (A, alpha, omega, phi); a null or a wrong length is refused, naming the key."""
    v = res[key]
    if not isinstance(v, list) or not v or len(v) % 4 or any(x is None for x in v):
        raise SystemExit("%s: %s is not a list of (A, alpha, omega, phi) rows of numbers (a null is NaN in the run)" % (path, key))
    return np.asarray(v, dtype=float).reshape(-1, 4)


def zoom(ax, near, start, truth, alphas, omegas, z, levels):
    """An inset of ax around the near start's paths (method -> its rows), the start and the optimum (a 20% margin), with the landscape z and
    the paths drawn as in the panel: on the panel's window they lie under the markers."""
    pts = np.vstack([np.column_stack([p[:, 1], np.abs(p[:, 2])]) for p in near.values()] + [[start[1], abs(start[2])], [truth[1], truth[2]]])
    pts = pts[np.isfinite(pts).all(axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = np.maximum(0.2 * (hi - lo), 0.02)
    lo, hi = lo - pad, hi + pad
    ins = ax.inset_axes([0.56, 0.56, 0.42, 0.42])
    ins.contourf(alphas, omegas, z, levels=levels, cmap="viridis")
    for method, p in near.items():
        color, marker, _ = STYLE[method]
        ins.plot(p[:, 1], np.abs(p[:, 2]), color=color, marker=marker, ms=3, lw=1.2)
    ins.plot(start[1], abs(start[2]), "*", ms=10, mfc="none", mec="k", mew=1.2, zorder=1.5)
    ins.plot(truth[1], truth[2], "X", ms=8, mfc="none", mec="w", mew=1.2, zorder=1.5)
    ins.set_xlim(lo[0], hi[0])
    ins.set_ylim(lo[1], hi[1])
    ins.tick_params(labelsize=6)
    ins.set_title("zoom", fontsize=7, pad=2)
    ax.indicate_inset_zoom(ins, edgecolor="k")


def plot(res, path):
    starts = {box: res.get("paths.%s.start" % box) for box in ("near", "wide")}
    prob = res.get("path_problem")
    if prob is None or len(res.get(prob + ".truth") or []) != 4:
        raise SystemExit("%s has no recorded paths of a one-atom problem (bench_aion -path_problem atom_N...)" % path)
    for box, s in starts.items():  # both rows are drawn: both starts are needed
        if not isinstance(s, list) or len(s) != 4 or any(x is None for x in s):
            raise SystemExit("%s: no paths.%s.start of 4 numbers (bench_aion -path_problem atom_N...)" % (path, box))
    # every recorded path checked before the landscapes' 1.5 s of work: a bad one is refused at once
    paths = {key: path_points(res, key, path) for key in ("paths.%s.%s" % (box, method) for box in starts for method in STYLE)
             if key in res}
    truth = res[prob + ".truth"]
    n = res[prob + ".samples_per_input"]
    alphas = np.linspace(truth[1] - 3.0, truth[1] + 3.0, 241)
    omegas = np.linspace(max(0.5, 0.25 * truth[2]), 1.75 * truth[2], 241)
    fixed, reduced = landscapes(truth, n, alphas, omegas)
    zs = [np.log10(np.maximum(land, 1e-12)) for land in (fixed, reduced)]
    # one colour scale for all four panels (the one colour bar): each panel's own 30 levels made the same colour
    # stand for different losses on the left and on the right
    levels = np.linspace(min(z.min() for z in zs), max(z.max() for z in zs), 31)
    lines = levels[::2]

    def inside(a, w):
        return (alphas[0] <= a <= alphas[-1]) and (omegas[0] <= w <= omegas[-1])

    fig, axes = plt.subplots(2, 2, figsize=(12, 10.5), sharex=True, sharey=True)
    titles = ("loss with A, phi at the optimum", "loss with the amplitudes eliminated")
    for row, box in enumerate(("near", "wide")):
        for col, z in enumerate(zs):
            ax = axes[row, col]
            cs = ax.contourf(alphas, omegas, z, levels=levels, cmap="viridis")
            ax.contour(alphas, omegas, z, levels=lines, colors="k", linewidths=0.3, alpha=0.4)
            for method, (color, marker, label) in STYLE.items():
                key = "paths.%s.%s" % (box, method)
                if key not in res:
                    continue
                p = paths[key]
                a, w = p[:, 1], np.abs(p[:, 2])
                out = np.count_nonzero([not inside(x, y) for x, y in zip(a, w)])
                note = "%d points" % len(p) + (", %d off the plot" % out if out else "")
                ax.plot(a, w, color=color, marker=marker, ms=3, lw=1.2, label="%s (%s)" % (label, note))
                # where the path ends: inside, a ringed marker; outside, an arrow at the window's edge pointing to it,
                # with the end point's coordinates (a path cut at the frame reads as leaving, not as where it ended)
                if inside(a[-1], w[-1]):
                    ax.plot(a[-1], w[-1], marker=marker, ms=8, mfc="none", mec=color, mew=1.5)
                else:
                    ex = np.clip(a[-1], alphas[0], alphas[-1])
                    ey = np.clip(w[-1], omegas[0], omegas[-1])
                    cx, cy = 0.5 * (alphas[0] + alphas[-1]), 0.5 * (omegas[0] + omegas[-1])
                    ax.annotate("end (%.3g, %.3g)" % (a[-1], w[-1]), xy=(ex, ey),
                                xytext=(ex + 0.3 * (cx - ex), ey + 0.3 * (cy - ey)), color=color, fontsize=8,
                                ha="center", va="center", arrowprops=dict(arrowstyle="-|>", color=color, lw=1.5), fontweight="bold",
                                annotation_clip=False)
            s = starts[box]
            # under the paths (zorder) and hollow: near the start the paths lie within a marker's width of it and were
            # hidden under the filled ones
            ax.plot(s[1], abs(s[2]), "*", ms=12, mfc="none", mec="k", mew=1.2, zorder=1.5, label="start")
            ax.plot(truth[1], truth[2], "X", ms=9, mfc="none", mec="w", mew=1.2, zorder=1.5, label="optimum")
            if box == "near":  # its paths lie within a marker's width of the optimum: a zoomed inset shows them
                zoom(ax, {m: paths["paths.near." + m] for m in STYLE if "paths.near." + m in paths}, s, truth, alphas, omegas, z, levels)
            ax.set_xlim(alphas[0], alphas[-1])
            ax.set_ylim(omegas[0], omegas[-1])
            ax.set_title("%s start: %s" % (box, titles[col]), fontsize=10)
            if row == 1:
                ax.set_xlabel("alpha (exponent)")
            if col == 0:
                ax.set_ylabel("omega (frequency)")
            if col == 1:  # a legend per row: the point counts are the row's
                ax.legend(fontsize=7, loc="lower left")
    fig.colorbar(cs, ax=axes, shrink=0.8, label="log10 MSE (one scale for all four panels)")
    fig.suptitle("One atom, N = %d: paths of every method from the same starts (bench_aion)\n"
                 "window: alpha %.3g to %.3g, |omega| %.3g to %.3g; a path's end outside it is marked by an arrow at the "
                 "edge" % (n, alphas[0], alphas[-1], omegas[0], omegas[-1]), fontsize=11)
    return fig


if __name__ == "__main__":
    main()
