#!/usr/bin/python3
"""What the bench scripts and ks-surrogate's do with failures, quick runs and reused files (stand-ins for mpiexec,
mpirun, cmake and the programs: no SNAPS program runs; 1-2.5 s of CPU each, 4-7 s wall on the shared 2-core
machine; bash and Python only).

    check_bench_scripts.py DIR PART   (PART: fit, peers, ks_esn, ks_plots, airfoil_baselines, airfoil_score or
                                      airfoil_usage; one test each)

- fit: bench/fit/run.sh with a bench_fit stand-in whose plain-ALS runs fail exits non-zero after the other runs, the
  merge and the plot, naming the failed runs; fit.json lists them under missing_runs and decides no target that needs
  them (met null, the note naming the run); merge.py alone, on reports without a best run, leaves the targets against
  2 x best test undecided and says the best is incomplete; a data set missing (smooth_6d_test.h5, written last but one
  by make_problems.py) makes run.sh make the data sets again; with a plain ALS that never reaches 2 x best test,
  every comparison merge.py prints ("a <= b MET/MISSED") is true as printed (the default's speed is decided by its
  test MSE, printed as such, not by its time against t_ALS / 5); FIT_RANKS with a 0, a word or a count twice,
  FIT_METHODS with a method twice or a name that is no options prefix, and an option the script sets for each run
  (-method, -results, ...), are refused before any run. make_problems.py takes one OUTDIR (--help: its usage).
- peers: bench/poisson-peers/run.sh refuses --quick, --np, --problems or --repeat without an output directory (they
  replaced the committed bench/results/poisson-peers) before anything runs; peers.py's results.json records the
  mode (quick), the arguments, the date and the git revision, and table.md says a quick run is not a measurement.
- ks_esn: cases/ks-surrogate/run.sh REUSE_DATA=1 with matching solver data does not reuse an esn.npz trained in the
  other mode (its esn.stamp names other settings), and reuses one whose stamp matches.
- airfoil_baselines: bench/airfoil-mf's co-kriging correction GP, fitted on the committed split at 30% HF,
  is not the local optimum with every length scale near the lower bound (white noise between airfoils: it predicted
  its training mean at every test airfoil), and the record of a fit says when a length scale is at its bound;
  baselines.py --quick and cokriging_scaling.py --sizes without --out are refused (they replaced the committed
  results), and so is a size below 4 (--sizes 0 ran the whole default study in the child); --methods cokriging_ylf
  fits no LF GP and charges cokriging_ylf its correction's size and cost alone (it reads XFOIL's Cp; it was charged
  the LF GP's 70 CPU s and 7 hyperparameters), and a part of the baselines needs --out. Needs scikit-learn (exit
  77 without); PyTorch is not loaded (a stand-in module: the MLPs are not fitted). About 2 s of CPU.
- airfoil_score: bench/airfoil-mf/harness.py score refuses (exit 1, one line naming the file) a prediction with a
  non-finite row (every metric was NaN, printed as non-JSON, exit 0), a file without /Y and a missing file
  (tracebacks); a finite prediction is scored. plot.py refuses (exit 1, before any output) cp_curves.png at a
  fraction that no method of --preds (of --methods) has, and --methods or --fraction without cp_curves.
- airfoil_usage: bench/airfoil-mf/baselines.py checks its arguments (exit 2, usage) before it imports PyTorch and
  scikit-learn (a bad call gave ModuleNotFoundError without them), and a valid call without them exits 1 naming the
  Debian package (python3-torch, python3-sklearn) and scripts/install-deps.sh --airfoil, with no traceback and no file
  written (stand-ins whose import fails: the same whether they are installed or not; about 1 s, Python only).
- ks_plots: cases/ks-surrogate/evaluate.py's plots on a small made-up run: spacetime.png has a colour bar (and says
  where it saturates), the PDF panel draws no empty bin (no floor), and the lag axis has its unit.
"""
import json
import os
import re
import shutil
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import script_runner  # noqa: E402  (tests/script_runner.py: stand-ins, and scripts run with them on PATH)

PY = sys.executable
failures = []
run, script = script_runner.call, script_runner.executable


def report(method, test_mse):
    """A bench_fit report of one repetition whose curve ends at test_mse."""
    return {"available": True, "reps": 1, "median_rep": 0, "date": "2026-12-06T00:00:00Z", "snaps_version": "0",
            "machine": {"cpu_model": "stand-in", "cores": 2}, "model_options": " -sna_khronos_nodes 6", "n_params": 10, "fit_type": method,
            "converged_reason": "CONVERGED_RTOL", "time_s_median": 1.0, "train_mse_median": test_mse, "test_mse_median": test_mse,
            "iterations_median": 3, "time_s_all": [1.0], "train_mse_all": [test_mse], "test_mse_all": [test_mse],
            "rep0_curve_iteration": [0, 1], "rep0_curve_time_s": [0.1, 1.0], "rep0_curve_train_mse": [1e-2, test_mse],
            "rep0_curve_test_mse": [1e-2, test_mse]}


