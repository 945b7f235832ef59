#!/usr/bin/python3
"""The step-0.1 and step-0.2 models on held-out truth A only (step02-usability.sh's rollouts in DIR), with the case's
evaluate.py functions: long_metrics (W1 / std of w, spectrum MALE over the energetic shells, integral autocorrelation
time error, bounded members) of the 4 x 30 time units from truth A's states at t = 30 against truth A's t = 30..60, and
of the free runs' t = 130..2030 (the model's attractor, bounded or not) against the same 120 time units of truth (W1,
MALE and std(w): fields 10 apart); the bounded members of the free runs (finite and below 3 max|w| of truth A) and when
they first leave; short_metrics (VPT, CRPS at 1 Lyapunov time) from t = 30, 35, 40
(12 states). The truth here is 120 time units (15 Lyapunov times), so a floor: truth A's members 0, 1 against 2, 3.
usage: step02-usability.py DIR"""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", ".."))
import evaluate  # noqa: E402
import flow_stats  # noqa: E402  (evaluate.py put postprocess/ on the path)

out = sys.argv[1]
tA, A = evaluate.load(os.path.join(out, "truth_a.h5"), 30, 60)
dt, std, wmax = float(np.median(np.diff(tA))), float(A.std()), float(np.abs(A).max())
stA = evaluate.long_stats(A, dt)
energetic = (stA["k"] > 0) & (stA["E"] > 1e-3 * stA["E"].max())
fmt = lambda m: " ".join(f"{k} {m[k]:.4g}" if isinstance(m[k], float) else f"{k} {m[k]}" for k in ("bounded_fraction", "w1_over_std", "spectrum_male", "acf_time_error", "acf_time", "std_w") if k in m)  # noqa: E731
print(f"truth A t = 30..60: 4 members, std(w) {std:.4g}, ACF time {stA['tau']:.4g}, max|w| {wmax:.4g}, energetic shells {np.nonzero(energetic)[0].tolist()}")
half = evaluate.long_stats(A[:, :2], dt)
m, _ = evaluate.long_metrics(A[:, 2:], A[:, :2], half, dt, std, energetic)
print(f"floor (truth A members 2, 3 against 0, 1, 60 time units each): {fmt(m)}")
for name in ("deterministic01", "deterministic02", "categorical01", "categorical02"):
    _, U = evaluate.load(os.path.join(out, f"stats_{name}.h5"))  # rollout times 0..30: truth A's 30..60
    m, _ = evaluate.long_metrics(U, A, stA, dt, std, energetic)
    print(f"{name} t = 30..60 from truth A's states: {fmt(m)}")
    tf, F = evaluate.load(os.path.join(out, f"free_{name}.h5"))
    keep = flow_stats.bounded_members(F, wmax)
    Fa = F[tf >= 100 - 1e-9]  # rollout time 100: t = 130
    big = np.abs(F).max(axis=(2, 3)) >= 3 * wmax
    first = [f"{tf[np.argmax(big[:, j])]:g}" if big[:, j].any() else "never" for j in range(F.shape[1])]
    win = [f"{Fa[i:i + 50].std():.2f}" for i in range(0, Fa.shape[0] - 49, 50)]
    m = {"w1_over_std": float(evaluate.wasserstein_distance(Fa[:, :, ::2, ::2].ravel(), A[::2, :, ::2, ::2].ravel()) / std),
         "spectrum_male": float(np.mean(np.abs(np.log(flow_stats.spectrum(Fa, 2 * np.pi, 2)[1][energetic] / stA["E"][energetic])))), "std_w": float(Fa.std())}
    print(f"{name} free run of {tf[-1]:g} time units (a field every {tf[1] - tf[0]:g}): bounded {int(keep.sum())} of {keep.size} (first |w| >= 3 max|w| of truth A at "
          f"{', '.join(first)} time units), max|w| {np.abs(F).max():.4g}; all members from t = 130, against truth A's 30..60: {fmt(m)}; std(w) per 500 time units {' '.join(win)}")
    nb = [flow_stats.bounded_members(evaluate.load(os.path.join(out, f"short_{name}_{t:g}.h5"))[1], wmax) for t in (30, 35, 40)]
    s, _, _ = evaluate.short_metrics(out, name, [30.0, 35.0, 40.0], std)
    print(f"{name} short (12 states, 20 time units, {s['ensemble']} per state): VPT mean {s['vpt_mean']:.3f} median {s['vpt_median']:.3f} LT "
          f"({' '.join(f'{v:.2f}' for v in s['vpt_states'])}); CRPS/std at 1 LT {s['crps_1lt']:.3f}; short rollouts bounded {sum(int(b.sum()) for b in nb)} of {sum(b.size for b in nb)}")
