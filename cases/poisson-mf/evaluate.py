#!/usr/bin/python3
"""Multi-fidelity Poisson case (cases/poisson-mf/README.md).

  -div((1 + mu1 x) grad u) = 10 exp(-mu2 ((x - 0.3)^2 + (y - 0.6)^2)) on [0,1]^2, u = 0 on the boundary,
  mu1 in [0, 2], mu2 in [5, 15].

  1. solves it with snaps-poisson-param: LF on a coarse Q1 mesh for every LF training design and every test
     design, HF on a fine Q2 mesh for the HF training designs (the first of the LF ones) and the test designs;
  2. evaluates every solution on a common grid (the FE functions themselves: bilinear on the Q1 mesh; the Q2 mesh
     has nodes at the grid points) and writes mf.h5 (/lf, /hf with X = (mu1, mu2, x, y), Y = u, case = design)
     and test.h5 (held-out HF designs: /X, /Y = HF, /YLF = LF at the same points);
  3. fits, at 0, 10, 30 and 100% of the HF training designs (whole designs, the same choice for every method by
     -mf_seed): the mf model with both blends (ar1 with rho over all inputs, constant, and chosen by
     cross-validation), HF-only KHRONOS, and the LF model alone;
  4. predicts the test designs (also from their LF values, /YLF), and writes results.json and table.md with the
     relative L2 errors, parameter counts, training and inference times and the machine, and checks the targets.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402
import checks  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, "build", "bin")
KAPPA = "1+mu1*x"
SOURCE = "10*exp(-mu2*((x-0.3)^2+(y-0.6)^2))"
BOX = np.array([[0.0, 2.0], [5.0, 15.0]])
SIZES = {  # LF faces, HF faces, grid points per side, LF designs, HF training designs, test designs, seeds
    "quick": dict(lf_faces=6, hf_faces=32, grid=17, n_lf=120, n_hf=40, n_test=20, seeds=[1]),
    "full": dict(lf_faces=6, hf_faces=64, grid=33, n_lf=400, n_hf=100, n_test=40, seeds=[1, 2, 3]),
}
def prefixed(opts, prefix):
    return [("-" + prefix + o[1:]) if o.startswith("-sna_") else o for o in opts]


FRACTIONS = [0.0, 0.1, 0.3, 1.0]
# The separable models, inputs (mu1, mu2, x, y). LF part: 60 ALS sweeps (enough for its accuracy, which the LF-HF
# gap exceeds). Correction: smaller, with a Tikhonov weight, since a few HF designs leave most of its spline
# coefficients in mu without data (lambda 1e-12 lets them wander: errors of 5x the LF model's at 10% HF, measured).
MODEL = ["-sna_khronos_degree", "3", "-sna_khronos_nodes", "10", "-sna_khronos_modes", "8", "-sna_fit_type", "als", "-sna_fit_max_it", "60"]
DELTA = ["-sna_khronos_degree", "2", "-sna_khronos_nodes", "4", "-sna_khronos_modes", "2", "-sna_fit_lambda", "1e-7"]
JOINT = ["-sna_fit_lambda", "1e-7"]  # ar1's joint stage of rho and delta
# The multi-fidelity methods: name -> snaps-fit options beyond the choice and the LF part's. ar1 three ways: rho = 1 + r
# with r a KHRONOS over all inputs (the mf type's default), r a constant (Kennedy-O'Hagan's AR1), and the form chosen
# by leave-one-design-out cross-validation over the HF designs among constant, r(x, y) and full (README, "ar1: the
# form of rho").
MF_METHODS = {
    "mf residual": ["-mf_blend", "residual"] + prefixed(DELTA, "mf_delta_"),
    "mf ar1": ["-mf_blend", "ar1"] + prefixed(DELTA, "mf_delta_") + JOINT,
    "mf ar1 (rho constant)": ["-mf_blend", "ar1", "-mf_rho_form", "constant"] + prefixed(DELTA, "mf_delta_") + JOINT,
    "mf ar1 (rho by CV)": ["-mf_blend", "ar1", "-mf_select", "cv", "-mf_rho_inputs", "2,3"] + prefixed(DELTA, "mf_delta_") + JOINT,
}
# HF-only KHRONOS: the LF model's settings, and the best of a small search (nodes 6 or 10, modes 4 or 8, lambda 1e-12
# or 1e-7; cases/poisson-mf/README.md), both reported
HF_ONLY = {"HF-only KHRONOS": MODEL,
           "HF-only KHRONOS (small)": ["-sna_khronos_degree", "3", "-sna_khronos_nodes", "6", "-sna_khronos_modes", "4", "-sna_fit_lambda", "1e-7"]}


def run(cmd, log, np_=1):
    pre = ["mpiexec", "--oversubscribe", "-n", str(np_)] if np_ > 1 else []
    t0 = time.time()
    with open(log, "w") as f:
        proc = subprocess.run(pre + cmd, stdout=f, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.exit("failed (see %s): %s" % (log, " ".join(pre + cmd)))
    return time.time() - t0


def designs(n, rng):
    """Latin hypercube in the parameter box."""
    u = np.empty((n, 2))
    for j in range(2):
        u[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return BOX[:, 0] + u * (BOX[:, 1] - BOX[:, 0])


def solve(out, name, mu, faces, degree, np_):
    with atomic.h5_file(os.path.join(out, name + "_mu.h5")) as f:
        f["X"] = mu
    t = run([os.path.join(BIN, "snaps-poisson-param"), "-kappa", KAPPA, "-source", SOURCE, "-samples", os.path.join(out, name + "_mu.h5"),
             "-snapshots", os.path.join(out, name + "_snap.h5"), "-dof_coordinates", os.path.join(out, name + "_coords.h5"),
             "-dm_plex_box_faces", "%d,%d" % (faces, faces), "-petscspace_degree", str(degree), "-results", os.path.join(out, name + "_solve.json")],
            os.path.join(out, name + "_solve.log"), np_)
    with h5py.File(os.path.join(out, name + "_snap.h5")) as f:
        U = f["U"][:] if "U" in f else f["fields/U"][:]  # one rank: PETSc's DMPlex viewer writes /fields/U
    with h5py.File(os.path.join(out, name + "_coords.h5")) as f:
        C = f["X"][:]
    return U.reshape(len(mu), -1), C, t


def on_grid(U, C, g):
    """The FE functions at the g x g grid: nodal values on their tensor grid of nodes, bilinear between nodes (the
    Q1 function itself; for Q2 the grid points are nodes)."""
    xs, ys = np.unique(C[:, 0]), np.unique(C[:, 1])
    ix, iy = np.searchsorted(xs, C[:, 0]), np.searchsorted(ys, C[:, 1])
    t = np.linspace(0, 1, g)
    jx = np.clip(np.searchsorted(xs, t, side="right") - 1, 0, xs.size - 2)
    jy = np.clip(np.searchsorted(ys, t, side="right") - 1, 0, ys.size - 2)
    wx = (t - xs[jx]) / (xs[jx + 1] - xs[jx])
    wy = (t - ys[jy]) / (ys[jy + 1] - ys[jy])
    out = np.empty((U.shape[0], g, g))  # [design, iy, ix]
    for k in range(U.shape[0]):
        N = np.zeros((ys.size, xs.size))
        N[iy, ix] = U[k]
        a = N[np.ix_(jy, jx)] * np.outer(1 - wy, 1 - wx) + N[np.ix_(jy + 1, jx)] * np.outer(wy, 1 - wx)
        out[k] = a + N[np.ix_(jy, jx + 1)] * np.outer(1 - wy, wx) + N[np.ix_(jy + 1, jx + 1)] * np.outer(wy, wx)
    return out


def rows(mu, F, g):
    """Rows (mu1, mu2, x, y) -> u of every design on the grid, and each row's design id."""
    t = np.linspace(0, 1, g)
    Y, Xg = np.meshgrid(t, t, indexing="ij")
    X = np.concatenate([np.column_stack([np.full(g * g, m[0]), np.full(g * g, m[1]), Xg.ravel(), Y.ravel()]) for m in mu])
    return X, F.reshape(-1, 1), np.repeat(np.arange(len(mu)), g * g)