def fit(d):
    # make_problems.py took its first argument as OUTDIR whatever it was (--help wrote the six data sets into a directory
    # named --help), ignored the others, and without one wrote them into the current directory
    mp = os.path.join(d, "make_problems_cwd")
    os.makedirs(mp)
    never = os.path.join(d, "never_data")
    for args, code in ((["--help"], 0), ([], 2), ([never, "extra"], 2)):
        rc, so, se = run([PY, os.path.join(ROOT, "bench", "fit", "make_problems.py")] + args, cwd=mp)
        if rc != code or "usage: make_problems.py" not in so + se or os.listdir(mp) or os.path.exists(never):
            failures.append("make_problems.py %s: exit %s (expected %d, its usage, no file): %s in its directory, %r"
                            % (" ".join(args), rc, code, os.listdir(mp), (so + se)[-300:]))
            shutil.rmtree(mp)
            os.makedirs(mp)
    # stand-ins: cmake (the build), mpiexec (bench_fit: a report, and then a failure for -method als), python (make_problems.py
    # logged and its six files touched, plot_fit_bench.py touching its PNG, anything else run by this Python)
    stub = os.path.join(d, "stub")
    script(os.path.join(stub, "cmake"), "#!/bin/sh\nexit 0\n")
    script(os.path.join(stub, "mpiexec"), """#!%s
import json, sys
a = sys.argv[1:]
method, out = a[a.index("-method") + 1], a[a.index("-results") + 1]
r = json.loads(%r)
r["fit_type"] = method
if method == "lm_best":  # the best run reaches the lowest error
    r["rep0_curve_test_mse"][-1] = r["test_mse_median"] = 5e-4
json.dump(r, open(out, "w"))
if method == "als":  # after its report, as bench_fit failing in MPI_Finalize would: the report must not count
    sys.exit("stand-in bench_fit: -method als fails")
""" % (PY, json.dumps(report("x", 1e-3))))
    script(os.path.join(stub, "python"), """#!/bin/sh
case "$1" in
  *make_problems.py) echo "make_problems $2" >> "%s/make_problems.log"
    for s in rank3_3d noisy_3d smooth_6d; do touch "$2/${s}_train.h5" "$2/${s}_test.h5"; done ;;
  *plot_fit_bench.py) touch "$3" ;;  # the plot of missing runs: regression.postprocess_errors
  *) exec %s "$@" ;;
esac
""" % (d, PY))
    build, data, raw, out = (os.path.join(d, n) for n in ("build", "data", "raw", "out"))
    os.makedirs(build)
    open(os.path.join(build, "CMakeCache.txt"), "w").close()
    os.makedirs(data)
    for s in ("rank3_3d", "noisy_3d", "smooth_6d"):  # smooth_6d_test.h5 missing: a make_problems.py killed before it
        for part in ("train", "test"):
            if (s, part) != ("smooth_6d", "test"):
                open(os.path.join(data, "%s_%s.h5" % (s, part)), "w").close()
    env = {"BUILD_DIR": build, "MPIEXEC": os.path.join(stub, "mpiexec"),
           "PYTHON": os.path.join(stub, "python"), "FIT_DATA": data, "FIT_RAW": raw, "FIT_OUT": out,
           "FIT_METHODS": "default als als100", "FIT_RANKS": "1"}
    # FIT_RANKS of a 0 (mpiexec -n 0 ran on every slot, reported as "0 rank(s)"), a word or a count twice: refused
    # before anything runs (FIT_RAW is made after the build)
    for bad in ("0", "1 two", "1 1"):
        rc, so, se = run(["bash", os.path.join(ROOT, "bench", "fit", "run.sh"), "--quick"], env=dict(env, FIT_RANKS=bad), stub=stub)
        if rc != 2 or "FIT_RANKS='%s'" % bad not in se or os.path.exists(raw):
            failures.append("bench/fit/run.sh with FIT_RANKS='%s': exit %s (expected 2, before any run), %r" % (bad, rc, (so + se)[-300:]))
    # FIT_METHODS with a method twice (ran twice into one report) or a name bench_fit refuses (every run failed)
    for bad in ("als als", "als,lm"):
        rc, so, se = run(["bash", os.path.join(ROOT, "bench", "fit", "run.sh"), "--quick"], env=dict(env, FIT_METHODS=bad), stub=stub)
        if rc != 2 or "FIT_METHODS='%s'" % bad not in se or os.path.exists(raw):
            failures.append("bench/fit/run.sh with FIT_METHODS='%s': exit %s (expected 2, before any run), %r" % (bad, rc, (so + se)[-300:]))
        shutil.rmtree(raw, ignore_errors=True)
    # an option the script sets for each run, given after them, won: -method lm ran lm in every run, merged as default,
    # als, ...; refused before anything runs
    for opt in ("-method", "-Results"):
        rc, so, se = run(["bash", os.path.join(ROOT, "bench", "fit", "run.sh"), "--quick", "-reps", "1", opt, "lm"],
                         env=env, stub=stub)
        if rc != 2 or "%s is set by this script for each run" % opt not in se or os.path.exists(raw):
            failures.append("bench/fit/run.sh --quick %s lm: exit %s (expected 2, before any run), %r" % (opt, rc, (so + se)[-300:]))
        shutil.rmtree(raw, ignore_errors=True)
    rc, so, se = run(["bash", os.path.join(ROOT, "bench", "fit", "run.sh"), "--quick"], env=env, stub=stub)
    if not os.path.exists(os.path.join(d, "make_problems.log")):
        failures.append("bench/fit/run.sh with smooth_6d_test.h5 missing did not make the data sets again")
    if rc in (0, "timeout") or "als on 1 rank(s)" not in se:
        failures.append("bench/fit/run.sh with every als run failing: exit %s (expected 1, naming the failed runs), %r"
                        % (rc, se[-400:]))
    try:
        res = json.load(open(os.path.join(out, "fit.json")))
    except (OSError, ValueError) as e:
        failures.append("bench/fit/run.sh with failing als runs wrote no fit.json (%s): %r" % (e, (so + se)[-300:]))
        return
    if not os.path.exists(os.path.join(out, "fit_bench.png")):
        failures.append("bench/fit/run.sh with failing als runs: no fit_bench.png (the plot must still be drawn)")
    p = res["problems"].get("rank3_3d", {})
    als = p.get("runs", {}).get("als/1", {})
    speed = p.get("targets", {}).get("1", {}).get("default_speed", {})
    if als.get("available") is not False or "rank3_3d als/1" not in res.get("missing_runs", []):
        failures.append("fit.json: the failed als run on 1 rank is not listed as missing: runs %s, missing_runs %s"
                        % (sorted(p.get("runs", {})), res.get("missing_runs")))
    if speed.get("met") is not None or "als" not in (speed.get("note") or ""):
        failures.append("fit.json: default_speed decided without plain ALS: %r" % speed)
    if "als/1" not in so or "MISSING" not in so:
        failures.append("bench/fit/run.sh's table does not name the missing als run: %r" % so[-600:])

    # merge.py alone: the best run missing leaves 2 x best test unknown, so the targets against it are not decided
    raw2 = os.path.join(d, "raw2")
    os.makedirs(raw2)
    for m in ("default", "als", "als100"):
        json.dump(report(m, 1e-3), open(os.path.join(raw2, "p.%s.1rank.json" % m), "w"))
    with open(os.path.join(d, "expected.txt"), "w") as f:
        f.write("p lm_best 1\np default 1\np als 1\np als100 1\n")
    rc, so, se = run([PY, os.path.join(ROOT, "bench", "fit", "merge.py"), raw2, os.path.join(d, "m.json"), "--expected",
                      os.path.join(d, "expected.txt")])
    try:
        p = json.load(open(os.path.join(d, "m.json")))["problems"]["p"]
    except (OSError, ValueError, KeyError) as e:
        failures.append("merge.py without the best run: %s, exit %s, %r" % (e, rc, se[-300:]))
        return
    t = p["targets"]["1"]
    if (not p["best_test_from"].startswith("incomplete: lm_best/1 missing") or t["default_test"]["met"] is not None
            or "lm_best" not in t["default_test"].get("note", "") or t["default_speed"]["met"] is not None
            or "lm_best/1" not in so):
        failures.append("merge.py without the lm_best run: best_test_from %r, default_test %r, default_speed %r; table %r"
                        % (p["best_test_from"], t["default_test"], t["default_speed"], so[-400:]))

    # merge.py with a plain ALS that never reaches 2 x best test: default_speed is decided by the default's test MSE,
    # and the table prints that comparison (it printed the times, "1 <= 0.2 MET", a false inequality)
    raw3 = os.path.join(d, "raw3")
    os.makedirs(raw3)
    for m, mse in (("lm_best", 5e-4), ("default", 5e-4), ("als", 1e-2), ("als100", 1e-2)):
        json.dump(report(m, mse), open(os.path.join(raw3, "p.%s.1rank.json" % m), "w"))
    rc, so, se = run([PY, os.path.join(ROOT, "bench", "fit", "merge.py"), raw3, os.path.join(d, "m3.json")])
    printed = re.findall(r"(\S+) <= (\S+)\s+(MET|MISSED)", so)
    false = [c for c in printed if (float(c[0]) <= float(c[1])) != (c[2] == "MET")]
    if rc != 0 or not printed or false or not re.search(r"default speed: plain ALS never at 2 x best test; default test MSE +0\.0005 <= 0\.001 +MET", so):
        failures.append("merge.py with plain ALS never at 2 x best test: exit %s, comparisons printed %r, false ones %r; %r"
                        % (rc, printed, false, (so + se)[-600:]))


