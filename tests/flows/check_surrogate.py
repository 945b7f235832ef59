"""Checks of rollout surrogates (snaps-rollout-fit, snaps-ks -stepper sna).

usage: check_surrogate.py CHECK SCRATCH KS ROLLOUT_FIT MPIEXEC...  (KS: snaps-ks; kolmogorov: snaps-kolmogorov)
checks:
  ks_data        (a fixture) the KS run that reproducible, wrong_system and markov train on, made once for the three
  bin_edges      with -bin_tail 0.1 and 8 bins, the stored edges cut each coordinate's training residuals (recomputed with
                 the twin's drift) into 10% below, 10% in each bin, 10% above (+- 0.02); local heads' (-head_local)
                 inputs are their latent pair and, for odd i, e_(i-1) (their input boxes are those columns' ranges)
  reproducible   a small categorical surrogate trained on a short KS run: seeded rollouts of 3 members repeat bit
                 for bit, on 1 and on 2 ranks alike; members differ, and another -seed gives other paths; the
                 deterministic twin's rollout is the same for any seed; a model with local heads (-head_local) has
                 heads of 2 and 3 inputs and rolls out the same on 1 and 2 ranks, and the twin trained with it
                 (-twin_model) is not marked head_local and rolls out as the twin trained alone; a deterministic model
                 marked head_local is refused as corrupt
  polynomial     the default drift (-drift_fit polynomial) recovers a known equivariant quadratic map exactly: states
                 on Fourier modes 1..3 of N = 32 stepped by one explicit Euler step of KS projected back onto those
                 modes; the fit's relative errors are at rounding level, the model does not clamp, and a rollout
                 with snaps-ks -stepper sna continues the map's own trajectory to rounding; the rate form trains on
                 nt - 4 pairs per member (its 5-point stencil stays inside the trajectory; sanitized)
  markov         a categorical model with Markov heads (-head_markov) draws residuals correlated in time as the
                 training residuals are: the residuals of a rollout (each step minus the twin's drift, found by
                 stepping the twin once from every state of the rollout) have a lag-1 autocorrelation above 0.5 (the
                 training residuals' is about 0.95; the uniform draw within a bin is white), where the plain heads'
                 are near zero; the file says markov
                 and the heads have D + i + 1 inputs (the twin trained with it does not say markov); the rollout is
                 the same on 1 and 2 ranks; a rollout with the largest -seed runs (no PetscInt overflow in its seeds:
                 the sanitized build stops at one).
                 Each coordinate's drawn residuals (in the model's own coordinates) lie within that coordinate's
                 outer bin edges, in both rollouts and in one step of a copy whose edges are moved apart per coordinate.
                 The residual scale: a categorical model whose residual_scale is 0 rolls out exactly as its
                 deterministic twin, and a scale outside [0, 100] is refused naming it
  wrong_system   a model trained for L = 22, N = 32 is refused by runs with another L or N, naming both values and the
                 model file,
                 and one with another latent size is not a model for this run (-init_trajectory of another N); a
                 model with one head's dataset deleted, or of the wrong shape, is refused on 1 and 2 ranks, naming
                 the head's group, the file and the dataset; a file whose /surrogate is a dataset is refused naming
                 the file; -stepper_simd without -stepper sna is refused
  kolmogorov     a small categorical surrogate on a POD basis trained on a short 32^2 Kolmogorov run: seeded rollouts
                 of 3 members (spread over the ranks: each on one) are equal bit for bit on 1 and 2 ranks, and
                 the deterministic twin's too; the model file holds an orthonormal POD basis; a run of another
                 -N refuses the model naming both values, and a model whose latent size disagrees with its basis is
                 refused naming both latent sizes; -head_local (3 modes) and -drift_pairs are refused on this POD
                 latent, naming the latent
  kolmogorov_fourier  the equivariant quadratic surrogate on a 2-D Fourier latent (|kx|, |ky| <= 3) trained on a short
                 32^2 run saved every 0.1: the basis is orthonormal and an x-shift of a field turns each (cos, sin)
                 pair by kx times the shift angle; the model does not clamp; and a rollout from an x-shifted (by 5
                 points) or y-shifted (by N / 4: the forcing's period) initial state is the shifted rollout to
                 rounding (1e-9), on 1 and 2 ranks; one step (the drift evaluated as its table of monomials) is
                 the stored drift SNAs' value, evaluated here from their factors, to 1e-11 of the largest drift, from
                 a training state and from 10 times one (outside the SNAs' box, where they clamp each input), also
                 for a copy whose table lacks its box (an older file: the table is rebuilt from the SNAs); the
                 SNA's own fit (-drift_fit sna) trains on this latent without a -drift_degree, and its model
                 refuses -stepper_simd (no quadratic table to evaluate); a copy
                 without the stored monomials (an older model) rolls out the same to 1e-12, and one with a factor out of
                 range is refused naming the row; runs at another Re, forcing wavenumber, forcing amplitude or drag
                 refuse the model (a model without a recorded amplitude is taken at 1, and the message says so); the
                 default model file holds the table and no drift SNAs (-save_drift_snas writes them), is smaller and
                 rolls out bit for bit the same, and is refused as corrupt without its table or its box
                 naming both values; one step of 9 members from 9 states (stepped together on 1 rank), decoded,
                 is the stored table of monomials and basis evaluated in numpy (1e-11), the same bits for the
                 first 7 on 2 ranks (3 + 4) and for a member alone, and with the portable kernel (-stepper_simd 0)
                 as with the default (AVX2 groups of 4 and 3 where the CPU has it; each report names its kernel),
                 also for a copy
                 whose cos row no longer shares its sin row's factors and one whose basis rows are permuted (the
                 dense decode)
  ks_pairs       the 1-D equivariant quadratic drift (-drift_pairs: each complex Fourier mode driven by itself and the
                 products A_p A_q with p + q = k, the KS case at L = 100) trained on a short KS run saved every 0.1: the
                 fit reports the pair drift, the model does not clamp, and a rollout from a state shifted by 5 of the 32
                 points is the shifted rollout to rounding (1e-9), on 1 and 2 ranks; -drift_pairs alone is quadratic,
                 -drift_pairs with a cubic is refused; a categorical model's heads are the same bit for bit whether
                 its twin is written in the same run or not
  ks_rate        the rate form (-drift_form rate: the pair drift fitted to the 5-point derivative dz/dt, stepped by
                 RK4, -drift_substeps 2) on the run of ks_pairs: the file says drift_form rate and drift_substeps 2,
                 and a rollout on 1 and on 2 ranks is RK4 of the stored table of monomials evaluated here, to 1e-9;
                 a map-form model is z + its table per step, and a copy without the attributes drift_form and
                 drift_substeps (an older file) rolls out bit for bit the same; a drift_form 'euler' is refused
                 naming the value; -drift_substeps without -drift_form rate is refused
  kolmogorov_conservative  -drift_conservative on a short 32^2 Kolmogorov run (rate form, |kx|, |ky| <= 3): the stored
                 quadratic part Q of the drift conserves |z|^2, z . Q(z, z) = 0 to 1e-10 of |z| |Q(z, z)| at training
                 and random states (the unconstrained fit's is above 1e-3), stays equivariant (an x-shift by 5 of 32
                 points commutes with the table to 1e-10), fits the same table on 1 and 2 ranks (1e-9), and the fit
                 reports it; -drift_conservative with the SNA's own fit is refused naming the option
  fit_errors     snaps-rollout-fit refuses, before any fit and writing nothing, outputs that are one file or a directory
                 or in a missing directory, an output that is an input (named -trajectories), -rollout_dt 0,
                 -latent_snapshots on a Fourier latent, the noise options without noise, -save_drift_snas on a cubic
                 drift, uneven saved times (naming the file and row), a KS trajectory without L, and a categorical run
                 whose heads have no pair (its twin unchanged; the message says 2 lag + 1 states), one trajectory given
                 twice under two names (naming both); a rollout (-stepper sna) as training data is warned about,
                 naming its model; 65 -trajectories are all used
"""
import json
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

check, scratch, KS, FIT = sys.argv[1:5]
MPIEXEC = sys.argv[5:]
AVX2 = os.uname().machine == "x86_64" and any("avx2" in line.split() for line in open("/proc/cpuinfo") if line.startswith("flags"))
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)


def path(name):
    return os.path.join(scratch, name)


def run(cmd, expect_rc=0):
    p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if (p.returncode == 0) != (expect_rc == 0):
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}, expected {'0' if expect_rc == 0 else 'an error'}:\n{p.stdout}")
    return p.stdout


def ks_data():
    """train.h5: a short KS L = 22 run on 32 points, 2 members, saved every 0.5 from t = 100 to 300. The same run for
    reproducible, wrong_system and markov: the fixture test regression.surrogate_ks_data makes it once (this check,
    into SCRATCH/../surrogate_ks_data) and they copy it; a check run by hand without it makes its own."""
    shared = os.path.join(os.path.dirname(os.path.abspath(scratch)), "surrogate_ks_data", "train.h5")
    if check != "ks_data" and os.path.exists(shared):
        shutil.copy(shared, path("train.h5"))
    else:
        run([KS, "-L", "22", "-N", "32", "-ensemble", "2", "-T", "300", "-save_start", "100", "-dt_save", "0.5",
             "-trajectory", path("train.h5")])


def train():
    """ks_data()'s run and tiny surrogates trained on it (seconds)."""
    ks_data()
    run([FIT, "-trajectories", path("train.h5"), "-model", path("cat.h5"), "-twin_model", path("det.h5"),
         "-latent_modes", "3", "-bins", "6", "-train_stride", "2", "-head_sna_khronos_modes", "3", "-head_sna_khronos_nodes", "4",
         "-head_sna_fit_max_it", "3"])


def rollout(model, out, seed=3, ranks=1, extra=()):
    cmd = [KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path(model), "-init_trajectory",
           path("train.h5"), "-init_time", "150", "-ensemble", "3", "-T", "20", "-dt_save", "1", "-seed", str(seed),
           "-trajectory", path(out)] + list(extra)
    run((MPIEXEC + ["-n", str(ranks)] if ranks > 1 else []) + cmd)
    with h5py.File(path(out), "r") as h:
        return h["u"][:]


