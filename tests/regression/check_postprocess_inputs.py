#!/usr/bin/python3
"""regression.postprocess_inputs: postprocess/'s outputs checked against its inputs before the work (audit s25).

    check_postprocess_inputs.py DIR

- An output that is the script's own input is refused in one line naming both, and the input is left as it was:
  flow_stats.py TRAJ --json TRAJ (it replaced the trajectory by its statistics, exit 0) and --png TRAJ; a plot or
  table of one results JSON written over that JSON (cases/aion/table.py r.json r.json replaced it by the table,
  exit 0; plot_guess.py r.json r.json). flow_stats.py's --json and --png naming one file are refused too.
- A figure name whose extension matplotlib cannot write (out.txt) is refused before the work, naming it: it was a
  traceback after the statistics, with the JSON already written beside no plot.
- flow_stats.py refuses a KS trajectory without the attribute L (an older file), naming it: its spectrum's wavenumbers
  were taken for L = 2 pi, off by 3.5 at L = 22, with no word (the C readers refuse such a file too).
- flow_stats.py --acf_window inf is refused with the usage; a huge finite one (1e308) is the quarter-record cap, not an
  OverflowError traceback.
- plot_fit.py refuses a prediction.h5 whose points (/X) are not grid.h5's (a prediction of another grid of the same
  size was scored point by point against the truth, exit 0), and a grid.h5 whose /X is not its /grid/x x /grid/y grid
  with x slowest (the order its PNG and prediction.xdmf draw /Y in); the files as snaps-predict writes them pass.
- plot_poisson_mf.py refuses a fraction with no run, naming the file and the key (it was "mf a: 1 of 2 values are not
  finite" after a numpy RuntimeWarning).
- mf_study.options refuses a config or a fraction given twice (the fits ran again and counted as more draws).
"""
import filecmp
import json
import os
import shutil
import sys

import h5py
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PP = os.path.join(ROOT, "postprocess")
sys.path.insert(0, PP)
sys.path.insert(0, os.path.join(ROOT, "tests"))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import script_runner  # noqa: E402

failures = []
FLOW = os.path.join(PP, "flow_stats.py")


def refused(what, script, args, names, code=1, untouched=()):
    """script with args must stop with exit status code, its last line naming every one of names, and leave the files
    untouched ((path, pristine copy) pairs) as they were."""
    got, msg = script_runner.run(script, *args)
    last = msg.strip().splitlines()[-1] if msg.strip() else ""
    if got != code or not all(str(n) in last for n in names):
        failures.append("%s: exit %s, %r (expected exit %s and one line naming %s)" % (what, got, msg.strip()[-300:], code, ", ".join(map(str, names))))
    for path, copy in untouched:
        if not filecmp.cmp(path, copy, shallow=False):
            failures.append("%s: %s was changed" % (what, path))
            shutil.copy(copy, path)


def ok(what, script, *args):
    got, msg = script_runner.run(script, *args)
    if got != 0:
        failures.append("%s: exit %s, %r" % (what, got, msg.strip()[-300:]))


def trajectory(path):
    rng = np.random.default_rng(1)
    u = np.cumsum(rng.standard_normal((41, 2, 8)), axis=0) * 0.1
    with h5py.File(path, "w") as f:
        f.attrs.update({"equation": np.bytes_("ks"), "field": np.bytes_("u"), "complete": 1, "L": 22.0})
        f["time"], f["u"] = np.arange(41) * 0.5, u
    return path


def check_same_file(d):
    traj = trajectory(os.path.join(d, "traj.h5"))
    copy = shutil.copy(traj, os.path.join(d, "traj.copy"))
    refused("flow_stats --json TRAJ", FLOW, [traj, "--json", traj], [traj, "same file"], untouched=[(traj, copy)])
    refused("flow_stats --json ./TRAJ (another name)", FLOW, [traj, "--json", os.path.join(d, ".", "traj.h5")], ["same file"],
            untouched=[(traj, copy)])
    refused("flow_stats --png TRAJ", FLOW, [traj, "--png", traj], [traj, "same file"], untouched=[(traj, copy)])
    both = os.path.join(d, "both.png")
    refused("flow_stats --json X.png --png X.png", FLOW, [traj, "--json", both, "--png", both], ["--json", "--png", "same file"], code=2)
    res = os.path.join(d, "r.json")
    with open(res, "w") as f:
        json.dump({"families": {}}, f)
    rcopy = shutil.copy(res, os.path.join(d, "r.copy"))
    refused("cases/aion/table.py R R", os.path.join(ROOT, "cases", "aion", "table.py"), [res, res], [res, "same file"], untouched=[(res, rcopy)])
    refused("plot_guess.py R R", os.path.join(PP, "plot_guess.py"), [res, res], [res, "same file"], untouched=[(res, rcopy)])
    for name in ("traj.h5", "traj.copy", "r.json", "r.copy"):
        os.remove(os.path.join(d, name))


