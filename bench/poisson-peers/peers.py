#!/usr/bin/python3
"""Poisson peers: KHRONOS, snaps-poisson FEM and FEniCSx on the same manufactured solutions, in one run.

For every problem, rank count and mesh size it runs, interleaved, snaps-poisson -method khronos, snaps-poisson
-method fem (Q2, Q3 on the tensor grid) and bench/fenicsx/poisson.py (Q2, Q3 on quadrilaterals, P2, P3 on
triangles; CG + BoomerAMG), each --repeat times as separate processes (FEniCSx: one untimed warm-up solve and
--repeat timed ones per process), and keeps the median time. Times compared:
  KHRONOS  wall_time_s (set-up and solve: source compression, lifting, ALS; there is no mesh)
  FEM      solve_time_s (assembly of matrix and load, AMG set-up, CG; not the DMDA/mesh set-up)
  FEniCSx  solve time (Dirichlet data, matrix creation, assembly, AMG set-up, CG; not the mesh, space, forms, JIT)
Errors: squared L2 error, snaps-poisson's shared quadrature (256 cells x 5 Gauss points per direction) for
KHRONOS and FEM, a degree 2k + 12 Gauss rule per cell for FEniCSx.
Writes results.json (with the machine and the load average, and under "run" what was run: quick or not, the rank
counts, problems, repetitions, the arguments, the date (UTC), the git revision and the SNAPS version of the reports),
table.md (time to 1e-8 and 1e-10, interpolated log-log on each error-vs-time curve; a quick run is said to be no
measurement) and peers.png (error vs time).
Usage: peers.py <out dir> [--np 1,2] [--repeat 3] [--quick] [--problems kan,expcos,rational] [--retable]
--retable rewrites table.md and peers.png from <out dir>/results.json and takes none of the other options (they would
change nothing); it runs nothing and makes no runs/ directory, and rewrites results.json only where the summary
recomputed from its runs differs (it says which).
"""
import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402
import checks  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, "build", "bin", "snaps-poisson")
FENICSX = os.path.join(ROOT, "bench", "fenicsx", "poisson.py")
# expression, title, KHRONOS options: the separable solution by the rank-1 ALS solve (its source is found
# separable by the cross probe); the non-separable ones (non-zero boundary values) by the default 2-D tensor
# solve, whose rank follows the energy tolerance (no cap).
PROBLEMS = {"kan": ("sin(pi*x)*sin(pi*y^2)", "sin(pi x) sin(pi y^2)", ["-khronos_solve", "als", "-sna_khronos_modes", "1"]),
            "expcos": ("exp(x*y)*cos(x+2*y)", "exp(x y) cos(x + 2y)", []),
            "rational": ("1/(1+x^2+y^2)", "1/(1 + x^2 + y^2)", [])}
KHRONOS_NOTE = "KHRONOS: degree 4 splines; sin(pi x) sin(pi y^2) rank 1 (ALS), the others the 2-D tensor solve with the rank its energy tolerance picks"
ERR = ["-error_cells", "256", "-error_order", "5"]
TOLS = (1e-8, 1e-10)


LIBSNAPS = os.path.join(ROOT, "build", "lib", "libsnaps.so")


def _symbol_file(lib, symbol):
    """The file (links resolved) that gives the shared library lib (a ctypes.CDLL) its symbol, or None."""
    import ctypes

    class DlInfo(ctypes.Structure):
        _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p), ("dli_sname", ctypes.c_char_p),
                    ("dli_saddr", ctypes.c_void_p)]

    try:
        dladdr = ctypes.CDLL(None).dladdr
        address = ctypes.cast(getattr(lib, symbol), ctypes.c_void_p)
    except AttributeError:
        return None
    dladdr.argtypes, dladdr.restype = [ctypes.c_void_p, ctypes.POINTER(DlInfo)], ctypes.c_int
    info = DlInfo()
    if dladdr(address, ctypes.byref(info)) and info.dli_fname:
        return os.path.realpath(os.fsdecode(info.dli_fname))
    return None


def numpy_blas():
    """The BLAS numpy's own arithmetic calls (cblas_dgemm of numpy's core extension), for results computed in Python
    (the baselines): "unknown" where numpy is not loaded or the symbol is not found."""
    import ctypes

    core = getattr(sys.modules.get("numpy"), "core", None)
    try:
        ext = ctypes.CDLL(core._multiarray_umath.__file__)
    except (AttributeError, OSError):
        return "unknown"
    return _symbol_file(ext, "cblas_dgemm") or "unknown"


