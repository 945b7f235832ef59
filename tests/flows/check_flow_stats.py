#!/usr/bin/python3
"""regression.flow_stats_bootstrap: the error-bar machinery of postprocess/flow_stats.py that the surrogate cases share.

On AR(1) series x_t = phi x_(t-1) + sqrt(1 - phi^2) e_t (unit variance, correlation time (1 + phi) / (1 - phi)
steps), the block bootstrap's standard deviation of the mean must match the known one, sqrt((1 + phi) / (1 - phi) / n)
for n samples, within 15%: blocks of one step (or resampling that keeps the blocks in place) miss it by the factor
sqrt((1 - phi) / (1 + phi)) = 0.23 at phi = 0.9. A side with half the members must get its own, wider, error bar (its
own block count, not the other side's). w1_sorted of samples of different sizes is scipy's Wasserstein-1 distance, and
bounded_members drops a member that blows up or turns non-finite.
"""
import os
import sys

import numpy as np
from scipy.stats import wasserstein_distance

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import flow_stats  # noqa: E402

PHI = 0.9
BLOCK = 200  # steps: 10 correlation times (19 steps each)


def ar1(rng, nt, members, points):
    x = np.empty((nt, members, points))
    x[0] = rng.standard_normal((members, points))
    e = rng.standard_normal((nt, members, points)) * np.sqrt(1 - PHI ** 2)
    for t in range(1, nt):
        x[t] = PHI * x[t - 1] + e[t]
    return x


def block_means(x):
    return np.array([x[blk, m].mean() for m, blk in flow_stats.block_slices(x.shape[0], x.shape[1], BLOCK)])


def check(what, got, want, tol):
    ok = abs(got - want) <= tol * abs(want)
    print(f"{what}: {got:.5g} (expected {want:.5g} within {100 * tol:.0f}%): {'ok' if ok else 'FAIL'}")
    return ok


def main():
    rng = np.random.default_rng(3)
    a = ar1(rng, 20000, 8, 1)  # 800 blocks
    b = ar1(rng, 20000, 4, 1)  # half the members: 400 blocks
    ma, mb = block_means(a), block_means(b)
    assert ma.size == 2 * mb.size == 8 * (20000 // BLOCK), (ma.size, mb.size)
    full, draws = flow_stats.block_bootstrap([ma.size, mb.size], lambda i: np.array([ma[i[0]].mean(), mb[i[1]].mean()]), 300, np.random.default_rng(1))
    known = lambda n: np.sqrt((1 + PHI) / (1 - PHI) / n)  # noqa: E731
    ok = np.allclose(full, [a.mean(), b.mean()])
    print(f"figures on all blocks: {full} against the means {a.mean():.5g}, {b.mean():.5g}: {'ok' if ok else 'FAIL'}")
    ok &= check("bootstrap sd of the mean, 8 members", draws[:, 0].std(), known(a.size), 0.15)
    ok &= check("bootstrap sd of the mean, 4 members (its own block count)", draws[:, 1].std(), known(b.size), 0.15)
    ok &= check("sd of the difference", (draws[:, 1] - draws[:, 0]).std(), np.hypot(known(a.size), known(b.size)), 0.15)
    u, v = np.sort(rng.standard_normal(3000)), np.sort(rng.standard_normal(2000) + 0.1)
    ok &= check("w1_sorted of samples of sizes 3000 and 2000", flow_stats.w1_sorted(u, v), wasserstein_distance(u, v), 1e-12)
    ok &= check("w1_sorted of equal sizes", flow_stats.w1_sorted(u[:2000], v), wasserstein_distance(u[:2000], v), 1e-12)
    # (mutation audit s20) equal sizes whose sorted differences change sign (same mean, other spreads: W1 about 0.8, the
    # difference of the means about 0); u[:2000] above lies wholly below v, where mean|a - b| = |mean(a - b)|
    w, x = np.sort(rng.standard_normal(2000)), np.sort(2 * rng.standard_normal(2000))
    ok &= check("w1_sorted of equal sizes, same mean, other spreads", flow_stats.w1_sorted(w, x), wasserstein_distance(w, x), 1e-12)
    c = a[:1000].copy()
    c[500, 2, 0] = np.nan
    c[700, 5, 0] = 100.0
    keep = flow_stats.bounded_members(c, np.abs(a[:1000]).max())
    good = keep.tolist() == [True, True, False, True, True, False, True, True]
    print(f"bounded_members: {keep.tolist()}: {'ok' if good else 'FAIL'}")
    ok &= good
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
