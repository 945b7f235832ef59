"""High fidelity: one 2-D OpenFOAM RANS case (simpleFoam, Spalart-Allmaras, fully turbulent) of one NACA
4-digit airfoil at (alpha, Re) on a gmsh mesh (mesh.py), and its surface Cp resampled onto the stations.

Chord 1, |U_inf| = 1, nu = 1/Re, p_inf = 0 (kinematic), so Cp = p / 0.5. Fully turbulent: the far-field
nuTilda is 3 nu (Spalart and Rumsey's recommended freestream value), the wall value 0 with y+ < 1 resolved.
The surface p comes from a sampledSurfaces function object (raw format, face centres of the airfoil patch).
"""
import math
import os
import re
import shutil
import subprocess
import warnings

import numpy as np

import airfoil
import mesh

SETTINGS = {
    "solver": "simpleFoam",
    "turbulence": "SpalartAllmaras",
    "nuTilda_ratio": 3.0,
    # Converged: initial residuals of p and nuTilda below 1e-5. On NACA 0012 at 10 deg, CL is then within
    # 0.4% of its value 2000 iterations later (at 3e-6: 1e-4; the sweep's first cases, ids 0-7 and 9,
    # ran to 3e-6 before the sweep's cost on the shared machine forced the looser level). U is left out:
    # its normalised residual stalls near 6e-5 at alpha 0, where the y component is round-off sized. Some
    # cases' p residual plateaus while CL has long stopped changing: they count as converged when CL moved
    # less than cl_steady_tol over the last cl_steady_window iterations of max_iterations.
    "max_iterations": 1500,
    "cl_steady_window": 300,
    "cl_steady_tol": 1e-4,
    "residual_p": 1e-5,
    "residual_nuTilda": 1e-5,
}

_HEADER = """FoamFile
{{
    version 2.0;
    format ascii;
    class {cls};
    object {obj};
}}
"""


def _write(path, cls, obj, body):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(_HEADER.format(cls=cls, obj=obj) + body)


def _field(case, name, cls, dims, internal, farfield, wall):
    body = f"""dimensions {dims};
internalField uniform {internal};
boundaryField
{{
    farfield {{ {farfield} }}
    airfoil {{ {wall} }}
    frontAndBack {{ type empty; }}
}}
"""
    _write(f"{case}/0/{name}", cls, name, body)


def write_case(case, alpha_deg, re, s=SETTINGS):
    a = math.radians(alpha_deg)
    u = f"({math.cos(a):.12f} {math.sin(a):.12f} 0)"
    nu = 1.0 / re
    nt = s["nuTilda_ratio"] * nu
    _field(case, "U", "volVectorField", "[0 1 -1 0 0 0 0]", u,
           f"type freestreamVelocity; freestreamValue uniform {u};", "type noSlip;")
    _field(case, "p", "volScalarField", "[0 2 -2 0 0 0 0]", "0",
           "type freestreamPressure; freestreamValue uniform 0;", "type zeroGradient;")
    _field(case, "nuTilda", "volScalarField", "[0 2 -1 0 0 0 0]", f"{nt:.6e}",
           f"type freestream; freestreamValue uniform {nt:.6e};", "type fixedValue; value uniform 0;")
    _field(case, "nut", "volScalarField", "[0 2 -1 0 0 0 0]", f"{nt:.6e}",
           "type freestream; freestreamValue uniform 0;", "type nutLowReWallFunction; value uniform 0;")
    _write(f"{case}/constant/transportProperties", "dictionary", "transportProperties",
           f"transportModel Newtonian;\nnu {nu:.6e};\n")
    _write(f"{case}/constant/turbulenceProperties", "dictionary", "turbulenceProperties",
           f"simulationType RAS;\nRAS {{ RASModel {s['turbulence']}; turbulence on; printCoeffs off; }}\n")
    lift_dir = f"({-math.sin(a):.12f} {math.cos(a):.12f} 0)"
    _write(f"{case}/system/controlDict", "dictionary", "controlDict", f"""application simpleFoam;
startFrom startTime; startTime 0; stopAt endTime; endTime {s['max_iterations']}; deltaT 1;
writeControl timeStep; writeInterval {s['max_iterations']}; purgeWrite 0; writeFormat ascii;
writePrecision 10; runTimeModifiable false;
functions
{{
    surfaceCp
    {{
        type surfaces; libs ("libsampling.so"); writeControl writeTime;
        surfaceFormat raw; interpolationScheme cell; fields (p);
        surfaces ( airfoil {{ type patch; patches (airfoil); interpolate false; }} );
    }}
    forces
    {{
        type forceCoeffs; libs ("libforces.so"); writeControl timeStep; writeInterval 1; log false;
        patches (airfoil); rho rhoInf; rhoInf 1; CofR (0.25 0 0); liftDir {lift_dir}; dragDir {u};
        pitchAxis (0 0 1); magUInf 1; lRef 1; Aref {mesh.SETTINGS['span']};
    }}
}}
""")
    _write(f"{case}/system/fvSchemes", "dictionary", "fvSchemes", """ddtSchemes { default steadyState; }
gradSchemes { default Gauss linear; grad(U) cellLimited Gauss linear 1; grad(nuTilda) cellLimited Gauss linear 1; }
divSchemes
{
    default none;
    div(phi,U) bounded Gauss linearUpwind grad(U);
    div(phi,nuTilda) bounded Gauss linearUpwind grad(nuTilda);
    div((nuEff*dev2(T(grad(U))))) Gauss linear;
}
laplacianSchemes { default Gauss linear limited corrected 0.5; }
interpolationSchemes { default linear; }
snGradSchemes { default limited corrected 0.5; }
wallDist { method meshWave; }
""")
    _write(f"{case}/system/fvSolution", "dictionary", "fvSolution", f"""solvers
{{
    p {{ solver GAMG; smoother GaussSeidel; tolerance 1e-8; relTol 0.05; }}
    "(U|nuTilda)" {{ solver smoothSolver; smoother symGaussSeidel; tolerance 1e-10; relTol 0.1; }}
}}
SIMPLE
{{
    nNonOrthogonalCorrectors 0; consistent yes;
    residualControl {{ p {s['residual_p']}; nuTilda {s['residual_nuTilda']}; }}
}}
relaxationFactors {{ equations {{ U 0.9; nuTilda 0.7; }} }}
""")


