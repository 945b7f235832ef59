#!/usr/bin/python3
"""Where the SNA's lift (CL) and suction-peak (min Cp) errors come from, and the budgeted model judged on all three
errors (cases/airfoil-mf/README.md, "CL and min-Cp: where the errors come from, and the budgeted model on all three
errors"). Validation airfoils only (evaluate.validation_split: a seeded 20% of the training HF airfoils; the test
airfoils are never read).

  cl_study.py OUT diagnose   at 100% HF of the remaining pool: XFOIL's Cp, the LF part alone, the case's residual
                             model, the same with a correction of much more capacity, HF-only KHRONOS of more
                             capacity, and the HF Cp projected onto the splines in s_le (the s basis' own floor):
                             Cp rel. L2, mean abs CL error, its mean signed part (bias) and scatter, mean abs min-Cp
                             error, the CL error by angle of attack and thickness: OUT/cl_diagnose.json
  cl_study.py OUT budget     BUDGET_CANDIDATES (at most mlp_hf's parameters / 100) at 10% and 30% HF (median of
                             three draws) and 100%: the three errors, their ratios to mlp_hf's (its test errors: no
                             torch here to fit it on the validation airfoils), fit CPU in process;
                             OUT/cl_budget.json
  cl_study.py OUT spread     SPREAD at 100% HF over five random starts of the LF part: OUT/cl_spread.json
  cl_study.py OUT stations   as budget, for STATION_CANDIDATES (BUDGET with other thinnings of the XFOIL
                             stations: the leading edge kept whole): OUT/cl_stations.json
  cl_study.py OUT stations_starts   as budget, for STATION_STARTS, each error the median over five random starts
                             of the LF part (LF_SEEDS): OUT/cl_stations_starts.json
  cl_study.py OUT design     HF lift as a function of the five design inputs alone (a quadratic, KHRONOS' separable
                             form of rank 2 and 3 with quadratics per input) and XFOIL's lift plus a quadratic
                             difference, fitted on the HF training airfoils' CL at 10%, 30%, 100% of the pool; then the
                             case's residual model and the budgeted model at 10% and 100% with each airfoil's lift set
                             to the rank-3 model's (a multiple of the training HF Cp's leading principal component
                             added): OUT/cl_design.json
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np
from scipy.interpolate import BSpline

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import evaluate as ev  # noqa: E402
from evaluate import harness  # noqa: E402


def validation(out):
    """The search's validation split (evaluate.validation_split) under out/validation: (directory, X, Y, YLF, case)."""
    data = harness.load()
    split = harness.make_split(data)
    sna = os.path.join(out, "split_sna")
    harness.write_split(data, split, sna, ev.S_INPUT)
    val = os.path.join(out, "validation")
    ev.validation_split(sna, val)
    X, Y, YL, case = harness.load_test(os.path.join(val, "test.h5"))
    return val, X, Y, YL, case


def errors(X, Y, P, case):
    """Cp rel. L2, mean abs CL error, CL bias (mean signed) and scatter (std), mean abs min-Cp error, and the mean
    abs CL error per tercile of alpha and of thickness."""
    t, p = harness.per_case(X, Y, case), harness.per_case(X, P, case)
    ids = sorted(t)
    dcl = np.array([p[i][1] - t[i][1] for i in ids])
    design = np.array([X[case == i][0] for i in ids])
    res = dict(cp_rel_l2=float(np.linalg.norm(P - Y) / np.linalg.norm(Y)), cl_abs_err=float(np.mean(np.abs(dcl))),
               cl_bias=float(np.mean(dcl)), cl_scatter=float(np.std(dcl)),
               suction_peak_abs_err=float(np.mean([abs(p[i][2] - t[i][2]) for i in ids])),
               min_cp_bias=float(np.mean([p[i][2] - t[i][2] for i in ids])))
    for name, col in (("alpha", 3), ("t", 2)):
        edges = np.quantile(design[:, col], [1 / 3, 2 / 3])
        bins = np.digitize(design[:, col], edges)
        res["cl_abs_err_by_" + name] = [float(np.mean(np.abs(dcl[bins == b]))) for b in range(3)]
        res[name + "_tercile_edges"] = edges.tolist()
    return res


