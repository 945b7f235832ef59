#!/usr/bin/python3
"""Statistics and plots of a flow trajectory (snaps-ks, snaps-kolmogorov, or a surrogate rollout: one format).

usage: flow_stats.py TRAJECTORY.h5 [--skip T] [--json OUT.json] [--png OUT.png] [--label NAME] [--acf_window T]

Statistics over the saved times after --skip and over all members:
  mean, std and PDF of the field (u or w); the energy spectrum (KS: E(k) = <|u_k|^2>/2 per wavenumber 2 pi k / L,
  L the file's attribute, which a KS trajectory must have;
  2-D: shell sums of |u_k|^2/2 = |w_k|^2 / (2|k|^2) over integer |k|); the autocorrelation of the field at a
  point (averaged over points and members) and its integral time (integrated to the first zero crossing; where
  the autocorrelation stays positive over the window, the integral over the window, a lower bound, flagged by
  autocorrelation_crosses_zero = false; a field that does not change in time has none: null, with a note; so do
  fewer than 2 lags (a record of fewer than 9 saved times, or a window under 2 save intervals) and an
  autocorrelation already <= 0 at the first lag (the time is below the save interval: crosses_zero true).
  The autocorrelation is taken about the mean pooled over the saved times, the members and x (the last axis: KS and
  Kolmogorov flow are statistically homogeneous in x; Kolmogorov's mean varies with y, so each row y keeps its own),
  not about each point's own time mean, which biases it low by about 2 tau / T on a record of T time units (and makes
  it cross zero however short the record). Lags run to --acf_window time units (default 200), at most a quarter of
  the record (longer lags average too few products). record_over_tau is the record's length over the time found;
  below 50 a note says that the figure is rough (and may be low: the pooled mean is still the record's own).
  means and standard deviations of the diagnostics (energy, enstrophy, dissipation, energy_input, ...).
The JSON holds the figures and the curves, so runs (and surrogate rollouts) can be compared.

Error bars of such statistics, for the cases that compare runs (cases/ks-surrogate, cases/kolmogorov-surrogate):
block_slices cuts a run into blocks of one member's stretch of saved times, block_bootstrap redraws the blocks of
every side with replacement and recomputes the figures, bounded_members picks the members a statistic may use and
w1_sorted is the Wasserstein-1 distance of two pooled samples. Tested by regression.flow_stats_bootstrap.
"""
import argparse
import os

import numpy as np

import atomic
import checks


