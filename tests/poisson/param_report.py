#!/usr/bin/python3
"""What snaps-poisson-param and snaps-poisson report, and when (audit s21, findings 1, 3, 6, 7, 8 and 10).

snaps-poisson-param: a misspelt option is warned about once, after the first solve (by which the KSP, its
preconditioner and the guess have read their options) and before the rest of the sweep's output; -progress_every 0
prints one line per solve in the flow solvers' format; -log_view has the events PoissonParamSweep (once) and
PoissonParamAssemble (once per sample); the report has wall_time_s, the domain, the files given (samples, snapshots,
dof_coordinates), dofs with the boundary rows and free_dofs without them (snaps-poisson's dofs on the same mesh),
and the per-solve ksp_iterations and solve_time_s (snaps-poisson's names for its one solve, one value per sample),
median_ksp_iterations, none of the old names (iterations, median_iterations, solve_times_s). snaps-poisson: the
report names -model and -view_solution, and gives source_tol/source_tol_met only where a source tolerance was applied
(the tensor solve without the cross probe of f applies none). Each run takes well under a second.

usage: param_report.py <scratch dir> <snaps-poisson> <snaps-poisson-param>"""
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

scratch, POISSON, PARAM = sys.argv[1:4]
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)
fails = []


def p(name):
    return os.path.join(scratch, name)


def run(cmd):
    r = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    if r.returncode:
        sys.exit(f"{' '.join(cmd)}: rc {r.returncode}\n{r.stdout[-3000:]}")
    return r.stdout


def check(ok, what):
    print(("ok: " if ok else "FAILED: ") + what)
    if not ok:
        fails.append(what)


with h5py.File(p("S.h5"), "w") as f:
    f["X"] = np.array([[0.1, 0.2], [0.5, 0.5], [0.9, 0.3], [0.3, 0.8]])
out = run([PARAM, "-kappa", "1+mu1*x*x", "-source", "mu2", "-samples", p("S.h5"), "-snapshots", p("s.h5"), "-dof_coordinates", p("c.h5"),
           "-dm_plex_box_faces", "8", "-results", p("pp.json"), "-progress_every", "0", "-misspelt_option", "3", "-log_view"])
warn = "WARNING: option -misspelt_option (value 3) was set but never used"
lines = re.findall(r"snaps-poisson-param: solve (\d+) of 4 \([0-9.]+%\), wall [0-9.]+ s, about [0-9]+ s left", out)
check(lines == ["1", "2", "3", "4"], f"-progress_every 0: one progress line per solve (got {lines})")
w, first, summary = out.find(warn), out.find("snaps-poisson-param: solve 1 of 4"), out.find("snaps-poisson-param: Q1 2-D")
check(out.count(warn) == 1 and -1 < w < summary and (first == -1 or w < first), "the misspelt option warned about once, before the progress lines and the summary")
check(re.search(r"^PoissonParamSweep +1 ", out, re.M) is not None and re.search(r"^PoissonParamAssemble +4 ", out, re.M) is not None,
      "-log_view: PoissonParamSweep once, PoissonParamAssemble per sample")
r = json.load(open(p("pp.json")))
check(r.get("wall_time_s", 0) > 0 and r.get("domain_lower") == 0 and r.get("domain_upper") == 1, "wall_time_s and the domain")
check(r.get("samples") == p("S.h5") and r.get("snapshots") == p("s.h5") and r.get("dof_coordinates") == p("c.h5"), "the files given")
check(r.get("dofs") == 81 and r.get("free_dofs") == 49, f"dofs 81 (boundary rows included), free_dofs 49 (got {r.get('dofs')}, {r.get('free_dofs')})")
its = r.get("ksp_iterations")
check(isinstance(its, list) and len(its) == 4 and r.get("median_ksp_iterations") == sorted(its)[1] / 2 + sorted(its)[2] / 2,
      "ksp_iterations per solve and their median")
check(isinstance(r.get("solve_time_s"), list) and len(r["solve_time_s"]) == 4 and "median_solve_time_s" in r, "solve_time_s per solve")
check(not {"iterations", "median_iterations", "solve_times_s"} & set(r), "none of the old names")
# the default run prints no progress line (10 s between them) and no warning
out = run([PARAM, "-kappa", "1+mu1", "-params", "0.5", "-dm_plex_box_faces", "4"])
check("solve 1 of" not in out and "WARNING" not in out, "no progress line within the default 10 s")
# snaps-poisson's files, fem and khronos
run([POISSON, "-dm_plex_box_faces", "4", "-error_cells", "16", "-error_order", "2", "-fem_assembly", "plex", "-view_solution", p("u.h5"), "-results", p("fem.json")])
r = json.load(open(p("fem.json")))
check(r.get("view_solution") == p("u.h5") and "model" not in r, "snaps-poisson fem: view_solution recorded")
run([POISSON, "-method", "khronos", "-error_cells", "16", "-error_order", "2", "-model", p("k.h5"), "-results", p("k.json")])
r = json.load(open(p("k.json")))
check(r.get("model") == p("k.h5") and "view_solution" not in r, "snaps-poisson khronos: model recorded")
check(r.get("source_fit", "").startswith("tensor quadrature") and "source_tol" not in r and "source_tol_met" not in r,
      "the tensor solve without the cross probe reports no source tolerance")
run([POISSON, "-method", "khronos", "-sna_khronos_nodes", "20", "-error_cells", "16", "-error_order", "2", "-khronos_source_tol", "1e-6", "-results", p("k20.json")])
r = json.load(open(p("k20.json")))
check(r.get("source_tol") == 1e-6 and r.get("source_tol_met") is True, "the cross probe's tolerance is reported where the probe ran")
check("rank_stop" not in r, "the tensor solve reports no rank_stop (its truncation_stop says why it stopped)")
# the ALS solve: what ended the rank growth (session 23: a rank cap was reported as CONVERGED_RTOL, nothing else)
for modes, stop in (("4", "tolerance"), ("1", "rank cap")):
    run([POISSON, "-method", "khronos", "-khronos_solve", "als", "-sna_khronos_modes", modes, "-error_cells", "16", "-error_order", "2", "-results", p("als.json")])
    r = json.load(open(p("als.json")))
    check(r.get("rank_stop") == stop, "ALS rank_stop with -sna_khronos_modes %s on sin(pi x) sin(pi y) is %r (got %r)" % (modes, stop, r.get("rank_stop")))
if fails:
    sys.exit("FAILED: " + "; ".join(fails))
