#!/usr/bin/python3
"""Plots of the airfoil multi-fidelity benchmark from the results JSON files (baselines.py's and, when given,
more in the same format, e.g. the SNA's from cases/airfoil-mf/run.sh: a list "results" of records with
method, hf_fraction, cp_rel_l2, ...):

  error_vs_hf.png   Cp relative L2 error on the held-out HF airfoils against the HF fraction, every method
  cp_curves.png     Cp at the stations of three held-out airfoils: LF, HF and every method at --fraction
  table.md          every method and fraction: the metrics as a markdown table
  cost_vs_n.png     co-kriging CPU time and memory against the sample count (cokriging_scaling.py), and
                    any other method's fit time given by --scaling_extra (JSON: runs of n, fit_cpu_s)

  plot.py [--results A.json B.json] [--preds A_pred.h5 ...] [--fraction 0.1] [--methods M ...] [--out DIR]
          [--scaling_extra S.json]   (S: runs of n, fit_cpu_s (the fit in process: co-kriging's
                                      basis) and optionally process_cpu_s and peak_rss_gib, drawn with an n^1 line)
"""
import argparse
import json
import os

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import harness  # noqa: E402

RES = os.path.join(harness.ROOT, "bench", "results")


def error_vs_hf(records, out):
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    for method in sorted({r["method"] for r in records}):
        rs = sorted((r for r in records if r["method"] == method), key=lambda r: r["hf_fraction"])
        f = [100 * r["hf_fraction"] for r in rs]
        ax[0].plot(f, [r["cp_rel_l2"] for r in rs], "o-", label=method)
        ax[1].plot(f, [r["cl_abs_err"] for r in rs], "o-", label=method)
    ax[0].set(xlabel="HF training cases [% of the non-test pool]", ylabel="Cp relative L2 error (held-out HF)")
    ax[1].set(xlabel="HF training cases [% of the non-test pool]", ylabel="mean |CL error|")
    for a in ax:
        a.set_yscale("log")
        a.legend(fontsize=7)
    fig.tight_layout()
    harness.save_figure(fig, out, dpi=80)


def cp_curves(test, preds, fraction, out, n=3, methods=None):
    X, Y, YL, case = harness.load_test(test)
    ids = np.unique(case)[:n]
    s = X[case == ids[0], 5]
    key = f"hf{int(round(100 * fraction)):03d}"
    fig, ax = plt.subplots(1, n, figsize=(5 * n, 4))
    for a, cid in zip(ax, ids):
        k = case == cid
        a.plot(s, YL[k, 0], "k:", label="LF (XFOIL)")
        a.plot(s, Y[k, 0], "k-", lw=2, label="HF (OpenFOAM)")
        for path in preds:
            with h5py.File(path, "r") as f:
                for method in f:
                    if key in f[method] and (not methods or method in methods):
                        a.plot(s, f[f"{method}/{key}"][...][k, 0], "--", label=method)
        d = X[k][0]
        a.set(title=f"m {d[0]:.3f} p {d[1]:.2f} t {d[2]:.3f} alpha {d[3]:.1f} Re {d[4]:.2f}e6", xlabel="s",
              ylabel="Cp")
        a.invert_yaxis()
        a.legend(fontsize=7)
    fig.suptitle(f"held-out airfoils, {100 * fraction:g}% HF")
    fig.tight_layout()
    harness.save_figure(fig, out, dpi=80)


