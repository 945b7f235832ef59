#!/usr/bin/python3
"""Tests of the airfoil case (tests/airfoil/CMakeLists.txt runs them; exit 77 = skipped: a tool is missing).

  test_airfoil.py parsers              XFOIL and OpenFOAM sample outputs (samples/) parsed and resampled
  test_airfoil.py dataset FILE         the committed dataset satisfies its contract (build_dataset.py)
  test_airfoil.py xfoil DIR            the XFOIL driver reproduces the committed XFOIL sample (needs xfoil, cc)
  test_airfoil.py drivers DIR          the XFOIL and OpenFOAM drivers with stand-ins for the tools: retries
  test_airfoil.py mesh DIR             gmsh meshes a cambered airfoil: hybrid, one cell thick, ~20k cells
  test_airfoil.py split FILE DIR       bench/airfoil-mf's split of FILE: test airfoils never in training
  test_airfoil.py build FILE DIR       build_dataset.py rebuilds FILE's rows from case records made from FILE
  test_airfoil.py hf_from FILE DIR     build_dataset.py --hf_from: new LF rows, the HF half copied unchanged
  test_airfoil.py sweep FILE DIR       sweep.py with stand-ins counting the tool runs: extending a dataset (--reuse)
                                       and restarting an interrupted sweep run only the cases not finished
  test_airfoil.py sweep_args DIR       sweep.py refuses counts under 0 (--lf, --hf) or 1 (--jobs) before writing
  test_airfoil.py work_designs DIR     sweep.py and build_dataset.py refuse records of another hypercube (another --lf)
  test_airfoil.py sanity DIR           sanity.py (tools replaced): a failed case named, nothing written; then written
"""
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import airfoil  # noqa: E402

SAMPLES = os.path.join(HERE, "samples")
# The samples: NACA 0012, alpha 5 deg, Re 3e6. The tools' own CL: XFOIL's polar 0.5011; OpenFOAM's force
# coefficient 0.5328 (pressure + viscous; the viscous part of the lift is below 1e-3 here).
SAMPLE = {"m": 0.0, "p": 0.4, "t": 0.12, "alpha_deg": 5.0, "cl_xfoil": 0.5011, "cl_foam": 0.5328}
# A cambered sample (design 8 of the sweep: m 0.046, p 0.272, t 0.089, alpha 1.05 deg, Re 2.85e6): below its
# ideal angle of attack, so the stagnation point is on the upper side of the leading edge, where the upper
# surface reaches x < 0. XFOIL's CL 0.5938.
CAMBERED = {"m": 4.60804768e-02, "p": 2.72379087e-01, "t": 8.92426465e-02, "alpha_deg": 1.04714020e00, "cl_xfoil": 0.5938}
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print(f"FAIL: {msg}")


def check_cp_row(cp, label, cl=None, cl_tol=None, design=SAMPLE):
    """One airfoil's Cp at the stations; for the symmetric sample at 5 deg also where its extremes lie."""
    s = airfoil.stations()
    check(cp.shape == s.shape, f"{label}: {cp.shape} Cp values, expected {s.shape} (one per station)")
    check(np.isfinite(cp).all(), f"{label}: non-finite Cp")
    k_max, k_min = int(np.argmax(cp)), int(np.argmin(cp))
    check(0.9 <= cp[k_max] <= 1.05, f"{label}: stagnation Cp {cp[k_max]:.3f}, expected near 1")
    if design is SAMPLE:
        check_extremes(s, k_max, k_min, label)
    if cl is not None:
        d = design
        got = airfoil.lift(d["m"], d["p"], d["t"], d["alpha_deg"], cp)
        check(abs(got - cl) <= cl_tol, f"{label}: CL from integrated Cp {got:.4f}, the tool's {cl:.4f} "
              f"(tolerance {cl_tol})")


def check_extremes(s, k_max, k_min, label):
    check(-0.05 <= s[k_max] < 0.0, f"{label}: stagnation at s = {s[k_max]:.4f}, expected just aft of the "
          "leading edge on the lower surface (s slightly negative) at positive alpha")
    check(0.0 < s[k_min] <= 0.05, f"{label}: suction peak at s = {s[k_min]:.4f}, expected on the upper surface "
          "near the leading edge")


def check_xfoil_te(s, cp, label):
    """XFOIL's first and last nodes are the trailing edge, on the upper and on the lower surface: s = +1 and -1,
    and the stations there hold those nodes' Cp (not the last lower node's held over the last stations)."""
    check(s[0] == 1.0 and s[-1] == -1.0, f"{label}: first and last XFOIL nodes at s = {s[0]}, {s[-1]}, expected "
          "+1 (upper trailing edge) and -1 (lower trailing edge)")
    st = airfoil.resample(s, cp)
    check(st[0] == cp[-1] and st[-1] == cp[0], f"{label}: Cp at s = -1, +1 is {st[0]}, {st[-1]}, expected XFOIL's "
          f"trailing-edge nodes' {cp[-1]}, {cp[0]}")
    check(st[0] != st[1], f"{label}: Cp at the two stations nearest s = -1 equal ({st[0]}): a value held constant")


def check_partial_outputs():
    """A tool output that holds part of the surface (a truncated file: disk full, a run killed while writing) is
    refused by the parser, not resampled: np.interp would hold the last value over the missing part, and the sweep
    would record the case converged with it (half the OpenFOAM sample gave CL 0.11 for 0.53)."""
    import tempfile

    d = SAMPLE
    raw = f"{SAMPLES}/openfoam_naca0012_a5_re3e6_p_airfoil.raw"
    lines = open(raw).read().splitlines(keepends=True)
    head = [l for l in lines if l.startswith("#")]
    rows = [l for l in lines if not l.startswith("#")]
    xfoil_cp = open(f"{SAMPLES}/xfoil_naca0012_a5_re3e6.cp").read().splitlines(keepends=True)
    panel = open(f"{SAMPLES}/xfoil_naca0012_panel.dat").read().splitlines(keepends=True)
    with tempfile.TemporaryDirectory() as tmp:
        cases = {  # label: (parser, files' contents)
            "OpenFOAM sample cut at half its faces": ("foam", head + rows[:150]),
            "OpenFOAM sample less its last 10 faces": ("foam", head + rows[:-10]),
            "OpenFOAM sample cut at half, no header": ("foam", rows[:150]),
            "OpenFOAM sample less a middle third, no header": ("foam", rows[:100] + rows[200:]),
            "XFOIL sample cut at 100 nodes, both files": ("xfoil", xfoil_cp[:101], panel[:101]),
            # cut inside a row (numpy's "the number of columns changed" named no file: the sweep's record said only that)
            "OpenFOAM sample cut inside a row": ("foam", head + rows[:150] + [rows[150][:20]]),
            "XFOIL Cp dump cut inside a row": ("xfoil", xfoil_cp[:101] + [xfoil_cp[101][:12]], panel[:102]),
            "XFOIL paneled nodes cut inside a row": ("xfoil", xfoil_cp, panel[:-1] + [panel[-1][:8]]),
        }
        named = {"XFOIL paneled nodes cut inside a row": 1}  # the file the message must name (else the first)
        for label, (kind, *texts) in cases.items():
            paths = []
            for k, text in enumerate(texts):
                paths.append(os.path.join(tmp, f"out{k}"))
                open(paths[-1], "w").write("".join(text))
            try:
                if kind == "foam":
                    airfoil.parse_foam_raw(paths[0], d["m"], d["p"], d["t"])
                else:
                    airfoil.parse_xfoil_cp(paths[0], paths[1], d["m"], d["p"], d["t"])
                check(False, f"{label}: parsed, expected refused (a partial surface)")
            except ValueError as e:
                check(paths[named.get(label, 0)] in str(e), f"{label}: refused, but the message does not name the file: {e}")


def test_parsers():
    s, cp = airfoil.parse_xfoil_cp(f"{SAMPLES}/xfoil_naca0012_a5_re3e6.cp", f"{SAMPLES}/xfoil_naca0012_panel.dat",
                                   SAMPLE["m"], SAMPLE["p"], SAMPLE["t"])
    check_cp_row(airfoil.resample(s, cp), "XFOIL sample", SAMPLE["cl_xfoil"], 0.003)
    check_xfoil_te(s, cp, "XFOIL sample")
    d = CAMBERED
    s, cp = airfoil.parse_xfoil_cp(f"{SAMPLES}/xfoil_case8_a1_re2.85e6.cp", f"{SAMPLES}/xfoil_case8_panel.dat", d["m"],
                                   d["p"], d["t"])
    check_cp_row(airfoil.resample(s, cp), "XFOIL cambered sample", d["cl_xfoil"], 0.003, d)
    check_xfoil_te(s, cp, "XFOIL cambered sample")
    s, cp = airfoil.parse_foam_raw(f"{SAMPLES}/openfoam_naca0012_a5_re3e6_p_airfoil.raw", SAMPLE["m"],
                                   SAMPLE["p"], SAMPLE["t"])
    check_cp_row(airfoil.resample(s, cp), "OpenFOAM sample", SAMPLE["cl_foam"], 0.003)
    check_partial_outputs()
    # the geometry both tools see: closed trailing edge, leading edge at the origin
    xy = airfoil.coordinates(0.04, 0.4, 0.12)
    check(np.allclose(xy[0], [1.0, 0.0], atol=1e-12) and np.allclose(xy[-1], [1.0, 0.0], atol=1e-12),
          f"trailing edge not closed: {xy[0]}, {xy[-1]}")
    # symmetric airfoil at zero incidence: the two surfaces' Cp agree, so the lift vanishes
    st = airfoil.stations()
    cp0 = 1.0 - 4.0 * st**2 * (1 - np.abs(st))
    check(abs(airfoil.lift(0.0, 0.4, 0.12, 0.0, cp0)) < 1e-12, "lift of a symmetric Cp is not zero")