def spline_projection(X, Y, case, nodes, degree):
    """Each airfoil's Cp projected (least squares) onto uniform B-splines in s_le with `nodes` functions: what any
    model with that basis along s could reach at best."""
    lo, hi = -1.0, 1.0
    inner = np.linspace(lo, hi, nodes - degree + 1)
    knots = np.concatenate([[lo] * degree, inner, [hi] * degree])
    P = np.empty_like(Y)
    for i in np.unique(case):
        k = case == i
        B = BSpline.design_matrix(np.clip(X[k, 5], lo, hi), knots, degree).toarray()
        P[k, 0] = np.linalg.lstsq(B, Y[k, 0], rcond=None)[0] @ B.T
    return P


def fit_predict(val, tag, opts, data=None, test="test_nolf.h5"):
    model, r = ev.fit(val, tag, data or os.path.join(val, harness.train_name(1.0)), opts, 1)
    P, _, _ = ev.predict(val, tag, model, os.path.join(val, test), 1)
    return P, r


# Corrections of more capacity than the case's DELTA (3,3,3,3,3,12, degree 2, 3 modes, 84 parameters), no budget.
BIG_DELTA = {"delta_4x20_m6": ev.khronos("4,4,4,4,4,20", 6, 1e-6, 3), "delta_3x20_m3": ev.khronos("3,3,3,3,3,20", 3, 1e-6, 2),
             "delta_4x30_m8": ev.khronos("4,4,4,4,4,30", 8, 1e-6, 3)}
BIG_HF = {"khronos_hf_4x20_m8_als200": ev.khronos("4,4,4,4,4,20", 8, 1e-6, 3, "als200"),
          "khronos_hf_3x30_m6_als200": ev.khronos("3,3,3,3,3,30", 6, 1e-6, 2, "als200")}


def diagnose(out):
    val, X, Y, YL, case = validation(out)
    res = {"xfoil": errors(X, Y, YL, case)}
    data = os.path.join(val, harness.train_name(1.0))
    lam = ev.weight_lambda("rows0.06", data, 1.0)
    P, r = fit_predict(val, "lf", ["-mf_hf_fraction", "0"] + ev.prefixed(ev.LF, "mf_lf_"))
    res["lf_part"] = errors(X, Y, P, case)
    runs = {"residual_default": ev.mf_options("residual", 1.0, False, lam=lam)}
    for name, d in BIG_DELTA.items():
        runs["residual_" + name] = ev.mf_options("residual", 1.0, False, lam=lam, parts=(ev.LF, d))
    runs["ar1_const_default"] = ev.mf_options("ar1_const", 1.0, False, lam=lam)
    runs["budget"] = ev.mf_options("residual", 1.0, False, lam=lam, parts=ev.budget_parts(ev.BUDGET))
    for name, opts in runs.items():
        d = harness.thin_lf(data, ev.BUDGET["stride"], ev.BUDGET["le_keep"]) if name == "budget" else data
        P, r = fit_predict(val, name, opts, d)
        res[name] = dict(errors(X, Y, P, case), params=r["n_params"], fit_cpu_s=r["fit_cpu_s"])
        if name == "residual_default":  # the same correction applied to XFOIL's Cp (/YLF)
            P, _ = fit_predict(val, name + "_ylf", opts, d, "test.h5")
            res[name + "_ylf"] = errors(X, Y, P, case)
    for name, opts in BIG_HF.items():
        P, r = fit_predict(val, name, ["-data_group", "/hf"] + opts)
        res[name] = dict(errors(X, Y, P, case), params=r["n_params"], fit_cpu_s=r["fit_cpu_s"])
    for nodes, degree in ((12, 2), (20, 3), (30, 3)):
        res["projection_s_le_%d_deg%d" % (nodes, degree)] = errors(X, Y, spline_projection(X, Y, case, nodes, degree), case)
    for k, v in res.items():
        print("%-34s Cp %.4f  CL %.4f (bias %+.4f, scatter %.4f)  min-Cp %.4f (bias %+.4f)  CL by alpha %s by t %s" % (
            k, v["cp_rel_l2"], v["cl_abs_err"], v["cl_bias"], v["cl_scatter"], v["suction_peak_abs_err"],
            v["min_cp_bias"], np.round(v["cl_abs_err_by_alpha"], 4), np.round(v["cl_abs_err_by_t"], 4)), flush=True)
    harness.write_json(os.path.join(out, "cl_diagnose.json"), {"validation_airfoils": int(len(np.unique(case))), **res})