def peers(d):
    # a copy of run.sh in a tree of stand-ins: peers.py logs its arguments, install-deps.sh and the build do nothing
    tree = os.path.join(d, "tree")
    script(os.path.join(tree, "bench", "poisson-peers", "run.sh"), open(os.path.join(ROOT, "bench", "poisson-peers", "run.sh")).read())
    os.makedirs(os.path.join(tree, "scripts"))
    for f in ("case-args.sh", "env.sh"):
        shutil.copy(os.path.join(ROOT, "scripts", f), os.path.join(tree, "scripts", f))
    script(os.path.join(tree, "scripts", "install-deps.sh"), "exit 0\n")
    script(os.path.join(tree, "build", "bin", "snaps-poisson"), "#!/bin/sh\nexit 0\n")
    log = os.path.join(d, "peers.log")
    script(os.path.join(tree, "bench", "poisson-peers", "peers.py"),
           "import sys\nopen(%r, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n" % log)
    committed = os.path.join(tree, "bench", "results", "poisson-peers")
    for args in (["--quick"], ["--np", "1"], ["--problems", "kan"], ["--repeat", "5"]):
        if os.path.exists(log):
            os.remove(log)
        rc, so, se = run(["bash", os.path.join(tree, "bench", "poisson-peers", "run.sh")] + args)
        runs = [line for line in open(log)] if os.path.exists(log) else []
        ran = [line for line in runs if "--check_args" not in line]
        if rc != 2 or "output directory" not in se or ran:
            failures.append("bench/poisson-peers/run.sh %s without an output directory: exit %s (expected 2, a refusal), "
                            "peers.py run as %s; %r" % (" ".join(args), rc, ran, se[-300:]))
    rc, so, se = run(["bash", os.path.join(tree, "bench", "poisson-peers", "run.sh"), "--retable"])
    if rc != 0 or not any(line.startswith(committed + " --retable") for line in open(log)):
        failures.append("bench/poisson-peers/run.sh --retable (the committed directory): exit %s, %r" % (rc, se[-300:]))
    elsewhere = os.path.join(d, "retable-elsewhere")  # run.sh --retable reads a directory, it makes none
    rc, so, se = run(["bash", os.path.join(tree, "bench", "poisson-peers", "run.sh"), elsewhere, "--retable"])
    if os.path.exists(elsewhere):
        failures.append("bench/poisson-peers/run.sh %s --retable made that directory (exit %s)" % (elsewhere, rc))

    # peers.py itself, quick, with an mpirun stand-in writing the reports: results.json records the run
    stub = os.path.join(d, "stub")
    script(os.path.join(stub, "mpirun"), """#!%s
import json, sys
a = sys.argv[1:]
if "-results" in a:
    json.dump({"wall_time_s": 0.01, "solve_time_s": 0.01, "dofs": 10, "l2_error_squared": 1e-9,
               "snaps_version": "stand-in"}, open(a[a.index("-results") + 1], "w"))
else:
    json.dump([{"solve_time_s": 0.02, "dofs": 10, "l2_error_squared": 1e-9}], open(a[a.index("--out") + 1], "w"))
""" % PY)
    out = os.path.join(d, "quick")
    # peers.py from a tree whose build/bin holds a stand-in snaps-poisson (it refuses to start without one)
    ptree = script_runner.linked_tree(os.path.join(d, "ptree"), ["bench/poisson-peers/peers.py"], ["snaps-poisson"])
    rc, so, se = run([PY, os.path.join(ptree, "bench", "poisson-peers", "peers.py"), out, "--quick", "--np", "1",
                      "--problems", "kan", "--repeat", "1"], stub=stub)
    try:
        r = json.load(open(os.path.join(out, "results.json")))
        table = open(os.path.join(out, "table.md")).read()
    except (OSError, ValueError) as e:
        failures.append("peers.py --quick with stand-ins: %s, exit %s, %r" % (e, rc, se[-300:]))
        return
    run_rec = r.get("run", {})
    if (run_rec.get("quick") is not True or run_rec.get("arguments") != ["--quick", "--np", "1", "--problems", "kan", "--repeat", "1"]
            or not run_rec.get("date") or not run_rec.get("git_revision") or "not a measurement" not in table):
        failures.append("peers.py --quick: results.json's run record %r (expected quick, the arguments, the date and the "
                        "git revision); table.md %r" % (run_rec, table[:300]))
    # --retable: the table again from results.json; no runs/ made, results.json left as it is and said so
    shutil.rmtree(os.path.join(out, "runs"))
    res = os.path.join(out, "results.json")
    before = (open(res, "rb").read(), os.stat(res).st_mtime_ns)
    rc, so, se = run([PY, os.path.join(ROOT, "bench", "poisson-peers", "peers.py"), out, "--retable"], stub=stub)
    if (rc != 0 or os.path.exists(os.path.join(out, "runs")) or (open(res, "rb").read(), os.stat(res).st_mtime_ns) != before
            or "results.json (unchanged)" not in so or "wrote %s/results.json" % out in so):
        failures.append("peers.py OUT --retable: exit %s, runs/ made: %s, results.json rewritten: %s; stdout %r (expected "
                        "'table.md, peers.png from its results.json (unchanged)'), stderr %r"
                        % (rc, os.path.exists(os.path.join(out, "runs")), (open(res, "rb").read(), os.stat(res).st_mtime_ns) != before,
                           so[-300:], se[-300:]))
    rc, so, se = run([PY, os.path.join(ROOT, "bench", "poisson-peers", "peers.py"), os.path.join(d, "none"), "--retable"])
    if rc == 0 or "no such file" not in se or os.path.exists(os.path.join(d, "none")):
        failures.append("peers.py --retable on a directory without results.json: exit %s, %r" % (rc, se[-300:]))
    # a results.json that is not JSON, or lacks what the table is made from: one line naming it, nothing written
    for label, text in (("truncated JSON", '{"machine": {}, "runs": ['), ("JSON without runs", '{"machine": {}}'),
                        ("runs not an object", '{"machine": {}, "runs": [], "repeat": 1}'),
                        # objects without the contents the table needs (review s22c-3: rewritten, then a traceback)
                        ("an empty machine", '{"machine": {}, "runs": {}, "repeat": 3}'),
                        ("a run that is not an object", '{"machine": %s, "runs": {"x": 5}, "repeat": 3}' % MACHINE),
                        ("a run point without time_s", '{"machine": %s, "runs": {"kan_np1": {"%s": [{"dofs": 1, '
                         '"l2_error_squared": 1e-9}]}}, "repeat": 3}' % (MACHINE, '": [], "'.join(METHODS)))):
        bad = os.path.join(d, "bad_results")
        shutil.rmtree(bad, ignore_errors=True)
        os.makedirs(bad)
        with open(os.path.join(bad, "results.json"), "w") as f:
            f.write(text)
        rc, so, se = run([PY, os.path.join(ROOT, "bench", "poisson-peers", "peers.py"), bad, "--retable"])
        if (rc in (0, "timeout") or "Traceback" in se or len(se.strip().splitlines()) != 1
                or os.path.join(bad, "results.json") not in se or sorted(os.listdir(bad)) != ["results.json"]
                or open(os.path.join(bad, "results.json")).read() != text):
            failures.append("peers.py --retable on a results.json with %s: exit %s, files %s, stderr %r (expected one "
                            "line naming the file, nothing written)" % (label, rc, sorted(os.listdir(bad)), se[-300:]))


