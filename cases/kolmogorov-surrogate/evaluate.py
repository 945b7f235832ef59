#!/usr/bin/env python3
"""Metrics, plots, results.json and summary.md of cases/kolmogorov-surrogate (see run.sh), on the vorticity w.

usage: evaluate.py OUT [--mode quick|full] --starts "40 55 ..." --tlong T

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
import flow_stats  # noqa: E402

LAMBDA = 0.125
T0 = 30.0
MODELS = [("categorical", "SNA categorical (distributional)"), ("deterministic", "SNA deterministic")]


load = flow_stats.load_window


def long_stats(w, dt):
    k, e = flow_stats.spectrum(w, 2 * np.pi, 2)
    _, c, tau = flow_stats.autocorrelation(w[:, :, ::4, ::4], dt, int(20 / dt))
    return {"k": k, "E": e, "acf": c, "tau": tau}


def long_metrics(w, truth, st_truth, dt, std, energetic):
    wmax = np.abs(truth).max()
    keep = np.array([np.isfinite(w[:, m]).all() and np.abs(w[:, m]).max() < 3 * wmax for m in range(w.shape[1])])
    out = {"bounded_fraction": float(keep.mean()), "members": int(w.shape[1])}
    if not keep.any():
        return out, None
    v = w[:, keep]
    st = long_stats(v, dt)
    sub = max(1, int(round(2 / dt)))  # every 2 time units, every 2nd point: fewer values to sort
    out["w1_over_std"] = float(wasserstein_distance(v[::sub, :, ::2, ::2].ravel(), truth[::sub, :, ::2, ::2].ravel()) / std)
    out["spectrum_male"] = float(np.mean(np.abs(np.log(st["E"][energetic] / st_truth["E"][energetic]))))
    out["acf_time"] = float(st["tau"])
    out["acf_time_error"] = float(abs(st["tau"] - st_truth["tau"]) / st_truth["tau"])
    out["std_w"] = float(v.std())
    return out, st


def short_metrics(out, name, starts, std):
    vpt, crps1, curves = [], [], []
    for s in starts:
        tp, P = load(os.path.join(out, f"short_{name}_{s:g}.h5"))
        _, S = load(os.path.join(out, "truth_a.h5"), s, s + tp[-1])
        P = np.where(np.isfinite(P), P, 1e6)[: S.shape[0]]
        mean = P.mean(axis=1)
        nrmse = np.sqrt(np.mean((mean - S[:, 0]) ** 2, axis=(1, 2))) / std
        over = np.nonzero(nrmse > 0.5)[0]
        vpt.append(float(tp[over[0]] * LAMBDA if over.size else tp[S.shape[0] - 1] * LAMBDA))
        i = int(np.argmin(np.abs(tp - 1 / LAMBDA)))
        x, y = P[i], S[i, 0]
        crps = np.mean(np.abs(x - y[None])) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))
        crps1.append(float(crps / std))
        curves.append(nrmse)
    n = min(c.size for c in curves)
    return ({"vpt_mean": float(np.mean(vpt)), "vpt_median": float(np.median(vpt)), "vpt_states": vpt,
             "crps_1lt": float(np.mean(crps1)), "states": len(starts), "ensemble": int(P.shape[1])},
            tp[:n] * LAMBDA, np.mean([c[:n] for c in curves], axis=0))


def per_unit(js, members, T):
    wall = json.load(open(js))["wall_time_s"]
    return {"wall_s": wall, "members": members, "time_units": T, "per_member_per_time_unit_s": wall / (members * T),
            "ensemble_per_time_unit_s": wall / T}


def main():
    a = argparse.ArgumentParser()
    a.add_argument("out")
    a.add_argument("--mode", default="quick")
    a.add_argument("--starts", default="40 55 70 85")
    a.add_argument("--tlong", type=float, default=100)
    args = a.parse_args()
    out, starts, TL = args.out, [float(s) for s in args.starts.split()], args.tlong
    global MODELS  # the kinds this run trained (the Fourier latent: the deterministic model only)
    MODELS = [(n, label) for n, label in MODELS if os.path.exists(os.path.join(out, f"long_{n}.h5"))]
    tA, A = load(os.path.join(out, "truth_a.h5"), T0, T0 + TL)
    _, B = load(os.path.join(out, "truth_b.h5"), T0, T0 + TL)
    dt = float(np.median(np.diff(tA)))
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
        _, U = load(os.path.join(out, f"long_{name}.h5"))
        m, st = long_metrics(U, A, stA, dt, std, energetic)
        m["lyapunov_times_pooled"] = float(TL * U.shape[1] * LAMBDA)
        res["long_horizon"][name] = m
        if st is not None:
            curves[label] = st
        res["short_horizon"][name], lt, short_curves[label] = short_metrics(out, name, starts, std)
        res["cost"][name] = per_unit(os.path.join(out, f"long_{name}.json"), U.shape[1], TL)
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
    c, d = res["long_horizon"].get("categorical", {}), res["long_horizon"].get("deterministic", {})
    g = lambda m, k: m.get(k, float("nan"))  # noqa: E731
    first = MODELS[0][0]
    res["targets"] = {"rollouts >= 100x faster than the solver per member per time unit": g(res["cost"][first], "speedup_per_member_vs_solver") >= 100,
                      "100% bounded": all(g(res["long_horizon"][n], "bounded_fraction") == 1.0 for n, _ in MODELS),
                      "ratio deterministic/categorical W1": g(d, "w1_over_std") / g(c, "w1_over_std"),
                      "ratio deterministic/categorical spectrum MALE": g(d, "spectrum_male") / g(c, "spectrum_male")}
    for n, _ in MODELS:  # whether the step clamps, and how often coordinates left the training box
        js = json.load(open(os.path.join(out, f"long_{n}.json")))
        res["long_horizon"][n].update({k: v for k, v in js.items() if "clamp" in k or "box" in k})
    tmp = os.path.join(out, "results.json.tmp")
    json.dump(res, open(tmp, "w"), indent=1)
    os.replace(tmp, os.path.join(out, "results.json"))
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
                     f"{f(m.get('acf_time_error'))} | {vpt} | {f(s['crps_1lt']) if s else ''} | {f(c['per_member_per_time_unit_s'])} | "
                     f"{f(c.get('speedup_per_member_vs_solver', 1.0))} |")
    lines += ["", "Targets (issue 16): " + "; ".join(f"{k}: {f(v) if isinstance(v, float) else v}" for k, v in res["targets"].items()), "",
              f"Machine: {json.dumps(res.get('machine'))}; load average at evaluation {res['load_average_at_evaluation']}"]
    text = "\n".join(lines) + "\n"
    print(text)
    open(os.path.join(out, "summary.md"), "w").write(text)


def plots(out, curves, lt, short_curves, starts, energetic):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = starts[0]
    _, S = load(os.path.join(out, "truth_a.h5"), s, s + 40)
    panels = []
    for t in (8, 40):
        i = int(round(t / 0.5))
        panels.append((f"truth, t0 + {t}", S[i, 0]))
        for n, label in MODELS:
            _, P = load(os.path.join(out, f"short_{n}_{s:g}.h5"))
            panels.append((f"{label.split(' (')[0]}{' sample' if n == 'categorical' else ''}, t0 + {t}", P[i, 0]))
    vmax = np.abs(S).max()
    fig, ax = plt.subplots(3, 3, figsize=(13, 12))
    for a, (label, w) in zip(ax[:2].ravel(), panels):
        a.imshow(w, origin="lower", cmap="RdBu_r", vmin=-vmax, vmax=vmax, extent=[0, 2 * np.pi, 0, 2 * np.pi])
        a.set_title(label, fontsize=9)
    for label, st in curves.items():
        ok = (st["k"] > 0) & (st["E"] > 0)
        ax[2, 0].loglog(st["k"][ok], st["E"][ok], label=label)
    ax[2, 0].set_xlabel("shell |k|")
    ax[2, 0].set_ylabel("E(k)")
    for name, label in [("truth_a.h5", "truth A"), ("truth_b.h5", "truth B")] + [(f"long_{n}.h5", l) for n, l in MODELS]:
        _, w = load(os.path.join(out, name), T0 if name.startswith("truth") else None)
        w = w[::4, :, ::2, ::2]
        w = w[np.isfinite(w) & (np.abs(w) < 100)]
        h, ed = np.histogram(w, bins=80, range=(-vmax, vmax), density=True)
        ax[2, 1].semilogy(0.5 * (ed[1:] + ed[:-1]), np.maximum(h, 1e-6), label=label)
    ax[2, 1].set_xlabel("w")
    ax[2, 1].set_ylabel("PDF")
    for label, c in short_curves.items():
        ax[2, 2].plot(lt, c, label=label)
    ax[2, 2].axhline(0.5, color="k", lw=0.5)
    ax[2, 2].set_xlabel("Lyapunov times from the held-out state")
    ax[2, 2].set_ylabel("normalised RMSE of the ensemble mean")
    for a in ax[2]:
        a.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "kolmogorov_surrogate.png"), dpi=90)


if __name__ == "__main__":
    main()
