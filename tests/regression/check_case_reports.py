#!/usr/bin/python3
"""What the cases' reports say about where their figures come from, and the airfoil plots' inputs and styles
(regression.case_reports; about 2 s, Python alone: no SNAPS program runs).

    check_case_reports.py DIR

- cases/airfoil-mf/evaluate.py --retable on a copy of the committed reference (a quick run): table.md says before the
  table that the baselines' timings come from another run (the file, its machine and load), every verdict against an
  MLP names that ("met (baseline timed in another run: ...)", "training time [baseline timed in another run]"), and
  the Machine line names both runs; the same records as a full run (baselines timed in the run) carry no such note.
- bench/airfoil-mf/plot.py: each method of error_vs_hf.png has a colour, marker and line style of its own (the case's
  18 methods), the legends sit beside the panels; a missing --test stops it with one line naming the file before
  anything is written (it wrote error_vs_hf.png and table.md, then died in a traceback); a missing --scaling likewise
  (cost_vs_n.png was skipped silently).
- cases/ks-surrogate/evaluate.py: a missing long_<model>.h5 stops it with one line naming the file (the model was
  skipped silently); a summary whose solver data were reused (--reused_data) labels the solver's cost and the machine
  as the earlier run's.
"""
import contextlib
import copy
import io
import json
import os
import shutil
import sys

import matplotlib

matplotlib.use("Agg")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import script_runner  # noqa: E402

failures = []
run = script_runner.run  # (exit status, message) of a script run in this process; a traceback is a failure


def refused(what, script, args, names, out=None):
    """script args must stop with one line naming each of names; out (a directory), if given, must not exist after."""
    code, msg = run(script, *args)
    last = msg.strip().splitlines()[-1] if isinstance(msg, str) and msg.strip() else str(msg)
    if code in (0, "traceback") or not all(str(n) in last for n in names):
        failures.append("%s: exit %s, %r (expected one line naming %s)" % (what, code, str(msg)[-300:], ", ".join(map(str, names))))
    if out and os.path.exists(out) and os.listdir(out):
        failures.append("%s: wrote %s before the error" % (what, sorted(os.listdir(out))))


def airfoil_table(d):
    ev = os.path.join(ROOT, "cases", "airfoil-mf", "evaluate.py")
    with open(os.path.join(ROOT, "cases", "airfoil-mf", "reference", "results.json")) as f:
        ref = json.load(f)
    for size in ("quick", "full"):
        out = os.path.join(d, "airfoil_" + size)
        os.makedirs(out)
        r = copy.deepcopy(ref)
        r["size"] = size
        with open(os.path.join(out, "results.json"), "w") as f:
            json.dump(r, f)
        code, msg = run(ev, out, "--retable")
        if code != 0:
            failures.append("airfoil-mf --retable (%s): exit %s, %r" % (size, code, str(msg)[-300:]))
            continue
        text = open(os.path.join(out, "table.md")).read()
        verdicts = [line for line in text.splitlines() if line.startswith("  - vs mlp_")]
        met = [v for v in verdicts if v.rstrip().endswith(": met") or ": met (" in v]
        time_missed = [v for v in verdicts if "training time" in v.rsplit(": ", 1)[-1]]
        if size == "quick":
            note = "bench/results/airfoil_mf_baselines.json"
            if "come from another run" not in text or note not in text.split("| method |")[0]:
                failures.append("airfoil-mf quick table.md: the caption does not say that the baselines' timings come from "
                                "another run (%s)" % note)
            bare = [v for v in met if "met (baseline timed in another run: %s)" % note not in v]
            bare += [v for v in time_missed if "training time [baseline timed in another run]" not in v]
            if not met or bare:
                failures.append("airfoil-mf quick table.md: %d of %d verdicts judged on another run's baseline time are "
                                "not labelled so, e.g. %r" % (len(bare), len(met) + len(time_missed), (bare or [""])[0][-160:]))
            machine = [line for line in text.splitlines() if line.startswith("Machine:")]
            if not machine or "timed in another run" not in machine[0] or "load average" not in machine[0]:
                failures.append("airfoil-mf quick table.md: the Machine line does not name the baselines' run and the loads: %r" % machine)
        elif "another run" in text or not met:
            failures.append("airfoil-mf full table.md: baselines timed in the same run, yet labelled as another run's (or no met verdict)")


