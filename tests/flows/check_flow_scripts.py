#!/usr/bin/python3
"""The flow cases' Python scripts on small made-up outputs (regression.flow_scripts; a few seconds, no solver run).

    check_flow_scripts.py DIR

cases/ks/summary.py and cases/kolmogorov/summary.py: the mode's files only (a Lyapunov or 1- vs 2-rank result left by
an earlier full run is not a quick run's), a one-member Lyapunov run (no standard error), the machine, ranks and
statistics window, Markdown tables that stay tables, one line naming the file when one is missing.
cases/kolmogorov-surrogate/augment.py: SHIFTS checked, the diagnostics kept, marked complete, nothing written on a
refusal. cases/kolmogorov-surrogate/run.sh: AUGMENT_SHIFTS augments every training run (mpirun is a stand-in that
records its arguments and fails); LATENT_MODES and ROLLOUT_DT not positive numbers refused before any program. cases/kolmogorov-surrogate/evaluate.py: --mode, --starts, --tlong and --block checked
(NaN, 0, negative; a --tlong beyond the truth, a --block longer than the runs: one line naming the file); the
quick-mode figure on one model (no empty panel, a colorbar on the fields, the error on a log axis with the diverged
rollout marked), the cost per time unit from the rollout's own length, results.json strict JSON (no NaN: the ratios to
the absent categorical model null with the reason), a short rollout on another clock refused, and --mode long with a
twin that has no bounded member (ratios null with the reason, no KeyError). cases/ks-surrogate/evaluate.py: --mode
checked; on made-up runs: --lyapunov from the truth's L (refused for an L without a known one, and 0 refused),
--short_horizon NaN refused, rollouts on another
clock or N and a --short_horizon beyond the rollouts refused with one line naming the file.
"""
import json
import os
import sys

import h5py
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "postprocess"))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import atomic  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "tests"))
import script_runner  # noqa: E402

failures = []
figures = []


def capture(fig, path, **kw):  # the figure is checked, not drawn (drawing it would take most of this test's time)
    figures.append(fig)


atomic.save_figure = capture


run = script_runner.run  # (exit status, message) of a script run in this process

def check(what, cond, detail=""):
    if not cond:
        failures.append("%s%s" % (what, ": " + str(detail) if detail else ""))


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)


def strict_json(path):
    """path's JSON, parsed strictly: NaN and Infinity, which Python writes by default but which are not JSON, raise."""
    def no_constant(c):
        raise ValueError("%s: non-standard JSON constant %s" % (path, c))
    with open(path) as f:
        return json.load(f, parse_constant=no_constant)


def table_ok(text):
    """Every table row (a line starting with |) has as many cells as its header, and no table row follows prose."""
    rows, cells, prose = text.splitlines(), None, False
    for line in rows:
        if line.startswith("|"):
            n = len(line.replace("\\|", "").strip("|").split("|"))
            if cells is None:
                cells = n
            if n != cells or prose:
                return False
        elif line.strip() and cells is not None:
            prose = True
    return True


MACHINE = {"cpu_model": "test CPU", "cores": 2}


def stats_json(path, extra):
    dump(path, dict({"field_std": 1.2, "energy_mean": 0.7, "energy_std": 0.2, "autocorrelation_time": 3.0, "members": 4,
                     "t_first": 100.0, "t_last": 1000.0, "dt_save": 0.5}, **extra))


