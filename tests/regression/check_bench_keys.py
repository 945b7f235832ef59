#!/usr/bin/python3
"""The bench programs' -results reports use the library programs' names: wall_time_s in every one (bench_fit,
bench_sna and bench_aion had none), the load average at the run's start and end in every one (bench_sna and
bench_fit had none), bench_sna's medians and baseline ratios as claimed (every part, tiny), and bench_fit's
convergence reason and fit statistics under snaps-fit's keys (converged_reason, outer_iterations, ...,
hessian_evaluations; rep<r>_converged_reason), not its old reason, stats_outer, ..., rep<r>_reason; and
bench/fit/merge.py reads reports with the old keys (the runs of before the renaming) and with the new ones alike.
Each run takes a fraction of a second.
Usage: check_bench_keys.py <bench_fit> <bench_sna> <bench_aion> <good.h5> <snaps-fit's fit.json> <scratch dir>"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: runs a program, fails on a sanitizer report)

bfit, bsna, baion, good, fitjson, out = sys.argv[1:7]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
os.makedirs(out, exist_ok=True)
fails = []
STATS = ("converged_reason", "outer_iterations", "inner_iterations", "function_evaluations", "gradient_evaluations",
         "hessian_evaluations")
OLD = ("reason", "stats_outer", "stats_inner", "stats_function", "stats_gradient", "stats_hessian", "rep0_reason")


def report(name, cmd):
    """Runs cmd with -results <out>/<name>.json; the report, and the wall seconds the run took."""
    path = os.path.join(out, name + ".json")
    t0 = time.time()
    p = script_runner.program(cmd + ["-results", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.time() - t0
    if p.returncode:
        sys.exit("FAIL: %s exited %d\n%s" % (" ".join(cmd), p.returncode, p.stdout[-3000:]))
    return json.load(open(path)), wall


runs = {
    "bench_fit": [bfit, "-train", good, "-test", good, "-reps", "1", "-method", "als100", "-model_options",
                  " -sna_khronos_nodes 6"],
    # every part, tiny: (a) and (b) check their baselines against SNAEvaluate themselves (about 0.2 s CPU)
    "bench_sna": [bsna, "-which", "all", "-n_samples", "2000", "-reps", "3", "-grid_n", "8", "-fit_samples", "2000",
                  "-fit_sweeps", "1", "-fit_reps", "1"],
    "bench_aion": [baion, "-sizes", "100", "-problems", "atom", "-starts", "1", "-max_it", "5", "-sd_max_it", "5"],
}
reports = {}
for name, cmd in runs.items():
    r, wall = report(name, cmd)
    reports[name] = r
    w = r.get("wall_time_s")
    if not isinstance(w, (int, float)) or not 0 < w <= wall:
        fails.append("%s: wall_time_s %r is not in (0, %.3f s], the run's wall time" % (name, w, wall))
    for key in ("load_average_at_start", "load_average_at_end"):  # bench_sna and bench_fit recorded no load
        v = r.get(key)
        if not (isinstance(v, list) and len(v) == 3 and all(isinstance(x, (int, float)) and x >= 0 for x in v)):
            fails.append("%s: %s %r is not the 1, 5 and 15 minute load averages" % (name, key, v))

# bench_sna: the figures are the medians of the repetitions written beside them, and the ratios those of the medians
bs = reports["bench_sna"]
for key, all_key in (("eval_ns_per_sample_median", "eval_ns_per_sample_all"), ("grid_ms_median", "grid_ms_all")):
    v = sorted(bs.get(all_key) or [])
    if len(v) != 3 or bs.get(key) != v[1]:
        fails.append("bench_sna: %s %r is not the median of %s %r" % (key, bs.get(key), all_key, v))
for ratio, base, fig in (
        ("eval_speedup_vs_baseline", "eval_baseline_ns_per_sample_median", "eval_ns_per_sample_median"),
        ("grid_speedup_vs_scattered", "grid_baseline_ms_median", "grid_ms_median")):
    if not (isinstance(bs.get(ratio), float) and abs(bs[ratio] - bs[base] / bs[fig]) <= 1e-12 * bs[ratio]):
        fails.append("bench_sna: %s %r is not %s / %s" % (ratio, bs.get(ratio), base, fig))

# bench_fit: snaps-fit's names (those of its report, read here), not the old ones
fit = json.load(open(fitjson))
bf = reports["bench_fit"]
for k in STATS:
    if k not in fit:
        fails.append("snaps-fit's report (%s) has no %s: this test's names are out of date" % (fitjson, k))
    if k not in bf:
        fails.append("bench_fit's report has no %s (snaps-fit's key)" % k)
if "rep0_converged_reason" not in bf or bf.get("rep0_converged_reason") != bf.get("converged_reason"):
    fails.append("bench_fit (1 rep): rep0_converged_reason %r, converged_reason %r"
                 % (bf.get("rep0_converged_reason"), bf.get("converged_reason")))
left = [k for k in OLD if k in bf]
if left:
    fails.append("bench_fit still writes the old keys %s" % left)

# merge.py: a report with the old keys (before the renaming) and one with the new, side by side
raw = os.path.join(out, "raw")
os.makedirs(raw, exist_ok=True)
old = {({"converged_reason": "reason", "rep0_converged_reason": "rep0_reason"}.get(k) or
        ("stats_" + k.split("_")[0] if k in STATS[1:] else k)): v for k, v in bf.items()}
assert "reason" in old and "stats_outer" in old and "converged_reason" not in old, sorted(old)
json.dump(old, open(os.path.join(raw, "p.als.1rank.json"), "w"))
json.dump(bf, open(os.path.join(raw, "p.als100.1rank.json"), "w"))
p = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "fit", "merge.py"), raw, os.path.join(out, "m.json")],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
try:
    m = json.load(open(os.path.join(out, "m.json")))["problems"]["p"]["runs"]
    got = {k: (v.get("converged_reason"), "reason" in v) for k, v in m.items()}
except (OSError, ValueError, KeyError) as e:
    got = "no merged file (%s)" % e
reason = bf.get("converged_reason") or bf.get("reason")  # the old key: this failure is reported above
want = {"als/1": (reason, False), "als100/1": (reason, False)}
if p.returncode or got != want or p.stdout.count(str(reason)) < 2:
    fails.append("merge.py, an old-key and a new-key report: exit %d, runs' (converged_reason, old key kept) %r, "
                 "expected %r; table:\n%s" % (p.returncode, got, want, p.stdout[-1500:]))

if fails:
    sys.exit("FAIL:\n  " + "\n  ".join(fails))
print("bench_fit, bench_sna, bench_aion report wall_time_s and the load; bench_fit uses snaps-fit's keys; "
      "merge.py reads old and new")
