#!/usr/bin/python3
"""Merges the bench_fit reports of bench/fit/run.sh into one JSON file, computes the targets and prints a table.

    merge.py RAWDIR OUT.json [--load "l1 l5 l15"] [--quick 0|1] [--expected FILE]

RAWDIR holds one report per run, named PROBLEM.METHOD.NrankS.json. --expected FILE (run.sh writes it) lists the runs
started, one "PROBLEM METHOD RANKS" a line; without it, every problem is expected to have every (method, ranks) seen
in RAWDIR. An expected run without a report (it failed) is in runs as unavailable ("no report"), named in the table and
in missing_runs, and no target that needs it is decided (met null, its note says which run is missing): a missing
*_best run leaves best_test incomplete (best_test_from says so), so the targets against 2 x best_test are not decided.
For each problem:
  best_train, best_test  the lowest training and test MSE on any curve of any run (every repetition,
                         the long *_best runs included): the best any method reached
  level = 2 x best_test  the test error a fit must reach to count as converged
and for each rank count the targets of issue 12:
  default_test      the default's final test MSE <= level
  t_als             the first time on the plain-ALS curve (method als, 2000 sweeps) with test MSE <= level
  default_speed     the default's time to its final state <= t_als / 5 (when ALS never reaches the level within
                    its budget, met if the default reaches it, said so in the note; decided_by holds that comparison,
                    the default's final test MSE <= level, and the table prints it, not the times)
  default_train     the default's final training MSE <= the old default's (ALS with the class budget of
                    100 sweeps, method als100)
  jax_train, jax_test  (rank3_3d) the default's time to training MSE 1e-8 and to test MSE 1.1e-9 against the
                    JAX anchor, 0.46 s and 0.7 s on an H200 GPU
Times are medians over repetitions (a repetition that never reaches a level counts as infinitely slow; a
median that is infinite is null). Curves: the full curve of the repetition of median fit time.
"""
import argparse
import glob
import json
import math
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402

JAX = {"train_mse": 1e-8, "train_time_s": 0.46, "test_mse": 1.1e-9, "test_time_s": 0.7,
       "device": "NVIDIA H200 GPU", "problem": "rank3_3d"}
CURVE_KEYS = ("iteration", "time_s", "train_mse", "test_mse")
# bench_fit's report keys before 2026-12-07, renamed to snaps-fit's (and bench_aion's): reports written before then
# are read under the new names
OLD_KEYS = {"reason": "converged_reason", "stats_outer": "outer_iterations", "stats_inner": "inner_iterations",
            "stats_function": "function_evaluations", "stats_gradient": "gradient_evaluations",
            "stats_hessian": "hessian_evaluations"}
ORDER = ("rank3_3d", "smooth_6d", "noisy_3d", "noisy_3d_m3")  # problems in this order, any others after them


def median(values):
    """Median of a list in which None means never (infinite); None if the median is infinite or the list empty."""
    v = sorted(math.inf if x is None else x for x in values)
    if not v:
        return None
    n = len(v)
    m = v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])
    return None if math.isinf(m) else m


def curve(d, r):
    return {k: d.get("rep%d_curve_%s" % (r, k)) or [] for k in CURVE_KEYS}


def new_keys(d):
    """A bench_fit report with its keys of before 2026-12-07 (OLD_KEYS, rep<r>_reason) under the current names."""
    for k in list(d):
        m = re.match(r"rep(\d+)_reason$", k)
        new = OLD_KEYS.get(k) or (m and "rep%s_converged_reason" % m.group(1))
        if new and new not in d:
            d[new] = d.pop(k)
    return d


def first_time(c, key, level):
    for t, v in zip(c["time_s"], c[key]):
        if v is not None and v <= level:
            return t
    return None


def load_runs(rawdir):
    runs = {}
    for path in sorted(glob.glob(os.path.join(rawdir, "*.json"))):
        m = re.match(r"(.+)\.(\w+)\.(\d+)rank\.json$", os.path.basename(path))
        if not m:
            continue
        with open(path) as fp:
            d = new_keys(json.load(fp))
        failed = [k for k in ("time_s_median", "train_mse_median", "test_mse_median") if d.get(k, 0) is None]
        if d.get("available") and failed:
            # bench_fit writes a median of values holding a NaN (a failed repetition) as null: the run failed, it
            # is reported as such, not compared
            d["available"] = False
            d["unavailable_because"] = "a repetition failed (%s null: a NaN among %s)" % (
                ", ".join(failed), ", ".join(k.replace("_median", "_all") for k in failed))
        d["curves"] = [curve(d, r) for r in range(d["reps"])] if d.get("available") else []
        runs.setdefault(m.group(1), {})[(m.group(2), int(m.group(3)))] = d
    return runs