def fix_boundary(case):
    """gmshToFoam makes every patch a plain 'patch': the span faces are 2-D 'empty', the airfoil a wall."""
    path = f"{case}/constant/polyMesh/boundary"
    txt = open(path).read()
    for name, kind in (("frontAndBack", "empty"), ("airfoil", "wall")):
        txt, k = re.subn(rf"({name}\s*\{{\s*type\s+)patch;", rf"\g<1>{kind};", txt)
        if k != 1:
            raise RuntimeError(f"{path}: patch '{name}' not found once (found {k}): check mesh.py's physical groups")
    open(path, "w").write(txt)


def foam(cmd, case, log):
    """Runs an OpenFOAM utility with the environment already set by the caller (run_case.sh sources it)."""
    with open(log, "w") as f:
        subprocess.run(cmd + ["-case", case], stdout=f, stderr=subprocess.STDOUT, check=True)


def coefficients_file(case):
    """The forceCoeffs function object's file of case."""
    return f"{case}/postProcessing/forces/0/coefficient.dat"


def cl_history(case):
    """(iteration, CL) of the forceCoeffs function object (pressure + viscous lift). A file without its header naming
    Cl, without a row or with a row cut short (a run killed while writing) raises ValueError naming the file (the sweep
    records it as the case's error; numpy's and an IndexError's messages named neither the file nor the problem)."""
    path = coefficients_file(case)
    try:
        heads = [l for l in open(path) if l.startswith("#") and "Cl" in l]
        if not heads:
            raise ValueError("no header line naming the Cl column")
        head = heads[-1].lstrip("#").split()
        with warnings.catch_warnings():  # an empty table: said below, not as numpy's warning
            warnings.simplefilter("ignore", UserWarning)
            a = np.loadtxt(path, comments="#", ndmin=2)
        if a.size == 0:
            raise ValueError("no row under its header")
        col = head.index("Cl")  # ValueError where the header names only Cl(f), Cl(r)
        if a.shape[1] <= col:
            raise ValueError(f"rows of {a.shape[1]} columns, Cl is column {col + 1} of its header")
        return a[:, 0], a[:, col]
    except ValueError as e:
        raise ValueError(f"{path}: not a forceCoeffs file of one row per iteration with a Cl column ({e}): a run cut "
                         "short; rerun the case") from None