def summaries(d):
    ks = os.path.join(ROOT, "cases", "ks", "summary.py")
    o = os.path.join(d, "ks")
    os.makedirs(o, exist_ok=True)
    code, msg = run(ks, o, "quick")
    check("ks summary.py on an empty directory: one line naming ks22_stats.json", code == 1 and "ks22_stats.json" in str(msg), (code, msg))
    stats_json(os.path.join(o, "ks22_stats.json"), {})
    dump(os.path.join(o, "ks22.json"), {"ranks": 2, "machine": MACHINE})
    dump(os.path.join(o, "lyapunov22.json"), {"lyapunov_exponent": 0.05, "lyapunov_stderr": None, "lyapunov_members": [0.05],
                                              "lyapunov_time_per_member": 1000})
    dump(os.path.join(o, "lyapunov100.json"), {"lyapunov_exponent": 0.09, "lyapunov_stderr": 0.001, "lyapunov_members": [0.09] * 8,
                                               "lyapunov_time_per_member": 2000})  # left by an earlier full run
    code, msg = run(ks, o, "quick")
    check("ks summary.py, a one-member Lyapunov run", code == 0, (code, msg))
    if code == 0:
        md = open(os.path.join(o, "summary.md")).read()
        check("ks summary.md of a quick run shows the L = 100 result of an earlier full run", "L = 100" not in md, md)
        check("ks summary.md: no machine, ranks and statistics window", "test CPU" in md and "2 ranks" in md and "[100, 1000]" in md, md)
        check("ks summary.md: a broken table", table_ok(md), md)
        check("ks summary.md: the one-member run's missing standard error", "no standard error" in md, md)
    code, msg = run(ks, o, "full")
    check("ks summary.py full", code == 0 and "L = 100" in open(os.path.join(o, "summary.md")).read() and table_ok(open(os.path.join(o, "summary.md")).read()),
          (code, msg))

    kol = os.path.join(ROOT, "cases", "kolmogorov", "summary.py")
    o = os.path.join(d, "kolmogorov")
    os.makedirs(o, exist_ok=True)
    stats_json(os.path.join(o, "kolmogorov_stats.json"), {"enstrophy_mean": 4.0, "dissipation_mean": 0.3, "energy_input_mean": 0.3, "members": 1})
    dump(os.path.join(o, "kolmogorov.json"), {"T": 300, "ranks": 2, "wall_time_s": 10.0, "machine": MACHINE})
    dump(os.path.join(o, "lyapunov.json"), {"lyapunov_exponent": 0.12, "lyapunov_stderr": 0.01, "lyapunov_members": [0.1] * 4,
                                            "lyapunov_time_per_member": 500})  # left by an earlier full run, as these:
    for n in (1, 2):
        for r in (1, 2, 3):
            dump(os.path.join(o, "ranks%d_%d.json" % (n, r)), {"wall_time_s": 3.0 / n})
    code, msg = run(kol, o, "quick")
    check("kolmogorov summary.py quick", code == 0, (code, msg))
    if code == 0:
        md = open(os.path.join(o, "summary.md")).read()
        check("kolmogorov summary.md of a quick run shows an earlier full run's results", "Lyapunov" not in md and "1 rank / 2 ranks" not in md, md)
        check("kolmogorov summary.md: a broken table (an unescaped | in a cell)", table_ok(md), md)
        check("kolmogorov summary.md: no machine, ranks and statistics window", "test CPU" in md and "2 ranks" in md and "[100, 1000]" in md, md)
        check("kolmogorov summary.json: the figures' names as they are", "mean energy <|u|^2>/2" in json.load(open(os.path.join(o, "summary.json")))["figures"])
    code, msg = run(kol, o, "full")
    check("kolmogorov summary.py full", code == 0 and "1 rank / 2 ranks" in open(os.path.join(o, "summary.md")).read(), (code, msg))
    # flow_stats.py's autocorrelation time: null for a field that does not change, a lower bound without a zero crossing
    for extra, want in (({"autocorrelation_time": None, "autocorrelation_crosses_zero": None}, "| autocorrelation time of w (undefined: w does not change in time) | - |"),
                        ({"autocorrelation_crosses_zero": False}, "| autocorrelation time of w (a lower bound: no zero crossing within the window) | 3 |")):
        stats_json(os.path.join(o, "kolmogorov_stats.json"), dict({"enstrophy_mean": 4.0, "dissipation_mean": 0.3, "energy_input_mean": 0.3, "members": 1}, **extra))
        code, msg = run(kol, o, "quick")
        check("kolmogorov summary.py, autocorrelation %s" % extra, code == 0 and want in open(os.path.join(o, "summary.md")).read(), (code, msg))