def read_expected(path, runs):
    """{problem: [(method, ranks)]} of the runs that should have a report: those of path (lines "PROBLEM METHOD RANKS"),
    or, without it, every (method, ranks) seen in runs for every problem of runs."""
    if path is None:
        seen = sorted({k for pr in runs.values() for k in pr}, key=lambda k: (k[1], k[0]))
        return {name: list(seen) for name in runs}
    expected = {}
    with open(path) as fp:
        for i, line in enumerate(fp, 1):
            if not line.strip():
                continue
            f = line.split()
            if len(f) != 3 or not f[2].isdigit():
                sys.exit("merge.py: %s:%d: expected 'PROBLEM METHOD RANKS', not %r" % (path, i, line.strip()))
            expected.setdefault(f[0], []).append((f[1], int(f[2])))
    return expected


def add_missing(runs, expected):
    """Puts every expected run without a report into runs as unavailable; returns {problem: ["method/ranks", ...]}."""
    missing = {}
    for name, keys in expected.items():
        pr = runs.setdefault(name, {})
        for key in keys:
            if key not in pr:
                pr[key] = {"available": False, "unavailable_because": "no report (the run failed)", "curves": []}
                missing.setdefault(name, []).append("%s/%d" % key)
    return missing


def best_of(runs, key):
    """Lowest value of key over every point of every repetition's curve of every run of a problem, and which run
    (the curves only: a run's final values, measured after the fit, are not looked at)."""
    best, where = math.inf, None
    for (method, n), d in runs.items():
        for c in d["curves"]:
            vals = [v for v in c[key] if v is not None]
            if vals and min(vals) < best:
                best, where = min(vals), "%s on %d rank(s)" % (method, n)
    return (None if math.isinf(best) else best), where


def summarise(d, level, anchor):
    """The figures of one run: medians, times to the level (and the anchor's levels), median-time curve."""
    s = {k: d.get(k) for k in ("method_options", "fit_type", "available", "unavailable_because", "n_params",
                              "converged_reason", "reps", "time_s_median", "train_mse_median", "test_mse_median",
                              "iterations_median", "time_s_all", "train_mse_all", "test_mse_all", "ranks")}
    if not d.get("available"):
        return s
    s["time_to_2x_best_test_s_all"] = [first_time(c, "test_mse", level) for c in d["curves"]]
    s["time_to_2x_best_test_s_median"] = median(s["time_to_2x_best_test_s_all"])
    if anchor:
        s["time_to_train_1e-8_s_median"] = median([first_time(c, "train_mse", JAX["train_mse"]) for c in d["curves"]])
        s["time_to_test_1.1e-9_s_median"] = median([first_time(c, "test_mse", JAX["test_mse"]) for c in d["curves"]])
    # 7 significant digits are plenty for a plot and halve the file (curves have thousands of points)
    s["curve"] = {k: [v if v is None else float("%.7g" % v) for v in vals]
                  for k, vals in d["curves"][d["median_rep"]].items()}
    return s


def target(what, value, bound, met, note=None):
    t = {"what": what, "value": value, "bound": bound, "met": met}
    if note:
        t["note"] = note
    return t


def absent(runs, method, n):
    """Why the run (method, n) cannot be used ("" where it can)."""
    d = runs.get((method, n))
    if d is None:
        return "no %s run on %d rank(s)" % (method, n)
    if not d.get("available"):
        return "%s on %d rank(s) is unavailable: %s" % (method, n, d.get("unavailable_because") or "no results")
    return ""