def test_dataset(path):
    import h5py

    with h5py.File(path, "r") as f:
        names = f.attrs["input_names"]
        names = names.decode() if isinstance(names, bytes) else names
        check(names == "m,p,t,alpha_deg,Re_1e6,s", f"input_names '{names}'")
        for key in ("output_names", "lf_tool", "hf_tool", "turbulence_model", "mesh_settings", "seed",
                    "design"):
            check(key in f.attrs, f"attribute {key} missing")
        ns = len(airfoil.stations())
        check(np.allclose(f["stations"][...], airfoil.stations()), "/stations differ from airfoil.stations()")
        data = {}
        for kind in ("lf", "hf"):
            X, Y, case = f[f"{kind}/X"][...], f[f"{kind}/Y"][...], f[f"{kind}/case"][...]
            n = X.shape[0]
            check(X.ndim == 2 and X.shape[1] == 6, f"/{kind}/X shape {X.shape}, expected N x 6")
            check(Y.shape == (n, 1), f"/{kind}/Y shape {Y.shape}, expected ({n}, 1)")
            check(case.shape == (n,), f"/{kind}/case shape {case.shape}, expected ({n},)")
            check(X.dtype == np.float64 and Y.dtype == np.float64, f"/{kind}: X, Y not float64")
            check(np.isfinite(X).all() and np.isfinite(Y).all(), f"/{kind}: non-finite X or Y")
            ids, counts = np.unique(case, return_counts=True)
            check((counts == ns).all(), f"/{kind}: a case has other than {ns} rows")
            data[kind] = (X, Y, case, ids)
            cl = f[f"cases/{kind}/CL"][...]
            check(np.array_equal(f[f"cases/{kind}/id"][...], ids), f"/cases/{kind}/id differ from /{kind}/case")
            check(np.isfinite(cl).all(), f"/cases/{kind}/CL not finite")
            for i, cid in enumerate(ids):
                rows = case == cid
                x = X[rows]
                check(np.allclose(x[:, :5], x[0, :5]), f"/{kind}: case {cid}: design varies within the case")
                check(np.allclose(x[:, 5], airfoil.stations()), f"/{kind}: case {cid}: s is not the stations")
                cp = Y[rows, 0]
                check(0.85 <= cp.max() <= 1.1, f"/{kind}: case {cid}: stagnation Cp {cp.max():.3f}, expected ~1")
                d = x[0]
                got = airfoil.lift(d[0], d[1], d[2], d[3], cp)
                check(abs(got - cl[i]) < 1e-9, f"/cases/{kind}/CL[{i}] {cl[i]} differs from integrated Cp {got}")
            lo = [0.0, 0.2, 0.08, -4.0, 1.0]
            hi = [0.06, 0.6, 0.18, 10.0, 3.0]
            check(((X[:, :5] >= lo) & (X[:, :5] <= hi)).all(), f"/{kind}: design outside the documented box")
        lf_ids, hf_ids = data["lf"][3], data["hf"][3]
        check(len(lf_ids) >= 400, f"{len(lf_ids)} LF cases, expected >= 400")
        check(len(hf_ids) >= 100, f"{len(hf_ids)} HF cases, expected >= 100")
        missing = np.setdiff1d(hf_ids, lf_ids)
        check(missing.size == 0, f"HF cases without LF: {missing[:10]}")
        for cid in np.intersect1d(hf_ids, lf_ids):
            xl = data["lf"][0][data["lf"][2] == cid][0, :5]
            xh = data["hf"][0][data["hf"][2] == cid][0, :5]
            check(np.array_equal(xl, xh), f"case {cid}: LF and HF designs differ")
    size = os.path.getsize(path)
    check(size < 8e6, f"{path}: {size / 1e6:.1f} MB, expected a few MB")


def test_xfoil(work):
    if not shutil.which("xfoil") or not shutil.which("cc"):
        print("xfoil or cc missing (scripts/install-deps.sh --airfoil): skipped")
        sys.exit(77)
    import lf_xfoil

    lib = lf_xfoil.nofpe_library(os.path.join(work, "build"))
    cp, cl, attempts = lf_xfoil.run(os.path.join(work, "case"), SAMPLE["m"], SAMPLE["p"], SAMPLE["t"],
                                    SAMPLE["alpha_deg"], 3e6, lib)
    check(cp is not None, "XFOIL did not converge on NACA 0012, alpha 5, Re 3e6")
    if cp is None:
        return
    check(attempts == 1, f"XFOIL needed {attempts} attempts")
    check(abs(cl - SAMPLE["cl_xfoil"]) < 5e-4, f"XFOIL CL {cl}, the sample's {SAMPLE['cl_xfoil']}")
    s, ref = airfoil.parse_xfoil_cp(f"{SAMPLES}/xfoil_naca0012_a5_re3e6.cp", f"{SAMPLES}/xfoil_naca0012_panel.dat",
                                    SAMPLE["m"], SAMPLE["p"], SAMPLE["t"])
    err = np.abs(cp - airfoil.resample(s, ref)).max()
    check(err < 2e-3, f"XFOIL Cp differs from the committed sample by {err:.2e}")


