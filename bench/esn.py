#!/usr/bin/python3
"""Echo state network baseline for rollouts of a 1-D field (Pathak et al. 2018, KS L = 22 setting).

usage: esn.py train TRAIN.h5 MODEL.npz [--nodes 3000] [--time 10000] [--seed 0] [--every 1] [--groups 1 [--overlap 6]] [--beta 1e-4]
       esn.py forecast MODEL.npz INIT.h5 OUT.h5 --t0 T0 --horizon H [--warmup 25] [--members K]

train:    a reservoir r(t+1) = tanh(A r(t) + W_in u(t)) (nodes N_r, A sparse with mean degree 3 scaled to spectral
          radius 0.6, W_in with one nonzero per row uniform in [-0.5, 0.5]) is driven by --time time units in all,
          split evenly over the members of TRAIN.h5 (each after a 50-unit transient); the readout
          u(t+1) = W_out r~(t), with r~ the reservoir state with every second node squared (Pathak's symmetry trick),
          is fitted by ridge regression (--beta, 1e-4) on all members at once. --every k: the ESN steps every k-th saved time of TRAIN.h5 (KS L = 100:
          training saved every 0.05 for the SNA drift, the ESN steps 0.25 as at L = 22).
          --groups g > 1: the parallel reservoir of Pathak et al. (PRL 120, 024102, 2018) for long domains: the N grid
          points are cut into g patches of N / g points; a reservoir reads its patch and --overlap l points on each
          side (periodic) and predicts its own patch. One reservoir and readout are shared by all patches, since the
          periodic domain is translation invariant (an exact symmetry of KS: every patch's history is training data
          for one readout, g times the data of separate reservoirs at a g-th of the cost).
forecast: member k of INIT.h5 (mod its members) is listened to for --warmup time units before --t0 (open loop),
          read at the model's step (INIT.h5 saved at that step or a whole fraction of it; other spacings are
          refused), then the ESN runs closed loop for --horizon time units from the state at t0; writes a trajectory
          file in the solvers' format (time, u (nt x K x N), diagnostics energy and mean_u), so flow_stats.py and the
          case's evaluation read it like a solver run. Every member runs in one batched loop.
"""
import argparse
import os
import sys
import time

import h5py
import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "postprocess"))
import atomic  # noqa: E402


def load(path):
    with h5py.File(path, "r") as h:
        return h["time"][:], h["u"][:], dict(h.attrs)


def reservoir(n_in, nodes, seed):
    rng = np.random.default_rng(seed)
    A = sp.random(nodes, nodes, density=3.0 / nodes, random_state=seed, data_rvs=lambda k: rng.uniform(-1, 1, k)).tocsr()
    rho = abs(spla.eigs(A, k=1, which="LM", return_eigenvectors=False, tol=1e-6)[0])
    A = A * (0.6 / rho)
    Win = np.zeros((nodes, n_in))
    Win[np.arange(nodes), rng.integers(0, n_in, nodes)] = rng.uniform(-0.5, 0.5, nodes)
    return A, Win


def patch_index(N, groups, overlap):
    """Grid indices each reservoir reads: rows = patches, its own N / groups points with overlap on each side."""
    if N % groups:
        raise SystemExit(f"esn: --groups {groups} must divide the grid's {N} points")
    q = N // groups
    return (np.arange(groups)[:, None] * q - overlap + np.arange(q + 2 * overlap)[None, :]) % N


def read_patches(u, idx):
    """u (K, N) -> the reservoirs' inputs (K * groups, q + 2 overlap)."""
    return u[:, idx].reshape(-1, idx.shape[1])


def own_patches(u, groups):
    """u (K, N) -> each reservoir's target, its own points (K * groups, N / groups)."""
    return u.reshape(u.shape[0] * groups, -1)


def features(R):
    F = R.copy()
    F[..., 1::2] = F[..., 1::2] ** 2
    return F


def positive(kind):
    """An argparse type: a number of the kind (int or float) above 0, else a usage error naming the value."""
    def parse(text):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number")
        if not 0 < v < float("inf"):
            raise argparse.ArgumentTypeError(f"must be positive{' and finite' if kind is float else ''}, not {text}")
        return v
    return parse


