"""Low fidelity: one XFOIL case (viscous, free transition with the default Ncrit 9) of one NACA 4-digit
airfoil at (alpha, Re), driven in batch through stdin, and its Cp resampled onto the stations.

XFOIL LOADs the same closed-trailing-edge coordinates as gmsh meshes (airfoil.write_coordinates) and
repanels them (PPAR: 160 panels on XFOIL's spline of those points) and SAVEs the paneled nodes, which
map the Cp dump onto the stations. A point counts as converged only when
XFOIL adds it to the polar (PACC), which it does for converged viscous solutions alone. A failure is retried
once by alpha continuation from 0 deg (a converged boundary layer at each step seeds the next); a second
failure marks the case missing. An attempt that runs past timeout_s is killed and counts as failed, and so does one
whose Cp dump the parser refuses (partial: airfoil.check_coverage), the reason appended to its log.
"""
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import airfoil  # noqa: E402
import atomic  # noqa: E402

SETTINGS = {"panels": 160, "ncrit": 9.0, "iterations": 200, "continuation_step": 1.0, "timeout_s": 120}
_HERE = os.path.dirname(os.path.abspath(__file__))


def nofpe_library(build_dir):
    """Compiles nofpe.c once into build_dir (XFOIL aborts on floating-point traps without graphics)."""
    lib = os.path.join(build_dir, "libnofpe.so")
    src = os.path.join(_HERE, "nofpe.c")
    if not os.path.exists(lib) or os.path.getmtime(lib) < os.path.getmtime(src):
        os.makedirs(build_dir, exist_ok=True)
        with atomic.replacing(lib) as tmp:
            subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", tmp, src], check=True)
    return lib


def _script(re, alpha_deg, continuation, s=SETTINGS):
    lines = ["PLOP", "G F", "", "LOAD airfoil.dat", "PPAR", f"N {s['panels']}", "", "", "SAVE panel.dat", "OPER",
             f"VISC {re:.6g}", f"VPAR", f"N {s['ncrit']}", "", f"ITER {s['iterations']}"]
    if continuation:
        step = s["continuation_step"] if alpha_deg >= 0 else -s["continuation_step"]
        lines += ["ALFA 0", f"ASEQ 0 {alpha_deg:.6f} {step}"]
    lines += ["PACC", "polar.txt", "", f"ALFA {alpha_deg:.6f}", "CPWR cp.txt", "", "QUIT", ""]
    return "\n".join(lines)


def _polar_cl(path, alpha_deg):
    """XFOIL's own CL of the converged point at alpha_deg in the polar file, or None. A point whose CL is not a
    finite number (NaN, Inf: float() reads them) raises ValueError naming the file: it is no result."""
    if not os.path.exists(path):
        return None
    for line in open(path):
        v = line.split()
        if len(v) >= 7:
            try:
                a, cl = float(v[0]), float(v[1])
            except ValueError:
                continue
            if abs(a - alpha_deg) < 1e-3:
                if not math.isfinite(cl):
                    raise ValueError(f"{path}: XFOIL's CL at alpha {alpha_deg:g} is {v[1]}, not a finite number")
                return cl
    return None


def run(case, m, p, t, alpha_deg, re, lib):
    """Runs XFOIL in directory case; returns (Cp at the stations, XFOIL's CL, attempts) or (None, None, 2)."""
    os.makedirs(case, exist_ok=True)
    airfoil.write_coordinates(f"{case}/airfoil.dat", m, p, t)
    env = dict(os.environ, LD_PRELOAD=lib)
    for attempt, continuation in enumerate((False, True), start=1):
        for f in ("polar.txt", "cp.txt", "panel.dat"):  # XFOIL asks before overwriting or appending
            if os.path.exists(f"{case}/{f}"):
                os.remove(f"{case}/{f}")
        with open(f"{case}/log.xfoil.{attempt}", "w") as log:
            try:
                subprocess.run(["xfoil"], input=_script(re, alpha_deg, continuation), text=True, cwd=case, env=env,
                               stdout=log, stderr=subprocess.STDOUT, timeout=SETTINGS["timeout_s"])
            except subprocess.TimeoutExpired:  # a hung attempt is a failed one: the continuation still runs
                log.write(f"\nlf_xfoil: XFOIL killed after {SETTINGS['timeout_s']} s (attempt {attempt})\n")
                continue
        try:
            cl = _polar_cl(f"{case}/polar.txt", alpha_deg)
            if cl is None or not os.path.exists(f"{case}/cp.txt"):
                continue
            s, cp = airfoil.parse_xfoil_cp(f"{case}/cp.txt", f"{case}/panel.dat", m, p, t)
        except ValueError as e:  # a NaN CL, a partial or unreadable dump: a failed attempt, the continuation still runs
            with open(f"{case}/log.xfoil.{attempt}", "a") as log:
                log.write(f"\nlf_xfoil: attempt {attempt} failed: {e}\n")
            if attempt == 2:
                raise  # the sweep records the case failed with this reason
            continue
        return airfoil.resample(s, cp), cl, attempt
    return None, None, 2
