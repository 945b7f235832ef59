#!/usr/bin/python3
"""The correction alone (cases/airfoil-mf/README.md, "The correction alone, on an LF model the designer has"): the LF
part is fitted once (snaps-fit -mf_hf_fraction 0) and reused by every fit (snaps-fit -mf_lf_model), so a fit costs only the
correction, as the MLP with XFOIL's Cp as an input (mlp_mf) costs only its training on the HF rows.

  correction_study.py OUT timing [--weights results.json]   the test split (harness seed 14) at 10/30/100% HF (the
                                   harness's draw), residual and ar1: the whole fit (LF part and correction), the
                                   correction on the reused LF part and mlp_mf's training, interleaved: process CPU s,
                                   the in-process correction time, parameters, and the held-out errors (whole and
                                   correction alone: the same model, must agree); the weights evaluate.py chose
  correction_study.py OUT search [--only A,B]   correction settings (CANDIDATES, or those named) on the VALIDATION airfoils (evaluate.validation_split, never
                                   the test ones), five draws (-mf_seed 0..4) at 10% HF and all at 100%, both blends,
                                   -mf_nested_lf true and false: median validation errors (search.json)
  correction_study.py OUT seeds [--delta NAME]   the test split, five draws at 10% and 30%, and 100%, both blends,
                                   both -mf_nested_lf, with the correction setting NAME (CANDIDATES; default: the
                                   case's DELTA): medians and the ratio of the 10% median to the 100% error
  correction_study.py OUT check [--bin DIR]   regression.airfoil_mf_correction (check(): no collapse, an early stop)
Writes OUT/<part>.json.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate as ev  # noqa: E402
import harness  # noqa: E402  (evaluate puts bench/airfoil-mf on the path)
import checks  # noqa: E402  (postprocess/, on the path through harness)

SEEDS = range(5)


def from_options(opts):
    """A correction setting from KHRONOS options (evaluate.DELTA: the case's correction has one home)."""
    o = dict(zip(opts[::2], opts[1::2]))
    known = {"-sna_khronos_degree", "-sna_khronos_nodes", "-sna_khronos_modes", "-sna_fit_lambda"}
    assert len(opts) % 2 == 0 and set(o) <= known, "options %s: only %s are read" % (opts, sorted(known))
    return dict(nodes=o["-sna_khronos_nodes"], modes=int(o["-sna_khronos_modes"]), lam=float(o["-sna_fit_lambda"]),
                degree=int(o.get("-sna_khronos_degree", 2)))


# Correction settings tried (degree 2 KHRONOS; nodes per input m, p, t, alpha, Re, s_le); "case" is evaluate.DELTA.
# Larger lambda (Tikhonov weight on the correction's coefficients; for ar1 also the joint stage's) for few HF rows.
# "lam_rows": lambda = lam_rows / (HF rows fitted): a fixed weight against the sum of squares, not the mean (the
# fit's lambda weighs the mean squared error, so a fixed lambda that suits 8 airfoils over-smooths 81).
CANDIDATES = {
    "rows0.0066": dict(nodes="3,3,3,3,3,12", modes=2, lam_rows=0.0066),
    "rows0.02": dict(nodes="3,3,3,3,3,12", modes=2, lam_rows=0.02),
    "rows0.06": dict(nodes="3,3,3,3,3,12", modes=2, lam_rows=0.06),
    "rows0.6": dict(nodes="3,3,3,3,3,12", modes=2, lam_rows=0.6),
    "rows6": dict(nodes="3,3,3,3,3,12", modes=2, lam_rows=6.0),
    "modes1_rows0.6": dict(nodes="3,3,3,3,3,12", modes=1, lam_rows=0.6),
    "lin_rows0.6": dict(nodes="2,2,2,2,2,16", modes=2, lam_rows=0.6, degree=1),
    "case": from_options(ev.DELTA),
    "lam1e-4": dict(nodes="3,3,3,3,3,12", modes=2, lam=1e-4),
    "lam1e-3": dict(nodes="3,3,3,3,3,12", modes=2, lam=1e-3),
    "lam1e-2": dict(nodes="3,3,3,3,3,12", modes=2, lam=1e-2),
    "lam1e-1": dict(nodes="3,3,3,3,3,12", modes=2, lam=1e-1),
    "modes1": dict(nodes="3,3,3,3,3,12", modes=1, lam=1e-6),
    "modes1_lam1e-3": dict(nodes="3,3,3,3,3,12", modes=1, lam=1e-3),
    "s8_lam1e-3": dict(nodes="3,3,3,3,3,8", modes=2, lam=1e-3),
    "s16_lam1e-3": dict(nodes="3,3,3,3,3,16", modes=2, lam=1e-3),
    # linear along the design inputs (degree 1, 2 nodes: a correction that cannot bend between 8 airfoils)
    "lin": dict(nodes="2,2,2,2,2,16", modes=2, lam=1e-6, degree=1),
    "lin_modes1": dict(nodes="2,2,2,2,2,16", modes=1, lam=1e-6, degree=1),
    "lin_lam1e-3": dict(nodes="2,2,2,2,2,16", modes=2, lam=1e-3, degree=1),
    "lin_a3_lam1e-3": dict(nodes="2,2,2,3,2,16", modes=2, lam=1e-3, degree=1),
    # the case's former correction (2 modes) by a few ALS sweeps instead of auto (its fit time; an early stop as a
    # shrinkage)
    "als10": dict(nodes="3,3,3,3,3,12", modes=2, lam=1e-6, fit="als10"),
    "als30": dict(nodes="3,3,3,3,3,12", modes=2, lam=1e-6, fit="als30"),
}


def lam_of(c, data, fraction):
    return c["lam"] if "lam" in c else c["lam_rows"] / ev.hf_rows(data, fraction)


def delta_options(c, lam):
    return ev.khronos(c["nodes"], c["modes"], lam, degree=c.get("degree", 2), fit=c.get("fit"))


def correction_options(blend, fraction, nested, seed, c, data=None):
    """snaps-fit options of a correction fit on the reused LF part (no -mf_lf_sna_ options: the part is as fitted)."""
    lam = lam_of(c, data, fraction)
    opts = ["-mf_blend", blend, "-mf_hf_fraction", "%g" % fraction, "-mf_nested_lf", "true" if nested else "false"]
    opts += (["-mf_seed", str(seed)] if seed is not None else []) + ev.prefixed(delta_options(c, lam), "mf_delta_")
    return opts + (["-sna_fit_lambda", "%g" % max(lam, 1e-6)] if blend == "ar1" else [])


def fit_lf(out, data):
    """The LF part alone (the mf model at 0% HF), fitted once."""
    model, r = ev.fit(out, "lf_once", data, ["-mf_hf_fraction", "0"] + ev.prefixed(ev.LF, "mf_lf_"), 1)
    print("LF part fitted once: %.1f CPU s, %d parameters" % (r["cpu_s"], r["n_params"]), flush=True)
    return model, r


def errors(out, tag, model, split, nested, Y):
    """Held-out Cp rel. L2: from the LF model (test_nolf.h5) unless nested, and from the airfoils' XFOIL Cp (/YLF)."""
    err = {}
    for key, test in (("own_lf", "test_nolf.h5"), ("ylf", "test.h5")):
        if nested and key == "own_lf":
            continue
        P, _, _ = ev.predict(out, tag + "_" + key, model, os.path.join(split, test), 1)
        err[key] = float(np.linalg.norm(P - Y) / np.linalg.norm(Y))
    return err


def test_split(out, raw=False):
    """The harness's split for the SNA (input s_le) under out/split_sna, and with raw also the baselines' files (input
    s) under out/split."""
    data = harness.load()
    split = harness.make_split(data)
    sna = os.path.join(out, "split_sna")
    harness.write_split(data, split, sna, ev.S_INPUT)
    if raw:
        harness.write_split(data, split, os.path.join(out, "split"))
    return sna


def mlp_mf(raw, fraction):
    """bench/airfoil-mf's mlp_mf with its committed search's settings, trained here on the harness's draw at fraction
    (its baselines.py loop): training CPU seconds (process time around the training loop, one thread), held-out Cp rel.
    L2, parameters."""
    import baselines as bl  # bench/airfoil-mf (torch): only where the MLP is timed
    import torch
    torch.set_num_threads(1)
    with open(ev.BASELINES) as f:
        b = next(r for r in json.load(f)["results"] if r["method"] == "mlp_mf" and abs(r["hf_fraction"] - fraction) < 1e-9)
    train = bl.load_train(raw, fraction)
    X, Y, case = train["hf"]
    ylf = bl.lf_at(train, X, case)
    t0 = bl.clock()
    m = bl.MLP(X.shape[1] + 1, b["width"], b["depth"], b["lr"]).fit(bl.mlp_inputs("mlp_mf", X, ylf), Y)
    cpu = float((bl.clock() - t0)[1])
    Xt, Yt, YLt, _ = harness.load_test(os.path.join(raw, "test.h5"))
    P = m.predict(bl.mlp_inputs("mlp_mf", Xt, YLt))
    return cpu, float(np.linalg.norm(P - Yt) / np.linalg.norm(Yt)), m.params()


def timing(out, weights=None):
    """On the harness's draw at each fraction (the MLP's training airfoils): the whole fit, the correction alone on the
    LF part fitted once, and mlp_mf's training, interleaved. weights: {"blend fraction": weight of ev.WEIGHTS} (the
    choice of evaluate.py's run, its results.json), else the case's lambda."""
    sna = test_split(out, raw=True)
    X, Y, _, case = harness.load_test(os.path.join(sna, "test.h5"))
    lf, rlf = fit_lf(out, os.path.join(sna, harness.train_name(1.0)))
    rows = []
    for fraction in (0.1, 0.3, 1.0):
        data = os.path.join(sna, harness.train_name(fraction))
        cpu_mlp, e_mlp, p_mlp = mlp_mf(os.path.join(out, "split"), fraction)
        print("timing mlp_mf %g%%: %.2f CPU s, error %.4f" % (100 * fraction, cpu_mlp, e_mlp), flush=True)
        for blend in ev.BLENDS:  # evaluate.py's methods: residual, ar1, ar1_const (-mf_rho_form constant)
            w = (weights or {}).get("%s %g" % (blend, fraction))
            lam = ev.weight_lambda(w, data, 1.0) if w else None
            whole, rw = ev.fit(out, "whole", data, ev.mf_options(blend, 1.0, False, lam=lam), 1)
            corr, rc = ev.fit(out, "corr", data, ["-mf_lf_model", lf] + ev.mf_options(blend, 1.0, False, lam=lam, lf=False), 1)
            ew, ec = errors(out, "whole", whole, sna, False, Y), errors(out, "corr", corr, sna, False, Y)
            rows.append(dict(blend=blend, hf_fraction=fraction, weight=w or "case", whole_cpu_s=rw["cpu_s"],
                             whole_params=rw["n_params"], corr_cpu_s=rc["cpu_s"], corr_in_process_s=rc["correction_fit_time_s"],
                             corr_fit_cpu_s=rc["fit_cpu_s"], whole_fit_cpu_s=rw["fit_cpu_s"],
                             whole_correction_in_process_s=rw["correction_fit_time_s"], whole_lf_in_process_s=rw["lf_fit_time_s"],
                             corr_params=rc["n_params"] - rc["lf_n_params"], lf_params=rc["lf_n_params"],
                             error_whole=ew, error_corr=ec, mlp_mf_cpu_s=cpu_mlp, mlp_mf_error=e_mlp, mlp_mf_params=p_mlp,
                             train_cpu_ratio=cpu_mlp / rc["fit_cpu_s"], cpu_over_wall_ratio=cpu_mlp / rc["correction_fit_time_s"],
                             params_ratio=p_mlp / (rc["n_params"] - rc["lf_n_params"])))
            print("timing %s" % rows[-1], flush=True)
    return {"lf_once_cpu_s": rlf["cpu_s"], "lf_params": rlf["n_params"], "rows": rows,
            "what": "cpu_s: CPU seconds of the snaps-fit process (start-up, reading the 46k LF rows, the fit, writing), one "
                    "rank; corr_in_process_s: the correction's fit as snaps-fit reports it (wall); corr_fit_cpu_s, "
                    "whole_fit_cpu_s: the fit in process, CPU (snaps-fit's fit_cpu_time_s; for the correction alone it "
                    "includes reading the LF model file); mlp_mf_cpu_s: its training loop's process time, one thread; "
                    "train_cpu_ratio = mlp_mf_cpu_s / corr_fit_cpu_s (CPU over CPU); cpu_over_wall_ratio = mlp_mf_cpu_s / "
                    "corr_in_process_s (the former time_ratio: CPU over wall)"}


def sweep(out, split, data, lf, fractions, seeds_at, names, nesteds=(False,)):
    """Every candidate in names, both blends and the nested choices, at each fraction over seeds_at(fraction). A fit
    that snaps-fit refuses (a correction that did not lower the loss of its start) is recorded as failed."""
    X, Y, _, _ = harness.load_test(os.path.join(split, "test.h5"))
    runs = []
    for name in names:
        for blend in ("residual", "ar1"):
            for nested in nesteds:
                for fraction in fractions:
                    for seed in seeds_at(fraction):
                        try:
                            model, r = ev.fit(out, "c", data, ["-mf_lf_model", lf] + correction_options(
                                blend, fraction, nested, seed, CANDIDATES[name], data), 1)
                        except SystemExit as e:
                            print("  failed: %s" % e, flush=True)
                            runs.append(dict(delta=name, blend=blend, nested=nested, hf_fraction=fraction, seed=seed,
                                             failed=str(e)))
                            continue
                        e = errors(out, "c", model, split, nested, Y)
                        runs.append(dict(delta=name, blend=blend, nested=nested, hf_fraction=fraction, seed=seed,
                                         cpu_s=r["cpu_s"], correction_s=r["correction_fit_time_s"], **e))
                print("%s %s nested=%s: %s" % (name, blend, nested, summarise(runs, name, blend, nested)), flush=True)
    return runs


def summarise(runs, name, blend, nested):
    """Median error per fraction and prediction, and the ratio of the 10% median to the 100% one."""
    out = {}
    for key in ("own_lf", "ylf"):
        for f in sorted({r["hf_fraction"] for r in runs}):
            sel = [r for r in runs if (r["delta"], r["blend"], r["nested"], r["hf_fraction"]) == (name, blend, nested, f)]
            v = [r[key] for r in sel if key in r]
            if v:
                out["%s_%03d" % (key, round(100 * f))] = float(np.median(v))
            if any("failed" in r for r in sel):
                out["failed_%03d" % round(100 * f)] = sum("failed" in r for r in sel)
        if "%s_010" % key in out and "%s_100" % key in out:
            out["%s_ratio_10_to_100" % key] = out["%s_010" % key] / out["%s_100" % key]
    return out


def search(out, names):
    sna = test_split(out)
    val = os.path.join(out, "validation")
    airfoils = ev.validation_split(sna, val)
    data = os.path.join(val, harness.train_name(1.0))
    lf, _ = fit_lf(out, data)
    runs = sweep(out, val, data, lf, (0.1, 1.0), lambda f: SEEDS if f < 1 else [None], names)
    table = {"%s %s nested=%s" % (n, b, s): summarise(runs, n, b, s) for n in names for b in ("residual", "ar1")
             for s in (False,)}
    return {"validation_airfoils": airfoils, "candidates": {n: CANDIDATES[n] for n in names}, "runs": runs,
            "summary": table}


def seeds(out, name):
    sna = test_split(out)
    data = os.path.join(sna, harness.train_name(1.0))
    lf, _ = fit_lf(out, data)
    runs = sweep(out, sna, data, lf, (0.1, 0.3, 1.0), lambda f: SEEDS if f < 1 else [None], [name], (False, True))
    table = {"%s %s nested=%s" % (name, b, s): summarise(runs, name, b, s) for b in ("residual", "ar1") for s in (False, True)}
    return {"delta": name, "settings": CANDIDATES[name], "runs": runs, "summary": table}


def check(out, fraction=0.3, seeds=(0, 1, 2), lam_rows=0.02, max_sweeps=40):
    """regression.airfoil_mf_correction: the correction alone (residual blend, CANDIDATES["case"]: evaluate.DELTA) on the case's LF
    part fitted once to a fifth of the LF airfoils, at 30% HF on three draws with the weight 0.02 / HF rows, where the correction from the former random
    start collapsed to zero (the LF part alone) on most draws and its fit ran ALS to 100 sweeps, then
    Levenberg-Marquardt again; and at 100% HF with the case's weight 1e-6, where that fit took 106 iterations. Each
    fit must lower the LF part's held-out error by 5% and stop within max_sweeps iterations."""
    _, _, sna = ev.tiny_split(out)
    X, Y, _, case = harness.load_test(os.path.join(sna, "test.h5"))
    data = os.path.join(sna, harness.train_name(1.0))
    lf, _ = ev.fit(out, "lf", data, ["-mf_hf_fraction", "0"] + ev.prefixed(ev.LF, "mf_lf_"), 1)
    P, _, _ = ev.predict(out, "lf", lf, os.path.join(sna, "test_nolf.h5"), 1)
    e_lf = harness.score(X, Y, P, case)["cp_rel_l2"]
    weighted = {k: v for k, v in CANDIDATES["case"].items() if k != "lam"}
    fits = [(fraction, seed, dict(weighted, lam_rows=lam_rows)) for seed in seeds] + [(1.0, None, CANDIDATES["case"])]
    failed = []
    for fraction, seed, c in fits:
        tag = "%g%% HF, seed %s, lambda %g" % (100 * fraction, seed, lam_of(c, data, fraction))
        model, r = ev.fit(out, "c", data, ["-mf_lf_model", lf] + correction_options("residual", fraction, False, seed, c, data), 1)
        P, _, _ = ev.predict(out, "c", model, os.path.join(sna, "test_nolf.h5"), 1)
        e = harness.score(X, Y, P, case)["cp_rel_l2"]
        print("airfoil-mf correction check: %s: held-out Cp rel. L2 %.4f (LF part alone %.4f), %d iterations, %s"
              % (tag, e, e_lf, r["delta_iterations"], r["delta_converged_reason"]), flush=True)
        if not e < 0.95 * e_lf:
            failed.append("%s: the correction did not lower the LF part's error by 5%% (%.4f against %.4f): collapsed "
                          "to zero?" % (tag, e, e_lf))
        if r["delta_iterations"] > max_sweeps:
            failed.append("%s: the correction's fit took %d iterations, more than %d" % (tag, r["delta_iterations"], max_sweeps))
    if failed:
        sys.exit("airfoil-mf correction check:\n  " + "\n  ".join(failed))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    ap.add_argument("out", help="the study's directory")
    ap.add_argument("part", choices=("timing", "search", "seeds", "check"))
    ap.add_argument("--weights", help="timing: evaluate.py's results.json, the weights it chose")
    ap.add_argument("--only", type=checks.comma_list(CANDIDATES), help="search: these candidates (default: all)")
    ap.add_argument("--delta", choices=list(CANDIDATES), help="seeds: the correction setting (default: case)")
    ap.add_argument("--bin", help="snaps-fit and snaps-predict of another build (the tests')")
    a = ap.parse_args()
    for opt, part in (("weights", "timing"), ("only", "search"), ("delta", "seeds")):
        if getattr(a, opt) is not None and a.part != part:
            ap.error("--%s applies to %s only" % (opt, part))
    out, part, name, names = os.path.abspath(a.out), a.part, a.delta or "case", a.only or list(CANDIDATES)
    if a.bin:
        ev.BIN = a.bin
    if ev.missing_programs(ev.BIN):  # before the output directory is made
        ap.error(ev.missing_programs(ev.BIN))
    weights = checks.key(checks.load_json(a.weights), ["weights", "chosen"], a.weights) if a.weights else None
    os.makedirs(out, exist_ok=True)
    if part == "check":
        return check(out)
    res = {"timing": lambda: timing(out, weights), "search": lambda: search(out, names), "seeds": lambda: seeds(out, name)}[part]()
    res["machine"] = harness.machine()
    tag = "_" + name if part == "seeds" else "_" + "_".join(names) if part == "search" and a.only else ""
    harness.write_json(os.path.join(out, part + tag + ".json"), res)  # atomically (postprocess/atomic.py)


if __name__ == "__main__":
    main()
