#!/usr/bin/python3
"""The plotting and table scripts of postprocess/ (and cases/aion/table.py) on bad input, and the readability of their
plots (regression.postprocess_errors; about 2 s: every script runs in this process, matplotlib loaded once, and the
figures are neither laid out nor drawn).

    check_postprocess.py DIR

Bad input (no argument, a missing file, a missing key, NaN, an incomplete trajectory, an output in a missing directory)
must stop a script with one line naming the file (SystemExit; any other exception is a traceback: a failure), and an
output in a missing directory before the work. The plots written must have no empty panel; plot_fit.py's training
curve says when fit.log has none, its labels follow the fit type and the rank count; plot_poisson_mf.py's lines are
told apart and its off-scale points marked; a line of plot_poisson_mf.py or plot_guess.py drawn over another with the
same values is drawn so that the other shows (another line style, hollow markers) and its label names it (the two
default blends of the poisson-mf reference were hidden under later lines); plot_fit_bench.py's methods have colours of
their own; flow_stats.py's title names the run. Null values (NaN in a run), a JSON list and a directory as the results are refused
in one line; plot_aion.py's panels share one colour scale and its paths off the window are counted and their ends
marked; a failed method of plot_fit_bench.py is named; an exact fit and "." work in plot_fit.py (bad_input()), and
its prediction.xdmf describes the HDF5 data as stored (tests/xdmf_check.py).
"""
import json
import os
import runpy
import shutil
import sys

import h5py
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PP = os.path.join(ROOT, "postprocess")
sys.path.insert(0, PP)
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.figure  # noqa: E402
import atomic  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "tests"))
import script_runner  # noqa: E402
import xdmf_check  # noqa: E402

failures = []
figures = []  # the figures the scripts saved (atomic.save_figure, replaced below), checked for empty panels


def capture(fig, path, **kw):  # checked, not drawn: drawing would take most of this test's time
    atomic.write_text(path, "")
    figures.append(fig)


atomic.save_figure = capture
# Nor laid out: tight_layout (in five of the scripts) measures every tick label's text, 40% of this test's time, to
# move the panels, and no check reads a position
matplotlib.figure.Figure.tight_layout = lambda self, *args, **kw: None


run = script_runner.run  # (exit status, message) of a script run in this process; a traceback is a failure

def refused(what, script, args, names):
    """script args must stop with a clear error whose last line names each of names."""
    code, msg = run(script, *args)
    last = msg.strip().splitlines()[-1] if msg.strip() else ""
    if code in (0, "traceback") or not all(str(n) in last for n in names) or ".tmp" in msg:
        failures.append("%s: %s %s: exit %s, %r (expected a one-line error naming %s)" % (what, os.path.basename(script), " ".join(map(str, args)), code, msg.strip()[-300:], ", ".join(map(str, names))))


def ok(what, script, *args):
    code, msg = run(script, *args)
    if code != 0:
        failures.append("%s: %s %s: exit %s, %r" % (what, os.path.basename(script), " ".join(map(str, args)), code, msg.strip()[-300:]))
    return code == 0


def empty_panels(fig):
    """The panels of fig that show nothing (colorbars aside)."""
    out = []
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        shown = any(len(np.atleast_1d(line.get_xdata())) for line in ax.lines) or ax.images or ax.collections or ax.patches \
            or any(t.get_text().strip() for t in ax.texts)
        if not shown:
            out.append(ax.get_title() or "(untitled)")
    return out


def hidden_lines(ax, what):
    """Lines of ax drawn over an earlier one with the same values (to 1e-9 relative) at the same x that hide it: the
    later one must have another line style and hollow markers or another marker, and its label must name the earlier."""
    lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    for j, b in enumerate(lines):
        for a in lines[:j]:
            xa, ya = np.asarray(a.get_xdata(), float), np.asarray(a.get_ydata(), float)
            xb, yb = np.asarray(b.get_xdata(), float), np.asarray(b.get_ydata(), float)
            if xa.shape != xb.shape or not np.array_equal(xa, xb) or not np.allclose(ya, yb, rtol=1e-9, atol=0):
                continue
            apart = b.get_linestyle() != a.get_linestyle() and (b.get_marker() != a.get_marker() or b.get_markerfacecolor() == "none")
            base = a.get_label().split(" (")[0]
            if not apart or base not in b.get_label()[len(base):]:
                failures.append("%s: %r is drawn over %r with the same values and hides it (line style %s / %s, marker %s / %s)"
                                % (what, b.get_label(), a.get_label(), b.get_linestyle(), a.get_linestyle(), b.get_marker(), a.get_marker()))