def trajectory(path, t, w, complete=1, diagnostics=True):
    with h5py.File(path, "w") as f:
        f.attrs.update({"equation": np.bytes_("kolmogorov"), "field": np.bytes_("w"), "complete": complete, "members": w.shape[1]})
        f["time"], f["w"] = t, w
        if diagnostics:
            f["diagnostics/energy"] = np.abs(w).mean(axis=(2, 3))
    return path


def field(t, members=1, n=8, seed=0, rate=0.0):
    """A smooth 2-D field, time x member x n x n, moving in x; its error growing at rate (for a forecast)."""
    x = np.linspace(0, 2 * np.pi, n, endpoint=False)
    rng = np.random.default_rng(seed)
    w = np.empty((t.size, members, n, n))
    for m in range(members):
        ph = rng.uniform(0, 2 * np.pi, 3)
        w[:, m] = (np.sin(x[None, None, :] - 0.3 * t[:, None, None] + ph[0]) * np.cos(x[None, :, None] + ph[1])
                   + 0.5 * np.sin(2 * x[None, :, None] + 0.7 * t[:, None, None] + ph[2])) * 3
    return w + rate * t[:, None, None, None] * np.sin(3 * x)[None, None, None, :]


def augment(d):
    aug = os.path.join(ROOT, "cases", "kolmogorov-surrogate", "augment.py")
    t = np.arange(10) * 0.1
    src = trajectory(os.path.join(d, "train.h5"), t, field(t, 2))
    for bad in ("0", "x"):
        dst = os.path.join(d, "aug_%s.h5" % bad)
        code, msg = run(aug, src, dst, bad)
        check("augment.py SHIFTS %s: refused with the usage, nothing written" % bad, code == 2 and "SHIFTS" in msg and not os.path.exists(dst), (code, msg))
    part = trajectory(os.path.join(d, "partial.h5"), t, field(t, 2), complete=0)
    dst = os.path.join(d, "aug_partial.h5")
    code, msg = run(aug, part, dst, "4")
    check("augment.py on an incomplete trajectory: refused, nothing written", code == 1 and part in str(msg) and not os.path.exists(dst), (code, msg))
    dst = os.path.join(d, "aug.h5")
    code, msg = run(aug, src, dst, "4")
    check("augment.py SHIFTS 4", code == 0, (code, msg))
    if code == 0:
        with h5py.File(src, "r") as a, h5py.File(dst, "r") as b:
            check("augment.py: members", b["w"].shape[1] == 8 and b.attrs["members"] == 8, b["w"].shape)
            check("augment.py: the second copy shifted by N/4", np.array_equal(b["w"][:, 2:4], np.roll(a["w"][:], 2, axis=-1)))
            check("augment.py: /diagnostics kept, one column per member", "diagnostics" in b and b["diagnostics/energy"].shape == (10, 8))
            check("augment.py: marked complete", b.attrs.get("complete") == 1)


def augment_every_run(d):
    """run.sh with AUGMENT_SHIFTS=2 and the quick mode's data reused (REUSE_DATA=1, its stamp): both training runs
    augmented and given to snaps-rollout-fit (the stand-in mpirun records its arguments, then fails)."""
    o = os.path.join(d, "kolmogorov-surrogate")
    os.makedirs(o, exist_ok=True)
    t = np.arange(10) * 0.1
    for name in ("train.h5", "train2.h5", "truth_a.h5", "truth_b.h5"):
        trajectory(os.path.join(o, name), t, field(t))
    with open(os.path.join(o, "data.stamp"), "w") as f:  # run.sh's quick-mode stamp for the Fourier latent
        f.write("mode=quick latent=fourier train=1 x (230, 630) every 0.1 seeds 1 2; truth=1 x 200 every 0.5 seeds 3 4\n")
    stub = os.path.join(d, "stub")
    script_runner.executable(os.path.join(stub, "mpirun"),
                             "#!/bin/sh\necho \"$@\" >> '%s/mpirun.args'\nexit 97\n" % d)  # quoted: d may hold a space
    rc, out, err = script_runner.call(["bash", os.path.join(ROOT, "cases", "kolmogorov-surrogate", "run.sh"), o, "quick"],
                                      env={"REUSE_DATA": "1", "AUGMENT_SHIFTS": "2"}, stub=stub)
    args = open(os.path.join(d, "mpirun.args")).read() if os.path.exists(os.path.join(d, "mpirun.args")) else ""
    want = "-trajectories %s/train_augmented.h5,%s/train2_augmented.h5 " % (o, o)
    check("kolmogorov-surrogate run.sh AUGMENT_SHIFTS=2: both training runs augmented for the fit", "reusing" in out and want in args,
          "stdout %r, mpirun %r" % (out[-300:], args[-300:]))