def check_output(path, opt):
    """Refuses, before any work, an output path whose directory does not exist (or a directory as the path)."""
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path) or not os.path.isdir(folder):
        raise SystemExit(f"esn: {opt} {path}: " + ("a directory: name a file in it" if os.path.isdir(path) else
                                                    f"its directory {folder} does not exist: create it first"))


def train(a):
    if not a.model.endswith(".npz"):  # np.savez would append .npz, and forecast would not find the model by its name
        raise SystemExit(f"esn: MODEL {a.model} must end in .npz (numpy would write {a.model}.npz)")
    check_output(a.model, "MODEL")
    t, u, attrs = load(a.train)
    t, u = t[:: a.every], u[:: a.every]
    if len(t) < 2:
        raise SystemExit(f"esn: {a.train} holds {len(t)} saved time(s) with --every {a.every}: nothing to train on")
    dt = float(np.median(np.diff(t)))
    steps = int(round(a.time / dt))
    skip = int(round(50 / dt))
    nt, K, N = u.shape
    per = min(nt - 1 - skip, steps // K + 1)
    if per < 1:
        raise SystemExit(f"esn: {a.train} holds {nt} saved times (every {dt:g} with --every {a.every}): none is left to "
                         "train on after the 50-unit transient; give a longer trajectory")
    if a.groups < 1:
        raise SystemExit(f"esn: --groups {a.groups} must be at least 1 (1: one reservoir reading the whole field)")
    if a.groups == 1 and a.overlap:
        raise SystemExit(f"esn: --overlap {a.overlap} applies to patches (--groups > 1); one reservoir reads the whole field")
    a.overlap = 6 if a.overlap is None and a.groups > 1 else (a.overlap or 0)
    if a.overlap < 0 or a.overlap > N:
        raise SystemExit(f"esn: --overlap {a.overlap} must be in [0, {N}] (grid points read on each side of a patch)")
    idx = patch_index(N, a.groups, a.overlap)
    A, Win = reservoir(idx.shape[1], a.nodes, a.seed)
    RtR = np.zeros((a.nodes, a.nodes))
    UtR = np.zeros((N // a.groups, a.nodes))
    t0 = time.time()
    r = np.zeros((K * a.groups, a.nodes))
    used = 0
    for i in range(skip + per):
        r = np.tanh((A @ r.T).T + read_patches(u[i], idx) @ Win.T)  # reservoir after reading u[i]: predicts u[i + 1]
        if i >= skip:
            F = features(r)
            RtR += F.T @ F
            UtR += own_patches(u[i + 1], a.groups).T @ F
            used += K
    beta = a.beta
    Wout = np.linalg.solve(RtR + beta * np.eye(a.nodes), UtR.T).T
    with atomic.replacing(a.model) as tmp, open(tmp, "wb") as f:  # a file object: np.savez appends no suffix to it
        np.savez(f, A_data=A.data, A_indices=A.indices, A_indptr=A.indptr, Win=Win, Wout=Wout, dt=dt, nodes=a.nodes,
                 L=float(attrs.get("L", 0)), train_time=used * dt, train_wall=time.time() - t0, groups=a.groups,
                 overlap=a.overlap)
    what = f"{a.groups} patches of {N // a.groups} points (overlap {a.overlap}) sharing one reservoir of " if a.groups > 1 else ""
    print(f"esn: {what}{a.nodes} nodes trained on {used} steps ({used * dt:g} time units over {K} members) in {time.time() - t0:.1f} s")


def forecast(a):
    if a.warmup < 0 or a.members < 0:
        raise SystemExit(f"esn: --warmup {a.warmup:g} and --members {a.members} must be >= 0 (--members 0: every member)")
    check_output(a.out, "OUT")
    if not os.path.isfile(a.model):
        raise SystemExit(f"esn: MODEL {a.model} is not a file (esn.py train writes one, named *.npz)")
    m = np.load(a.model)
    nodes = int(m["nodes"])
    A = sp.csr_matrix((m["A_data"], m["A_indices"], m["A_indptr"]), shape=(nodes, nodes))
    Win, Wout, dt = m["Win"], m["Wout"], float(m["dt"])
    groups, overlap = (int(m["groups"]), int(m["overlap"])) if "groups" in m else (1, 0)
    t, u, attrs = load(a.init)
    idx = patch_index(u.shape[2], groups, overlap)
    i0 = int(np.argmin(abs(t - a.t0)))
    w = int(round(a.warmup / dt))
    need = f"{a.init} needs saved times from {a.t0 - a.warmup:g} to {a.t0:g} every {dt:g} (the model's step)"
    if len(t) < 2:
        raise SystemExit(f"esn: {need}; it holds {len(t)} saved time(s)")
    # the model steps dt (train --every): read every stride-th saved state, which must be dt apart, else the warm-up
    # would feed the reservoir states at another rate than it was trained on
    spacing = float(np.median(np.diff(t)))
    stride = int(round(dt / spacing)) if spacing > 0 else 0
    if stride < 1 or abs(stride * spacing - dt) > 1e-6 * dt:
        raise SystemExit(f"esn: {need}; it is saved every {spacing:g}, which does not divide {dt:g}: save INIT every "
                         f"{dt:g} or a whole fraction of it")
    if i0 - w * stride < 0 or abs(t[i0] - a.t0) > 1e-9:
        raise SystemExit(f"esn: {need}")
    used = t[i0 - w * stride: i0 + 1: stride]
    if np.max(abs(used - (t[i0] - dt * np.arange(w, -1, -1)))) > 1e-3 * spacing:
        raise SystemExit(f"esn: {need}; its saved times in that range are not evenly spaced")
    K = a.members or u.shape[1]
    members = np.arange(K) % u.shape[1]
    steps = int(round(a.horizon / dt))
    r = np.zeros((K * groups, nodes))
    for i in range(i0 - w * stride, i0, stride):  # listen: after reading u[i0 - stride] the readout predicts u[i0]
        r = np.tanh((A @ r.T).T + read_patches(u[i][members], idx) @ Win.T)
    out = np.empty((steps + 1, K, u.shape[2]))
    out[0] = u[i0][members]
    t0 = time.time()
    x = out[0]
    for s in range(steps):
        r = np.tanh((A @ r.T).T + read_patches(x, idx) @ Win.T)
        x = (features(r) @ Wout.T).reshape(K, -1)
        x = np.where(np.isfinite(x), x, 1e300)
        out[s + 1] = x
    wall = time.time() - t0
    times = a.t0 + dt * np.arange(steps + 1)
    with atomic.h5_file(a.out) as h:
        h["time"] = times
        h["u"] = out
        g = h.create_group("diagnostics")
        g["energy"] = 0.5 * np.mean(out ** 2, axis=2)
        g["mean_u"] = np.mean(out, axis=2)
        for k in ("equation", "field", "L", "N"):
            if k in attrs:
                h.attrs[k] = attrs[k]
        h.attrs["members"] = K
        h.attrs["complete"] = 1
        h.attrs["snaps_trajectory_version"] = 1
        h.attrs["stepper"] = "esn"
        h.attrs["wall_time_s"] = wall
    print(f"esn: {K} members x {a.horizon:g} time units closed loop in {wall:.1f} s ({wall / (K * a.horizon) * 1e3:.3f} ms per member per time unit)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    s = p.add_subparsers(dest="cmd", required=True)
    t = s.add_parser("train")
    t.add_argument("train")
    t.add_argument("model")
    t.add_argument("--nodes", type=positive(int), default=3000)
    t.add_argument("--time", type=positive(float), default=10000)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--every", type=positive(int), default=1)
    t.add_argument("--groups", type=int, default=1)
    t.add_argument("--overlap", type=int, default=None, help="points read on each side of a patch (6; --groups > 1 only)")
    t.add_argument("--beta", type=positive(float), default=1e-4)
    f = s.add_parser("forecast")
    f.add_argument("model")
    f.add_argument("init")
    f.add_argument("out")
    f.add_argument("--t0", type=float, required=True)
    f.add_argument("--horizon", type=positive(float), required=True)
    f.add_argument("--warmup", type=float, default=25)
    f.add_argument("--members", type=int, default=0)
    a = p.parse_args()
    train(a) if a.cmd == "train" else forecast(a)


if __name__ == "__main__":
    main()
