#!/usr/bin/python3
"""The airfoil sweep: a seeded Latin-hypercube design, XFOIL (LF) on every design, OpenFOAM (HF) on a subset
of the designs whose LF converged, so every HF case also has LF.

Cases are independent serial jobs, --jobs at a time (two on two cores beats one two-rank job). Restartable:
a case whose result file exists is skipped; each result is written to a temporary file and renamed, so an
interrupted sweep never leaves a half-written result. Results: <work>/{lf,hf}/case_NNNN.json.

Extending: a case without a result in <work> whose design (the same id, the same five parameters to the bit) is in
the dataset --reuse (default: the committed data/airfoil_mf.h5) is taken from it instead of run: its record is
written from the dataset's Cp and tool CL, marked "reused_from" (no iterations, residuals nor timings: the dataset
has none per case); the dataset's failed HF ids (hf_failed_ids), and its failed LF ids where its LF cases are those
of this --lf, are written as failed records. Raising --hf on the same --lf runs only the new HF cases: the HF cases
are the first --hf designs with converged LF in the hypercube's order, which does not depend on --hf. Changing --lf
changes every design (the strata depend on the count): nothing is reused then, and the sweep says so. Nothing of a
fidelity whose settings in the dataset (lf_settings; HF: hf_settings, mesh_settings) differ from today's (lf_xfoil,
hf_openfoam, mesh SETTINGS) is reused either, with a warning naming them. To rerun cases the dataset holds after a
change to a driver that the settings do not record, give --reuse none. A --work holding results of a fidelity run with
other settings (its settings.json: design, stations; LF: xfoil; HF: mesh, openfoam) than today's is refused before
anything runs: use another --work, or remove that fidelity's results (<work>/lf or <work>/hf).

  cases/airfoil/run.sh [--lf 480] [--hf 104] [--jobs 2] [--work cases/airfoil/work] [--reuse FILE|none]
"""
import argparse
import concurrent.futures as cf
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import airfoil  # noqa: E402
import atomic  # noqa: E402
import hf_openfoam  # noqa: E402
import lf_xfoil  # noqa: E402
import mesh  # noqa: E402

# The design space (and the seed) are part of the dataset: build_dataset.py records them as attributes.
DESIGN = {
    "seed": 14,
    "names": ["m", "p", "t", "alpha_deg", "Re"],
    "lower": [0.0, 0.2, 0.08, -4.0, 1e6],
    "upper": [0.06, 0.6, 0.18, 10.0, 3e6],
}


def latin_hypercube(n, seed=DESIGN["seed"]):
    """n designs, one per stratum of each variable, strata paired at random (seeded)."""
    rng = np.random.default_rng(seed)
    d = len(DESIGN["names"])
    u = (np.argsort(rng.random((d, n)), axis=1).T + rng.random((n, d))) / n
    lo, hi = np.array(DESIGN["lower"]), np.array(DESIGN["upper"])
    return lo + u * (hi - lo)


def _case(kind, cid, x, work, lib):
    """One case, in its own process; returns a one-line summary. The result JSON is written even when the
    solver failed (converged false), so a restart does not repeat a failure."""
    m, p, t, alpha, re = (float(v) for v in x)
    out = f"{work}/{kind}/case_{cid:04d}.json"
    cdir = f"{work}/{kind}/case_{cid:04d}"
    t0 = time.time()
    c0 = os.times()
    rec = {"case": cid, "m": m, "p": p, "t": t, "alpha_deg": alpha, "Re": re}
    try:
        if kind == "lf":
            cp, cl, attempts = lf_xfoil.run(cdir, m, p, t, alpha, re, lib)
            rec.update(converged=cp is not None, attempts=attempts, cl_tool=cl)
        else:
            cp, converged, iters, (res_p, res_nut) = hf_openfoam.run(cdir, m, p, t, alpha, re)
            rec.update(converged=bool(converged), iterations=iters, residual_p=res_p, residual_nuTilda=res_nut,
                       cl_tool=_foam_cl(cdir))
    except Exception as e:  # a crashed tool marks the case failed; the sweep goes on
        cp = None
        rec.update(converged=False, error=f"{type(e).__name__}: {e}")
    c1 = os.times()
    rec["wall_s"] = time.time() - t0
    rec["cpu_s"] = (c1.children_user + c1.children_system) - (c0.children_user + c0.children_system)
    rec["cp"] = None if cp is None else [float(v) for v in cp]
    atomic.write_text(out, json.dumps(rec))
    return f"{kind} {cid:4d} converged={rec['converged']} wall={rec['wall_s']:.1f}s cpu={rec['cpu_s']:.1f}s"