def snaps_libraries(lib=LIBSNAPS):
    """{"blas", "lapack"}: the files that give libsnaps (lib) dgemv_ and dpotrf_ as the dynamic linker resolves them on
    this machine, links resolved (Debian's libblas.so.3 is an alternatives link: reference BLAS, OpenBLAS...): what a
    SNAPS program's -results records as machine.blas and machine.lapack (SNAPSReportCreate(), plugins/io/report.c),
    found here without running one. "unknown" where lib or the symbol is not found (no build, a sanitized build)."""
    import ctypes

    found = {"blas": "unknown", "lapack": "unknown"}
    try:
        snaps = ctypes.CDLL(lib)  # loaded, never initialised: only its symbols are looked up
    except OSError:
        return found
    for key, symbol in (("blas", "dgemv_"), ("lapack", "dpotrf_")):
        found[key] = _symbol_file(snaps, symbol) or "unknown"
    return found


def machine(lib=LIBSNAPS):
    """The machine record of a results file: host, CPU, cores, load average, the BLAS and LAPACK the SNAPS
    programs run here (snaps_libraries(lib)), as every SNAPS program's -results names them, and numpy_blas, the BLAS
    of the results this Python process computes itself (numpy_blas())."""
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return dict({"host": platform.node(), "cpu_model": cpu, "cores": os.cpu_count()}, **snaps_libraries(lib), numpy_blas=numpy_blas(),
                loadavg=os.getloadavg())


def mpirun(np):
    return ["mpirun", "--oversubscribe", "-n", str(np)]


def snaps(out, tag, np, args, repeat, timekey):
    path = os.path.join(out, "runs", tag + ".json")
    times = []
    for _ in range(repeat):
        p = subprocess.run(mpirun(np) + [BIN] + args + ["-results", path], capture_output=True, text=True)
        if p.returncode:
            sys.exit("failed: %s\n%s%s" % (" ".join(args), p.stdout, p.stderr))
        r = json.load(open(path))
        times.append(r[timekey])
    r["time_s"], r["times_s"] = statistics.median(times), times
    return r