# a machine record with what the table reads, and the methods every case of results.json has (bench/poisson-peers/peers.py)
MACHINE = '{"cpu_model": "stand-in", "cores": 2, "loadavg": [0.1, 0.1, 0.1], "loadavg_end": [0.1, 0.1, 0.1]}'
METHODS = ["khronos", "fem_q2", "fem_q3", "fenicsx_q2", "fenicsx_q3", "fenicsx_p2", "fenicsx_p3"]


def ks_esn(d):
    # solver data of this mode reused (data.stamp matches), an esn.npz of the other mode beside them
    out = os.path.join(d, "out")
    os.makedirs(out)
    stub = os.path.join(d, "stub")
    script(os.path.join(stub, "mpirun"), "#!/bin/sh\nexit 0\n")  # every solver and fit run: nothing to do
    data_stamp = "L=22 N=64 mode=quick train=8 x 2100 every 0.05 seed 1; truth=8 x 2625 seeds 3 4"
    with open(os.path.join(out, "data.stamp"), "w") as f:
        f.write(data_stamp + "\n")
    for n in ("long_truth3.h5", "long_truth4.h5", "train.h5"):
        open(os.path.join(out, n), "w").close()
    import h5py
    with h5py.File(os.path.join(out, "short_truth.h5"), "w") as h:
        h.attrs["members"] = 64
    env = {"REUSE_DATA": "1"}
    runsh = os.path.join(ROOT, "cases", "ks-surrogate", "run.sh")
    with open(os.path.join(out, "esn.npz"), "w") as f:
        f.write("trained by a full run")
    with open(os.path.join(out, "esn.stamp"), "w") as f:
        f.write("time=50000 every=5 options=; data: L=22 N=64 mode=full train=8 x 6350 every 0.05 seed 1; truth=8 x 5250 seeds 3 4\n")
    rc, so, se = run(["bash", runsh, out, "quick"], env=env, stub=stub)  # esn.py then fails on the stand-in train.h5 (or esn.npz)
    if os.path.exists(os.path.join(out, "esn.npz")) and open(os.path.join(out, "esn.npz")).read() == "trained by a full run":
        failures.append("ks-surrogate run.sh OUT quick, REUSE_DATA=1: the full run's esn.npz was kept (exit %s); %r"
                        % (rc, (so + se)[-300:]))
    if "not reusing the echo state network" not in so:
        failures.append("ks-surrogate run.sh OUT quick, REUSE_DATA=1 with another mode's esn.npz: no word of it: %r" % so[-300:])
    # a stamp that matches: the ESN is reused
    esn_stamp = open(os.path.join(out, "esn.stamp")).read() if os.path.exists(os.path.join(out, "esn.stamp")) else None
    if esn_stamp is not None:
        failures.append("ks-surrogate run.sh: esn.stamp left after a failed ESN training: %r" % esn_stamp)
    with open(os.path.join(out, "esn.npz"), "w") as f:
        f.write("trained by a quick run")
    with open(os.path.join(out, "esn.stamp"), "w") as f:
        f.write("time=10000 every=5 options=; data: " + data_stamp + "\n")
    rc, so, se = run(["bash", runsh, out, "quick"], env=env, stub=stub)
    if "reusing the echo state network" not in so or open(os.path.join(out, "esn.npz")).read() != "trained by a quick run":
        failures.append("ks-surrogate run.sh OUT quick, REUSE_DATA=1 with a matching esn.stamp: the ESN not reused: %r" % so[-300:])