def test_drivers(work):
    """The two drivers with their tools replaced by stand-ins that write what the tools write (no XFOIL,
    gmsh or OpenFOAM needed): an HF case retried in its old directory reads only this run's outputs; an XFOIL
    attempt that times out is followed by the continuation attempt."""
    import hf_openfoam
    import lf_xfoil
    import mesh

    shutil.rmtree(work, ignore_errors=True)
    case = os.path.join(work, "hf", "case_0064")
    raw = np.loadtxt(f"{SAMPLES}/openfoam_naca0012_a5_re3e6_p_airfoil.raw", comments="#")

    def solve(pscale, last, cl, converged):
        """simpleFoam's outputs: the time directory, the surface sample at it, forceCoeffs' file (a new name
        where the old one exists, as OpenFOAM's logFiles does) and the log."""
        os.makedirs(f"{case}/{last}", exist_ok=True)
        os.makedirs(f"{case}/postProcessing/surfaceCp/{last}", exist_ok=True)
        a = raw.copy()
        a[:, 3] *= pscale
        np.savetxt(f"{case}/postProcessing/surfaceCp/{last}/p_airfoil.raw", a, header="x y z p")
        forces = f"{case}/postProcessing/forces/0"
        os.makedirs(forces, exist_ok=True)
        name = "coefficient_0.dat" if os.path.exists(f"{forces}/coefficient.dat") else "coefficient.dat"
        with open(f"{forces}/{name}", "w") as f:
            f.write("# Time Cd Cs Cl CmRoll CmPitch CmYaw Cd(f) Cd(r) Cs(f) Cs(r) Cl(f) Cl(r)\n")
            for i in range(1, last + 1):
                f.write(f"{i} 0 0 {cl + (0 if converged else 0.01 * (i % 2))} 0 0 0 0 0 0 0 0 0\n")
        log = "".join(f"Time = {i}\n\nsmoothSolver:  Solving for nuTilda, Initial residual = {1e-3 / i}, "
                      f"Final residual = 0, No Iterations 1\nGAMG:  Solving for p, Initial residual = {2e-3 / i}, "
                      "Final residual = 0, No Iterations 2\n" for i in range(1, last + 1))
        if converged:
            log += f"\nSIMPLE solution converged in {last} iterations\n"
        open(f"{case}/log.simpleFoam", "w").write(log)

    runs = [(0.5, 1500, 0.30, False), (1.0, 600, 0.55, True)]  # capped and wrong, then the retry: converged
    saved = (mesh.mesh, hf_openfoam.write_case, hf_openfoam.fix_boundary, hf_openfoam.foam)
    mesh.mesh = lambda *a: None
    hf_openfoam.write_case = lambda *a, **k: None
    hf_openfoam.fix_boundary = lambda c: None
    hf_openfoam.foam = lambda cmd, c, log: solve(*runs.pop(0)) if cmd[0] == "simpleFoam" else None
    try:
        d = SAMPLE
        first = hf_openfoam.run(case, d["m"], d["p"], d["t"], d["alpha_deg"], 3e6)
        check(not first[1] and first[2] == 1500, f"HF stand-in, first run: converged {first[1]}, {first[2]} "
              "iterations, expected not converged at 1500")
        cp, converged, iters, res = hf_openfoam.run(case, d["m"], d["p"], d["t"], d["alpha_deg"], 3e6)
        s, ref = airfoil.parse_foam_raw(f"{SAMPLES}/openfoam_naca0012_a5_re3e6_p_airfoil.raw", d["m"], d["p"], d["t"])
        good = airfoil.resample(s, ref)
        check(converged and iters == 600, f"HF retry: converged {converged}, {iters} iterations, expected 600")
        check(np.allclose(cp, good), "HF retry in the old case directory returned the earlier run's Cp "
              f"(ratio to this run's {np.median(cp / good):.2f})")
        check(np.allclose(res, (2e-3 / 600, 1e-3 / 600)), f"HF retry: residuals {res}, expected the last iteration's")
        cl = hf_openfoam.cl_history(case)[1][-1]
        check(cl == 0.55, f"HF retry: forceCoeffs CL {cl} read, expected this run's 0.55")
        # a NaN lift in forceCoeffs' file (a diverged last iteration; Cp and the log as converged): the sweep records
        # the case failed, naming the file, as it does XFOIL's NaN CL; it kept CL nan and converged true
        coeffs = hf_openfoam.coefficients_file(case)
        lines = open(coeffs).read().splitlines()
        lines[-1] = re.sub(r"^(\S+ \S+ \S+ )\S+", r"\1nan", lines[-1])
        open(coeffs, "w").write("\n".join(lines) + "\n")
        import sweep

        def sweep_record():
            """The sweep's record of HF case 64 with OpenFOAM's run stood in by this run's converged outputs."""
            saved_run = sweep.hf_openfoam.run
            sweep.hf_openfoam.run = lambda *a: (cp, True, 600, res)
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    sweep._case("hf", 64, (d["m"], d["p"], d["t"], d["alpha_deg"], 3e6), work, None)
            finally:
                sweep.hf_openfoam.run = saved_run
            rec = json.load(open(f"{work}/hf/case_0064.json"))
            return rec, rec.get("error", "")

        rec, why = sweep_record()
        check(not rec["converged"] and rec["cp"] is None and coeffs in why and "not a finite number" in why,
              f"a NaN CL in OpenFOAM's forceCoeffs: the sweep's record {dict((k, rec.get(k)) for k in ('converged', 'cl_tool', 'error'))}, "
              "expected the case failed, naming the file")
        # forceCoeffs' file cut short (a row, or everything but the header): the record's error names the file (it
        # was numpy's "the number of columns changed" and "IndexError: list index out of range")
        for cut in (lines[:-1] + [lines[-1][:5]], []):
            open(coeffs, "w").write("\n".join(cut) + "\n")
            rec, why = sweep_record()
            check(not rec["converged"] and rec["cp"] is None and coeffs in why and "rerun the case" in why,
                  f"forceCoeffs' file cut short ({len(cut)} lines): the sweep's record "
                  f"{dict((k, rec.get(k)) for k in ('converged', 'error'))}, expected the case failed, naming the file")
        other = os.path.join(work, "not_a_case")
        os.makedirs(other)
        open(f"{other}/keep.txt", "w").write("kept")
        try:
            hf_openfoam.run(other, d["m"], d["p"], d["t"], d["alpha_deg"], 3e6)
            check(False, "hf_openfoam.run removed or used a directory that is not a case directory")
        except RuntimeError as e:
            check("not an HF case directory" in str(e), f"hf_openfoam.run on a foreign directory: {e}")
        check(os.path.exists(f"{other}/keep.txt"), "hf_openfoam.run removed a file of a foreign directory")
        link = os.path.join(work, "case_link")
        os.symlink(other, link)
        try:
            hf_openfoam.run(link, d["m"], d["p"], d["t"], d["alpha_deg"], 3e6)
            check(False, "hf_openfoam.run used a case directory that is a symbolic link")
        except RuntimeError as e:
            check("a symbolic link" in str(e), f"hf_openfoam.run on a linked case directory: {e}")
        check(os.path.exists(f"{other}/keep.txt"), "hf_openfoam.run removed a file through a link")
        res = hf_openfoam.residuals("GAMG:  Solving for p, Initial residual = 0.001, Final residual = 1e-5, No Iterations 3\n"
                                    "smoothSolver:  Solving for nuTilda, Initial residual = 2e-5, Final residual = 1e-7\n"
                                    "GAMG:  Solving for p, Initial residual = nan, Final residual = nan, No Iterations 1000\n")
        check(np.isnan(res[0]) and res[1] == 2e-5, f"HF residuals of a log whose last iteration diverged: {res}, expected (nan, 2e-05)")
    finally:
        mesh.mesh, hf_openfoam.write_case, hf_openfoam.fix_boundary, hf_openfoam.foam = saved

    calls = []

    def xfoil(cmd, input, cwd, **kw):
        calls.append("ASEQ" in input)
        if len(calls) == 1:
            raise subprocess.TimeoutExpired(cmd, kw.get("timeout"))
        shutil.copy(f"{SAMPLES}/xfoil_naca0012_a5_re3e6.cp", f"{cwd}/cp.txt")
        shutil.copy(f"{SAMPLES}/xfoil_naca0012_panel.dat", f"{cwd}/panel.dat")
        open(f"{cwd}/polar.txt", "w").write(f"  {SAMPLE['alpha_deg']:.3f}   {SAMPLE['cl_xfoil']}  0 0 0 0 0\n")

    saved = lf_xfoil.subprocess.run
    lf_xfoil.subprocess.run = xfoil
    try:
        cp, cl, attempts = lf_xfoil.run(os.path.join(work, "lf"), SAMPLE["m"], SAMPLE["p"], SAMPLE["t"],
                                        SAMPLE["alpha_deg"], 3e6, "/nonexistent/libnofpe.so")
        check(calls == [False, True] and attempts == 2 and cl == SAMPLE["cl_xfoil"],
              f"XFOIL timing out on the first attempt: attempts made {calls} (True: continuation), returned "
              f"attempt {attempts}, CL {cl}; expected the continuation attempt to run and give the sample's CL")
    except subprocess.TimeoutExpired:
        check(False, f"an XFOIL timeout ended lf_xfoil.run before the continuation attempt (attempts {calls})")
    finally:
        lf_xfoil.subprocess.run = saved

    # a partial Cp dump (and paneled nodes) on the first attempt, with the point in the polar: a failed attempt too
    calls.clear()

    def xfoil_partial(cmd, input, cwd, **kw):
        calls.append("ASEQ" in input)
        keep = 101 if len(calls) == 1 else None
        for src, dst in ((f"{SAMPLES}/xfoil_naca0012_a5_re3e6.cp", "cp.txt"), (f"{SAMPLES}/xfoil_naca0012_panel.dat",
                                                                            "panel.dat")):
            open(f"{cwd}/{dst}", "w").write("".join(open(src).read().splitlines(keepends=True)[:keep]))
        open(f"{cwd}/polar.txt", "w").write(f"  {SAMPLE['alpha_deg']:.3f}   {SAMPLE['cl_xfoil']}  0 0 0 0 0\n")

    lf_xfoil.subprocess.run = xfoil_partial
    try:
        cp, cl, attempts = lf_xfoil.run(os.path.join(work, "lf_partial"), SAMPLE["m"], SAMPLE["p"], SAMPLE["t"],
                                        SAMPLE["alpha_deg"], 3e6, "/nonexistent/libnofpe.so")
        check(calls == [False, True] and attempts == 2 and cp is not None,
              f"a partial XFOIL dump on the first attempt: attempts made {calls}, returned attempt {attempts}; "
              "expected the continuation attempt to run and give the sample's Cp")
        log = open(os.path.join(work, "lf_partial", "log.xfoil.1")).read()
        check("cover s" in log, "a partial XFOIL dump: the first attempt's log does not say why it failed")
    except ValueError as e:
        check(False, f"a partial XFOIL dump ended lf_xfoil.run before the continuation attempt ({calls}): {e}")
    finally:
        lf_xfoil.subprocess.run = saved

    # a NaN CL in the polar (with a whole Cp dump): no result; both attempts so: refused, naming the case's polar file
    def xfoil_nan(cmd, input, cwd, **kw):
        shutil.copy(f"{SAMPLES}/xfoil_naca0012_a5_re3e6.cp", f"{cwd}/cp.txt")
        shutil.copy(f"{SAMPLES}/xfoil_naca0012_panel.dat", f"{cwd}/panel.dat")
        open(f"{cwd}/polar.txt", "w").write(f"  {SAMPLE['alpha_deg']:.3f}   NaN  0 0 0 0 0\n")

    lf_xfoil.subprocess.run = xfoil_nan
    nan_case = os.path.join(work, "lf_nan")
    try:
        cp, cl, attempts = lf_xfoil.run(nan_case, SAMPLE["m"], SAMPLE["p"], SAMPLE["t"], SAMPLE["alpha_deg"], 3e6,
                                        "/nonexistent/libnofpe.so")
        check(False, f"a NaN CL in XFOIL's polar accepted: CL {cl}, attempt {attempts}")
    except ValueError as e:
        check(f"{nan_case}/polar.txt" in str(e) and "not a finite number" in str(e),
              f"a NaN CL in XFOIL's polar: refused, but the message does not name the case's polar: {e}")
    finally:
        lf_xfoil.subprocess.run = saved