def final_cl(case):
    """OpenFOAM's own CL (pressure + viscous) at the last iteration. A CL that is not a finite number (a diverged
    run writes nan; float() reads it) raises ValueError naming the file: it is no result, as XFOIL's NaN CL is not
    (lf_xfoil._polar_cl); the sweep records the case failed with this reason."""
    it, cl = cl_history(case)
    if not math.isfinite(cl[-1]):
        raise ValueError(f"{coefficients_file(case)}: OpenFOAM's CL at iteration {it[-1]:g} is {cl[-1]}, not a finite "
                         "number")
    return float(cl[-1])


def cl_steady(case, s=SETTINGS):
    it, cl = cl_history(case)
    w = it >= it[-1] - s["cl_steady_window"]
    return it[-1] >= s["cl_steady_window"] and np.ptp(cl[w]) < s["cl_steady_tol"]


def clean_case(case):
    """Removes what an earlier run left in directory case (the README's retry: delete the case's JSON, run the
    sweep again). Left in place, its time directories and postProcessing/ would be read as this run's results,
    and OpenFOAM's forceCoeffs would write coefficient_0.dat beside the old coefficient.dat. Only a case
    directory is removed: an existing directory must hold airfoil.geo (written first by every run) or be empty."""
    if os.path.islink(case):
        raise RuntimeError(f"{case}: a symbolic link, not an HF case directory left by an earlier run: not removed; "
                           "remove the link (the sweep makes each case's directory itself)")
    if not os.path.isdir(case):
        return
    real = os.path.realpath(case)
    here = os.path.realpath(os.getcwd())
    entries = os.listdir(case)
    if real == os.path.dirname(real) or here == real or here.startswith(real + os.sep) or (
            entries and "airfoil.geo" not in entries):
        raise RuntimeError(f"{case}: not an HF case directory left by an earlier run (no airfoil.geo, or it holds "
                           "the current directory): not removed; give each case its own directory")
    shutil.rmtree(case)


def residuals(log):
    """(p, nuTilda) initial residuals of the last iteration in a simpleFoam log, None where absent."""
    out = []
    for field in ("p", "nuTilda"):
        # nan/inf too (float() reads them): a diverged last iteration is reported as such, not as an earlier one's
        v = re.findall(rf"Solving for {field}, Initial residual = ([-+0-9.eE]+|-?nan|-?inf)", log, flags=re.I)
        out.append(float(v[-1]) if v else None)
    return tuple(out)


def last_time(case, log):
    """The time (iteration) this run's simpleFoam wrote last: that of its convergence message, else the last
    'Time = N' of its log. Its time directory and surface sample must exist: a result is read only from outputs
    this run wrote (clean_case removed any others)."""
    m = re.findall(r"^SIMPLE solution converged in (\d+) iterations", log, flags=re.M)
    t = m or re.findall(r"^Time = (\d+)\s*$", log, flags=re.M)
    if not t:
        raise RuntimeError(f"{case}/log.simpleFoam: no 'Time = N' line: simpleFoam did not iterate")
    last = int(t[-1])
    raw = f"{case}/postProcessing/surfaceCp/{last}/p_airfoil.raw"
    if not os.path.isdir(f"{case}/{last}") or not os.path.exists(raw):
        raise RuntimeError(f"{case}: simpleFoam's log ends at iteration {last}, but {case}/{last} or {raw} is "
                           "missing")
    return last, raw


def run(case, m, p, t, alpha_deg, re):
    """Meshes, solves and samples one case in directory case, removing what an earlier run left there first;
    returns (Cp at the stations, converged, iterations, (p, nuTilda) initial residuals of the last iteration)."""
    clean_case(case)
    os.makedirs(case, exist_ok=True)
    mesh.write_geo(f"{case}/airfoil.geo", m, p, t)
    mesh.mesh(f"{case}/airfoil.geo", f"{case}/airfoil.msh", f"{case}/log.gmsh")
    write_case(case, alpha_deg, re)
    foam(["gmshToFoam", f"{case}/airfoil.msh"], case, f"{case}/log.gmshToFoam")
    fix_boundary(case)
    foam(["simpleFoam"], case, f"{case}/log.simpleFoam")
    log = open(f"{case}/log.simpleFoam").read()
    last, raw = last_time(case, log)
    converged = "SIMPLE solution converged" in log or cl_steady(case)
    s, cp = airfoil.parse_foam_raw(raw, m, p, t)
    return airfoil.resample(s, cp), converged, last, residuals(log)
