#!/usr/bin/python3
"""regression.flow_metrics: the figures the surrogate cases report, against answers known without the code under test.

postprocess/flow_stats.py (both cases):
  spectrum, 1-D: single Fourier modes (the mean, a wavenumber, the Nyquist mode of an even grid) put their energy
    mean(u^2) / 2 in their own bin, and the bins sum to mean(u^2) / 2 (Parseval);
  spectrum, 2-D (vorticity w on [0, 2 pi)^2): a mode k puts the kinetic energy |w_k|^2 / (2 |k|^2) of its velocity
    (from the streamfunction, computed here by hand) in shell rint(|k|);
  autocorrelation and integral_time: an AR(1) series of coefficient phi has the autocorrelation phi^l and the integral
    time sum_l phi^l - 1/2 (trapezoid) = (1 + phi) / (2 (1 - phi)) steps; exp(-t / tau) integrates to tau (1 - exp(-T / tau));
    a curve that crosses zero is integrated up to its last positive lag only.
  flow_stats.py's JSON and line (a run of the script): a field constant in time has no autocorrelation time (null with
    a note, and the JSON is standard: no NaN); one whose autocorrelation stays positive over the 200 lags is flagged
    autocorrelation_crosses_zero = false and printed as a lower bound; one that crosses zero is flagged true.
cases/ks-surrogate/evaluate.py:
  crps_ensemble equals the CRPS's definition, the integral of (F_ensemble(z) - H(z - y))^2 over z, done on a grid;
  spread_skill (through short_metrics): 2 members at c +- a, the truth at c + b: sqrt(3) a / |b| exactly;
  Blocks.resample (the bootstrap's, which ks_long_acf stubs): an AR(1) run's autocorrelation time as the whole run's,
    and the same for 3 u; long_metrics' W1 / std: 1.2 u against u is 0.2 mean|u| / std (std the truth's, given);
  short_metrics: the valid prediction time is the first saved time at which the normalised RMSE of the ensemble mean
    exceeds 0.5, member k is paired with state k mod states, a state that never exceeds it counts with the horizon;
    one state: vpt_se null with a note (not NaN); rollouts of 1.44 Lyapunov times: the figures at 2 and over 5 null
    with a note (not the last time's);
  long_metrics: an autocorrelation without a zero crossing in the window flagged (acf_crosses_zero false, a note, the
    summary's mark); a run collapsed to u = 0: autocorrelation time error and spectrum error null with notes, no
    warning; error_bars on it: 'beyond the noise' null, printed undefined (not 'within the noise').
cases/kolmogorov-surrogate/evaluate.py:
  short_metrics, from trajectory files written here: the same valid prediction time and pairing, the CRPS at one
    Lyapunov time of a single forecast equal to its mean absolute error, of 2 members at +- 0.4 about it by hand; rollouts shorter than 1 Lyapunov time:
    crps_1lt null with a note;
  block_stats + block_metrics: W1 / std from the pooled histograms within a bin of scipy's on the raw samples, and
    zero spectrum and autocorrelation errors for a run against itself.
"""
import importlib.util
import os
import sys
import tempfile

import h5py
import numpy as np
from scipy.signal import lfilter
from scipy.stats import wasserstein_distance

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..")
sys.path.insert(0, os.path.join(root, "postprocess"))
import flow_stats  # noqa: E402