def env_values(d):
    """(s26 roll) kolmogorov-surrogate run.sh: LATENT_MODES and ROLLOUT_DT that are not positive numbers refused (exit
    2, naming the variable) before any program runs; they reached snaps-rollout-fit only after minutes of solver data."""
    stub = os.path.join(d, "stub_env")
    log = os.path.join(d, "env_mpirun.args")
    script_runner.executable(os.path.join(stub, "mpirun"), "#!/bin/sh\necho \"$@\" >> '%s'\nexit 97\n" % log)
    for name, value in (("LATENT_MODES", "abc"), ("ROLLOUT_DT", "-0.1")):
        rc, out, err = script_runner.call(["bash", os.path.join(ROOT, "cases", "kolmogorov-surrogate", "run.sh"), os.path.join(d, "env_out"), "long"],
                                          env={name: value}, stub=stub)
        check("kolmogorov-surrogate run.sh %s=%s: refused before any program" % (name, value),
              rc == 2 and "%s must be a positive" % name in err and not os.path.exists(log), (rc, err[-300:], os.path.exists(log)))


def evaluate(d):
    ev = os.path.join(ROOT, "cases", "kolmogorov-surrogate", "evaluate.py")
    o = os.path.join(d, "kol-evaluate")
    os.makedirs(o, exist_ok=True)
    for args, what in (([o, "--starts", "40", "--mode", "bogus"], "--mode bogus"), ([o], "no --starts"),
                       ([o, "--starts", "40", "--block", "100"], "--block without --mode long")):
        code, msg = run(ev, *args)
        check("kolmogorov-surrogate evaluate.py %s: refused with the usage" % what, code == 2 and "usage" in str(msg), (code, str(msg)[-200:]))
    ks = os.path.join(ROOT, "cases", "ks-surrogate", "evaluate.py")
    code, msg = run(ks, o, "--mode", "bogus")
    check("ks-surrogate evaluate.py --mode bogus: refused with the usage", code == 2 and "usage" in str(msg), (code, str(msg)[-200:]))

    # quick mode, the Fourier latent's one model: truth A from t = 30 to 90, B to 60, long rollouts of 20 time units
    # (the JSON's T; no --tlong), short ones of 40 from t = 40, one of which leaves the bound at t0 + 20
    ta, tb, tr = 30 + np.arange(121) * 0.5, 30 + np.arange(61) * 0.5, np.arange(81) * 0.5
    trajectory(os.path.join(o, "truth_a.h5"), ta, field(ta, seed=1))
    trajectory(os.path.join(o, "truth_b.h5"), tb, field(tb, seed=2))
    dump(os.path.join(o, "truth_a.json"), {"ensemble": 1, "T": 90, "wall_time_s": 9.0, "ranks": 2, "machine": MACHINE})
    dump(os.path.join(o, "train.json"), {"machine": MACHINE})
    tl = np.arange(41) * 0.5
    trajectory(os.path.join(o, "long_deterministic.h5"), tl, field(tl, seed=1))
    dump(os.path.join(o, "long_deterministic.json"), {"T": 20, "wall_time_s": 0.02, "ranks": 2})
    short = field(40 + tr, seed=1, rate=0.05)
    short[40:] = np.inf  # diverged at t0 + 20
    trajectory(os.path.join(o, "short_deterministic_40.h5"), tr, short)
    figures.clear()
    code, msg = run(ev, o, "--starts", "40")
    check("kolmogorov-surrogate evaluate.py, quick mode on made-up runs", code == 0, (code, str(msg)[-300:]))
    if code == 0 and figures:
        try:
            res = strict_json(os.path.join(o, "results.json"))
        except ValueError as e:  # the one-model run's ratios against the absent categorical model were NaN
            check("evaluate.py's results.json: strict JSON", False, e)
            res = json.load(open(os.path.join(o, "results.json")))
        tg = res["targets"]
        check("evaluate.py, one model: the ratios to the absent categorical model null, with the reason",
              tg.get("ratio deterministic/categorical W1", 0) is None and "no categorical" in tg.get("ratios undefined", ""), tg)
        cost = res["cost"]["deterministic"]
        check("evaluate.py: the cost per member per time unit divides by the rollout's own length (20)",
              abs(cost["per_member_per_time_unit_s"] - 0.02 / 20) < 1e-12, cost)
        fig = figures[-1]
        panels = [a for a in fig.axes if a.get_label() != "<colorbar>"]
        empty = [a.get_title() for a in panels if not (a.lines or a.images or a.collections)]
        check("evaluate.py's figure: empty panels", not empty, empty)
        check("evaluate.py's figure: no colorbar for the vorticity fields", any(a.get_label() == "<colorbar>" for a in fig.axes))
        err = [a for a in panels if "RMSE" in a.get_ylabel()]
        check("evaluate.py's figure: the error panel on a log axis", err and err[0].get_yscale() == "log")
        check("evaluate.py's figure: the diverged rollout marked", err and any("diverged" in line.get_label() for line in err[0].lines),
              [line.get_label() for line in err[0].lines] if err else None)

    # (s26 roll) --tlong NaN or negative took no saved time of the truth (a numpy traceback); one beyond the truth (60
    # time units after t = 30) was reported as time_units_pooled_truth 1000 that the runs do not hold
    for bad in ("nan", "-5"):
        code, msg = run(ev, o, "--starts", "40", "--tlong", bad)
        check("kolmogorov-surrogate evaluate.py --tlong %s: refused with the usage, naming it" % bad,
              code == 2 and "--tlong %s: give a positive finite" % bad in str(msg), (code, str(msg)[-300:]))
    code, msg = run(ev, o, "--starts", "40", "--tlong", "1000")
    check("kolmogorov-surrogate evaluate.py --tlong 1000 beyond the truth's 60: refused naming the file and both",
          code == 1 and "truth_a.h5: covers 60 time units" in str(msg) and "1000 (--tlong)" in str(msg), (code, str(msg)[-300:]))

    # a short rollout saved every 1.0 against the truth's 0.5: refused, naming the file and both intervals (it used to
    # be scored row by row as if saved every 0.5, or crash in numpy)
    bad = os.path.join(o, "short_deterministic_40.h5")
    trajectory(bad, tr[::2], short[::2])
    code, msg = run(ev, o, "--starts", "40")
    check("kolmogorov-surrogate evaluate.py, a short rollout saved every 1 against the truth's 0.5: refused naming both",
          code == 1 and bad in str(msg) and "every 1 " in str(msg) and "every 0.5" in str(msg), (code, str(msg)[-300:]))

    # --mode long where every member of the twin left the bound (its figures, and the ratios to it, undefined)
    o = os.path.join(d, "kol-evaluate-long")
    os.makedirs(o, exist_ok=True)
    trajectory(os.path.join(o, "truth_a.h5"), ta, field(ta, seed=1))
    trajectory(os.path.join(o, "truth_b.h5"), ta, field(ta, seed=2))
    dump(os.path.join(o, "truth_a.json"), {"ensemble": 1, "T": 90, "wall_time_s": 9.0, "ranks": 2, "machine": MACHINE})
    tl = np.arange(121) * 0.5
    trajectory(os.path.join(o, "long_categorical.h5"), tl, field(tl, seed=3))
    bad = field(tl, seed=4)
    bad[60:] = np.inf
    trajectory(os.path.join(o, "long_deterministic.h5"), tl, bad)
    for n in ("categorical", "deterministic"):
        dump(os.path.join(o, "long_%s.json" % n), {"T": 60, "wall_time_s": 0.06, "ranks": 2})
    # (s26 roll) --block 0 divided by zero, and a block longer than the runs (60.5 time units) left none to resample:
    # tracebacks
    code, msg = run(ev, o, "--starts", "40", "--mode", "long", "--block", "0")
    check("kolmogorov-surrogate evaluate.py --block 0: refused with the usage, naming it",
          code == 2 and "--block 0: give a positive finite" in str(msg), (code, str(msg)[-300:]))
    code, msg = run(ev, o, "--starts", "40", "--mode", "long", "--block", "100")
    check("kolmogorov-surrogate evaluate.py --block 100, runs of 60.5: refused naming the file and the block",
          code == 1 and "truth_a.h5: 121 saved times every 0.5 per member hold no block of --block 100" in str(msg), (code, str(msg)[-300:]))
    code, msg = run(ev, o, "--starts", "40", "--mode", "long", "--block", "10")
    check("kolmogorov-surrogate evaluate.py --mode long, the twin with no bounded member", code == 0, (code, str(msg)[-300:]))
    if code == 0:
        c = strict_json(os.path.join(o, "results.json"))["long_horizon"]["categorical"]
        check("evaluate.py --mode long: the ratios to a twin with no bounded member null, with the reason",
              c.get("ratios deterministic / this", {}).get("w1_over_std", 0) is None and "no bounded member" in c.get("ratios undefined", ""), c)
        md = open(os.path.join(o, "summary.md")).read()
        check("evaluate.py --mode long: the summary says the ratios are undefined", "w1_over_std undefined" in md, md)


