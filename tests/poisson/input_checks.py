#!/usr/bin/python3
"""snaps-poisson and snaps-poisson-param report what they solved and refuse what they would ignore (audit s16): the
JSON's cells_per_direction is the mesh solved on (-dm_refine and every direction included), -dm_refine 0 keeps the
box assembly, a mesh file's JSON gives its bounding box and no error grid, -domain and -error_cells are refused with a
mesh file, -khronos_view_points is checked before the solve and refused without -view_solution, a non-finite -exact
or -source is named (not the solver), a failed sample names itself and leaves no temporary snapshot file, parameters
the expressions do not use are warned about, KHRONOS's separable error agrees with the grid's, a box of simplices
without a mesh generator says what to do, -ksp_type preonly reports its zero guess's figures, and 1-D cells are tensor
cells (Q1) on every path. Each run is a few tenths of a second.

usage: input_checks.py <scratch dir> <snaps-poisson> <snaps-poisson-param>"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

# tiny4.msh: a square [-1,1]^2 of four triangles around its centre (gmsh 2.2), so that no mesh generator is needed
TINY_MSH = pathlib.Path(__file__).resolve().with_name("tiny4.msh").read_text()
fails = []


def run(cmd, fail=False):
    p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    if (p.returncode != 0) != fail:
        fails.append(f"{' '.join(cmd)} exited {p.returncode}, expected {'a failure' if fail else '0'}:\n{p.stdout[-3000:]}")
    return p.stdout


def refused(cmd, pattern):
    out = run(cmd, fail=True)
    if not re.search(pattern, out):
        fails.append(f"{' '.join(cmd)}: no '{pattern}' in:\n{out[-3000:]}")


def main():
    d, poisson, param = sys.argv[1:4]
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    p = lambda name: os.path.join(d, name)  # noqa: E731
    with open(p("tiny.msh"), "w") as f:
        f.write(TINY_MSH)
    fast = ["-error_cells", "16", "-error_order", "2"]

    # audit s26 pois, 4: -exact_view ascii:<file> opened (emptied) its file before the outputs were checked: the mesh
    # file it named was lost before it was read
    refused([poisson, "-dm_plex_filename", p("tiny.msh"), "-exact_view", "ascii:" + p("./tiny.msh")],
            r"-exact_view '[^']*tiny.msh' is the same file as -dm_plex_filename '[^']*tiny.msh': writing it would destroy the input")
    if open(p("tiny.msh")).read() != TINY_MSH:
        fails.append("-exact_view ascii:<the -dm_plex_filename mesh> changed the mesh file")
        with open(p("tiny.msh"), "w") as f:
            f.write(TINY_MSH)

    # finding 2: the refined mesh, every direction; finding 11: -dm_refine 0 is the box assembly
    run([poisson, "-dm_plex_box_faces", "4", "-dm_refine", "2", "-results", p("rf2.json")] + fast)
    run([poisson, "-dm_plex_box_faces", "4,8", "-dm_refine", "0", "-results", p("rf0.json")] + fast)
    if os.path.exists(p("rf2.json")) and os.path.exists(p("rf0.json")):
        r2, r0 = json.load(open(p("rf2.json"))), json.load(open(p("rf0.json")))
        if r2["cells_per_direction"] != [16, 16] or r2["cells"] != 256:
            fails.append(f"-dm_plex_box_faces 4 -dm_refine 2: cells_per_direction {r2['cells_per_direction']}, cells {r2['cells']}; the mesh is 16 x 16")
        if r0["cells_per_direction"] != [4, 8] or r0["assembly"] != "box":
            fails.append(f"-dm_plex_box_faces 4,8 -dm_refine 0: cells_per_direction {r0['cells_per_direction']}, assembly {r0['assembly']}; expected [4, 8], box")

    # audit s19 finding 5: FEM's error grid is whole sub-cells of the mesh cells, reported as used (it said 16)
    run([poisson, "-dm_plex_box_faces", "6", "-results", p("ec6.json")] + fast)
    if os.path.exists(p("ec6.json")) and os.path.exists(p("rf0.json")):
        r6, r0 = json.load(open(p("ec6.json"))), json.load(open(p("rf0.json")))
        if r6.get("error_cells") != 18 or r6.get("error_cells_per_direction") != [18, 18]:
            fails.append(f"-dm_plex_box_faces 6 -error_cells 16: error_cells {r6.get('error_cells')}, per direction {r6.get('error_cells_per_direction')}; the grid used is 18 x 18")
        if r0.get("error_cells") != 16 or r0.get("error_cells_per_direction") != [16, 32]:
            fails.append(f"-dm_plex_box_faces 4,8 -error_cells 16: error_cells {r0.get('error_cells')}, per direction {r0.get('error_cells_per_direction')}; the grid used is 16 x 32")

    # findings 3 and 4: a mesh file sets the domain and takes no error grid; its JSON says what was used
    run([poisson, "-dm_plex_filename", p("tiny.msh"), "-results", p("mesh.json")])
    if os.path.exists(p("mesh.json")):
        r = json.load(open(p("mesh.json")))
        if "domain_lower" in r or "error_cells" in r or r.get("mesh_lower") != [-1, -1] or r.get("mesh_upper") != [1, 1] or "error_quadrature" not in r:
            fails.append(f"a mesh file's JSON: {r}")
    refused([poisson, "-dm_plex_filename", p("tiny.msh"), "-domain", "0,5"], r"-domain sets the box mesh, but -dm_plex_filename '[^']*tiny.msh' gives the mesh")
    refused([param, "-params", "1", "-dm_plex_filename", p("tiny.msh"), "-domain", "3,4"], r"-domain sets the box mesh, but -dm_plex_filename")
    refused([poisson, "-dm_plex_filename", p("tiny.msh"), "-error_cells", "300"], r"-error_cells 300 sets the error-quadrature grid of a box of tensor cells, which the mesh file")

    # finding 10: -khronos_view_points checked before the solve (no solve line printed), refused where it does nothing
    out = run([poisson, "-method", "khronos", "-khronos_view_points", "1", "-view_solution", p("kv.h5")], fail=True)
    if "-khronos_view_points must be at least 2, not 1" not in out or "snaps-poisson: khronos" in out:
        fails.append(f"-khronos_view_points 1 not refused before the solve:\n{out[-2000:]}")
    refused([poisson, "-method", "khronos", "-khronos_view_points", "5"], r"-khronos_view_points 5 sets the grid that -view_solution writes with -method khronos, but there is no -view_solution")

    # finding 7: a non-finite u or f is named, on both FEM paths and in snaps-poisson-param
    for assembly in ("box", "plex"):
        refused([poisson, "-exact", "sqrt(x)", "-fem_assembly", assembly, "-dm_plex_box_faces", "4"] + fast,
                r"-exact 'sqrt\(x\)': the solution u \(the Dirichlet data\) or the source f = -Laplace\(u\) is not finite at x = \(-1")
    refused([param, "-params", "1", "-source", "sqrt(x-0.5)", "-dm_plex_box_faces", "4"], r"Sample 0 \(mu = 1\.?\): -source is not finite everywhere")
    # ... and by KHRONOS (session 23: "The Dirichlet data are not finite at a boundary quadrature point", no option, no point)
    refused([poisson, "-method", "khronos", "-exact", "sqrt(x+0.5)*(1-y^2)"],
            r"-exact 'sqrt\(x\+0\.5\)\*\(1-y\^2\)': the boundary value u \(Dirichlet data\) is not finite at the quadrature point \(-1\.?, -0\.9678\): choose an -exact")
    refused([poisson, "-method", "khronos", "-khronos_solve", "als", "-exact", "sqrt(x+0.5)*(1-y^2)"],
            r"-exact 'sqrt\(x\+0\.5\)\*\(1-y\^2\)': the source f is not finite at the quadrature point \(-0\.96[0-9]*, -0\.57[0-9]*\): choose an -exact")
    refused([poisson, "-method", "khronos", "-exact", "1/((x-0.1)*(y-0.2)*(x-y))"],
            r"the source f = -Laplace\(u\) is not finite at the quadrature point \(-0\.9678, -0\.9678\)")

    # finding 8: the failed sample is named, and no temporary snapshot file is left
    with h5py.File(p("xs.h5"), "w") as h:
        h["X"] = np.array([[1.0], [-1.0]])
    refused([param, "-samples", p("xs.h5"), "-kappa", "mu1", "-snapshots", p("snap.h5"), "-dm_plex_box_faces", "4"],
            r"Sample 1 \(mu = -1\.?\): -kappa is not positive everywhere")
    left = [f for f in os.listdir(d) if ".tmp." in f or f.startswith("snap")]
    if left:
        fails.append(f"a failed snaps-poisson-param left {left}")

    # finding 12: parameters no expression uses
    out = run([param, "-params", "1,2,3", "-kappa", "1+mu1", "-dm_plex_box_faces", "4"])
    if "WARNING: snaps-poisson-param: -kappa and -source do not use mu2, mu3 of the 3 parameters" not in out:
        fails.append(f"no warning about the unused mu2, mu3:\n{out[-2000:]}")

    # finding 9: the separable error of the 2-D tensor solve is the grid's to a few digits (was 10x larger)
    out = run([poisson, "-method", "khronos"])  # the default error grid: the fast one is not accurate to 1e-2
    m = re.search(r"grid ([0-9.e+-]+), separable ([0-9.e+-]+)", out)
    if not m or abs(float(m.group(2)) / float(m.group(1)) - 1) > 1e-2:
        fails.append(f"separable and grid errors disagree: {m.group(0) if m else out[-2000:]}")

    # finding 14: a box of simplices either solves or says what to do (not PETSc's configure hint)
    p14 = script_runner.program([poisson, "-dm_plex_simplex", "1", "-dm_plex_box_faces", "4"] + fast, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    if p14.returncode != 0 and not re.search(r"-dm_plex_simplex: a 2-D box of simplices needs PETSc built with triangle, which this PETSc lacks: mesh the box with gmsh", p14.stdout):
        fails.append(f"-dm_plex_simplex failed without saying what to do:\n{p14.stdout[-2000:]}")

    # suspected S2: preonly calls its monitors after the solve: the guess's figures were the solution's (0, 1e-15),
    # not those of the zero guess preonly starts from (1, 1)
    run([param, "-params", "1", "-dm_plex_box_faces", "4", "-ksp_type", "preonly", "-pc_type", "lu", "-results", p("preonly.json")])
    r = json.load(open(p("preonly.json")))
    if r["guess_rel_l2_error"] != [1] or r["guess_rel_residual"] != [1]:
        fails.append(f"preonly's zero guess: relative error and residual {r['guess_rel_l2_error']} {r['guess_rel_residual']}, not [1] [1]")

    # suspected S3: a 1-D cell is a tensor cell (Q1) on the plex path as on the box path
    for assembly in ("box", "plex"):
        out = run([poisson, "-dim", "1", "-exact", "sin(pi*x)", "-fem_assembly", assembly, "-results", p("d1.json")])
        cell = json.load(open(p("d1.json")))["cell_type"]
        if cell != "tensor" or "fem Q1 1-D" not in out:
            fails.append(f"-dim 1 -fem_assembly {assembly}: cell_type {cell}, not tensor (and Q1):\n{out[-1000:]}")
    out = run([param, "-dim", "1", "-params", "1", "-dm_plex_box_faces", "8"])
    if "snaps-poisson-param: Q1 1-D" not in out:
        fails.append(f"snaps-poisson-param -dim 1: not Q1:\n{out[-1000:]}")

    if fails:
        sys.exit("FAIL:\n" + "\n\n".join(fails))
    print("PASS: the reports say what was solved; ignored inputs are refused or warned about")


if __name__ == "__main__":
    main()