def ks_plots(d):
    import numpy as np
    import h5py
    import matplotlib
    matplotlib.use("Agg")
    sys.path.insert(0, os.path.join(ROOT, "cases", "ks-surrogate"))
    import evaluate as kse  # noqa: E402

    out = os.path.join(d, "kss")
    os.makedirs(out)
    rng = np.random.default_rng(1)
    t = np.arange(0, 40, 0.25)
    for name, scale in (("long_truth3.h5", 1.0), ("long_truth4.h5", 1.0), ("long_esn.h5", 30.0), ("short_esn.h5", 5.0)):
        with h5py.File(os.path.join(out, name), "w") as h:
            h["time"] = t + (100 if "truth" in name else 0)
            h["u"] = scale * rng.standard_normal((t.size, 2, 16))  # most of the ESN's |u| >= 5: outside the PDF panel
            h.attrs.update({"L": 22.0, "field": "u", "complete": 1})
    figs = {}
    saved = kse.atomic.save_figure
    kse.atomic.save_figure = lambda fig, path, **kw: figs.__setitem__(os.path.basename(path), fig)
    try:
        u = rng.standard_normal((t.size, 2, 16))
        st = kse.long_stats(u, 0.25)
        curves = {"truth A": st}
        tS = t + 100
        kse.plots(out, curves, tS, u, {"truth": np.zeros(t.size)}, {"truth": np.zeros(t.size)}, None, 0.25)
    except (Exception, SystemExit) as e:  # noqa: BLE001  (a failure of the plot is this check's failure)
        failures.append("ks-surrogate plots on a small run: %s: %s" % (type(e).__name__, e))
        return
    finally:
        kse.atomic.save_figure = saved
    st_fig, sp_fig = figs.get("stats.png"), figs.get("spacetime.png")
    if sp_fig is None or st_fig is None:
        failures.append("ks-surrogate plots: drew %s" % sorted(figs))
        return
    bars = [a for a in sp_fig.axes if a.get_label() == "<colorbar>"]
    if not bars or "u" not in bars[0].get_ylabel() + bars[0].get_xlabel() or "3" not in bars[0].get_ylabel() + bars[0].get_xlabel():
        failures.append("spacetime.png: no colour bar labelled u with its saturation (axes %s)"
                        % [(a.get_label(), a.get_ylabel()) for a in sp_fig.axes])
    pdf = st_fig.axes[1]
    floor = [ln.get_label() for ln in pdf.get_lines() if np.nanmin(np.asarray(ln.get_ydata(), float)) <= 1e-6]
    esn = [ln.get_label() for ln in pdf.get_lines() if "echo state" in ln.get_label()]
    if floor:
        failures.append("stats.png's PDF panel draws empty bins as data (a 1e-6 floor): %s" % floor)
    if not esn or "|u| >= 5" not in esn[0] or "%" not in esn[0]:
        failures.append("stats.png's PDF panel: the samples dropped are not stated (|u| >= 5, the panel's range): %s"
                        % [ln.get_label() for ln in pdf.get_lines()])
    if "time units" not in st_fig.axes[2].get_xlabel():
        failures.append("stats.png: the lag axis has no unit: %r" % st_fig.axes[2].get_xlabel())


