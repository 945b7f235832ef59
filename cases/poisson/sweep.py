#!/usr/bin/python3
"""Poisson benchmark: KHRONOS (separable Galerkin) against FEM Q1, Q2 and Q3, error vs DoFs and vs time.

Runs build/bin/snaps-poisson with mpirun for every method and size, and, when /usr/bin/python3 can import
dolfinx (scripts/install-deps.sh --bench), bench/fenicsx/poisson.py (FEniCSx Q2, Q3 and P3, CG + BoomerAMG);
collects the -results JSON files, checks the issue's targets in this one run against the best FEM of the run
(snaps-poisson's or FEniCSx's), and writes results.json, table.md and poisson.png.
Times compared: KHRONOS wall_time_s (everything but the error), snaps-poisson FEM solve_time_s (assembly, AMG,
CG; not the mesh), FEniCSx's solve time (the same; see bench/poisson-peers/README.md).
Usage: sweep.py <output dir> [--size small|full] [--np 2] [--repeat N] [--no-fenicsx]
"""
import argparse
import json
import math
import statistics
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402
import checks  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, "build", "bin", "snaps-poisson")
PROBLEMS = {
    "kan": ("sin(pi*x)*sin(pi*y^2)", "KAN: sin(pi x) sin(pi y^2)"),
    "sinsin": ("sin(pi*x)*sin(pi*y)", "sin(pi x) sin(pi y)"),
    "expcos": ("exp(x*y)*cos(x+2*y)", "exp(x y) cos(x + 2y), non-separable"),
    "rational": ("1/(1+x^2+y^2)", "1/(1 + x^2 + y^2), non-separable"),
}
# KHRONOS: the separable solutions by the rank-1 ALS solve; the non-separable ones (non-zero boundary values)
# by the default 2-D tensor solve, rank chosen by its energy tolerance.
KOPTS = {"kan": ["-khronos_solve", "als", "-sna_khronos_modes", "1"], "sinsin": ["-khronos_solve", "als", "-sna_khronos_modes", "1"],
         "expcos": [], "rational": []}
NONSEP = ("expcos", "rational")
FENICSX = os.path.join(ROOT, "bench", "fenicsx", "poisson.py")
ERR = ["-error_cells", "256", "-error_order", "5"]
# KHRONOS spline degree in the 2-D sweeps: quartic splines give the lowest error per DoF at 16-512 DoFs
# (degree 3 at 16 DoFs: 5.7e-5, degree 4: 5.4e-6, degree 5: 1.2e-5 on KAN's problem).
KDEG = 4


REPEAT = 1  # runs per configuration; wall_time_s is their median (set by --repeat)


def run(out, tag, np, args):
    """Runs one configuration REPEAT times; the errors are deterministic, the wall time is the median."""
    path = os.path.join(out, "runs", tag + ".json")
    cmd = ["mpirun", "-n", str(np), BIN] + args + ["-results", path]
    walls, procs, solves = [], [], []
    for _ in range(REPEAT):
        t0 = time.time()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit("failed: %s\n%s%s" % (" ".join(cmd), proc.stdout, proc.stderr))
        # the output is not kept: a program's warnings (an option set but never used, ...) are passed on, not dropped
        for line in (proc.stdout + proc.stderr).splitlines():
            if "WARNING" in line:
                print("  %s: %s" % (tag, line.strip()), flush=True)
        procs.append(time.time() - t0)
        res = json.load(open(path))
        walls.append(res["wall_time_s"])
        solves.append(res["solve_time_s"])
    res["tag"], res["process_time_s"] = tag, statistics.median(procs)
    res["wall_time_s"], res["wall_times_s"] = statistics.median(walls), walls
    # the time compared between methods: KHRONOS everything, FEM its solve (not the mesh), as FEniCSx's
    res["time_s"] = res["wall_time_s"] if res["method"] == "khronos" else statistics.median(solves)
    print("  %-28s dofs %7d  L2^2 %.3e  wall %.4f s" % (tag, res["dofs"], res["l2_error_squared"], res["wall_time_s"]), flush=True)
    return res


def fenicsx(out, tag, np, expr, cell, k, faces):
    """FEniCSx at every size in one process (one untimed warm-up solve per size); time_s is its solve time."""
    path = os.path.join(out, "runs", tag + ".json")
    cmd = ["mpirun", "-n", str(np), "/usr/bin/python3", FENICSX, "--exact", expr, "--cell", cell, "--degree", str(k),
           "--n", ",".join(str(n) for n in faces), "--repeat", str(REPEAT), "--out", path]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(cmd), proc.stdout, proc.stderr))
    rs = json.load(open(path))
    for r in rs:
        r["time_s"] = r["solve_time_s"]
        print("  %-28s dofs %7d  L2^2 %.3e  solve %.4f s" % ("%s_%s" % (tag, cells_label(r)), r["dofs"], r["l2_error_squared"], r["time_s"]), flush=True)
    return rs


