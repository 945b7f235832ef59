#!/usr/bin/python3
"""Metrics, plots, results.json and summary.md of cases/kolmogorov-surrogate (see run.sh), on the vorticity w.

usage: evaluate.py OUT --starts "40 55 ..." [--mode quick|full] [--tlong T]
       evaluate.py OUT --starts "40 55 ..." --mode long [--block B] [--models "deterministic categorical"]
--starts: the start times of the short-horizon rollouts short_<model>_<start>.h5 (run.sh's: quick "40 55 ... 145");
--tlong: the length of the long rollouts long_<model>.h5 (default: their own T, from long_<model>.json); the cost per
member per time unit divides each rollout's wall time by its own length. --block and --models: the long mode's.

Long horizon (each model rolled out from the states of truth A at t = 30 for T time units; statistics pooled over
members and saved times; the same metrics between the two independent solver runs A and B give the sampling noise):
  w1_over_std       Wasserstein-1 distance between the marginal PDFs of w, divided by std(w) of truth A
  spectrum_male     mean over the energetic shells (E(k) > 1e-3 max E of truth A, k >= 1) of |ln E_model - ln E_truth|
  acf_time_error    |tau_model - tau_truth| / tau_truth, tau the integral autocorrelation time of w at a point
  bounded_fraction  members whose field stays finite and below 3 max|w| of the truth; statistics over those only
Short horizon (held-out states of truth A at each start time, 40 time units; the categorical model draws 8 samples):
  vpt               the first time the normalised RMSE of the ensemble mean, sqrt(mean_x (mean - truth)^2) / std(w),
                    exceeds 0.5, in Lyapunov times (lambda = 0.125: 8 time units)
  crps_1lt          CRPS per point at 1 Lyapunov time, divided by std(w) (the absolute error for the twin)
Cost: wall seconds per simulated time unit per member of each long rollout against the solver's (truth A's run), and
the speed-up; the load average of the machine is recorded (the timings are taken on a shared machine).
"""
import argparse
import json
import os
import sys

import numpy as np
from scipy.stats import wasserstein_distance

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402
import flow_stats  # noqa: E402

LAMBDA = 0.125
T0 = 30.0
MODELS = [("categorical", "SNA categorical (distributional)"), ("deterministic", "SNA deterministic")]


load = flow_stats.load_window


ACF_WINDOW = 20  # time units of autocorrelation lags (quick and full modes)


def long_stats(w, dt):
    """Spectrum, autocorrelation and its integral time tau (None for a field that does not change in time: 0 / 0, as
    in flow_stats.stats; crosses: whether the autocorrelation reaches zero within the window, else tau is a lower bound)."""
    k, e = flow_stats.spectrum(w, 2 * np.pi, 2)
    if np.all(w == w[:1]):
        return {"k": k, "E": e, "acf": np.zeros(0), "tau": None, "crosses": None}
    _, c, tau = flow_stats.autocorrelation(w[:, :, ::4, ::4], dt, int(ACF_WINDOW / dt))
    return {"k": k, "E": e, "acf": c, "tau": tau, "crosses": flow_stats.crosses_zero(c)}


def long_metrics(w, truth, st_truth, dt, std, energetic):
    keep = flow_stats.bounded_members(w, np.abs(truth).max())
    out = {"bounded_fraction": float(keep.mean()), "members": int(w.shape[1])}
    if not keep.any():
        return out, None
    v = w[:, keep]
    st = long_stats(v, dt)
    sub = max(1, int(round(2 / dt)))  # every 2 time units, every 2nd point: fewer values to sort
    out["w1_over_std"] = float(wasserstein_distance(v[::sub, :, ::2, ::2].ravel(), truth[::sub, :, ::2, ::2].ravel()) / std)
    out["spectrum_male"] = flow_stats.spectrum_male(st["E"], st_truth["E"], energetic)
    if out["spectrum_male"] is None:
        out["spectrum_note"] = "the energy is 0 on an energetic shell (a collapsed run): the log spectrum error is undefined"
    flow_stats.acf_figures(out, st, st_truth, min(ACF_WINDOW, (w.shape[0] - 1) * dt))
    out["std_w"] = float(v.std())
    return out, st


