#!/usr/bin/python3
"""Plots the fit benchmark (bench/fit/run.sh): training MSE against wall time, one panel per problem.

Each method's curve is the repetition of median fit time (bench/results/fit.json); 1 rank solid, 2 ranks dashed,
a dot where the fit ended; the long *_best runs thin grey. Targets: the best training MSE any run reached
(dotted), the old default's final training MSE (ALS, 100 sweeps, 1 rank; the default must end at or below it;
dash-dot), t_ALS / 5 on 1 rank (the default must end before it; vertical), and on rank3_3d the JAX anchor
(train MSE 1e-8 in 0.46 s on an H200 GPU; star).
Usage: plot_fit_bench.py fit.json out.png
"""
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"default": "tab:red", "als": "tab:blue", "als100": "tab:cyan", "als_ls": "tab:purple", "lm": "tab:orange",
          "tao_lmvm": "tab:green"}
TMIN = 1e-4  # the first monitor call comes right after set-up: log axes need a positive time


def plot_run(ax, method, n, s, labelled):
    """One curve; the legend names each method once (its colour), the line styles say the rank counts."""
    c = s["curve"]
    pts = [(max(t, TMIN), v) for t, v in zip(c["time_s"], c["train_mse"]) if t is not None and v is not None and v > 0]
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


def mark_targets(ax, name, p, fit):
    if p.get("best_train_mse"):
        ax.axhline(p["best_train_mse"], color="0.3", lw=0.8, ls=":", label="best train MSE of any run")
    old = p["runs"].get("als100/1", {})
    if old.get("train_mse_median"):
        ax.axhline(old["train_mse_median"], color="tab:cyan", lw=0.8, ls="-.",
                   label="target: default train MSE <= old default's")
    t1 = p["targets"].get("1", {})
    if t1.get("default_speed", {}).get("bound"):
        ax.axvline(t1["default_speed"]["bound"], color="tab:red", lw=0.8, ls="-.",
                   label="target: default time <= t_ALS / 5 (1 rank)")
    if name == fit["jax_anchor"]["problem"]:
        j = fit["jax_anchor"]
        ax.plot(j["train_time_s"], j["train_mse"], "*", color="black", ms=10,
                label="JAX, H200: train MSE %g in %g s" % (j["train_mse"], j["train_time_s"]))


def main(src, dst):
    with open(src) as fp:
        fit = json.load(fp)
    probs = fit["problems"]
    cols = 2
    rows = max(1, math.ceil(len(probs) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(7.5 * cols, 5.2 * rows), squeeze=False)
    for ax, (name, p) in zip(axes.flat, probs.items()):
        labelled = set()
        for key, s in p["runs"].items():
            method, n = key.rsplit("/", 1)
            if s.get("available") and s.get("curve"):
                plot_run(ax, method, int(n), s, labelled)
        ax.plot([], [], color="black", ls="-", lw=1, label="1 rank")
        ax.plot([], [], color="black", ls="--", lw=1, label="2 ranks")
        mark_targets(ax, name, p, fit)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("wall time of the fit, s (test evaluations excluded)")
        ax.set_ylabel("training MSE")
        ax.set_title("%s (%s)" % (name, p["model_options"].strip().replace("-sna_khronos_", "")), fontsize=10)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=6.5, loc="lower left")
    for ax in list(axes.flat)[len(probs):]:
        ax.axis("off")
    m = fit["machine"]
    fig.suptitle("SNAPS fit benchmark: training MSE against wall time (median-time repetition; %s, %d cores, "
                 "load at start %s%s)" % (m["cpu_model"], m["cores"], " ".join("%g" % x for x in fit["load_average_at_start"]),
                                          ", QUICK run: 1 repetition" if fit.get("quick") else ""), fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(dst, dpi=110)
    print("written %s" % dst)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plot_fit_bench.py fit.json out.png")
    main(sys.argv[1], sys.argv[2])