def cost_vs_n(scaling, extra, out):
    data = json.load(open(scaling))
    runs = [r for r in data["runs"] if "fit_fixed_s" in r]
    not_run = [r for r in data["runs"] if "not_run" in r]
    n = np.array([r["n_lf"] + r["n_hf"] for r in runs])
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    ax[0].loglog(n, [r["fit_fixed_s"] for r in runs], "o-", label="co-kriging: fixed hyperparameters")
    ax[0].loglog(n, [r["lml_grad_s"] for r in runs], "s-", label="co-kriging: one likelihood + gradient")
    opt = [r for r in runs if "fit_opt_s" in r]
    if opt:
        ax[0].loglog([r["n_lf"] + r["n_hf"] for r in opt], [r["fit_opt_s"] for r in opt], "^-",
                     label="co-kriging: LF GP optimised")
    ax[0].loglog(n, n**3 * runs[-1]["fit_fixed_s"] / n[-1] ** 3, "k:", label="n^3")
    for path in extra:  # other methods' fit on the same axes (cases/airfoil-mf: the SNA), with n^1 to read the slope
        e = json.load(open(path))["runs"]
        ne = np.array([r["n"] for r in e])
        name = os.path.basename(path)
        ax[0].loglog(ne, [r["fit_cpu_s"] for r in e], "o-", label=name + ": fit in process")
        ax[0].loglog(ne, ne * e[-1]["fit_cpu_s"] / ne[-1], "k--", lw=0.8, label="n^1")
        if "process_cpu_s" in e[0]:
            ax[0].loglog(ne, [r["process_cpu_s"] for r in e], "o:", label=name + ": whole process")
        if "peak_rss_gib" in e[0]:
            ax[1].loglog(ne, [r["peak_rss_gib"] for r in e], "o-", label=os.path.basename(path) + " peak memory")
    ax[0].set(xlabel="samples (LF + HF rows)", ylabel="CPU seconds")
    ax[0].legend(fontsize=7)
    ax[1].loglog(n, [r["peak_rss_gib"] for r in runs], "o-", label="co-kriging peak memory")
    for r in not_run:
        need = float(r["not_run"].split("predicted peak ")[1].split(" GiB")[0])
        ax[1].loglog([r["n_lf"] + r["n_hf"]], [need], "o", mfc="none", label="predicted: not run")
    ax[1].axhline(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, color="k", ls=":",
                  label="this machine's memory")
    ax[1].set(xlabel="samples (LF + HF rows)", ylabel="GiB")
    ax[1].legend(fontsize=7)
    fig.tight_layout()
    harness.save_figure(fig, out, dpi=80)


def table(records, out):
    """The results as a markdown table: one row per method and HF fraction."""
    lines = ["| method | HF % | Cp rel. L2 | mean abs CL error | mean abs min-Cp error | parameters | training CPU s | "
             "inference CPU ms / airfoil |", "|---|---|---|---|---|---|---|---|"]
    for r in sorted(records, key=lambda r: (r["method"], r["hf_fraction"])):
        lines.append(f"| {r['method']} | {100 * r['hf_fraction']:g} | {r['cp_rel_l2']:.4f} | {r['cl_abs_err']:.4f} | "
                     f"{r['suction_peak_abs_err']:.3f} | {r['params']} | {r.get('train_cpu_s', r.get('train_s', 0)):.1f} | "
                     f"{1e3 * r.get('infer_cpu_s_per_airfoil', r.get('infer_s_per_airfoil', 0)):.3f} |")
    harness.write_text(out, "\n".join(lines) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--results", nargs="+", default=[f"{RES}/airfoil_mf_baselines.json"])
    ap.add_argument("--preds", nargs="+", default=[f"{RES}/airfoil_mf_baselines_pred.h5"])
    ap.add_argument("--test", default=os.path.join(here, "split", "test.h5"))
    ap.add_argument("--scaling", default=f"{RES}/airfoil_mf_cokriging_scaling.json")
    ap.add_argument("--scaling_extra", nargs="*", default=[])
    ap.add_argument("--fraction", type=float, default=0.1)
    ap.add_argument("--table", default="table.md", help="name of the markdown table written in --out")
    ap.add_argument("--methods", nargs="*", default=None, help="the methods drawn in cp_curves.png (default: all)")
    ap.add_argument("--out", default=os.path.join(RES, "airfoil-mf"))
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    records = [r for p in a.results for r in json.load(open(p))["results"]]
    error_vs_hf(records, f"{a.out}/error_vs_hf.png")
    table(records, f"{a.out}/{a.table}")
    cp_curves(a.test, a.preds, a.fraction, f"{a.out}/cp_curves.png", methods=a.methods)
    if os.path.exists(a.scaling):
        cost_vs_n(a.scaling, a.scaling_extra, f"{a.out}/cost_vs_n.png")
    print(f"plot: {a.out}")


if __name__ == "__main__":
    main()
