#!/usr/bin/python3
"""Surrogate-in-the-loop on a parametrised Poisson family: train, build the model, compare initial guesses.

For each problem family (see FAMILIES) this script
  1. draws N_train training and N_test unseen parameter samples (Latin hypercube, fixed seeds),
  2. solves the training samples with snaps-poisson-param on --np ranks and writes the snapshots,
  3. builds the model with snaps-pod (QR-based POD to 1e-12, or the family's own tolerance, + KHRONOS fit mu -> the POD coordinates
     down to projection error 1e-4) and, where the operator depends on mu, records V^T A(mu) V at
     N_OPERATOR_RECORDS training samples and fits it as a polynomial in mu (the model's /operator),
  4. solves the unseen samples in one process per guess type with the KSP kept across solves:
     zero guess, PETSc's fischer and pod guesses (history size N_train), the surrogate alone (sna,
     no correction), the Galerkin projection on all POD modes with the model's reduced operator
     (sna_galerkin) and, where the operator changes, with V^T A V rebuilt from A (sna_galerkin_rebuild);
     the sna run also predicts all unseen fields at once (SNAGuessPredictFields) for the surrogate-alone timing,
  5. checks the issue's targets and writes results.json (with the machine) and a plot.
Usage: evaluate.py <output dir> [--size small|full] [--np 2] [--pc gamg,jacobi] [--repeat R] [--families load,design]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import h5py
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "postprocess"))
import atomic  # noqa: E402
import checks  # noqa: E402
BIN = os.path.join(ROOT, "build", "bin")

# Two smooth inclusions of higher conductivity (tanh-like logistic edges: piecewise smooth).
INCLUSION_1 = "1/(1+exp(-(0.0225-(x-0.3)^2-(y-0.35)^2)/0.002))"
INCLUSION_2 = "1/(1+exp(-(0.0225-(x-0.7)^2-(y-0.6)^2)/0.002))"
FAMILIES = {
    # the operator is fixed, the load moves: PETSc's fischer and pod keep their history across solves
    "load": {
        "title": "fixed inclusions, moving source (mu1, mu2: position, mu3: width)",
        "kappa": "1+9*%s+4*%s" % (INCLUSION_1, INCLUSION_2),
        "source": "10*exp(-((x-0.25-0.5*mu1)^2+(y-0.25-0.5*mu2)^2)/(0.03+0.05*mu3))",
        "q": 3,
    },
    # the inclusions' conductivities are parameters: the operator changes with every solve
    "design": {
        "title": "inclusion conductivities (mu1, mu2) and source position (mu3)",
        "kappa": "1+9*mu1*%s+9*mu2*%s" % (INCLUSION_1, INCLUSION_2),
        "source": "10*exp(-((x-0.25-0.5*mu3)^2+(y-0.5)^2)/0.05)",
        "q": 3,
        "operator_degree": 1,  # kappa, hence A, is affine in mu: the reduced operator is fitted exactly
        # the source moves along one line: its load vectors span a few modes to rounding (17 at 1e-14), so the
        # Galerkin guess takes V^T b = (V^T W)(W^T b) from them (checked every solve) instead of a pass over V
        # POD truncated at 1e-11 (171 modes) instead of 1e-12 (203): the Galerkin guess's passes over the basis,
        # most of its cost, are 16 % shorter, and 85 of 100 unseen solves still pass at iteration 0 with GAMG
        "pod_extra": ["-rhs_tol", "1e-14", "-rhs_max_modes", "60", "-pod_tol", "1e-11"],
    },
}
N_OPERATOR_RECORDS = 12  # operators recorded for the fit (degree 1 in 3 parameters has 4 terms)
POD = ["-pod_tol", "1e-12", "-pod_sna_tol", "1e-4"]
SIZES = {
    "small": {"faces": 64, "n_train": 200, "n_test": 100},
    "full": {"faces": 128, "n_train": 400, "n_test": 100},
}
PCS = {
    "gamg": ["-pc_type", "gamg"],
    "icc": ["-pc_type", "bjacobi", "-sub_pc_type", "icc"],
    "jacobi": ["-pc_type", "jacobi"],
    # GAMG built for the first operator and kept: a common choice for a sweep of similar operators
    "gamg_reuse": ["-pc_type", "gamg", "-ksp_reuse_preconditioner"],
}
KHRONOS = ["-sna_khronos_degree", "3", "-sna_khronos_nodes", "8", "-sna_khronos_modes", "40", "-sna_khronos_enrich",
           "-sna_fit_max_it", "10"]
GUESSES = ["zero", "fischer", "pod", "sna", "sna_galerkin", "sna_galerkin_rebuild"]
TARGETS = {"iterations_ratio": 3.0, "time_ratio": 2.0, "surrogate_error": 1e-3, "surrogate_speedup": 1000.0}


def lhs(n, q, seed):
    """Latin hypercube sample of n points in [0,1]^q."""
    rng = np.random.default_rng(seed)
    x = np.empty((n, q))
    for j in range(q):
        x[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return x


def run(cmd, log):
    t0 = time.time()
    with open(log, "w") as f:
        proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.exit("failed (see %s): %s" % (log, " ".join(cmd)))
    return time.time() - t0


def guess_options(guess, n_train, model):
    return {
        "zero": [],
        "fischer": ["-ksp_guess_type", "fischer", "-ksp_guess_fischer_model", "2,%d" % n_train],
        "pod": ["-ksp_guess_type", "pod", "-ksp_guess_pod_size", str(n_train)],
        "sna": ["-ksp_guess_type", "sna", "-ksp_guess_sna_model", model, "-ksp_guess_sna_scale", "0"],
        "sna_galerkin": ["-ksp_guess_type", "sna", "-ksp_guess_sna_model", model, "-ksp_guess_sna_galerkin", "-batch_repeat", "0"],
        "sna_galerkin_rebuild": ["-ksp_guess_type", "sna", "-ksp_guess_sna_model", model, "-ksp_guess_sna_galerkin",
                                 "-ksp_guess_sna_operator_model", "false", "-batch_repeat", "0"],
    }[guess]


def family(out, name, fam, size, np_, pcs, repeat):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    mpi = ["mpirun", "-n", str(np_), os.path.join(BIN, "snaps-poisson-param")]
    common = ["-kappa", fam["kappa"], "-source", fam["source"], "-dm_plex_box_faces", str(size["faces"])]
    train, test = os.path.join(d, "train.h5"), os.path.join(d, "test.h5")
    with atomic.h5_file(train) as f:
        f["X"] = lhs(size["n_train"], fam["q"], 1)
    with atomic.h5_file(test) as f:
        f["X"] = lhs(size["n_test"], fam["q"], 2)
    snaps, model = os.path.join(d, "snapshots.h5"), os.path.join(d, "model.h5")
    print("== %s: %s" % (name, fam["title"]), flush=True)
    t = run(mpi + common + ["-samples", train, "-snapshots", snaps, "-ksp_rtol", "1e-12", "-results", os.path.join(d, "train.json")],
            os.path.join(d, "train.log"))
    print("  %d training solves: %.1f s" % (size["n_train"], t), flush=True)
    bounds = ",".join(["0,1"] * fam["q"])
    t = run(["mpirun", "-n", str(np_), os.path.join(BIN, "snaps-pod"), "-snapshots", snaps, "-model", model] + POD + fam.get("pod_extra", []) +
            ["-sna_bounds", bounds, "-results", os.path.join(d, "pod.json")] + KHRONOS, os.path.join(d, "pod.log"))
    pod = json.load(open(os.path.join(d, "pod.json")))
    print("  model: %d POD modes, the SNA predicts %d (training error %.2e, %.1f s)" %
          (pod["n_modes"], pod["sna_modes"], pod["fit_rel_error_mean"], t), flush=True)
    guesses = [g for g in GUESSES if g != "sna_galerkin_rebuild" or "operator_degree" in fam]
    if "operator_degree" in fam:  # the reduced operator V^T A(mu) V as a polynomial in mu: record, then fit
        recx, recs = os.path.join(d, "operator_samples.h5"), os.path.join(d, "operators.h5")
        with h5py.File(train) as f, atomic.h5_file(recx) as g:
            g["X"] = f["X"][:N_OPERATOR_RECORDS]
        if os.path.exists(recs):  # records are appended: a rerun starts afresh, with N_OPERATOR_RECORDS of them
            os.remove(recs)
        t = run(mpi + common + ["-samples", recx, "-ksp_guess_type", "sna", "-ksp_guess_sna_model", model, "-ksp_guess_sna_galerkin",
                                "-ksp_guess_sna_record_operators", recs, "-batch_repeat", "0"], os.path.join(d, "operators.log"))
        run(["mpirun", "-n", str(np_), os.path.join(BIN, "snaps-pod"), "-model", model, "-operators", recs, "-operator_degree",
             str(fam["operator_degree"]), "-results", os.path.join(d, "operator.json")], os.path.join(d, "operator_fit.log"))
        pod["operator"] = json.load(open(os.path.join(d, "operator.json")))
        print("  reduced operator: %d records (%.1f s), degree %d, fit misfit %.1e" %
              (N_OPERATOR_RECORDS, t, fam["operator_degree"], pod["operator"]["operator_fit_rel_error"]), flush=True)
    results = {}
    for p in pcs:
        evals = {g: [] for g in guesses}
        for rep in range(repeat):  # guess types interleaved, so that a busy spell of the machine hits them alike
            for g in guesses:
                path = os.path.join(d, "eval_%s_%s_%d.json" % (g, p, rep))
                run(mpi + common + PCS[p] + ["-samples", test, "-results", path] + guess_options(g, size["n_train"], model),
                    os.path.join(d, "eval_%s_%s_%d.log" % (g, p, rep)))
                evals[g].append(json.load(open(path)))
        print("  pc %s, %d run(s) of %d solves per guess:" % (p, repeat, size["n_test"]), flush=True)
        for g in guesses:
            e = evals[g][0]
            print("  %-20s median %5.1f iterations, KSPSolve %.3e s, initial guess L2 error %s, residual %s%s" %
                  (g, e["median_ksp_iterations"], med([r["median_solve_time_s"] for r in evals[g]]), sci(e["median_guess_rel_l2_error"]),
                   sci(med(e["guess_rel_residual"])), undefined_note(e["guess_rel_l2_error"])), flush=True)
        results[p] = summarize(fam, size, p, pod, evals)
    return results


def defined(v):
    """The values of v that are defined: snaps-poisson-param writes null for a relative error of a zero solution."""
    return [x for x in v if x is not None]


def med(v):
    """Median of the defined values of v; None when none is."""
    d = defined(v)
    return statistics.median(d) if d else None


def largest(v):
    """Largest of the defined values of v; None when none is."""
    d = defined(v)
    return max(d) if d else None


def sci(x):
    return "undefined" if x is None else "%.2e" % x


def undefined_note(v):
    n = len(v) - len(defined(v))
    return " (%d of %d samples undefined: zero solution; over the others)" % (n, len(v)) if n else ""


def at_most(x, bound):
    """Whether the defined figure x is at most bound (an undefined one meets no target)."""
    return x is not None and x <= bound


def summarize(fam, size, pc, pod, runs):
    """Figures of one family and preconditioner; times are medians over the runs of per-solve medians."""
    evals = {g: r[0] for g, r in runs.items()}
    mtime = {g: med([e["median_solve_time_s"] for e in r]) for g, r in runs.items()}
    zero, sg, sna, podg = evals["zero"], evals["sna_galerkin"], evals["sna"], evals["pod"]
    fem_solve = med([med([a + s for a, s in zip(e["assembly_time_s"], e["solve_time_s"])]) for e in runs["zero"]])
    r = {
        "title": fam["title"], "kappa": fam["kappa"], "source": fam["source"], "n_params": fam["q"],
        "dofs": zero["dofs"], "n_train": size["n_train"], "n_test": size["n_test"], "pc": pc, "ksp_rtol": zero["ksp_rtol"],
        "runs": len(runs["zero"]), "pod_modes": pod["n_modes"], "sna_modes": pod["sna_modes"],
        "sna_projection_error": pod["sna_projection_error"], "sna_training_error": pod["fit_rel_error_mean"],
        "operator_model": pod.get("operator"),
        "guesses": {g: {"median_iterations": e["median_ksp_iterations"], "mean_iterations": statistics.mean(e["ksp_iterations"]),
                        "median_solve_time_s": mtime[g], "run_median_solve_times_s": [x["median_solve_time_s"] for x in runs[g]],
                        "median_guess_rel_l2_error": e["median_guess_rel_l2_error"],
                        "median_guess_rel_residual": med(e["guess_rel_residual"]), "iterations": e["ksp_iterations"]}
                    for g, e in evals.items()},
        "surrogate": {
            "median_rel_l2_error": med(sna["guess_rel_l2_error"]), "max_rel_l2_error": largest(sna["guess_rel_l2_error"]),
            # the samples whose relative error is undefined (a zero FEM solution): left out of the median and maximum
            "undefined_rel_l2_errors": len(sna["guess_rel_l2_error"]) - len(defined(sna["guess_rel_l2_error"])),
            "median_prediction_time_s": med([med(e["prediction_time_s"]) for e in runs["sna"]]),
            "median_coordinates_time_s": med([med(e["coordinates_time_s"]) for e in runs["sna"]]),
            # all unseen samples at once (SNAGuessPredictFields: one SNA evaluation, one gemm), after the solves
            "median_batch_prediction_time_s": med([e["batch_prediction_time_s"] for e in runs["sna"]]),
            "median_batch_rel_l2_error": med(sna["batch_prediction_rel_l2_error"]),
            "median_fem_solve_time_s": fem_solve,
        },
    }
    s = r["surrogate"]
    s["speedup_field"] = s["median_fem_solve_time_s"] / s["median_prediction_time_s"]
    s["speedup_coordinates"] = s["median_fem_solve_time_s"] / s["median_coordinates_time_s"]
    s["speedup_field_batch"] = s["median_fem_solve_time_s"] / s["median_batch_prediction_time_s"]
    iters_ratio = zero["median_ksp_iterations"] / max(sg["median_ksp_iterations"], 1)  # 0 iterations (the guess passes the test) counts as 1
    time_ratio = mtime["zero"] / mtime["sna_galerkin"]
    r["targets"] = {
        "iterations_ratio": {"value": iters_ratio, "target": ">= %g (zero / sna_galerkin, median iterations, 0 counted as 1)" % TARGETS["iterations_ratio"],
                             "met": iters_ratio >= TARGETS["iterations_ratio"]},
        "fewer_than_pod": {"value": [sg["median_ksp_iterations"], podg["median_ksp_iterations"]], "target": "sna_galerkin < pod (median iterations)",
                           "met": sg["median_ksp_iterations"] < podg["median_ksp_iterations"]},
        "time_ratio": {"value": time_ratio, "target": ">= %g (zero / sna_galerkin, median KSPSolve time, guess included)" % TARGETS["time_ratio"],
                       "met": time_ratio >= TARGETS["time_ratio"]},
        "surrogate_error": {"value": s["median_rel_l2_error"], "target": "<= %g (median relative L2 error)" % TARGETS["surrogate_error"],
                            "met": at_most(s["median_rel_l2_error"], TARGETS["surrogate_error"])},
        "surrogate_speedup_field": {"value": s["speedup_field"], "target": ">= %g (FEM assembly + solve / one field predicted alone, as the guess does)" % TARGETS["surrogate_speedup"],
                                    "met": s["speedup_field"] >= TARGETS["surrogate_speedup"]},
        "surrogate_speedup_field_batch": {"value": s["speedup_field_batch"],
                                          "target": ">= %g (FEM assembly + solve / time per field, the %d unseen samples' fields predicted at once)" % (TARGETS["surrogate_speedup"], size["n_test"]),
                                          "met": s["speedup_field_batch"] >= TARGETS["surrogate_speedup"] and at_most(s["median_batch_rel_l2_error"], TARGETS["surrogate_error"])},
        "surrogate_speedup_coordinates": {"value": s["speedup_coordinates"], "target": ">= %g (FEM assembly + solve / POD coordinates)" % TARGETS["surrogate_speedup"],
                                          "met": s["speedup_coordinates"] >= TARGETS["surrogate_speedup"]},
    }
    for k, t in r["targets"].items():
        print("  target %-30s %-8s %s" % (k, "MET" if t["met"] else "MISSED", t["value"]), flush=True)
    return r


def main():
    ap = argparse.ArgumentParser(allow_abbrev=False)
    ap.add_argument("out")
    ap.add_argument("--size", choices=list(SIZES), default="small")
    ap.add_argument("--np", type=checks.positive_int, default=2)
    ap.add_argument("--pc", type=checks.comma_list(PCS), default="gamg,jacobi", help="comma-separated list of: " + ", ".join(PCS))
    ap.add_argument("--families", type=checks.comma_list(FAMILIES), default=",".join(FAMILIES), help="comma-separated list of: " + ", ".join(FAMILIES))
    ap.add_argument("--repeat", type=checks.positive_int, default=None, help="runs of each evaluation (default: 1 small, 3 full)")
    a = ap.parse_args()
    # before OUT is made: without them the first run ended in a traceback after files were written
    lack = checks.missing_programs(BIN, ("snaps-poisson-param", "snaps-pod"), "build SNAPS first (bash scripts/build.sh)")
    if lack:
        ap.error(lack)
    pcs = a.pc
    repeat = a.repeat or (3 if a.size == "full" else 1)
    os.makedirs(a.out, exist_ok=True)
    # an earlier run's families (one not run now would stay beside this run's) and results: every family is written afresh
    checks.clean_earlier(a.out, os.path.dirname(os.path.abspath(__file__)), list(FAMILIES) + ["results.json", "guess_iterations.png"])
    t0 = time.time()
    results = {"size": a.size, "ranks": a.np, "repeat": repeat, "families": {}}
    for name in a.families:
        for p, r in family(a.out, name, FAMILIES[name], SIZES[a.size], a.np, pcs, repeat).items():
            results["families"]["%s/%s" % (name, p)] = r
    first = json.load(open(os.path.join(a.out, name, "eval_zero_%s_0.json" % pcs[0])))
    results["machine"], results["snaps_version"], results["date"] = first["machine"], first["snaps_version"], first["date"]
    results["wall_time_s"] = time.time() - t0
    path = os.path.join(a.out, "results.json")
    atomic.write_json(path, results)
    subprocess.run([sys.executable, os.path.join(ROOT, "postprocess", "plot_guess.py"), path, os.path.join(a.out, "guess_iterations.png")], check=True)
    print("results: %s (%.0f s)" % (path, results["wall_time_s"]))


if __name__ == "__main__":
    main()