def test_mesh(work):
    if not shutil.which("gmsh"):
        print("gmsh missing: skipped")
        sys.exit(77)
    import mesh

    os.makedirs(work, exist_ok=True)
    geo, msh = os.path.join(work, "a.geo"), os.path.join(work, "a.msh")
    mesh.write_geo(geo, 0.06, 0.6, 0.08)  # the design box's most cambered, thinnest corner
    mesh.mesh(geo, msh, os.path.join(work, "log.gmsh"))
    log = open(os.path.join(work, "log.gmsh")).read()
    check("Error" not in log, f"gmsh reported errors: see {work}/log.gmsh")
    with open(msh) as f:
        txt = f.read()
    names = re.findall(r'^\d+ \d+ "(\w+)"$', txt, flags=re.M)
    check(sorted(names) == ["airfoil", "farfield", "frontAndBack", "internal"], f"physical groups {names}")
    elems = txt.split("$Elements\n")[1].split("$EndElements")[0].split("\n")[1:-1]
    types = np.array([int(e.split()[1]) for e in elems])
    hexes, prisms = int((types == 5).sum()), int((types == 6).sum())
    check(hexes > 5000, f"{hexes} hexahedra: the quadrilateral boundary layer is missing")
    check(prisms > 2000, f"{prisms} prisms: the triangles outside the boundary layer are missing")
    check(10000 <= hexes + prisms <= 40000, f"{hexes + prisms} cells, expected about 20k")
    nodes = txt.split("$Nodes\n")[1].split("$EndNodes")[0].split("\n")[1:-1]
    z = np.unique([float(n.split()[3]) for n in nodes])
    check(len(z) == 2, f"{len(z)} node planes in z, expected 2 (one cell thick)")
    xy = np.array([[float(v) for v in n.split()[1:3]] for n in nodes])
    r = np.hypot(xy[:, 0] - 0.5, xy[:, 1]).max()
    check(abs(r - 20.0) < 0.1, f"far field at {r:.2f} chords, expected 20")
    # first cell: the nearest node off the wall, in chords (y+ ~ first_cell * Re * u_tau / U < 1)
    check(mesh.SETTINGS["first_cell"] <= 1e-5, f"first cell {mesh.SETTINGS['first_cell']}: y+ > 1 at Re 3e6")


def test_split(path, out):
    import h5py

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "bench", "airfoil-mf"))
    import harness

    data = harness.load(path)
    split = harness.make_split(data)
    harness.write_split(data, split, out)
    test = set(split["test"])
    n_hf = len(np.unique(data["hf"][2]))
    check(len(test) == round(0.2 * n_hf), f"{len(test)} test airfoils of {n_hf} HF cases, expected 20%")
    pool = n_hf - len(test)
    prev = set()
    for fraction in harness.FRACTIONS:
        with h5py.File(f"{out}/{harness.train_name(fraction)}", "r") as f:
            lf, hf = set(f["lf/case"][...].tolist()), set(f["hf/case"][...].tolist())
            want = 1.0 if fraction > 0 else 0.0
            check(f.attrs["mf_hf_fraction"] == want, f"{fraction}: mf_hf_fraction {f.attrs['mf_hf_fraction']}")
        check(not (lf & test) and not (hf & test), f"HF fraction {fraction}: test airfoils in the training file")
        ids = set(split["train_hf"][f"{fraction:g}"])
        check(len(ids) == round(fraction * pool), f"HF fraction {fraction}: {len(ids)} cases of a pool of {pool}")
        check(prev <= ids, f"HF fraction {fraction}: the training sets are not nested")
        check(fraction == 0 or hf == ids, f"HF fraction {fraction}: the file's /hf cases are not the split's")
        prev = ids
    X, Y, YL, case = harness.load_test(f"{out}/test.h5")
    check(set(np.unique(case).tolist()) == test, "test.h5 holds other cases than the split's test airfoils")
    check(np.isfinite(YL).all() and YL.shape == Y.shape, "test.h5: /YLF missing or misshapen")
    s = harness.score(X, Y, Y, case)
    check(s["cp_rel_l2"] == 0 and s["cl_abs_err"] == 0, f"the truth scored against itself: {s}")
    check_atomic_writes(harness, data, split, out)


def leftovers(out):
    return sorted(n for n in os.listdir(out) if ".tmp" in n)


def check_atomic_writes(harness, data, split, out):
    """A write that fails part-way (harness.write_text given what it cannot write; write_split given HF values
    HDF5 cannot store, so the first training file fails after its LF rows) must raise, leave no temporary file
    and leave the files already there as they were: the next step must never read a partial split."""
    import h5py

    note = os.path.join(out, "note.txt")
    harness.write_text(note, "kept")
    try:
        harness.write_text(note, object())
        check(False, "harness.write_text wrote an object that is not text without an error")
    except TypeError:
        pass
    check(open(note).read() == "kept", "harness.write_text changed the file although its write failed")
    check(not leftovers(out), f"harness.write_text left temporary files after a failed write: {leftovers(out)}")
    first = f"{out}/{harness.train_name(harness.FRACTIONS[0])}"
    with h5py.File(first, "r") as f:
        shape = f["hf/Y"].shape
    bad = dict(data, hf=(data["hf"][0], data["hf"][1].astype(object), data["hf"][2]))
    try:
        harness.write_split(bad, split, out)
        check(False, "harness.write_split stored HF values of dtype object without an error")
    except TypeError:
        pass
    with h5py.File(first, "r") as f:
        got = f["hf/Y"].shape if "hf/Y" in f else None
    check(got == shape, f"{first}: /hf/Y is {got} after a failed write_split, expected the previous {shape}: a "
          "partial file was left in place")
    check(not leftovers(out), f"harness.write_split left temporary files after a failed write: {leftovers(out)}")


def small_sweep(f):
    """A sweep of three designs of dataset f: its first two HF cases and one LF-only case; their ids, the sweep's case
    records of each fidelity and its settings.json."""
    hf_ids = f["cases/hf/id"][:2].tolist()
    lf_ids = hf_ids + [i for i in f["cases/lf/id"][...].tolist() if i not in hf_ids][:1]
    settings = {"design": json.loads(f.attrs["design"]), "xfoil": json.loads(f.attrs["lf_settings"]),
                "openfoam": json.loads(f.attrs["hf_settings"]), "mesh": json.loads(f.attrs["mesh_settings"])}
    return hf_ids, lf_ids, case_records(f, "lf", lf_ids), case_records(f, "hf", hf_ids), settings


def case_records(f, kind, ids):
    """The sweep's case records (sweep.py _case) of the cases ids of one fidelity, made from dataset f's rows."""
    case_id, design, cl_tool = (f[f"cases/{kind}/{k}"][...] for k in ("id", "design", "CL_tool"))
    Y, case, recs = f[f"{kind}/Y"][:, 0], f[f"{kind}/case"][...], []
    for cid in ids:
        k = int(np.flatnonzero(case_id == cid)[0])
        m, p, t, alpha, re = design[k]
        recs.append({"case": int(cid), "m": m, "p": p, "t": t, "alpha_deg": alpha, "Re": re * 1e6, "converged": True,
                     "cl_tool": float(cl_tool[k]), "wall_s": 1.0, "cpu_s": 1.0, "cp": Y[case == cid].tolist()})
    return recs


def write_records(work, kind, recs):
    os.makedirs(f"{work}/{kind}", exist_ok=True)
    for r in recs:
        with open(f"{work}/{kind}/case_{r['case']:04d}.json", "w") as o:
            json.dump(r, o)


