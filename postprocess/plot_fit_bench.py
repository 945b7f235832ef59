#!/usr/bin/python3
"""Plots the fit benchmark (bench/fit/run.sh): training MSE (top row) and test MSE (bottom row) against wall
time, a column per problem.

Each method's curve is the repetition of median fit time (bench/results/fit.json); 1 rank solid, 2 ranks dashed,
a dot where the fit ended; the long *_best runs thin grey; a run that failed (bench/fit/merge.py: a repetition gave
NaN) is named in red at the bottom of its panels, with the reason. Targets: on the training panels the best training
MSE any run reached (dotted) and the old default's final training MSE (ALS, 100 sweeps, 1 rank; the default
must end at or below it; dash-dot); on the test panels 2 x the best test MSE (the default must end below it;
dash-dot); on both t_ALS / 5 on 1 rank (the default must end before it; vertical), and on rank3_3d the JAX
anchor (jax_anchor: in the committed results training MSE 1e-8 in 0.46 s, test MSE 1.1e-9 in 0.7 s on an H200 GPU;
star, labelled with the device the results file names).
Usage: plot_fit_bench.py fit.json out.png
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import atomic  # noqa: E402  (beside this script)
import checks  # noqa: E402

COLORS = {"default": "tab:red", "als": "tab:blue", "als100": "tab:cyan", "als_ls": "tab:purple", "als_aa": "tab:green", "default_val": "tab:brown", "default_prev": "tab:olive",
          "default_tensor": "tab:pink", "lm": "tab:orange",
          "tao_lmvm": "navy"}  # a colour of its own (als_aa has tab:green)
TMIN = 1e-4  # the first monitor call comes right after set-up: log axes need a positive time


def plot_run(ax, method, n, s, key, labelled):
    """One curve of key (train_mse or test_mse); the legend names each method once (its colour), the line styles
    say the rank counts."""
    c = s["curve"]
    pts = [(max(t, TMIN), v) for t, v in zip(c["time_s"], c[key]) if t is not None and v is not None and v > 0]
    if not pts:
        return
    t, v = zip(*pts)
    if method.endswith("_best"):
        ax.plot(t, v, color="0.6", lw=0.8, ls=":" if method.startswith("tao") else "-", label="%s (1 rep)" % method)
        return
    color = COLORS.get(method, "black")
    label = None if method in labelled else "%s (%s)" % (method, s.get("fit_type") or "?")
    labelled.add(method)
    ax.plot(t, v, color=color, lw=1.6 if method == "default" else 1.1, ls="-" if n == 1 else "--", label=label)
    ax.plot(t[-1], v[-1], "o", color=color, ms=3.5)


def mark_targets(ax, name, p, fit, key):
    if key == "train_mse" and p.get("best_train_mse"):
        ax.axhline(p["best_train_mse"], color="0.3", lw=0.8, ls=":", label="best train MSE of any run")
    old = p["runs"].get("als100/1", {})
    if key == "train_mse" and old.get("train_mse_median"):
        ax.axhline(old["train_mse_median"], color="tab:cyan", lw=0.8, ls="-.",
                   label="target: default train MSE <= old default's")
    if key == "test_mse" and p.get("level_2x_best_test"):
        ax.axhline(p["level_2x_best_test"], color="0.3", lw=0.8, ls="-.", label="target: default test MSE <= 2 x best")
    t1 = p["targets"].get("1", {})
    if t1.get("default_speed", {}).get("bound"):
        ax.axvline(t1["default_speed"]["bound"], color="tab:red", lw=0.8, ls="-.",
                   label="target: default time <= t_ALS / 5 (1 rank)")
    if name == fit["jax_anchor"]["problem"]:
        j, what = fit["jax_anchor"], key.split("_")[0]
        ax.plot(j[what + "_time_s"], j[what + "_mse"], "*", color="black", ms=10,
                label="JAX, %s: %s MSE %g in %g s" % (j.get("device") or "device not recorded", what, j[what + "_mse"], j[what + "_time_s"]))


def main(argv=None):
    path, fit, png = checks.results_to_output(__doc__, argv, "bench/results/fit.json")
    with checks.reading(path):
        if not fit["problems"]:
            raise SystemExit("%s: no problem in 'problems'" % path)
        fig = plot(fit)
    atomic.save_figure(fig, png, dpi=110)
    print("written %s" % png)


def plot(fit):
    probs = fit["problems"]
    rows = (("train_mse", "training MSE"), ("test_mse", "test MSE"))
    fig, axes = plt.subplots(len(rows), len(probs), figsize=(5 * len(probs) + 3.5, 4.6 * len(rows)), squeeze=False)
    for col, (name, p) in enumerate(probs.items()):
        for row, (key, label) in enumerate(rows):
            ax, labelled, missing = axes[row][col], set(), []
            for run, s in p["runs"].items():
                method, n = run.rsplit("/", 1)
                if s.get("available") and s.get("curve"):
                    plot_run(ax, method, int(n), s, key, labelled)
                elif not s.get("available"):  # named on the panel: a method left out silently reads as never run
                    missing.append("failed: %s (%s)" % (run, s.get("unavailable_because") or "unavailable"))
                else:
                    missing.append("no curve: %s (no monitor points recorded)" % run)
            if missing:
                ax.text(0.02, 0.02, "\n".join(missing), transform=ax.transAxes, fontsize=7, color="tab:red", va="bottom",
                        wrap=True)
            ax.plot([], [], color="black", ls="-", lw=1, label="1 rank")
            ax.plot([], [], color="black", ls="--", lw=1, label="2 ranks")
            mark_targets(ax, name, p, fit, key)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("wall time of the fit, s (test evaluations excluded)", fontsize=8)
            ax.set_ylabel(label)
            ax.set_title("%s (%s)" % (name, p["model_options"].strip().replace("-sna_khronos_", "")), fontsize=10)
            ax.grid(True, which="major", alpha=0.3)
    handles = {}  # one legend for the figure: the same methods and target marks in every panel
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles.keys()), loc="center right", fontsize=8, frameon=False)
    m = fit["machine"]
    fig.suptitle("SNAPS fit benchmark: training and test MSE against wall time (median-time repetition; %s, %d cores, "
                 "load at start %s%s)" % (m["cpu_model"], m["cores"], " ".join("%g" % x for x in fit["load_average_at_start"]),
                                          ", QUICK run: 1 repetition" if fit.get("quick") else ""), fontsize=10)
    fig.tight_layout(rect=(0, 0, 0.87, 0.96))
    return fig


if __name__ == "__main__":
    main()