def candidate(nodes, modes, sweeps, delta_nodes, delta_modes, stride, blend="residual", weight="rows0.06",
              delta_degree=2, le_keep=0.0):
    return dict(nodes=nodes, modes=modes, sweeps=sweeps, delta_nodes=delta_nodes, delta_modes=delta_modes,
                stride=stride, blend=blend, weight=weight, delta_degree=delta_degree, le_keep=le_keep)


# Within 340 parameters (LF part: modes x (sum of nodes + 1); correction likewise), more of it in the correction's s
# nodes or modes, the ar1 blend with a constant rho, other weights.
BUDGET_CANDIDATES = [
    candidate("4,4,4,4,4,20", 6, 100, "3,3,3,3,3,12", 3, 3),  # the case's BUDGET before le_keep 0.35 (330)
    candidate("4,4,4,4,4,20", 6, 100, "3,3,3,3,3,12", 3, 3, "ar1_const"),
    candidate("4,4,4,4,4,20", 6, 100, "3,3,3,3,3,12", 3, 3, weight="rows0.02"),
    candidate("4,4,4,4,4,20", 6, 100, "3,3,3,3,3,12", 3, 3, weight="rows0.2"),
    candidate("4,4,4,4,4,20", 6, 50, "3,3,3,3,3,12", 3, 1),  # every XFOIL station: the suction peak's
    candidate("4,4,4,4,4,20", 6, 30, "3,3,3,3,3,12", 3, 1),
    candidate("4,4,4,4,4,20", 6, 100, "3,3,3,3,3,12", 3, 2),
    candidate("4,4,4,4,4,20", 6, 100, "3,3,3,3,3,15", 3, 3),  # 339
    candidate("4,4,4,4,4,16", 6, 100, "3,3,3,3,3,20", 3, 3),  # 330
    candidate("4,4,4,4,4,16", 6, 100, "3,3,3,3,3,13", 4, 3),  # 338
    candidate("4,4,4,4,4,20", 5, 100, "3,3,3,3,3,17", 4, 3),  # 337
    candidate("4,4,4,4,4,20", 5, 100, "3,3,3,3,3,29", 3, 3),  # 340
    candidate("4,4,4,4,4,16", 5, 100, "3,3,3,3,3,20", 4, 3),  # 329
    candidate("4,4,4,4,4,20", 5, 50, "3,3,3,3,3,17", 4, 1),
    candidate("4,4,4,4,4,16", 6, 50, "3,3,3,3,3,20", 3, 1),
]
# The second round, around the first's best (5 LF modes, a 4-mode correction with 17 to 20 nodes along s_le): the
# leading-edge stations kept in the LF rows (thin_lf's le_keep), other weights, more sweeps, more nodes along alpha
# in the correction, fewer along s_le in the LF part.
ROUND2 = [
    candidate("4,4,4,4,4,16", 5, 100, "3,3,3,3,3,20", 4, 3, le_keep=0.35),
    candidate("4,4,4,4,4,20", 5, 100, "3,3,3,3,3,17", 4, 3, le_keep=0.35),
    candidate("4,4,4,4,4,16", 5, 100, "3,3,3,3,3,20", 4, 3, weight="rows0.2"),
    candidate("4,4,4,4,4,16", 5, 100, "3,3,3,3,3,20", 4, 3, weight="rows0.02"),
    candidate("4,4,4,4,4,16", 5, 150, "3,3,3,3,3,20", 4, 3),
    candidate("4,4,4,4,4,16", 5, 100, "3,3,3,3,3,20", 4, 2),
    candidate("4,4,4,4,4,16", 5, 100, "3,3,3,4,3,18", 4, 3),
    candidate("4,4,4,4,4,12", 5, 100, "3,3,3,3,3,24", 4, 3),
    candidate("4,4,4,4,4,20", 5, 100, "3,3,3,3,3,29", 3, 3, le_keep=0.35),
    candidate("4,4,4,4,4,16", 5, 100, "3,3,3,3,3,20", 4, 3, le_keep=0.25),
]
BUDGET_CANDIDATES += ROUND2