def test_build(path, out):
    """build_dataset.py on case records made from the committed dataset (3 LF designs, 2 of them with HF, one
    failed LF case) must give back the dataset's rows and per-case values for those designs; then a record with
    one Cp value too few must stop the build with an error naming it, leaving the file already built as it was."""
    import h5py

    work = os.path.join(out, "work")
    shutil.rmtree(out, ignore_errors=True)
    with h5py.File(path, "r") as f:
        hf_ids, lf_ids, lf, hf, settings = small_sweep(f)
        want = {}
        for kind, ids in (("lf", lf_ids), ("hf", hf_ids)):
            case, case_id = f[f"{kind}/case"][...], f[f"cases/{kind}/id"][...]
            rows = np.concatenate([np.flatnonzero(case == i) for i in sorted(ids)])
            k = [int(np.flatnonzero(case_id == i)[0]) for i in sorted(ids)]
            want[kind] = (f[f"{kind}/X"][...][rows], f[f"{kind}/Y"][...][rows], case[rows], f[f"cases/{kind}/CL"][k])
    write_records(work, "lf", lf + [dict(lf[0], case=9999, converged=False, cp=None)])
    hf[0].update(iterations=600, residual_p=3e-6, residual_nuTilda=2e-6)  # the others: records without them
    write_records(work, "hf", hf)
    with open(f"{work}/settings.json", "w") as o:
        json.dump(settings, o)
    built = os.path.join(out, "built.h5")
    cmd = [sys.executable, os.path.join(HERE, "build_dataset.py"), "--work", work, "--out", built]
    r = subprocess.run(cmd, capture_output=True, text=True)
    check(r.returncode == 0, f"build_dataset.py failed: {r.stderr.strip()[-300:]}")
    if r.returncode != 0:
        return
    with h5py.File(built, "r") as f:
        for kind in ("lf", "hf"):
            X, Y, case, cl = want[kind]
            check(np.array_equal(f[f"{kind}/case"][...], case), f"/{kind}/case differs from the dataset's")
            check(np.allclose(f[f"{kind}/X"][...], X, rtol=0, atol=1e-12), f"/{kind}/X differs from the dataset's")
            check(np.array_equal(f[f"{kind}/Y"][...], Y), f"/{kind}/Y differs from the dataset's")
            check(np.allclose(f[f"cases/{kind}/CL"][...], cl, rtol=0, atol=1e-12),
                  f"/cases/{kind}/CL {f[f'cases/{kind}/CL'][...]} differs from the dataset's {cl}")
        k = int(np.flatnonzero(f["cases/hf/id"][...] == hf[0]["case"])[0])
        got = [f[f"cases/hf/{n}"][...] for n in ("iterations", "residual_p", "residual_nuTilda")]
        check([g[k] for g in got] == [600, 3e-6, 2e-6] and got[0][1 - k] == -1 and np.isnan(got[1][1 - k]),
              f"/cases/hf/iterations, residual_p, residual_nuTilda {got}: expected the records' values, -1 and NaN "
              "where a record has none")
        check("hf_residual_note" in f.attrs, "attribute hf_residual_note missing")
        check(f.attrs["n_lf_failed"] == 1 and f.attrs["n_lf_cases"] == 3 and f.attrs["n_hf_cases"] == 2,
              "case counts: %s" % {k: f.attrs[k] for k in ("n_lf_cases", "n_lf_failed", "n_hf_cases")})
    before = open(built, "rb").read()
    write_records(work, "hf", [dict(hf[0], cp=hf[0]["cp"][:-1])])
    r = subprocess.run(cmd, capture_output=True, text=True)
    bad = f"case_{hf[0]['case']:04d}.json"
    check(r.returncode != 0 and bad in r.stderr and "expected one per station" in r.stderr,
          f"a record with one Cp value too few: exit {r.returncode}, stderr {r.stderr.strip()[-300:]!r}")
    check(open(built, "rb").read() == before, "the failed build changed the dataset already built")
    # a value HDF5 cannot store (None among the Cp values): the build fails while writing the new file
    write_records(work, "hf", [dict(hf[0], cp=[None] + hf[0]["cp"][1:])])
    r = subprocess.run(cmd, capture_output=True, text=True)
    check(r.returncode != 0, "a record with a Cp value None was built without an error")
    check(open(built, "rb").read() == before, "a build that failed while writing changed the dataset already built")
    # a converged record with a NaN tool CL or Cp value (json reads NaN; sweeps before the tools' NaN CL was refused
    # wrote such records): refused naming the file and the value, not built into the dataset as a NaN row or CL
    for key, value in (("cl_tool", float("nan")), ("cp", [float("inf")] + hf[0]["cp"][1:])):
        write_records(work, "hf", [dict(hf[0], **{key: value})])
        r = subprocess.run(cmd, capture_output=True, text=True)
        what = "cp[0]" if key == "cp" else key
        check(r.returncode == 1 and bad in r.stderr and f"{what} is not a finite number" in r.stderr,
              f"a converged record with {key} not finite: exit {r.returncode}, stderr {r.stderr.strip()[-300:]!r}")
        check(open(built, "rb").read() == before, f"a build refused for a {key} not finite changed the dataset")
    write_records(work, "hf", hf)
    # --out naming an input (the sweep's settings.json, a case record): refused before the build, the input kept
    for name in ("settings.json", f"lf/case_{lf[0]['case']:04d}.json"):
        kept = open(f"{work}/{name}", "rb").read()
        r = subprocess.run(cmd[:-1] + [f"{work}/{name}"], capture_output=True, text=True)
        check(r.returncode == 1 and "is the same file as the input" in r.stderr and
              open(f"{work}/{name}", "rb").read() == kept,
              f"--out {name} (an input): exit {r.returncode}, stderr {r.stderr.strip()[-300:]!r}, input kept: "
              f"{open(f'{work}/{name}', 'rb').read() == kept}")
    check(not leftovers(out), f"the failed builds left temporary files: {leftovers(out)}")


def h5_tree(path, groups):
    """Every dataset under groups of path: name -> (values, dtype, chunks, compression, shuffle), and the attributes."""
    import h5py

    out = {}
    with h5py.File(path, "r") as f:
        for g in groups:
            f[g].visititems(lambda n, o: out.__setitem__(f"{g}/{n}", (o[...].tobytes(), o.dtype, o.chunks, o.compression,
                                                                       o.shuffle)) if hasattr(o, "dtype") else None)
        return out, {k: np.asarray(v).tobytes() for k, v in f.attrs.items()}