def targets(runs, n, level, anchor, best_missing=None):
    """The targets of issue 12 on n ranks (met None: a run it needs is missing, so it cannot be decided; the note
    says which). best_missing: the *_best runs without a report, which leave 2 x best test unknown."""
    get = lambda m: runs.get((m, n)) if runs.get((m, n), {}).get("available") else None
    dflt, als, old = get("default"), get("als"), get("als100")
    t = {}
    if not dflt:
        return {"missing": "not decided: " + absent(runs, "default", n)}
    undecided = None
    if best_missing:
        undecided = ("not decided: 2 x best test is not known, the best run(s) %s have no report (the level is that "
                     "of the other runs)" % ", ".join(best_missing))
    dt = dflt["time_s_median"]
    t["default_test"] = target("default final test MSE <= 2 x best test", dflt["test_mse_median"], level,
                               None if undecided else dflt["test_mse_median"] <= level, undecided)
    if not als:
        why = absent(runs, "als", n)
        t["t_als"] = target("plain ALS time to test MSE <= 2 x best test", None, None, None, why)
        t["default_speed"] = target("default time to its final state <= t_ALS / 5", dt, None, None,
                                    "not decided: it needs plain ALS, and " + why)
    else:
        t_als = dflt_bound = median([first_time(c, "test_mse", level) for c in als["curves"]])
        note = None
        met = None
        if t_als is None:
            # ALS cannot get there at all within its budget: the default is faster at any speed, if it gets there
            dflt_bound = als["time_s_median"]
            met = dflt["test_mse_median"] <= level
            note = ("plain ALS never reached 2 x best test (it ended at test MSE %.3g after %.3g s, %s): the default "
                    "is faster whatever its time" % (als["test_mse_median"], als["time_s_median"],
                                                       als.get("converged_reason", "its budget")))
        t["t_als"] = target("plain ALS time to test MSE <= 2 x best test", t_als, None, None)
        if undecided:
            met, note = None, undecided
        elif met is None:
            met = dt <= dflt_bound / 5
        t["default_speed"] = target("default time to its final state <= t_ALS / 5", dt, dflt_bound / 5, met, note)
        if t_als is None:  # met is decided by the test MSE, not by the times: the table prints that comparison
            t["default_speed"]["decided_by"] = target("default speed: plain ALS never at 2 x best test; default test MSE",
                                                      dflt["test_mse_median"], level, met)
    if not old:
        t["default_train"] = target("default final train MSE <= old default's (ALS, 100 sweeps)", dflt["train_mse_median"],
                                    None, None, "not decided: it needs the old default, and " + absent(runs, "als100", n))
    else:
        t["default_train"] = target("default final train MSE <= old default's (ALS, 100 sweeps)",
                                    dflt["train_mse_median"], old["train_mse_median"],
                                    dflt["train_mse_median"] <= old["train_mse_median"])
    if anchor:
        for key, lvl, tkey in (("train", JAX["train_mse"], "train_time_s"), ("test", JAX["test_mse"], "test_time_s")):
            tm = median([first_time(c, key + "_mse", lvl) for c in dflt["curves"]])
            t["jax_" + key] = target("default time to %s MSE %g vs JAX on an H200 (%g s)" % (key, lvl, JAX[tkey]),
                                     tm, JAX[tkey], tm is not None and tm <= JAX[tkey])
    return t


def fmt(x, spec="%.3e"):
    return "-" if x is None else spec % x


def print_table(res):
    for name, p in res["problems"].items():
        print("== %s: %s (%s parameters); best train %s, best test %s (%s), 2 x best test %s" % (
            name, p["model_options"].strip(), p["n_params"], fmt(p["best_train_mse"]), fmt(p["best_test_mse"]), p["best_test_from"],
            fmt(p["level_2x_best_test"])))
        if p.get("missing_runs"):
            print("   MISSING (no report: the run failed): %s" % ", ".join(p["missing_runs"]))
        print("   %-14s %5s %-10s %-22s %6s %9s %10s %10s %12s" % ("method", "ranks", "fit", "reason", "its", "time s",
                                                                  "train MSE", "test MSE", "t(2x best)"))
        for key, s in p["runs"].items():
            method, n = key.rsplit("/", 1)
            if not s.get("available"):
                print("   %-14s %5s skipped: %s" % (method, n, s.get("unavailable_because") or "no results"))
                continue
            print("   %-14s %5s %-10s %-22s %6s %9.4f %10.3e %10.3e %12s" % (
                method, n, s["fit_type"], s["converged_reason"], fmt(s["iterations_median"], "%g"), s["time_s_median"],
                s["train_mse_median"], s["test_mse_median"], fmt(s.get("time_to_2x_best_test_s_median"), "%.4f")))
        for n, ts in p["targets"].items():
            for key, t in ts.items():
                if key == "missing":
                    print("   [%s rank(s)] %s" % (n, t))
                    continue
                if t["bound"] is None:  # a measured figure, not a target, or a target that cannot be decided
                    print("   [%s rank(s)] %-62s %10s%s" % (n, t["what"], fmt(t["value"], "%.3g"),
                                                          "  (" + t["note"] + ")" if t.get("note") else ""))
                    continue
                met = {True: "MET", False: "MISSED", None: "NOT DECIDED"}[t["met"]]
                if t.get("decided_by"):  # the comparison that decides met, not value <= bound (which may be false)
                    t = dict(t, what=t["decided_by"]["what"], value=t["decided_by"]["value"], bound=t["decided_by"]["bound"])
                print("   [%s rank(s)] %-62s %10s <= %-10s %s%s" % (n, t["what"], fmt(t["value"], "%.3g"),
                                                                     fmt(t["bound"], "%.3g"), met,
                                                                     "  (" + t["note"] + ")" if t.get("note") else ""))