# Non-uniform thinnings of the budgeted model's XFOIL stations (harness.lf_stations), the rest of BUDGET as it is: the
# leading edge (|s_le| below le_keep) or the window where the training LF Cp has its minimum for 90% of the LF
# airfoils (s_le -0.35 to 0.59: the 5% and 95% quantiles of the argmin station over the validation split's LF
# training airfoils, LF data only) kept whole and every k-th station elsewhere, or "u<N>": stations spread evenly in
# s_le (every one near the leading edge, about every 6th near the trailing edge); 31 to 43 of 101 stations, against
# stride 3's 34.
LF_PEAK_WINDOW = (-0.35, 0.59)
STATION_CANDIDATES = [candidate("4,4,4,4,4,20", 6, 100, "3,3,3,3,3,12", 3, st, le_keep=le) for st, le in (
    (3, 0.0), (3, 0.35), (4, 0.35), (5, 0.35), (4, 0.45), ("u34", 0.0), ("u38", 0.0), ("u44", 0.0),
    (6, LF_PEAK_WINDOW), (5, LF_PEAK_WINDOW))]

# The least worst ratios of STATION_CANDIDATES' one start, and every k-th with the leading edge at stride 3's count
# (4 and 0.35: 35 stations), against BUDGET, each over five random starts of the LF part (LF_SEEDS), as the spread
# of one start is wider than their differences (cl_spread.json).
STATION_STARTS = [STATION_CANDIDATES[i] for i in (0, 7, 1, 2, 9, 5)]
LF_SEEDS = (1, 2, 3, 4, 5)


def budget(out, candidates=None, name="cl_budget.json", lf_seeds=(None,)):
    """candidates (BUDGET_CANDIDATES by default) at 10% and 30% HF (median of three draws) and 100%: OUT/name.
    lf_seeds: the LF part's random starts (-mf_lf_sna_khronos_seed; None: its default), each error the median over
    them (each start's errors in row["by_lf_seed"]), the fit CPU the most over every fit."""
    val, X, Y, _, case = validation(out)
    with open(ev.BASELINES) as f:
        mlp = {r["hf_fraction"]: r for r in json.load(f)["results"] if r["method"] == "mlp_hf"}
    max_params, max_cpu = ev.mlp_budget()
    rows = []
    for c in candidates or BUDGET_CANDIDATES:
        data, row = harness.thin_lf(os.path.join(val, harness.train_name(1.0)), c["stride"], c["le_keep"]), dict(c)
        by_seed = []
        for lf_seed in lf_seeds:
            start = [] if lf_seed is None else ["-mf_lf_sna_khronos_seed", str(lf_seed)]
            one = {}
            for fraction, seeds in ((0.1, (0, 1, 2)), (0.3, (0, 1, 2)), (1.0, (None,))):
                errs, cpus = [], []
                for seed in seeds:
                    lam = ev.weight_lambda(c["weight"], data, fraction)
                    P, r = fit_predict(val, "cand", ev.mf_options(c["blend"], fraction, False, seed, lam,
                                                                  parts=ev.budget_parts(c)) + start, data)
                    errs.append(errors(X, Y, P, case))
                    cpus.append(r["fit_cpu_s"])
                key = "%03d" % round(100 * fraction)
                for k, _ in ev.TARGET_ERRORS:
                    one["%s_%s" % (k, key)] = float(np.median([e[k] for e in errs]))
                one["fit_cpu_s_" + key] = max(cpus)
            by_seed.append(one)
        for key in by_seed[0]:
            row[key] = (max if key.startswith("fit_cpu") else np.median)([one[key] for one in by_seed])
        for key in ("010", "030", "100"):
            for k, _ in ev.TARGET_ERRORS:
                row["ratio_%s_%s" % (k, key)] = row["%s_%s" % (k, key)] / mlp[float(int(key) / 100)][k]
        row["params"] = r["n_params"]
        if lf_seeds != (None,):
            row["lf_seeds"], row["by_lf_seed"] = list(lf_seeds), by_seed
        row["worst_ratio"] = max(v for k, v in row.items() if k.startswith("ratio_"))
        row["within_budget"] = bool(row["params"] <= max_params and
                                    max(row["fit_cpu_s_%s" % k] for k in ("010", "030", "100")) <= ev.BUDGET_MARGIN * max_cpu)
        rows.append(row)
        print("budget %s: params %d, worst ratio %.2f (%s), fit CPU %.3f" % (c, row["params"], row["worst_ratio"],
            ", ".join("%s %.2f" % (k[6:], v) for k, v in row.items() if k.startswith("ratio_")),
            max(row["fit_cpu_s_%s" % k] for k in ("010", "030", "100"))), flush=True)
    ok = [r for r in rows if r["within_budget"]]
    res = {"budget": {"max_params": max_params, "max_fit_cpu_s": max_cpu, "margin": ev.BUDGET_MARGIN},
           "mlp_hf_test_errors": {str(f): {k: r[k] for k, _ in ev.TARGET_ERRORS} for f, r in mlp.items()},
           "rows": rows, "chosen": min(ok, key=lambda r: r["worst_ratio"]) if ok else None}
    harness.write_json(os.path.join(out, name), res)