def ks_trajectory(path, t, u, L):
    with h5py.File(path, "w") as f:
        f.attrs.update({"equation": np.bytes_("ks"), "field": np.bytes_("u"), "complete": 1, "members": u.shape[1], "L": L})
        f["time"], f["u"] = t, u
    return path


def ks_wave(t, members, n=16, seed=0):
    """A smooth 1-D field, time x member x n, travelling and changing in time."""
    x = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ph = np.random.default_rng(seed).uniform(0, 2 * np.pi, (members, 2))
    return np.stack([np.sin(x[None] - 0.4 * t[:, None] + p[0]) + 0.5 * np.cos(2 * x[None] + 0.9 * t[:, None] + p[1]) for p in ph], axis=1)


def ks_evaluate(d):
    """cases/ks-surrogate/evaluate.py on made-up runs: --lyapunov from the truth's L, and rollouts on another grid or
    a --short_horizon longer than the rollouts refused with one line naming the file."""
    ev = os.path.join(ROOT, "cases", "ks-surrogate", "evaluate.py")
    o = os.path.join(d, "ks-evaluate")
    os.makedirs(o, exist_ok=True)
    dt, L = 0.5, 22.0
    tt = 100 + np.arange(121) * dt  # 60 time units from t0 = 100
    ks_trajectory(os.path.join(o, "long_truth3.h5"), tt, ks_wave(tt, 2, seed=1), L)
    ks_trajectory(os.path.join(o, "long_truth4.h5"), tt, ks_wave(tt, 2, seed=2), L)
    ks_trajectory(os.path.join(o, "short_truth.h5"), tt[:41], ks_wave(tt[:41], 2, seed=3), L)
    dump(os.path.join(o, "long_truth3.json"), {"wall_time_s": 1.0, "ensemble": 2, "T": 60})
    dump(os.path.join(o, "train.json"), {"machine": MACHINE})
    tr = np.arange(121) * dt

    def esn(t):  # the ESN's long rollout: its wall time an attribute
        with h5py.File(ks_trajectory(os.path.join(o, "long_esn.h5"), t, ks_wave(t, 2, seed=4), L), "a") as f:
            f.attrs["wall_time_s"] = 0.1
        return os.path.join(o, "long_esn.h5")
    for n in ("categorical", "deterministic", "esn"):
        ks_trajectory(os.path.join(o, "long_%s.h5" % n), tr, ks_wave(tr, 2, seed=4), L)
        ks_trajectory(os.path.join(o, "short_%s.h5" % n), tr[:41], ks_wave(tr[:41], 2, seed=5), L)
        if n != "esn":
            dump(os.path.join(o, "long_%s.json" % n), {"wall_time_s": 0.1})
    esn(tr)
    code, msg = run(ev, o, "--short_horizon", "20")
    check("ks-surrogate evaluate.py on made-up runs (L = 22, no --lyapunov)", code == 0, (code, str(msg)[-300:]))
    if code == 0:
        res = strict_json(os.path.join(o, "results.json"))
        check("ks-surrogate evaluate.py, L = 22: lambda 0.048 by default", res["lambda"] == 0.048, res["lambda"])
    # (s26 roll) --lyapunov 0 (or negative) reported every time in Lyapunov times as 0, NaN crashed after results.json;
    # --short_horizon NaN was said to be an empty short_truth.h5
    for args, want in ((("--lyapunov", "0", "--short_horizon", "20"), "--lyapunov 0: give the leading Lyapunov exponent, positive and finite"),
                       (("--short_horizon", "nan"), "--short_horizon nan: give a positive finite length")):
        code, msg = run(ev, o, *args)
        check("ks-surrogate evaluate.py %s: refused with the usage, naming it" % " ".join(args), code == 2 and want in str(msg),
              (code, str(msg)[-300:]))
    code, msg = run(ev, o, "--short_horizon", "30")
    check("ks-surrogate evaluate.py --short_horizon 30, rollouts of 20: refused naming the file",
          code == 1 and "short_truth.h5" in str(msg) and "20" in str(msg), (code, str(msg)[-300:]))
    bad = ks_trajectory(os.path.join(o, "short_deterministic.h5"), tr[:41], ks_wave(tr[:41], 2, n=32, seed=5), L)
    code, msg = run(ev, o, "--short_horizon", "20")
    check("ks-surrogate evaluate.py, a short rollout with N = 32 against the truth's 16: refused naming the file and both",
          code == 1 and bad in str(msg) and "32" in str(msg) and "16" in str(msg), (code, str(msg)[-300:]))
    ks_trajectory(bad, tr[:41], ks_wave(tr[:41], 2, seed=5), L)
    bad = esn(tr[::2])
    code, msg = run(ev, o, "--short_horizon", "20")
    check("ks-surrogate evaluate.py, a long rollout saved every 1 against the truth's 0.5: refused naming the file and both",
          code == 1 and bad in str(msg) and "every 1 " in str(msg) and "every 0.5" in str(msg), (code, str(msg)[-300:]))
    esn(tr)
    for n in ("long_truth3.h5", "long_truth4.h5", "short_truth.h5"):  # L = 50: no known Lyapunov exponent
        with h5py.File(os.path.join(o, n), "a") as f:
            f.attrs["L"] = 50.0
    code, msg = run(ev, o, "--short_horizon", "20")
    check("ks-surrogate evaluate.py, L = 50 without --lyapunov: refused naming L and the option",
          code == 2 and "L = 50" in str(msg) and "--lyapunov" in str(msg), (code, str(msg)[-300:]))


def main():
    d = script_runner.scratch(sys.argv[1])  # this test's own scratch directory: nothing of an earlier run
    summaries(d)
    augment(d)
    augment_every_run(d)
    env_values(d)
    evaluate(d)
    ks_evaluate(d)
    if failures:
        sys.exit("flow case scripts:\n  " + "\n  ".join(failures))
    print("flow case scripts: summaries, augment.py, evaluate.py checked")


if __name__ == "__main__":
    main()
