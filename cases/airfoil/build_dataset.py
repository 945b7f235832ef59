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

  build_dataset.py [--work cases/airfoil/work] [--out cases/airfoil/data/airfoil_mf.h5] [--hf_from FILE]

--hf_from FILE takes the HF half unchanged from an existing dataset FILE (its /hf rows, /cases/hf and HF attributes,
copied with their storage; its /stations are the s of the new LF rows too) and builds only the LF half from the
work directory: how the LF data are regenerated when the HF sweep's work directory is gone (sweep.py --only lf,
then this). Every HF case of FILE must be a converged LF case of the sweep with the same design to the last bit
(else the build stops, naming the cases), FILE's /stations must be the stations (to rounding) and its design
attribute the sweep's, and the work directory may hold no HF records (they would be ignored). FILE may be --out:
it is read before the new file is renamed over it (atomic.h5_file).

Records that sweep.py --reuse took from a dataset (marked reused_from) carry its Cp and tool CL but no timings,
iterations nor residuals: the rows of every case then take that dataset's /stations as their s (so the reused rows are
its rows to the bit), the median costs are those of the cases run (the dataset's when every HF case was reused), and
hf_reused_note says how many HF cases were reused.
"""
import argparse
import glob
import json
import math
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


def case_files(work, kind):
    """The sweep's case records of one fidelity in work (sweep.py _case: <work>/<kind>/case_NNNN.json)."""
    return sorted(glob.glob(f"{work}/{kind}/case_*.json"))


def _finite(v):
    """Whether v is a finite number (not None, NaN nor inf: json reads NaN and Infinity, which sweeps before the tools'
    non-finite CL was refused wrote into converged records)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def load_cases(work, kind):
    """(converged, failed) case records of one fidelity; a converged record whose Cp is not one value per station
    (airfoil.stations) stops the build, naming the file: its rows would not line up with the stations; so does one
    whose design, Cp or tool CL holds a value that is not a finite number (it would be a NaN row or CL of the dataset,
    which fits and the benchmark would read as data)."""
    files = case_files(work, kind)
    recs = [checks.load_json(f) for f in files]
    n = len(airfoil.stations())
    for f, r in zip(files, recs):
        with checks.reading(f):
            if not r["converged"]:
                continue
            if len(r["cp"] or []) != n:
                sys.exit(f"build_dataset: {f}: {len(r['cp'] or [])} Cp values, expected one per station ({n}): rerun "
                         "the case (remove the file and run sweep.py again)")
            bad = [k for k in ("m", "p", "t", "alpha_deg", "Re", "cl_tool") if not _finite(r[k])]
            bad += [f"cp[{i}]" for i, v in enumerate(r["cp"]) if not _finite(v)][:3]
            if bad:
                sys.exit(f"build_dataset: {f}: a converged case whose {', '.join(bad)} "
                         f"{'is' if len(bad) == 1 else 'are'} not a finite number: no result; rerun the case (remove "
                         "the file and run sweep.py again)")
    return [r for r in recs if r["converged"]], [r for r in recs if not r["converged"]]


def rows(recs, st):
    """X (m, p, t, alpha_deg, Re/1e6, s), Y (Cp) and case of the records recs, one row per station of st."""
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


# The HF half of a dataset, what --hf_from copies: these groups, whole, and these attributes where present (the
# committed file has no hf_residual_note nor /cases/hf/iterations: its sweep did not record the residuals)
HF_GROUPS = ("hf", "cases/hf")
HF_ATTRS = ("hf_tool", "hf_settings", "hf_residual_note", "hf_reused_note", "turbulence_model", "mesh_settings", "mesh_cells",
            "n_hf_cases", "n_hf_failed", "hf_failed_ids", "hf_cpu_s_median", "hf_wall_s_median")
HF_NEEDED = ("hf/X", "hf/Y", "hf/case", "cases/hf/id", "cases/hf/design", "cases/hf/CL", "cases/hf/CL_tool")


def check_hf_from(path, lf, settings):
    """Stops the build, naming path, unless its HF half can go with the sweep's LF records lf: the HF datasets and
    attributes present, its stations and design space the sweep's, every HF case a converged LF case with the same
    design (bit for bit: both come from sweep.latin_hypercube through the same Re / 1e6). Returns path's /stations,
    which the new LF rows take as their s: they equal airfoil.stations() to rounding (the committed file's differ in
    the last bit of 40 of the 101, computed by an earlier form of the same formula), and the LF and HF rows of one
    station must have the same s to the bit."""
    with checks.h5(path) as f:
        missing = [k for k in HF_NEEDED + ("stations",) if k not in f] + [
            k for k in ("hf_tool", "hf_settings", "n_hf_cases", "design") if k not in f.attrs]
        if missing:
            sys.exit(f"build_dataset: --hf_from {path}: no {', '.join(missing)}: not a dataset of build_dataset.py")
        stations = f["stations"][...]
        if stations.shape != airfoil.stations().shape or np.abs(stations - airfoil.stations()).max() > 1e-12:
            sys.exit(f"build_dataset: --hf_from {path}: its /stations are not airfoil.stations(): its rows would not "
                     "line up with the new LF rows")
        if json.loads(f.attrs["design"]) != settings["design"]:
            sys.exit(f"build_dataset: --hf_from {path}: design space {f.attrs['design']} is not the sweep's "
                     f"{json.dumps(settings['design'])}: the same design id would be another airfoil")
        ids, design = f["cases/hf/id"][...], f["cases/hf/design"][...]
        if not np.array_equal(np.unique(f["hf/case"][...]), np.sort(ids)):
            sys.exit(f"build_dataset: --hf_from {path}: /hf/case and /cases/hf/id name different cases")
    by_id = {r["case"]: r for r in lf}
    no_lf = [int(i) for i in ids if int(i) not in by_id]
    if no_lf:
        sys.exit(f"build_dataset: --hf_from {path}: HF cases {no_lf} have no converged LF case in the sweep: every "
                 "HF design must be an LF design (rerun those LF cases, or build from a sweep with both fidelities)")
    r = [by_id[int(i)] for i in ids]
    lf_design = np.array([[x["m"], x["p"], x["t"], x["alpha_deg"], x["Re"] / 1e6] for x in r])  # per_case's
    other = [int(i) for i, d, e in zip(ids, design, lf_design) if not np.array_equal(d, e)]
    if other:
        sys.exit(f"build_dataset: --hf_from {path}: HF cases {other[:10]}{' ...' if len(other) > 10 else ''} "
                 f"({len(other)} of {len(ids)}) have another design than the sweep's LF case of that id: not the "
                 "same design list (sweep.py --lf and the seed must be the file's)")
    return stations


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
    ap.add_argument("--hf_from", metavar="FILE", help="take the HF half unchanged from this dataset (see above)")
    a = ap.parse_args(argv)
    # before the build: --out naming the settings or a case record replaced that input by the dataset (--hf_from may
    # be --out: it is read before the new file is renamed over it)
    checks.not_input(a.out, [f"{a.work}/settings.json"] + case_files(a.work, "lf") + case_files(a.work, "hf"))
    settings = checks.load_json(f"{a.work}/settings.json")
    lf, lf_failed = load_cases(a.work, "lf")
    if a.hf_from:
        if case_files(a.work, "hf"):
            sys.exit(f"build_dataset: --hf_from {a.hf_from}: {a.work}/hf holds HF records, which the HF half from the "
                     "file would ignore: build without --hf_from, or from a work directory of an LF-only sweep")
        if not lf:
            sys.exit(f"build_dataset: {a.work}: no converged LF case: run sweep.py --only lf first")
        stations = check_hf_from(a.hf_from, lf, settings)
        return build(a, settings, lf, lf_failed, None, None, stations)
    hf, hf_failed = load_cases(a.work, "hf")
    lf_by_id = {r["case"]: r for r in lf}
    hf = [r for r in hf if r["case"] in lf_by_id]
    names = ("m", "p", "t", "alpha_deg", "Re")
    other = [r["case"] for r in hf if [r[k] for k in names] != [lf_by_id[r["case"]][k] for k in names]]
    if other:  # the same id is the same design in both fidelities (the contract above): one sweep's records only
        sys.exit(f"build_dataset: {a.work}: HF cases {other[:10]}{' ...' if len(other) > 10 else ''} ({len(other)}) have "
                 "another design than the LF case of the same id: records of sweeps with different --lf; rerun those "
                 "cases in a work directory of one sweep")
    for kind, recs in (("LF", lf), ("HF (with converged LF)", hf)):
        if not recs:  # a dataset needs both fidelities: sweep.py --only runs one
            sys.exit(f"build_dataset: {a.work}: no converged {kind} case: run the sweep for both fidelities first")
    build(a, settings, lf, lf_failed, hf, hf_failed)


def reused_from(recs):
    """The dataset the records recs were taken from by sweep.py's --reuse (their "reused_from"), None if none was;
    two different ones stop the build."""
    files = sorted({r["reused_from"] for r in recs if r.get("reused_from")})
    if len(files) > 1:
        sys.exit(f"build_dataset: the work directory holds cases reused from several datasets ({', '.join(files)}): "
                 "their stations may differ; rerun the sweep in a new --work with one --reuse")
    return files[0] if files else None


def reused_stations(path):
    """The /stations of dataset path, the s of the rows reused from it (sweep.py --reuse), checked to be
    airfoil.stations() to rounding: the committed file's differ in the last bit of 40 of the 101, and the rows of a
    station must keep one s to the bit."""
    with checks.h5(path) as f:
        stations = f["stations"][...]
    if stations.shape != airfoil.stations().shape or np.abs(stations - airfoil.stations()).max() > 1e-12:
        sys.exit(f"build_dataset: {path} (cases reused from it by the sweep): its /stations are not airfoil.stations()")
    return stations


def build(a, settings, lf, lf_failed, hf, hf_failed, stations=None):
    """Writes the dataset; hf None: the HF half is --hf_from's, copied (h5py's copy keeps each dataset's values,
    type, chunks and filters), and stations its /stations, the s of every row. Records that sweep.py --reuse took
    from a dataset keep that dataset's /stations as the s of every row (their Cp is that dataset's, to the bit)."""
    if stations is None:
        src = reused_from(lf + lf_failed + (hf or []) + (hf_failed or []))
        stations = reused_stations(src) if src else airfoil.stations()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with atomic.h5_file(a.out) as f:
        for kind, recs in (("lf", lf), ("hf", hf)) if hf is not None else (("lf", lf),):
            X, Y, case = rows(recs, stations)
            f.create_dataset(f"{kind}/X", data=X, compression="gzip", shuffle=True)
            f.create_dataset(f"{kind}/Y", data=Y, compression="gzip", shuffle=True)
            f.create_dataset(f"{kind}/case", data=case, compression="gzip")
            ids, design, cl, tool = per_case(recs)
            for name, v in (("id", ids), ("design", design), ("CL", cl), ("CL_tool", tool)):
                f.create_dataset(f"cases/{kind}/{name}", data=v)
        f["stations"] = stations
        f.attrs["input_names"] = INPUT_NAMES
        f.attrs["output_names"] = "Cp"
        v = versions()
        f.attrs["lf_tool"] = f"XFOIL {v['xfoil']} (Debian xfoil), viscous, free transition"
        f.attrs["lf_settings"] = json.dumps(settings["xfoil"])
        f.attrs["design"] = json.dumps(settings["design"])
        f.attrs["seed"] = settings["design"]["seed"]
        f.attrs["n_lf_cases"] = len(lf)
        f.attrs["n_lf_failed"] = len(lf_failed)
        if hf is None:
            with checks.h5(a.hf_from) as src:  # checked by check_hf_from; read before the rename replaces it
                for g in HF_GROUPS:
                    src.copy(src[g], f.require_group(os.path.dirname(g)) if "/" in g else f, os.path.basename(g))
                for k in HF_ATTRS:
                    if k in src.attrs:
                        f.attrs[k] = src.attrs[k]
                hf_note = f"HF half from {a.hf_from}: {int(src.attrs['n_hf_cases'])} cases"
        else:
            hf_note = write_hf(f, a, settings, v, hf, hf_failed)
    print(f"build_dataset: {a.out}: {len(lf)} LF cases ({len(lf_failed)} failed), {hf_note}, "
          f"{os.path.getsize(a.out) / 1e6:.2f} MB")


def write_hf(f, a, settings, v, hf, hf_failed):
    """The HF attributes and per-case records of the sweep's HF records; returns the summary for the last line. The
    median costs are those of the cases run (records reused from a dataset by sweep.py --reuse have no timings; when
    every case was reused, that dataset's medians, and the mesh cell count where no case directory has a mesh)."""
    hf_cpu = [r["cpu_s"] for r in hf if r.get("cpu_s") is not None]
    hf_wall = [r["wall_s"] for r in hf if r.get("wall_s") is not None]
    src = reused_from(hf + hf_failed)
    n_reused = sum(1 for r in hf + hf_failed if r.get("reused_from"))
    for name, missing in (("iterations", -1), ("residual_p", np.nan), ("residual_nuTilda", np.nan)):
        v_ = [missing if r.get(name) is None else r[name] for r in hf]
        f.create_dataset(f"cases/hf/{name}", data=np.array(v_, dtype=np.int64 if missing == -1 else float))
    f.attrs["hf_tool"] = (f"OpenFOAM v1912 ({v['openfoam']}, Debian openfoam) simpleFoam, "
                          f"{settings['openfoam']['turbulence']}, fully turbulent; mesh gmsh {v['gmsh']}")
    f.attrs["hf_settings"] = json.dumps(settings["openfoam"])
    f.attrs["hf_residual_note"] = ("hf_settings residual_p and residual_nuTilda are the convergence targets of "
                                   "the sweep's settings, not the residuals reached: those are per case in "
                                   "/cases/hf/residual_p and residual_nuTilda (NaN where not recorded)")
    f.attrs["turbulence_model"] = settings["openfoam"]["turbulence"]
    f.attrs["mesh_settings"] = json.dumps(settings["mesh"])
    f.attrs["mesh_cells"] = _mesh_cells(a.work, hf)
    f.attrs["n_hf_cases"] = len(hf)
    f.attrs["n_hf_failed"] = len(hf_failed)
    f.attrs["hf_failed_ids"] = np.array([r["case"] for r in hf_failed], dtype=np.int64)
    f.attrs["hf_cpu_s_median"] = float(np.median(hf_cpu)) if hf_cpu else np.nan
    f.attrs["hf_wall_s_median"] = float(np.median(hf_wall)) if hf_wall else np.nan
    if src:
        with checks.h5(src) as s:
            if not hf_cpu:
                for k in ("hf_cpu_s_median", "hf_wall_s_median"):
                    if k in s.attrs:
                        f.attrs[k] = s.attrs[k]
            if f.attrs["mesh_cells"] == -1 and "mesh_cells" in s.attrs:
                f.attrs["mesh_cells"] = s.attrs["mesh_cells"]
        f.attrs["hf_reused_note"] = (f"{n_reused} of the {len(hf) + len(hf_failed)} HF cases taken from {src} "
                                     f"(sweep.py --reuse); hf_cpu_s_median and hf_wall_s_median are "
                                     f"{'the medians of the ' + str(len(hf_cpu)) + ' cases run' if hf_cpu else 'its'}")
    cpu, wall = (float(np.median(v)) if v else float("nan") for v in (hf_cpu, hf_wall))
    return (f"{len(hf)} HF cases ({len(hf_failed)} failed{f', {n_reused} reused' if src else ''}; median {cpu:.1f} s "
            f"CPU, {wall:.1f} s wall per case run)")


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