def reproducible():
    train()
    a = rollout("cat.h5", "a.h5", extra=["-results", path("a.json")])
    b = rollout("cat.h5", "b.h5")
    with open(path("a.json")) as f:  # the model's load, reported apart from the steps as part of the run's wall time
        rep = json.load(f)
    if not 0 < rep.get("model_load_time_s", -1) <= rep["wall_time_s"]:
        sys.exit(f"FAIL: model_load_time_s {rep.get('model_load_time_s')} is not in (0, wall_time_s {rep['wall_time_s']}]")
    c = rollout("cat.h5", "c.h5", ranks=2)
    if not np.array_equal(a, b):
        sys.exit("FAIL: two seeded rollouts on 1 rank differ")
    if not np.array_equal(a, c):
        sys.exit(f"FAIL: the rollout on 2 ranks differs from the one on 1 rank (largest difference {np.abs(a - c).max():g})")
    if not np.isfinite(a).all():
        sys.exit("FAIL: the rollout holds non-finite values")
    # members 0 and 2 start from the same state (member k mod 2 of the file): only their draws differ
    if np.array_equal(a[:, 0], a[:, 2]):
        sys.exit("FAIL: members 0 and 2 start from one state and draw the same path: the sampler does not sample")
    d = rollout("cat.h5", "d.h5", seed=4)
    if np.array_equal(a, d):
        sys.exit("FAIL: another -seed gives the same rollout")
    e = rollout("det.h5", "e.h5", seed=3)
    f = rollout("det.h5", "f.h5", seed=4, ranks=2)
    if not np.array_equal(e, f) or not np.array_equal(e[:, 0], e[:, 2]):
        sys.exit("FAIL: the deterministic twin's rollout depends on the seed or the ranks")
    # (review s23a) a deterministic model draws nothing, as ARKODE: members from one state are one trajectory, warned
    # about as under ARKODE (3 members from a 2-member file; a fixed initial state); a categorical model's are not
    short = [KS, "-L", "22", "-N", "32", "-stepper", "sna", "-ensemble", "3", "-T", "2", "-dt_save", "1"]
    from_file = ["-init_trajectory", path("train.h5"), "-init_time", "150"]
    for model, extra, want in (("det.h5", from_file, r"WARNING: snaps-ks: -ensemble 3 but -init_trajectory .* holds 2 members: "
                                r".*the deterministic model draws nothing, so members k and k \+ 2 are the same trajectory"),
                               ("det.h5", ["-init", "mode"], r"WARNING: snaps-ks: -ensemble 3: the initial state is fixed \(not "
                                r"drawn\) and the deterministic model draws nothing, so the members are the same trajectory"),
                               ("cat.h5", from_file, None), ("cat.h5", ["-init", "mode"], None)):
        out = run(short + ["-stepper_model", path(model)] + extra)
        if (want is None) != ("the same trajectory" not in out) or (want and not re.search(want, out)):
            sys.exit(f"FAIL: {model} {' '.join(extra)}: the identical-members warning is {'missing' if want else 'wrong'}:\n{out}")
    # local heads (-head_local): head i sees its own pair (2 inputs) and, for the pair's second coordinate, the
    # residual drawn for the first (3); their rollouts are as reproducible
    run([FIT, "-trajectories", path("train.h5"), "-model", path("local.h5"), "-twin_model", path("local_twin.h5"), "-latent_modes", "3",
         "-bins", "6", "-train_stride", "2", "-head_local", "-head_sna_khronos_modes", "3", "-head_sna_fit_max_it", "3"])
    # the twin written beside it has no heads: not marked head_local (a twin so marked is refused as corrupt, below),
    # and it rolls out as the twin trained alone (the same drift options)
    with h5py.File(path("local_twin.h5"), "r") as h:
        tflag = int(h["surrogate"].attrs.get("head_local", 0))
    if tflag != 0 or not np.array_equal(rollout("local_twin.h5", "lt.h5"), e):
        sys.exit(f"FAIL: the twin trained beside local heads says head_local = {tflag}, or does not roll out as det.h5 does")
    with h5py.File(path("local.h5"), "r") as h:
        flag, dims = int(h["surrogate"].attrs.get("head_local", 0)), [int(h[f"surrogate/head{i}/sna"].attrs["dim_in"]) for i in range(6)]
    if flag != 1 or dims != [2, 3] * 3:
        sys.exit(f"FAIL: the local-head model says head_local = {flag} and its heads take {dims} inputs, not 1 and {[2, 3] * 3}")
    la, lb = rollout("local.h5", "la.h5"), rollout("local.h5", "lb.h5", ranks=2)
    if not np.array_equal(la, lb) or not np.isfinite(la).all() or np.array_equal(la[:, 0], la[:, 2]):
        sys.exit("FAIL: the local-head rollout differs on 1 and 2 ranks, is not finite, or members 0 and 2 draw one path")
    # a deterministic model that says head_local has no heads to be local: a corrupt file, refused at loading
    shutil.copy(path("det.h5"), path("bad_local.h5"))
    with h5py.File(path("bad_local.h5"), "r+") as h:
        h["surrogate"].attrs["head_local"] = np.int64(1)
    expect_error([KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path("bad_local.h5"), "-T", "1"],
                 r"has head_local 1 with latent size 6 and kind deterministic: local heads need .* corrupt model")
    print(f"reproducible: 3 members x {a.shape[0]} saved times equal bit for bit on 1 and 2 ranks (full and local heads)")


def euler_ks_galerkin(u, h=0.02, L=22.0, r=3):
    """One explicit Euler step of u_t = -u u_x - u_xx - u_xxxx, projected onto Fourier modes 1..r (rows of u)."""
    N = u.shape[-1]
    q = 2 * np.pi / L * np.fft.rfftfreq(N, 1.0 / N)
    v = np.fft.rfft(u, axis=-1)
    w = v + h * ((q**2 - q**4) * v - 0.5j * q * np.fft.rfft(u * u, axis=-1))
    w[..., 0] = 0
    w[..., r + 1:] = 0
    return np.fft.irfft(w, n=N, axis=-1)