def _foam_cl(cdir):
    """OpenFOAM's own CL (pressure + viscous) at the last iteration, for the README's sanity check (not a finite
    number: ValueError, and _case records the case failed)."""
    return hf_openfoam.final_cl(cdir)


def _pending(kind, ids, work):
    return [i for i in ids if not os.path.exists(f"{work}/{kind}/case_{i:04d}.json")]


# What --reuse reads of a dataset: per fidelity, its per-case records and the settings attributes its cases were run
# with (build_dataset.py writes the sweep's settings.json there), and the tool settings of today they must equal
SETTINGS_ATTRS = {"lf": (("lf_settings", lf_xfoil.SETTINGS),),
                  "hf": (("hf_settings", hf_openfoam.SETTINGS), ("mesh_settings", mesh.SETTINGS))}


def _load_reuse(path):
    """What --reuse takes of dataset path, read at once before the sweep writes anything: its design space, its LF case
    count, and per fidelity its cases (id, design, tool CL, Cp), the settings its cases were run with and the failed HF
    ids. A file that is not an airfoil dataset of build_dataset.py stops the sweep with one line naming it."""
    import h5py  # only here: a sweep without --reuse runs without h5py

    what = "it cannot be read as HDF5"
    try:
        with h5py.File(path, "r") as f:
            what = "no valid attribute design"
            d = {"path": path, "design": json.loads(f.attrs["design"])}
            what = "no valid attributes n_lf_cases and n_lf_failed"
            d["n_lf"] = int(f.attrs["n_lf_cases"]) + int(f.attrs["n_lf_failed"])
            what = "no valid attribute hf_failed_ids"
            d["hf_failed"] = np.asarray(f.attrs.get("hf_failed_ids", [])).astype(int).tolist()
            for kind, attrs in SETTINGS_ATTRS.items():
                d[kind] = {}
                for attr, _ in attrs:
                    what = f"no valid attribute {attr} (a JSON object)"
                    d[kind][attr] = json.loads(f.attrs[attr])
                    if not isinstance(d[kind][attr], dict):
                        raise ValueError(attr)
                for name, key in (("id", f"cases/{kind}/id"), ("design", f"cases/{kind}/design"),
                                  ("cl_tool", f"cases/{kind}/CL_tool"), ("Y", f"{kind}/Y"), ("case", f"{kind}/case")):
                    what = f"no /{key}"
                    d[kind][name] = f[key][...]
                what = f"/{kind}/Y or /cases/{kind}/design of the wrong shape"
                d[kind]["Y"] = d[kind]["Y"][:, 0]
                if d[kind]["design"].ndim != 2 or d[kind]["design"].shape[1] != len(DESIGN["names"]):
                    raise ValueError(what)
                # one row per case in id, design and CL_tool, and one case per Cp row: _reusable indexes them together
                n_id, n_des, n_cl = (len(d[kind][k]) for k in ("id", "design", "cl_tool"))
                n_y, n_case = len(d[kind]["Y"]), len(d[kind]["case"])
                what = (f"lengths that do not match: /cases/{kind}/id {n_id}, /cases/{kind}/design {n_des}, "
                        f"/cases/{kind}/CL_tool {n_cl} rows; /{kind}/Y {n_y}, /{kind}/case {n_case} rows")
                if not n_id == n_des == n_cl or n_y != n_case:
                    raise ValueError("inconsistent dataset")
    except (KeyError, ValueError, TypeError, IndexError, OSError) as e:
        sys.exit(f"sweep: --reuse {path}: not an airfoil dataset of build_dataset.py ({what}: {type(e).__name__}: "
                 f"{e}); none: reuse nothing")
    return d


# The keys of a work directory's settings.json its cases of each fidelity were run with (the design and the Cp stations
# count for both): a fidelity with results in --work must have been run with today's
WORK_SETTINGS = {"lf": ("design", "stations", "xfoil"), "hf": ("design", "stations", "mesh", "openfoam")}