# The candidates whose spread over the LF part's random start spread() measures: the case's BUDGET, the least worst
# ratio of the search's first round and its 150-sweep variant, and the accurate default (LF and DELTA, 412).
SPREAD = [BUDGET_CANDIDATES[0], candidate("4,4,4,4,4,16", 5, 100, "3,3,3,3,3,20", 4, 3),
          candidate("4,4,4,4,4,16", 5, 150, "3,3,3,3,3,20", 4, 3), candidate("4,4,4,4,4,20", 8, 50, "3,3,3,3,3,12", 3, 1)]


def spread(out, seeds=range(1, 6), candidates=None, name="cl_spread.json"):
    """SPREAD at 100% HF with the LF part's random start drawn by -mf_lf_sna_khronos_seed: how far the three
    validation errors move with the start alone (the budget search's rows are one start each)."""
    val, X, Y, _, case = validation(out)
    rows = []
    for c in candidates or SPREAD:
        data = harness.thin_lf(os.path.join(val, harness.train_name(1.0)), c["stride"], c["le_keep"])
        errs = []
        for seed in seeds:
            opts = ev.mf_options(c["blend"], 1.0, False, None, ev.weight_lambda(c["weight"], data, 1.0),
                                 parts=ev.budget_parts(c)) + ["-mf_lf_sna_khronos_seed", str(seed)]
            P, r = fit_predict(val, "spread", opts, data)
            errs.append(errors(X, Y, P, case))
        row = dict(c, seeds=list(seeds), params=r["n_params"])
        for k, _ in ev.TARGET_ERRORS:
            v = [e[k] for e in errs]
            row[k] = {"median": float(np.median(v)), "min": float(np.min(v)), "max": float(np.max(v)), "all": v}
        rows.append(row)
        print("spread %s: %s" % (c, ", ".join("%s %.4f [%.4f, %.4f]" % (name, row[k]["median"], row[k]["min"],
                                                                           row[k]["max"]) for k, name in ev.TARGET_ERRORS)), flush=True)
    harness.write_json(os.path.join(out, name), {"rows": rows})


# Is HF lift a simple function of the five design inputs, and is the HF - XFOIL lift difference? (README, "Lift
# from the design inputs".) Each fitted on the CL of the HF training airfoils (10%, 30%, 100% of the remaining pool),
# judged on the validation airfoils.
DESIGN_STARTS, DESIGN_SWEEPS, DESIGN_RIDGE = 5, 300, 1e-6


def design_box():
    """The design inputs' lower and upper bounds (Re in millions, as X holds it), from the dataset's attribute."""
    with h5py.File(harness.DATA, "r") as f:
        box = json.loads(f.attrs["design"])
    scale = np.array([1.0, 1.0, 1.0, 1.0, 1e-6])
    return np.array(box["lower"]) * scale, np.array(box["upper"]) * scale