def polynomial():
    run([KS, "-L", "22", "-N", "32", "-ensemble", "8", "-T", "10", "-dt_save", "0.5", "-trajectory", path("map.h5")])
    rng = np.random.default_rng(5)
    with h5py.File(path("map.h5"), "r+") as h:  # the solver's file layout, the map's states
        u = h["u"][:]
        v = np.zeros((u.shape[1], u.shape[2] // 2 + 1), complex)
        v[:, 1:4] = (rng.standard_normal((u.shape[1], 3)) + 1j * rng.standard_normal((u.shape[1], 3))) * 3
        u[0] = np.fft.irfft(v, n=u.shape[2], axis=-1)
        for i in range(1, u.shape[0]):
            u[i] = euler_ks_galerkin(u[i - 1])
        h["u"][...] = u
    out = run([FIT, "-trajectories", path("map.h5"), "-twin_model", path("poly.h5"), "-latent_modes", "3",
               "-drift_degree", "2", "-drift_noise", "0", "-drift_ridge", "0"])
    errs = [float(x) for x in re.findall(r"training relative error (\S+)", out)]
    if len(errs) != 6 or max(errs) > 1e-8:
        sys.exit(f"FAIL: the polynomial drift does not recover the quadratic map (relative errors {errs}):\n{out}")
    with h5py.File(path("poly.h5"), "r") as h:
        if h["surrogate"].attrs["clamp"] != 0:
            sys.exit("FAIL: a polynomial drift is marked as clamping to the training box")
    a = rollout("poly.h5", "poly_roll.h5", extra=["-init_trajectory", path("map.h5"), "-init_time", "0", "-T", "5",
                                                   "-dt_save", "0.5"])
    want = np.array(u[:11, :3])
    err = np.abs(a - want).max() / np.abs(want).max()
    if not err < 1e-8:
        sys.exit(f"FAIL: the rollout departs from the map's trajectory by {err:g} (relative)")
    print(f"polynomial: relative fit errors <= {max(errs):.2g}, rollout error {err:.2g} over 10 steps, not clamped")
    # (mutation audit s20) a step that leaves the training box is counted (surrogate_clamped_per_step), above it as
    # below: one step of 3 members from 3 times the map's first states, counted here from the stored box
    shutil.copy(path("map.h5"), path("far.h5"))
    with h5py.File(path("far.h5"), "r+") as h:
        h["u"][...] *= 3
    b = rollout("poly.h5", "far_roll.h5", extra=["-init_trajectory", path("far.h5"), "-init_time", "0", "-T", "0.5",
                                                  "-dt_save", "0.5", "-results", path("far.json")])
    with h5py.File(path("poly.h5"), "r") as h:
        lo, hi = h["surrogate/lower"][:], h["surrogate/upper"][:]
    z = model_latent("poly.h5")(b[1])
    below, above = int((z < lo).sum()), int((z > hi).sum())
    with open(path("far.json")) as f:
        got = json.load(f)["surrogate_clamped_per_step"]
    if not (below > 0 and above > 0 and abs(got - (below + above) / b.shape[1]) < 1e-12):
        sys.exit(f"FAIL: surrogate_clamped_per_step {got}, not ({below} below + {above} above the box) / {b.shape[1]} members")
    print(f"box exits: {below} below and {above} above over {b.shape[1]} member steps, as reported ({got:g} per step)")
    # (mutation audit s20) the rate form's target is a 5-point stencil over saved times i - 2 .. i + 2: its pairs start
    # at 2 .. nt - 3, nt - 4 per member (one more would read a row past the trajectory: the sanitizers see that here,
    # where regression.surrogate_ks_rate is too long to run sanitized)
    run([FIT, "-trajectories", path("map.h5"), "-twin_model", path("rate.h5"), "-latent_modes", "3", "-drift_form", "rate",
         "-results", path("rate.json")])
    with open(path("rate.json")) as f:
        pairs = json.load(f)["pairs"]
    if pairs != u.shape[1] * (u.shape[0] - 4):
        sys.exit(f"FAIL: the rate form trained on {pairs} pairs, not {u.shape[1]} members x ({u.shape[0]} saved times - 4)")
    print(f"rate form: {pairs} pairs, {u.shape[0] - 4} of {u.shape[0]} saved times per member")


def latent(u, r=3):
    """Fourier modes 1..r of the fields u (..., N) as 2r reals (the latent coordinates up to scale)."""
    v = np.fft.rfft(u, axis=-1)[..., 1:r + 1]
    return np.stack([v.real, v.imag], -1).reshape(u.shape[:-1] + (2 * r,))


def model_latent(model):
    """The model's own encoder u -> z = basis (u - mean), the coordinates its edges and residuals are in."""
    with h5py.File(path(model), "r") as h:
        basis, mean = h["surrogate/basis"][:], h["surrogate/mean"][:]
    return lambda u: (u - mean) @ basis.T


def residuals(states, twin, name, enc=latent):
    """e(t) = z(t + dt) - z(t) - g(z(t)) along each member of states (nt x M x N), g from one step of the twin
    started from every state (a trajectory file with one saved time whose members are those states); z = enc(u)
    (enc may return a tuple of encodings, and then so does this)."""
    return residuals_of([(states, enc)], twin, name)[0]


def residuals_of(runs, twin, name):
    """residuals(states, twin, name, enc) for each (states, enc) of runs, from one run of the twin (one program start
    rather than one per run: each member steps alone, so the members of the other runs beside it change nothing)."""
    N = runs[0][0].shape[-1]
    starts = np.concatenate([states[:-1].reshape(-1, N) for states, _ in runs])
    with h5py.File(path(name + "_states.h5"), "w") as h:
        h.attrs.update({"equation": np.bytes_("ks"), "field": np.bytes_("u"), "complete": 1, "L": 22.0})
        h["time"] = np.zeros(1)
        h["u"] = starts[None]
    run([KS, "-L", "22", "-N", str(N), "-stepper", "sna", "-stepper_model", path(twin), "-init_trajectory",
         path(name + "_states.h5"), "-init_time", "0", "-ensemble", str(len(starts)), "-T", "0.5", "-dt_save", "0.5",
         "-trajectory", path(name + "_step.h5")])
    with h5py.File(path(name + "_step.h5"), "r") as h:
        u0, u1 = h["u"][0], h["u"][1]
    out, k = [], 0
    for states, enc in runs:
        nt, M = states.shape[:2]
        a0, a1 = u0[k:k + (nt - 1) * M], u1[k:k + (nt - 1) * M]
        k += (nt - 1) * M
        one = lambda f: f(states)[1:] - f(states)[:-1] - (f(a1) - f(a0)).reshape(nt - 1, M, -1)  # noqa: E731
        out.append(one(enc) if not isinstance(enc, tuple) else tuple(one(f) for f in enc))
    return out


def lag1(e):
    """The lag-1 autocorrelation of the residuals e (nt x M x D), pooled over members and coordinates."""
    e = e - e.mean(axis=(0, 1))
    return float((e[1:] * e[:-1]).sum() / (e * e).sum())


def bin_edges():
    """(mutation audit s19) The stored bin edges are quantiles of the training residuals: with -bin_tail 0.1 and 8 bins,
    each coordinate's residuals of the training pairs (recomputed here with the twin's drift, in the model's own latent
    coordinates) fall below edges[i][0] and above edges[i][8] 10% of the time each, and 10% in each inner bin."""
    run([KS, "-L", "22", "-N", "32", "-ensemble", "2", "-T", "200", "-save_start", "100", "-dt_save", "0.5",
         "-trajectory", path("train.h5")])
    run([FIT, "-trajectories", path("train.h5"), "-latent_modes", "3", "-bins", "8", "-head_sna_khronos_modes", "3",
         "-head_sna_fit_max_it", "2", "-bin_tail", "0.1", "-model", path("cat.h5"), "-twin_model", path("det.h5")])
    with h5py.File(path("train.h5"), "r") as h:
        u = h["u"][:]
    with h5py.File(path("cat.h5"), "r") as h:
        edges = h["surrogate/edges"][:]
    e = residuals(u, "det.h5", "train", enc=model_latent("cat.h5")).reshape(-1, edges.shape[0])
    fails = []
    for i in range(edges.shape[0]):
        x = e[:, i]
        frac = np.array([np.mean(x < edges[i, 0])] + [np.mean((x >= edges[i, b]) & (x < edges[i, b + 1])) for b in range(8)]
                        + [np.mean(x >= edges[i, 8])])
        want = np.array([0.1] + [0.1] * 8 + [0.1])
        print(f"coordinate {i}: fractions below, in each bin, above: {np.round(frac, 3)}")
        if np.abs(frac - want).max() > 0.02:
            fails.append(f"coordinate {i}: the fractions of the training residuals below the edges, in each bin and above "
                         f"them are {np.round(frac, 3)}, not 0.1 each (+- 0.02): edges {edges[i]}")
    # (mutation audit s20) local heads (-head_local) see their latent pair and, for the pair's second coordinate i, the
    # residual of coordinate i - 1: their input boxes (the training inputs' ranges) are those columns' ranges, which the
    # full model's last head also holds (it sees z and every residual but its own). A local head given its own
    # residual (its target) would show e_i's range.
    run([FIT, "-trajectories", path("train.h5"), "-latent_modes", "3", "-bins", "8", "-head_sna_khronos_modes", "3",
         "-head_sna_fit_max_it", "2", "-bin_tail", "0.1", "-head_local", "-model", path("local.h5")])
    with h5py.File(path("cat.h5"), "r") as h, h5py.File(path("local.h5"), "r") as g:
        D = edges.shape[0]
        lo, hi = h[f"surrogate/head{D - 1}/sna/lower"][:], h[f"surrogate/head{D - 1}/sna/upper"][:]
        for i in range(D):
            cols = [2 * (i // 2), 2 * (i // 2) + 1] + ([D + i - 1] if i % 2 else [])
            box = np.array([g[f"surrogate/head{i}/sna/lower"][:], g[f"surrogate/head{i}/sna/upper"][:]])
            want = np.array([lo[cols], hi[cols]])
            if box.shape != want.shape or not np.allclose(box, want, rtol=1e-12, atol=0):
                fails.append(f"local head {i}: input box {box.tolist()}, not the ranges {want.tolist()} of z_{cols[0]}, "
                             f"z_{cols[1]}" + (f" and the residual e_{i - 1}" if i % 2 else "") + " (the full model's last head's)")
    print(f"local heads: input boxes are their latent pair's and, for odd i, the residual e_(i-1)'s ranges ({D} heads)")
    if fails:
        sys.exit("FAIL: " + "\n".join(fails))


def markov():
    ks_data()
    fit = [FIT, "-trajectories", path("train.h5"), "-latent_modes", "3", "-bins", "8", "-head_sna_khronos_modes", "3",
           "-head_sna_fit_max_it", "4"]
    run(fit + ["-model", path("cat.h5"), "-twin_model", path("det.h5")])
    run(fit + ["-model", path("mcat.h5"), "-twin_model", path("mdet.h5"), "-head_markov"])
    with h5py.File(path("mcat.h5"), "r") as h:
        flag, dims = int(h["surrogate"].attrs.get("markov", 0)), [int(h[f"surrogate/head{i}/sna"].attrs["dim_in"]) for i in range(6)]
    with h5py.File(path("mdet.h5"), "r") as h:  # the twin beside Markov heads has no heads to remember residuals
        if int(h["surrogate"].attrs.get("markov", 0)) != 0:
            sys.exit("FAIL: the twin trained beside Markov heads says markov = 1")
    if flag != 1 or dims != [6 + i + 1 for i in range(6)]:
        sys.exit(f"FAIL: the Markov model says markov = {flag} and its heads take {dims} inputs, not 1 and {[7 + i for i in range(6)]}")
    zc = model_latent("cat.h5")  # both models share the latent and the twin's drift
    with h5py.File(path("train.h5"), "r") as h:
        train = h["u"][:200]
    extra = ["-ensemble", "4", "-T", "50", "-dt_save", "0.5"]
    cat = rollout("cat.h5", "plain.h5", extra=extra)
    a = rollout("mcat.h5", "mark.h5", extra=extra)
    # each coordinate's residuals are drawn within its own bins, in the model's coordinates (residual_scale 1, no
    # clamp): within [edges[i][0], edges[i][q]]. Coordinate 0's edges are the narrowest here and lie within the
    # others', so a copy whose coordinate i has its edges moved by i makes them disjoint: one step of it must draw
    # each coordinate's residual within its own moved edges (another coordinate's edges would show at once)
    shutil.copy(path("cat.h5"), path("moved.h5"))
    with h5py.File(path("moved.h5"), "r+") as h:
        h["surrogate/edges"][...] = h["surrogate/edges"][:] + np.arange(h["surrogate/edges"].shape[0])[:, None]
    one = ["-ensemble", "4", "-T", "0.5", "-dt_save", "0.5"]
    moved = rollout("moved.h5", "moved_roll.h5", extra=one)
    truth, (plain, eplain), (mark, emark), emoved = residuals_of(
        [(train, latent), (cat, (latent, zc)), (a, (latent, zc)), (moved, zc)], "det.h5", "markov")
    truth, plain, mark = lag1(truth), lag1(plain), lag1(mark)
    for model, e in (("cat.h5", eplain), ("mcat.h5", emark), ("moved.h5", emoved)):
        with h5py.File(path(model), "r") as h:
            edges, rs, clamp = h["surrogate/edges"][:], h["surrogate"].attrs["residual_scale"], h["surrogate"].attrs["clamp"]
        if clamp or rs != 1:
            sys.exit(f"FAIL: {model} has clamp {clamp} and residual_scale {rs}, not 0 and 1: its residuals are not the drawn ones")
        tol = 1e-9 * (np.abs(edges).max() + np.abs(zc(a)).max())
        for i in range(edges.shape[0]):
            lo, hi = e[..., i].min(), e[..., i].max()
            if lo < edges[i, 0] - tol or hi > edges[i, -1] + tol:
                sys.exit(f"FAIL: {model}: the rollout's residuals of coordinate {i} span [{lo:.4g}, {hi:.4g}], beyond its "
                         f"edges [{edges[i, 0]:.4g}, {edges[i, -1]:.4g}]")
    if not (truth > 0.8 and mark > 0.5 and abs(plain) < 0.3):
        sys.exit(f"FAIL: lag-1 autocorrelation of the residuals: training {truth:.3f} (want above 0.8), Markov rollout {mark:.3f} "
                 f"(want above 0.5), plain rollout {plain:.3f} (want near 0)")
    if not np.array_equal(a, rollout("mcat.h5", "mark2.h5", ranks=2, extra=extra)):
        sys.exit("FAIL: the Markov rollout on 2 ranks differs from the one on 1 rank")
    # the largest -seed, from random initial states: the draws' generators are seeded without a PetscInt overflow
    # (undefined behaviour from -seed 138 on, which the sanitized build, where this check runs, stops at)
    run([KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path("cat.h5"), "-ensemble", "2", "-T", "1",
         "-dt_save", "0.5", "-seed", "2147483647", "-trajectory", path("seed_largest.h5")])
    with h5py.File(path("seed_largest.h5"), "r") as h:
        big = h["u"][:]
    if not np.isfinite(big).all() or np.array_equal(big[:, 0], big[:, 1]):
        sys.exit("FAIL: the rollout with -seed 2147483647 is not finite, or its two members are one")
    for scale, name in [(0.0, "zero.h5"), (-1.0, "negative.h5")]:
        shutil.copy(path("cat.h5"), path(name))
        with h5py.File(path(name), "r+") as h:
            h["surrogate"].attrs["residual_scale"] = scale
    det, zero = rollout("det.h5", "det_roll.h5", extra=extra), rollout("zero.h5", "zero_roll.h5", extra=extra)
    if not np.array_equal(det, zero) or np.array_equal(zero, cat):  # cat: cat.h5's rollout above, the same command
        sys.exit("FAIL: the categorical model with residual_scale 0 does not roll out as its twin, or the one with scale 1 does")
    expect_error([KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path("negative.h5"), "-T", "1"],
                 r"has residual_scale -1\.?; it must be in \[0, 100\]")
    # options that would do nothing are refused: head options without heads, polynomial options on the SNA fit;
    # and Markov heads with no pair that has a step before (only pair 0 kept) get an error, not empty bins
    base = [FIT, "-trajectories", path("train.h5"), "-latent_modes", "3"]
    expect_error(base + ["-twin_model", path("never.h5"), "-head_markov"],
                 r"-head_markov applies to the categorical heads, but only the deterministic twin is trained")
    expect_error(base + ["-twin_model", path("never.h5"), "-drift_fit", "sna", "-drift_ridge", "1e-6"],
                 r"-drift_ridge applies to the polynomial drift \(-drift_fit polynomial\), but the drift here is the SNA's own fit")
    expect_error(base + ["-model", path("never.h5"), "-head_markov", "-head_stride", "100000", "-head_sna_fit_max_it", "1"],
                 r"No training pair is left for the categorical heads \(-head_stride 100000, and -head_markov needs a step before")
    if os.path.exists(path("never.h5")):
        sys.exit("FAIL: a refused fit wrote never.h5")
    print(f"markov: lag-1 autocorrelation of the residuals: training {truth:.3f}, Markov rollout {mark:.3f}, plain {plain:.3f}")


def expect_error(cmd, pattern):
    out = run(cmd, expect_rc=1)
    if not re.search(pattern, out):
        sys.exit(f"FAIL: {' '.join(cmd)} did not say /{pattern}/:\n{out}")


def wrong_system():
    train()
    base = [KS, "-stepper", "sna", "-stepper_model", path("cat.h5"), "-T", "2", "-dt_save", "1"]
    expect_error(base + ["-L", "20", "-N", "32"], r"The surrogate model '" + re.escape(path("cat.h5")) + r"' was trained for the domain length 22\.?, but this run has 20\.? \(-L\)")
    expect_error(base + ["-L", "22", "-N", "64"], r"The surrogate model '" + re.escape(path("cat.h5")) + r"' was trained for 32 grid points \(-N 32\), but this run has 64 grid points \(-N 64\): train it for this grid")
    expect_error(base + ["-L", "22", "-N", "32", "-dt_save", "0.3"], r"-dt_save 0.3 is not a multiple of the surrogate's step 0.5")
    expect_error(base + ["-L", "22", "-N", "32", "-lyapunov"], r"-lyapunov does not apply to -stepper sna")
    expect_error([KS, "-stepper", "sna", "-T", "2"], r"-stepper sna needs -stepper_model")
    expect_error([KS, "-stepper_simd", "0", "-T", "2"], r"-stepper_simd applies to -stepper sna only")
    expect_error(base + ["-L", "22", "-N", "32", "-init_trajectory", path("train.h5"), "-trajectory", path("train.h5")], r"-trajectory.*-init_trajectory")
    expect_error([KS, "-stepper", "sna", "-stepper_model", path("train.h5"), "-T", "2"], r"no group /surrogate")
    with h5py.File(path("sur_dataset.h5"), "w") as h:  # /surrogate a dataset: refused naming the file, not an attribute
        h["surrogate"] = np.zeros(3)
    expect_error([KS, "-stepper", "sna", "-stepper_model", path("sur_dataset.h5"), "-T", "2"],
                 r"'[^']*sur_dataset\.h5' has an object /surrogate that is not a group: it is not a rollout surrogate")
    # an empty training box and bin edges out of order: refused, not rolled out
    for name, edit, says in (("empty_box.h5", lambda s: (s["lower"].__setitem__(0, 5.0), s["upper"].__setitem__(0, -5.0)),
                              r"the training box \(lower, upper\) of coordinate 0 is \[5\.?, -5\.?\], which is empty"),
                             ("edges_down.h5", lambda s: s["edges"].__setitem__(0, s["edges"][0][::-1]), r"the bin edges of coordinate 0 decrease"),
                             # a latent basis of rows shorter than the grid it declares: the hint to train again, not
                             # only the generic shape check (mutation s26 M7)
                             ("short_basis.h5", lambda s: (lambda b: (s.__delitem__("basis"), s.create_dataset("basis", data=b[:, :-1])))(s["basis"][...]),
                              r"declares 32 grid points but its basis has rows of 31: the grid sizes disagree \(corrupt surrogate; train it again with snaps-rollout-fit")):
        shutil.copy(path("cat.h5"), path(name))
        with h5py.File(path(name), "r+") as h:
            edit(h["surrogate"])
        expect_error([KS, "-stepper", "sna", "-stepper_model", path(name), "-T", "2", "-dt_save", "1", "-L", "22", "-N", "32"], says)
    # a corrupt head among the models read from the one open file: the message names the head's group and the file
    for name, edit, says in (("no_C.h5", lambda g: g.__delitem__("C"), r"no dataset 'C'"),
                             ("bad_W.h5", lambda g: (g.__delitem__("W"), g.create_dataset("W", data=np.ones((1, 2, 3)))),
                              r"dataset 'W' has the wrong shape")):
        shutil.copy(path("cat.h5"), path(name))
        with h5py.File(path(name), "r+") as h:
            edit(h["surrogate/head1/sna"])
        for ranks in (1, 2):
            cmd = [KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path(name), "-T", "2", "-dt_save", "1"]
            expect_error((MPIEXEC + ["-n", str(ranks)] if ranks > 1 else []) + cmd,
                         r"(?s)" + says + r".*The model /surrogate/head1/sna of '" + re.escape(path(name)) + r"' cannot be read: corrupt surrogate")
    # members far from every training state (the training states times 50): the run says that the model extrapolates
    with h5py.File(path("train.h5"), "r") as h, h5py.File(path("far.h5"), "w") as g:
        for k, v in h.attrs.items():
            g.attrs[k] = v
        for name in h:
            if name == "u":
                g["u"] = h["u"][:] * 50
            else:
                h.copy(name, g)
    out = run(base + ["-L", "22", "-N", "32", "-init_trajectory", path("far.h5")])
    if not re.search(r"WARNING: snaps-ks: on average [0-9.]+ of the model's [0-9]+ latent coordinates per step lay outside its training box", out):
        sys.exit(f"FAIL: no warning that the rollout is far from the training data:\n{out}")
    print("wrong_system: models for another system are refused, naming both values; a corrupt head, an empty box and falling"
          " bin edges are refused;"
          " a rollout far from the training states is warned about")


def kolmogorov():
    KOL = KS
    run([KOL, "-N", "32", "-Re", "40", "-ensemble", "2", "-T", "50", "-save_start", "20", "-dt_save", "0.5",
         "-trajectory", path("train.h5")])
    out = run([FIT, "-trajectories", path("train.h5"), "-model", path("cat.h5"), "-twin_model", path("det.h5"),
               "-latent_modes", "4", "-bins", "6", "-train_stride", "2", "-drift_sna_fit_max_it", "10",
               "-head_sna_fit_max_it", "3"])
    if "4 POD modes" not in out:
        sys.exit(f"FAIL: snaps-rollout-fit did not report a POD basis of 4 modes for a 2-D field:\n{out}")
    # the polynomial drift's translation rule is KS's (Fourier modes): refused on a POD latent
    expect_error([FIT, "-trajectories", path("train.h5"), "-twin_model", path("poly.h5"), "-latent_modes", "4",
                  "-drift_fit", "polynomial", "-drift_equivariant", "true"],
                 r"-drift_equivariant true assumes a Fourier latent .* but this latent is pod: drop -drift_equivariant")
    # local heads see a complex Fourier mode (a pair of coordinates): refused on a POD latent (3 modes: the last has no pair)
    expect_error([FIT, "-trajectories", path("train.h5"), "-model", path("local.h5"), "-latent_modes", "3", "-head_local",
                  "-drift_sna_fit_max_it", "1"],
                 r"-head_local gives each head .* but this latent is pod \(3 coordinates\): drop -head_local")
    expect_error([FIT, "-trajectories", path("train.h5"), "-twin_model", path("pairs.h5"), "-latent_modes", "4", "-drift_pairs"],
                 r"-drift_pairs drives complex Fourier modes, but this latent is pod: give -latent fourier or drop -drift_pairs")
    with h5py.File(path("cat.h5"), "r") as h:
        B = h["surrogate/basis"][:]
        kind = h["surrogate"].attrs["latent_basis"]
        energy = float(h["surrogate"].attrs["latent_energy"])
    kind = kind.decode() if isinstance(kind, bytes) else str(kind)
    if kind != "pod" or B.shape != (4, 1024) or not np.allclose(B @ B.T, np.eye(4), atol=1e-10) or not 0 < energy <= 1:
        sys.exit(f"FAIL: the model's basis is not 4 orthonormal POD modes of 32^2 points (latent_basis {kind}, shape {B.shape}, energy {energy})")

    def roll(model, out, ranks, seed=3):
        cmd = [KOL, "-N", "32", "-Re", "40", "-stepper", "sna", "-stepper_model", path(model), "-init_trajectory",
               path("train.h5"), "-init_time", "30", "-ensemble", "3", "-T", "10", "-dt_save", "1", "-seed", str(seed),
               "-trajectory", path(out)]
        run((MPIEXEC + ["-n", str(ranks)] if ranks > 1 else []) + cmd)
        with h5py.File(path(out), "r") as h:
            return h["w"][:]

    a, b = roll("cat.h5", "a.h5", 1), roll("cat.h5", "b.h5", 2)
    if not np.array_equal(a, b):
        sys.exit(f"FAIL: the Kolmogorov rollout on 2 ranks differs from the one on 1 rank (largest difference {np.abs(a - b).max():g})")
    if not np.isfinite(a).all() or np.array_equal(a[:, 0], a[:, 2]):
        sys.exit("FAIL: the Kolmogorov rollout is not finite, or members 0 and 2 (one initial state) draw the same path")
    if not np.array_equal(roll("det.h5", "c.h5", 1), roll("det.h5", "d.h5", 2, seed=4)):
        sys.exit("FAIL: the deterministic twin's Kolmogorov rollout depends on the ranks or the seed")
    expect_error([KOL, "-N", "64", "-stepper", "sna", "-stepper_model", path("cat.h5"), "-T", "2"],
                 r"trained for 1024 grid points \(-N 32\), but this run has 4096 grid points \(-N 64\): train it for this grid")
    shutil.copy(path("cat.h5"), path("bad.h5"))
    with h5py.File(path("bad.h5"), "r+") as h:
        h["surrogate"].attrs["latent"] = np.int64(5)
    expect_error([KOL, "-N", "32", "-stepper", "sna", "-stepper_model", path("bad.h5"), "-T", "2"],
                 r"declares latent size 5 but its basis holds 4 latent modes")
    print(f"kolmogorov: 3 members x {a.shape[0]} saved 32^2 fields equal bit for bit on 1 and 2 ranks; POD energy {energy:.3f}")


def kolmogorov_fourier():
    KOL = KS
    run([KOL, "-N", "32", "-Re", "40", "-T", "40", "-save_start", "20", "-dt_save", "0.1", "-trajectory", path("train.h5")])
    fit = [FIT, "-trajectories", path("train.h5"), "-latent", "fourier", "-latent_modes", "3", "-rollout_dt", "0.1",
           "-drift_degree", "2", "-drift_noise", "0.15"]
    out = run(fit + ["-twin_model", path("det.h5"), "-save_drift_snas"])  # the SNAs too: the checks below evaluate them
    run(fit + ["-twin_model", path("tab.h5")])  # the default: the table of monomials alone
    if "equivariant quadratic of the complex mode" not in out:
        sys.exit(f"FAIL: the 2-D Fourier latent did not get the equivariant pair drifts:\n{out}")
    with h5py.File(path("det.h5"), "r") as h:
        B = h["surrogate/basis"][:]
        clamp = h["surrogate"].attrs["clamp"]
    with h5py.File(path("train.h5"), "r") as h:
        w = h["w"][-1, 0]
    if B.shape != (48, 1024) or not np.allclose(B @ B.T, np.eye(48), atol=1e-12) or clamp != 0:
        sys.exit(f"FAIL: the basis is not 48 orthonormal rows of 32^2 points, or the model clamps ({B.shape}, clamp {clamp})")
    z, zs = B @ w.ravel(), B @ np.roll(w, 5, axis=1).ravel()  # w[y, x]: x is the last axis
    kx = np.array([0] * 3 + [k for k in range(1, 4) for _ in range(7)])  # SNAPSLatentFourierWavenumber's order
    c, s = z[0::2] + 1j * z[1::2], zs[0::2] + 1j * zs[1::2]
    if not np.allclose(s, c * np.exp(2j * np.pi * kx * 5 / 32), atol=1e-10 * np.abs(z).max()):
        sys.exit("FAIL: an x-shift of the field does not turn each (cos, sin) pair of the basis by kx times the angle")

    def roll(init, out, ranks):
        cmd = [KOL, "-N", "32", "-Re", "40", "-stepper", "sna", "-stepper_model", path("det.h5"), "-init_trajectory",
               path(init), "-init_time", "30", "-T", "5", "-dt_save", "0.5", "-trajectory", path(out)]
        run((MPIEXEC + ["-n", str(ranks)] if ranks > 1 else []) + cmd)
        with h5py.File(path(out), "r") as h:
            return h["w"][:, 0]

    a = roll("train.h5", "a.h5", 1)
    if not np.isfinite(a).all() or np.abs(a).max() > 100:
        sys.exit("FAIL: the unclamped rollout left the attractor within 5 time units")
    with h5py.File(path("train.h5"), "r") as h:  # -init_trajectory reads the one saved time it starts from
        if not np.array_equal(a[0], h["w"][np.argmin(np.abs(h["time"][:] - 30)), 0]):
            sys.exit("FAIL: the rollout's first saved field is not the state of -init_trajectory at -init_time 30")
    for axis, shift in ((1, 5), (0, 8)):
        shutil.copy(path("train.h5"), path("shifted.h5"))
        with h5py.File(path("shifted.h5"), "r+") as h:
            h["w"][...] = np.roll(h["w"][:], shift, axis=axis + 2)
        for ranks in (1, 2):
            b = roll("shifted.h5", f"b{axis}{ranks}.h5", ranks)
            err = np.abs(b - np.roll(a, shift, axis=axis + 1)).max() / np.abs(a).max()
            if not err < 1e-9:
                sys.exit(f"FAIL: the rollout from the state shifted by {shift} points in {'xy'[1 - axis]} is not the shifted rollout "
                         f"(relative difference {err:g}, {ranks} ranks): the drift is not equivariant")
    err = quadratic_step_error(B, KOL, "train.h5")
    table_only(KOL, a)
    table_members(KOL, B)
    # a state far outside the drift SNAs' box (10 times a training state): the table clamps each input as they do
    shutil.copy(path("train.h5"), path("far.h5"))
    with h5py.File(path("far.h5"), "r+") as h:
        h["w"][...] *= 10
    far = quadratic_step_error(B, KOL, "far.h5")
    # a table stored without its box (written before the table clamped): ignored, the SNAs are read and the table is
    # rebuilt from them with their box, so the step from far outside the box is still the SNAs'
    shutil.copy(path("det.h5"), path("stale.h5"))
    with h5py.File(path("stale.h5"), "r+") as h:
        del h["surrogate/drift_box"]
    quadratic_step_error(B, KOL, "far.h5", "stale.h5")
    # the SNA's own fit on this latent (-drift_fit sna) has no degree to give: it trains (tiny fits here)
    run([FIT, "-trajectories", path("train.h5"), "-twin_model", path("sna.h5"), "-latent", "fourier", "-latent_modes", "1",
         "-rollout_dt", "0.1", "-train_stride", "20", "-drift_fit", "sna", "-drift_sna_fit_max_it", "1",
         "-drift_sna_khronos_modes", "2"])
    expect_error([KOL, "-N", "32", "-Re", "40", "-stepper", "sna", "-stepper_model", path("sna.h5"), "-stepper_simd", "0", "-T", "1"],
                 r"-stepper_simd applies to a quadratic drift .*, but the drift of '.*sna.h5' is fitted SNAs")
    # a model written before the table of monomials and the system's parameters were stored: its drift SNAs are
    # read and turned into the same table (the same rollout), and it is not checked for Re
    shutil.copy(path("det.h5"), path("old.h5"))
    with h5py.File(path("old.h5"), "r+") as h:
        nt = int(h["surrogate"].attrs["drift_monomials"])
        for name in ("drift_monomials", "nu", "alpha", "forcing_wavenumber"):
            del h["surrogate"].attrs[name]
        del h["surrogate/drift_monomials"]
    run([KOL, "-N", "32", "-Re", "40", "-stepper", "sna", "-stepper_model", path("old.h5"), "-init_trajectory",
         path("train.h5"), "-init_time", "30", "-T", "5", "-dt_save", "0.5", "-trajectory", path("old_roll.h5")])
    with h5py.File(path("old_roll.h5"), "r") as h:
        old = np.abs(h["w"][:, 0] - a).max() / np.abs(a).max()
    if not old < 1e-12:
        sys.exit(f"FAIL: the model without its stored monomials rolls out differently ({old:g} relative)")
    shutil.copy(path("tab.h5"), path("bad_table.h5"))
    with h5py.File(path("bad_table.h5"), "r+") as h:
        h["surrogate/drift_monomials"][nt - 1, 2] = B.shape[0] + 1
    expect_error([KOL, "-N", "32", "-Re", "40", "-stepper", "sna", "-stepper_model", path("bad_table.h5"), "-T", "1"],
                 rf"row {nt - 1} of drift_monomials .* is not a coordinate in ascending order below 48 and two factors in \[0, 48\]")
    expect_error([KOL, "-N", "32", "-Re", "60", "-stepper", "sna", "-stepper_model", path("det.h5"), "-T", "1"],
                 r"det.h5' was trained at Re = 40\.? \(nu = 0.025\), but this run has Re = 60\.? \(-Re\)")
    expect_error([KOL, "-N", "32", "-Re", "40", "-forcing_wavenumber", "2", "-stepper", "sna", "-stepper_model",
                  path("det.h5"), "-T", "1"], r"trained for the forcing wavenumber 4, but this run has 2 \(-forcing_wavenumber\)")
    expect_error([KOL, "-N", "32", "-Re", "40", "-alpha", "0.1", "-stepper", "sna", "-stepper_model", path("det.h5"), "-T", "1"],
                 r"trained with the linear drag 0\.?, but this run has 0.1 \(-alpha\)")
    expect_error([KOL, "-N", "32", "-Re", "40", "-forcing_amplitude", "2", "-stepper", "sna", "-stepper_model", path("tab.h5"),
                  "-T", "1"], r"tab.h5' was trained with the forcing amplitude 1\.?, but this run has 2\.? \(-forcing_amplitude\)")
    # a forced model written before the amplitude was recorded: taken as snaps-kolmogorov's default 1, and said so
    shutil.copy(path("tab.h5"), path("no_amp.h5"))
    with h5py.File(path("no_amp.h5"), "r+") as h:
        del h["surrogate"].attrs["forcing_amplitude"]
    expect_error([KOL, "-N", "32", "-Re", "40", "-forcing_amplitude", "0.5", "-stepper", "sna", "-stepper_model",
                  path("no_amp.h5"), "-T", "1"], r"forcing amplitude 1\.? \(not recorded in this older model: snaps-kolmogorov's "
                 r"default assumed\), but this run has 0.5 \(-forcing_amplitude\)")
    run([KOL, "-N", "32", "-Re", "40", "-stepper", "sna", "-stepper_model", path("no_amp.h5"), "-T", "0.1", "-dt_save", "0.1"])
    print(f"kolmogorov_fourier: orthonormal 2-D Fourier basis, x-shift turns the pairs; rollouts from x- and y-shifted states "
          f"are the shifted rollout to rounding over {a.shape[0] - 1} saved steps, unclamped; one step is the stored "
          f"polynomial SNAs' drift to {err:.1e} ({far:.1e} from 10 times a training state); the table-only model rolls out the "
          f"same; runs at another Re, forcing wavenumber or amplitude or drag refuse the model")


def table_only(KOL, a):
    """The default model file holds the drift's table of monomials and no drift SNAs (-save_drift_snas writes them): it is
    smaller and rolls out bit for bit as the file with the SNAs; a table-only file whose table or box is missing is refused
    as corrupt, naming what is missing."""
    with h5py.File(path("tab.h5"), "r") as h:
        drifts = [k for k in h["surrogate"] if k.startswith("drift") and isinstance(h["surrogate"][k], h5py.Group)]
        if drifts or "drift_monomials" not in h["surrogate"] or "drift_box" not in h["surrogate"]:
            sys.exit(f"FAIL: the default model file holds drift SNAs ({len(drifts)} groups) or lacks its table of monomials and box")
    if not os.path.getsize(path("tab.h5")) < os.path.getsize(path("det.h5")):
        sys.exit("FAIL: the table-only model file is not smaller than the one with the drift SNAs")
    run([KOL, "-N", "32", "-Re", "40", "-stepper", "sna", "-stepper_model", path("tab.h5"), "-init_trajectory",
         path("train.h5"), "-init_time", "30", "-T", "5", "-dt_save", "0.5", "-trajectory", path("tab_roll.h5")])
    with h5py.File(path("tab_roll.h5"), "r") as h:
        if not np.array_equal(h["w"][:, 0], a):
            sys.exit("FAIL: the table-only model rolls out differently from the model with its drift SNAs")
    for name in ("drift_monomials", "drift_box"):
        shutil.copy(path("tab.h5"), path("no_table.h5"))
        with h5py.File(path("no_table.h5"), "r+") as h:
            del h["surrogate/" + name]
        expect_error([KOL, "-N", "32", "-Re", "40", "-stepper", "sna", "-stepper_model", path("no_table.h5"), "-T", "1"],
                     r"no_table.h5' holds neither its drift's table of monomials .*drift_monomials with drift_box.* nor the "
                     r"drift SNAs .*: corrupt model")


def table_drift(model, z):
    """The drift of model at the states z (n x D) from its stored table of monomials (rows coordinate, factor a, factor b,
    coefficient; factor D is 1), each input clamped to drift_box: the numpy reference of surrogate.c's step."""
    with h5py.File(path(model), "r") as m:
        T, box = m["surrogate/drift_monomials"][:], m["surrogate/drift_box"][:]
    x = np.hstack([np.clip(z, box[0], box[1]), np.ones((z.shape[0], 1))])
    i, a, b = (T[:, j].astype(int) for j in range(3))
    g = np.zeros(z.shape)
    for k in range(z.shape[0]):
        np.add.at(g[k], i, T[:, 3] * x[k, a] * x[k, b])
    return g


def table_members(KOL, B):
    """One step of 9 members from 9 different states, stepped together on 1 rank, decoded, is mean + B^T (z0 + the
    stored table of monomials at z0) evaluated here (numpy, to 1e-11 of the largest value: the step sums the table by
    2 x 2 blocks of complex products, QuadraticBlocks, in another order than the table's); the first 7 stepped on 2
    ranks (3 + 4), a member alone and the 9 with the portable kernel (-stepper_simd 0) give the same bits as the 9 (on
    a CPU with AVX2: groups of 4 and of 3 with a spare lane, 1 alone portable); the same for a copy whose table has row 1's terms reversed (the
    blocks do not depend on the table's order), for one whose basis rows 0 and 2 are swapped (no longer the Fourier
    layout: the dense decode, not the separable one), and for a polynomial drift on a POD basis of 3 coordinates (an odd
    count: the last block row has one row)."""
    with h5py.File(path("train.h5"), "r") as h, h5py.File(path("nine.h5"), "w") as o:
        for k, v in h.attrs.items():
            o.attrs[k] = v
        o.attrs["members"] = np.int64(9)
        o["time"] = np.array([30.0])
        o["w"] = h["w"][::20, 0][None, :9]  # 9 states 2 time units apart
    with h5py.File(path("tab.h5"), "r") as h:
        T = h["surrogate/drift_monomials"][:]
    rows = [T[T[:, 0] == i, 1:3] for i in range(B.shape[0])]
    if not all(np.array_equal(rows[i], rows[i + 1]) for i in range(0, B.shape[0], 2)):
        sys.exit("FAIL: the cos and sin rows of the table do not share their factors: this check would not cover the twin rows")
    shutil.copy(path("tab.h5"), path("untwinned.h5"))
    with h5py.File(path("untwinned.h5"), "r+") as h:
        r1 = np.flatnonzero(T[:, 0] == 1)
        h["surrogate/drift_monomials"][r1[0]:r1[-1] + 1] = T[r1[::-1]]
    shutil.copy(path("tab.h5"), path("permuted.h5"))
    with h5py.File(path("permuted.h5"), "r+") as h:
        h["surrogate/basis"][...] = h["surrogate/basis"][:][[2, 1, 0] + list(range(3, B.shape[0]))]

    def step(model, out, ranks, members=9, extra=()):
        cmd = [KOL, "-N", "32", "-Re", "40", "-stepper", "sna", "-stepper_model", path(model), "-init_trajectory",
               path("nine.h5"), "-init_time", "30", "-ensemble", str(members), "-T", "0.1", "-dt_save", "0.1",
               "-trajectory", path(out), *extra]
        run((MPIEXEC + ["-n", str(ranks)] if ranks > 1 else []) + cmd)
        with h5py.File(path(out), "r") as h:
            return h["w"][:]

    run([FIT, "-trajectories", path("train.h5"), "-twin_model", path("pod3.h5"), "-latent", "pod", "-latent_modes", "3",
         "-rollout_dt", "0.1", "-drift_fit", "polynomial", "-drift_degree", "2"])
    for model in ("tab.h5", "untwinned.h5", "permuted.h5", "pod3.h5"):
        w = step(model, "nine1.h5", 1, extra=("-results", path("default.json")))
        with h5py.File(path(model), "r") as m:
            mean, Bm = m["surrogate/mean"][:], m["surrogate/basis"][:]
        z0 = (w[0].reshape(9, -1) - mean) @ Bm.T
        want = mean + (z0 + table_drift(model, z0)) @ Bm
        err = np.abs(w[1].reshape(9, -1) - want).max() / np.abs(want).max()
        if not err < 1e-11:
            sys.exit(f"FAIL: one step of 9 members of {model}, decoded, differs from the table of monomials evaluated here by "
                     f"{err:g} relative: the table's product or the decode is wrong")
        # 7 members on 2 ranks (3 + 4: AVX2 groups of 4 and of 3 with a spare lane, where the CPU has it) and 1 alone
        # (the portable kernel) are the first 7 and the first of the 9 (groups of 4, 4 and 1 alone)
        if not np.array_equal(step(model, "seven2.h5", 2, 7), w[:, :7]) or not np.array_equal(step(model, "one.h5", 1, 1), w[:, :1]):
            sys.exit(f"FAIL: the step of {model}'s members depends on the ranks or on which members share the step")
        # the portable kernel (-stepper_simd 0) and the default (AVX2 where the CPU has it) agree bit for bit, and the
        # reports name the kernel that ran
        if not np.array_equal(step(model, "nine_portable.h5", 1, extra=("-results", path("portable.json"), "-stepper_simd", "0")), w):
            sys.exit(f"FAIL: the step of {model}'s members with -stepper_simd 0 (the portable kernel) differs from the default's")
        kernels = [json.load(open(path(f)))["surrogate_kernel"] for f in ("portable.json", "default.json")]
        if kernels != ["portable", "avx2" if AVX2 else "portable"]:
            sys.exit(f"FAIL: the reports name the kernels {kernels}, not portable and {'avx2' if AVX2 else 'portable'} (this CPU "
                     f"{'has' if AVX2 else 'lacks'} AVX2)")


def khronos_polynomial(g, z):
    """The KHRONOS SNA of the group g (one polynomial piece per input: nodes = degree + 1, the Bernstein basis) at z."""
    from math import comb
    k, W, C = int(g.attrs["degree"]), g["W"][:], g["C"][:, 0]
    if int(g.attrs["nodes"]) != k + 1:
        sys.exit(f"FAIL: the drift {g.name} is not one polynomial piece per input (nodes {g.attrs['nodes']}, degree {k})")
    t = np.clip((z - g["lower"][:]) / (g["upper"][:] - g["lower"][:]), 0, 1)  # the B-splines clamp to the box
    basis = np.array([comb(k, j) * t**j * (1 - t)**(k - j) for j in range(k + 1)]).T  # inputs x (k + 1)
    factors = np.einsum("pg,pgm->pm", basis, W)
    return float(np.sum(C * np.prod(factors, axis=0)))


def quadratic_step_error(B, KOL, init, model="det.h5"):
    """One rollout step from the state of init at t = 30 (the drift as its table of monomials, surrogate.c) against the
    stored drift SNAs evaluated here from their factors, relative to the largest drift: the direct evaluation is the
    model's."""
    run([KOL, "-N", "32", "-Re", "40", "-stepper", "sna", "-stepper_model", path(model), "-init_trajectory",
         path(init), "-init_time", "30", "-T", "0.1", "-dt_save", "0.1", "-trajectory", path("step.h5")])
    with h5py.File(path("step.h5"), "r") as h, h5py.File(path(model), "r") as m:
        mean = m["surrogate/mean"][:]
        z0, z1 = (B @ (h["w"][i, 0].ravel() - mean) for i in (0, 1))
        g = np.array([khronos_polynomial(m[f"surrogate/drift{i}/sna"], z0) for i in range(B.shape[0])])
    err = np.abs(z1 - z0 - g).max() / np.abs(g).max()
    if not err < 1e-11:
        sys.exit(f"FAIL: one step of the rollout of {model} from {init} differs from the model's drift SNAs by {err:g} relative (largest "
                 f"drift {np.abs(g).max():g}): the direct evaluation is not the stored model")
    return err


def ks_pairs():
    run([KS, "-L", "22", "-N", "32", "-ensemble", "2", "-T", "60", "-save_start", "20", "-dt_save", "0.1",
         "-trajectory", path("train.h5")])
    fit = [FIT, "-trajectories", path("train.h5"), "-twin_model", path("det.h5"), "-latent_modes", "5",
           "-rollout_dt", "0.1", "-drift_pairs"]
    out = run(fit)  # the pair drift is quadratic: -drift_pairs alone gives it
    if "equivariant quadratic of the complex mode" not in out:
        sys.exit(f"FAIL: -drift_pairs did not give the 1-D Fourier latent the equivariant pair drifts:\n{out}")
    with h5py.File(path("det.h5"), "r") as h:
        if h["surrogate"].attrs["clamp"] != 0:
            sys.exit("FAIL: the pair drift is marked as clamping to the training box")

    def roll(init, out, ranks):
        cmd = [KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path("det.h5"), "-init_trajectory",
               path(init), "-init_time", "40", "-ensemble", "2", "-T", "10", "-dt_save", "0.5", "-trajectory", path(out)]
        run((MPIEXEC + ["-n", str(ranks)] if ranks > 1 else []) + cmd)
        with h5py.File(path(out), "r") as h:
            return h["u"][:]

    a = roll("train.h5", "a.h5", 1)
    if not np.isfinite(a).all() or np.abs(a).max() > 20:
        sys.exit("FAIL: the pair drift's rollout left the attractor within 10 time units")
    shutil.copy(path("train.h5"), path("shifted.h5"))
    with h5py.File(path("shifted.h5"), "r+") as h:
        h["u"][...] = np.roll(h["u"][:], 5, axis=2)
    for ranks in (1, 2):
        err = np.abs(roll("shifted.h5", f"b{ranks}.h5", ranks) - np.roll(a, 5, axis=2)).max() / np.abs(a).max()
        if not err < 1e-9:
            sys.exit(f"FAIL: the rollout from the state shifted by 5 points is not the shifted rollout (relative difference "
                     f"{err:g}, {ranks} ranks): the 1-D pair drift is not equivariant")
    # the categorical model's heads are fitted to the residuals of one drift evaluation (its table of monomials),
    # whether the twin is written too or not: the two files' heads and bins are equal bit for bit
    heads = [FIT, "-trajectories", path("train.h5"), "-latent_modes", "5", "-rollout_dt", "0.1", "-drift_pairs",
             "-train_stride", "4", "-bins", "4", "-head_sna_khronos_modes", "2", "-head_sna_fit_max_it", "2"]
    run(heads + ["-model", path("cat1.h5")])
    run(heads + ["-model", path("cat2.h5"), "-twin_model", path("det2.h5")])
    with h5py.File(path("cat1.h5"), "r") as h1, h5py.File(path("cat2.h5"), "r") as h2:
        names = ["surrogate/edges"] + [f"surrogate/head{i}/sna/{k}" for i in range(10) for k in h1[f"surrogate/head{i}/sna"]
                                       if isinstance(h1[f"surrogate/head{i}/sna/{k}"], h5py.Dataset)]
        differ = [n for n in names if not np.array_equal(h1[n][()], h2[n][()])]
    if differ:
        sys.exit(f"FAIL: the heads of -model alone and of -model with -twin_model differ ({', '.join(differ[:4])}): their "
                 "residuals came from different drift evaluations")
    expect_error(fit + ["-drift_degree", "3"], r"the equivariant pair drift of a 1-D Fourier latent \(-drift_pairs\) is quadratic")
    print(f"ks_pairs: rollouts from a state shifted by 5 points are the shifted rollout to rounding over {a.shape[0] - 1} saved steps, unclamped")


def table_field(model):
    """The drift as its stored table of monomials (rows i, a, b, coefficient; z_D = 1), each input clamped to
    drift_box as the rollout clamps it: f(z) for z of shape (members, D)."""
    with h5py.File(path(model), "r") as m:
        rows, box = m["surrogate/drift_monomials"][:], m["surrogate/drift_box"][:]
    i, a, b, c = rows[:, 0].astype(int), rows[:, 1].astype(int), rows[:, 2].astype(int), rows[:, 3]

    def f(z):
        x = np.concatenate([np.clip(z, box[0], box[1]), np.ones((z.shape[0], 1))], axis=1)
        g = np.zeros_like(z)
        np.add.at(g.T, i, (c * x[:, a] * x[:, b]).T)
        return g
    return f


def ks_rate():
    run([KS, "-L", "22", "-N", "32", "-ensemble", "2", "-T", "60", "-save_start", "20", "-dt_save", "0.1",
         "-trajectory", path("train.h5")])
    fit = [FIT, "-trajectories", path("train.h5"), "-latent_modes", "5", "-rollout_dt", "0.1", "-drift_pairs"]
    run(fit + ["-twin_model", path("rate.h5"), "-drift_form", "rate", "-drift_substeps", "2"])
    run(fit + ["-twin_model", path("map.h5")])

    def roll(model, out, ranks=1):
        cmd = [KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path(model), "-init_trajectory",
               path("train.h5"), "-init_time", "40", "-ensemble", "2", "-T", "5", "-dt_save", "0.5", "-trajectory", path(out)]
        run((MPIEXEC + ["-n", str(ranks)] if ranks > 1 else []) + cmd)
        with h5py.File(path(out), "r") as h:
            return h["u"][:]

    def expected(model, steps_per_save, nsave):
        """The latent rollout from the encoded initial states, stepped here: RK4 of the table (rate) or z + table (map)."""
        with h5py.File(path(model), "r") as m, h5py.File(path("train.h5"), "r") as t:
            g, B, mean = m["surrogate"], m["surrogate/basis"][:], m["surrogate/mean"][:]
            form, sub, dt = g.attrs.get("drift_form", b"map"), int(g.attrs.get("drift_substeps", 1)), float(g.attrs["dt"])
            form = form.decode() if isinstance(form, bytes) else str(form)
            z = (t["u"][int(np.argmin(np.abs(t["time"][:] - 40)))] - mean) @ B.T
        f, zs, h = table_field(model), [], dt / sub
        for _ in range(nsave):
            for _ in range(steps_per_save):
                if form == "map":
                    z = z + f(z)
                    continue
                for _ in range(sub):
                    k1 = f(z)
                    k2 = f(z + h / 2 * k1)
                    k3 = f(z + h / 2 * k2)
                    k4 = f(z + h * k3)
                    z = z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            zs.append(z)
        return form, sub, np.array(zs), B, mean

    for model in ("rate.h5", "map.h5"):
        form, sub, zs, B, mean = expected(model, 5, 10)
        if (form, sub) != (("rate", 2) if model == "rate.h5" else ("map", 1)):
            sys.exit(f"FAIL: {model} says drift_form {form} and drift_substeps {sub}")
        for ranks in (1, 2):
            u = roll(model, f"{model[:-3]}{ranks}.h5", ranks)
            err = np.abs((u[1:] - mean) @ B.T - zs).max() / np.abs(zs).max()
            if not np.isfinite(u).all() or not err < 1e-9:
                sys.exit(f"FAIL: the rollout of {model} ({form} form) on {ranks} ranks is not the stored drift stepped by "
                         f"{'RK4' if form == 'rate' else 'z + drift'} (relative difference {err:g})")
    shutil.copy(path("map.h5"), path("old.h5"))  # a file written before drift_form existed is the map form
    with h5py.File(path("old.h5"), "r+") as h:
        del h["surrogate"].attrs["drift_form"], h["surrogate"].attrs["drift_substeps"]
    if not np.array_equal(roll("old.h5", "old1.h5"), roll("map.h5", "map1b.h5")):
        sys.exit("FAIL: a map-form model without the attribute drift_form rolls out differently")
    shutil.copy(path("rate.h5"), path("bad.h5"))
    with h5py.File(path("bad.h5"), "r+") as h:
        h["surrogate"].attrs["drift_form"] = np.bytes_("euler")
    expect_error([KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path("bad.h5"), "-T", "1"],
                 r"has drift_form 'euler'; this SNAPS knows map and rate")
    expect_error(fit + ["-twin_model", path("never.h5"), "-drift_substeps", "2"], r"-drift_substeps applies to the rate form")
    print("ks_rate: rate and map rollouts are RK4 of the stored table and z + table to 1e-9 on 1 and 2 ranks; an older "
          "map file rolls out the same; a bad drift_form is refused")


def conservative_parts(model):
    """The stored table of monomials split into its unclamped quadratic part Q(z) (z: members x D) and the rest."""
    with h5py.File(path(model), "r") as m:
        rows, D = m["surrogate/drift_monomials"][:], int(m["surrogate"].attrs["latent"])
    i, a, b, c = rows[:, 0].astype(int), rows[:, 1].astype(int), rows[:, 2].astype(int), rows[:, 3]
    q = (a < D) & (b < D)

    def Q(z):
        g = np.zeros_like(z)
        np.add.at(g.T, i[q], (c[q] * z[:, a[q]] * z[:, b[q]]).T)
        return g
    return Q, D, rows


def linear_top(model):
    """The largest eigenvalue of the symmetric part of the stored table's linear part (entries c z_a: b = D)."""
    with h5py.File(path(model), "r") as m:
        rows, D = m["surrogate/drift_monomials"][:], int(m["surrogate"].attrs["latent"])
    i, a, b, c = rows[:, 0].astype(int), rows[:, 1].astype(int), rows[:, 2].astype(int), rows[:, 3]
    lin = (np.minimum(a, b) < D) & (np.maximum(a, b) >= D)
    L = np.zeros((D, D))
    np.add.at(L, (i[lin], np.minimum(a, b)[lin]), c[lin])
    return np.linalg.eigvalsh((L + L.T) / 2).max()


def kolmogorov_conservative():
    KOL = KS
    run([KOL, "-N", "32", "-Re", "40", "-T", "40", "-save_start", "20", "-dt_save", "0.1", "-trajectory", path("train.h5")])
    fit = [FIT, "-trajectories", path("train.h5"), "-latent", "fourier", "-latent_modes", "3", "-rollout_dt", "0.1",
           "-drift_degree", "2", "-drift_noise", "0.15", "-drift_form", "rate"]
    out = run(fit + ["-twin_model", path("cons.h5"), "-drift_conservative"])
    run(MPIEXEC + ["-n", "2"] + fit + ["-twin_model", path("cons2.h5"), "-drift_conservative"])
    run(fit + ["-twin_model", path("free.h5")])
    diss = run(fit + ["-twin_model", path("diss.h5"), "-drift_dissipative"])
    if not linear_top("diss.h5") <= 1e-10 or not linear_top("cons.h5") > 1e-10 or "-drift_dissipative:" not in diss:
        sys.exit(f"FAIL: the symmetric part of the linear part has the largest eigenvalue {linear_top('diss.h5'):g} with "
                 f"-drift_dissipative (want <= 1e-10) and {linear_top('cons.h5'):g} with -drift_conservative alone (want > "
                 f"1e-10 on these data)\n{diss}")
    if "-drift_conservative:" not in out or "(conservative)" not in out:
        sys.exit(f"FAIL: the fit does not report the conservative refit:\n{out}")
    with h5py.File(path("cons.h5"), "r") as h:
        B = h["surrogate/basis"][:]
    with h5py.File(path("train.h5"), "r") as h:
        w = h["w"][::20, 0]
    z = w.reshape(w.shape[0], -1) @ B.T
    z = np.concatenate([z, np.random.default_rng(1).normal(size=(20, B.shape[0])) * np.abs(z).max()])

    def leak(model):
        Q = conservative_parts(model)[0](z)
        return np.max(np.abs(np.sum(z * Q, axis=1)) / (np.linalg.norm(z, axis=1) * np.linalg.norm(Q, axis=1)))
    if not leak("diss.h5") < 1e-10:
        sys.exit(f"FAIL: z . Q(z, z) / (|z| |Q|) is {leak('diss.h5'):g} with -drift_dissipative (want < 1e-10)")
    run(fit + ["-twin_model", path("margin.h5"), "-drift_dissipative", "-drift_dissipative_margin", "0.05"])
    if not abs(linear_top("margin.h5") + 0.05) <= 1e-10:
        sys.exit(f"FAIL: with -drift_dissipative_margin 0.05 the largest eigenvalue is {linear_top('margin.h5'):g} (want -0.05)")
    run(MPIEXEC + ["-n", "2"] + fit + ["-twin_model", path("diss2.h5"), "-drift_dissipative"])
    d1, d2 = conservative_parts("diss.h5")[2], conservative_parts("diss2.h5")[2]
    if d1.shape != d2.shape or not np.abs(d1 - d2).max() <= 1e-9 * np.abs(d1[:, 3]).max():
        sys.exit("FAIL: -drift_dissipative fits another table on 2 ranks than on 1")
    if not leak("cons.h5") < 1e-10 or not leak("free.h5") > 1e-3:
        sys.exit(f"FAIL: z . Q(z, z) / (|z| |Q|) is {leak('cons.h5'):g} with -drift_conservative (want < 1e-10) and "
                 f"{leak('free.h5'):g} without it (want > 1e-3)")
    Q, D, rows = conservative_parts("cons.h5")
    kx = np.array([0] * 3 + [k for k in range(1, 4) for _ in range(7)])  # SNAPSLatentFourierWavenumber's order

    def shift(v):  # an x-shift by 5 of 32 points turns each (cos, sin) pair by kx times the angle
        c = (v[:, 0::2] + 1j * v[:, 1::2]) * np.exp(2j * np.pi * kx * 5 / 32)
        return np.stack([c.real, c.imag], axis=2).reshape(v.shape)
    err = np.abs(Q(shift(z)) - shift(Q(z))).max() / np.abs(Q(z)).max()
    if not err < 1e-10:
        sys.exit(f"FAIL: the conservative quadratic part does not commute with x-shifts (relative difference {err:g})")
    rows2 = conservative_parts("cons2.h5")[2]
    if rows.shape != rows2.shape or not np.abs(rows - rows2).max() <= 1e-9 * np.abs(rows[:, 3]).max():
        sys.exit("FAIL: -drift_conservative fits another table on 2 ranks than on 1")
    expect_error([FIT, "-trajectories", path("train.h5"), "-latent", "fourier", "-latent_modes", "3", "-rollout_dt", "0.1",
                  "-twin_model", path("never.h5"), "-drift_fit", "sna", "-drift_conservative"],
                 r"-drift_conservative constrains the quadratic pair drift")
    expect_error([FIT, "-trajectories", path("train.h5"), "-latent", "fourier", "-latent_modes", "3", "-rollout_dt", "0.1",
                  "-twin_model", path("never.h5"), "-drift_dissipative_margin", "-1"],
                 r"-drift_dissipative_margin must be nonnegative")
    # options that would not apply are refused, not ignored; -drift_conservative on the map form is warned about
    never = [FIT, "-trajectories", path("train.h5"), "-latent", "fourier", "-latent_modes", "3", "-rollout_dt", "0.1",
             "-drift_degree", "2", "-twin_model", path("never.h5")]
    expect_error(never + ["-drift_form", "rate", "-drift_dissipative_margin", "0.05"],
                 r"-drift_dissipative_margin 0.05 applies only with -drift_dissipative")
    expect_error(never + ["-drift_form", "rate", "-drift_conservative", "false", "-drift_dissipative"],
                 r"-drift_conservative false with -drift_dissipative")
    mapped = run(fit[:-2] + ["-drift_form", "map", "-twin_model", path("cons_map.h5"), "-drift_conservative"])
    if "WARNING: -drift_conservative constrains the quadratic part of the drift; with the map form" not in mapped:
        sys.exit(f"FAIL: -drift_conservative with -drift_form map gave no warning naming -drift_form rate:\n{mapped}")
    print(f"kolmogorov_conservative: z . Q(z, z) / (|z| |Q|) {leak('cons.h5'):.2g} (unconstrained {leak('free.h5'):.2g}); "
          f"x-shift equivariant to {err:.2g}; the same table on 2 ranks; refused with -drift_fit sna; the linear part's "
          f"symmetric part's largest eigenvalue {linear_top('diss.h5'):.2g} with -drift_dissipative ({linear_top('cons.h5'):.2g} "
          "without)")


def fit_errors():
    """Each case is checked even when another fails, so a run without the fixes shows every one."""
    fails = []

    def refused(args, pattern, absent=()):
        cmd = [FIT] + ([] if "-trajectories" in args else ["-trajectories", path("ks.h5")]) + ["-latent_modes", "2"] + args
        p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode == 0 or not re.search(pattern, p.stdout):
            fails.append(f"{' '.join(cmd)}: rc {p.returncode}, expected an error /{pattern}/; output tail:\n{p.stdout[-600:]}")
        elif "no fit" in absent and "snaps-rollout-fit: drift 0 of" in p.stdout:
            fails.append(f"{' '.join(cmd)}: refused only after a fit")
        for f in absent:
            if f != "no fit" and os.path.exists(path(f)):
                fails.append(f"{' '.join(cmd)}: wrote {f}")
        print(f"checked: {pattern}")

    run([KS, "-L", "22", "-N", "32", "-T", "40", "-dt_save", "0.25", "-trajectory", path("ks.h5")])
    os.makedirs(path("adir"))
    refused(["-model", path("same.h5"), "-twin_model", path("./same.h5")],
            r"-model '.*same.h5' and -twin_model '.*same.h5' are the same file", ("no fit", "same.h5"))
    refused(["-twin_model", path("nodir/d.h5")], r"-twin_model '.*nodir/d.h5': its directory cannot be used", ("no fit",))
    refused(["-twin_model", path("adir")], r"-twin_model '.*adir' is a directory", ("no fit",))
    refused(["-twin_model", os.path.join(scratch, ".", "ks.h5")],
            r"-twin_model '.*ks.h5' is the same file as -trajectories '.*ks.h5'", ("no fit",))
    refused(["-twin_model", path("d.h5"), "-rollout_dt", "0"], r"-rollout_dt must be positive .*not 0", ("no fit", "d.h5"))
    refused(["-twin_model", path("d.h5"), "-latent_snapshots", "10"],
            r"-latent_snapshots 10 chooses the training states of a POD basis, but this latent is fourier", ("no fit", "d.h5"))
    refused(["-twin_model", path("d.h5"), "-latent", "pod", "-drift_noise_copies", "3"],
            r"-drift_noise_copies 3 applies to the noisy copies .* drift noise is 0 \(-drift_noise 0, the default on this latent\)",
            ("no fit", "d.h5"))
    refused(["-twin_model", path("d.h5"), "-drift_noise", "0", "-drift_noise_target", "clean"],
            r"-drift_noise_target clean applies to the noisy copies", ("no fit", "d.h5"))
    # no output named: said first, not as a heads' option refused for a twin that was not asked for either
    refused(["-bins", "8"], r"Name an output: -model \(categorical\) or -twin_model", ("no fit",))
    # a stride that would divide by zero or select no pair, noise without copies, infinite reals, too few POD states
    refused(["-twin_model", path("d.h5"), "-train_stride", "0"], r"-train_stride 0: must be at least 1", ("no fit", "d.h5"))
    refused(["-twin_model", path("d.h5"), "-train_stride", "-2"], r"-train_stride -2: must be at least 1", ("no fit", "d.h5"))
    refused(["-twin_model", path("d.h5"), "-drift_noise", "0.01", "-drift_noise_copies", "0"],
            r"-drift_noise 0.01 makes noisy copies .* but -drift_noise_copies is 0", ("no fit", "d.h5"))
    refused(["-twin_model", path("d.h5"), "-drift_ridge", "inf"], r"-drift_ridge \(inf\.?\) .* must be finite and nonnegative", ("no fit", "d.h5"))
    refused(["-twin_model", path("d.h5"), "-drift_pairs", "-drift_dissipative", "-drift_dissipative_margin", "inf"],
            r"-drift_dissipative_margin must be nonnegative and finite .*not inf", ("no fit", "d.h5"))
    refused(["-twin_model", path("d.h5"), "-latent", "pod", "-latent_modes", "6", "-latent_snapshots", "3"],
            r"-latent_modes 6 POD modes need at least 7 training snapshots, but -latent_snapshots 3 keeps 3 of the 161 training states",
            ("no fit", "d.h5"))
    refused(["-twin_model", path("d.h5"), "-save_drift_snas"], r"-save_drift_snas writes quadratic drifts .* this drift \(-drift_degree 3\) is not quadratic",
            ("no fit", "d.h5"))
    # a NaN in the second of two trajectories: the message names that file (PETSc prints only the first line in full)
    shutil.copy(path("ks.h5"), path("nan.h5"))
    with h5py.File(path("nan.h5"), "r+") as h:
        u = h["u"][:]
        u[2, 0, 3] = np.nan
        h["u"][:] = u
    refused(["-trajectories", path("ks.h5") + "," + path("nan.h5"), "-twin_model", path("d.h5")],
            r"In '.*nan\.h5': The HDF5 dataset 'u' contains NaN or Inf \(row 2, entry 3 of that row\)", ("no fit", "d.h5"))
    # uneven saved times: the first spacing is right, rows 100 on are 0.1 later
    shutil.copy(path("ks.h5"), path("uneven.h5"))
    with h5py.File(path("uneven.h5"), "r+") as h:
        t = h["time"][:]
        t[100:] += 0.1
        h["time"][:] = t
    refused(["-trajectories", path("uneven.h5"), "-twin_model", path("d.h5")], r"'.*uneven.h5' has uneven saved times: row 100 ",
            ("no fit", "d.h5"))
    shutil.copy(path("ks.h5"), path("nolength.h5"))
    with h5py.File(path("nolength.h5"), "r+") as h:
        del h.attrs["L"]
    refused(["-trajectories", path("nolength.h5"), "-twin_model", path("d.h5")],
            r"The KS trajectory '.*nolength.h5' has no positive attribute L", ("no fit", "d.h5"))
    # a categorical run refused for want of head pairs leaves an existing twin as it was
    run([KS, "-L", "22", "-N", "32", "-T", "5", "-trajectory", path("short.h5")])
    run([FIT, "-trajectories", path("short.h5"), "-latent_modes", "2", "-twin_model", path("tw.h5")])
    before = open(path("tw.h5"), "rb").read()
    refused(["-trajectories", path("short.h5"), "-twin_model", path("tw.h5"), "-model", path("ca.h5"), "-rollout_dt", "5",
             "-head_markov", "-drift_degree", "1"],
            r"-head_markov needs a step before each pair: at least 2 lag \+ 1 = 11 saved states", ("no fit", "ca.h5"))
    if open(path("tw.h5"), "rb").read() != before:
        fails.append("the refused categorical run replaced the existing twin tw.h5")
    # a surrogate's rollout given as training data: warned, naming its model (the fit would learn that surrogate)
    run([KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path("tw.h5"), "-init_trajectory", path("short.h5"), "-T", "5",
         "-trajectory", path("roll.h5")])
    out = run([FIT, "-trajectories", path("roll.h5"), "-latent_modes", "2", "-twin_model", path("from_roll.h5")])
    if not re.search(r"WARNING: snaps-rollout-fit: '[^']*roll\.h5' is a surrogate rollout \(-stepper sna -stepper_model [^)]*tw\.h5\), not a solver trajectory", out):
        fails.append(f"training on a rollout gave no warning naming it and its model:\n{out[-600:]}")
    # one file given twice, under two names: refused (its pairs would count twice), before any fit
    refused(["-trajectories", path("ks.h5") + "," + os.path.join(scratch, ".", "ks.h5"), "-twin_model", path("d.h5")],
            r"-trajectories names one file twice \('.*ks.h5', number 1, and '.*/\./ks.h5', number 2\): its pairs would count twice",
            ("no fit", "d.h5"))
    # more -trajectories than the 64 a fixed array once held: all are read (copies: one file twice is refused)
    for i in range(65):
        shutil.copy(path("short.h5"), path(f"short{i}.h5"))
    out = run([FIT, "-trajectories", ",".join(path(f"short{i}.h5") for i in range(65)), "-latent_modes", "2", "-twin_model", path("t65.h5")])
    if "from 65 files" not in out:
        fails.append(f"65 -trajectories were not all used:\n{out[-400:]}")
    if fails:
        sys.exit("FAIL:\n" + "\n\n".join(fails))
    print("fit_errors: bad outputs and options refused before any fit, uneven times and a missing L refused, 65 files used")


def rollout_inputs():
    """Empty or degenerate inputs of training and rollouts, refused with messages that name the cause (seconds)."""
    fails = []

    def refused(cmd, pattern):
        try:  # a refusal takes a second; without it some of these runs step 1e10 times
            p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            fails.append(f"{' '.join(cmd)}: still running after 30 s, expected an error /{pattern}/")
            return
        if p.returncode == 0 or not re.search(pattern, p.stdout) or re.search(r"Caught signal|Signal code|Floating Point Exception", p.stdout):
            fails.append(f"{' '.join(cmd)}: rc {p.returncode}, expected an error /{pattern}/; output tail:\n{p.stdout[-600:]}")
        print(f"checked: {pattern}")

    def warned(cmd, pattern):
        out = run(cmd)
        if not re.search(pattern, out):
            fails.append(f"{' '.join(cmd)}: no warning /{pattern}/:\n{out[-600:]}")
        print(f"checked: {pattern}")

    run([KS, "-L", "22", "-N", "32", "-T", "130", "-save_start", "100", "-dt_save", "0.5", "-trajectory", path("train.h5")])
    run([FIT, "-trajectories", path("train.h5"), "-twin_model", path("det.h5"), "-latent_modes", "2", "-drift_degree", "2"])
    # a trajectory of 0 members: POD training divided by their count, -init_trajectory took member k mod 0
    shutil.copy(path("train.h5"), path("zero.h5"))
    with h5py.File(path("zero.h5"), "r+") as g:
        d = g["u"][:]
        del g["u"]
        g["u"] = d[:, :0, :]
        g.attrs["members"] = 0
        for n in list(g["diagnostics"]):
            dd = g["diagnostics"][n][:]
            del g["diagnostics"][n]
            g["diagnostics"][n] = dd[:, :0]
    says = r"The trajectory '.*zero\.h5' holds no members"
    for latent in ("pod", "fourier"):
        refused([FIT, "-trajectories", path("zero.h5"), "-twin_model", path("o.h5"), "-latent", latent, "-latent_modes", "2"], says)
    ks = [KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path("det.h5"), "-ensemble", "1"]
    refused(ks + ["-init_trajectory", path("zero.h5"), "-T", "2", "-dt_save", "1"], says)
    # -T or -dt_save below one step of the model (0 steps run), and a model whose step is implausible (corrupt)
    refused(ks + ["-T", "0.1", "-dt_save", "0.1"], r"-T 0\.1 is below the surrogate's step 0\.5 .*give -T at least 0\.5")
    refused(ks + ["-T", "2", "-dt_save", "1e-10"], r"-dt_save 1e-10 is below the surrogate's step 0\.5")
    for name, dt in (("dttiny.h5", 1e-300), ("dthuge.h5", 1e300)):
        shutil.copy(path("det.h5"), path(name))
        with h5py.File(path(name), "r+") as h:
            h["surrogate"].attrs["dt"] = dt
        refused([KS, "-L", "22", "-N", "32", "-stepper", "sna", "-stepper_model", path(name), "-T", "10", "-dt_save", "1"],
                r"declares implausible sizes .*dt [0-9.e+-]+\): corrupt model")
    # trajectories that do not move (every row the first): no latent coordinate varies, said in those terms
    shutil.copy(path("train.h5"), path("steady.h5"))
    with h5py.File(path("steady.h5"), "r+") as g:
        u = g["u"][:]
        u[:] = u[0]
        g["u"][:] = u
    refused([FIT, "-trajectories", path("steady.h5"), "-twin_model", path("s.h5"), "-latent_modes", "2", "-drift_degree", "2"],
            r"Latent coordinate 0 of 4 takes the single value .* training pairs: the trajectories do not vary in it \(steady or laminar")
    for f in ("o.h5", "s.h5"):
        if os.path.exists(path(f)):
            fails.append(f"a refused training wrote {f}")
    # -seed where nothing draws: a deterministic model, or ARKODE, started from -init_trajectory
    start = ["-init_trajectory", path("train.h5"), "-init_time", "110", "-T", "1", "-dt_save", "0.5", "-seed", "5"]
    warned(ks + start, r"WARNING: snaps-ks: -seed 5 does not apply with -init_trajectory and the deterministic model")
    warned([KS, "-L", "22", "-N", "32"] + start, r"WARNING: snaps-ks: -seed 5 does not apply with -init_trajectory and -stepper arkode")
    # row t = 0 of a surrogate rollout is the initial field itself: said in -help
    out = run([KS, "-help"])
    if not re.search(r"The saved row at t = 0 is the initial field\s+itself", out):
        fails.append("-help does not say what row t = 0 of a -stepper sna run holds")
    if fails:
        sys.exit("FAIL:\n" + "\n\n".join(fails))
    print("rollout_inputs: 0-member trajectories, steps below the model's, implausible model steps and steady training data refused; -seed where nothing draws warned")


{"reproducible": reproducible, "wrong_system": wrong_system, "polynomial": polynomial, "kolmogorov": kolmogorov,
 "kolmogorov_fourier": kolmogorov_fourier, "markov": markov, "ks_data": ks_data, "ks_pairs": ks_pairs, "ks_rate": ks_rate, "kolmogorov_conservative": kolmogorov_conservative,
 "fit_errors": fit_errors, "rollout_inputs": rollout_inputs, "bin_edges": bin_edges}[check]()
