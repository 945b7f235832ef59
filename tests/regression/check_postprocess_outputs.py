#!/usr/bin/python3
"""regression.postprocess_outputs: what postprocess/ writes, and the figures it reports (audit s22 of postprocess/).

    check_postprocess_outputs.py DIR

- atomic.py keeps what the C programs keep (plugins/io/report.c, SNAPSMoveIntoPlace): a character device (a mknod'd
  null device, where this user may make one) stays a device and is written into; a symbolic link stays a link and its
  target gets the new content; a file of mode 600 keeps it; a FIFO is refused (one line naming it), not replaced.
- flow_stats.py's autocorrelation time on a short AR(1) record (tau = 20 exactly, 20 tau long): within 15% of 20, or
  flagged (a lower bound, or a note that the record is short); the former estimator (each point's own time mean
  removed) gave 14.7 as exact. record_over_tau is written; --acf_window is honoured; the autocorrelation stays in
  [-1, 1] on a record of 11 saved times.
- flow_stats.py refuses a malformed trajectory in one line naming the file (no traceback, no silently wrong figure):
  /time of another length than the field, a field without a member axis, /time decreasing or not uniform, no
  members, a group in /diagnostics, a diagnostic of another length.
- flow_stats.py's plot: no PDF point below the smallest non-empty bin; an all-zero field's spectrum says E(k) = 0; the
  default label is the file's name.
- plot_fit.py: truth and prediction on one colour scale; the stop reason in summary.md and the title, an iteration
  cap said to be no convergence; a null figure in fit.json refused before any output is written.
- plot_guess.py's legends cover no data point (the committed parametric-poisson results); plot_aion.py's near-start
  panels have a zoomed inset.
- mf_study.options refuses --tag with a '/' before any work.
"""
import json
import os
import shutil
import stat
import sys

import h5py
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PP = os.path.join(ROOT, "postprocess")
sys.path.insert(0, PP)
sys.path.insert(0, os.path.join(ROOT, "tests"))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import atomic  # noqa: E402
import script_runner  # noqa: E402

failures = []
figures = []
_save = atomic.save_figure


def capture(fig, path, **kw):  # the figure kept for its checks; a file written so that the script's flow is unchanged
    atomic.write_text(path, "")
    figures.append(fig)


def refused(what, script, args, names):
    code, msg = script_runner.run(script, *args)
    last = msg.strip().splitlines()[-1] if msg.strip() else ""
    if code in (0, "traceback") or not all(str(n) in last for n in names):
        failures.append("%s: exit %s, %r (expected a one-line error naming %s)" % (what, code, msg.strip()[-300:], ", ".join(map(str, names))))


def ok(what, script, *args):
    code, msg = script_runner.run(script, *args)
    if code != 0:
        failures.append("%s: exit %s, %r" % (what, code, msg.strip()[-300:]))
    return code == 0, msg


def check_atomic(d):
    dev = os.path.join(d, "mynull")
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        dev = None
        print("atomic: no mknod here (not root): the device check is left out")
    if dev:
        try:
            atomic.write_json(dev, {"a": 1})
            if not stat.S_ISCHR(os.lstat(dev).st_mode):
                failures.append("atomic.write_json replaced the character device %s by a regular file" % dev)
        except SystemExit as e:
            failures.append("atomic.write_json into a character device: refused (%s): it must be written into" % e.code)
        if [f for f in os.listdir(d) if ".tmp" in f]:
            failures.append("atomic: temporary files left beside the device: %s" % os.listdir(d))
    os.makedirs(os.path.join(d, "store"))
    real = os.path.join(d, "store", "real.json")
    atomic.write_text(real, "old")
    link = os.path.join(d, "link.json")
    os.symlink(os.path.join("store", "real.json"), link)  # relative: taken in the link's directory
    atomic.write_json(link, {"new": 1})
    if not os.path.islink(link):
        failures.append("atomic.write_json replaced the symbolic link %s by a regular file" % link)
    with open(real) as f:
        if "new" not in f.read():
            failures.append("atomic.write_json through a symbolic link left its target %s with the old content" % real)
    perm = os.path.join(d, "perm.json")
    atomic.write_text(perm, "x")
    os.chmod(perm, 0o600)
    atomic.write_text(perm, "y")
    if stat.S_IMODE(os.stat(perm).st_mode) != 0o600:
        failures.append("atomic.write_text changed a mode-600 file to %o" % stat.S_IMODE(os.stat(perm).st_mode))
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    try:
        atomic.write_text(fifo, "x")  # opening it to write would block: the writer must refuse it before
        failures.append("atomic.write_text replaced the FIFO %s (or wrote into it)" % fifo)
    except SystemExit as e:
        if fifo not in str(e.code):
            failures.append("atomic.write_text into a FIFO: %r does not name it" % e.code)
    if not stat.S_ISFIFO(os.lstat(fifo).st_mode):
        failures.append("atomic.write_text: the FIFO %s is gone" % fifo)


