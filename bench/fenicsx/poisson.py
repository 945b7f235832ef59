#!/usr/bin/python3
"""FEniCSx peer baseline for snaps-poisson: -Laplace(u) = f on [-1,1]^2, u = exact on the boundary.

Run by Debian's /usr/bin/python3 with python3-dolfinx 0.5.2 (scripts/install-deps.sh --bench), serially or
under mpirun. For every mesh size it builds the mesh, the space and the forms (JIT-compiled by FFCx), then
times the solve: interpolation of the Dirichlet data, matrix creation (sparsity), assembly of A and b with
lifting, CG + BoomerAMG set-up and solve (rtol 1e-12, as snaps-poisson). Excluded from that time, as the
set-up of snaps-poisson is: the mesh (creation and partitioning), the function space (dof map), the forms
and the boundary-dof search, and JIT compilation. One untimed warm-up solve, then --repeat timed ones
(median reported, all kept). The squared L2 error is a Gauss quadrature of degree 2k + 12 per cell of
(u_h - u)^2 with u evaluated exactly (not interpolated).

Usage: poisson.py --exact 'sin(pi*x)*sin(pi*y^2)' --cell quadrilateral|triangle --degree k --n 8,16,32
                  [--repeat 3] [--out runs.json]
The expression uses snaps-poisson's syntax (x, y, pi, ^, sin, cos, exp, log, sqrt).
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402
import checks  # noqa: E402


def arguments(argv=None):
    """The command line, checked before dolfinx is imported: a bad value is a usage error at once, whether or not
    python3-dolfinx is installed (--repeat 0 ran every warm-up solve, then died in statistics.median)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--exact", required=True)
    ap.add_argument("--cell", choices=["quadrilateral", "triangle"], default="quadrilateral")
    ap.add_argument("--degree", type=int, default=2)
    ap.add_argument("--n", default="8,16,32", help="cells per direction, comma-separated")
    ap.add_argument("--repeat", type=checks.positive_int, default=3, help="timed solves per size (at least 1)")
    ap.add_argument("--out")
    return ap.parse_args(argv)


if __name__ == "__main__":
    ARGS = arguments()

import numpy as np  # noqa: E402
import ufl  # noqa: E402
from mpi4py import MPI  # noqa: E402
from petsc4py import PETSc  # noqa: E402
import dolfinx  # noqa: E402
from dolfinx import fem, mesh  # noqa: E402
from dolfinx.fem import petsc as fpetsc  # noqa: E402


def exact_ufl(expr, X):
    """The snaps-poisson expression as a UFL expression of the spatial coordinate."""
    names = {"x": X[0], "y": X[1], "pi": ufl.pi, "sin": ufl.sin, "cos": ufl.cos, "exp": ufl.exp, "log": ufl.ln,
             "sqrt": ufl.sqrt, "tan": ufl.tan, "sinh": ufl.sinh, "cosh": ufl.cosh, "tanh": ufl.tanh, "atan": ufl.atan}
    return eval(expr.replace("^", "**"), {"__builtins__": {}}, names)


def setup(comm, expr, cell, degree, n):
    """Mesh, space, forms (JIT), boundary dofs: everything that is not timed."""
    ct = mesh.CellType.quadrilateral if cell == "quadrilateral" else mesh.CellType.triangle
    msh = mesh.create_rectangle(comm, [np.array([-1.0, -1.0]), np.array([1.0, 1.0])], [n, n], cell_type=ct)
    V = fem.FunctionSpace(msh, ("Lagrange", degree))
    X = ufl.SpatialCoordinate(msh)
    uex = exact_ufl(expr, X)
    f = -ufl.div(ufl.grad(uex))
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    a = fem.form(ufl.inner(ufl.grad(u), ufl.grad(v)) * ufl.dx)
    L = fem.form(f * v * ufl.dx)
    bexpr = fem.Expression(uex, V.element.interpolation_points())
    msh.topology.create_connectivity(msh.topology.dim - 1, msh.topology.dim)
    facets = mesh.exterior_facet_indices(msh.topology)
    bdofs = fem.locate_dofs_topological(V, msh.topology.dim - 1, facets)
    uh = fem.Function(V)
    err = fem.form((uh - uex) ** 2 * ufl.dx(metadata={"quadrature_degree": 2 * degree + 12}))
    return {"msh": msh, "V": V, "a": a, "L": L, "bexpr": bexpr, "bdofs": bdofs, "uh": uh, "err": err}


def solve(comm, s):
    """The timed part: Dirichlet data, matrix and vector assembly, AMG set-up and CG solve."""
    comm.Barrier()
    t0 = time.perf_counter()
    uD = fem.Function(s["V"])
    uD.interpolate(s["bexpr"])
    bc = fem.dirichletbc(uD, s["bdofs"])
    A = fpetsc.create_matrix(s["a"])
    fpetsc.assemble_matrix(A, s["a"], bcs=[bc])
    A.assemble()
    b = fpetsc.create_vector(s["L"])
    fpetsc.assemble_vector(b, s["L"])
    fpetsc.apply_lifting(b, [s["a"]], bcs=[[bc]])
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    fpetsc.set_bc(b, [bc])
    ksp = PETSc.KSP().create(comm)
    ksp.setOperators(A)
    ksp.setType("cg")
    ksp.getPC().setType("hypre")
    ksp.getPC().setHYPREType("boomeramg")
    ksp.setTolerances(rtol=1e-12)
    uh = s["uh"]
    ksp.solve(b, uh.vector)
    uh.x.scatter_forward()
    t1 = time.perf_counter()
    its, reason = ksp.getIterationNumber(), ksp.getConvergedReason()
    ksp.destroy()
    A.destroy()
    b.destroy()
    return comm.allreduce(t1 - t0, op=MPI.MAX), its, reason


def main(a):
    comm = MPI.COMM_WORLD
    runs = []
    for n in [int(v) for v in a.n.split(",")]:
        comm.Barrier()
        t0 = time.perf_counter()
        s = setup(comm, a.exact, a.cell, a.degree, n)
        tsetup = comm.allreduce(time.perf_counter() - t0, op=MPI.MAX)
        solve(comm, s)  # warm-up
        times = []
        for _ in range(a.repeat):
            t, its, reason = solve(comm, s)
            if reason < 0:
                raise SystemExit("fenicsx: CG + BoomerAMG failed (reason %d) at n = %d" % (reason, n))
            times.append(t)
        l2sq = comm.allreduce(fem.assemble_scalar(s["err"]), op=MPI.SUM)
        r = {"program": "fenicsx", "dolfinx": dolfinx.__version__, "exact": a.exact, "cell_type": a.cell,
             "degree": a.degree, "cells_per_direction": n, "dofs": s["V"].dofmap.index_map.size_global,
             "ranks": comm.size, "l2_error_squared": l2sq, "ksp_iterations": its, "setup_time_s": tsetup,
             "solve_time_s": statistics.median(times), "solve_times_s": times}
        runs.append(r)
        if comm.rank == 0:
            print("fenicsx %s%d n %4d dofs %8d  L2^2 %.3e  solve %.4f s (setup %.3f s, %d its)" % (
                "Q" if a.cell == "quadrilateral" else "P", a.degree, n, r["dofs"], l2sq, r["solve_time_s"], tsetup, its), flush=True)
    if a.out and comm.rank == 0:
        atomic.write_json(a.out, runs)


if __name__ == "__main__":
    main(ARGS)