def short_metrics(out, name, starts, std):
    vpt, crps1, curves = [], [], []
    for s in starts:
        f = os.path.join(out, f"short_{name}_{s:g}.h5")
        tp, P = load(f)
        tS, S = load(os.path.join(out, "truth_a.h5"), s, s + tp[-1])
        flow_stats.same_grid(f, tp, P, float(np.median(np.diff(tS))), S.shape[-1], "truth_a.h5")
        P = np.where(np.isfinite(P), P, 1e6)[: S.shape[0]]
        for j in range(S.shape[1]):  # rollout member k started from truth member k mod M (M = 1 but in long mode)
            Pj = P[:, j::S.shape[1]]
            nrmse = np.sqrt(np.mean((Pj.mean(axis=1) - S[:, j]) ** 2, axis=(1, 2))) / std
            over = np.nonzero(nrmse > 0.5)[0]
            vpt.append(float(tp[over[0]] * LAMBDA if over.size else tp[S.shape[0] - 1] * LAMBDA))
            if tp[S.shape[0] - 1] < 1 / LAMBDA - 1e-9:  # shorter than 1 Lyapunov time: no CRPS there (not the last time's)
                crps1.append(None)
            else:
                i = int(np.argmin(np.abs(tp[: S.shape[0]] - 1 / LAMBDA)))
                x, y = Pj[i], S[i, j]
                crps = np.mean(np.abs(x - y[None])) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))
                crps1.append(float(crps / std))
            curves.append(nrmse)
    n = min(c.size for c in curves)
    out = {"vpt_mean": float(np.mean(vpt)), "vpt_median": float(np.median(vpt)), "vpt_states": vpt,
           "crps_1lt": float(np.mean([c for c in crps1 if c is not None])) if all(c is not None for c in crps1) else None,
           "states": len(vpt), "ensemble": int(P.shape[1] // S.shape[1])}
    if out["crps_1lt"] is None:
        out["horizon_note"] = f"a short rollout covers less than 1 Lyapunov time ({1 / LAMBDA:g} time units): crps_1lt is null"
    return (out,
            tp[:n] * LAMBDA, np.mean([c[:n] for c in curves], axis=0))


def per_unit(js, members, T=None):
    """The wall time of a run's JSON per member and time unit (T: the run's own, the JSON's, unless given)."""
    r = json.load(open(js))
    wall, T = r["wall_time_s"], r["T"] if T is None else T
    return {"wall_s": wall, "ranks": r.get("ranks"), "members": members, "time_units": T, "per_member_per_time_unit_s": wall / (members * T),
            "ensemble_per_time_unit_s": wall / T}


BLOCK = 250.0  # time units per resampling block: 31 Lyapunov times, 15 to 40 autocorrelation times
RESAMPLES = 400


def block_stats(w, dt, edges, path="the run"):
    """Per block of BLOCK time units of each member (w: time x member x field, read from path): the histogram of w on
    edges, the energy spectrum and the autocorrelation at a point; the statistics of any set of blocks are sums or means
    of these. A run without a whole block (--block longer than its members, or shorter than its saving interval) is
    refused naming it: there would be nothing to resample."""
    n = int(round(BLOCK / dt))
    if n < 1 or w.shape[0] < n:
        sys.exit(f"{path}: {w.shape[0]} saved times every {dt:g} per member hold no block of --block {BLOCK:g} time units"
                 f" ({n} saved times): give --block between {dt:g} and {w.shape[0] * dt:g}")
    H, E, C = [], [], []
    mean = w[:, :, ::4, ::4].mean(axis=(0, 1))  # the run's time mean at each point, not a block's: slow excursions count
    for m, blk in flow_stats.block_slices(w.shape[0], w.shape[1], n):
        x = w[blk, m:m + 1]
        H.append(np.histogram(x[:, :, ::2, ::2], bins=edges)[0])
        E.append(flow_stats.spectrum(x, 2 * np.pi, 2)[1])
        C.append(flow_stats.autocorrelation(x[:, :, ::4, ::4], dt, int(60 / dt), mean)[1])
    return {"H": np.array(H, float), "E": np.array(E), "C": np.array(C), "dt": dt}


def pooled(st, idx):
    """The statistics of the blocks idx pooled: histogram, spectrum, integral autocorrelation time."""
    return st["H"][idx].sum(axis=0), st["E"][idx].mean(axis=0), flow_stats.integral_time(st["C"][idx].mean(axis=0), st["dt"])


def block_metrics(x, a, ix, ia, dx, std, energetic):
    """W1 / std, spectrum MALE and autocorrelation time error of the blocks ix of x against the blocks ia of a."""
    hx, ex, tx = pooled(x, ix)
    ha, ea, ta = pooled(a, ia)
    w1 = np.sum(np.abs(np.cumsum(hx) / hx.sum() - np.cumsum(ha) / ha.sum())) * dx / std
    male = np.mean(np.abs(np.log(ex[energetic] / ea[energetic])))
    return np.array([w1, male, abs(tx - ta) / ta, tx])


def resampled(x, a, dx, std, energetic, rng):
    """The metrics on all blocks, and their spread when the blocks of both sides are drawn with replacement
    (flow_stats.block_bootstrap: x's blocks, then a's)."""
    nx = x["H"].shape[0]
    full, draws = flow_stats.block_bootstrap([nx, a["H"].shape[0]], lambda i: block_metrics(x, a, i[0], i[1], dx, std, energetic), RESAMPLES, rng)
    out = {"blocks": int(nx), "lyapunov_times": float(nx * BLOCK * LAMBDA)}
    for j, name in enumerate(["w1_over_std", "spectrum_male", "acf_time_error", "acf_time"]):
        out[name] = float(full[j])
        out[name + "_resampled"] = [float(np.mean(draws[:, j])), float(np.std(draws[:, j])), float(np.percentile(draws[:, j], 5)), float(np.percentile(draws[:, j], 95))]
    return out


def long_main(args):
    """--mode long: truth A and B of K members each, every rollout from truth A's members at t = 30; statistics over
    all of it, with error bars from resampling blocks of BLOCK time units (members x blocks per run)."""
    global BLOCK
    BLOCK = args.block
    out, rng = args.out, np.random.default_rng(5)
    tA, A = load(os.path.join(out, "truth_a.h5"), T0)
    _, B = load(os.path.join(out, "truth_b.h5"), T0)
    dt, std, wmax = float(np.median(np.diff(tA))), float(A.std()), float(np.abs(A).max())
    edges = np.linspace(-3 * wmax, 3 * wmax, 24001)
    dx = float(edges[1] - edges[0])
    stA, stB = block_stats(A, dt, edges, os.path.join(out, "truth_a.h5")), block_stats(B, dt, edges, os.path.join(out, "truth_b.h5"))
    del B
    EA = stA["E"].mean(axis=0)
    energetic = (np.arange(EA.size) > 0) & (EA > 1e-3 * EA.max())
    res = {"mode": "long", "lambda": LAMBDA, "std_w_truth": std, "dt": dt, "block_time_units": BLOCK, "resamples": RESAMPLES,
           "resampled": "[mean, std, 5th, 95th percentile] over resamples of the blocks of both sides with replacement",
           "truth_a": {"members": int(A.shape[1]), "time_units": float((tA[-1] - tA[0]) * A.shape[1])},
           "energetic_shells": [int(i) for i in np.nonzero(energetic)[0]], "long_horizon": {}, "short_horizon": {}, "cost": {}}
    res["long_horizon"]["sampling_noise (solver run B vs A)"] = resampled(stB, stA, dx, std, energetic, rng)
    res["long_horizon"]["sampling_noise (solver run B vs A)"]["acf_crosses_zero"] = flow_stats.crosses_zero(stB["C"].mean(axis=0))
    res["long_horizon"]["truth A"] = {"acf_time": block_metrics(stA, stA, np.arange(len(stA["H"])), np.arange(len(stA["H"])), dx, std, energetic)[3],
                                      "acf_crosses_zero": flow_stats.crosses_zero(stA["C"].mean(axis=0))}
    curves = {"truth A": stA, "truth B": stB}
    ta = json.load(open(os.path.join(out, "truth_a.json")))
    res["cost"]["solver"] = per_unit(os.path.join(out, "truth_a.json"), ta["ensemble"], ta["T"])
    for name in args.models.split():
        f = os.path.join(out, f"long_{name}.h5")
        if not os.path.exists(f):
            continue
        tU, U = load(f)
        flow_stats.same_grid(f, tU, U, dt, A.shape[-1], "truth_a.h5")
        keep = flow_stats.bounded_members(U, wmax)
        m = {"bounded_fraction": float(keep.mean()), "members": int(U.shape[1]), "time_units_per_member": float(tU[-1] - tU[0])}
        if keep.any():
            stU = block_stats(U[:, keep], dt, edges, f)
            m.update(resampled(stU, stA, dx, std, energetic, rng))
            m["acf_crosses_zero"] = flow_stats.crosses_zero(stU["C"].mean(axis=0))  # else acf_time is a lower bound
            m["std_w"] = float(U[:, keep].std())
            curves[name] = stU
        del U
        js = json.load(open(f[:-3] + ".json"))
        m.update({k: v for k, v in js.items() if "clamp" in k or "box" in k})
        res["long_horizon"][name] = m
        res["cost"][name] = per_unit(f[:-3] + ".json", m["members"], m["time_units_per_member"])
        res["cost"][name]["speedup_per_member_vs_solver"] = res["cost"]["solver"]["per_member_per_time_unit_s"] / res["cost"][name]["per_member_per_time_unit_s"]
    starts = [float(s) for s in args.starts.split()]
    for name in args.models.split():
        if all(os.path.exists(os.path.join(out, f"short_{name}_{s:g}.h5")) for s in starts):
            res["short_horizon"][name] = short_metrics(out, name, starts, std)[0]
    L = res["long_horizon"]
    for n in L:  # the twin against each categorical model; null where undefined (no bounded member of either), with why
        if n.startswith("categorical") and "deterministic" in L:
            r = {k: flow_stats.ratio(L["deterministic"], L[n], k, "deterministic", n) for k in ("w1_over_std", "spectrum_male", "acf_time_error")}
            L[n]["ratios deterministic / this"] = {k: v for k, (v, _) in r.items()}
            why = sorted({w for _, w in r.values() if w})
            if why:
                L[n]["ratios undefined"] = "; ".join(why)
    res["machine"] = ta.get("machine")
    res["load_average_at_evaluation"] = list(os.getloadavg())
    atomic.write_json(os.path.join(out, "results.json"), res)
    long_summary(res, out)
    long_plots(out, curves, energetic, edges, std)


def long_summary(res, out):
    L, S, C = res["long_horizon"], res["short_horizon"], res["cost"]
    f = lambda v: "n/a" if v is None else f"{v:.3g}"  # noqa: E731
    pm = lambda m, k: f"{f(m[k])} ({f(m[k + '_resampled'][0])} +- {f(m[k + '_resampled'][1])})" if k in m else "n/a"  # noqa: E731
    nz = L["sampling_noise (solver run B vs A)"]
    lines = ["# Kolmogorov flow Re = 40, 64^2: long-horizon statistics (long mode)", "",
             f"Truth A and B: {res['truth_a']['members']} members x {res['truth_a']['time_units'] / res['truth_a']['members']:g} time units each "
             f"({res['truth_a']['time_units'] * LAMBDA:.0f} Lyapunov times per run, lambda = {LAMBDA}); fields every {res['dt']:g}; std(w) {res['std_w_truth']:.4f}; "
             f"energetic shells {res['energetic_shells']}; integral autocorrelation time of truth A {L['truth A']['acf_time']:.3g}. "
             f"Each figure: over all blocks (mean +- std over {res['resamples']} resamples of the {res['block_time_units']:g}-time-unit blocks of both sides).", "",
             "| model | bounded | Lyapunov times | W1 / std | spectrum MALE | autocorrelation time error | autocorrelation time | VPT mean [LT] | CRPS/std at 1 LT | s per member per time unit | speed-up |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    rows = [("solver run B vs A (sampling noise)", dict(nz, bounded_fraction=1.0), None, C["solver"])]
    rows += [(n, L[n], S.get(n), C[n]) for n in L if n in C and n != "solver"]
    for label, m, s, c in rows:
        lines.append(f"| {label} | {f(m.get('bounded_fraction'))} | {f(m.get('lyapunov_times'))} | {pm(m, 'w1_over_std')} | {pm(m, 'spectrum_male')} | "
                     f"{pm(m, 'acf_time_error')} | {f(m.get('acf_time'))}{' (a lower bound: no zero crossing in 60 time units)' if m.get('acf_crosses_zero') is False else ''} | {f(s['vpt_mean']) if s else ''} | {f(s['crps_1lt']) if s else ''} | "
                     f"{f(c['per_member_per_time_unit_s'])} ({c.get('ranks')} rank{'s' if c.get('ranks') != 1 else ''}) | {f(c.get('speedup_per_member_vs_solver', 1.0))} |")
    lines += ["", "Cost: the solver's is truth A's run, which shared the machine with truth B (run.sh runs them side by side); the "
              "rollouts ran alone on their ranks, after it: not a back-to-back comparison (README.md, \"Cost\", for those).", ""]
    for n, m in L.items():
        if "ratios deterministic / this" in m:
            lines.append(f"Ratios deterministic / {n}: " + ", ".join(f"{k} {f(v) if v is not None else 'undefined'}" for k, v in m["ratios deterministic / this"].items())
                         + (f" ({m['ratios undefined']})" if "ratios undefined" in m else ""))
    lines += ["", f"Machine: {json.dumps(res.get('machine'))}; load average at evaluation {[round(x, 2) for x in res['load_average_at_evaluation']]}"]
    text = "\n".join(lines) + "\n"
    print(text)
    atomic.write_text(os.path.join(out, "summary.md"), text)


def long_plots(out, curves, energetic, edges, std):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3, figsize=(15, 4.5))
    centres = 0.5 * (edges[1:] + edges[:-1])
    for label, st in curves.items():
        e = st["E"].mean(axis=0)
        k = np.arange(e.size)
        ok = (k > 0) & (e > 0)
        ax[0].loglog(k[ok], e[ok], label=label)
        h = st["H"].sum(axis=0).reshape(-1, 100).sum(axis=1)  # 240 bins
        ax[1].semilogy(centres.reshape(-1, 100).mean(axis=1) / std, np.maximum(h / h.sum() / (100 * (edges[1] - edges[0])) * std, 1e-7), label=label)
        c = st["C"].mean(axis=0)
        ax[2].plot(np.arange(c.size) * st["dt"], c, label=label)
    top = curves["truth A"]["E"].mean(axis=0).max()
    ax[0].set_ylim(1e-12 * top, 3 * top)  # the dealiased shells lie at rounding level
    ax[0].set_xlabel("shell |k|")
    ax[0].set_ylabel("E(k)")
    ax[1].set_xlim(-8, 8)
    ax[1].set_ylim(1e-6, 1)
    ax[1].set_xlabel("w / std(w) of truth A")
    ax[1].set_ylabel("PDF")
    ax[2].set_xlabel("lag (time units)")
    ax[2].set_ylabel("autocorrelation of w at a point (about the run's time mean)")
    ax[2].axhline(0, color="k", lw=0.5)
    for a in ax:
        a.legend(fontsize=7)
    fig.suptitle("Kolmogorov flow Re = 40: over 1000 Lyapunov times per run (long mode)")
    fig.tight_layout()
    atomic.save_figure(fig, os.path.join(out, "kolmogorov_long.png"), dpi=90)


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    a.add_argument("out")
    a.add_argument("--mode", choices=("quick", "full", "long"), default="quick")
    a.add_argument("--starts", required=True, help="start times of the short-horizon rollouts, e.g. \"40 55 70\"")
    a.add_argument("--tlong", type=float, help="length of the long rollouts (default: their JSON's T)")
    a.add_argument("--block", type=float, help="long mode: time units per resampling block (%g)" % BLOCK)
    a.add_argument("--models", help="long mode: the rollouts long_<name>.h5 to evaluate (\"deterministic categorical\")")
    args = a.parse_args()
    try:
        starts = [float(s) for s in args.starts.split()]
    except ValueError:
        starts = []
    if not starts:
        a.error("--starts %r: give the start times, e.g. \"40 55 70\"" % args.starts)
    # a zero, negative or NaN length took no saved time of the truth (a numpy traceback), and a block of no saved time
    # divided by zero
    for name, v in (("--tlong", args.tlong), ("--block", args.block)):
        if v is not None and not 0 < v < np.inf:
            a.error(f"{name} {v:g}: give a positive finite number of time units")
    if args.mode == "long":
        if args.tlong is not None:
            a.error("--tlong does not apply to --mode long (the rollouts' lengths are read from their files)")
        args.block = BLOCK if args.block is None else args.block
        args.models = args.models or "deterministic categorical"
        return long_main(args)
    if args.block is not None or args.models is not None:
        a.error("--block and --models apply to --mode long only")
    out = args.out
    global MODELS  # the kinds this run trained (the Fourier latent: the deterministic model only)
    MODELS = [(n, label) for n, label in MODELS if os.path.exists(os.path.join(out, f"long_{n}.h5"))]
    if not MODELS:
        sys.exit(f"evaluate.py: {out}: no long rollout long_<model>.h5 (run.sh writes them)")
    TL = args.tlong if args.tlong is not None else float(json.load(open(os.path.join(out, f"long_{MODELS[0][0]}.json")))["T"])
    tA, A = load(os.path.join(out, "truth_a.h5"), T0, T0 + TL)
    tB, B = load(os.path.join(out, "truth_b.h5"), T0, T0 + TL)
    dt = float(np.median(np.diff(tA))) if tA.size > 1 else 0.0
    # the truth must cover the TL time units that the report counts (time_units_pooled_truth, its Lyapunov times):
    # a --tlong beyond it was reported as pooled truth the runs do not hold
    for name, t in (("truth_a.h5", tA), ("truth_b.h5", tB)):
        if t.size < 2 or t[-1] - t[0] < TL - 1e-6 * max(dt, 1e-300):
            sys.exit(f"{os.path.join(out, name)}: covers {(t[-1] - t[0]) if t.size else 0:g} time units after t = {T0:g}, fewer than"
                     f" the long rollouts' {TL:g} ({'--tlong' if args.tlong is not None else 'their JSON T'})")
    std = float(A.std())
    stA, stB = long_stats(A, dt), long_stats(B, dt)
    energetic = (stA["k"] > 0) & (stA["E"] > 1e-3 * stA["E"].max())
    res = {"mode": args.mode, "lambda": LAMBDA, "std_w_truth": std, "dt": dt,
           "long_horizon": {"time_units_pooled_truth": float(TL * A.shape[1]), "lyapunov_times_pooled_truth": float(TL * A.shape[1] * LAMBDA),
                            "energetic_shells": [int(i) for i in np.nonzero(energetic)[0]]},
           "short_horizon": {}, "cost": {}}
    noise, _ = long_metrics(B, A, stA, dt, std, energetic)
    res["long_horizon"]["sampling_noise (solver run B vs A)"] = noise
    curves, short_curves = {"truth A": stA, "truth B": stB}, {}
    ta = json.load(open(os.path.join(out, "truth_a.json")))
    res["cost"]["solver"] = per_unit(os.path.join(out, "truth_a.json"), ta["ensemble"], ta["T"])
    for name, label in MODELS:
        tU, U = load(os.path.join(out, f"long_{name}.h5"))
        flow_stats.same_grid(os.path.join(out, f"long_{name}.h5"), tU, U, dt, A.shape[-1], "truth_a.h5")
        m, st = long_metrics(U, A, stA, dt, std, energetic)
        m["lyapunov_times_pooled"] = float(TL * U.shape[1] * LAMBDA)
        res["long_horizon"][name] = m
        if st is not None:
            curves[label] = st
        res["short_horizon"][name], lt, short_curves[label] = short_metrics(out, name, starts, std)
        res["cost"][name] = per_unit(os.path.join(out, f"long_{name}.json"), U.shape[1])  # its own T
        res["cost"][name]["speedup_per_member_vs_solver"] = res["cost"]["solver"]["per_member_per_time_unit_s"] / res["cost"][name]["per_member_per_time_unit_s"]
    free = os.path.join(out, "free_1000lt.h5")
    if os.path.exists(free):  # the deterministic model's free run over 1000 Lyapunov times, a field every 5
        tf, U = load(free)
        m, _ = long_metrics(U, A, stA, float(tf[1] - tf[0]), std, energetic)
        m["lyapunov_times"] = float((tf[-1] - tf[0]) * LAMBDA)
        res["long_horizon"]["deterministic_free_1000lt (against truth A's 200 time units; autocorrelation from fields 5 apart)"] = m
    res["machine"] = json.load(open(os.path.join(out, "train.json"))).get("machine")
    res["load_average_at_evaluation"] = list(os.getloadavg())
    fit = os.path.join(out, "rollout_fit.log")
    res["latent"] = [line.strip() for line in open(fit) if "latent basis" in line] if os.path.exists(fit) else []
    c, d = res["long_horizon"].get("categorical"), res["long_horizon"].get("deterministic")
    g = lambda m, k: m.get(k, float("nan"))  # noqa: E731
    first = MODELS[0][0]
    res["targets"] = {"rollouts >= 100x faster than the solver per member per time unit": g(res["cost"][first], "speedup_per_member_vs_solver") >= 100,
                      "100% bounded": all(g(res["long_horizon"][n], "bounded_fraction") == 1.0 for n, _ in MODELS)}
    why = None
    for k, label in (("w1_over_std", "W1"), ("spectrum_male", "spectrum MALE")):
        r, why = flow_stats.ratio(d, c, k, "deterministic", "categorical")
        res["targets"][f"ratio deterministic/categorical {label}"] = r
    if why:  # null ratios: why (the same reason for both)
        res["targets"]["ratios undefined"] = why
    for n, _ in MODELS:  # whether the step clamps, and how often coordinates left the training box
        js = json.load(open(os.path.join(out, f"long_{n}.json")))
        res["long_horizon"][n].update({k: v for k, v in js.items() if "clamp" in k or "box" in k})
    atomic.write_json(os.path.join(out, "results.json"), res)
    summary(res, out)
    plots(out, curves, lt, short_curves, starts, energetic)


def summary(res, out):
    L, S, C = res["long_horizon"], res["short_horizon"], res["cost"]
    f = lambda v: "n/a" if v is None or (isinstance(v, float) and not np.isfinite(v)) else (f"{v:.4g}" if isinstance(v, float) else str(v))  # noqa: E731
    lines = [f"# Kolmogorov flow Re = 40, 64^2, rollout surrogates ({res['mode']} mode)", "",
             f"Truth: {L['time_units_pooled_truth']:g} time units per solver run ({L['lyapunov_times_pooled_truth']:.1f} Lyapunov times); "
             f"energetic shells k = {L['energetic_shells']}; std(w) {res['std_w_truth']:.4f}. {'; '.join(res['latent'])}", "",
             "| model | bounded | W1 / std | spectrum MALE | autocorrelation time error | VPT mean (median) [Lyapunov times] | CRPS/std at 1 LT | wall per member per time unit [s] | speed-up vs solver |",
             "|---|---|---|---|---|---|---|---|---|"]
    rows = [("solver run B vs A (sampling noise)", L["sampling_noise (solver run B vs A)"], None, C["solver"])]
    rows += [(label, L[n], S[n], C[n]) for n, label in MODELS]
    for label, m, s, c in rows:
        vpt = f"{f(s['vpt_mean'])} ({f(s['vpt_median'])})" if s else ""
        lines.append(f"| {label} | {f(m.get('bounded_fraction'))} | {f(m.get('w1_over_std'))} | {f(m.get('spectrum_male'))} | "
                     f"{f(m.get('acf_time_error'))}{flow_stats.acf_mark(m)} | {vpt} | {f(s['crps_1lt']) if s else ''} | {f(c['per_member_per_time_unit_s'])} | "
                     f"{f(c.get('speedup_per_member_vs_solver', 1.0))} |")
    lines += ["", "Targets (issue 16): " + "; ".join(f"{k}: {f(v) if v is None or isinstance(v, float) else v}" for k, v in res["targets"].items()), "",
              f"Machine: {json.dumps(res.get('machine'))}; load average at evaluation {res['load_average_at_evaluation']}"]
    text = "\n".join(lines) + "\n"
    print(text)
    atomic.write_text(os.path.join(out, "summary.md"), text)


def diverged(out, name, starts, wmax):
    """The short rollouts of a model that left the bound of the long metrics (non-finite, or |w| >= 3 max|w| of the
    truth): (start, member, the first such time from the start) for each."""
    found = []
    for s in starts:
        tp, P = load(os.path.join(out, f"short_{name}_{s:g}.h5"))
        for m in range(P.shape[1]):
            bad = ~np.all(np.isfinite(P[:, m]) & (np.abs(P[:, m]) < 3 * wmax), axis=(1, 2))
            if bad.any():
                found.append((s, m, float(tp[np.argmax(bad)])))
    return found


def plots(out, curves, lt, short_curves, starts, energetic):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = starts[0]
    _, S = load(os.path.join(out, "truth_a.h5"), s, s + 40)
    _, A = load(os.path.join(out, "truth_a.h5"), T0)
    wmax = float(np.abs(A).max())
    del A
    panels = []
    for t in (8, 40):
        i = int(round(t / 0.5))
        panels.append((f"truth, t0 + {t}", S[i, 0]))
        for n, label in MODELS:
            _, P = load(os.path.join(out, f"short_{n}_{s:g}.h5"))
            panels.append((f"{label.split(' (')[0]}{' sample' if n == 'categorical' else ''}, t0 + {t}", P[i, 0]))
    vmax = np.abs(S).max()
    # the fields: a row per time, the truth and each model trained (no empty panels); the statistics below
    fig = plt.figure(figsize=(13, 12), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[2, 1])
    fields = top.subplots(2, 1 + len(MODELS), squeeze=False)
    for a, (label, w) in zip(fields.ravel(), panels):
        im = a.imshow(w, origin="lower", cmap="RdBu_r", vmin=-vmax, vmax=vmax, extent=[0, 2 * np.pi, 0, 2 * np.pi])
        a.set_title(label, fontsize=9)
        if not np.isfinite(w).all():  # a diverged rollout: say so where its field would be
            a.text(np.pi, np.pi, "not finite: diverged", ha="center", va="center")
        a.set_xlabel("x")
        a.set_ylabel("y")
    top.colorbar(im, ax=fields, shrink=0.8, label=f"vorticity w (start t0 = {s:g} of truth A)")
    ax = bottom.subplots(1, 3)
    for label, st in curves.items():
        ok = (st["k"] > 0) & (st["E"] > 0)
        ax[0].loglog(st["k"][ok], st["E"][ok], label=label)
    ax[0].set_xlabel("shell |k|")
    ax[0].set_ylabel("E(k)")
    for name, label in [("truth_a.h5", "truth A"), ("truth_b.h5", "truth B")] + [(f"long_{n}.h5", l) for n, l in MODELS]:
        _, w = load(os.path.join(out, name), T0 if name.startswith("truth") else None)
        w = w[::4, :, ::2, ::2]
        w = w[np.isfinite(w) & (np.abs(w) < 100)]
        h, ed = np.histogram(w, bins=80, range=(-vmax, vmax), density=True)
        ax[1].semilogy(0.5 * (ed[1:] + ed[:-1]), np.maximum(h, 1e-6), label=label)
    ax[1].set_xlabel("w")
    ax[1].set_ylabel("PDF")
    for (n, label), c in zip(MODELS, short_curves.values()):
        bad = diverged(out, n, starts, wmax)
        line, = ax[2].semilogy(lt, c, label=label + (f" ({len(bad)} rollout{'s' * (len(bad) != 1)} diverged: x)" if bad else ""))
        for _, _, t in bad:  # where each diverged rollout first left the bound (its error then dominates the mean)
            j = min(int(np.argmin(np.abs(lt - t * LAMBDA))), c.size - 1)
            ax[2].plot(lt[j], c[j], "x", color=line.get_color(), ms=8)
    ax[2].axhline(0.5, color="k", lw=0.5)
    ax[2].set_xlabel("Lyapunov times from the held-out state")
    ax[2].set_ylabel("normalised RMSE of the ensemble mean")
    for a in ax:
        a.legend(fontsize=7)
    atomic.save_figure(fig, os.path.join(out, "kolmogorov_surrogate.png"), dpi=90)


if __name__ == "__main__":
    main()
