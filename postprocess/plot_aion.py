#!/usr/bin/python3
"""Loss-landscape slices of the one-atom problem with every method's path (bench_aion's JSON).

The one-atom problem fits A e^{alpha t} cos(omega t + phi) to noiseless uniform samples of the truth on
[0, 1]. Two slices of the loss (MSE) over the (alpha, omega) plane:
  left:  A and phi held at the optimum (the landscape gradient methods walk on),
  right: the amplitudes eliminated, min over (A, phi) at each (alpha, omega) (the reduced functional
         that variable projection and infinite descent's Newton step work on).
Each row is one start (near, wide); each method's iterates are drawn projected onto (alpha, omega)
(omega taken as |omega|: cos(w t + phi) = cos(-w t - phi)). Infinite descent's path is its start, the
algebraic (matrix-pencil) solution, then its Newton iterates.
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


def plot(res, path):
    starts = {box: res.get("paths.%s.start" % box) for box in ("near", "wide")}
    prob = res.get("path_problem")
    if prob is None or starts["near"] is None or len(res.get(prob + ".truth", [])) != 4:
        raise SystemExit("%s has no recorded paths of a one-atom problem (bench_aion -path_problem atom_N...)" % path)
    truth = res[prob + ".truth"]
    n = res[prob + ".samples_per_input"]
    alphas = np.linspace(truth[1] - 3.0, truth[1] + 3.0, 241)
    omegas = np.linspace(max(0.5, 0.25 * truth[2]), 1.75 * truth[2], 241)
    fixed, reduced = landscapes(truth, n, alphas, omegas)

    fig, axes = plt.subplots(2, 2, figsize=(12, 10), sharex=True, sharey=True)
    titles = ("loss with A, phi at the optimum", "loss with the amplitudes eliminated")
    for row, box in enumerate(("near", "wide")):
        for col, land in enumerate((fixed, reduced)):
            ax = axes[row, col]
            z = np.log10(np.maximum(land, 1e-12))
            cs = ax.contourf(alphas, omegas, z, levels=30, cmap="viridis")
            ax.contour(alphas, omegas, z, levels=15, colors="k", linewidths=0.3, alpha=0.4)
            for method, (color, marker, label) in STYLE.items():
                key = "paths.%s.%s" % (box, method)
                if key not in res:
                    continue
                p = np.asarray(res[key]).reshape(-1, 4)
                ax.plot(p[:, 1], np.abs(p[:, 2]), color=color, marker=marker, ms=3, lw=1.2,
                        label="%s (%d points)" % (label, len(p)))
            s = starts[box]
            ax.plot(s[1], abs(s[2]), "k*", ms=14, label="start")
            ax.plot(truth[1], truth[2], "wX", ms=10, mec="k", label="optimum")
            ax.set_xlim(alphas[0], alphas[-1])
            ax.set_ylim(omegas[0], omegas[-1])
            ax.set_title("%s start: %s" % (box, titles[col]), fontsize=10)
            if row == 1:
                ax.set_xlabel("alpha (exponent)")
            if col == 0:
                ax.set_ylabel("omega (frequency)")
            if row == 0 and col == 1:
                ax.legend(fontsize=7, loc="upper right")
    fig.colorbar(cs, ax=axes, shrink=0.8, label="log10 MSE")
    fig.suptitle("One atom, N = %d: paths of every method from the same starts (bench_aion)" % n)
    return fig


if __name__ == "__main__":
    main()