def design_scaled(D, box):
    return 2.0 * (np.asarray(D) - box[0]) / (box[1] - box[0]) - 1.0


def quadratic_features(Z):
    """1, z_j and every z_a z_b (a <= b): 21 columns for five inputs."""
    cols = [np.ones(len(Z))] + [Z[:, j] for j in range(Z.shape[1])]
    cols += [Z[:, a] * Z[:, b] for a in range(Z.shape[1]) for b in range(a, Z.shape[1])]
    return np.stack(cols, 1)


def fit_quadratic(Z, y):
    F = quadratic_features(Z)
    w = np.linalg.solve(F.T @ F + DESIGN_RIDGE * np.eye(F.shape[1]), F.T @ y)
    return lambda Zq: quadratic_features(Zq) @ w, F.shape[1]


def fit_separable(Z, y, rank):
    """sum over `rank` terms of a product over the inputs of a quadratic in each (KHRONOS' form with a degree-2
    polynomial basis per input), by alternating least squares; the best of DESIGN_STARTS random starts on the
    training error."""
    basis = lambda Zq: [np.stack([np.ones(len(Zq)), Zq[:, j], Zq[:, j] ** 2], 1) for j in range(Zq.shape[1])]
    B, d = basis(Z), Z.shape[1]
    term = lambda W, Bq, r, skip=-1: np.prod([Bq[j] @ W[r][j] for j in range(d) if j != skip], 0)
    value = lambda W, Bq: sum(term(W, Bq, r) for r in range(rank))
    best = None
    for seed in range(DESIGN_STARTS):
        rng = np.random.default_rng(seed)
        W = [[np.array([1.0, 0.0, 0.0]) + 0.1 * rng.standard_normal(3) for _ in range(d)] for _ in range(rank)]
        for _ in range(DESIGN_SWEEPS):
            for r in range(rank):
                for j in range(d):
                    rest = y - value(W, B) + term(W, B, r)
                    A = B[j] * term(W, B, r, j)[:, None]
                    W[r][j] = np.linalg.solve(A.T @ A + DESIGN_RIDGE * np.eye(3), A.T @ rest)
        err = np.mean(np.abs(value(W, B) - y))
        if best is None or err < best[0]:
            best = (err, W)
    W = best[1]
    return lambda Zq: value(W, basis(Zq)), 3 * d * rank


def airfoil_rows(data, kind):
    """Per airfoil id: (design inputs, Cp row, CL from the integrated Cp), as harness.per_case computes CL."""
    X, Y, case = data[kind]
    pc = harness.per_case(X, Y, case)
    return {i: (X[case == i][0][:5], v[0], v[1]) for i, v in pc.items()}


def lift_shape(hf, ids):
    """The leading principal component of the training HF airfoils' Cp rows: the shape added to a predicted Cp to
    set its lift (an anchor), chosen from data, not by hand."""
    rows = np.array([hf[i][1] for i in ids])
    return np.linalg.svd(rows - rows.mean(0), full_matrices=False)[2][0]


def anchored(X, P, case, cl_model, box, h):
    """P with each airfoil's lift set to cl_model's by adding a multiple of h (lift is linear in Cp)."""
    out = P.copy()
    for i in np.unique(case):
        k = case == i
        m, p, t, a = X[k][0][:4]
        lift = lambda cp: harness.airfoil.lift(m, p, t, a, cp)
        target = cl_model(design_scaled(X[k][0][None, :5], box))[0]
        out[k, 0] = P[k, 0] + (target - lift(P[k, 0])) / lift(h) * h
    return out