def cells_label(r):
    """The FEM mesh of report r, per direction: "32" for 32 x 32, "4x32" otherwise. snaps-poisson reports the mesh solved
    on as a list (since audit s16); FEniCSx's reports and older snaps-poisson ones hold one number, which in the latter
    was the first -dm_plex_box_faces before any -dm_refine: it is used only where it accounts for all the cells."""
    c, dim = r.get("cells_per_direction"), r.get("dim", 2)
    if isinstance(c, list):
        return str(c[0]) if len(set(c)) == 1 else "x".join(str(n) for n in c)
    if c is not None and ("cells" not in r or r["cells"] == c ** dim):
        return str(c)
    return "%s in all" % r.get("cells", "?")


def loglog_interp(xs, ys, x):
    """Error of a method at x DoFs, interpolated (or extrapolated from the nearest pair) in log-log."""
    pts = sorted(zip(xs, ys))
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if x0 <= x <= x1 or (x < pts[0][0] and x0 == pts[0][0]) or (x > pts[-1][0] and x1 == pts[-1][0]):
            t = (math.log(x) - math.log(x0)) / (math.log(x1) - math.log(x0))
            return math.exp(math.log(y0) + t * (math.log(y1) - math.log(y0)))
    return float("nan")


def main():
    ap = argparse.ArgumentParser(allow_abbrev=False)
    ap.add_argument("out")
    ap.add_argument("--size", choices=["small", "full"], default="small")
    ap.add_argument("--np", type=checks.positive_int, default=2)
    ap.add_argument("--repeat", type=checks.positive_int, default=None, help="runs per configuration (default 1 small, 5 full); median wall time")
    ap.add_argument("--no-fenicsx", action="store_true", help="leave FEniCSx out even when dolfinx is installed")
    a = ap.parse_args()
    # before OUT is made: without it every run failed (a traceback, or failures reported as the program's)
    lack = checks.missing_programs(os.path.dirname(BIN), (os.path.basename(BIN),), "build SNAPS first (bash scripts/build.sh)")
    if lack:
        ap.error(lack)
    global REPEAT
    REPEAT = a.repeat or (5 if a.size == "full" else 1)
    os.makedirs(a.out, exist_ok=True)
    # runs/: every program's -results of this run only (an earlier run of another size has other names: not left there);
    # and the summaries, so that a run that fails leaves no earlier results.json, table.md or figure to be read as its own
    checks.clean_earlier(a.out, os.path.dirname(os.path.abspath(__file__)), ["runs", "results.json", "table.md", "poisson.png"])
    os.makedirs(os.path.join(a.out, "runs"))
    full = a.size == "full"
    khronos_nodes = [10, 18, 34, 66, 130, 258] if full else [10, 14, 18, 26, 34, 66, 258]
    q1_faces = [5, 9, 17, 33, 65, 129] if full else [5, 9, 17, 33, 65]
    q2_faces = [4, 8, 16, 32, 64, 128] if full else [4, 8, 16, 32, 64]
    q3_faces = [4, 8, 16, 32, 64] if full else [4, 8, 16, 32]
    fx = not a.no_fenicsx and subprocess.run(["/usr/bin/python3", "-c", "import dolfinx"], capture_output=True).returncode == 0
    runs = {}
    for key, (expr, _) in PROBLEMS.items():
        print("== %s" % expr, flush=True)
        runs[key] = {"khronos": [], "fem_q1": [], "fem_q2": [], "fem_q3": []}
        nodes = [8, 10, 12, 14, 18, 26, 34] if key in NONSEP else khronos_nodes
        for G in nodes:
            runs[key]["khronos"].append(run(a.out, "%s_khronos_G%d" % (key, G), a.np,
                                            ["-method", "khronos", "-exact", expr, "-sna_khronos_degree", str(KDEG), "-sna_khronos_nodes", str(G)]
                                            + KOPTS[key] + ERR))
        for k, faces in ((1, q1_faces), (2, q2_faces), (3, q3_faces)):
            if k == 1 and key in NONSEP:
                continue  # Q1 is only the equal-DoFs reference on KAN's problem
            for n in faces:
                runs[key]["fem_q%d" % k].append(run(a.out, "%s_fem_q%d_%d" % (key, k, n), a.np,
                                                    ["-method", "fem", "-exact", expr, "-petscspace_degree", str(k),
                                                     "-dm_plex_box_faces", "%d,%d" % (n, n)] + ERR))
        if fx and key != "sinsin":
            for cell, c, k, faces in (("quadrilateral", "q", 2, q2_faces), ("quadrilateral", "q", 3, q3_faces), ("triangle", "p", 3, q3_faces)):
                runs[key]["fenicsx_%s%d" % (c, k)] = fenicsx(a.out, "%s_fenicsx_%s%d" % (key, c, k), a.np, expr, cell, k, faces)

    print("== 3-D, 6-D and rank-2 cases", flush=True)
    extra = {
        "khronos_3d": run(a.out, "khronos_3d", a.np, ["-method", "khronos", "-dim", "3", "-exact", "sin(pi*x)*sin(pi*y)*sin(pi*z)",
                                                     "-sna_khronos_nodes", "34", "-sna_khronos_modes", "1", "-error_cells", "48", "-error_order", "4"]),
        "fem_q1_3d": run(a.out, "fem_q1_3d", a.np, ["-method", "fem", "-dim", "3", "-exact", "sin(pi*x)*sin(pi*y)*sin(pi*z)",
                                                   "-petscspace_degree", "1", "-dm_plex_box_faces", "16,16,16", "-error_cells", "48", "-error_order", "4"]),
        "khronos_6d": run(a.out, "khronos_6d", a.np, ["-method", "khronos", "-dim", "6", "-exact", "*".join("sin(pi*x%d)" % i for i in range(1, 7)),
                                                     "-sna_khronos_nodes", "18", "-sna_khronos_modes", "2"]),
        "khronos_rank2": run(a.out, "khronos_rank2", a.np, ["-method", "khronos", "-khronos_solve", "als", "-exact", "sin(pi*(x+y))", "-sna_khronos_nodes", "34",
                                                           "-sna_khronos_modes", "4"] + ERR),
    }

    # ---- targets, all from this run ----
    kan = runs["kan"]
    kh = {r["dofs"]: r for r in kan["khronos"]}
    q1x = [r["dofs"] for r in kan["fem_q1"]]
    q1y = [r["l2_error_squared"] for r in kan["fem_q1"]]
    ratios = {d: loglog_interp(q1x, q1y, d) / r["l2_error_squared"] for d, r in sorted(kh.items())}

    def time_to(method_runs, tol=1e-8):
        ok = [r["time_s"] for r in method_runs if r["l2_error_squared"] <= tol]
        return min(ok) if ok else float("inf")

    def best_fem(prob, tol=1e-8):
        """Shortest time to tol of any FEM of the run (snaps-poisson Q1-Q3, FEniCSx) and which one."""
        return min(((time_to(rs, tol), m) for m, rs in runs[prob].items() if m != "khronos" and rs), default=(float("inf"), "-"))

    t_kh = time_to(kan["khronos"])
    t_fem, m_fem = best_fem("kan")
    nonsep = {}
    for prob in NONSEP:
        for tol in (1e-8, 1e-10):
            tk, (tf, mf) = time_to(runs[prob]["khronos"], tol), best_fem(prob, tol)
            ok = math.isfinite(tk) and math.isfinite(tf)
            nonsep["%s_%g" % (prob, tol)] = {"khronos_s": tk, "best_fem_s": tf, "best_fem": mf, "speedup": tf / tk if ok else None,
                                              "pass": (tf / tk >= 5) if ok else None}
    floor = {prob: min(r["l2_error_squared"] for r in runs[prob]["khronos"]) for prob in NONSEP}
    targets = {
        "khronos_16dofs_l2sq": kh[16]["l2_error_squared"] if 16 in kh else None,
        "khronos_16dofs_pass": 16 in kh and kh[16]["l2_error_squared"] <= 5e-4,
        "khronos_512dofs_l2sq": kh[512]["l2_error_squared"] if 512 in kh else None,
        "khronos_512dofs_pass": 512 in kh and kh[512]["l2_error_squared"] <= 1e-10,
        "ratio_vs_fem_q1_at_equal_dofs": {str(d): r for d, r in ratios.items()},
        "ratio_vs_fem_q1_min": min(ratios.values()),
        "ratio_vs_fem_q1_pass": min(ratios.values()) >= 1e4,
        "time_to_1e-8_khronos_s": t_kh,
        "time_to_1e-8_best_fem_s": t_fem,
        "time_to_1e-8_best_fem": m_fem,
        "fenicsx_in_run": fx,
        "nonseparable_time_to": nonsep,
        "nonseparable_floor_l2sq": floor,
        "time_to_1e-8_speedup": t_fem / t_kh if math.isfinite(t_fem) and math.isfinite(t_kh) else None,
        "time_to_1e-8_pass": (t_fem / t_kh >= 10) if math.isfinite(t_fem) and math.isfinite(t_kh) else None,
        "6d_l2sq": extra["khronos_6d"]["l2_error_squared"],
        "6d_process_time_s": extra["khronos_6d"]["process_time_s"],
        "6d_pass": extra["khronos_6d"]["l2_error_squared"] <= 1e-8 and extra["khronos_6d"]["process_time_s"] < 60,
        "rank2_modes_used": extra["khronos_rank2"]["modes"],
        "rank2_l2sq": extra["khronos_rank2"]["l2_error_squared"],
    }
    # the time targets' verdicts: judged on one timing per configuration when REPEAT is 1 (the small size: its main-job
    # run stays at about 140 CPU s; --repeat N for medians), which the table and the results say beside each
    targets["time_samples_per_configuration"] = REPEAT
    machine = kan["khronos"][0]["machine"]
    atomic.write_json(os.path.join(a.out, "results.json"),
                      {"size": a.size, "ranks": a.np, "repeat": REPEAT, "machine": machine, "targets": targets, "runs": runs, "extra": extra})
    sample = lambda v: v if REPEAT > 1 or v is None else "%s (one sample)" % v  # noqa: E731  a time verdict's cell

    # ---- table ----
    lines = ["# Poisson: KHRONOS vs FEM (%s sizes, %d ranks, %s, %d cores; wall times: %s)\n" % (
        a.size, a.np, machine["cpu_model"], machine["cores"], "median of %d runs" % REPEAT if REPEAT > 1 else
        "one run per configuration: the time targets' verdicts are judged on one sample each on a shared machine "
        "(marked so); --repeat N takes the median of N")]
    for key, (_, title) in PROBLEMS.items():
        lines += ["## %s on [-1,1]^2\n" % title, "| method | size | DoFs | squared L2 error | H1 seminorm error | time [s] |", "|---|---|---|---|---|---|"]
        klabel = "KHRONOS k=%d, %s" % (KDEG, "tensor solve" if key in NONSEP else "rank 1")
        for m, label in (("khronos", klabel), ("fem_q1", "FEM Q1"), ("fem_q2", "FEM Q2"), ("fem_q3", "FEM Q3"),
                         ("fenicsx_q2", "FEniCSx Q2"), ("fenicsx_q3", "FEniCSx Q3"), ("fenicsx_p3", "FEniCSx P3")):
            for r in runs[key].get(m, []):
                if m == "khronos":
                    size = "G=%d, rank %d" % (r["nodes"], r["modes"])
                else:
                    size = "%s cells" % cells_label(r)
                lines.append("| %s | %s | %d | %.3e | %s | %.4f |" % (label, size, r["dofs"], r["l2_error_squared"],
                                                                     "%.3e" % r["h1_error"] if "h1_error" in r else "-", r["time_s"]))
        lines.append("")
    lines += ["## Other cases\n", "| case | DoFs | squared L2 error | wall time [s] | note |", "|---|---|---|---|---|"]
    for k, r in extra.items():
        lines.append("| %s | %d | %.3e | %.4f | %s |" % (k, r["dofs"], r["l2_error_squared"], r["wall_time_s"],
                                                       "rank %s, error %s" % (r.get("modes", "-"), r.get("error_method", "grid"))))
    t = targets
    lines += ["", "## Targets (KAN's problem unless stated)\n", "| target | measured | pass |", "|---|---|---|",
              "| squared L2 <= 5e-4 at 16 DoFs | %s | %s |" % ("%.2e" % t["khronos_16dofs_l2sq"] if t["khronos_16dofs_l2sq"] else "-", t["khronos_16dofs_pass"]),
              "| squared L2 <= 1e-10 at 512 DoFs | %s | %s |" % ("%.2e" % t["khronos_512dofs_l2sq"] if t["khronos_512dofs_l2sq"] else "-", t["khronos_512dofs_pass"]),
              "| >= 1e4x lower than FEM Q1 at equal DoFs | min ratio %.2e (%s) | %s |" % (
                  t["ratio_vs_fem_q1_min"], ", ".join("%s: %.1e" % (d, r) for d, r in t["ratio_vs_fem_q1_at_equal_dofs"].items()), t["ratio_vs_fem_q1_pass"]),
              "| time to 1e-8 >= 10x shorter than the best FEM of the run | KHRONOS %.2f ms, best FEM (%s) %.2f ms: %s | %s |" % (
                  1e3 * t_kh, m_fem, 1e3 * t_fem, "%.1fx" % t["time_to_1e-8_speedup"] if t["time_to_1e-8_speedup"] else "not reached by both", sample(t["time_to_1e-8_pass"])),
              "| 6-D to 1e-8 in < 60 s on %d ranks | %.2e in %.1f s (whole process) | %s |" % (a.np, t["6d_l2sq"], t["6d_process_time_s"], sample(t["6d_pass"])),
              "| rank-2 sin(pi(x+y)) with enrichment | rank %d, %.2e | - |" % (t["rank2_modes_used"], t["rank2_l2sq"])]
    for prob in NONSEP:
        for tol in (1e-8, 1e-10):
            v = nonsep["%s_%g" % (prob, tol)]
            lines.append("| %s: time to %g >= 5x shorter than the best FEM of the run | KHRONOS %.2f ms, best FEM (%s) %.2f ms: %s | %s |" % (
                PROBLEMS[prob][1], tol, 1e3 * v["khronos_s"], v["best_fem"], 1e3 * v["best_fem_s"], "%.1fx" % v["speedup"] if v["speedup"] else "not reached by both", sample(v["pass"])))
        lines.append("| %s: squared L2 error down to 1e-14 | smallest %.2e | %s |" % (PROBLEMS[prob][1], floor[prob], floor[prob] <= 1e-14))
    lines += ["", "Best FEM: the shortest time of snaps-poisson Q1-Q3 (solve time: assembly, AMG, CG) and, %s, FEniCSx Q2/Q3/P3 (its "
              "solve time, after an untimed warm-up); KHRONOS: its whole wall time. Time to a tolerance: the fastest run of a "
              "method that reaches it." % ("measured in this run" if fx else "not installed here (scripts/install-deps.sh --bench), without"),
              "FEM Q1 errors at KHRONOS DoF counts are interpolated log-log between measured FEM runs "
              "(extrapolated from the nearest pair outside their range).", "", "![error vs DoFs and time](poisson.png)"]
    atomic.write_text(os.path.join(a.out, "table.md"), "\n".join(lines) + "\n")

    # ---- plot ----
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(len(PROBLEMS), 2, figsize=(12, 4.5 * len(PROBLEMS)))
    style = {"khronos": ("o-", "KHRONOS (k=%d)" % KDEG), "fem_q1": ("s--", "FEM Q1"), "fem_q2": ("^--", "FEM Q2"), "fem_q3": ("v--", "FEM Q3"),
             "fenicsx_q2": ("s:", "FEniCSx Q2"), "fenicsx_q3": ("^:", "FEniCSx Q3"), "fenicsx_p3": ("v:", "FEniCSx P3")}
    for row, (key, (_, title)) in enumerate(PROBLEMS.items()):
        for m, (fmt, label) in style.items():
            rs = runs[key].get(m, [])
            if not rs:
                continue
            ax[row][0].loglog([r["dofs"] for r in rs], [r["l2_error_squared"] for r in rs], fmt, label=label)
            ax[row][1].loglog([r["time_s"] for r in rs], [r["l2_error_squared"] for r in rs], fmt, label=label)
        ax[row][0].set_xlabel("degrees of freedom")
        ax[row][1].set_xlabel("time [s] (KHRONOS: set-up + solve; FEM: solve) (%d ranks)" % a.np)
        for c in (0, 1):
            ax[row][c].set_ylabel("squared L2 error")
            ax[row][c].set_title(title)
            ax[row][c].grid(True, which="both", alpha=0.3)
            ax[row][c].axhline(1e-8, color="gray", lw=0.8, ls=":")
            ax[row][c].legend()
    fig.suptitle("Poisson on [-1,1]^2: KHRONOS vs FEM (%s, %d cores)" % (machine["cpu_model"], machine["cores"]))
    fig.tight_layout()
    atomic.save_figure(fig, os.path.join(a.out, "poisson.png"), dpi=100)
    print("\n".join(l for l in lines if l.startswith("| ") and ("time to" in l or "L2" in l)))
    print("sweep: wrote %s/table.md, results.json, poisson.png" % a.out)


if __name__ == "__main__":
    main()