def test_hf_from(path, out):
    """build_dataset.py --hf_from FILE on an LF-only work directory (records made from the committed dataset, one LF
    Cp changed as a regenerated sweep would): the LF rows are the records', the HF half (/hf, /cases/hf, the HF
    attributes) is FILE's to the byte, with its storage, also when FILE is --out itself, and the LF rows' s is FILE's
    /stations (here made one ulp off airfoil.stations() in places, as the committed file's are). A FILE whose HF design differs
    from the sweep's LF design of that id (by one ulp in alpha), an HF case without converged LF, and a work directory
    holding HF records are refused with an error naming the problem, leaving --out as it was and no temporary file."""
    import h5py

    import build_dataset

    shutil.rmtree(out, ignore_errors=True)
    work, full = os.path.join(out, "work"), os.path.join(out, "full.h5")
    with h5py.File(path, "r") as f:
        hf_ids, lf_ids, lf, hf, settings = small_sweep(f)
    write_records(work, "lf", lf)
    write_records(work, "hf", hf)
    with open(f"{work}/settings.json", "w") as o:
        json.dump(settings, o)

    def build(w, dest, *extra):
        return subprocess.run([sys.executable, os.path.join(HERE, "build_dataset.py"), "--work", w, "--out", dest,
                               *extra], capture_output=True, text=True)

    r = build(work, full)  # the dataset whose HF half is taken: built with HF records of its own
    check(r.returncode == 0, f"build_dataset.py failed: {r.stderr.strip()[-300:]}")
    if r.returncode != 0:
        return
    with h5py.File(full, "r+") as f:  # stations one ulp off airfoil.stations() here and there, as the committed file's
        st = f["stations"][...]
        st[2::7] = np.nextafter(st[2::7], np.inf)
        f["stations"][...] = st
        X = f["hf/X"][...]
        X[:, 5] = np.tile(st, X.shape[0] // len(st))
        f["hf/X"][...] = X
    lf_work = os.path.join(out, "lf_work")  # the regenerated LF sweep: no HF records, one LF Cp changed
    lf_new = [dict(x) for x in lf]
    lf_new[0]["cp"] = [lf_new[0]["cp"][0] + 0.125] + lf_new[0]["cp"][1:]
    write_records(lf_work, "lf", lf_new)
    shutil.copy(f"{work}/settings.json", lf_work)
    groups = build_dataset.HF_GROUPS
    want, want_attrs = h5_tree(full, groups)
    want_attrs = {k: v for k, v in want_attrs.items() if k in build_dataset.HF_ATTRS}
    check(len(want_attrs) == len(build_dataset.HF_ATTRS) - 1, f"{full}: HF attributes {sorted(want_attrs)}")  # no reuse note
    inplace = os.path.join(out, "inplace.h5")
    shutil.copy(full, inplace)
    for dest, src in ((os.path.join(out, "new.h5"), full), (inplace, inplace)):
        r = build(lf_work, dest, "--hf_from", src)
        check(r.returncode == 0, f"--hf_from {src} --out {dest}: failed: {r.stderr.strip()[-300:]}")
        if r.returncode != 0:
            continue
        got, got_attrs = h5_tree(dest, groups)
        check(got == want, f"{dest}: the HF datasets differ from {src}'s (values, type or storage): "
              f"{sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))}")
        bad = [k for k in want_attrs if got_attrs.get(k) != want_attrs[k]]
        check(not bad, f"{dest}: HF attributes {bad} differ from {src}'s")
        with h5py.File(dest, "r") as f:
            y, case = f["lf/Y"][:, 0], f["lf/case"][...]
            for rec in lf_new:
                check(np.array_equal(y[case == rec["case"]], rec["cp"]), f"{dest}: LF case {rec['case']}: Cp is not "
                      "the new sweep's")
            check(f.attrs["n_lf_cases"] == 3, f"{dest}: n_lf_cases {f.attrs['n_lf_cases']}, expected 3")
            check(np.array_equal(f["stations"][...], st) and np.array_equal(f["lf/X"][:, 5], np.tile(st, 3)),
                  f"{dest}: /stations or the LF rows' s are not {src}'s /stations to the bit (the HF rows' s)")
    before = open(inplace, "rb").read()
    refusals = []
    moved = [dict(x) for x in lf_new]
    moved[0]["alpha_deg"] = float(np.nextafter(moved[0]["alpha_deg"], np.inf))
    refusals.append(("an HF design one ulp off the LF one", moved, False, "another design than the sweep's"))
    refusals.append(("an HF case without converged LF", [dict(lf_new[0], converged=False, cp=None)] + lf_new[1:],
                     False, "no converged LF case in the sweep"))
    refusals.append(("a work directory with HF records", lf_new, True, "holds HF records"))
    for label, recs, with_hf, message in refusals:
        bad_work = os.path.join(out, "bad_work")
        shutil.rmtree(bad_work, ignore_errors=True)
        write_records(bad_work, "lf", recs)
        if with_hf:
            write_records(bad_work, "hf", hf)
        shutil.copy(f"{work}/settings.json", bad_work)
        r = build(bad_work, inplace, "--hf_from", inplace)
        check(r.returncode != 0 and message in r.stderr and "--hf_from" in r.stderr,
              f"--hf_from with {label}: exit {r.returncode}, stderr {r.stderr.strip()[-300:]!r}, expected an error "
              f"saying '{message}'")
        check(open(inplace, "rb").read() == before, f"--hf_from with {label}: the refused build changed --out")
    check(not leftovers(out), f"the --hf_from builds left temporary files: {leftovers(out)}")


class Interrupted(BaseException):
    """A stand-in tool's way to stop the sweep as Ctrl-C would (not an Exception: sweep._case would record it)."""


def test_sweep(path, out):
    """sweep.py with the tools replaced by stand-ins that count their runs (in this process: --jobs 1). A sweep
    reusing a dataset (--reuse) of the same designs runs only the cases the dataset lacks, its failed ones not again
    (for LF and HF); the dataset built then holds the reused cases' rows to the bit. A sweep interrupted in its HF
    cases, run again, runs only the cases it had not finished. Another --lf (another design): nothing reused, a
    warning. A dataset of other lf, hf or mesh settings: nothing of that fidelity reused, a warning naming the setting.
    A file that is not a dataset: one line naming it, nothing run or written. --only hf with a dataset of another --lf:
    an exit advising the LF sweep. The committed dataset path: a fresh sweep with the default --lf 480 and --hf 104 runs XFOIL on no
    design and OpenFOAM only on the 2 of the first 104 converged LF designs never run (81, 82), and the dataset
    built from it has the committed rows of every case to the bit."""
    import h5py

    import build_dataset
    import sweep

    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    n = len(airfoil.stations())
    calls = {"lf": [], "hf": []}
    fail = {"lf": set(), "hf": set()}
    stop = {"after": None}
    last = {"log": ""}

    def cp_of(kind, m, p, t, alpha, re):  # a Cp that depends on the design and the fidelity
        return np.linspace(-1, 1, n) * (alpha + 10 * m + t) + (0.01 if kind == "hf" else 0) + re * 1e-9

    def lf_run(case, m, p, t, alpha, re, lib):
        calls["lf"].append(int(case[-4:]))
        if int(case[-4:]) in fail["lf"]:
            return None, None, 2
        return cp_of("lf", m, p, t, alpha, re), 0.5, 1

    def hf_run(case, m, p, t, alpha, re):
        if stop["after"] is not None and len(calls["hf"]) == stop["after"]:
            raise Interrupted()
        calls["hf"].append(int(case[-4:]))
        return cp_of("hf", m, p, t, alpha, re), int(case[-4:]) not in fail["hf"], 100, (1e-6, 1e-6)

    saved = (sweep.lf_xfoil.run, sweep.hf_openfoam.run, sweep._foam_cl, sweep.lf_xfoil.nofpe_library)
    sweep.lf_xfoil.run, sweep.hf_openfoam.run = lf_run, hf_run
    sweep._foam_cl = lambda cdir: 0.6
    sweep.lf_xfoil.nofpe_library = lambda d: "/nonexistent/libnofpe.so"

    def run(work, *args, reuse="none"):
        for v in calls.values():
            v.clear()
        log = io.StringIO()
        try:
            with contextlib.redirect_stdout(log):
                sweep.main(["--work", work, "--jobs", "1", "--reuse", reuse, *map(str, args)])
        finally:
            last["log"] = log.getvalue()  # also when the sweep stops
        return {k: list(v) for k, v in calls.items()}, log.getvalue()

    def build(work, dest):
        with contextlib.redirect_stdout(io.StringIO()):
            build_dataset.main(["--work", work, "--out", dest])

    def rows(f, kind, ids):
        case = f[f"{kind}/case"][...]
        k = np.isin(case, list(ids))
        return f[f"{kind}/X"][...][k], f[f"{kind}/Y"][...][k], case[k]

    try:
        fail["lf"] = {3}
        first, log = run(f"{out}/a", "--lf", 8, "--hf", 2)
        hf_a = first["hf"]
        check(first["lf"] == list(range(8)) and len(hf_a) == 2, f"first sweep: tool runs {first}")
        fail["hf"] = {hf_a[0]}  # the dataset holds one failed HF case
        shutil.rmtree(f"{out}/a/hf")
        run(f"{out}/a", "--lf", 8, "--hf", 2)
        a = f"{out}/a.h5"
        build(f"{out}/a", a)
        # the same --work after a change of tool or mesh settings: its cases were run with the old ones, so the sweep
        # refuses (one line naming the setting and the fix) before anything runs or settings.json is rewritten
        before = open(f"{out}/a/settings.json").read()
        for mod, key, value, fid in ((sweep.lf_xfoil, "panels", 100, "lf"), (sweep.mesh, "growth", 1.3, "hf")):
            old = mod.SETTINGS[key]
            mod.SETTINGS[key] = value
            code = None
            try:
                run(f"{out}/a", "--lf", 8, "--hf", 2)
            except SystemExit as e:
                code = e.code
            finally:
                mod.SETTINGS[key] = old
            check(isinstance(code, str) and key in code and "--work" in code and f"{fid}/" in code and
                  not any(calls.values()) and open(f"{out}/a/settings.json").read() == before,
                  f"a rerun in --work {out}/a after {key} {old} -> {value}: exit {code!r}, tool runs {calls}: expected "
                  f"one line naming {key} and the fix (another --work or remove {fid}/), nothing run nor rewritten")
        fail["hf"] = set()  # it would converge now: it must not be run again all the same
        got, log = run(f"{out}/b", "--lf", 8, "--hf", 4, reuse=a)
        hf_b = [i for i in sweep._converged_lf(range(8), f"{out}/b")][:4]
        check(got["lf"] == [] and got["hf"] == hf_b[2:], f"a sweep to --hf 4 reusing {a} (--hf 2, LF case 3 and HF "
              f"case {hf_a[0]} failed): tool runs {got}, expected only HF {hf_b[2:]}")
        check(hf_b[:2] == hf_a, f"the first 2 HF designs of --hf 4 {hf_b[:2]} are not those of --hf 2 {hf_a}")
        check("taken from" in log, f"the sweep does not say it reused cases: {log!r}")
        b = f"{out}/b.h5"
        build(f"{out}/b", b)
        with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
            for kind, ids in (("lf", range(8)), ("hf", hf_a)):
                for x, y in zip(rows(fa, kind, ids), rows(fb, kind, ids)):
                    check(np.array_equal(x, y), f"{b}: the {kind.upper()} rows reused from {a} are not its rows")
            check(fb.attrs["n_lf_failed"] == 1 and fb.attrs["n_hf_cases"] == 3 and
                  fb.attrs["hf_failed_ids"].tolist() == [hf_a[0]] and "hf_reused_note" in fb.attrs,
                  f"{b}: counts {[fb.attrs[k] for k in ('n_lf_failed', 'n_hf_cases', 'hf_failed_ids')]}, expected "
                  f"1 failed LF case, 3 HF cases, HF case {hf_a[0]} failed, and hf_reused_note")
        # interrupted after one new HF case: the rerun runs only the other two new ones
        stop["after"] = 1
        try:
            run(f"{out}/c", "--lf", 8, "--hf", 5, reuse=a)
            check(False, "the stand-in's interrupt did not stop the sweep")
        except Interrupted:
            pass
        stop["after"] = None
        done = calls["hf"][:]
        got, _ = run(f"{out}/c", "--lf", 8, "--hf", 5, reuse=a)
        hf_c = sweep._converged_lf(range(8), f"{out}/c")[:5]
        check(len(done) == 1 and sorted(done + got["hf"]) == sorted(hf_c[2:]) and got["lf"] == [],
              f"an interrupted sweep run again: HF runs {done} then {got}, expected the 3 new cases {hf_c[2:]} once each")
        # another --lf: other designs; nothing reused and a warning, not a silent rerun
        got, log = run(f"{out}/d", "--lf", 9, "--hf", 1, reuse=a)
        check(len(got["lf"]) == 9 and "WARNING" in log and "none of its" in log,
              f"--lf 9 reusing a dataset of --lf 8: tool runs {got}, log {log!r}: expected every case run and a warning")
        # a dataset made with other tool settings: nothing of that fidelity reused, a warning naming what differs
        for attr, key, value, kind in (("lf_settings", "panels", 100, "lf"), ("hf_settings", "turbulence", "kOmegaSST",
                                       "hf"), ("mesh_settings", "growth", 1.3, "hf")):
            other = f"{out}/other_{attr}.h5"
            shutil.copyfile(a, other)
            with h5py.File(other, "r+") as fo:
                fo.attrs[attr] = json.dumps({**json.loads(fo.attrs[attr]), key: value})
            got, log = run(f"{out}/s_{attr}", "--lf", 8, "--hf", 2, reuse=other)
            want = {"lf": list(range(8)), "hf": []} if kind == "lf" else {"lf": [], "hf": hf_a}
            check(got == want and "WARNING" in log and key in log and str(value) in log,
                  f"--reuse of a dataset with {attr} {key} {value}: tool runs {got}, expected {want} (no "
                  f"{kind.upper()} case reused, the other fidelity's reused) and a warning naming {key}: {log!r}")
        # a file that is not a dataset: one line naming it, before any case runs or anything is written
        bad = {"a truncated file": f"{out}/truncated.h5", "a JSON file": f"{out}/not_h5.json",
               "an HDF5 file without the dataset's attributes": f"{out}/bare.h5"}
        with open(a, "rb") as src, open(bad["a truncated file"], "wb") as o:
            o.write(src.read(5000))
        with open(bad["a JSON file"], "w") as o:
            o.write('{"design": 1}')
        with h5py.File(bad["an HDF5 file without the dataset's attributes"], "w") as fo:
            fo["x"] = [1.0]
        bad["a dataset whose /cases/lf/id is longer than its design"] = f"{out}/long_ids.h5"
        shutil.copyfile(a, bad["a dataset whose /cases/lf/id is longer than its design"])
        with h5py.File(bad["a dataset whose /cases/lf/id is longer than its design"], "r+") as fo:
            ids = fo["cases/lf/id"][...]
            del fo["cases/lf/id"]
            fo["cases/lf/id"] = np.append(ids, [5, 6])
        for label, file in bad.items():
            err, code = io.StringIO(), None
            try:
                with contextlib.redirect_stderr(err):
                    run(f"{out}/bad", "--lf", 8, "--hf", 2, reuse=file)
            except SystemExit as e:
                code = e.code
            except Exception as e:  # noqa: BLE001  (the defect looked for)
                code = f"traceback {type(e).__name__}: {e}"
            msg = err.getvalue() + (code if isinstance(code, str) else "")
            check(code not in (None, 0) and not str(code).startswith("traceback") and file in msg and
                  len(msg.strip().splitlines()[-1]) > len(file) and not any(calls.values()) and
                  not os.path.exists(f"{out}/bad"),
                  f"--reuse with {label}: exit {code!r}, message {msg.strip()[-300:]!r}, tool runs {calls}, work "
                  f"directory made: {os.path.exists(out + '/bad')}: expected one line naming {file}, nothing run")
        # --only hf with a dataset of another --lf: no LF case taken; the advice is to run the LF sweep, not more designs
        code = None
        try:
            run(f"{out}/h", "--only", "hf", "--lf", 9, "--hf", 1, reuse=a)
        except SystemExit as e:
            code = e.code
        log = last["log"]
        check(isinstance(code, str) and "--only lf" in code and "raise --lf" not in code and
              "every case runs" not in log and not any(calls.values()),
              f"--only hf reusing a dataset of another --lf: exit {code!r}, tool runs {calls}: expected an exit advising "
              "the LF sweep (--only lf), not 'raise --lf', and no warning saying every case runs")
        # the committed dataset: --lf 480 --hf 104 from an empty work directory
        got, log = run(f"{out}/e", reuse=path)
        check(got["lf"] == [] and sorted(got["hf"]) == [81, 82], f"a fresh sweep reusing {path}: tool runs "
              f"{ {k: v[:10] for k, v in got.items()} }, expected no LF run and HF 81, 82 only")
        e = f"{out}/e.h5"
        build(f"{out}/e", e)
        with h5py.File(path, "r") as fc, h5py.File(e, "r") as fe:
            for kind in ("lf", "hf"):
                ids = fc[f"cases/{kind}/id"][...]
                for what, x, y in zip(("X", "Y", "case"), rows(fc, kind, ids), rows(fe, kind, ids)):
                    check(np.array_equal(x, y), f"{e}: /{kind}/{what} of the reused cases differs from {path}'s")
            check(fe.attrs["n_lf_failed"] == fc.attrs["n_lf_failed"] and fe.attrs["hf_failed_ids"].tolist() ==
                  fc.attrs["hf_failed_ids"].tolist() and fe.attrs["n_hf_cases"] == fc.attrs["n_hf_cases"] + 2,
                  f"{e}: failed LF {fe.attrs['n_lf_failed']}, failed HF {fe.attrs['hf_failed_ids']}, HF cases "
                  f"{fe.attrs['n_hf_cases']}: expected the committed file's failures and 2 HF cases more")
    finally:
        sweep.lf_xfoil.run, sweep.hf_openfoam.run, sweep._foam_cl, sweep.lf_xfoil.nofpe_library = saved


def test_sweep_args(work):
    """sweep.py refuses counts that mean nothing (usage error, exit 2) before it writes anything: --hf -1 was taken as
    a slice end ([: -1]: all converged LF designs but one, 475 OpenFOAM runs of ~80 s), --jobs 0 stopped with a
    traceback after the reused records were written, --lf -3 with numpy's."""
    import sweep

    shutil.rmtree(work, ignore_errors=True)
    saved = sweep._run
    sweep._run = lambda kind, ids, *a, **k: check(False, f"sweep.py ran {len(ids)} {kind.upper()} cases")
    try:
        for bad in (["--hf", "-1"], ["--lf", "-3"], ["--jobs", "0"], ["--hf", "x"]):  # --lf 0: no design (the tests')
            err = io.StringIO()
            try:
                with contextlib.redirect_stderr(err):
                    sweep.main(["--work", work, "--reuse", "none"] + bad)
                check(False, f"sweep.py {' '.join(bad)}: accepted")
            except SystemExit as e:
                check(e.code == 2 and bad[0] in err.getvalue(), f"sweep.py {' '.join(bad)}: exit {e.code}, "
                      f"expected a usage error (2) naming {bad[0]}: {err.getvalue().strip()}")
            check(not os.path.exists(work), f"sweep.py {' '.join(bad)}: wrote {work}")
        # --work naming a file (a FileExistsError traceback from makedirs): a usage error naming it, the file kept
        os.makedirs(os.path.dirname(work), exist_ok=True)
        with open(work, "w") as f:
            f.write("not a directory\n")
        err = io.StringIO()
        try:
            with contextlib.redirect_stderr(err):
                sweep.main(["--work", work, "--reuse", "none", "--lf", "0"])
            check(False, "sweep.py --work FILE: accepted")
        except SystemExit as e:
            check(e.code == 2 and f"--work {work}: not a directory" in err.getvalue(),
                  f"sweep.py --work FILE: exit {e.code}: {err.getvalue().strip()}")
        except OSError as e:
            check(False, f"sweep.py --work FILE: {type(e).__name__}: {e}")
        check(open(work).read() == "not a directory\n", "sweep.py --work FILE: the file changed")
        os.remove(work)
    finally:
        sweep._run = saved


def test_work_designs(work):
    """A work directory's records are designs of this sweep's hypercube: sweep.py --lf 8 on a work directory of --lf 6
    kept the 6-design records as done and ran HF on the 8-design hypercube, so LF and HF case 2 were different
    airfoils; build_dataset.py then wrote them under one id. Both refuse now, naming the cases, writing nothing."""
    import build_dataset
    import sweep

    shutil.rmtree(work, ignore_errors=True)
    ran = []

    def case(kind, cid, x, w, lib):  # the sweep's _case with the tool replaced: a converged record of design x
        m, p, t, alpha, re = (float(v) for v in x)
        rec = {"case": cid, "m": m, "p": p, "t": t, "alpha_deg": alpha, "Re": re, "converged": True, "cl_tool": 0.1,
               "wall_s": 1.0, "cpu_s": 1.0, "cp": [0.5] * len(airfoil.stations())}
        open(f"{w}/{kind}/case_{cid:04d}.json", "w").write(json.dumps(rec))
        ran.append((kind, cid))
        return f"{kind} {cid}"

    saved = sweep._case, sweep.lf_xfoil.nofpe_library
    sweep._case, sweep.lf_xfoil.nofpe_library = case, lambda d: "/nonexistent/libnofpe.so"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            sweep.main(["--work", work, "--lf", "6", "--hf", "2", "--jobs", "1", "--reuse", "none"])
        check(len(ran) == 8, f"sweep --lf 6 --hf 2 ran {ran}, expected 6 LF and 2 HF cases")
        before = sorted(os.listdir(f"{work}/lf")), sorted(os.listdir(f"{work}/hf"))
        err, ran[:] = io.StringIO(), []
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                sweep.main(["--work", work, "--lf", "8", "--hf", "4", "--jobs", "1", "--reuse", "none"])
            check(False, f"sweep --lf 8 on a work directory of --lf 6: accepted, ran {ran}")
        except SystemExit as e:
            check("--lf" in str(e.code) and "case" in str(e.code), f"sweep --lf 8 on a --lf 6 work directory: {e.code}")
        check(not ran and before == (sorted(os.listdir(f"{work}/lf")), sorted(os.listdir(f"{work}/hf"))),
              f"sweep --lf 8 on a --lf 6 work directory ran {ran} or changed the records")
        # a finished LF record without its converged flag (edited by hand) and an LF case to run: one line naming the
        # record before any case runs (a KeyError traceback when the HF designs were chosen, after the LF cases ran)
        path = f"{work}/lf/case_0002.json"
        kept = open(path).read()
        open(path, "w").write(json.dumps({k: v for k, v in json.loads(kept).items() if k != "converged"}))
        os.remove(f"{work}/lf/case_0005.json")
        ran[:] = []
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                sweep.main(["--work", work, "--lf", "6", "--hf", "2", "--jobs", "1", "--reuse", "none"])
            check(False, f"sweep with an LF record without 'converged': accepted, ran {ran}")
        except SystemExit as e:
            check(f"{path} cannot be read as a case record (KeyError: 'converged')" in str(e.code) and not ran,
                  f"sweep with an LF record without 'converged': {e.code}, ran {ran}")
        open(path, "w").write(kept)
        # build_dataset: an HF record whose design is not its LF case's (as such a sweep left them)
        path = f"{work}/hf/case_0001.json"
        rec = json.load(open(path))
        rec["m"] = rec["m"] * 0.5
        open(path, "w").write(json.dumps(rec))
        out = f"{work}/refused.h5"
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                build_dataset.main(["--work", work, "--out", out])
            check(False, "build_dataset: an HF case with another design than its LF case: built")
        except SystemExit as e:
            check("1" in str(e.code) and "design" in str(e.code), f"build_dataset, HF case 1 of another design: {e.code}")
        check(not os.path.exists(out), f"build_dataset refused, but wrote {out}")
    finally:
        sweep._case, sweep.lf_xfoil.nofpe_library = saved
        shutil.rmtree(work, ignore_errors=True)


def test_sanity(work):
    """sanity.py with the tools replaced (sweep._case writes the records): a failed case stops it with one line naming
    the case and its error, writing neither sanity.json nor sanity.png (a failed record has no cl_tool: KeyError, and
    the failed record made every rerun fail alike); with every case converged both are written."""
    try:
        import matplotlib  # noqa: F401  (sanity.png)
    except ImportError:
        print("matplotlib missing: skipped")
        sys.exit(77)
    import sanity

    shutil.rmtree(work, ignore_errors=True)
    s, cp = airfoil.parse_xfoil_cp(f"{SAMPLES}/xfoil_naca0012_a5_re3e6.cp", f"{SAMPLES}/xfoil_naca0012_panel.dat",
                                   SAMPLE["m"], SAMPLE["p"], SAMPLE["t"])
    cp = [float(v) for v in airfoil.resample(s, cp)]
    fail = {("hf", 2)}

    def case(kind, cid, x, w, lib):  # as sweep._case writes records, a failed one as its except branch does
        m, p, t, alpha, re = (float(v) for v in x)
        rec = {"case": cid, "m": m, "p": p, "t": t, "alpha_deg": alpha, "Re": re, "wall_s": 1.0, "cpu_s": 1.0}
        if (kind, cid) in fail:
            rec.update(converged=False, error="CalledProcessError: simpleFoam failed", cp=None)
        else:
            rec.update(converged=True, cl_tool=0.5, cp=cp)
        open(f"{w}/{kind}/case_{cid:04d}.json", "w").write(json.dumps(rec))
        return f"{kind} {cid}"

    saved = sanity.sweep._case, sanity.sweep.lf_xfoil.nofpe_library
    sanity.sweep._case, sanity.sweep.lf_xfoil.nofpe_library = case, lambda d: "/nonexistent/libnofpe.so"
    out = os.path.join(work, "out")
    os.makedirs(out)
    try:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                sanity.main(os.path.join(work, "sanity"), out)
            check(False, "sanity.py with a failed HF case: finished")
        except SystemExit as e:
            check("HF alpha 2 (CalledProcessError" in str(e.code), f"sanity.py with a failed HF case: {e.code}")
        check(not os.listdir(out), f"sanity.py with a failed HF case wrote {os.listdir(out)}")
        os.remove(os.path.join(work, "sanity", "hf", "case_0002.json"))  # the README's retry
        fail.clear()
        with contextlib.redirect_stdout(io.StringIO()):
            sanity.main(os.path.join(work, "sanity"), out)
        check(sorted(os.listdir(out)) == ["sanity.json", "sanity.png"], f"sanity.py retried: wrote {os.listdir(out)}")
        # records of other settings (an XFOIL setting, the alphas) are not reused: refused naming them, nothing written
        written = open(os.path.join(out, "sanity.json")).read()
        for what, change, says in (("XFOIL's iterations", lambda: sanity.sweep.lf_xfoil.SETTINGS.update(iterations=1),
                                    "LF cases were run with other settings (xfoil iterations 200 (now 1)"),
                                   ("the alphas", lambda: setattr(sanity, "ALPHAS", sanity.ALPHAS[::-1]),
                                    "LF cases were run with other settings (design alpha_deg")):
            xfoil, alphas = dict(sanity.sweep.lf_xfoil.SETTINGS), sanity.ALPHAS
            change()
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    sanity.main(os.path.join(work, "sanity"), out)
                check(False, f"sanity.py reused the records of other settings ({what} changed)")
            except SystemExit as e:
                check(says in str(e.code), f"sanity.py, {what} changed: {e.code} (expected {says!r})")
            finally:
                sanity.sweep.lf_xfoil.SETTINGS.clear()
                sanity.sweep.lf_xfoil.SETTINGS.update(xfoil)
                sanity.ALPHAS = alphas
            check(open(os.path.join(out, "sanity.json")).read() == written, f"sanity.py, {what} changed: sanity.json rewritten")
        # a finished record cut short (a corrupt finished-marker) and a case still to run: one line naming the record,
        # before any case runs (it ended in a JSONDecodeError traceback after the missing cases had run)
        lf3, hf5 = (os.path.join(work, "sanity", k, f"case_{i:04d}.json") for k, i in (("lf", 3), ("hf", 5)))
        with open(lf3) as f:
            text = f.read()
        with open(lf3, "w") as f:
            f.write(text[:40])
        os.remove(hf5)
        ran = []
        sanity.sweep._case = lambda kind, cid, *rest: ran.append((kind, cid)) or case(kind, cid, *rest)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                sanity.main(os.path.join(work, "sanity"), out)
            check(False, "sanity.py with a record cut short: finished")
        except SystemExit as e:
            check(f"{lf3} cannot be read as a case record" in str(e.code) and "remove it" in str(e.code),
                  f"sanity.py with a record cut short: {e.code}")
        check(not ran and open(os.path.join(out, "sanity.json")).read() == written,
              f"sanity.py with a record cut short: ran {ran}, sanity.json rewritten: "
              f"{open(os.path.join(out, 'sanity.json')).read() != written}")
    except Exception as e:
        check(False, f"sanity.py: {type(e).__name__}: {e}")
    finally:
        sanity.sweep._case, sanity.sweep.lf_xfoil.nofpe_library = saved


def main():
    what = sys.argv[1]
    if what == "parsers":
        test_parsers()
    elif what == "dataset":
        test_dataset(sys.argv[2])
    elif what == "xfoil":
        test_xfoil(sys.argv[2])
    elif what == "mesh":
        test_mesh(sys.argv[2])
    elif what == "drivers":
        test_drivers(sys.argv[2])
    elif what == "split":
        test_split(sys.argv[2], sys.argv[3])
    elif what == "build":
        test_build(sys.argv[2], sys.argv[3])
    elif what == "hf_from":
        test_hf_from(sys.argv[2], sys.argv[3])
    elif what == "sweep":
        test_sweep(sys.argv[2], sys.argv[3])
    elif what == "sweep_args":
        test_sweep_args(sys.argv[2])
    elif what == "work_designs":
        test_work_designs(sys.argv[2])
    elif what == "sanity":
        test_sanity(sys.argv[2])
    else:
        sys.exit(f"unknown test '{what}': parsers, dataset FILE, xfoil DIR, mesh DIR, drivers DIR, split FILE DIR, "
                 "build FILE DIR, hf_from FILE DIR, sweep FILE DIR, sweep_args DIR, work_designs DIR or sanity DIR")
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print(f"{what}: all checks passed")


if __name__ == "__main__":
    main()