def design(out):
    data, box = harness.load(), design_box()
    val, rest = ev.validation_ids(np.array(harness.make_split(data)["train_hf"]["1"]))
    hf, lf = airfoil_rows(data, "hf"), airfoil_rows(data, "lf")
    Zv = design_scaled([hf[i][0] for i in val], box)
    clv, xfoil_v = np.array([hf[i][2] for i in val]), np.array([lf[i][2] for i in val])
    res = {"validation_airfoils": len(val), "xfoil": {"cl_abs_err": float(np.mean(np.abs(xfoil_v - clv)))}}
    models = {}
    for f in (0.1, 0.3, 1.0):
        tr = np.sort(rest[: int(round(f * len(rest)))])
        Z, cl, xfoil = design_scaled([hf[i][0] for i in tr], box), np.array([hf[i][2] for i in tr]), np.array([lf[i][2] for i in tr])
        fits = {"quadratic": fit_quadratic(Z, cl), "separable_rank2": fit_separable(Z, cl, 2),
                "separable_rank3": fit_separable(Z, cl, 3)}
        dq, nq = fit_quadratic(Z, cl - xfoil)
        fits["xfoil_plus_quadratic_delta"] = (lambda Zq, dq=dq: dq(Zq) + xfoil_v, nq)
        row = {"hf_training_airfoils": len(tr)}
        for name, (g, n) in fits.items():
            row[name] = {"params": n, "cl_abs_err": float(np.mean(np.abs(g(Zv) - clv)))}
            print("design %3g%% HF (%2d airfoils): %-28s %2d parameters  CL %.4f" % (
                100 * f, len(tr), name, n, row[name]["cl_abs_err"]), flush=True)
        res["%g" % f] = row
        models[f] = (fits["separable_rank3"][0], fits["separable_rank3"][1], lift_shape(hf, tr))
    # The case's residual model and the budgeted model (their validation fits, as `diagnose` makes them), each
    # airfoil's lift then set by the rank-3 separable CL model of the same HF fraction.
    valdir, X, Y, _, case = validation(out)
    res["anchored"] = {}
    for f in (0.1, 1.0):
        d = os.path.join(valdir, harness.train_name(f))
        lam = ev.weight_lambda("rows0.06", d, f)
        for name, parts in (("residual_default", None), ("budget", ev.budget_parts(ev.BUDGET))):
            opts = ev.mf_options("residual", f, False, lam=lam, **({"parts": parts} if parts else {}))
            data_f = harness.thin_lf(d, ev.BUDGET["stride"], ev.BUDGET["le_keep"]) if name == "budget" else d
            P, r = fit_predict(valdir, "%s_%g" % (name, f), opts, data_f)
            clm, clm_params, h = models[f]
            for tag, Q in ((name, P), (name + "_anchored", anchored(X, P, case, clm, box, h))):
                e = dict(errors(X, Y, Q, case), params=r["n_params"] + (clm_params + len(h) if Q is not P else 0))
                res["anchored"]["%s %g" % (tag, f)] = e
                print("anchor %3g%% HF: %-26s %3d parameters  Cp %.4f  CL %.4f  min-Cp %.4f" % (
                    100 * f, tag, e["params"], e["cp_rel_l2"], e["cl_abs_err"], e["suction_peak_abs_err"]), flush=True)
    harness.write_json(os.path.join(out, "cl_design.json"), res)


MODES = {"diagnose": diagnose, "budget": budget, "spread": spread, "design": design,
         "stations": lambda out: budget(out, STATION_CANDIDATES, "cl_stations.json"),
         "stations_starts": lambda out: budget(out, STATION_STARTS, "cl_stations_starts.json", LF_SEEDS)}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 usage="%(prog)s OUT {" + ",".join(MODES) + "} [--bin DIR]", allow_abbrev=False)
    ap.add_argument("out", metavar="OUT", help="the study's directory")
    ap.add_argument("mode", choices=list(MODES))
    ap.add_argument("--bin", help="directory of snaps-fit and snaps-predict (default %s)" % ev.BIN)
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help"):  # before argparse reads it as an option
        ap.error("OUT '%s' is an option, not a directory: cl_study.py OUT MODE [--bin DIR]" % argv[0])
    a = ap.parse_args(argv)
    if a.bin:  # the missing-programs message below points here
        ev.BIN = os.path.abspath(a.bin)
    if ev.missing_programs(ev.BIN):  # before the output directory is made
        ap.error(ev.missing_programs(ev.BIN))
    os.makedirs(a.out, exist_ok=True)
    MODES[a.mode](os.path.abspath(a.out))


if __name__ == "__main__":
    main()