def dump(obj, path):
    """JSON with numeric arrays on one line each (curves have thousands of points), written atomically."""
    text = json.dumps(obj, indent=2)
    text = re.sub(r"\[\s*([-0-9.eE+,\s]|null)*\]", lambda m: re.sub(r"\s+", " ", m.group(0)).replace("[ ", "[")
                  .replace(" ]", "]"), text)
    atomic.write_text(path, text + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rawdir")
    ap.add_argument("out")
    ap.add_argument("--load", default="")
    ap.add_argument("--quick", type=int, default=0)
    ap.add_argument("--expected", help="the runs started, one 'PROBLEM METHOD RANKS' a line (run.sh writes it)")
    a = ap.parse_args()
    runs = load_runs(a.rawdir)
    if not runs:
        sys.exit("merge.py: no bench_fit reports in %s" % a.rawdir)
    first = next(iter(next(iter(runs.values())).values()))
    dates = sorted(d["date"] for pr in runs.values() for d in pr.values())
    missing = add_missing(runs, read_expected(a.expected, runs))
    res = {"program": "bench/fit/run.sh", "date": dates[0], "snaps_version": first["snaps_version"],
           "machine": first["machine"], "load_average_at_start": [float(v) for v in a.load.split()],
           "quick": bool(a.quick), "missing_runs": ["%s %s" % (name, r) for name, rs in missing.items() for r in rs],
           "jax_anchor": JAX, "problems": {}}
    for name, pr in sorted(runs.items(), key=lambda kv: (ORDER.index(kv[0]) if kv[0] in ORDER else len(ORDER), kv[0])):
        best_train, _ = best_of(pr, "train_mse")
        best_test, where = best_of(pr, "test_mse")
        best_missing = [r for r in missing.get(name, []) if r.split("/")[0].endswith("_best")]
        if best_missing:
            where = "incomplete: %s missing (lowest of the other runs: %s)" % (", ".join(best_missing), where)
        level = 2 * best_test if best_test is not None else None
        anchor = name == JAX["problem"]
        p = {"model_options": next((d["model_options"] for d in pr.values() if "model_options" in d), "unknown: no report"),
             "n_params": next((d.get("n_params") for d in pr.values() if d.get("n_params")), None), "best_train_mse": best_train,
             "best_test_mse": best_test, "best_test_from": where, "level_2x_best_test": level,
             "missing_runs": missing.get(name, []), "runs": {}, "targets": {}}
        for (method, n), d in sorted(pr.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            p["runs"]["%s/%d" % (method, n)] = summarise(d, level, anchor)
        if level is not None:
            for n in sorted({n for (_, n) in pr}):
                if ("default", n) in pr:
                    p["targets"][str(n)] = targets(pr, n, level, anchor, best_missing)
        res["problems"][name] = p
    dump(res, a.out)
    print_table(res)
    if res["missing_runs"]:
        print("merge.py: %d run(s) have no report (failed): %s; the targets that need them are not decided"
              % (len(res["missing_runs"]), ", ".join(res["missing_runs"])), file=sys.stderr)
    print("written %s" % a.out)


if __name__ == "__main__":
    main()