def check_figure_format(d):
    traj = trajectory(os.path.join(d, "traj.h5"))
    js, txt = os.path.join(d, "s.json"), os.path.join(d, "s.txt")
    refused("flow_stats --png s.txt", FLOW, [traj, "--json", js, "--png", txt], [txt, ".txt", ".png"])
    for p in (js, txt):
        if os.path.exists(p):
            failures.append("flow_stats --png s.txt: %s was written (the check comes before the work)" % p)
            os.remove(p)
    res = os.path.join(d, "r.json")
    with open(res, "w") as f:
        json.dump({}, f)
    for script in ("plot_guess.py", "plot_aion.py", "plot_poisson_mf.py", "plot_fit_bench.py"):
        refused("%s R out.txt" % script, os.path.join(PP, script), [res, txt], [txt, ".txt"])
    upper = os.path.join(d, "s.PNG")
    ok("flow_stats --png s.PNG", FLOW, traj, "--png", upper)
    refused("flow_stats --acf_window inf", FLOW, [traj, "--acf_window", "inf"], ["--acf_window"], code=2)
    ok("flow_stats --acf_window 1e308", FLOW, traj, "--acf_window", "1e308", "--json", js)
    with open(js) as f:
        s = json.load(f)
    if s.get("autocorrelation_window") != 5.0:  # 41 saved times every 0.5: a quarter of the record is 10 lags
        failures.append("flow_stats --acf_window 1e308: window %r, expected 5 (a quarter of the record)" % s.get("autocorrelation_window"))
    for name in os.listdir(d):
        os.remove(os.path.join(d, name))


def check_length(d):
    traj = trajectory(os.path.join(d, "nolength.h5"))
    with h5py.File(traj, "r+") as f:  # an older file: no L
        del f.attrs["L"]
    js = os.path.join(d, "s.json")
    refused("flow_stats, a KS trajectory without L", FLOW, [traj, "--json", js], [traj, "attribute L"])
    if os.path.exists(js):
        failures.append("flow_stats, a KS trajectory without L: %s written (wavenumbers for L = 2 pi)" % js)


def check_empty_runs(d):
    res, png = os.path.join(d, "pm.json"), os.path.join(d, "pm.png")
    with open(res, "w") as f:
        json.dump({"methods": {"mf a": {"0.1": [], "1": [{"error": 0.1, "error_from_ylf": 0.1}]}}, "lf_solution_error_on_test": 0.2,
                   "lf": "LF", "hf": "HF"}, f)
    refused("plot_poisson_mf, a fraction with no run", os.path.join(PP, "plot_poisson_mf.py"), [res, png], [res, "methods/mf a/0.1"])
    if os.path.exists(png):
        failures.append("plot_poisson_mf, a fraction with no run: %s written" % png)


def fit_case(d, pred_points=None, grid_points=None):
    os.makedirs(d, exist_ok=True)
    x, y = np.linspace(0, 1, 5), np.linspace(0, 1, 4)
    X = np.column_stack([np.repeat(x, y.size), np.tile(y, x.size)])
    truth = np.add.outer(x, y).reshape(-1, 1) + 1.0
    with h5py.File(os.path.join(d, "grid.h5"), "w") as f:
        f["grid/x"], f["grid/y"], f["Y"], f["X"] = x, y, truth, X if grid_points is None else grid_points(X)
    with h5py.File(os.path.join(d, "prediction.h5"), "w") as f:
        f["Y"], f["X"] = truth * 1.01, X if pred_points is None else pred_points(X)
    fit = {"ranks": 2, "n_params": 10, "n_samples": 20, "wall_time_s": 0.1, "iterations": 3, "train_mse": 1e-4,
           "fit_type": "auto", "type": "khronos", "converged_reason": "CONVERGED_RTOL", "machine": {"cpu_model": "test CPU", "cores": 2}}
    with open(os.path.join(d, "fit.json"), "w") as f:
        json.dump(fit, f)
    with open(os.path.join(d, "predict.json"), "w") as f:
        json.dump({"ns_per_sample_per_rank": 5.0}, f)
    return d


def check_plot_fit(d):
    plot_fit = os.path.join(PP, "plot_fit.py")
    good = fit_case(os.path.join(d, "good"))
    ok("plot_fit, the points as snaps-predict writes them", plot_fit, good)
    other = fit_case(os.path.join(d, "other"), pred_points=lambda X: 2 * X)
    refused("plot_fit, a prediction on another grid of the same size", plot_fit, [other], [os.path.join(other, "prediction.h5"), "/X"])
    order = fit_case(os.path.join(d, "order"), grid_points=lambda X: X[:, ::-1].copy(), pred_points=lambda X: X[:, ::-1].copy())
    refused("plot_fit, grid.h5's /X with y slowest", plot_fit, [order], [os.path.join(order, "grid.h5"), "/X"])
    for case in (other, order):
        if any(n.endswith((".png", ".md", ".xdmf")) for n in os.listdir(case)):
            failures.append("plot_fit: %s holds an output after the refusal: %s" % (case, sorted(os.listdir(case))))


def check_mf_study(d):
    import mf_study

    for args in (["--configs", "a,a"], ["--fractions", "0.1,1,0.1"]):
        try:
            mf_study.options(["study", os.path.join(d, "study")] + args, {"a": [], "b": []})
            failures.append("mf_study.options accepted %s (the fits run twice and count as more draws)" % " ".join(args))
        except SystemExit as e:
            if e.code != 2:
                failures.append("mf_study.options %s: exit %r (expected argparse's 2)" % (" ".join(args), e.code))


def main():
    d = os.path.abspath(sys.argv[1])
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, check in (("same_file", check_same_file), ("figure_format", check_figure_format), ("length", check_length), ("empty_runs", check_empty_runs), ("plot_fit", check_plot_fit),
                        ("mf_study", check_mf_study)):
        os.makedirs(os.path.join(d, name))
        try:
            check(os.path.join(d, name))
        except Exception as e:  # noqa: BLE001  (a traceback in a check is a failure, the others still run)
            failures.append("%s: %s: %s" % (name, type(e).__name__, e))
    if failures:
        sys.exit("postprocess inputs:\n  " + "\n  ".join(failures))
    print("postprocess inputs: outputs over inputs refused, figure formats checked first, plot_fit's points checked, "
          "mf_study's repeats refused")


if __name__ == "__main__":
    main()