def fenicsx(out, tag, np, expr, cell, k, n, repeat):
    path = os.path.join(out, "runs", tag + ".json")
    cmd = mpirun(np) + ["/usr/bin/python3", FENICSX, "--exact", expr, "--cell", cell, "--degree", str(k), "--n", str(n),
                        "--repeat", str(repeat), "--out", path]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        sys.exit("failed: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
    r = json.load(open(path))[0]
    r["time_s"] = r["solve_time_s"]
    return r


def retable_problem(old, methods):
    """What of results.json old --retable cannot make table.md and peers.png from (checked before results.json is
    rewritten: a KeyError after it left a rewritten file and a traceback), or None: the machine's cpu_model, cores and
    load averages; each case named PROBLEM_npN with a list per method of points with numeric time_s and
    l2_error_squared; the run record's date, git_revision and arguments where there is one."""
    def number(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    m = old["machine"]
    for k, ok in (("cpu_model", lambda v: isinstance(v, str)), ("cores", lambda v: number(v)),
                  ("loadavg", lambda v: isinstance(v, list) and v and number(v[0])),
                  ("loadavg_end", lambda v: isinstance(v, list) and v and number(v[0]))):
        if not ok(m.get(k)):
            return "machine %s missing or of the wrong kind" % k
    if not old["runs"]:
        return "no runs"
    for case, runs in old["runs"].items():
        key, _, np = case.rpartition("_np")
        if key not in PROBLEMS or not np.isdigit():
            return "run %r: not PROBLEM_npN with a problem of %s" % (case, ",".join(PROBLEMS))
        if not isinstance(runs, dict) or sorted(runs) != sorted(methods):
            return "run %s: not an object of the methods %s" % (case, ",".join(methods))
        for mth, pts in runs.items():
            if not isinstance(pts, list) or not all(isinstance(r, dict) and number(r.get("time_s")) and
                                                    number(r.get("l2_error_squared")) for r in pts):
                return "run %s %s: not a list of points with time_s and l2_error_squared" % (case, mth)
    record = old.get("run")
    if record and not (isinstance(record.get("date"), str) and isinstance(record.get("git_revision"), str) and
                       isinstance(record.get("arguments"), list)):
        return "run record without date, git_revision or arguments"
    return None


def time_to(runs, tol):
    """Time at which the error-vs-time curve (log-log, sorted by time) first reaches tol; None if never."""
    pts = sorted((r["time_s"], r["l2_error_squared"]) for r in runs if r["l2_error_squared"] > 0)
    best = None
    for (t0, e0), (t1, e1) in zip(pts, pts[1:]):
        if e0 <= tol:
            return t0
        if e1 <= tol < e0:
            s = (math.log(tol) - math.log(e0)) / (math.log(e1) - math.log(e0))
            return math.exp(math.log(t0) + s * (math.log(t1) - math.log(t0)))
    if pts and pts[-1][1] <= tol:
        best = pts[-1][0]
    return best


def positive_int(text):
    """An argparse type: an integer >= 1, else a usage error naming the value (--repeat 0 failed in statistics)."""
    try:
        v = int(text)
    except ValueError:
        v = 0
    if v < 1:
        raise argparse.ArgumentTypeError("must be a positive integer, not %r" % text)
    return v


def positive_ints(text):
    """An argparse type: comma-separated positive integers (--np 1,2)."""
    return [positive_int(x) for x in text.split(",")]


def problem_list(text):
    """An argparse type: comma-separated problem names, each one of PROBLEMS."""
    bad = [k for k in text.split(",") if k not in PROBLEMS]
    if bad:
        raise argparse.ArgumentTypeError("unknown problem(s) %s: choose from %s" % (",".join(bad), ",".join(PROBLEMS)))
    return text.split(",")


def git_revision():
    """The checkout's commit (git describe --always --dirty: '-dirty' where files differ from it), or 'unknown'."""
    try:
        p = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty", "--abbrev=12"], capture_output=True, text=True)
    except OSError:
        return "unknown"
    return p.stdout.strip() if p.returncode == 0 and p.stdout.strip() else "unknown"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    # the run options' defaults are applied after the parse: None tells --retable that one was given
    ap.add_argument("--np", type=positive_ints, help="comma-separated rank counts (default 1,2)")
    ap.add_argument("--repeat", type=positive_int, help="runs per size, the median is kept (default 3)")
    ap.add_argument("--quick", action="store_true", help="fewer sizes (a check of the script, not a measurement)")
    ap.add_argument("--problems", type=problem_list, help="comma-separated subset of " + ",".join(PROBLEMS) + " (default all)")
    ap.add_argument("--retable", action="store_true", help="rewrite table.md and peers.png from the results.json in <out dir>, "
                    "running nothing (no other option)")
    ap.add_argument("--check_args", action="store_true", help="only check the arguments and exit (run.sh's first step, before "
                    "it installs or builds anything)")
    argv = sys.argv[1:] if argv is None else argv
    a = ap.parse_args(argv)
    if a.retable:
        given = [o for o, v in (("--np", a.np), ("--repeat", a.repeat), ("--problems", a.problems)) if v is not None]
        given += ["--quick"] if a.quick else []
        if given:
            ap.error("--retable rewrites table.md and peers.png from %s, running nothing: %s would change nothing; "
                     "drop %s, or run without --retable" % (os.path.join(a.out, "results.json"), " ".join(given),
                                                            "it" if len(given) == 1 else "them"))
    a.np = a.np if a.np is not None else [1, 2]
    a.repeat = a.repeat if a.repeat is not None else 3
    a.problems = a.problems if a.problems is not None else list(PROBLEMS)
    if a.check_args:
        return
    # before any run or output (--retable runs nothing): without it the first run ended in a traceback
    lack = None if a.retable else checks.missing_programs(os.path.dirname(BIN), (os.path.basename(BIN),), "build SNAPS first (bash scripts/build.sh)")
    if lack:
        ap.error(lack)
    if not a.retable:  # the runs' reports; --retable runs nothing
        os.makedirs(os.path.join(a.out, "runs"), exist_ok=True)
    m0 = machine()
    sizes = {2: [8, 16, 32, 64, 128], 3: [4, 8, 16, 32, 64]}
    nodes = [8, 10, 12, 14, 18, 26, 34, 50]
    if a.quick:
        sizes, nodes = {2: [8, 16], 3: [4, 8]}, [10, 12]
    methods = ["khronos", "fem_q2", "fem_q3", "fenicsx_q2", "fenicsx_q3", "fenicsx_p2", "fenicsx_p3"]
    if a.retable:  # the table and the plot again from results.json, no runs
        path = os.path.join(a.out, "results.json")
        if not os.path.isfile(path):
            sys.exit("peers: --retable: %s: no such file (the results of an earlier run in %s)" % (path, a.out))
        old = checks.load_json(path)  # unreadable or not JSON: one line naming it
        kinds = (("machine", dict), ("runs", dict), ("repeat", int))
        bad = [k for k, t in kinds if not isinstance(old.get(k), t)] + (
            ["run"] if not isinstance(old.get("run", {}), dict) else [])
        if bad:
            sys.exit("peers: --retable: %s: not the results of peers.py (%s missing or of the wrong kind: expected "
                     "machine and runs objects and a repeat count); nothing written" % (path, ", ".join(bad)))
        problem = retable_problem(old, methods)  # what the table and the plot read, checked before anything is written
        if problem:
            sys.exit("peers: --retable: %s: not the results of peers.py (%s); nothing written" % (path, problem))
        m0, res, a.repeat = old["machine"], old["runs"], old["repeat"]
        record = old.get("run")  # absent in results written before it was recorded
    else:
        record = {"quick": a.quick, "np": a.np, "problems": a.problems, "repeat": a.repeat,
                  "arguments": argv[:argv.index(a.out)] + argv[argv.index(a.out) + 1:],
                  "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "git_revision": git_revision()}
        res = {}
        for np in a.np:
            for key in a.problems:
                expr, _, kopts = PROBLEMS[key]
                runs = {mth: [] for mth in methods}
                print("== %s, %d rank(s)" % (expr, np), flush=True)
                for i in range(max(len(nodes), len(sizes[2]))):  # interleaved: one size of every method in turn
                    if i < len(nodes):
                        G = nodes[i]
                        runs["khronos"].append(snaps(a.out, "%s_np%d_khronos_G%d" % (key, np, G), np,
                                                     ["-method", "khronos", "-exact", expr, "-sna_khronos_degree", "4", "-sna_khronos_nodes", str(G)]
                                                     + kopts + ERR, a.repeat, "wall_time_s"))
                    for k in (2, 3):
                        if i >= len(sizes[k]):
                            continue
                        n = sizes[k][i]
                        runs["fem_q%d" % k].append(snaps(a.out, "%s_np%d_fem_q%d_%d" % (key, np, k, n), np,
                                                         ["-method", "fem", "-exact", expr, "-petscspace_degree", str(k), "-dm_plex_box_faces", str(n)] + ERR,
                                                         a.repeat, "solve_time_s"))
                        for cell, c in (("quadrilateral", "q"), ("triangle", "p")):
                            runs["fenicsx_%s%d" % (c, k)].append(fenicsx(a.out, "%s_np%d_fenicsx_%s%d_%d" % (key, np, c, k, n), np, expr, cell, k, n, a.repeat))
                    for mth in methods:
                        if runs[mth] and len(runs[mth]) == i + 1:
                            r = runs[mth][-1]
                            print("  %-11s dofs %7d  L2^2 %.3e  time %.4f s" % (mth, r["dofs"], r["l2_error_squared"], r["time_s"]), flush=True)
                res["%s_np%d" % (key, np)] = runs
        m0["loadavg_end"] = os.getloadavg()
        first = next((r for runs in res.values() for rs in runs.values() for r in rs if "snaps_version" in r), {})
        record["snaps_version"] = first.get("snaps_version", "unknown")
    summary = {}
    for case, runs in res.items():
        summary[case] = {mth: {str(t): time_to(rs, t) for t in TOLS} for mth, rs in runs.items()}
    results = {"machine": m0, "repeat": a.repeat, "summary": summary, "runs": res}
    if record is not None:
        results = {"run": record, **results}
    # --retable rewrites results.json only where its summary, recomputed from its runs, changed
    rewrite = not a.retable or json.loads(json.dumps(atomic.finite_json(results))) != old
    if rewrite:
        atomic.write_json(os.path.join(a.out, "results.json"), results)

    def fmt(t):  # ms; two decimals below 1 ms (KHRONOS's times)
        return "-" if t is None else ("%.2f" % (1e3 * t) if t < 1e-3 else "%.1f" % (1e3 * t))

    lines = ["# Poisson peers: time to squared L2 error 1e-8 (1e-10), ms\n"]
    if record and record.get("quick"):
        lines.append("**Quick run (--quick: fewer sizes): a check of the script, not a measurement.**\n")
    if record:
        lines.append("Run %s, revision %s, SNAPS %s, arguments: %s.\n" % (record["date"], record["git_revision"],
                                                                         record.get("snaps_version", "unknown"),
                                                                         " ".join(record["arguments"]) or "none"))
    lines += ["Machine: %s, %d cores, load average %.2f at the start, %.2f at the end (median of %d runs per point).\n" % (
              m0["cpu_model"], m0["cores"], m0["loadavg"][0], m0["loadavg_end"][0], a.repeat),
              "| problem | ranks | KHRONOS | FEM Q2 | FEM Q3 | FEniCSx Q2 | FEniCSx Q3 | FEniCSx P2 | FEniCSx P3 | best FEM / best FEniCSx | best FEM (any) / KHRONOS |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for case, s in summary.items():
        key, np = case.rsplit("_np", 1)
        cells = ["%s (%s)" % (fmt(s[mth]["1e-08"]), fmt(s[mth]["1e-10"])) for mth in methods]
        ratios = []
        for t in ("1e-08", "1e-10"):
            ours = [s[m][t] for m in ("fem_q2", "fem_q3") if s[m][t]]
            theirs = [s[m][t] for m in methods if m.startswith("fenicsx") and s[m][t]]
            ratios.append("%.2f" % (min(ours) / min(theirs)) if ours and theirs else "-")
        speedups = []  # the target: KHRONOS >= 5x faster than the best FEM of the run, ours or FEniCSx
        for t in ("1e-08", "1e-10"):
            fem = [s[m][t] for m in methods if m != "khronos" and s[m][t]]
            speedups.append("%.1fx" % (min(fem) / s["khronos"][t]) if fem and s["khronos"][t] else "-")
        lines.append("| %s | %s | %s | %s (%s) | %s (%s) |" % (PROBLEMS[key][1], np, " | ".join(cells), ratios[0], ratios[1], speedups[0], speedups[1]))
    lines += ["", "Times are interpolated log-log between the two runs of each curve that bracket the tolerance; '-': not "
              "reached in the sweep. %s. See bench/poisson-peers/README.md for what each time includes." % KHRONOS_NOTE,
              "", "![error vs time](peers.png)"]
    atomic.write_text(os.path.join(a.out, "table.md"), "\n".join(lines) + "\n")
    print("\n".join(lines))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cases = list(res)
    fig, ax = plt.subplots(1, len(cases), figsize=(5 * len(cases), 4.5), squeeze=False)
    style = {"khronos": "ko-", "fem_q2": "bs-", "fem_q3": "b^-", "fenicsx_q2": "rs--", "fenicsx_q3": "r^--", "fenicsx_p2": "gs:", "fenicsx_p3": "g^:"}
    for c, case in enumerate(cases):
        for mth, rs in res[case].items():
            pts = sorted((r["time_s"], r["l2_error_squared"]) for r in rs)
            ax[0][c].loglog([p[0] for p in pts], [p[1] for p in pts], style[mth], label=mth, ms=4)
        for t in TOLS:
            ax[0][c].axhline(t, color="gray", lw=0.6, ls=":")
        key, np = case.rsplit("_np", 1)
        ax[0][c].set_title("%s, %s rank(s)" % (PROBLEMS[key][1], np), fontsize=9)
        ax[0][c].set_xlabel("time to solution [s]")
        ax[0][c].set_ylabel("squared L2 error")
        ax[0][c].grid(True, which="both", alpha=0.3)
    ax[0][0].legend(fontsize=7)
    fig.tight_layout()
    atomic.save_figure(fig, os.path.join(a.out, "peers.png"), dpi=90)
    if not a.retable:
        print("peers: wrote %s/results.json, table.md, peers.png" % a.out)
    else:
        print("peers: wrote %s/table.md, peers.png from its results.json (%s)" % (
            a.out, "rewritten: its summary, recomputed from its runs, changed" if rewrite else "unchanged"))


if __name__ == "__main__":
    main()