def fit(out, tag, data, opts, np_):
    model, res = os.path.join(out, tag + ".h5"), os.path.join(out, tag + "_fit.json")
    run([os.path.join(BIN, "snaps-fit"), "-data", data, "-model", model, "-results", res] + opts, os.path.join(out, tag + "_fit.log"), np_)
    with open(res) as f:
        return model, json.load(f)


def predict(out, tag, model, test, np_, ylf):
    """Relative L2 error on the test designs and inference time per design (from the LF model, or from /YLF)."""
    q = test if ylf else os.path.join(out, "test_noylf.h5")
    pred, res = os.path.join(out, tag + ("_ylf" if ylf else "") + "_pred.h5"), os.path.join(out, tag + "_pred.json")
    run([os.path.join(BIN, "snaps-predict"), "-model", model, "-data", q, "-out", pred, "-results", res], os.path.join(out, tag + "_pred.log"), np_)
    with h5py.File(pred) as p, h5py.File(test) as t:
        err = float(np.linalg.norm(p["Y"][:] - t["Y"][:]) / np.linalg.norm(t["Y"][:]))
    with open(res) as f:
        r = json.load(f)
    return err, r["wall_time_s"]


def missing_programs(names):
    """None when BIN holds the programs names, else the line that says which are missing and how to get them."""
    return checks.missing_programs(BIN, names, "build SNAPS first (bash scripts/build.sh)")