def write_traj(path, t, u, diag=None, members_axis=True):
    with h5py.File(path, "w") as f:
        f.attrs.update({"equation": np.bytes_("kuramoto-sivashinsky"), "field": np.bytes_("u"), "complete": 1, "L": 22.0})
        f["time"], f["u"] = t, u
        if diag is not None:
            f["diagnostics/energy"] = diag
    return path


def ar1(rng, n, dt, tau, members, points):
    a = np.exp(-dt / tau)
    x = np.empty((n, members, points))
    x[0] = rng.standard_normal((members, points))
    e = rng.standard_normal((n, members, points)) * np.sqrt(1 - a * a)
    for i in range(1, n):
        x[i] = a * x[i - 1] + e[i]
    return x


def check_flow_stats(d):
    import flow_stats  # its tau_text: the autocorrelation time as printed

    fs = os.path.join(PP, "flow_stats.py")
    rng = np.random.default_rng(1)
    dt, tau = 0.5, 20.0
    # 400 time units: 20 tau (the former estimator: 14.7, crossing zero, printed as exact)
    t = np.arange(801) * dt
    p = write_traj(os.path.join(d, "ar1.h5"), t, ar1(rng, t.size, dt, tau, 8, 64), np.ones((t.size, 8)))
    js = os.path.join(d, "ar1.json")
    if ok("flow_stats, AR(1) of 400 time units", fs, p, "--json", js)[0]:
        s = json.load(open(js))
        got = s["autocorrelation_time"]
        flagged = not s["autocorrelation_crosses_zero"] or "autocorrelation_note" in s
        print("flow_stats AR(1) tau 20, 400 time units: %.3g, crosses zero %s, note %r" % (got, s["autocorrelation_crosses_zero"], s.get("autocorrelation_note")))
        if abs(got - tau) > 0.15 * tau:
            failures.append("flow_stats: AR(1) autocorrelation time %.3g on 400 time units, exact 20 (more than 15%% off)" % got)
        if not flagged:
            failures.append("flow_stats: a 20-tau record's autocorrelation time is given with no note that the record is short")
        if not s.get("record_over_tau") or abs(s["record_over_tau"] - 400 / got) > 1e-6 * 400 / got:
            failures.append("flow_stats: record_over_tau %r, expected 400 / tau" % s.get("record_over_tau"))
    # 80 time units: 4 tau (former: 7.3, exact): within 25% or flagged a lower bound
    t80 = np.arange(161) * dt
    p80 = write_traj(os.path.join(d, "ar1_80.h5"), t80, ar1(rng, t80.size, dt, tau, 8, 64))
    js80 = os.path.join(d, "ar1_80.json")
    if ok("flow_stats, AR(1) of 80 time units", fs, p80, "--json", js80)[0]:
        s = json.load(open(js80))
        got = s["autocorrelation_time"]
        if s["autocorrelation_crosses_zero"] and abs(got - tau) > 0.25 * tau:
            failures.append("flow_stats: AR(1) autocorrelation time %.3g on 80 time units (exact 20) given as to the first zero, "
                            "not as a lower bound" % got)
        if s["autocorrelation_crosses_zero"] and "autocorrelation_note" not in s:
            failures.append("flow_stats: a 4-tau record's autocorrelation time carries no note")
        if s["autocorrelation_lag"][-1] > 20 + 1e-9:
            failures.append("flow_stats: lags to %g on an 80-unit record (at most a quarter: 20)" % s["autocorrelation_lag"][-1])
    # --acf_window
    jw = os.path.join(d, "w.json")
    if ok("flow_stats --acf_window 30", fs, p, "--acf_window", "30", "--json", jw)[0]:
        lag = json.load(open(jw))["autocorrelation_lag"]
        if abs(lag[-1] - 30) > 1e-9:
            failures.append("flow_stats --acf_window 30: lags to %g" % lag[-1])
    refused("flow_stats --acf_window 0", fs, [p, "--acf_window", "0"], ["--acf_window"])
    # below one save interval: lag 0 alone gave "autocorrelation time >= 0 (a lower bound)" (review s22b, 3)
    refused("flow_stats --acf_window below the save interval", fs, [p, "--acf_window", "%g" % (dt / 4)],
            ["--acf_window", "shorter than the save interval"])
    # too few lags for an integral time (review s22c, 2): 4 saved times (a quarter of the record is 0 lags), or a window
    # of one lag: gave ">= 0 (a lower bound)" advising a wider --acf_window; now null with a note saying why
    short = {"4 saved times": (np.arange(4.0), [], "saved times"),
             "--acf_window of one lag": (t, ["--acf_window", "%g" % (1.5 * dt)], "--acf_window")}
    for what, (ts, args, names) in short.items():
        u_ = ar1(rng, ts.size, dt, tau, 2, 16)
        ps = write_traj(os.path.join(d, "short.h5"), ts, u_)
        jss = os.path.join(d, "short.json")
        good = ok("flow_stats, " + what, fs, ps, "--json", jss, *args)[0]
        if good:
            s = json.load(open(jss))
            note = s.get("autocorrelation_note", "")
            printed = flow_stats.tau_text(s)
            if s["autocorrelation_time"] is not None or names not in note or names not in printed:
                failures.append("flow_stats, %s: autocorrelation_time %r, note %r, printed %r (expected null and a note "
                                "naming %s)" % (what, s["autocorrelation_time"], note, printed, names))
    # the autocorrelation <= 0 at the first lag (the save interval longer than the correlation time): the integral time
    # came out 0, printed as a measured value with no note; now null with a note naming the save interval
    t40 = np.arange(40.0)
    u40 = (-1.0) ** np.arange(40)[:, None, None] * (1 + 0.1 * rng.standard_normal((40, 2, 16)))
    p40 = write_traj(os.path.join(d, "alternating.h5"), t40, u40)
    j40 = os.path.join(d, "alternating.json")
    good = ok("flow_stats, autocorrelation <= 0 at the first lag", fs, p40, "--json", j40)[0]
    if good:
        s = json.load(open(j40))
        note = s.get("autocorrelation_note", "")
        printed = flow_stats.tau_text(s)
        if s["autocorrelation_time"] is not None or "save interval" not in note or "save interval" not in printed:
            failures.append("flow_stats, autocorrelation <= 0 at the first lag: autocorrelation_time %r, note %r, printed "
                            "%r (expected null and a note naming the save interval)" % (s["autocorrelation_time"], note, printed))
    # 11 saved times: the autocorrelation within [-1, 1] (it reached -2.4: lag 10 of 11 samples, one product)
    t11 = np.arange(11) * 0.5
    u11 = np.sin(np.add.outer(0.7 * t11, np.linspace(0, 2 * np.pi, 16, endpoint=False)))[:, None, :] + 0.3 * rng.standard_normal((11, 1, 16))
    p11 = write_traj(os.path.join(d, "tiny.h5"), t11, u11)
    j11 = os.path.join(d, "tiny.json")
    figures.clear()
    if ok("flow_stats, 11 saved times", fs, p11, "--json", j11, "--png", os.path.join(d, "tiny.png"))[0]:
        c = np.array(json.load(open(j11))["autocorrelation"])
        if np.abs(c).max() > 1 + 1e-9:
            failures.append("flow_stats: the normalised autocorrelation reaches %.3g on 11 saved times" % c[np.argmax(np.abs(c))])
        if figures:
            fig = figures[-1]
            if "tiny.h5" not in (fig._suptitle.get_text() if fig._suptitle else ""):
                failures.append("flow_stats: without --label the title does not name the file (%r)" % fig._suptitle.get_text())
            pdf_ax = [a for a in fig.axes if a.get_ylabel() == "PDF"]
            if pdf_ax:
                y = np.concatenate([np.asarray(line.get_ydata(), float) for line in pdf_ax[0].lines])
                pos = np.asarray(json.load(open(j11))["pdf"], float)
                pos = pos[pos > 0]
                if np.nanmin(y) < pos.min() * (1 - 1e-9):
                    failures.append("flow_stats: the PDF is drawn down to %.3g, below its smallest non-empty bin %.3g (empty bins as spikes)"
                                    % (np.nanmin(y), pos.min()))
    # an all-zero field: the spectrum panel says E(k) = 0
    t4 = np.arange(4.0)
    pz = write_traj(os.path.join(d, "zero.h5"), t4, np.zeros((4, 1, 16)))
    figures.clear()
    if ok("flow_stats, u = 0", fs, pz, "--png", os.path.join(d, "zero.png"))[0] and figures:
        txt = [t.get_text() for a in figures[-1].axes for t in a.texts]
        if not any("E(k) = 0" in t for t in txt):
            failures.append("flow_stats: an all-zero spectrum is not said to be zero (texts %r)" % txt)
    # malformed layouts: one line naming the file
    good_t, good_u = np.arange(11) * 0.5, rng.standard_normal((11, 2, 16))
    bad = {
        "time_long": (np.arange(20) * 0.5, good_u, None),
        "no_member_axis": (good_t, good_u[:, 0], None),
        "time_decreasing": (good_t[::-1].copy(), good_u, None),
        "time_nonuniform": (np.where(np.arange(11) >= 5, good_t + 3, good_t), good_u, None),
        "zero_members": (good_t, np.zeros((11, 0, 16)), None),
        "diag_short": (good_t, good_u, np.ones((5, 2))),
    }
    for name, (t_, u_, dg) in bad.items():
        pb = write_traj(os.path.join(d, "bad_%s.h5" % name), t_, u_, dg)
        refused("flow_stats, " + name, fs, [pb], [pb])
    pg = write_traj(os.path.join(d, "bad_diag_group.h5"), good_t, good_u)
    with h5py.File(pg, "a") as f:
        f["diagnostics/sub/x"] = np.ones(11)
    refused("flow_stats, a group in /diagnostics", fs, [pg], [pg])