def load_case(name):
    spec = importlib.util.spec_from_file_location(f"evaluate_{name.replace('-', '_')}", os.path.join(root, "cases", name, "evaluate.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ks = load_case("ks-surrogate")
kol = load_case("kolmogorov-surrogate")
failures = []


def check(what, got, want, tol, absolute=False):
    err = abs(got - want) if absolute else abs(got - want) / max(abs(want), 1e-300)
    ok = bool(np.isfinite(got) and err <= tol)
    print(f"{what}: {got:.10g} (expected {want:.10g}, {'abs' if absolute else 'rel'} err {err:.2g} <= {tol:g}): {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append(what)


def spectrum_1d():
    n, L = 64, 22.0
    x = np.arange(n) * L / n
    for idx, amp in ((0, 0.7), (3, 1.3), (n // 2, 0.9)):  # the mean, a wavenumber, the Nyquist mode
        u = amp * np.cos(2 * np.pi * idx * x / L + (0.4 if 0 < idx < n // 2 else 0))
        field = np.broadcast_to(u, (3, 2, n))
        k, e = flow_stats.spectrum(field, L, 1)
        check(f"1-D spectrum: mode {idx}'s wavenumber", k[idx], 2 * np.pi * idx / L, 1e-12)
        check(f"1-D spectrum: mode {idx}'s energy, mean(u^2) / 2", e[idx], 0.5 * np.mean(u * u), 1e-12)
        check(f"1-D spectrum: energy outside mode {idx}", np.delete(e, idx).sum(), 0.0, 1e-12 * amp * amp, absolute=True)
    for m in (n, n - 1):  # even (a Nyquist mode) and odd (none)
        u = np.random.default_rng(1).standard_normal((5, 3, m))
        check(f"1-D spectrum: Parseval on random fields, {m} points", flow_stats.spectrum(u, L, 1)[1].sum(), 0.5 * np.mean(u * u), 1e-12)


def velocity_energy(w):
    """Kinetic energy mean(|u|^2) / 2 of w on [0, 2 pi)^2, u = (d psi / dy, -d psi / dx), -lap psi = w: by hand."""
    n = w.shape[-1]
    kk = np.fft.fftfreq(n, 1.0 / n)
    ky, kx = np.meshgrid(kk, kk, indexing="ij")
    k2 = kx ** 2 + ky ** 2
    k2[0, 0] = 1.0
    ph = np.fft.fft2(w) / k2
    ph[0, 0] = 0.0
    ux = np.real(np.fft.ifft2(1j * ky * ph))
    uy = np.real(np.fft.ifft2(-1j * kx * ph))
    return 0.5 * np.mean(ux * ux + uy * uy)


def spectrum_2d():
    n = 32
    g = np.arange(n) * 2 * np.pi / n
    y, x = np.meshgrid(g, g, indexing="ij")
    for kx, ky, shell in ((3, 4, 5), (1, 1, 1), (2, 2, 3), (0, 7, 7)):
        w = 1.7 * np.cos(kx * x + ky * y + 0.3)
        k, e = flow_stats.spectrum(np.broadcast_to(w, (2, 3, n, n)), 2 * np.pi, 2)
        want = velocity_energy(w)
        check(f"2-D spectrum: w = cos({kx} x + {ky} y), velocity energy in shell {shell}", e[shell], want, 1e-12)
        check("2-D spectrum: the same, a^2 / (4 |k|^2)", want, 1.7 ** 2 / (4 * (kx * kx + ky * ky)), 1e-12)
        check(f"2-D spectrum: energy outside shell {shell}", np.delete(e, shell).sum(), 0.0, 1e-12, absolute=True)
    wh = np.fft.fft2(np.random.default_rng(2).standard_normal((n, n)))
    wh[n // 2, :] = wh[:, n // 2] = 0  # no Nyquist modes: their derivative, and so their velocity, is not defined
    w = np.real(np.fft.ifft2(wh))
    check("2-D spectrum: Parseval on a random field", flow_stats.spectrum(w[None, None], 2 * np.pi, 2)[1].sum(), velocity_energy(w), 1e-12)
    # a box of side L = 4 pi: wavenumbers 2 pi / L times integers, the velocity energy a^2 / (4 |k|^2) of those (the
    # box was taken as 2 pi whatever L: wavenumbers 2x, energies 1/4 of these)
    L = 4 * np.pi
    y, x = np.meshgrid(np.arange(n) * L / n, np.arange(n) * L / n, indexing="ij")
    kx, ky, shell = 3, 4, 5
    w = 1.7 * np.cos(2 * np.pi / L * (kx * x + ky * y) + 0.3)
    k, e = flow_stats.spectrum(w[None, None], L, 2)
    check(f"2-D spectrum, box side {L:g}: shell {shell}'s wavenumber", k[shell], 2 * np.pi / L * shell, 1e-12)
    check(f"2-D spectrum, box side {L:g}: velocity energy in shell {shell}", e[shell], 1.7 ** 2 / (4 * (2 * np.pi / L) ** 2 * (kx * kx + ky * ky)), 1e-12)


def autocorrelation():
    phi, nt = 0.8, 400000
    rng = np.random.default_rng(4)
    e = rng.standard_normal((nt, 4)) * np.sqrt(1 - phi ** 2)
    e[0] = rng.standard_normal(4)  # x_0 from the stationary distribution
    xs = lfilter([1.0], [1.0, -phi], e, axis=0)  # x_t = phi x_(t-1) + e_t
    xs = 3.0 + 2.0 * xs  # a mean and a variance that the normalisation must take out
    lag, c, tau = flow_stats.autocorrelation(xs[:, :, None], 0.5, 60)
    check("autocorrelation: lag axis, 60 lags of 0.5", lag[-1], 30.0, 1e-12)
    check("autocorrelation of AR(1) at lag 1: phi", c[1], phi, 0.01, absolute=True)
    check("autocorrelation of AR(1) at lag 5: phi^5", c[5], phi ** 5, 0.01, absolute=True)
    # to the first zero crossing: the sum of phi^l over the lags before it, minus half of c[0], times dt
    zero = int(np.argmax(c <= 0))
    want = 0.5 * (np.sum(phi ** np.arange(zero)) - 0.5 - 0.5 * phi ** (zero - 1))
    check("integral time of AR(1), dt 0.5: 0.5 (1 + phi) / (2 (1 - phi)) = 2.25", tau, want, 0.04)
    dt, T, t0 = 0.01, 5.0, 1.3
    c = np.exp(-np.arange(int(round(T / dt)) + 1) * dt / t0)
    check("integral_time of exp(-t / 1.3) over 5", flow_stats.integral_time(c, dt), t0 * (1 - np.exp(-T / t0)), 1e-4)
    c = np.cos(np.arange(400) * dt)  # first lag <= 0 at t = 1.58 (pi / 2 = 1.5708 lies between 1.57 and 1.58)
    check("integral_time of cos(t): up to t = 1.57, sin(1.57) to trapezoid error", flow_stats.integral_time(c, dt), np.sin(1.57), 1e-5)


def crps():
    rng = np.random.default_rng(5)
    z = np.linspace(-12, 12, 480001)
    dz = z[1] - z[0]
    for E in (1, 2, 5):
        x = rng.standard_normal((E, 3))
        y = rng.standard_normal(3)
        got = ks.crps_ensemble(x, y)
        for p in range(3):
            F = np.mean(x[:, p][:, None] <= z[None, :], axis=0)
            H = (z >= y[p]).astype(float)
            check(f"CRPS of a {E}-member ensemble at point {p}: the integral definition", got[p], np.sum((F - H) ** 2) * dz, (E + 1) * dz, absolute=True)  # F jumps E times, H once: one cell each


def ks_short():
    """3 states, 4 members each; member k (k = e * 3 + s) from state s; the ensemble mean drifts from state s's truth
    at rate c_s along a unit-RMS direction, the members offset from it by constants of mean zero: nrmse_s(t) = c_s t / std."""
    rng = np.random.default_rng(6)
    nt, S, E, N, dt, std = 201, 3, 4, 16, 0.5, 2.0
    t = 100 + dt * np.arange(nt)
    v = rng.standard_normal(N)
    v /= np.sqrt(np.mean(v * v))
    rates = [0.047, 0.013, 0.0]  # crossing 0.5 at 21.3 and 76.9 time units, between saved times; never
    truth = rng.standard_normal((nt, S, N))
    offset = [0.2, -0.2, 0.1, -0.1]  # member e's constant offset: the ensemble is not one forecast repeated, its mean is
    pred = np.empty((nt, E * S, N))
    for s in range(S):
        for e in range(E):
            pred[:, e * S + s] = truth[:, s] + rates[s] * (t - t[0])[:, None] * v + offset[e]
    out, _, _ = ks.short_metrics(pred, truth, t, std, S)
    lam = ks.LAMBDA
    for s, rate in enumerate(rates):
        if rate:
            cross = 0.5 * std / rate  # time units after the start
            want = (np.floor(cross / dt + 1e-9) + 1) * dt * lam
        else:
            want = (t[-1] - t[0]) * lam
        check(f"KS short_metrics: state {s}'s valid prediction time (rate {rate})", out["vpt_states"][s], want, 1e-12)
    check("KS short_metrics: states at the horizon", out["vpt_at_horizon"], 1, 0, absolute=True)
    check("KS short_metrics: ensemble size", out["ensemble"], E, 0, absolute=True)

    def holds(what, ok):
        print(f"{what}: {'ok' if ok else 'FAIL'}")
        if not ok:
            failures.append(what)
    # one start state: no standard error (not NaN); rollouts of 1.44 Lyapunov times: nothing at 2 or over 5 (not the
    # last time's figure)
    one, _, _ = ks.short_metrics(pred[:, 0::S], truth[:, :1], t, std, 1)
    holds("KS short_metrics, one state: vpt_se null with a note", one["vpt_se"] is None and "one start state" in one.get("vpt_se_note", ""))
    n = int(round(1.44 / lam / dt)) + 1
    short, _, _ = ks.short_metrics(pred[:n], truth[:n], t[:n], std, S)
    holds("KS short_metrics, 1.44-LT rollouts: crps_1lt a number", isinstance(short["crps_1lt"], float))
    holds("KS short_metrics, 1.44-LT rollouts: crps_2lt, crps_mean_5lt, spread_skill_2lt and _pooled_5lt null with a note",
          all(short[k] is None for k in ("crps_2lt", "crps_mean_5lt", "spread_skill_2lt", "spread_skill_pooled_5lt"))
          and "crps_2lt" in short.get("horizon_note", ""))


def ks_long_acf():
    """KS long_metrics: a run whose autocorrelation stays positive over the 200-time-unit window is flagged (its time a
    lower bound, acf_crosses_zero false, a note; the summary marks it); a run that collapsed to u = 0 (bounded, constant
    in time) has an undefined autocorrelation time and spectrum error: null with notes, not NaN or inf."""
    dt, N = 1.0, 16
    t = np.arange(1000.0)
    x = np.linspace(0, 2 * np.pi, N, endpoint=False)
    wave = lambda period: np.sin(x[None, None, :] - 2 * np.pi * t[:, None, None] / period)  # noqa: E731
    truth = wave(40.0) * np.ones((1, 2, 1))  # first zero of the autocorrelation at lag 10
    st = ks.long_stats(truth, dt)
    energetic = (st["k"] > 0) & (st["E"] > 1e-3 * st["E"].max())
    std = float(truth.std())
    slow, _, _ = ks.long_metrics(wave(2000.0) * np.ones((1, 2, 1)), truth, st, dt, std, energetic)  # positive to lag 500
    ok = slow.get("acf_crosses_zero") is False and "lower bound" in slow.get("acf_note", "") and "a bound" in flow_stats.acf_mark(slow)
    print(f"KS long_metrics, no zero crossing in the window: flagged: {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append("KS long_metrics, no zero crossing in the window: acf_crosses_zero false, a note, marked in the summary")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0 / 0, no log 0
        try:
            flat, _, _ = ks.long_metrics(np.zeros((t.size, 2, N)), truth, st, dt, std, energetic)
        except (RuntimeWarning, FloatingPointError) as e:
            flat = {"error": str(e)}
    ok = flat.get("acf_time_error", 0) is None and flat.get("spectrum_male", 0) is None and "acf_note" in flat and "spectrum_note" in flat
    print(f"KS long_metrics, a run collapsed to u = 0: undefined figures null with notes: {'ok' if ok else 'FAIL'} {flat if not ok else ''}")
    if not ok:
        failures.append("KS long_metrics, a run collapsed to u = 0: acf_time_error and spectrum_male null with notes")
    # error_bars on such runs: the difference's sd undefined, so "beyond the noise" undefined, printed so (not "within")
    L = {"categorical": {"w1_over_std": 0.1, "spectrum_male": 0.2, "acf_time_error": 0.1}, "deterministic": dict(flat, w1_over_std=0.2)}
    res = {"long_horizon": L, "short_horizon": {}}
    boot, ks.bootstrap_long = ks.bootstrap_long, lambda *a: ({}, {"w1_over_std": 0.01, "spectrum_male": float("nan"), "acf_time_error": float("nan")}, 10.0, 4)
    try:
        ks.error_bars(res, {}, None, dt, 1.0, std, energetic)
    finally:
        ks.bootstrap_long = boot
    L["bootstrap"], L["sampling_noise (solver run B vs A)"] = {"resamples": 1, "block_time_units": 10.0, "blocks_of_truth_A": 4}, {}
    text = "\n".join(ks.error_bar_lines(res, lambda v: "n/a" if v is None or not np.isfinite(v) else f"{v:.4g}"))
    d = L["deterministic - categorical"]
    ok = d["spectrum_male"]["beyond the noise"] is None and d["w1_over_std"]["beyond the noise"] is True and "(undefined)" in text and "within" not in text
    print(f"KS error_bars, an undefined figure: 'beyond the noise' undefined: {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append("KS error_bars, an undefined figure or sd: 'beyond the noise' null, printed undefined (not within the noise)")


def ks_spread_skill():
    """KS spread_skill through short_metrics, an exact case: one state, 2 members at c +- a(t), the truth at c + b, so
    the ensemble's unbiased variance 2 a^2 times (E + 1) / E = 3 / 2 is 3 a^2 and the ensemble mean's squared error
    b^2: the ratio is sqrt(3) a / |b| at a time, sqrt(3 sum a^2 / sum b^2) pooled."""
    rng = np.random.default_rng(9)
    lam, dt, N, b = ks.LAMBDA, 0.5, 16, 0.2
    t = 10 + dt * np.arange(int(round(5.5 / lam / dt)) + 1)  # 5.5 Lyapunov times
    a = 0.3 + 0.01 * (t - t[0])
    truth = rng.standard_normal((t.size, 1, N))
    c = truth - b
    pred = np.concatenate([c + a[:, None, None], c - a[:, None, None]], axis=1)  # member k from state k mod 1
    out, _, _ = ks.short_metrics(pred, truth, t, 1.0, 1)
    lt = (t - t[0]) * lam
    for x in (1, 2):
        i = int(np.argmin(np.abs(lt - x)))
        check(f"KS spread-skill at {x} LT, 2 members at c +- a, truth c + b: sqrt(3) a / |b|", out[f"spread_skill_{x}lt"], np.sqrt(3) * a[i] / b, 1e-12)
    sl = lt <= 5
    check("KS spread-skill pooled over 5 LT: sqrt(3 sum a^2 / sum b^2)", out["spread_skill_pooled_5lt"], np.sqrt(3 * np.sum(a[sl] ** 2) / (sl.sum() * b * b)), 1e-12)


def ks_bootstrap_blocks():
    """KS Blocks.resample (the real one; ks_long_acf stubs bootstrap_long): on all blocks of an AR(1) run its
    autocorrelation time is the whole run's (flow_stats.autocorrelation) but for the lag pairs across block ends, and
    an autocorrelation time does not depend on the amplitude: u and 3 u give the same."""
    rng = np.random.default_rng(10)
    phi, nt, dt, nb, lags = 0.9, 4000, 0.5, 400, 100
    u = 2 * lfilter([1.0], [1.0, -phi], rng.standard_normal((nt, 2, 8)) * np.sqrt(1 - phi ** 2), axis=0) + 0.5  # variance 4
    blocks = ks.Blocks(u, dt, nb, lags)
    idx = np.arange(len(blocks.w1))
    tau = blocks.resample(idx, dt)[2]
    whole = flow_stats.autocorrelation(u, dt, lags)[2]
    check("KS Blocks.resample: AR(1) phi 0.9 autocorrelation time on all blocks, against the whole run's", tau, whole, 0.03)
    check("KS Blocks.resample: the same, (1 + phi) / (2 (1 - phi)) dt = 4.75", tau, (1 + phi) / (2 * (1 - phi)) * dt, 0.1)
    check("KS Blocks.resample: autocorrelation time of 3 u equals u's", ks.Blocks(3 * u, dt, nb, lags).resample(idx, dt)[2], tau, 1e-12)


def ks_long_w1():
    """KS long_metrics' W1 / std: a model run 2 u against the truth u (same sample sizes, same times) has the sorted
    coupling |2 x - x|, so W1 = mean |u| exactly; it is divided by the std given (the truth's), not the model's."""
    rng = np.random.default_rng(11)
    dt, N = 1.0, 16
    truth = rng.standard_normal((400, 2, N))
    st = ks.long_stats(truth, dt)
    energetic = (st["k"] > 0) & (st["E"] > 1e-3 * st["E"].max())
    std = 1.7  # any positive scale: the figure divides by the one given
    out, _, _ = ks.long_metrics(1.2 * truth, truth, st, dt, std, energetic)  # 1.2 u stays within the bound (3 max|u|)
    sub = max(1, int(round(2 / dt)))
    check("KS long_metrics: W1 of 1.2 u against u, over std: 0.2 mean|u| / std", out["w1_over_std"], 0.2 * np.mean(np.abs(truth[::sub])) / std, 1e-12)


def write_trajectory(path, t, w):
    with h5py.File(path, "w") as h:
        h.attrs["field"] = np.bytes_("w")
        h.attrs["complete"] = 1  # as a finished run's (flow_stats.load_window refuses others)
        h["time"] = t
        h["w"] = w


def flow_stats_json(tmp):
    import json
    import subprocess

    def holds(what, ok):
        print(f"{what}: {'ok' if ok else 'FAIL'}")
        if not ok:
            failures.append(what)

    t = np.arange(2000.0)
    fields = {"steady": np.zeros((t.size, 1, 4)),  # u = 0: the variance about the time mean is 0
              "slow": np.broadcast_to(np.cos(2 * np.pi * t / 2000)[:, None, None], (t.size, 1, 4)),  # positive to lag 500
              "fast": np.broadcast_to(np.cos(2 * np.pi * t / 100)[:, None, None], (t.size, 1, 4))}  # first zero at lag 25
    for name, u in fields.items():
        f, out = os.path.join(tmp, f"{name}.h5"), os.path.join(tmp, f"{name}.json")
        with h5py.File(f, "w") as h:
            h.attrs["field"] = np.bytes_("u")
            h.attrs["complete"] = 1
            h.attrs["L"] = 22.0  # a KS trajectory's domain length, which flow_stats.py's spectrum needs
            h["time"] = t
            h["u"] = u
        p = subprocess.run([sys.executable, os.path.join(root, "postprocess", "flow_stats.py"), f, "--json", out],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        holds(f"flow_stats.py on the {name} field: exit status", p.returncode == 0)
        holds(f"flow_stats.py on the {name} field: no warning", "Warning" not in p.stdout)

        def no_constant(c):
            raise ValueError(f"non-standard JSON constant {c}")
        try:
            s = json.load(open(out), parse_constant=no_constant)
        except ValueError as e:
            holds(f"flow_stats.py on the {name} field: standard JSON ({e})", False)
            continue
        line = p.stdout.strip().splitlines()[-1]
        if name == "steady":
            holds("steady field: autocorrelation_time null", s["autocorrelation_time"] is None)
            holds("steady field: a note says why", "does not change in time" in s.get("autocorrelation_note", ""))
            holds("steady field: the line says undefined", "autocorrelation time undefined" in line)
        elif name == "slow":
            holds("slow field: autocorrelation_crosses_zero false", s.get("autocorrelation_crosses_zero") is False)
            holds("slow field: a note names the lower bound", "lower bound" in s.get("autocorrelation_note", ""))
            holds("slow field: the line prints >= (a lower bound)", "autocorrelation time >= " in line)
        else:
            holds("fast field: autocorrelation_crosses_zero true", s.get("autocorrelation_crosses_zero") is True)
            holds("fast field: no note", "autocorrelation_note" not in s)
            check("fast field: integral time to the first zero, 100 / (2 pi)", s["autocorrelation_time"], 100 / (2 * np.pi), 0.02)


def kolmogorov_short(tmp):
    rng = np.random.default_rng(7)
    M, n, std, dt = 2, 8, 1.5, 0.5
    starts = [40.0, 55.0]
    tA = 30 + dt * np.arange(200)
    A = rng.standard_normal((tA.size, M, n, n))
    write_trajectory(os.path.join(tmp, "truth_a.h5"), tA, A)
    v = rng.standard_normal((n, n))
    v /= np.sqrt(np.mean(v * v))
    rates = {0: 0.093, 1: 0.02}  # per truth member: crossing 0.5 at 8.06 and 37.5 time units (between saved times)
    tp = dt * np.arange(41)  # 20 time units: member 1 never crosses
    for s in starts:
        i0 = int(round((s - tA[0]) / dt))
        P = np.empty((tp.size, 2 * M, n, n))  # member k from truth member k mod M
        for k in range(2 * M):
            j = k % M
            P[:, k] = A[i0:i0 + tp.size, j] + rates[j] * tp[:, None, None] * v + (0.4 if k < M else -0.4)
        write_trajectory(os.path.join(tmp, f"short_cat_{s:g}.h5"), tp, P)
        write_trajectory(os.path.join(tmp, f"short_det_{s:g}.h5"), tp, P[:, :M])  # one forecast per state
    out, _, _ = kol.short_metrics(tmp, "cat", starts, std)
    want = [(np.floor(0.5 * std / rates[0] / dt + 1e-9) + 1) * dt * kol.LAMBDA, tp[-1] * kol.LAMBDA] * len(starts)
    for i, (g, w) in enumerate(zip(out["vpt_states"], want)):
        check(f"Kolmogorov short_metrics: valid prediction time {i} (start {starts[i // M]:g}, member {i % M})", g, w, 1e-12)
    check("Kolmogorov short_metrics: ensemble size", out["ensemble"], 2, 0, absolute=True)
    det, _, _ = kol.short_metrics(tmp, "det", starts, std)
    i = int(np.argmin(np.abs(tp - 1 / kol.LAMBDA)))
    mae = np.mean([np.mean(np.abs(rates[j] * tp[i] * v + 0.4)) for j in range(M)]) / std
    check("Kolmogorov short_metrics: CRPS at 1 LT of a single forecast = its mean abs error / std", det["crps_1lt"], mae, 1e-12)
    # 2 members y + d +- 0.4 (d = rate t v): CRPS = (|d + 0.4| + |d - 0.4|) / 2 - (1/2) mean_ij |x_i - x_j|, the last
    # mean (0 + 0.8 + 0.8 + 0) / 4 = 0.4, so CRPS = mean(|d + 0.4| + |d - 0.4|) / 2 - 0.2, per state, over std
    crps2 = np.mean([np.mean(np.abs(rates[j] * tp[i] * v + 0.4) + np.abs(rates[j] * tp[i] * v - 0.4)) / 2 - 0.2 for j in range(M)]) / std
    check("Kolmogorov short_metrics: CRPS at 1 LT of 2 members at +- 0.4 about the forecast (by hand)", out["crps_1lt"], crps2, 1e-12)
    tq = tp[:13]  # 6 time units: less than 1 Lyapunov time (8)
    for s in starts:
        with h5py.File(os.path.join(tmp, f"short_det_{s:g}.h5"), "r") as h:
            write_trajectory(os.path.join(tmp, f"short_shortdet_{s:g}.h5"), tq, h["w"][: tq.size])
    q, _, _ = kol.short_metrics(tmp, "shortdet", starts, std)
    if q["crps_1lt"] is not None or "horizon_note" not in q:
        print("Kolmogorov short_metrics, rollouts shorter than 1 LT: crps_1lt not null: FAIL", q["crps_1lt"])
        failures.append("Kolmogorov short_metrics, rollouts shorter than 1 LT: crps_1lt null with a note")


def kolmogorov_blocks():
    rng = np.random.default_rng(8)
    dt, nt = 1.0, 4000  # 16 blocks of 250 time units per member

    def correlated(scale, shift, members, phi):  # AR(1) in time: integral time (1 + phi) / (2 (1 - phi)) steps
        x = lfilter([1.0], [1.0, -phi], rng.standard_normal((nt, members, 8, 8)) * np.sqrt(1 - phi ** 2), axis=0)
        return scale * x + shift

    a, b = correlated(1.0, 0.0, 2, 0.7), correlated(1.3, 0.2, 3, 0.5)  # samples of different sizes
    wmax = np.abs(a).max()
    edges = np.linspace(-3 * wmax, 3 * wmax, 24001)
    dx = edges[1] - edges[0]
    sa, sb = kol.block_stats(a, dt, edges), kol.block_stats(b, dt, edges)
    ia, ib = np.arange(len(sa["H"])), np.arange(len(sb["H"]))
    std = a.std()
    energetic = sa["E"].mean(axis=0) > 0
    got = kol.block_metrics(sb, sa, ib, ia, dx, std, energetic)
    want = wasserstein_distance(b[:, :, ::2, ::2].ravel(), a[:, :, ::2, ::2].ravel()) / std
    check("Kolmogorov block_metrics: W1 / std from the histograms, against scipy's on the samples (within a bin)", got[0], want, 2 * dx / std, absolute=True)
    ea, eb = flow_stats.spectrum(a, 2 * np.pi, 2)[1], flow_stats.spectrum(b, 2 * np.pi, 2)[1]  # whole runs, no blocks
    check("Kolmogorov block_metrics: spectrum MALE, the blocks' pooled spectra against the whole runs'", got[1], np.mean(np.abs(np.log(eb[energetic] / ea[energetic]))), 1e-12)
    ta = kol.block_metrics(sa, sa, ia, ia, dx, std, energetic)[3]
    # the blocks' pooled autocorrelation is the whole run's (flow_stats.autocorrelation, tested above) but for the lag
    # pairs across block ends; both near the AR(1) value, within the positive bias of integrating a noisy tail up to
    # its first zero
    for name, t, x, phi in (("phi 0.5", got[3], b, 0.5), ("phi 0.7", ta, a, 0.7)):
        whole = flow_stats.autocorrelation(x[:, :, ::4, ::4], dt, 60)[2]
        check(f"Kolmogorov block_metrics: autocorrelation time of AR(1) {name}, against the whole run's", t, whole, 0.03)
        check(f"Kolmogorov block_metrics: autocorrelation time of AR(1) {name}: (1 + phi) / (2 (1 - phi))", t, (1 + phi) / (2 * (1 - phi)), 0.08)
    check("Kolmogorov block_metrics: autocorrelation time error |1.5 - 2.83| / 2.83", got[2], abs(got[3] - ta) / ta, 1e-12)
    same = kol.block_metrics(sa, sa, ia, ia, dx, std, energetic)
    check("Kolmogorov block_metrics: a run against itself, W1", same[0], 0.0, 1e-15, absolute=True)
    check("Kolmogorov block_metrics: a run against itself, spectrum MALE", same[1], 0.0, 1e-15, absolute=True)
    check("Kolmogorov block_metrics: a run against itself, autocorrelation time error", same[2], 0.0, 1e-15, absolute=True)


def main():
    spectrum_1d()
    spectrum_2d()
    autocorrelation()
    crps()
    ks_short()
    ks_spread_skill()
    ks_bootstrap_blocks()
    ks_long_w1()
    ks_long_acf()
    with tempfile.TemporaryDirectory() as tmp:
        kolmogorov_short(tmp)
        flow_stats_json(tmp)
    kolmogorov_blocks()
    print(f"{len(failures)} failed: {failures}" if failures else "all passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