def fit_case(d, fit_extra=None, nan=False, exact=False):
    """A tiny case directory as cases/separable-fit/run.sh leaves it: grid.h5, prediction.h5, fit.json, predict.json,
    fit.log (without -sna_monitor lines)."""
    os.makedirs(d, exist_ok=True)
    x, y = np.linspace(0, 1, 5), np.linspace(0, 1, 4)
    truth = np.add.outer(x, y).reshape(-1, 1)
    with h5py.File(os.path.join(d, "grid.h5"), "w") as f:
        f["grid/x"], f["grid/y"], f["Y"] = x, y, truth
    with h5py.File(os.path.join(d, "prediction.h5"), "w") as f:
        f["Y"] = np.where(np.arange(truth.size)[:, None] == 3, np.nan, truth * 1.01) if nan else truth * (1.0 if exact else 1.01)
    fit = {"ranks": 1, "n_params": 10, "n_samples": 20, "wall_time_s": 0.1, "iterations": 3, "train_mse": 1e-4,
           "fit_type": "auto", "converged_reason": "CONVERGED_RTOL", "machine": {"cpu_model": "test CPU", "cores": 2}}
    fit.update(fit_extra or {})
    fit = {k: v for k, v in fit.items() if v is not None}
    with open(os.path.join(d, "fit.json"), "w") as f:
        json.dump(fit, f)
    with open(os.path.join(d, "predict.json"), "w") as f:
        json.dump({"ns_per_sample_per_rank": 5.0}, f)
    with open(os.path.join(d, "fit.log"), "w") as f:
        f.write("snaps-fit: no monitor lines here\n")
    return d


def trajectory(path, complete=1, nan=False, bad_u=None, bad_energy=None):
    """A small KS trajectory; nan, bad_u, bad_energy: put a NaN, or the value given (e.g. inf), in u or the energy."""
    with h5py.File(path, "w") as f:
        f.attrs.update({"equation": np.bytes_("kuramoto-sivashinsky"), "field": np.bytes_("u"), "complete": complete, "L": 22.0})
        t = np.arange(20) * 0.5
        u = np.sin(np.add.outer(t, np.linspace(0, 2 * np.pi, 16, endpoint=False)))[:, None, :]
        if nan:
            u[5, 0, 3] = np.nan
        if bad_u is not None:
            u[5, 0, 3] = bad_u
        energy = np.ones((20, 1))
        if bad_energy is not None:
            energy[7, 0] = bad_energy
        f["time"], f["u"], f["diagnostics/energy"] = t, u, energy
    return path