def _check_work_settings(work, settings, lead=None, another="use another --work, or "):
    """Stops the sweep, with one line, when --work holds results of a fidelity whose settings in its settings.json (the
    settings of the forward sweep that wrote them) differ from today's settings: its cases would be kept and the
    dataset built from the work directory would label them with today's settings. Checked before anything runs.
    lead, another: the line's start and the other way out than removing the results, for another script's work
    directory (sanity.py's)."""
    lead = lead or f"sweep: --work {work}"
    path = f"{work}/settings.json"
    if not os.path.exists(path):
        return
    try:
        with open(path) as f:
            old = json.load(f)
        if not isinstance(old, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as e:
        sys.exit(f"{lead}: {path} cannot be read ({type(e).__name__}: {e}): {another}remove the work directory's "
                 "results")
    now = json.loads(json.dumps(settings))  # as written (tuples as lists)
    for kind, keys in WORK_SETTINGS.items():
        if not any(n.startswith("case_") and n.endswith(".json") for n in
                   (os.listdir(f"{work}/{kind}") if os.path.isdir(f"{work}/{kind}") else [])):
            continue
        differ = [line for key in keys for line in _differences(key, old.get(key, "(absent)"), now[key])]
        if differ:
            sys.exit(f"{lead}: its {kind.upper()} cases were run with other settings "
                     f"({'; '.join(differ)}): {another}remove {work}/{kind}/ to run them again")


def _read_record(path, lead):
    """The case record in path (as _case writes it: its id, design and converged flag readable), else a stop with one
    line starting with lead and naming path: a record cut short or edited by hand would otherwise end in a traceback
    where it is read, after the cases still to run had run."""
    try:
        with open(path) as f:
            r = json.load(f)
        int(r["case"]), [float(r[k]) for k in DESIGN["names"]]
        if not isinstance(r["converged"], bool):
            raise ValueError(f"converged is {json.dumps(r['converged'])}, not true or false")
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit(f"{lead}: {path} cannot be read as a case record ({type(e).__name__}: {e}): remove it to run the case "
                 "again")
    return r


def _check_work_designs(work, X, n_lf):
    """Stops the sweep, with one line naming the cases, when a record in --work is not the design of its id in this
    sweep's hypercube X (m, p, t, alpha_deg, Re to the bit): a work directory of another --lf (the strata depend on the
    count) would otherwise keep its records as done and run HF on this hypercube's designs, so that one id named two
    airfoils. Checked before anything runs."""
    for kind in ("lf", "hf"):
        d = f"{work}/{kind}"
        other = []
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if not (name.startswith("case_") and name.endswith(".json")):
                continue
            r = _read_record(f"{d}/{name}", f"sweep: --work {work}")
            cid, design = int(r["case"]), [float(r[k]) for k in DESIGN["names"]]
            if not (0 <= cid < len(X) and design == [float(v) for v in X[cid]]):
                other.append(cid)
        if other:
            sys.exit(f"sweep: --work {work}: {kind.upper()} cases {other[:10]}{' ...' if len(other) > 10 else ''} "
                     f"({len(other)}) are not this sweep's designs of those ids (--lf {n_lf}: another --lf changes every "
                     f"design): use another --work, or the --lf of that work directory's sweep")


def _differences(label, got, want):
    """How settings got differ from want: for two dicts one 'label key VALUE (now VALUE)' per key that differs
    ('(absent)' for a key one lacks), otherwise 'label VALUE (now VALUE)' if they differ; empty when they match."""
    if not (isinstance(got, dict) and isinstance(want, dict)):
        return [] if got == want else [f"{label} {json.dumps(got)} (now {json.dumps(want)})"]
    return [f"{label} {k} {json.dumps(got.get(k, '(absent)'))} (now {json.dumps(want.get(k, '(absent)'))})"
            for k in sorted(set(got) | set(want), key=str) if got.get(k, "(absent)") != want.get(k, "(absent)")]


def _settings_differ(data, kind):
    """The differences between the settings the dataset's cases of fidelity kind were run with and today's
    (lf_xfoil, hf_openfoam and mesh SETTINGS), one 'attr key VALUE (now VALUE)' each; empty when they match."""
    # today's as written to the dataset (tuples as lists)
    return [line for attr, now in SETTINGS_ATTRS[kind]
            for line in _differences(attr, data[kind][attr], json.loads(json.dumps(now)))]


def _reusable(data, kind, X, only_hf=False):
    """{id: record} of the cases of fidelity kind in the dataset data (_load_reuse) that are designs of this sweep (X:
    its designs): the same id with the same m, p, t, alpha_deg and Re / 1e6 to the bit (build_dataset.py stores Re /
    1e6, from the sweep's Re). Failed cases too, as failed records, where the dataset's cases are this sweep's: its
    hf_failed_ids when every converged HF case matched; its LF ids missing from /cases/lf/id when every converged LF
    case matched and its LF case count (converged + failed) is this sweep's --lf. Empty, with a warning, when the
    dataset's design space differs, its cases of this fidelity were run with other tool settings (lf_settings; HF:
    hf_settings, mesh_settings), or none of its cases are this sweep's designs. only_hf: the LF cases are taken for
    the choice of the HF designs under --only hf, where no LF case runs (the warning says so)."""
    path, K = data["path"], kind.upper()
    tail = ("no LF case taken: run the LF sweep first (--only lf)" if only_hf else
            f"no {K} case reused, every {K} case without a result in --work runs")
    if data["design"] != DESIGN:
        print(f"sweep: WARNING: --reuse {path}: another design space ({json.dumps(data['design'])}): {tail}",
              flush=True)
        return {}
    differ = _settings_differ(data, kind)
    if differ:
        print(f"sweep: WARNING: --reuse {path}: its {K} cases were run with other settings ({'; '.join(differ)}): "
              f"{tail}", flush=True)
        return {}
    ids, design, cl_tool, Y, case = (data[kind][k] for k in ("id", "design", "cl_tool", "Y", "case"))
    failed, n_lf = (data["hf_failed"] if kind == "hf" else None), data["n_lf"]
    def record(cid, cl, cp):  # a case's result file as _case writes it; failed: cl and cp None
        m, p, t, alpha, re = (float(v) for v in X[cid])
        return {"case": cid, "m": m, "p": p, "t": t, "alpha_deg": alpha, "Re": re, "converged": cp is not None,
                "cl_tool": cl, "wall_s": None, "cpu_s": None, "reused_from": os.path.abspath(path), "cp": cp}

    out = {}
    for k, cid in enumerate(int(i) for i in ids):
        if cid >= len(X) or not np.array_equal(design[k], np.append(X[cid][:4], X[cid][4] / 1e6)):
            continue
        out[cid] = record(cid, float(cl_tool[k]), [float(v) for v in Y[case == cid]])
    if len(ids) and not out:
        print(f"sweep: WARNING: --reuse {path}: none of its {len(ids)} {K} cases is a design of this sweep "
              f"(another --lf: the file's has {n_lf} LF designs): {tail}", flush=True)
        return {}
    if len(out) == len(ids):
        if kind == "lf":
            failed = [i for i in range(len(X)) if i not in out] if n_lf == len(X) else []
        for cid in failed:
            out[cid] = record(cid, None, None)
    return out


def _seed(kind, ids, X, work, reuse, only_hf=False):
    """Writes the records of the cases ids of fidelity kind without a result in work that dataset reuse (_load_reuse)
    holds (see _reusable); returns how many. Written before any case runs: an interrupted sweep keeps them."""
    os.makedirs(f"{work}/{kind}", exist_ok=True)
    todo = _pending(kind, ids, work)
    reused = _reusable(reuse, kind, X, only_hf) if reuse and todo else {}
    n = 0
    for i in todo:
        if i in reused:
            atomic.write_text(f"{work}/{kind}/case_{i:04d}.json", json.dumps(reused[i]))
            n += 1
    return n


def _run(kind, ids, X, work, lib, jobs, reverse=False, reuse=None):
    n_reused = _seed(kind, ids, X, work, reuse)
    todo = _pending(kind, ids, work)[:: -1 if reverse else 1]
    taken = f" ({n_reused} taken from {reuse['path']} now)" if n_reused else ""
    print(f"sweep: {kind}: {len(ids) - len(todo)} of {len(ids)} cases done{taken}, {len(todo)} to run", flush=True)
    if jobs == 1:  # in this process: nothing to gain from a pool
        for i in todo:
            print(f"sweep: {_case(kind, i, X[i], work, lib)}", flush=True)
        return
    with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
        for line in pool.map(_case, [kind] * len(todo), todo, [X[i] for i in todo], [work] * len(todo),
                             [lib] * len(todo)):
            print(f"sweep: {line}", flush=True)


def _converged_lf(ids, work):
    ok = []
    for i in ids:
        path = f"{work}/lf/case_{i:04d}.json"
        if os.path.exists(path) and json.load(open(path))["converged"]:
            ok.append(i)
    return ok


def _count(least):
    """An argparse type: an integer of at least least (--hf -1 would otherwise be a slice end: every converged LF
    design but the last, hundreds of OpenFOAM runs; --jobs 0 a traceback after the reused records are written).
    --lf 0 is a sweep of no design (the case script tests run run.sh so)."""
    def parse(text):
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
        if v < least:
            raise argparse.ArgumentTypeError(f"{v}: at least {least}")
        return v
    parse.__name__ = f"integer >= {least}"
    return parse


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 allow_abbrev=False)  # run.sh reads --work and --only spelt out
    ap.add_argument("--lf", type=_count(0), default=480, help="designs run with XFOIL (low fidelity)")
    ap.add_argument("--hf", type=_count(0), default=104, help="of those, the first with converged LF run with OpenFOAM")
    ap.add_argument("--jobs", type=_count(1), default=2, help="serial cases run at a time")
    ap.add_argument("--work", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "work"))
    ap.add_argument("--only", choices=["lf", "hf"], help="run one fidelity only")
    default_reuse = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "airfoil_mf.h5")
    ap.add_argument("--reuse", metavar="FILE|none", default=default_reuse if os.path.exists(default_reuse) else "none",
                    help="take the cases of this dataset whose designs are this sweep's instead of running them "
                    "(default: %(default)s; none: run every case without a result in --work)")
    ap.add_argument("--reverse", action="store_true",
                    help="pending cases last first: a second sweep on the same --work from the other end (it "
                    "must be stopped before the two meet: they would run the same case in the same directory)")
    a = ap.parse_args(argv)
    if os.path.exists(a.work) and not os.path.isdir(a.work):  # makedirs' FileExistsError traceback otherwise
        ap.error(f"--work {a.work}: not a directory (the sweep's work directory: give a directory, or a new path)")
    reuse = None if a.reuse == "none" else a.reuse
    if reuse and not os.path.isfile(reuse):
        ap.error(f"--reuse {reuse}: no such file (none: reuse nothing)")
    reuse = _load_reuse(reuse) if reuse else None  # checked before anything is written
    X = latin_hypercube(a.lf)
    ids = list(range(a.lf))
    settings = {"design": DESIGN, "n_lf": a.lf, "n_hf": a.hf, "xfoil": lf_xfoil.SETTINGS, "mesh": mesh.SETTINGS,
                "openfoam": hf_openfoam.SETTINGS, "stations": len(airfoil.stations())}
    _check_work_settings(a.work, settings)
    _check_work_designs(a.work, X, a.lf)
    os.makedirs(a.work, exist_ok=True)
    lib = lf_xfoil.nofpe_library(os.path.join(a.work, "build"))
    if not a.reverse:  # the forward sweep's settings are the record
        atomic.write_text(f"{a.work}/settings.json", json.dumps(settings))
    if a.only != "hf":
        _run("lf", ids, X, a.work, lib, a.jobs, reuse=reuse)
    elif reuse:  # --only hf: the HF designs are chosen among the converged LF cases, which the dataset may hold
        print(f"sweep: lf: {_seed('lf', ids, X, a.work, reuse, only_hf=True)} cases taken from {reuse['path']}",
              flush=True)
    if a.only != "lf":
        hf_ids = _converged_lf(ids, a.work)[: a.hf]  # the design order is random: a random subset
        n_lf = len(ids) - len(_pending("lf", ids, a.work))
        if len(hf_ids) < a.hf and n_lf < a.lf:  # only under --only hf: the LF sweep has not been run (to its end)
            sys.exit(f"sweep: --only hf: {n_lf} of the {a.lf} LF cases have a result in {a.work} ({len(hf_ids)} "
                     f"converged), fewer than --hf {a.hf} converged: run the LF sweep of --lf {a.lf} first (--only lf)")
        if len(hf_ids) < a.hf:
            sys.exit(f"sweep: only {len(hf_ids)} designs have converged LF, fewer than --hf {a.hf}: raise --lf")
        _run("hf", hf_ids, X, a.work, lib, a.jobs, a.reverse, reuse)


if __name__ == "__main__":
    main()