def main():
    ap = argparse.ArgumentParser(allow_abbrev=False)  # run.sh looks for --data-only spelt out
    ap.add_argument("out")
    ap.add_argument("--np", type=checks.positive_int, default=2)
    ap.add_argument("--size", choices=list(SIZES), default="quick")
    ap.add_argument("--data-only", action="store_true", help="stop after writing mf.h5 and test.h5")
    a = ap.parse_args()
    # before OUT is made: without them the first run ended in a FileNotFoundError traceback after files were written
    lack = missing_programs(("snaps-poisson-param",) + (() if a.data_only else ("snaps-fit", "snaps-predict")))
    if lack:
        ap.error(lack)
    S, out = SIZES[a.size], os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    # an earlier run's fits (another size has other seeds) and results: not left beside this run's (--data-only writes
    # none); the studies' files (nested_*, nodes_*, rho_*) are theirs
    checks.clean_earlier(out, os.path.dirname(os.path.abspath(__file__)), ["mf_residual_*", "mf_ar1_*", "mf_ar1c_*", "mf_ar1cv_*",
                                                                        "hf_only[0-9]_*", "results.json", "table.md", "poisson_mf.png"])
    rng = np.random.default_rng(2025)
    mu_lf, mu_test = designs(S["n_lf"], rng), designs(S["n_test"], rng)
    mu_hf = mu_lf[: S["n_hf"]]  # every HF design also has its LF run (as XFOIL on every RANS design)
    g = S["grid"]

    t_start = time.time()
    U, C, t_lf = solve(out, "lf", np.vstack([mu_lf, mu_test]), S["lf_faces"], 1, a.np)
    F_lf = on_grid(U, C, g)
    U, C, t_hf = solve(out, "hf", np.vstack([mu_hf, mu_test]), S["hf_faces"], 2, a.np)
    F_hf = on_grid(U, C, g)
    nl, nh = S["n_lf"], S["n_hf"]
    data, test = os.path.join(out, "mf.h5"), os.path.join(out, "test.h5")
    Xl, Yl, cl = rows(mu_lf, F_lf[:nl], g)
    Xh, Yh, ch = rows(mu_hf, F_hf[:nh], g)
    Xt, Yt, _ = rows(mu_test, F_hf[nh:], g)
    _, Ylt, _ = rows(mu_test, F_lf[nl:], g)
    with atomic.h5_file(data) as f:  # the studies (nested_study.py, nodes_study.py, rho_study.py) read these later
        for grp, X, Y, c in (("lf", Xl, Yl, cl), ("hf", Xh, Yh, ch)):
            f[grp + "/X"], f[grp + "/Y"], f[grp + "/case"] = X, Y, c
        f.attrs["input_names"] = "mu1,mu2,x,y"
        f.attrs["output_names"] = "u"
    with atomic.h5_file(test) as f:
        f["X"], f["Y"], f["YLF"] = Xt, Yt, Ylt
    with atomic.h5_file(os.path.join(out, "test_noylf.h5")) as f:
        f["X"], f["Y"] = Xt, Yt
    lf_vs_hf = float(np.linalg.norm(Ylt - Yt) / np.linalg.norm(Yt))
    print("data written: LF against HF on the test designs %.3e (%.0f s)" % (lf_vs_hf, time.time() - t_start), flush=True)
    if a.data_only:
        return

    lf_opts = prefixed(MODEL, "mf_lf_")
    results = {"size": a.size, "ranks": a.np, "kappa": KAPPA, "source": SOURCE, "parameter_box": BOX.tolist(),
               "lf": "Q1, %d x %d cells" % ((S["lf_faces"],) * 2), "hf": "Q2, %d x %d cells" % ((S["hf_faces"],) * 2),
               "grid": "%d x %d" % (g, g), "n_lf_designs": nl, "n_hf_designs": nh, "n_test_designs": S["n_test"],
               "lf_solve_time_s": t_lf, "hf_solve_time_s": t_hf, "lf_solution_error_on_test": lf_vs_hf,
               "seeds": S["seeds"], "methods": {}}
    methods = results["methods"]

    def record(name, frac, seed, fitres, err, err_ylf, tpred):
        m = methods.setdefault(name, {})
        m.setdefault(str(frac), []).append({"seed": seed, "error": err, "error_from_ylf": err_ylf, "n_params": fitres["n_params"],
                                            "train_time_s": fitres["wall_time_s"], "inference_time_per_design_s": tpred / S["n_test"],
                                            "hf_designs_used": fitres.get("hf_cases_used"), "converged_reason": fitres["converged_reason"],
                                            "rho_form": fitres.get("mf_rho_form")})

    for frac in FRACTIONS:
        for seed in S["seeds"] if 0 < frac < 1 else S["seeds"][:1]:
            choice = ["-mf_hf_fraction", str(frac), "-mf_seed", str(seed)]
            for k, (method, mopts) in enumerate(MF_METHODS.items()):
                if frac == 0 and k:
                    continue  # without HF data every blend is the LF model alone
                name, blend = "LF alone" if frac == 0 else method, ("residual", "ar1", "ar1c", "ar1cv")[k]
                # 0%: no correction is fitted, and snaps-fit refuses its options
                model, fr = fit(out, "mf_%s_%g_%d" % (blend, frac, seed), data, (mopts if frac else ["-mf_blend", blend]) + choice + lf_opts, a.np)
                err, tp = predict(out, "mf_%s_%g_%d" % (blend, frac, seed), model, test, a.np, False)
                # 0%: snaps-predict refuses /YLF for the LF model alone (no correction): from /YLF is the LF data itself
                err_ylf = lf_vs_hf if frac == 0 else predict(out, "mf_%s_%g_%d" % (blend, frac, seed), model, test, a.np, True)[0]
                record(name, frac, seed, fr, err, err_ylf, tp)
            for k, (name, opts) in enumerate(HF_ONLY.items() if frac > 0 else []):
                tag = "hf_only%d_%g_%d" % (k, frac, seed)
                model, fr = fit(out, tag, data, ["-data_group", "/hf"] + choice + opts, a.np)
                err, tp = predict(out, tag, model, test, a.np, False)
                record(name, frac, seed, fr, err, None, tp)
            print("fraction %g seed %d done (%.0f s)" % (frac, seed, time.time() - t_start), flush=True)

    def mean_err(name, frac):
        return float(np.mean([r["error"] for r in methods[name][str(frac)]]))

    targets = {}
    for method in MF_METHODS:
        e10, e100 = mean_err(method, 0.1), mean_err(method, 1.0)
        hf10 = min(mean_err(name, 0.1) for name in HF_ONLY)
        targets[method] = {"error_10": e10, "error_100": e100, "hf_only_error_10": hf10,
                           "ratio_to_100": e10 / e100, "ratio_to_hf_only_10": e10 / hf10,
                           "met_1.5x_of_100": e10 <= 1.5 * e100, "met_half_of_hf_only": e10 <= 0.5 * hf10}
    results["targets"] = targets
    with open(os.path.join(out, "mf_residual_1_1_fit.json")) as f:
        r = json.load(f)
    results["machine"], results["snaps_version"], results["date"] = r["machine"], r["snaps_version"], r["date"]
    results["wall_time_s"] = time.time() - t_start
    atomic.write_json(os.path.join(out, "results.json"), results)
    write_table(results, os.path.join(out, "table.md"))
    print(open(os.path.join(out, "table.md")).read())


