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
          [--plots error_vs_hf table cp_curves cost_vs_n]   (which outputs; default all four)

Every input of the outputs asked for is checked before anything is written (a missing file, or a file without what is
read from it, stops the script with one line naming it): cp_curves.png needs --test (bench/airfoil-mf/harness.py split
writes split/test.h5) and --preds with predictions at --fraction (of a --methods method, when given; --fraction and
--methods are refused without cp_curves), cost_vs_n.png needs --scaling. Each method of error_vs_hf.png has a colour, marker
and line style of its own, and a method on the values of an earlier one is drawn over it so that both show, its label
naming the other (postprocess/styles.py).
"""
import argparse
import os
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import harness  # noqa: E402  (puts postprocess/ on the path)
import checks  # noqa: E402  (postprocess/checks.py)
import styles  # noqa: E402  (postprocess/styles.py)

RES = os.path.join(harness.ROOT, "bench", "results")
PLOTS = ("error_vs_hf", "table", "cp_curves", "cost_vs_n")
RECORD_KEYS = ("method", "hf_fraction", "cp_rel_l2", "cl_abs_err", "suction_peak_abs_err", "params")
MS = 4


def error_vs_hf(records, out):
    """Cp rel. L2 (left) and mean |CL error| (right) against the HF fraction, every method."""
    methods = sorted({r["method"] for r in records})
    fig, ax = plt.subplots(1, 2, figsize=(16, 4.8))
    for a, key in zip(ax, ("cp_rel_l2", "cl_abs_err")):
        drawn = []
        for method in methods:
            rs = sorted((r for r in records if r["method"] == method), key=lambda r: r["hf_fraction"])
            drawn.append((method, [100 * r["hf_fraction"] for r in rs], [r[key] for r in rs]))
        for (method, f, y), (color, marker, ls), hit in zip(drawn, styles.distinct(len(drawn)), styles.covers(drawn)):
            kw = dict(color=color, marker=marker, ls=ls, ms=MS, lw=1)
            kw.update(styles.cover_style(hit, MS, ls))
            a.plot(f, y, label=styles.cover_label(method, hit), **kw)
        a.set_yscale("log")
    ax[0].set(xlabel="HF training cases [% of the non-test pool]", ylabel="Cp relative L2 error (held-out HF)")
    ax[1].set(xlabel="HF training cases [% of the non-test pool]", ylabel="mean |CL error|")
    for a in ax:  # a legend per panel, beside it (not over the data): a method covering another says so in its panel's
        a.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    harness.save_figure(fig, out, dpi=80, bbox_inches="tight")


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
    data = checks.load_json(scaling)
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
        e = checks.load_json(path)["runs"]
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


def check_cp_methods(preds, fraction, methods):
    """Stops when no method of the --preds files (of --methods, when given) has predictions at --fraction: cp_curves.png
    showed LF and HF alone under a title naming that fraction (--fraction 0.5, or a misspelt --methods), exit 0.
    Warns of a --methods name that none has there (one of a case's methods may be absent from a quick run's files)."""
    key = "hf%03d" % round(100 * fraction)
    have, every, fractions = set(), set(), set()
    for p in preds:
        with h5py.File(p, "r") as f:
            for method in f:
                every.add(method)
                fractions.update(f[method].keys())
                if key in f[method]:
                    have.add(method)
    drawn = have if not methods else have & set(methods)
    if not drawn:
        raise SystemExit("cp_curves.png: no method%s has predictions at %g%% HF in %s (methods there: %s; "
                         "fractions: %s)" % (" of --methods " + " ".join(methods) if methods else "", 100 * fraction,
                                             ", ".join(preds), ", ".join(sorted(every)) or "none",
                                             ", ".join("%d%%" % int(k[2:]) for k in sorted(fractions))))
    for m in sorted(set(methods or ()) - have):
        print("plot: WARNING: --methods %s: no predictions at %g%% HF in %s: not drawn"
              % (m, 100 * fraction, ", ".join(preds)), file=sys.stderr)


def read_inputs(a):
    """Every input of the outputs asked for (a.plots), checked before anything is written: the records of a.results
    (each with RECORD_KEYS), and the files cp_curves and cost_vs_n read. Stops with one line naming the file."""
    records = []
    for p in a.results:
        d = checks.load_json(p)
        rs = checks.key(d, "results", p)
        for r in rs:
            missing = [k for k in RECORD_KEYS if k not in r]
            if missing:
                raise SystemExit("%s: a record (method %s) has no %s" % (p, r.get("method", "?"), ", ".join(missing)))
        records += rs
    if not records:
        raise SystemExit("%s: no records in 'results'" % ", ".join(a.results))
    if "cp_curves" in a.plots:
        if not os.path.exists(a.test):
            raise SystemExit("%s: no such file (the held-out airfoils: bench/airfoil-mf/harness.py split writes it, "
                             "cases/airfoil-mf/run.sh writes OUT/split/test.h5)" % a.test)
        for p in [a.test] + a.preds:
            checks.h5(p).close()
        check_cp_methods(a.preds, a.fraction, a.methods)
    else:
        # they change cp_curves.png alone: without it they were read and changed nothing
        given = [opt for opt, v in (("--fraction", a.fraction), ("--methods", a.methods)) if v is not None]
        if given:
            raise SystemExit("%s: only for cp_curves.png, which --plots %s does not make: add cp_curves or remove %s"
                             % (" and ".join(given), " ".join(a.plots), "them" if len(given) > 1 else "it"))
    if "cost_vs_n" in a.plots:
        scaling = checks.load_json(a.scaling)
        checks.key(scaling, "runs", a.scaling)
        for p in a.scaling_extra:
            checks.key(checks.load_json(p), "runs", p)
    return records


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--results", nargs="+", default=[f"{RES}/airfoil_mf_baselines.json"])
    ap.add_argument("--preds", nargs="+", default=[f"{RES}/airfoil_mf_baselines_pred.h5"])
    ap.add_argument("--test", default=os.path.join(here, "split", "test.h5"))
    ap.add_argument("--scaling", default=f"{RES}/airfoil_mf_cokriging_scaling.json")
    ap.add_argument("--scaling_extra", nargs="*", default=[])
    ap.add_argument("--fraction", type=float, default=None, help="the HF fraction of cp_curves.png (default 0.1)")
    ap.add_argument("--table", default="table.md", help="name of the markdown table written in --out")
    ap.add_argument("--methods", nargs="*", default=None, help="the methods drawn in cp_curves.png (default: all)")
    ap.add_argument("--plots", nargs="+", choices=PLOTS, default=list(PLOTS), help="the outputs to write (default: all)")
    ap.add_argument("--out", default=os.path.join(RES, "airfoil-mf"))
    a = ap.parse_args(argv)
    if "cp_curves" in a.plots and a.fraction is None:
        a.fraction = 0.1
    records = read_inputs(a)  # before anything is written: a missing input must not leave half the outputs replaced
    os.makedirs(a.out, exist_ok=True)
    if "error_vs_hf" in a.plots:
        error_vs_hf(records, f"{a.out}/error_vs_hf.png")
    if "table" in a.plots:
        table(records, f"{a.out}/{a.table}")
    if "cp_curves" in a.plots:
        cp_curves(a.test, a.preds, a.fraction, f"{a.out}/cp_curves.png", methods=a.methods)
    if "cost_vs_n" in a.plots:
        cost_vs_n(a.scaling, a.scaling_extra, f"{a.out}/cost_vs_n.png")
    print(f"plot: {', '.join(a.plots)} in {a.out}")


if __name__ == "__main__":
    main()