def airfoil_baselines(d):
    import contextlib
    import io
    import types
    import warnings
    warnings.simplefilter("ignore")  # sklearn's ConvergenceWarning of the one-restart fit below: expected
    try:
        import sklearn.gaussian_process  # noqa: F401
    except ImportError:
        print("airfoil_baselines: scikit-learn is not installed: skipped (scripts/install-deps.sh --airfoil)")
        sys.exit(77)
    import numpy as np
    here = os.path.join(ROOT, "bench", "airfoil-mf")
    sys.path.insert(0, here)
    if "torch" not in sys.modules:  # the co-kriging part needs no PyTorch (about 5 s to load on this machine)
        sys.modules["torch"] = types.ModuleType("torch")
    import baselines
    import cokriging_scaling
    import harness

    def refused(main, args, text):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                main(args)
                code = 0
            except SystemExit as e:
                code = e.code
        if code != 2 or text not in err.getvalue():
            failures.append("%s %s: exit %s, not 2 with %r: %s" % (main.__module__, " ".join(args), code, text, err.getvalue()[-300:]))

    refused(baselines.main, ["--quick"], "--quick is a smoke test, not a measurement: give --out")
    refused(cokriging_scaling.main, ["--sizes", "250"], "--sizes: a study unlike the committed one: give --out")
    refused(cokriging_scaling.main, ["--sizes", "0", "--out", os.path.join(d, "never.json")], "every size must be at least 4")
    split = os.path.join(d, "split")
    with contextlib.redirect_stdout(io.StringIO()):
        harness.main(["split", "--out", split])
    full = baselines.load_train(split, 1.0)
    Xt, Yt, YLt, ct = harness.load_test(os.path.join(split, "test.h5"))
    ck = baselines.CoKriging()
    _, DL, _ = baselines.design_rows(*full["lf"])
    ck.lo, ck.hi = DL.min(0), DL.max(0)  # the LF GP itself (about 50 CPU s) is not fitted: the correction needs none
    ids, Dt, CHt = baselines.design_rows(Xt, Yt, ct)
    _, _, CLt = baselines.design_rows(Xt, YLt, ct)
    for fraction in (0.3,):  # 100% (the same local optimum with one restart) takes 4 CPU s more with ten
        train = baselines.load_train(split, fraction)
        with contextlib.redirect_stderr(io.StringIO()):
            ck.fit_hf(train, fraction)
            rec = baselines.gp_record(ck.gd, "correction")
        truth = CHt - ck.rho * CLt  # what the correction should predict at the test airfoils
        mean = ck.gd._y_train_mean
        pred = ck.gd.predict(ck.scale(Dt))
        moved = np.linalg.norm(pred - mean) / np.linalg.norm(truth - mean)
        if moved < 0.2:
            failures.append("co-kriging at %g%% HF: the correction GP predicts its training mean at the test airfoils "
                            "(|pred - mean| / |truth - mean| = %.3g; kernel %s)" % (100 * fraction, moved, ck.gd.kernel_))
        if np.linalg.norm(pred - truth) >= np.linalg.norm(mean - truth):
            failures.append("co-kriging at %g%% HF: the correction is no better than its training mean at the test "
                            "airfoils (kernel %s)" % (100 * fraction, ck.gd.kernel_))
        if any("length_scale" in n and side == "lower" for n, side in rec["at_bound"]):
            failures.append("co-kriging at %g%% HF: length scales at the lower bound: %s" % (100 * fraction, rec))
    # cokriging_ylf reads XFOIL's Cp, not the LF GP: run alone it fits none, and its cost and size are its correction's
    # (they were the LF GP's 70 CPU s and 7 hyperparameters too)
    refused(baselines.main, ["--methods", "lf,cokriging_ylf"], "runs part of the baselines: give --out")
    refused(baselines.main, ["--methods", "lf,kriging", "--out", os.path.join(d, "never.json")], "unknown kriging")
    fractions, harness.FRACTIONS = harness.FRACTIONS, (0.0, 0.3)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            results, _, _ = baselines.run(split, None, None, None, ("cokriging_ylf",))
    finally:
        harness.FRACTIONS = fractions
    got = {r["hf_fraction"]: r for r in results if r["method"] == "cokriging_ylf"}
    if sorted(r["method"] for r in results) != ["cokriging_ylf"] * 2 or got[0.0]["params"] != 0 or got[0.3]["params"] != 8 \
            or got[0.3]["stored_numbers"] != 24 * 5 + 24 * 101 or got[0.3]["train_cpu_s"] > 10:
        failures.append("--methods cokriging_ylf: %s" % [(r["method"], r["hf_fraction"], r["params"], r.get("stored_numbers"),
                                                          r["train_cpu_s"]) for r in results])
    # the record of the former one-restart fit at 30% HF (alpha's length scale at 0.01) must say so, with a warning
    train = baselines.load_train(split, 0.3)
    _, DH, CH = baselines.design_rows(*train["hf"])
    _, _, CHL = baselines.design_rows(train["hf"][0], baselines.lf_at(train, *train["hf"][::2]), train["hf"][2])
    rho = float(np.sum(CHL * CH) / np.sum(CHL * CHL))
    g = baselines.gp(5, 1).fit(ck.scale(DH), CH - rho * CHL)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rec = baselines.gp_record(g, "one-restart correction")
    if ["k1__k2__length_scale", "lower"] not in rec["at_bound"] or "WARNING" not in err.getvalue():
        failures.append("the one-restart fit at 30%% HF (a length scale at 0.01): record %s, stderr %r" % (rec, err.getvalue()))