def write_table(results, path):
    lines = ["Held-out HF designs: relative L2 error of u on the %s grid (mean over seeds %s); LF (%s) against HF (%s) "
             "on the same designs: %.3e." % (results["grid"], results["seeds"], results["lf"], results["hf"], results["lf_solution_error_on_test"]), "",
             "| method | HF designs | rel. L2 error | from /YLF | parameters | training s | inference ms / design |", "|---|---|---|---|---|---|---|"]
    for name, fr in results["methods"].items():
        for frac, runs in fr.items():
            e = np.mean([r["error"] for r in runs])
            ey = [r["error_from_ylf"] for r in runs if r["error_from_ylf"] is not None]
            lines.append("| %s | %g%% (%s) | %.3e | %s | %d | %.3f | %.3f |" % (
                name, 100 * float(frac), runs[0]["hf_designs_used"] if runs[0]["hf_designs_used"] is not None else 0, e,
                "%.3e" % np.mean(ey) if ey else "-", runs[0]["n_params"], np.mean([r["train_time_s"] for r in runs]),
                1e3 * np.mean([r["inference_time_per_design_s"] for r in runs])))
    lines += ["", "Targets at 10% HF (error <= 1.5x the same method's 100%-HF error, and <= half the better HF-only error at 10%):", ""]
    for name, t in results["targets"].items():
        lines.append("- %s: %.3e = %.2fx the 100%% error (%s), %.2fx HF-only's %.3e (%s)" % (
            name, t["error_10"], t["ratio_to_100"], "met" if t["met_1.5x_of_100"] else "missed", t["ratio_to_hf_only_10"],
            t["hf_only_error_10"], "met" if t["met_half_of_hf_only"] else "missed"))
    m = results["machine"]
    lines += ["", "Machine: %s, %s, %s cores; %d ranks; whole run %.0f s." % (m.get("host"), m.get("cpu_model"), m.get("cores"), results["ranks"], results["wall_time_s"])]
    atomic.write_text(path, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