def fit_case(d, fit_extra=None, half=False):
    os.makedirs(d, exist_ok=True)
    x, y = np.linspace(0, 1, 5), np.linspace(0, 1, 4)
    truth = np.add.outer(x, y).reshape(-1, 1) + 1.0
    with h5py.File(os.path.join(d, "grid.h5"), "w") as f:
        f["grid/x"], f["grid/y"], f["Y"] = x, y, truth
    with h5py.File(os.path.join(d, "prediction.h5"), "w") as f:
        f["Y"] = truth * (0.5 if half else 1.01)
    fit = {"ranks": 1, "n_params": 10, "n_samples": 20, "wall_time_s": 0.1, "iterations": 3, "train_mse": 1e-4,
           "fit_type": "auto", "type": "khronos", "converged_reason": "CONVERGED_RTOL", "machine": {"cpu_model": "test CPU", "cores": 2}}
    fit.update(fit_extra or {})
    with open(os.path.join(d, "fit.json"), "w") as f:
        json.dump(fit, f)
    with open(os.path.join(d, "predict.json"), "w") as f:
        json.dump({"ns_per_sample_per_rank": 5.0}, f)
    with open(os.path.join(d, "fit.log"), "w") as f:
        f.write("snaps-fit: no monitor lines here\n")
    return d