def airfoil_score(d):
    import subprocess
    import h5py
    import numpy as np
    sh = subprocess.run
    harness = os.path.join(ROOT, "bench", "airfoil-mf", "harness.py")
    split = os.path.join(d, "split")
    sh([PY, harness, "split", "--out", split], capture_output=True, check=True)
    test = os.path.join(split, "test.h5")
    with h5py.File(test, "r") as f:
        ylf = f["YLF"][...]
    for name, data in (("nan", np.where(np.arange(len(ylf))[:, None] == 5, np.nan, ylf)), ("noY", None), ("ok", ylf)):
        with h5py.File(os.path.join(d, name + ".h5"), "w") as f:
            f["Y" if data is not None else "X"] = data if data is not None else np.zeros(3)
    for name, want in (("nan", "non-finite row(s), the first row 5"), ("noY", "cannot read /Y"), ("missing", "cannot read /Y")):
        r = sh([PY, harness, "score", "--test", test, "--pred", os.path.join(d, name + ".h5")], capture_output=True, text=True)
        if r.returncode != 1 or want not in r.stderr or "Traceback" in r.stderr or r.stdout.strip():
            failures.append("harness.py score --pred %s.h5: exit %d, not 1 with %r: %s%s" % (name, r.returncode, want, r.stdout, r.stderr[-300:]))
    r = sh([PY, harness, "score", "--test", test, "--pred", os.path.join(d, "ok.h5"), "--method", "lf"],
            capture_output=True, text=True)
    if r.returncode != 0 or abs(json.loads(r.stdout)["cp_rel_l2"] - 0.0848) > 5e-4:
        failures.append("harness.py score of XFOIL's Cp: exit %d: %s%s" % (r.returncode, r.stdout, r.stderr[-300:]))
    # plot.py: cp_curves.png at a fraction no method has, or of --methods none of which is there, showed LF and HF
    # alone under a title naming the fraction (exit 0); --fraction and --methods without cp_curves changed nothing
    # (in this process: matplotlib loaded once)
    sys.path.insert(0, os.path.join(ROOT, "bench", "airfoil-mf"))
    import plot  # noqa: E402  (bench/airfoil-mf/plot.py)
    never = os.path.join(d, "never_plots")
    for args, want in ((["--plots", "cp_curves", "--fraction", "0.5"], "no method has predictions at 50% HF"),
                       (["--plots", "cp_curves", "--methods", "mlp_mff"],
                        "no method of --methods mlp_mff has predictions at 10% HF"),
                       (["--plots", "table", "--methods", "lf"], "--methods: only for cp_curves.png")):
        try:
            plot.main(["--test", test, "--out", never] + args)
            msg = "exit 0"
        except SystemExit as e:
            msg = str(e.code)
        if want not in msg or os.path.exists(never):
            failures.append("plot.py %s: %r, not an exit with %r and no %s" % (" ".join(args), msg, want, never))
        shutil.rmtree(never, ignore_errors=True)


