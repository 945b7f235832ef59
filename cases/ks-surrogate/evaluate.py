#!/usr/bin/python3
"""Metrics, plots, results.json and summary.md of cases/ks-surrogate (see run.sh).

usage: evaluate.py OUT [--mode quick|full] [--lyapunov LAMBDA] [--short_horizon T] [--reused_data]

Every input is checked first (a missing one stops it with one line naming the file): the solver runs (long_truth3.h5
and .json, long_truth4.h5, short_truth.h5, train.json) and each model's rollouts (long_<model>.h5, short_<model>.h5,
and long_<model>.json but for the ESN), as run.sh writes them for every model (MODELS). --reused_data (run.sh with
REUSE_DATA=1 when it reused an earlier run's solver data): the solver's cost and the machine are that earlier run's,
and summary.md's cost column and machine line say so.

The domain length L is read from the truth's trajectory file (L = 22 or L = 100, run.sh); --lyapunov is the leading
Lyapunov exponent that converts times into Lyapunov times (default from L: 0.048 for L = 22; 0.09 for L = 100: 0.0898
+- 0.0011 measured by cases/ks; another L needs --lyapunov); --short_horizon is the length in time units of the
short-horizon comparison (250), no longer than the short rollouts. Every rollout must be saved at the truth's interval,
on its N and L: another is refused with one line naming the file and both values.

Long horizon (each model rolled out from the 8 states of long_truth3 at t = 100; statistics pooled over members and
the saved times after t = 100; the same metrics between the two independent solver runs give the sampling noise):
  w1_over_std       Wasserstein-1 distance between the marginal PDFs of u, divided by std(u) of the truth
  spectrum_male     mean over the energetic modes (E(k) > 1e-3 max E of the truth, k >= 1) of |ln E_model(k) - ln E_truth(k)|
  acf_time_error    |tau_model - tau_truth| / tau_truth, tau the integral autocorrelation time of u at a point
  bounded_fraction  members whose field stays finite and below 3 max|u| of the truth over the whole run; the statistics
                    are taken over the bounded members only
Error bars (error_bars): a block bootstrap of the three long-horizon figures. Every run is cut into blocks of one
member's 30 autocorrelation times of the truth (about 510 time units at L = 22: 40 blocks of 8 x 2625); 200 times,
truth A and each run are redrawn block by block with replacement (each as many blocks as it has:
flow_stats.block_bootstrap) and the figures recomputed; the standard deviation
over the draws is each figure's error bar, the solver run B's the sampling noise. The twin minus the categorical model
is paired on the same draws of A, and counts as beyond the noise where it exceeds twice its standard deviation.
Short horizon (the held-out states of short_truth at t = 100: 64 at L = 22, 16 at L = 100; the categorical model draws
8 samples of each):
  vpt               valid prediction time: the first time the normalised RMSE of the ensemble mean, sqrt(mean_x (mean -
                    truth)^2) / std(u), exceeds 0.5, in Lyapunov times (--lyapunov); mean, its standard error and
                    median over the states; the twin's minus the categorical model's paired over the states. A state
                    whose error stays below 0.5 up to the horizon (--short_horizon) counts with the horizon, so where
                    vpt_at_horizon (the number of such states) is not 0, the mean and median are lower bounds and a
                    difference between two models compares capped values
  crps              continuous ranked probability score per point, E|X - y| - E|X - X'| / 2, divided by std(u), averaged
                    over the states and points, at 1 and 2 Lyapunov times and over the first 5 (the mean absolute error
                    for single forecasts); a figure at a time beyond the rollouts is null, said in
                    horizon_note, as is vpt_se for a single state (vpt_se_note)
  spread_skill      ensembles only: sqrt(ensemble variance (unbiased, times (E + 1) / E) / squared error of the ensemble
                    mean), over states and points, at 1 and 2 Lyapunov times and, spread_skill_pooled_5lt, pooled over
                    the first 5 (the ratio of the sums over those times, not a mean of the ratios): 1 when the spread
                    matches the error, below 1 when the ensemble is overconfident (its spread collapsed)
Cost: wall seconds per simulated time unit, per member and for the whole ensemble, of each rollout against the solver.
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np
from scipy.stats import wasserstein_distance

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402
import checks  # noqa: E402
import flow_stats  # noqa: E402

LYAPUNOV = {22.0: 0.048, 100.0: 0.09}  # the leading Lyapunov exponent by domain length (cases/ks measures them)
LAMBDA = 0.048  # set by main from --lyapunov, else from the truth's L (LYAPUNOV)
LENGTH = 22.0  # set by main from the truth's file
PDF_RANGE = 5.0  # stats.png's PDF panel: u in (-PDF_RANGE, PDF_RANGE); the share of the samples outside it is in the legend
SPACETIME_SAT = 3.0  # spacetime.png: the colours saturate at |u| = SPACETIME_SAT (said on the colour bar)
MODELS = [("categorical", "SNA categorical (distributional)"), ("deterministic", "SNA deterministic twin"),
          ("esn", "echo state network")]


def load(path, t_from=None, t_to=None):
    t, u = flow_stats.load_window(path, t_from, t_to)
    return t, u, {}  # no caller reads the attributes


def long_stats(u, dt):
    """Spectrum, autocorrelation and its integral time tau (None for a field that does not change in time: 0 / 0, as
    in flow_stats.stats; crosses: whether the autocorrelation reaches zero within the window, else tau is a lower bound)."""
    k, e = flow_stats.spectrum(u, LENGTH, 1)
    if np.all(u == u[:1]):
        return {"k": k, "E": e, "acf": np.zeros(0), "tau": None, "crosses": None}
    _, c, tau = flow_stats.autocorrelation(u, dt, int(200 / dt))
    return {"k": k, "E": e, "acf": c, "tau": tau, "crosses": flow_stats.crosses_zero(c)}


def long_metrics(u, truth, st_truth, dt, std, energetic):
    keep = flow_stats.bounded_members(u, np.abs(truth).max())
    out = {"bounded_fraction": float(keep.mean()), "members": int(u.shape[1])}
    if not keep.any():
        return out, None, None
    v = u[:, keep]
    st = long_stats(v, dt)
    sub = max(1, int(round(2 / dt)))  # every 2 time units: nearly independent samples, and fewer to sort
    out["w1_over_std"] = float(wasserstein_distance(v[::sub].ravel(), truth[::sub].ravel()) / std)
    out["spectrum_male"] = flow_stats.spectrum_male(st["E"], st_truth["E"], energetic)
    if out["spectrum_male"] is None:
        out["spectrum_note"] = "the energy is 0 on an energetic mode (a collapsed run): the log spectrum error is undefined"
    flow_stats.acf_figures(out, st, st_truth, 200)
    out["std_u"] = float(v.std())
    return out, st, v


BOOT_RESAMPLES = 200  # block bootstrap of the long-horizon figures (bootstrap_long)
BOOT_BLOCK_TAUS = 30  # block length in autocorrelation times of the truth: blocks this long are nearly independent


class Blocks:
    """A long run cut into blocks (flow_stats.block_slices: member, stretch of BOOT_BLOCK_TAUS autocorrelation times)
    and what each block adds to the three long-horizon statistics, so that a resample of blocks gives them by sums: its
    u every 2 time units (W1), its mean spectrum and its autocorrelation sums (lags within the block; columns centred on
    the whole run's mean). Sums rather than per-block normalised curves: a resample's autocorrelation is then the one
    of the pooled blocks."""

    def __init__(self, u, dt, nb_len, lags):
        x = u - u.mean(axis=0)
        sub = max(1, int(round(2 / dt)))
        self.w1, self.spec, self.acf = [], [], []
        nfft = 1 << int(np.ceil(np.log2(2 * nb_len)))
        for m, blk in flow_stats.block_slices(u.shape[0], u.shape[1], nb_len):
            self.w1.append(u[blk, m][::sub].ravel())
            self.spec.append(flow_stats.spectrum(u[blk, m], LENGTH, 1)[1])
            f = np.fft.rfft(x[blk, m], n=nfft, axis=0)
            self.acf.append(np.fft.irfft(np.abs(f) ** 2, n=nfft, axis=0)[: lags + 1].sum(axis=1))
        self.w1, self.spec, self.acf = np.array(self.w1), np.array(self.spec), np.array(self.acf)
        self.pairs = (nb_len - np.arange(lags + 1)) * u.shape[2]  # products per block at each lag

    def resample(self, idx, dt):
        """The sorted u values, the spectrum and the autocorrelation time of the blocks idx (with repeats)."""
        c = self.acf[idx].sum(axis=0) / (idx.size * self.pairs)
        return np.sort(self.w1[idx].ravel()), self.spec[idx].mean(axis=0), flow_stats.integral_time(c / c[0], dt)


def bootstrap_long(runs, A, dt, tau_truth, std, energetic):
    """Block-bootstrap standard deviations (flow_stats.block_bootstrap) of W1 / std, spectrum MALE and autocorrelation
    time error of each run (name: its bounded members, nt x members x N) against truth A, every resample drawing A's
    blocks afresh too (so the noise of both sides is in them) and each run's blocks as many as it has, and the
    differences deterministic - categorical paired on the same A draw.
    Returns ({name: {figure: sd}}, {figure: sd of the difference}, block length in time units, blocks of A)."""
    nb_len = min(A.shape[0], max(2, int(round(BOOT_BLOCK_TAUS * tau_truth / dt))))
    lags = min(int(200 / dt), nb_len - 1)
    bA = Blocks(A, dt, nb_len, lags)
    blocks = {name: Blocks(u, dt, nb_len, lags) for name, u in runs.items()}

    def figures(idx):  # idx: A's blocks, then each run's
        wa, ea, ta = bA.resample(idx[0], dt)
        rows = []
        for b, i in zip(blocks.values(), idx[1:]):
            w, e, t = b.resample(i, dt)
            rows.append((flow_stats.w1_sorted(w, wa) / std, np.mean(np.abs(np.log(e[energetic] / ea[energetic]))), abs(t - ta) / ta))
        return np.array(rows)

    counts = [len(bA.w1)] + [len(b.w1) for b in blocks.values()]
    _, draws = flow_stats.block_bootstrap(counts, figures, BOOT_RESAMPLES, np.random.default_rng(16))
    keys = ("w1_over_std", "spectrum_male", "acf_time_error")
    names = list(blocks)
    sd = {name: dict(zip(keys, np.std(draws[:, j], axis=0).tolist())) for j, name in enumerate(names)}
    diff = {}
    if "categorical" in names and "deterministic" in names:
        dd = draws[:, names.index("deterministic")] - draws[:, names.index("categorical")]
        diff = {k: float(dd[:, i].std()) for i, k in enumerate(keys)}
    return sd, diff, nb_len * dt, len(bA.w1)


def crps_ensemble(x, y):
    """x (E, ...) ensemble, y (...) truth: the CRPS at every point."""
    e1 = np.mean(np.abs(x - y[None]), axis=0)
    e2 = np.mean(np.abs(x[:, None] - x[None, :]), axis=(0, 1))
    return e1 - 0.5 * e2


def short_metrics(pred, truth, t, std, n_states):
    """pred (nt, E * n_states, N), member k from state k mod n_states; truth (nt, n_states, N)."""
    nt, K, N = pred.shape
    E = K // n_states
    ens = pred.reshape(nt, E, n_states, N)
    ens = np.where(np.isfinite(ens), ens, 1e6)
    mean = ens.mean(axis=1)
    nrmse = np.sqrt(np.mean((mean - truth) ** 2, axis=2)) / std  # (nt, n_states)
    vpt, capped = [], 0
    for s in range(n_states):
        over = np.nonzero(nrmse[:, s] > 0.5)[0]
        vpt.append((t[over[0]] - t[0]) * LAMBDA if over.size else (t[-1] - t[0]) * LAMBDA)
        capped += not over.size
    crps = np.array([crps_ensemble(ens[i], truth[i]).mean() for i in range(nt)]) / std
    lt = (t - t[0]) * LAMBDA
    # a figure at x Lyapunov times beyond the horizon is null (np.interp would clamp it to the last time's)
    at = lambda x: float(np.interp(x, lt, crps)) if x <= lt[-1] + 1e-9 else None  # noqa: E731
    out = {"vpt_mean": float(np.mean(vpt)), "vpt_median": float(np.median(vpt)), "vpt_se": se(vpt),
           "vpt_states": [float(v) for v in vpt], "vpt_at_horizon": capped, "horizon_lt": float(lt[-1]),
           "crps_1lt": at(1.0), "crps_2lt": at(2.0), "crps_mean_5lt": float(crps[lt <= 5].mean()) if lt[-1] >= 5 - 1e-9 else None,
           "ensemble": E, "states": n_states}
    if out["vpt_se"] is None:
        out["vpt_se_note"] = "one start state: no standard error"
    if E > 1:
        out.update(spread_skill(ens, mean, truth, lt))
    short = [k for k in ("crps_1lt", "crps_2lt", "crps_mean_5lt", "spread_skill_1lt", "spread_skill_2lt", "spread_skill_pooled_5lt")
             if k in out and out[k] is None]
    if short:
        out["horizon_note"] = f"the rollouts cover {lt[-1]:.3g} Lyapunov times: {', '.join(short)} lie beyond them (null)"
    return out, nrmse.mean(axis=1), crps


def se(x):
    """The standard error of the mean of x, None for fewer than 2 values (no spread to estimate it from)."""
    x = np.asarray(x, float)
    return float(x.std(ddof=1) / np.sqrt(x.size)) if x.size > 1 else None


def spread_skill(ens, mean, truth, lt):
    """The spread-skill ratio: the ensemble's spread (its variance about its mean, times E / (E - 1) for the unbiased
    estimate and (E + 1) / E for the error of an E-member mean; mean over states and points) over the mean squared
    error of the ensemble mean, square-rooted: 1 for an ensemble whose spread is its error, below 1 overconfident
    (collapsed), above 1 too wide. At 1 and 2 Lyapunov times and pooled over the first 5 (the ratio of the sums over
    those times, not the mean of the ratios, which the small errors of the first times would make noisy)."""
    E = ens.shape[1]
    var = ens.var(axis=1, ddof=1).mean(axis=(1, 2)) * (E + 1) / E  # (nt,)
    mse = np.mean((mean - truth) ** 2, axis=(1, 2))
    i = lambda x: int(np.argmin(np.abs(lt - x)))  # noqa: E731
    ratio = lambda sl: float(np.sqrt(var[sl].sum() / max(mse[sl].sum(), 1e-300)))  # noqa: E731
    within = lambda x: x <= lt[-1] + 1e-9  # noqa: E731  (beyond the horizon: null, not the last time's figure)
    return {"spread_skill_1lt": ratio(slice(i(1.0), i(1.0) + 1)) if within(1.0) else None,
            "spread_skill_2lt": ratio(slice(i(2.0), i(2.0) + 1)) if within(2.0) else None,
            "spread_skill_pooled_5lt": ratio(lt <= 5) if within(5.0 - 2e-9) else None}


def cost(out, name, members, T):
    p = os.path.join(out, f"long_{name}.json")
    if name == "esn":
        with h5py.File(os.path.join(out, "long_esn.h5"), "r") as h:
            wall = float(h.attrs["wall_time_s"])
    else:
        wall = json.load(open(p))["wall_time_s"]
    return {"wall_s": wall, "per_member_per_time_unit_s": wall / (members * T), "ensemble_per_time_unit_s": wall / T}


def inputs(out):
    """Every file main reads, checked before any work: the solver runs', then each model's (MODELS: run.sh rolls every
    one out, so a missing file is a failed or partial run, not a model left out)."""
    for name in ("long_truth3.h5", "long_truth3.json", "long_truth4.h5", "short_truth.h5", "train.json"):
        checks.need(os.path.join(out, name))
    for name, _ in MODELS:
        for f in [f"long_{name}.h5", f"short_{name}.h5"] + ([] if name == "esn" else [f"long_{name}.json"]):
            if not os.path.exists(os.path.join(out, f)):
                raise SystemExit("%s: no such file (run.sh rolls out every model, %s: a failed or partial run?)" % (
                    os.path.join(out, f), ", ".join(n for n, _ in MODELS)))


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    a.add_argument("out")
    a.add_argument("--mode", choices=("quick", "full"), default="quick", help="run.sh's mode (recorded in the results)")
    a.add_argument("--lyapunov", type=float, help="the leading Lyapunov exponent (default: from the truth's L: 0.048 for L = 22, 0.09 for L = 100)")
    a.add_argument("--short_horizon", type=float, default=250.0)
    a.add_argument("--reused_data", action="store_true", help="the solver runs are an earlier run's (run.sh REUSE_DATA=1): "
                   "their cost and machine are labelled so")
    args = a.parse_args()
    out = args.out
    inputs(out)
    global LAMBDA, LENGTH
    with h5py.File(os.path.join(out, "long_truth3.h5"), "r") as h:
        LENGTH = float(h.attrs["L"])
    LAMBDA = args.lyapunov if args.lyapunov is not None else LYAPUNOV.get(LENGTH)
    if LAMBDA is None:
        a.error(f"{os.path.join(out, 'long_truth3.h5')}: L = {LENGTH:g}: give its Lyapunov exponent, --lyapunov (known: "
                + ", ".join(f"{v:g} for L = {k:g}" for k, v in LYAPUNOV.items()) + "; cases/ks measures it)")
    # NaN passed "<= 0" and was reported as an empty short_truth.h5; a zero, negative or NaN exponent gave every
    # figure in Lyapunov times as 0 or NaN (and NaN crashed the plots after results.json was written)
    if not (0 < args.short_horizon < np.inf):
        a.error(f"--short_horizon {args.short_horizon:g}: give a positive finite length in time units")
    if not (0 < LAMBDA < np.inf):
        a.error(f"--lyapunov {LAMBDA:g}: give the leading Lyapunov exponent, positive and finite (it converts times into Lyapunov times)")
    t0 = 100.0
    tA, A, _ = load(os.path.join(out, "long_truth3.h5"), t0)
    _, B, _ = load(os.path.join(out, "long_truth4.h5"), t0)
    dt = float(np.median(np.diff(tA)))
    std = float(A.std())
    stA, stB = long_stats(A, dt), long_stats(B, dt)
    energetic = (stA["k"] > 0) & (stA["E"] > 1e-3 * stA["E"].max())
    T = tA[-1] - tA[0]
    res = {"mode": args.mode, "L": LENGTH, "lambda": LAMBDA, "std_u_truth": std, "dt": dt,
           "long_horizon": {"time_units_pooled": float(T * A.shape[1]), "lyapunov_times_pooled": float(T * A.shape[1] * LAMBDA),
                            "members": int(A.shape[1]), "energetic_modes": [int(i) for i in np.nonzero(energetic)[0]]},
           "short_horizon": {}, "cost": {}}
    noise_key = "sampling_noise (solver run B vs A)"
    noise, _, vB = long_metrics(B, A, stA, dt, std, energetic)
    res["long_horizon"][noise_key] = noise
    bounded = {noise_key: vB}
    curves = {"truth A": stA, "truth B": stB}
    tS, S, _ = load(os.path.join(out, "short_truth.h5"), t0, t0 + args.short_horizon)
    flow_stats.same_grid(os.path.join(out, "short_truth.h5"), tS, S, dt, A.shape[-1], "long_truth3.h5", LENGTH, span=args.short_horizon, span_option="--short_horizon")
    nrmse_curves, crps_curves = {}, {}
    for name, label in MODELS:
        lp = os.path.join(out, f"long_{name}.h5")
        tU, U, _ = load(lp)  # rollouts: every saved time (the surrogates' clocks start at 0, the ESN's at t0)
        flow_stats.same_grid(lp, tU, U, dt, A.shape[-1], "long_truth3.h5", LENGTH)
        m, st, v = long_metrics(U[: A.shape[0]], A, stA, dt, std, energetic)
        res["long_horizon"][name] = m
        if st is not None:
            curves[label] = st
            bounded[name] = v
        sp = os.path.join(out, f"short_{name}.h5")
        tP, P, _ = load(sp)
        flow_stats.same_grid(sp, tP, P, dt, A.shape[-1], "short_truth.h5", LENGTH, span=args.short_horizon, span_option="--short_horizon")  # --short_horizon within it
        sm, nc, cc = short_metrics(P[: S.shape[0]], S, tS, std, S.shape[1])  # its first --short_horizon time units
        res["short_horizon"][name] = sm
        nrmse_curves[label], crps_curves[label] = nc, cc
        res["cost"][name] = cost(out, name, U.shape[1], T)
    solver = json.load(open(os.path.join(out, "long_truth3.json")))
    res["cost"]["solver"] = {"wall_s": solver["wall_time_s"], "per_member_per_time_unit_s": solver["wall_time_s"] / (solver["ensemble"] * solver["T"]),
                             "ensemble_per_time_unit_s": solver["wall_time_s"] / solver["T"],
                             "measured_in": "an earlier run (its solver data reused: REUSE_DATA=1)" if args.reused_data else "this run"}
    error_bars(res, bounded, A, dt, stA["tau"], std, energetic)
    res["machine"] = json.load(open(os.path.join(out, "train.json"))).get("machine")  # the solver data's run
    res["solver_data_reused"] = bool(args.reused_data)
    targets(res)
    atomic.write_json(os.path.join(out, "results.json"), res)
    summary(res, out)
    plots(out, curves, tS, S, nrmse_curves, crps_curves, energetic, dt)


def error_bars(res, bounded, A, dt, tau_truth, std, energetic):
    """The block bootstrap (bootstrap_long) into res: each run's standard deviations; deterministic - categorical for
    each long-horizon figure (the figures' own difference) with its bootstrap standard deviation and whether it is beyond
    the noise (more than 2 of them from 0); the short horizon's VPT difference, paired over the states, with its
    standard error."""
    sd, diff, block, nblocks = bootstrap_long({k: v for k, v in bounded.items() if v is not None}, A, dt, tau_truth, std, energetic)
    L, S = res["long_horizon"], res["short_horizon"]
    L["bootstrap"] = {"resamples": BOOT_RESAMPLES, "block_time_units": block, "blocks_of_truth_A": nblocks}
    for name, d in sd.items():
        L[name]["bootstrap_sd"] = {k: finite(v) for k, v in d.items()}  # None: undefined (a collapsed model: 0/0)
    if diff:
        dif = {k: finite(L["deterministic"][k] - L["categorical"][k]) if L["deterministic"].get(k) is not None and L["categorical"].get(k) is not None
               else None for k in diff}
        # beyond the noise: undefined (None) where the difference or its sd is (a collapsed model's log spectrum, 0/0)
        L["deterministic - categorical"] = {k: {"mean": dif[k], "sd": finite(v),
                                                "beyond the noise": None if dif[k] is None or finite(v) is None else bool(abs(dif[k]) > 2 * v)}
                                            for k, v in diff.items()}
    if "categorical" in S and "deterministic" in S:
        d = np.array(S["deterministic"]["vpt_states"]) - np.array(S["categorical"]["vpt_states"])
        S["deterministic - categorical vpt"] = {"mean": float(d.mean()), "se": se(d)}
        if d.size < 2:
            S["deterministic - categorical vpt"]["se_note"] = "one start state: no standard error"


def finite(x):
    """x if it is a finite number, else None (an undefined figure: null in results.json, '-' or n/a in the summary)."""
    return float(x) if x is not None and np.isfinite(x) else None


def targets(res):
    L, S = res["long_horizon"], res["short_horizon"]
    # both lengths train the categorical model; the twin is scored only where a run has none (runs made before L = 100
    # trained one)
    scored = "categorical" if "categorical" in L else "deterministic"
    c, d, e = L.get(scored, {}), L.get("deterministic", {}), S.get("esn", {})
    g = lambda m, k: m.get(k, float("nan"))  # noqa: E731
    res["targets"] = {
        "scored model": scored,
        "vpt above the ESN's": g(S.get(scored, {}), "vpt_mean") > g(e, "vpt_mean"),
        "vpt goal 5 Lyapunov times": g(S.get(scored, {}), "vpt_mean") >= 5,
        "100% bounded": g(c, "bounded_fraction") == 1.0,
        "PDF W1 <= 0.005 std": g(c, "w1_over_std") <= 0.005,
        "spectrum MALE <= 0.03": g(c, "spectrum_male") <= 0.03,
        ">= 1000 Lyapunov times": L["lyapunov_times_pooled"] >= 1000,
    }
    if scored == "categorical":  # the twin against the categorical model
        whys = []
        for k, label in (("w1_over_std", "W1"), ("spectrum_male", "spectrum MALE")):
            r, why = flow_stats.ratio(L.get("deterministic"), L.get("categorical"), k, "deterministic", "categorical")
            res["targets"][f"ratio deterministic/categorical {label}"] = r
            whys += [why] if why and why not in whys else []
        res["targets"]["ratio categorical/deterministic bounded fraction"] = g(c, "bounded_fraction") / max(g(d, "bounded_fraction"), 1e-300)
        if whys:  # null ratios: why
            res["targets"]["ratios undefined"] = "; ".join(whys)
        for k, v in L.get("deterministic - categorical", {}).items():  # error_bars; None: undefined (not "within the noise")
            res["targets"][f"categorical better than the twin beyond the noise on {k}"] = (
                None if v["beyond the noise"] is None else bool(v["mean"] > 0 and v["beyond the noise"]))


def summary(res, out):
    L, S, C = res["long_horizon"], res["short_horizon"], res["cost"]
    f = lambda v: "n/a" if v is None or (isinstance(v, float) and not np.isfinite(v)) else (f"{v:.4g}" if isinstance(v, float) else str(v))  # noqa: E731
    lines = [f"# KS L = {LENGTH:g} rollout surrogates ({res['mode']} mode)", "",
             f"Long horizon: {L['members']} members x {L['time_units_pooled'] / L['members']:g} time units = "
             f"{L['time_units_pooled']:g} pooled ({L['lyapunov_times_pooled']:.0f} Lyapunov times at lambda {LAMBDA}); "
             f"energetic modes k = {L['energetic_modes']}; std(u) of the truth {res['std_u_truth']:.4f}.", "",
             "| model | bounded | W1 / std | spectrum MALE | autocorrelation time error | VPT mean (median) [Lyapunov times] | CRPS/std at 1, 2 LT; mean 0-5 LT | cost per member per time unit [s] |",
             "|---|---|---|---|---|---|---|---|"]
    reused = res.get("solver_data_reused") or C.get("solver", {}).get("measured_in", "this run") != "this run"
    rows = [("solver run B vs A (sampling noise)" + ("; its cost: an earlier run's (reused data)" if reused else ""),
             L["sampling_noise (solver run B vs A)"], None, C.get("solver"))]
    rows += [(label, L.get(n, {}), S.get(n), C.get(n)) for n, label in MODELS if n in L]
    for label, m, s, c in rows:
        vpt = f"{f(s['vpt_mean'])} ({f(s['vpt_median'])}){horizon_note(s)}" if s else ""
        crps = f"{f(s['crps_1lt'])}, {f(s['crps_2lt'])}; {f(s['crps_mean_5lt'])}" if s else ""
        lines.append(f"| {label} | {f(m.get('bounded_fraction'))} | {f(m.get('w1_over_std'))} | {f(m.get('spectrum_male'))} | "
                     f"{f(m.get('acf_time_error'))}{flow_stats.acf_mark(m)} | {vpt} | {crps} | {f(c['per_member_per_time_unit_s']) if c else ''}"
                     f"{' (earlier run)' if c and c.get('measured_in', 'this run') != 'this run' else ''} |")
    for n, label in MODELS:  # the ensembles' spread against their error (short_metrics)
        if "spread_skill_1lt" in S.get(n, {}):
            m = S[n]
            lines += ["", f"Spread-skill ratio of the {label} ensemble (1: spread matches the error; below 1: overconfident): "
                      f"{f(m['spread_skill_1lt'])} at 1 LT, {f(m['spread_skill_2lt'])} at 2 LT, {f(m['spread_skill_pooled_5lt'])} pooled over 0-5 LT (ratio of the sums)."]
    lines += error_bar_lines(res, f)
    lines += ["", "Targets (issue 16): " + "; ".join(f"{k}: {f(v) if v is None or isinstance(v, float) else v}" for k, v in res["targets"].items()), "",
              ("Cost: the solver's is an earlier run's (its solver data reused, REUSE_DATA=1: another time and load), the "
               "models' this run's: not comparable. " if reused else "") +
              f"Machine{' (of the earlier run that made the solver data, train.json)' if reused else ''}: {json.dumps(res.get('machine'))}"]
    text = "\n".join(lines) + "\n"
    print(text)
    atomic.write_text(os.path.join(out, "summary.md"), text)


def error_bar_lines(res, f):
    """The summary's error bars (error_bars): the long-horizon figures with their bootstrap standard deviations, the
    twin minus the categorical model with its verdict, and the VPT's standard errors over the states."""
    L, S = res["long_horizon"], res["short_horizon"]
    if "bootstrap" not in L:
        return []
    keys = ("w1_over_std", "spectrum_male", "acf_time_error")
    bs = L["bootstrap"]
    lines = ["", f"Error bars: block bootstrap, {bs['resamples']} resamples of blocks of {bs['block_time_units']:g} time units "
             f"(one member's stretch of {BOOT_BLOCK_TAUS} autocorrelation times of the truth; {bs['blocks_of_truth_A']} blocks per run), "
             "truth A resampled in every draw too; +- one standard deviation.", "",
             "| model | W1 / std | spectrum MALE | autocorrelation time error | VPT mean +- standard error over the states |", "|---|---|---|---|---|"]
    for name, label in [("sampling_noise (solver run B vs A)", "solver run B vs A (sampling noise)")] + MODELS:
        m = L.get(name, {})
        if "bootstrap_sd" not in m:
            continue
        cells = [f"{f(m[k])} +- {f(m['bootstrap_sd'][k])}" for k in keys]
        s = S.get(name)
        lines.append(f"| {label} | {' | '.join(cells)} | {f(s['vpt_mean']) + ' +- ' + f(s['vpt_se']) + horizon_note(s) if s and 'vpt_se' in s else ''} |")
    d = L.get("deterministic - categorical")
    if d:
        v = S.get("deterministic - categorical vpt")
        noise = {True: "beyond the noise", False: "within the noise", None: "undefined"}
        cells = [f"{f(d[k]['mean'])} +- {f(d[k]['sd'])} ({noise[d[k]['beyond the noise']]})" for k in keys]
        lines.append(f"| twin - categorical (positive: categorical better; paired on the same truth draws) | {' | '.join(cells)} | "
                     f"{f(-v['mean']) + ' +- ' + f(v['se']) + ' (categorical - twin, paired over the states' + capped_note(S) + ')' if v else ''} |")
    return lines


def horizon_note(s):
    """How many states' VPT is the horizon (short_metrics: their error never reached 0.5), which makes the mean and
    median lower bounds; empty where none is (or for results written before the count was)."""
    n = s.get("vpt_at_horizon", 0)
    return f"; lower bound: {n} of {s['states']} states reach the {s['horizon_lt']:.3g}-LT horizon" if n else ""


def capped_note(S):
    """The paired VPT difference's caveat where either model's VPT is capped by the horizon."""
    n = [S[m].get("vpt_at_horizon", 0) for m in ("deterministic", "categorical")]
    return f"; of capped values: {n[0]} and {n[1]} states of the twin and the categorical model reach the horizon" if any(n) else ""


def plots(out, curves, tS, S, nrmse, crps, energetic, dt):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3, figsize=(15, 4))
    for label, st in curves.items():
        k, e = st["k"], st["E"]
        ok = (k > 0) & (e > 0) & (k < 2 * np.pi / 22 * 21)  # wavenumbers below 6 (the L = 22 modes 1..20)
        ax[0].semilogy(k[ok], e[ok], label=label)
        ax[2].plot(np.arange(st["acf"].size) * dt, st["acf"], label=f"{label}: tau " + ("undefined" if st["tau"] is None else f"{'>= ' * (not st['crosses'])}{st['tau']:.3g}"))
    ax[0].set_xlabel("wavenumber k")
    ax[0].set_ylabel("E(k)")
    for name, label in [("long_truth3.h5", "truth A"), ("long_truth4.h5", "truth B")] + [(f"long_{n}.h5", l) for n, l in MODELS]:
        p = os.path.join(out, name)
        if not os.path.exists(p):
            continue
        _, u, _ = load(p, 100 if name.startswith("long_truth") else None)
        u = u[::8].ravel()
        # the density of all samples, those outside the panel (|u| >= PDF_RANGE, or not finite: an unbounded model's)
        # included, so that they lower the curve; their share is in the legend, and empty bins are not drawn (a floor
        # there would read as a measured tail)
        inside = np.isfinite(u) & (np.abs(u) < PDF_RANGE)
        counts, ed = np.histogram(u[inside], bins=80, range=(-PDF_RANGE, PDF_RANGE))
        h = np.where(counts > 0, counts / (max(u.size, 1) * np.diff(ed)), np.nan)
        out_share = 1 - inside.mean() if u.size else 0.0
        note = f" ({100 * out_share:.2g}% of samples with |u| >= {PDF_RANGE:g} or not finite: not drawn)" if out_share > 0 else ""
        ax[1].semilogy(0.5 * (ed[1:] + ed[:-1]), h, marker=".", ms=2, label=label + note)  # a lone bin: a dot
    ax[1].set_xlabel("u")
    ax[1].set_ylabel("PDF of u (over all samples)")
    ax[1].set_title(f"empty bins not drawn; |u| >= {PDF_RANGE:g} outside the panel", fontsize=8)
    ax[2].set_xlabel("lag (time units)")
    ax[2].set_ylabel("autocorrelation of u at a point")
    for a in ax:
        a.legend(fontsize=7)
    fig.tight_layout()
    atomic.save_figure(fig, os.path.join(out, "stats.png"), dpi=110)

    fig, ax = plt.subplots(1, 2, figsize=(12, 4))
    lt = (tS - tS[0]) * LAMBDA
    for label in nrmse:
        ax[0].plot(lt, nrmse[label], label=label)
        ax[1].plot(lt, crps[label], label=label)
    ax[0].axhline(0.5, color="k", lw=0.5)
    ax[0].set_ylabel("normalised RMSE of the ensemble mean (mean over states)")
    ax[1].set_ylabel("CRPS / std(u)")
    for a in ax:
        a.set_xlabel("Lyapunov times")
        a.legend(fontsize=7)
    fig.tight_layout()
    atomic.save_figure(fig, os.path.join(out, "short_horizon.png"), dpi=110)

    panels = [("truth", S[:, 0])]
    for n, label in MODELS:
        p = os.path.join(out, f"short_{n}.h5")
        if os.path.exists(p):
            _, u, _ = load(p)
            panels.append((label + (" (one sample)" if n == "categorical" else ""), u[:, 0]))
    fig, ax = plt.subplots(1, len(panels), figsize=(4 * len(panels) + 1, 4), sharey=True, squeeze=False, layout="constrained")
    ax = ax[0]
    for a, (label, u) in zip(ax, panels):
        # the colours saturate at |u| = SPACETIME_SAT (the colour bar's pointed ends): the truth's |u| rarely exceeds it
        im = a.imshow(u, aspect="auto", origin="lower", cmap="RdBu_r", vmin=-SPACETIME_SAT, vmax=SPACETIME_SAT,
                      extent=[0, LENGTH, 0, (tS[-1] - tS[0]) * LAMBDA])
        a.set_title(label, fontsize=9)
        a.set_xlabel("x")
    ax[0].set_ylabel("Lyapunov times from the held-out state")
    fig.colorbar(im, ax=list(ax), extend="both", label=f"u (saturated at |u| >= {SPACETIME_SAT:g})")
    atomic.save_figure(fig, os.path.join(out, "spacetime.png"), dpi=110)


if __name__ == "__main__":
    main()