def check_plot_fit(d):
    pf = os.path.join(PP, "plot_fit.py")
    c = fit_case(os.path.join(d, "half"), half=True)
    figures.clear()
    if ok("plot_fit, a prediction half the truth", pf, c)[0] and figures:
        ims = [a.images[0] for a in figures[-1].axes if a.images and not a.get_title().startswith("|error|") and a.get_label() != "<colorbar>"]
        if len(ims) != 2 or ims[0].get_clim() != ims[1].get_clim():
            failures.append("plot_fit: truth and prediction on different colour scales %s" % [im.get_clim() for im in ims])
    c = fit_case(os.path.join(d, "cap"), {"converged_reason": "DIVERGED_ITS"})
    figures.clear()
    if ok("plot_fit, an iteration cap", pf, c)[0]:
        md = open(os.path.join(c, "summary.md")).read()
        if "DIVERGED_ITS" not in md or "not converged" not in md:
            failures.append("plot_fit: summary.md of a capped fit does not say it did not converge:\n%s" % md)
        title = figures[-1]._suptitle.get_text() if figures and figures[-1]._suptitle else ""
        if "not converged" not in title:
            failures.append("plot_fit: the title of a capped fit does not say it did not converge: %r" % title)
    c = fit_case(os.path.join(d, "conv"))
    if ok("plot_fit, a converged fit", pf, c)[0]:
        md = open(os.path.join(c, "summary.md")).read()
        if "CONVERGED_RTOL" not in md or "not converged" in md:
            failures.append("plot_fit: summary.md of a converged fit: %s" % md)
    for k in ("train_mse", "wall_time_s"):
        c = fit_case(os.path.join(d, "null_" + k), {k: None})
        refused("plot_fit, null %s" % k, pf, [c], [os.path.join(c, "fit.json"), k])
        left = [f for f in ("null_%s.png" % k, "summary.md", "prediction.xdmf") if os.path.exists(os.path.join(c, f))]
        if left:
            failures.append("plot_fit, null %s: wrote %s before refusing" % (k, left))


