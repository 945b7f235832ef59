#!/usr/bin/python3
"""Builds cases/airfoil/data/airfoil_mf.h5 from the sweep's per-case results (sweep.py).

Contract (the multi-fidelity dataset of snaps-fit -mf_blend, plus what the benchmark needs):
  /lf/X, /hf/X   N x 6 float64: m, p, t, alpha_deg, Re/1e6, s (one row per Cp station of a case)
  /lf/Y, /hf/Y   N x 1 float64: Cp
  /lf/case, /hf/case   N int64: the design id; the same id is the same design in both fidelities
  /cases/lf/{id, design, CL, CL_tool}, /cases/hf/...: per case, design (m, p, t, alpha_deg, Re/1e6), CL
      from the integrated Cp at the stations (airfoil.lift; the benchmark's CL error uses the same function)
      and the tool's own CL (XFOIL's, OpenFOAM's pressure + viscous force)
  /cases/hf/{iterations, residual_p, residual_nuTilda}: per HF case, the simpleFoam iterations and the p and
      nuTilda initial residuals of its last iteration, as the sweep recorded them (-1 and NaN for records
      written before the sweep recorded them: the committed dataset's)
  /stations      the s values of every case's rows, in order
Attributes: input_names, output_names, and the generation settings (tools and versions, mesh, turbulence
model, design space and seed, the numbers of failed cases). hf_settings' residual_p and residual_nuTilda are
the convergence targets of the sweep's settings.json, not the residuals each case reached
(hf_residual_note says so; the committed dataset's first cases ran to a tighter target, see the README). Only converged cases enter; HF cases whose
design has no converged LF are left out (none are run: sweep.py picks HF designs among converged LF).

  build_dataset.py [--work cases/airfoil/work] [--out cases/airfoil/data/airfoil_mf.h5]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import airfoil  # noqa: E402
import atomic  # noqa: E402
import checks  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
INPUT_NAMES = "m,p,t,alpha_deg,Re_1e6,s"


def load_cases(work, kind):
    """(converged, failed) case records of one fidelity; a converged record whose Cp is not one value per station
    (airfoil.stations) stops the build, naming the file: its rows would not line up with the stations."""
    files = sorted(glob.glob(f"{work}/{kind}/case_*.json"))
    recs = [checks.load_json(f) for f in files]
    n = len(airfoil.stations())
    for f, r in zip(files, recs):
        if r["converged"] and len(r["cp"] or []) != n:
            sys.exit(f"build_dataset: {f}: {len(r['cp'] or [])} Cp values, expected one per station ({n}): rerun "
                     "the case (remove the file and run sweep.py again)")
    return [r for r in recs if r["converged"]], [r for r in recs if not r["converged"]]


def rows(recs):
    st = airfoil.stations()
    X, Y, case = [], [], []
    for r in recs:
        d = [r["m"], r["p"], r["t"], r["alpha_deg"], r["Re"] / 1e6]
        X.append(np.column_stack([np.tile(d, (len(st), 1)), st]))
        Y.append(np.asarray(r["cp"])[:, None])
        case.append(np.full(len(st), r["case"], dtype=np.int64))
    return np.vstack(X), np.vstack(Y), np.concatenate(case)


def per_case(recs):
    ids = np.array([r["case"] for r in recs], dtype=np.int64)
    design = np.array([[r["m"], r["p"], r["t"], r["alpha_deg"], r["Re"] / 1e6] for r in recs])
    cl = np.array([airfoil.lift(r["m"], r["p"], r["t"], r["alpha_deg"], np.asarray(r["cp"])) for r in recs])
    tool = np.array([r["cl_tool"] for r in recs], dtype=float)
    return ids, design, cl, tool


def versions():
    """Tool versions for the attributes, from the Debian packages that provide them."""
    out = {}
    for pkg in ("xfoil", "openfoam", "gmsh"):
        try:
            out[pkg] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True,
                                      check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            out[pkg] = "unknown"
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--out", default=os.path.join(HERE, "data", "airfoil_mf.h5"))
    a = ap.parse_args(argv)
    settings = checks.load_json(f"{a.work}/settings.json")
    lf, lf_failed = load_cases(a.work, "lf")
    hf, hf_failed = load_cases(a.work, "hf")
    lf_ids = {r["case"] for r in lf}
    hf = [r for r in hf if r["case"] in lf_ids]
    for kind, recs in (("LF", lf), ("HF (with converged LF)", hf)):
        if not recs:  # a dataset needs both fidelities: sweep.py --only runs one
            sys.exit(f"build_dataset: {a.work}: no converged {kind} case: run the sweep for both fidelities first")
    hf_cpu = [r["cpu_s"] for r in hf]
    hf_wall = [r["wall_s"] for r in hf]
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with atomic.h5_file(a.out) as f:
        for kind, recs in (("lf", lf), ("hf", hf)):
            X, Y, case = rows(recs)
            f.create_dataset(f"{kind}/X", data=X, compression="gzip", shuffle=True)
            f.create_dataset(f"{kind}/Y", data=Y, compression="gzip", shuffle=True)
            f.create_dataset(f"{kind}/case", data=case, compression="gzip")
            ids, design, cl, tool = per_case(recs)
            for name, v in (("id", ids), ("design", design), ("CL", cl), ("CL_tool", tool)):
                f.create_dataset(f"cases/{kind}/{name}", data=v)
        for name, missing in (("iterations", -1), ("residual_p", np.nan), ("residual_nuTilda", np.nan)):
            v = [missing if r.get(name) is None else r[name] for r in hf]
            f.create_dataset(f"cases/hf/{name}", data=np.array(v, dtype=np.int64 if missing == -1 else float))
        f["stations"] = airfoil.stations()
        f.attrs["input_names"] = INPUT_NAMES
        f.attrs["output_names"] = "Cp"
        v = versions()
        f.attrs["lf_tool"] = f"XFOIL {v['xfoil']} (Debian xfoil), viscous, free transition"
        f.attrs["lf_settings"] = json.dumps(settings["xfoil"])
        f.attrs["hf_tool"] = (f"OpenFOAM v1912 ({v['openfoam']}, Debian openfoam) simpleFoam, "
                              f"{settings['openfoam']['turbulence']}, fully turbulent; mesh gmsh {v['gmsh']}")
        f.attrs["hf_settings"] = json.dumps(settings["openfoam"])
        f.attrs["hf_residual_note"] = ("hf_settings residual_p and residual_nuTilda are the convergence targets of "
                                       "the sweep's settings, not the residuals reached: those are per case in "
                                       "/cases/hf/residual_p and residual_nuTilda (NaN where not recorded)")
        f.attrs["turbulence_model"] = settings["openfoam"]["turbulence"]
        f.attrs["mesh_settings"] = json.dumps(settings["mesh"])
        f.attrs["mesh_cells"] = _mesh_cells(a.work, hf)
        f.attrs["design"] = json.dumps(settings["design"])
        f.attrs["seed"] = settings["design"]["seed"]
        f.attrs["n_lf_cases"] = len(lf)
        f.attrs["n_hf_cases"] = len(hf)
        f.attrs["n_lf_failed"] = len(lf_failed)
        f.attrs["n_hf_failed"] = len(hf_failed)
        f.attrs["hf_failed_ids"] = np.array([r["case"] for r in hf_failed], dtype=np.int64)
        f.attrs["hf_cpu_s_median"] = float(np.median(hf_cpu)) if hf_cpu else np.nan
        f.attrs["hf_wall_s_median"] = float(np.median(hf_wall)) if hf_wall else np.nan
    print(f"build_dataset: {a.out}: {len(lf)} LF cases ({len(lf_failed)} failed), {len(hf)} HF cases "
          f"({len(hf_failed)} failed), {os.path.getsize(a.out) / 1e6:.2f} MB; HF median "
          f"{np.median(hf_cpu) if hf_cpu else float('nan'):.1f} s CPU, "
          f"{np.median(hf_wall) if hf_wall else float('nan'):.1f} s wall per case")


def _mesh_cells(work, hf):
    """Cell count of the first HF case's mesh (all meshes share the settings; counts differ by a few %)."""
    for r in hf:
        log = f"{work}/hf/case_{r['case']:04d}/constant/polyMesh/owner"
        if os.path.exists(log):
            m = re.search(r"nCells:\s*(\d+)", open(log).read(2000))
            if m:
                return int(m.group(1))
    return -1


if __name__ == "__main__":
    main()