def texts(fig):
    """Every text of fig: the panels' texts and annotations, the figure's, the legends' labels."""
    out = [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]
    out += [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    return out + [t.get_text() for leg in fig.legends for t in leg.get_texts()]


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


def bad_input(d):
    """Nulls (atomic.finite_json writes NaN as null), a list at the top, a directory as the results file; and the
    plots' honesty: one colour scale in plot_aion.py, paths off its window counted and their ends marked, a failed
    method of plot_fit_bench.py named, an exact fit and "." in plot_fit.py, a family without guesses in plot_guess.py,
    a series of NaN not "the same as" another (styles.covers)."""
    import styles  # noqa: E402

    nan = float("nan")
    hit = styles.covers([("A", [1, 2, 3], [1.0, 2.0, 3.0]), ("B", [1, 2, 3], [nan, nan, nan])])
    if hit[1] is not None:
        failures.append("styles.covers: a series of NaN (drawn nowhere) is said to lie on A: %r" % (hit[1],))

    aion_json = os.path.join(ROOT, "bench", "results", "aion.json")
    plot_aion = os.path.join(PP, "plot_aion.py")
    listed = dump(os.path.join(d, "list.json"), [1, 2])
    for script in ("plot_aion.py", "plot_fit_bench.py", "plot_poisson_mf.py", "plot_guess.py"):
        refused("%s, a JSON list" % script, os.path.join(PP, script), [listed, os.path.join(d, "x.png")], [listed, "list"])
        refused("%s, a directory as results" % script, os.path.join(PP, script), [d, os.path.join(d, "x.png")], [d])

    res = json.load(open(aion_json))
    nowide = dump(os.path.join(d, "aion_nowide.json"), {k: v for k, v in res.items() if k != "paths.wide.start"})
    refused("plot_aion, no paths.wide.start", plot_aion, [nowide, os.path.join(d, "a.png")], [nowide, "paths.wide.start"])
    # 100 samples rather than 1000 (as below): plot_aion.py computes its landscapes before it reads the paths
    nullpath = dump(os.path.join(d, "aion_null.json"), dict(res, **{"paths.near.lbfgs": [None] * 4,
                                                                   res["path_problem"] + ".samples_per_input": 100}))
    refused("plot_aion, a null in a path", plot_aion, [nullpath, os.path.join(d, "a.png")], [nullpath, "paths.near.lbfgs"])
    # a path that ends far off the window (Levenberg-Marquardt's wide path in a main-job run ended at alpha 26, omega 117)
    lm = res["paths.wide.levenberg_marquardt"] + [1.0, 26.2, 117.1, 0.0]
    # 100 samples rather than 1000: the landscapes are 10 times cheaper, the figure the same
    far = dump(os.path.join(d, "aion_far.json"), dict(res, **{"paths.wide.levenberg_marquardt": lm, res["path_problem"] + ".samples_per_input": 100}))
    levels = {}
    orig = matplotlib.axes.Axes.contourf

    def contourf(ax, *a, **kw):
        cs = orig(ax, *a, **kw)
        levels[id(ax)] = np.asarray(cs.levels)
        return cs

    matplotlib.axes.Axes.contourf = contourf
    figures.clear()
    try:
        done = ok("plot_aion, a path ending off the window", plot_aion, far, os.path.join(d, "a.png"))
    finally:
        matplotlib.axes.Axes.contourf = orig
    if done and figures:
        fig = figures[-1]
        lv = list(levels.values())
        if len(lv) < 4 or any(v.shape != lv[0].shape or not np.allclose(v, lv[0]) for v in lv):
            failures.append("plot_aion: the four panels (and the near row's zoomed insets) have different colour levels (%s), one colour bar" % [(v.min(), v.max()) for v in lv])
        panels = [a for a in fig.axes if a.get_label() != "<colorbar>"]
        wide = [a for a in panels if a.get_title().startswith("wide")]
        labels = [t.get_text() for a in wide if a.get_legend() for t in a.get_legend().get_texts()]
        if not any("Levenberg-Marquardt" in t and "points" in t and "off the plot" in t for t in labels):
            failures.append("plot_aion: the wide row has no legend counting its points and those off the plot: %s" % labels)
        if not any("end (26.2, 117)" in t.get_text() for a in wide for t in a.texts):
            failures.append("plot_aion: the end of a path off the window is not marked at the edge")

    bench = os.path.join(PP, "plot_fit_bench.py")
    fit = json.load(open(os.path.join(ROOT, "bench", "results", "fit.json")))
    fit["problems"] = dict(list(fit["problems"].items())[:1])  # one column is enough, and a third of the time
    for p in fit["problems"].values():
        for run, r in p["runs"].items():
            if run.startswith("lm/"):
                r.update(available=False, unavailable_because="a repetition failed (test)")
    fit["jax_anchor"]["device"] = "Test GPU 9"  # the anchor's legend names the results' device (it said H200 whatever)
    failed = dump(os.path.join(d, "fit_failed.json"), fit)
    figures.clear()
    if ok("plot_fit_bench, lm failed", bench, failed, os.path.join(d, "b.png")) and figures:
        if not any("failed: lm/1" in t for t in texts(figures[-1])):
            failures.append("plot_fit_bench: a failed method (lm) is not named on the figure")
        anchor = [t for t in texts(figures[-1]) if t.startswith("JAX")]
        if not anchor or not all(t.startswith("JAX, Test GPU 9: ") for t in anchor):
            failures.append("plot_fit_bench: the JAX anchor's legend does not name the results' device (Test GPU 9): %s" % anchor)

    pmf = os.path.join(PP, "plot_poisson_mf.py")
    r = json.load(open(os.path.join(ROOT, "cases", "poisson-mf", "reference", "results.json")))
    name = [m for m in r["methods"] if m != "LF alone"][0]
    frac = list(r["methods"][name])[0]
    r["methods"][name][frac][0]["error"] = None
    pnull = dump(os.path.join(d, "pmf_null.json"), r)
    refused("plot_poisson_mf, a null error", pmf, [pnull, os.path.join(d, "p.png")], [pnull, name, "error", "null"])

    plot_guess = os.path.join(PP, "plot_guess.py")
    g = json.load(open(os.path.join(d, "guess.json")))
    fam = g["families"]["design/gamg"]
    fam["guesses"]["sna"]["median_guess_rel_residual"] = None
    gnull = dump(os.path.join(d, "guess_null.json"), g)
    refused("plot_guess, a null residual", plot_guess, [gnull, os.path.join(d, "g.png")], [gnull, "sna", "median_guess_rel_residual"])
    fam["guesses"]["sna"]["median_guess_rel_residual"] = 1e-3
    fam["guesses"]["pod"]["iterations"][1] = None
    gnull = dump(os.path.join(d, "guess_itnull.json"), g)
    refused("plot_guess, a null iteration count", plot_guess, [gnull, os.path.join(d, "g.png")], [gnull, "pod", "iterations"])
    fam["guesses"] = {}
    gnone = dump(os.path.join(d, "guess_none.json"), g)
    refused("plot_guess, a family without guesses", plot_guess, [gnone, os.path.join(d, "g.png")], [gnone, "design/gamg"])

    plot_fit = os.path.join(PP, "plot_fit.py")
    c = fit_case(os.path.join(d, "exact"), exact=True)
    figures.clear()
    if ok("plot_fit, an exact fit", plot_fit, c) and figures:
        if not any("no error" in t for t in texts(figures[-1])):
            failures.append("plot_fit: an exact fit's error panel does not say there is no error")
    # prediction.xdmf must describe the N x 1 /Y datasets as stored (it declared them nx x ny)
    failures.extend("plot_fit: " + p for p in xdmf_check.problems(os.path.join(c, "prediction.xdmf")))
    c = fit_case(os.path.join(d, "dotcase"))
    cwd = os.getcwd()
    os.chdir(c)
    try:
        ok("plot_fit .", plot_fit, ".")
    finally:
        os.chdir(cwd)
    if not os.path.exists(os.path.join(c, "dotcase.png")) or os.path.exists(os.path.join(c, "..png")):
        failures.append("plot_fit .: %s (expected dotcase.png, named after the directory)" % sorted(os.listdir(c)))


def main():
    d = os.path.abspath(sys.argv[1])
    shutil.rmtree(d, ignore_errors=True)  # this test's own scratch directory: nothing of an earlier run
    os.makedirs(d, exist_ok=True)
    nodir = os.path.join(d, "no_such_dir")

    plot_fit = os.path.join(PP, "plot_fit.py")
    refused("plot_fit, no argument", plot_fit, [], ["required"])
    refused("plot_fit, missing directory", plot_fit, [nodir], [nodir])
    c = fit_case(os.path.join(d, "no_machine"), {"machine": None})
    refused("plot_fit, fit.json without machine", plot_fit, [c], [os.path.join(c, "fit.json"), "machine"])
    c = fit_case(os.path.join(d, "nan"), nan=True)
    refused("plot_fit, NaN in prediction.h5", plot_fit, [c], [os.path.join(c, "prediction.h5")])
    c = fit_case(os.path.join(d, "fitcase"))
    figures.clear()
    if ok("plot_fit, no monitor lines", plot_fit, c) and figures:
        ax = figures[-1].axes
        if empty_panels(figures[-1]):
            failures.append("plot_fit: empty panels %s (fit.log has no monitor lines: the panel must say so)" % empty_panels(figures[-1]))
        curve = [a for a in ax if a.get_title().startswith("training curve")]
        if not curve or "1 ranks" in curve[0].get_title() or "ALS" in curve[0].get_xlabel():
            failures.append("plot_fit: training curve title %r, x label %r for 1 rank and fit type auto" % (
                curve[0].get_title() if curve else None, curve[0].get_xlabel() if curve else None))
        error = [a for a in ax if a.get_title().startswith("|error|")]
        if not error or not error[0].get_xlabel() or not error[0].get_ylabel():
            failures.append("plot_fit: the error panel has no axis labels")

    plot_guess = os.path.join(PP, "plot_guess.py")
    refused("plot_guess, missing file", plot_guess, [os.path.join(d, "absent.json"), os.path.join(d, "g.png")], [os.path.join(d, "absent.json")])
    bad = os.path.join(d, "guess_bad.json")
    with open(bad, "w") as f:
        json.dump({"families": {"load": {"guesses": {}}}, "ranks": 2}, f)
    refused("plot_guess, a family without its keys", plot_guess, [bad, os.path.join(d, "g.png")], [bad])
    guess = os.path.join(d, "guess.json")  # one family; the Galerkin guess with V^T A V rebuilt takes the Galerkin guess's iterations
    its = {"zero": [14, 14, 13], "fischer": [8, 9, 7], "pod": [9, 9, 8], "sna": [10, 9, 10], "sna_galerkin": [0, 2, 0],
           "sna_galerkin_rebuild": [0, 2, 0]}
    with open(guess, "w") as f:
        json.dump({"ranks": 2, "date": "today", "machine": {"cpu_model": "test CPU"}, "families": {"design/gamg": {
            "title": "t", "dofs": 10, "n_train": 5, "pod_modes": 4, "sna_modes": 3, "ksp_rtol": 1e-10,
            "guesses": {g: {"iterations": v, "median_iterations": float(np.median(v)), "median_guess_rel_residual": 1e-3}
                        for g, v in its.items()},
            "surrogate": {"median_rel_l2_error": 1e-4, "median_prediction_time_s": 1e-4, "median_coordinates_time_s": 1e-5,
                          "median_fem_solve_time_s": 1e-2, "speedup_field": 100.0, "speedup_coordinates": 1000.0}}}}, f)
    figures.clear()
    if ok("plot_guess, two guesses with the same iterations", plot_guess, guess, os.path.join(d, "g.png")) and figures:
        hidden_lines(figures[-1].axes[0], "plot_guess")

    pmf = os.path.join(PP, "plot_poisson_mf.py")
    refused("plot_poisson_mf, missing file", pmf, [os.path.join(d, "absent.json"), os.path.join(d, "p.png")], [os.path.join(d, "absent.json")])
    figures.clear()
    if ok("plot_poisson_mf, the reference results", pmf, os.path.join(ROOT, "cases", "poisson-mf", "reference", "results.json"), os.path.join(d, "p.png")) and figures:
        ax = figures[-1].axes[0]
        styles = {}
        for line in ax.get_lines():
            if line.get_label().startswith("_"):
                continue
            rgb = np.round(np.array(matplotlib.colors.to_rgb(line.get_color())) * 20)  # grey and tab:gray are alike
            key = (tuple(rgb), line.get_linestyle())
            styles.setdefault(key, []).append(line.get_label())
        same = [v for v in styles.values() if len(v) > 1]
        if same:
            failures.append("plot_poisson_mf: lines drawn alike (colour and line style): %s" % same)
        hidden_lines(ax, "plot_poisson_mf")  # mf ar1 (rho by CV) has mf ar1's errors at every fraction
        hf = [line.get_label() for line in ax.get_lines() if line.get_label().startswith("HF-only KHRONOS (")]
        if not any("off scale" in label for label in hf):
            failures.append("plot_poisson_mf: HF-only KHRONOS, every point above the plot, is not marked off scale: %s" % hf)

    plot_aion = os.path.join(PP, "plot_aion.py")
    refused("plot_aion, missing file", plot_aion, [os.path.join(d, "absent.json"), os.path.join(d, "a.png")], [os.path.join(d, "absent.json")])
    refused("plot_aion, output in a missing directory", plot_aion, [os.path.join(ROOT, "bench", "results", "aion.json"), os.path.join(nodir, "a.png")],
            [os.path.join(nodir, "a.png")])

    bench = os.path.join(PP, "plot_fit_bench.py")
    refused("plot_fit_bench, missing file", bench, [os.path.join(d, "absent.json"), os.path.join(d, "b.png")], [os.path.join(d, "absent.json")])
    colors = runpy.run_path(bench)["COLORS"]
    shared = {c: [m for m in colors if colors[m] == c] for c in colors.values()}
    if any(len(v) > 1 for v in shared.values()):
        failures.append("plot_fit_bench: methods sharing a colour: %s" % [v for v in shared.values() if len(v) > 1])

    table = os.path.join(ROOT, "cases", "aion", "table.py")
    with open(bad, "w") as f:
        json.dump({"machine": {}, "starts_per_box": 3, "atom_100.truth": [1, 2, 3, 4]}, f)
    refused("aion table, missing keys", table, [bad, os.path.join(d, "t.md")], [bad])

    fs = os.path.join(PP, "flow_stats.py")
    part = trajectory(os.path.join(d, "partial.h5"), complete=0)
    refused("flow_stats, incomplete trajectory", fs, [part], [part, "complete"])
    sys.path.insert(0, PP)
    import flow_stats  # noqa: E402
    try:
        flow_stats.load_window(part)
        failures.append("flow_stats.load_window read an incomplete trajectory (complete = 0)")
    except SystemExit as e:
        if part not in str(e.code):
            failures.append("flow_stats.load_window: %r does not name the file" % e.code)
    nan = trajectory(os.path.join(d, "nan.h5"), nan=True)
    refused("flow_stats, NaN in the field", fs, [nan], [nan])
    # an infinite value is refused like a NaN (checks.finite), in the field and in a diagnostic (which would otherwise
    # pass into the JSON's means)
    for what, name, kw, names in (("+inf in the field", "inf_u.h5", {"bad_u": np.inf}, ["/u", "not finite"]),
                                  ("-inf in /diagnostics/energy", "inf_energy.h5", {"bad_energy": -np.inf}, ["/diagnostics/energy", "not finite"])):
        bad = trajectory(os.path.join(d, name), **kw)
        refused("flow_stats, " + what, fs, [bad], [bad] + names)
    good = trajectory(os.path.join(d, "good.h5"))
    refused("flow_stats, --json in a missing directory", fs, [good, "--json", os.path.join(nodir, "s.json")], [os.path.join(nodir, "s.json")])
    figures.clear()
    if ok("flow_stats, a complete trajectory", fs, good, "--png", os.path.join(d, "s.png"), "--label", "my run") and figures:
        fig = figures[-1]
        if "my run" not in (fig._suptitle.get_text() if fig._suptitle else ""):
            failures.append("flow_stats: the title does not name the run (--label)")
        if not any("time" in a.get_xlabel() for a in fig.axes):
            failures.append("flow_stats: the autocorrelation's lag has no unit")

    try:
        atomic.write_text(os.path.join(nodir, "x.txt"), "x")
        failures.append("atomic.write_text wrote into a missing directory")
    except SystemExit as e:
        if os.path.join(nodir, "x.txt") not in str(e.code) or ".tmp" in str(e.code):
            failures.append("atomic.write_text into a missing directory: %r (expected the path, not a temporary name)" % e.code)
    except Exception as e:  # noqa: BLE001
        failures.append("atomic.write_text into a missing directory: %s: %s" % (type(e).__name__, e))

    # a directory as the output (or a name ending in '/'): refused by checks.writable before the work, with one line
    # naming it, not a traceback from the rename after it (s24); the directory and what it holds stay as they were
    outdir = os.path.join(d, "outdir")
    os.makedirs(outdir, exist_ok=True)
    for p in (outdir, outdir + "/"):
        try:
            atomic.write_json(p, {"a": 1})
            failures.append("atomic.write_json wrote over the directory %s" % p)
        except SystemExit as e:
            if p not in str(e.code) or "directory" not in str(e.code):
                failures.append("atomic.write_json into the directory %s: %r (expected the path and 'directory')" % (p, e.code))
        except Exception as e:  # noqa: BLE001
            failures.append("atomic.write_json into the directory %s: %s: %s (a traceback, not one line)" % (p, type(e).__name__, e))
    left = [n for n in os.listdir(d) if ".tmp" in n]
    if left or not os.path.isdir(outdir):
        failures.append("atomic.write_json into a directory left %s (temporary files) or lost the directory" % left)
    refused("plot_fit_bench, a directory as the output", os.path.join(PP, "plot_fit_bench.py"), [os.path.join(ROOT, "bench", "results", "fit.json"), outdir], [outdir])

    bad_input(d)

    for fig in figures:
        if empty_panels(fig):
            failures.append("a figure with empty panels: %s" % empty_panels(fig))
    if failures:
        sys.exit("postprocess scripts:\n  " + "\n  ".join(failures))
    print("postprocess scripts: clear errors on bad input, readable plots")


if __name__ == "__main__":
    main()