def airfoil_plot(d):
    plot = os.path.join(ROOT, "bench", "airfoil-mf", "plot.py")
    sys.path.insert(0, os.path.dirname(plot))
    import harness  # noqa: E402  (bench/airfoil-mf/harness.py)
    import plot as af_plot  # noqa: E402

    figures = []
    saved = harness.save_figure
    af_plot.harness.save_figure = lambda fig, path, **kw: figures.append(fig)
    try:
        with open(os.path.join(ROOT, "cases", "airfoil-mf", "reference", "results.json")) as f:
            records = json.load(f)["results"]
        af_plot.error_vs_hf(records, os.path.join(d, "unused.png"))
    finally:
        af_plot.harness.save_figure = saved
    methods = {r["method"] for r in records}
    for ax in figures[0].axes if figures else []:
        styles = {}
        for line in ax.get_lines():
            key = (matplotlib.colors.to_hex(line.get_color()), line.get_marker(), line.get_linestyle())
            styles.setdefault(key, []).append(line.get_label())
        same = [v for v in styles.values() if len(v) > 1]
        if same or len(ax.get_lines()) != len(methods):
            failures.append("airfoil error_vs_hf.png: %d lines for %d methods; drawn alike (colour, marker, line style): %s"
                            % (len(ax.get_lines()), len(methods), same))
        legend = ax.get_legend()
        if legend is None or legend.get_bbox_to_anchor().x0 < ax.get_window_extent().x1 - 1:
            failures.append("airfoil error_vs_hf.png: a panel's legend is missing or over the data")
    if not figures:
        failures.append("airfoil plot.error_vs_hf drew no figure")

    out = os.path.join(d, "afplot")
    refused("airfoil plot.py without the split's test.h5", plot, ["--test", os.path.join(d, "split", "test.h5"), "--out", out],
            [os.path.join(d, "split", "test.h5"), "harness.py split"], out)
    refused("airfoil plot.py without the scaling file", plot, ["--plots", "cost_vs_n", "--scaling", os.path.join(d, "none.json"),
                                                               "--out", out], [os.path.join(d, "none.json")], out)
    refused("airfoil plot.py, a results file missing", plot, ["--results", os.path.join(d, "absent.json"), "--out", out],
            [os.path.join(d, "absent.json")], out)


def ks_surrogate(d):
    ev = os.path.join(ROOT, "cases", "ks-surrogate", "evaluate.py")
    out = os.path.join(d, "kss")
    os.makedirs(out)
    names = ["long_truth3.h5", "long_truth3.json", "long_truth4.h5", "short_truth.h5", "train.json"]
    names += [f"{k}_{m}.{e}" for m in ("categorical", "deterministic") for k in ("long", "short") for e in ("h5",)]
    names += ["long_categorical.json", "long_deterministic.json", "short_esn.h5"]  # long_esn.h5 missing
    for n in names:
        open(os.path.join(out, n), "w").close()  # stand-ins: every input is checked before any is read
    refused("ks-surrogate evaluate.py without long_esn.h5", ev, [out], [os.path.join(out, "long_esn.h5")])

    sys.path.insert(0, os.path.dirname(ev))
    import evaluate as kse  # noqa: E402  (cases/ks-surrogate/evaluate.py)

    with open(os.path.join(ROOT, "cases", "ks-surrogate", "reference", "results.json")) as f:
        res = json.load(f)
    res["cost"]["solver"]["measured_in"] = "an earlier run (its solver data reused: REUSE_DATA=1)"
    res["solver_data_reused"] = True
    with contextlib.redirect_stdout(io.StringIO()):  # summary prints the summary too
        kse.summary(res, out)
    text = open(os.path.join(out, "summary.md")).read()
    row = [line for line in text.splitlines() if line.startswith("| solver run B vs A")]
    if not row or "earlier run" not in row[0] or "earlier run that made the solver data" not in text:
        failures.append("ks-surrogate summary.md with reused solver data: the solver's cost or the machine is not labelled "
                        "as the earlier run's: %r" % (row[0] if row else text[-300:]))


def main():
    d = os.path.abspath(sys.argv[1])
    shutil.rmtree(d, ignore_errors=True)  # this test's own scratch directory
    os.makedirs(d)
    airfoil_table(d)
    airfoil_plot(d)
    ks_surrogate(d)
    if failures:
        sys.exit("case reports:\n  " + "\n  ".join(failures))
    print("case reports: timings from another run labelled, airfoil plots' inputs and styles, ks-surrogate's inputs and cost")


if __name__ == "__main__":
    main()