def airfoil_usage(d):
    # baselines.py checks its arguments before it imports PyTorch and scikit-learn (a bad call gave ModuleNotFoundError
    # where neither is installed), and without them it names their Debian packages. Stand-ins on PYTHONPATH whose import
    # fails make the run the same whether they are installed or not.
    def stand_ins(missing):
        stub = os.path.join(d, "no_" + "_".join(missing))
        for name in missing:
            os.makedirs(os.path.join(stub, name))
            with open(os.path.join(stub, name, "__init__.py"), "w") as f:
                f.write("raise ModuleNotFoundError(\"No module named '%s'\")\n" % name)
        return {"PYTHONPATH": stub + os.pathsep + os.environ.get("PYTHONPATH", "")}

    baselines = os.path.join(ROOT, "bench", "airfoil-mf", "baselines.py")
    never = os.path.join(d, "never.json")
    for args, missing, code, text in (
            (["--quick"], ("torch", "sklearn"), 2, "--quick is a smoke test, not a measurement: give --out"),
            (["--methods", "lf,kriging", "--out", never], ("torch", "sklearn"), 2, "unknown kriging"),
            (["--quick", "--out", never], ("torch", "sklearn"), 1,
             "torch is not installed (No module named 'torch'): it is Debian's python3-torch (for /usr/bin/python3), "
             "which scripts/install-deps.sh --airfoil installs"),
            (["--quick", "--out", never], ("sklearn",), 1,
             "sklearn is not installed (No module named 'sklearn'): it is Debian's python3-sklearn")):
        empty = os.path.join(d, "torch_stand_in")  # an importable torch when only scikit-learn is missing
        os.makedirs(os.path.join(empty, "torch"), exist_ok=True)
        open(os.path.join(empty, "torch", "__init__.py"), "w").close()
        env = stand_ins(missing) if "torch" in missing else {"PYTHONPATH": stand_ins(missing)["PYTHONPATH"] + os.pathsep + empty}
        rc, so, se = run([PY, "-B", baselines] + args, env=env)
        if rc != code or text not in se or "Traceback" in se or os.path.exists(never):
            failures.append("baselines.py %s without %s: exit %s, not %d with %r (no traceback, no %s): %r"
                            % (" ".join(args), " and ".join(missing), rc, code, text, never, (so + se)[-400:]))
        shutil.rmtree(os.path.join(d, "no_" + "_".join(missing)))


def main():
    d = os.path.abspath(sys.argv[1])
    part = sys.argv[2] if len(sys.argv) > 2 else ""
    parts = {"fit": fit, "peers": peers, "ks_esn": ks_esn, "ks_plots": ks_plots,
             "airfoil_baselines": airfoil_baselines, "airfoil_score": airfoil_score, "airfoil_usage": airfoil_usage}
    if part not in parts:
        sys.exit("check_bench_scripts.py: PART is one of %s, not %r" % (", ".join(parts), part))
    d = script_runner.scratch(os.path.join(d, part))
    parts[part](d)
    if failures:
        sys.exit("bench scripts (%s):\n  " % part + "\n  ".join(failures))
    print("bench scripts (%s): failures reported, quick runs kept apart, reused files checked, plots labelled" % part)


if __name__ == "__main__":
    main()