def spectrum(field, length, sdim):
    """Energy spectrum averaged over the leading (time x member) axes; length: the side of the periodic domain (2-D: the
    square box [0, length)^2, whose wavenumbers are 2 pi / length times integers, shells by that integer)."""
    n = field.shape[-1]
    if sdim == 1:
        uh = np.fft.rfft(field, axis=-1) / n
        e = 0.5 * np.mean(np.abs(uh) ** 2, axis=tuple(range(field.ndim - 1)))
        e[1:(n + 1) // 2] *= 2  # the rfft keeps one of each +-k pair; the Nyquist mode of an even n has no pair
        k = 2 * np.pi / length * np.arange(e.size)
        return k, e
    wh = np.fft.fft2(field, axes=(-2, -1)) / (n * n)
    ky = np.fft.fftfreq(n, 1.0 / n)[:, None]
    kx = np.fft.fftfreq(n, 1.0 / n)[None, :]
    unit = 2 * np.pi / length  # 1 on the Kolmogorov flow's [0, 2 pi)^2
    k2 = unit * unit * (kx ** 2 + ky ** 2)
    k2[0, 0] = np.inf
    dens = np.mean(np.abs(wh) ** 2, axis=tuple(range(field.ndim - 2))) / (2 * k2)
    shell = np.rint(np.sqrt(kx ** 2 + ky ** 2)).astype(int)
    e = np.bincount(shell.ravel(), weights=dens.ravel())
    return unit * np.arange(e.size, dtype=float), e


def autocorrelation(field, dt, max_lag, mean=None):
    """Normalised autocorrelation of the field at a point, averaged over points and members; about mean (the
    time mean at each point and member, of the field's leading axis; default: the field's own)."""
    x = field.reshape(field.shape[0], -1)
    x = x - (x.mean(axis=0) if mean is None else np.reshape(mean, -1))
    var = np.mean(x * x)
    lags = min(max_lag, x.shape[0] - 1)
    c = np.array([np.mean(x[: x.shape[0] - l] * x[l:]) / var for l in range(lags + 1)])
    return np.arange(lags + 1) * dt, c, integral_time(c, dt)


def integral_time(c, dt):
    """The integral of the autocorrelation c (lags 0, dt, ...) up to its first zero crossing. Where c never reaches
    zero, the integral over all of c: a lower bound that grows with the window (crosses_zero tells)."""
    zero = np.argmax(c <= 0) if np.any(c <= 0) else c.size
    return float(np.trapz(c[: max(zero, 1)], dx=dt)) if zero > 1 else 0.0


def crosses_zero(c):
    """Whether the autocorrelation c reaches zero within its lags, i.e. whether integral_time(c) is the integral time
    and not a lower bound."""
    return bool(np.any(np.asarray(c) <= 0))


def bounded_members(field, fmax):
    """Which members (axis 1 of field: time x member x space) stay finite and below 3 fmax over the whole run (fmax: the
    truth's max |field|); read a member at a time, so that a large run is not copied whole."""
    return np.array([np.isfinite(field[:, m]).all() and np.abs(field[:, m]).max() < 3 * fmax for m in range(field.shape[1])])


def block_slices(nt, members, block):
    """The blocks of a run of nt saved times and `members` members: (member, slice of `block` saved times), member by
    member; each member's last nt % block times are left out. Blocks much longer than the autocorrelation time are
    nearly independent, which is what lets block_bootstrap draw them as if they were."""
    return [(m, slice(b * block, (b + 1) * block)) for m in range(members) for b in range(nt // block)]


def block_bootstrap(counts, metric, resamples, rng):
    """Block bootstrap of statistics of long chaotic runs cut into blocks (block_slices).

    counts: the number of blocks of each side (e.g. a model's run and the truth it is compared with), in the order in
    which every resample draws them; metric(indices): the figures (an array) computed from one index array per side
    (repeats allowed). Every resample draws, side by side, as many blocks as that side has, with replacement: each side
    keeps its own sample size, so a shorter run (or one with fewer bounded members) gets the wider error bar it should,
    and a side that is the reference of several runs is drawn once and shared by all the figures metric returns.
    Returns (the figures on all blocks, the figures of each resample: resamples x the figures' shape); their standard
    deviation over the resamples is the figures' error bar."""
    full = np.asarray(metric([np.arange(n) for n in counts]))
    draws = np.array([metric([rng.integers(0, n, n) for n in counts]) for _ in range(resamples)])
    return full, draws


def w1_sorted(a, b):
    """Wasserstein-1 distance between two samples sorted ascending, of any sizes (the mean |a_i - b_i| for equal sizes)."""
    if a.size == b.size:
        return float(np.mean(np.abs(a - b)))
    from scipy.stats import wasserstein_distance
    return float(wasserstein_distance(a, b))


# Figures of a surrogate's long run against the truth's, shared by cases/ks-surrogate and cases/kolmogorov-surrogate's
# evaluate.py (st: their long_stats dicts, with tau None for a field constant in time and crosses from crosses_zero).

def acf_figures(out, st, st_truth, window):
    """acf_time, acf_time_error and acf_crosses_zero of a run's long_stats st against the truth's into out, with a
    note where they are undefined (a field constant in time) or bounds (no zero crossing within the window)."""
    out["acf_time"] = None if st["tau"] is None else float(st["tau"])
    out["acf_crosses_zero"] = st["crosses"]
    if st["tau"] is None or st_truth["tau"] is None:
        out["acf_time_error"] = None
        out["acf_note"] = "the field does not change in time (it or the truth's): no autocorrelation time, so no error"
        return
    out["acf_time_error"] = float(abs(st["tau"] - st_truth["tau"]) / st_truth["tau"])
    bounds = [n for n, x in (("this run's", st), ("the truth's", st_truth)) if not x["crosses"]]
    if bounds:
        out["acf_note"] = (f"{' and '.join(bounds)} autocorrelation does not reach zero within {window:g} time units: its "
                           "autocorrelation time is the integral over them, a lower bound, and acf_time_error is not exact")


def spectrum_male(e, e_truth, energetic):
    """The mean |ln E - ln E_truth| over the energetic modes, None (undefined) where E is 0 on one (a collapsed run)."""
    if np.any(e[energetic] <= 0):
        return None
    return float(np.mean(np.abs(np.log(e[energetic] / e_truth[energetic]))))


def ratio(a, b, key, name_a, name_b):
    """a[key] / b[key] of two models' long-horizon figures (None for a model not in this run), and None where it is
    undefined: (the ratio or None, why None or None)."""
    for m, n in ((a, name_a), (b, name_b)):
        if m is None:
            return None, f"no {n} model in this run"
        if m.get(key) is None:
            return None, f"no {key} of the {n} model (" + ("no bounded member)" if "bounded_fraction" in m and not m["bounded_fraction"] else "undefined)")
    if not (np.isfinite(a[key]) and np.isfinite(b[key])) or b[key] == 0:
        return None, f"{key} of the {name_b} model is 0 or not finite"
    return float(a[key] / b[key]), None


def acf_mark(m):
    """The summary's mark on an autocorrelation time error that is not exact (acf_figures: no zero crossing within
    the window, so an autocorrelation time is a lower bound)."""
    return " (a bound: no zero crossing in the window)" if m.get("acf_time_error") is not None and "acf_note" in m else ""


def pooled_mean(field):
    """The mean of field (time x member x space) over the saved times, the members and x (the last axis), broadcastable
    against a time row of field: a scalar for KS (homogeneous in x), one value per row y for 2-D Kolmogorov flow (its
    mean flow varies with y only). The mean to remove before an autocorrelation (stats): it pools every point's record,
    where each point's own time mean biases the autocorrelation low on a short record."""
    return field.mean(axis=(0, 1, field.ndim - 1), keepdims=True)[0]


ACF_SHORT = checks.ACF_SHORT  # records shorter than this many autocorrelation times get a note: the figure is rough
ACF_MIN_LAGS = 2  # fewer lags (a record of fewer than 9 saved times, or a window under 2 save intervals): no time


def trajectory(path):
    """path opened with h5py, and the name of its field: a complete trajectory (attribute complete = 1, as the C reader
    requires: a run that did not finish leaves 0) with /time and the field, else one line naming the file. The layout is
    checked too: /time 1-D, numeric, strictly increasing; the field of 3 (KS: time x member x N) or 4 (2-D: time x
    member x N x N) dimensions, one row per saved time and at least one member; each /diagnostics item a dataset of one
    value per saved time and member (or per saved time)."""
    h = checks.h5(path)
    try:
        if "field" not in h.attrs:
            raise SystemExit(f"{path}: not a trajectory (no attribute 'field')")
        if h.attrs.get("complete", 0) != 1:
            raise SystemExit(f"{path}: an incomplete trajectory (attribute complete = {h.attrs.get('complete', 'absent')}): its run did not finish")
        f = h.attrs["field"]
        fname = f.decode() if isinstance(f, bytes) else str(f)
        for d in ("time", fname):
            if d not in h or not hasattr(h[d], "shape"):
                raise SystemExit(f"{path}: no /{d} dataset")
        t, fld = h["time"], h[fname]
        if t.ndim != 1 or t.dtype.kind not in "fiu":
            raise SystemExit(f"{path}: /time is not a 1-D array of numbers (shape {t.shape}, type {t.dtype})")
        tv = t[:]
        if tv.size > 1 and not np.all(np.diff(tv) > 0):
            raise SystemExit(f"{path}: /time is not strictly increasing")
        if fld.ndim not in (3, 4) or fld.shape[0] != t.shape[0] or fld.shape[1] < 1:
            raise SystemExit(f"{path}: /{fname} of shape {fld.shape}: expected saved times ({t.shape[0]}) x members (>= 1) x N "
                             "(KS) or x N x N (2-D)")
        for k, v in h.get("diagnostics", {}).items():
            if not hasattr(v, "shape") or v.ndim < 1 or v.shape[0] != t.shape[0]:
                raise SystemExit(f"{path}: /diagnostics/{k} is not a dataset of one row per saved time ({t.shape[0]})")
    except BaseException:
        h.close()
        raise
    return h, fname


def load_window(path, t_from=None, t_to=None):
    """The saved times in [t_from, t_to] (either may be None) of a trajectory file and its field there (non-finite
    values kept: a diverged rollout is scored as such by the cases)."""
    h, fname = trajectory(path)
    with h:
        t = h["time"][:]
        keep = np.ones(t.size, bool)
        if t_from is not None:
            keep &= t >= t_from - 1e-9
        if t_to is not None:
            keep &= t <= t_to + 1e-9
        return t[keep], h[fname][keep]


def same_grid(path, t, field, dt, n, truth, length=None, span=None, span_option="the span compared"):
    """Stops with one line naming path unless the run saved there (times t, field: time x member x space) is
    comparable with the truth it is scored against (named truth): saved every dt, n points per direction, domain
    length length (where given, against the file's attribute L), and, where span is given, covering span time units.
    A rollout on another clock or grid would be paired row by row and point by point with the truth, giving wrong
    figures (or a bare numpy error)."""
    if t.size < 2:
        raise SystemExit(f"{path}: {t.size} saved time(s): nothing to compare with {truth}")
    d = np.diff(t)
    if not np.allclose(d, dt, rtol=1e-6, atol=0):
        raise SystemExit(f"{path}: saved every {float(np.median(d)):g} time units, {truth} every {dt:g}: roll out with the "
                         "truth's save interval")
    if field.shape[-1] != n:
        raise SystemExit(f"{path}: N = {field.shape[-1]} points, {truth} N = {n}: roll out on the truth's grid")
    if length is not None:
        h, _ = trajectory(path)
        with h:
            got = float(h.attrs["L"]) if "L" in h.attrs else None
        if got is not None and not np.isclose(got, length, rtol=1e-9):
            raise SystemExit(f"{path}: L = {got:g}, {truth} L = {length:g}: roll out on the truth's domain")
    if span is not None and t[-1] - t[0] < span - 1e-6 * dt:
        raise SystemExit(f"{path}: covers {t[-1] - t[0]:g} time units, fewer than {span_option} ({span:g})")


def stats(path, skip, acf_window=200.0):
    h, fname = trajectory(path)
    with h:
        eq = h.attrs.get("equation", b"?")
        eq = eq.decode() if isinstance(eq, bytes) else str(eq)
        t = h["time"][:]
        keep = t >= skip - 1e-12
        if keep.sum() < 3:
            raise SystemExit(f"{path}: fewer than 3 saved times after --skip {skip}")
        field = checks.finite(h[fname][keep], f"{path}: /{fname} after --skip {skip}")
        diags = {k: checks.finite(h["diagnostics"][k][keep], f"{path}: /diagnostics/{k}") for k in h.get("diagnostics", {})}
        sides = np.atleast_1d(h.attrs["L"]).astype(float) if "L" in h.attrs else None
    sdim = field.ndim - 2
    # L: the domain's length (1-D) or the square box's side (2-D); a box of unequal sides is refused, not read as 2 pi
    if sides is not None and (sides.size != 1 and not (sdim == 2 and sides.size == 2 and sides[0] == sides[1])):
        raise SystemExit(f"{path}: attribute L = {sides.tolist()}: the spectrum takes one domain length (1-D) or the side of a "
                         "square box (2-D)")
    length = float(sides[0]) if sides is not None else None
    # KS's wavenumbers are 2 pi k / L: a file without L (an older one) got L = 2 pi, a spectrum off by L / 2 pi (3.5 at
    # the usual L = 22) and no word; the C readers refuse it too (snaps-rollout-fit: "has no positive attribute L").
    # 2-D: the box side L where the file records it (snaps-kolmogorov writes 2 pi), else the Kolmogorov flow's 2 pi (it
    # was 2 pi whatever L said: another box's spectrum had its wavenumbers and energies off by L / 2 pi and its square)
    if sdim == 2 and length is None:
        length = 2 * np.pi
    if not (length is not None and 0 < length < np.inf):
        raise SystemExit(f"{path}: no positive attribute L (the domain length, which the spectrum's wavenumbers 2 pi k / L "
                         "need): add it to the file (h5py: f.attrs['L'] = 22.0 for the run's -L)")
    d = np.diff(t[keep])
    dt = float(np.median(d))
    if not np.allclose(d, dt, rtol=1e-6, atol=0):  # the lag axis and the autocorrelation time assume one interval
        raise SystemExit(f"{path}: /time is not uniform after --skip {skip} (intervals {d.min():g} to {d.max():g}): the "
                         "autocorrelation needs one save interval")
    if acf_window < dt:  # no lag but 0: the "time" would be 0, flagged a bound, which says nothing
        raise SystemExit(f"{path}: --acf_window {acf_window:g} is shorter than the save interval {dt:g}: give at least one "
                         "interval (the default 200 time units, or several autocorrelation times)")
    k, e = spectrum(field, length, sdim)
    hist, edges = np.histogram(field, bins=80, density=True)
    # a field constant in time (u = 0, a steady laminar state) has variance 0 about its time mean: no autocorrelation
    # (0 / 0), so no integral time; null in the JSON (not NaN, which is no JSON), with the reason
    steady = bool(np.all(field == field[:1]))
    # lags to the window, at most a quarter of the record: fewer than ACF_MIN_LAGS give no integral time worth a figure
    # (0 lags gave "0, a lower bound"); null then, with a note naming what limits them
    max_lag = int(min(acf_window / dt + 1e-9, (field.shape[0] - 1) // 4))  # min first: a huge window overflowed int()
    few_lags = not steady and max_lag < ACF_MIN_LAGS
    if steady:
        lag, c, tau = np.zeros(0), np.zeros(0), None
    else:  # about the pooled mean (pooled_mean: not each point's)
        lag, c, tau = autocorrelation(field, dt, max_lag=max_lag, mean=np.broadcast_to(pooled_mean(field), field.shape[1:]))
    # <= 0 already at the first lag: the time is below the save interval, which does not resolve it (integral_time's 0)
    first_lag = not steady and not few_lags and c.size > 1 and c[1] <= 0
    if few_lags or first_lag:
        tau = None
    out = {
        "file": os.path.abspath(path), "equation": eq, "field": fname, "members": int(field.shape[1]),
        "saved_times": int(field.shape[0]), "skip": skip, "t_first": float(t[keep][0]), "t_last": float(t[keep][-1]), "dt_save": dt,
        "field_mean": float(field.mean()), "field_std": float(field.std()),
        "autocorrelation_time": None if tau is None else float(tau),
        "autocorrelation_crosses_zero": True if first_lag else None if tau is None else crosses_zero(c),
        "autocorrelation_window": None if steady else float(lag[-1]),
        "record_over_tau": None if not tau else float((t[keep][-1] - t[keep][0]) / tau),
        "spectrum_k": k.tolist(), "spectrum_E": e.tolist(),
        "pdf_edges": edges.tolist(), "pdf": hist.tolist(),
        "autocorrelation_lag": lag.tolist(), "autocorrelation": c.tolist(),
    }
    if steady:
        out["autocorrelation_note"] = f"{fname} does not change in time: no autocorrelation, so no integral time"
    elif few_lags and max_lag < (field.shape[0] - 1) // 4:
        out["autocorrelation_note"] = (f"--acf_window {acf_window:g} holds {max_lag} lag(s) of the save interval {dt:g}, "
                                       f"fewer than {ACF_MIN_LAGS}: no autocorrelation time; a wider --acf_window (at least "
                                       f"{ACF_MIN_LAGS * dt:g}) gives it")
    elif few_lags:
        out["autocorrelation_note"] = (f"{field.shape[0]} saved times after --skip {skip:g}: a quarter of the record is {max_lag} "
                                       f"lag(s), fewer than {ACF_MIN_LAGS}: no autocorrelation time; a longer run (at least "
                                       f"{4 * ACF_MIN_LAGS + 1} saved times, many autocorrelation times long) gives it")
    elif first_lag:
        out["autocorrelation_note"] = (f"the autocorrelation is already <= 0 at the first lag: the autocorrelation time is "
                                       f"below the save interval {dt:g}, which does not resolve it; saving more often gives it")
    elif not out["autocorrelation_crosses_zero"]:
        out["autocorrelation_note"] = (f"the autocorrelation does not reach zero within its {lag.size - 1} lags ({lag[-1]:g} time units): "
                                       "autocorrelation_time is its integral over them, a lower bound; a longer run (or a wider "
                                       "--acf_window, up to a quarter of the record) gives the time")
    elif out["record_over_tau"] is not None and out["record_over_tau"] < ACF_SHORT:
        out["autocorrelation_note"] = (f"the record is only {out['record_over_tau']:.3g} autocorrelation times long (fewer than "
                                       f"{ACF_SHORT}): autocorrelation_time is rough and may be low; a longer run gives the time")
    for name, v in diags.items():
        out[f"{name}_mean"] = float(v.mean())
        out[f"{name}_std"] = float(v.std())
    return out


def tau_text(s):
    """The autocorrelation time as printed (checks.autocorrelation_kind): a value, rough, a lower bound, below the save
    interval, or undefined."""
    kind = checks.autocorrelation_kind(s)
    if kind == "unresolved":
        return f"< {s['dt_save']:.4g} (below the save interval, which does not resolve it)"
    if kind in ("few_lags", "steady"):
        return f"undefined ({s.get('autocorrelation_note', 'the field does not change in time')})"
    if kind == "bound":
        return f">= {s['autocorrelation_time']:.4g} (a lower bound: no zero crossing within the window)"
    if kind == "rough":
        return f"{s['autocorrelation_time']:.4g} (rough: the record is only {s['record_over_tau']:.3g} tau long)"
    return f"{s['autocorrelation_time']:.4g}"


def plot(s, png, label):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    k, e = np.array(s["spectrum_k"]), np.array(s["spectrum_E"])
    ok = (k > 0) & (e > e.max() * 1e-20)  # not the modes the 2/3 rule removes
    if ok.any():
        ax[0].loglog(k[ok], e[ok], label=label)
    else:  # a field that is 0 (or constant): no log scale of zeros; said on the panel
        ax[0].plot(k, e, label=label)
        ax[0].text(0.5, 0.7, "E(k) = 0 at every k > 0", ha="center", va="center", transform=ax[0].transAxes)
    ax[0].set_xlabel("wavenumber k")
    ax[0].set_ylabel("energy spectrum E(k)")
    edges = np.array(s["pdf_edges"])
    pdf = np.array(s["pdf"], dtype=float)
    # an empty bin is no point (NaN: a gap), not a spike down to a floor: the y axis spans the values seen
    ax[1].semilogy(0.5 * (edges[1:] + edges[:-1]), np.where(pdf > 0, pdf, np.nan), ".-", ms=3, label=label)
    ax[1].set_xlabel(s["field"])
    ax[1].set_ylabel("PDF")
    # the time in the panel's title, its qualifier on a line of its own: in the legend it ran off the panel
    tau = f"tau {'= ' * (s['autocorrelation_time'] is not None and s['autocorrelation_crosses_zero'])}{tau_text(s)}"
    ax[2].plot(s["autocorrelation_lag"], s["autocorrelation"], label=label)
    ax[2].set_title(tau.replace(" (", "\n(", 1), fontsize=9)
    ax[2].axhline(0, color="k", lw=0.5)
    ax[2].set_xlabel("lag (time units)")
    ax[2].set_ylabel(f"autocorrelation of {s['field']} at a point")
    for a in ax:
        a.legend(fontsize=8)
    fig.suptitle(f"{label} ({s['equation']}): {s['members']} members x {s['saved_times']} saved times, t in [{s['t_first']:g}, {s['t_last']:g}]; "
                 f"std {s['field_std']:.4g}")
    fig.tight_layout()
    atomic.save_figure(fig, png, dpi=110)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    p.add_argument("trajectory")
    p.add_argument("--skip", type=float, default=0.0, help="ignore saved times before this (transient)")
    p.add_argument("--json", help="write the statistics here")
    p.add_argument("--png", help="plot spectrum, PDF and autocorrelation here")
    p.add_argument("--label", help="the run's name in the plot's legend and title (default: the trajectory's file name)")
    p.add_argument("--acf_window", type=float, default=200.0,
                   help="the autocorrelation's lags, in time units, at most a quarter of the record (default %(default)g)")
    a = p.parse_args()
    if not 0 < a.acf_window < np.inf:  # inf: an OverflowError traceback at the lag count
        p.error(f"--acf_window {a.acf_window:g}: give a positive, finite number of time units (the lags stop at a "
                "quarter of the record anyway)")
    # before the work: a typo in a directory, an output that is the trajectory itself (it was replaced by the JSON) or
    # the other output, or a figure format matplotlib does not write must not cost the statistics
    if a.json:
        checks.writable(a.json, [a.trajectory])
    if a.png:
        checks.figure(a.png, [a.trajectory])
        if a.json and (os.path.abspath(a.png) == os.path.abspath(a.json) or checks.same_file(a.png, a.json)):
            p.error(f"--json {a.json} and --png {a.png} are the same file: give each output its own file")
    s = stats(a.trajectory, a.skip, a.acf_window)
    print(f"{a.trajectory}: {s['field']} mean {s['field_mean']:.4g} std {s['field_std']:.4g}, autocorrelation time "
          f"{tau_text(s)}, " + ", ".join(f"{k} {v:.4g}" for k, v in s.items() if k.endswith("_mean") and k != "field_mean"))
    if a.json:
        atomic.write_json(a.json, s)
    if a.png:
        plot(s, a.png, a.label or os.path.basename(a.trajectory))


if __name__ == "__main__":
    main()