def covered(ax):
    """The data points of ax's lines that its legend covers (display coordinates, after drawing)."""
    leg = ax.get_legend()
    if leg is None:
        return 0
    box = leg.get_window_extent()
    n = 0
    for line in ax.get_lines():
        xy = np.column_stack([np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)])
        if xy.size:
            pts = ax.transData.transform(xy)
            n += int(np.count_nonzero((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)))
    return n


def check_plots(d):
    """plot_guess.py's legends cover no data (the committed parametric-poisson results); plot_aion.py's near-start
    panels have a zoomed inset (their paths lie within a marker's width of the optimum)."""
    res = json.load(open(os.path.join(ROOT, "cases", "parametric-poisson", "reference", "full-results.json")))
    # the two families whose series the legend covered (drawing all of them takes seconds)
    res["families"] = {k: v for k, v in res["families"].items() if k in ("load/gamg", "design/gamg")}
    guess = os.path.join(d, "guess.json")
    with open(guess, "w") as f:
        json.dump(res, f)
    figures.clear()
    if ok("plot_guess, the committed results", os.path.join(PP, "plot_guess.py"), guess, os.path.join(d, "g.png"))[0] and figures:
        fig = figures[-1]
        fig.canvas.draw()
        hidden = {ax.get_title().splitlines()[0]: covered(ax) for ax in fig.axes if ax.get_legend()}
        if any(hidden.values()):
            failures.append("plot_guess: legends cover data points: %s" % {k: v for k, v in hidden.items() if v})
    res = json.load(open(os.path.join(ROOT, "bench", "results", "aion.json")))
    res[res["path_problem"] + ".samples_per_input"] = 100  # landscapes 10 times cheaper, the same figure
    aj = os.path.join(d, "aion.json")
    with open(aj, "w") as f:
        json.dump(res, f)
    figures.clear()
    if ok("plot_aion, the committed results", os.path.join(PP, "plot_aion.py"), aj, os.path.join(d, "a.png"))[0] and figures:
        near = [ax for ax in figures[-1].axes if ax.get_title().startswith("near start")]
        if len(near) != 2 or not all(ax.child_axes for ax in near):
            failures.append("plot_aion: the near-start panels have no zoomed inset (their paths lie under the start and optimum markers)")


def check_mf_study(d):
    import mf_study

    out = os.path.join(d, "study")
    os.makedirs(out)
    try:
        mf_study.options(["study", out, "--tag", "v2/final"], {"a": []})
        failures.append("mf_study.options accepted --tag v2/final (the write fails only after the study)")
    except SystemExit as e:
        if e.code != 2:
            failures.append("mf_study.options --tag v2/final: exit %r (expected argparse's 2)" % e.code)


def main():
    d = os.path.abspath(sys.argv[1])
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, check in (("atomic", check_atomic), ("flow_stats", check_flow_stats), ("plot_fit", check_plot_fit), ("plots", check_plots),
                        ("mf_study", check_mf_study)):
        os.makedirs(os.path.join(d, name))
        atomic.save_figure = capture if name != "atomic" else _save
        try:
            check(os.path.join(d, name))
        except Exception as e:  # noqa: BLE001  (a traceback in a check is a failure, the others still run)
            failures.append("%s: %s: %s" % (name, type(e).__name__, e))
    if failures:
        sys.exit("postprocess outputs:\n  " + "\n  ".join(failures))
    print("postprocess outputs: devices, links and modes kept; honest autocorrelation times; layouts checked; plot_fit's "
          "scales and stop reason; --tag checked first")


if __name__ == "__main__":
    main()
