#!/usr/bin/python3
"""Sanity comparison of the two fidelities on one airfoil: NACA 0012 at Re 3e6 over alpha, both tools run by
the drivers of the sweep (same geometry, same stations). Writes sanity.json (CL from integrated Cp and the
tools' own CL per alpha, Cp at the stations) and sanity.png (CL over alpha; Cp at 6 and 10 deg).
Restartable like the sweep: finished alphas are read back, where the work directory's settings.json (written before
any case runs) names today's alphas, design and tool settings; other settings stop it naming them. Run through run.sh's environment:

  cases/airfoil/run.sh --sanity
"""
import json
import os
import sys

import numpy as np

import airfoil
import sweep

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ALPHAS = [-4.0, 0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
DESIGN = (0.0, 0.4, 0.12, 3e6)  # m, p (unused at m = 0), t, Re


def main(work=os.path.join(HERE, "work", "sanity"), out_dir=HERE):
    """Runs the cases missing in work, then writes out_dir/sanity.json and sanity.png from all of them; a case that
    did not converge stops it with one line naming the cases and their errors, writing neither (the tests: work and
    out_dir elsewhere). Records of other alphas, design or tool settings (work/settings.json) are refused, as the
    sweep's (sweep._check_work_settings): they were reused as they were."""
    m, p, t, re = DESIGN
    settings = {"design": {"m": m, "p": p, "t": t, "Re": re, "alpha_deg": ALPHAS}, "xfoil": sweep.lf_xfoil.SETTINGS,
                "mesh": sweep.mesh.SETTINGS, "openfoam": sweep.hf_openfoam.SETTINGS, "stations": len(airfoil.stations())}
    sweep._check_work_settings(work, settings, lead=f"sanity: {work}", another="")
    records = [f"{work}/{kind}/case_{i:04d}.json" for kind in ("lf", "hf") for i in range(len(ALPHAS))]
    for path in records:  # the finished ones, before any case runs: one that cannot be read stops it, naming it
        if os.path.exists(path):
            sweep._read_record(path, f"sanity: {work}")
    lib = sweep.lf_xfoil.nofpe_library(os.path.join(os.path.dirname(work), "build"))
    X = np.array([[m, p, t, a, re] for a in ALPHAS])
    os.makedirs(work, exist_ok=True)
    atomic.write_text(os.path.join(work, "settings.json"), json.dumps(settings))
    for kind in ("lf", "hf"):
        os.makedirs(f"{work}/{kind}", exist_ok=True)
        for i in range(len(ALPHAS)):
            if not os.path.exists(f"{work}/{kind}/case_{i:04d}.json"):
                print(f"sanity: {sweep._case(kind, i, X[i], work, lib)}", flush=True)
    out = {"design": {"m": m, "t": t, "Re": re}, "alpha_deg": ALPHAS, "stations": airfoil.stations().tolist()}
    recs = {kind: [sweep._read_record(f"{work}/{kind}/case_{i:04d}.json", f"sanity: {work}") for i in range(len(ALPHAS))]
            for kind in ("lf", "hf")}
    failed = [f"{kind.upper()} alpha {ALPHAS[i]:g} ({r.get('error', 'not converged')})" for kind in recs
              for i, r in enumerate(recs[kind]) if not r["converged"]]
    if failed:  # their records lack Cp and the tool's CL: the table and the figure would have holes
        sys.exit(f"sanity: {len(failed)} case(s) failed: {'; '.join(failed)}. sanity.json and sanity.png not written; "
                 f"remove their case_NNNN.json in {work}/lf or /hf to run them again")
    for kind, rs in recs.items():
        out[kind] = {"converged": [r["converged"] for r in rs], "cl_tool": [r["cl_tool"] for r in rs],
                     "cl_integrated": [airfoil.lift(m, p, t, r["alpha_deg"], np.array(r["cp"])) for r in rs],
                     "cpu_s": [r["cpu_s"] for r in rs], "cp": [r["cp"] for r in rs]}
    a = np.array(ALPHAS)
    for kind in ("lf", "hf"):
        cl = np.array(out[kind]["cl_integrated"], dtype=float)
        lin = np.abs(a) <= 6
        out[kind]["cl_slope_per_deg_alpha_le_6"] = float(np.polyfit(a[lin], cl[lin], 1)[0])
    atomic.write_json(os.path.join(out_dir, "sanity.json"), out)
    plot(out, out_dir)


def plot(out, out_dir=HERE):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3, figsize=(14, 4))
    labels = {"lf": "XFOIL (LF, free transition)", "hf": "OpenFOAM SA (HF, fully turbulent)"}
    for kind, mk in (("lf", "o-"), ("hf", "s-")):
        ax[0].plot(out["alpha_deg"], out[kind]["cl_integrated"], mk, label=labels[kind])
    ax[0].plot(out["alpha_deg"], 2 * np.pi * np.radians(out["alpha_deg"]), "k:", label="thin airfoil 2 pi alpha")
    ax[0].set(xlabel="alpha [deg]", ylabel="CL (integrated Cp)", title="NACA 0012, Re 3e6")
    ax[0].legend(fontsize=8)
    s = np.array(out["stations"])
    for j, alpha in enumerate((6.0, 10.0)):
        i = out["alpha_deg"].index(alpha)
        for kind, mk in (("lf", "-"), ("hf", "--")):
            ax[1 + j].plot(s, out[kind]["cp"][i], mk, label=labels[kind])
        ax[1 + j].invert_yaxis()
        ax[1 + j].set(xlabel="s (-x/c lower, +x/c upper)", ylabel="Cp", title=f"alpha {alpha:g} deg")
        ax[1 + j].legend(fontsize=8)
    fig.tight_layout()
    atomic.save_figure(fig, os.path.join(out_dir, "sanity.png"), dpi=80)


if __name__ == "__main__":
    main()
