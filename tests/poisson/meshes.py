#!/usr/bin/python3
"""snaps-poisson FEM on gmsh meshes (triangles and tetrahedra), with hypre, and its HDF5 + XDMF output.

Usage: meshes.py <scratch dir> <meshes dir> <gmsh> <mpiexec ...> -- <snaps-poisson>
- P1 on two triangle meshes of meshes/square.geo: L2 order 2 +- 0.3, with h ~ dofs^(-1/2);
  P2 on the coarse one beats P1 on the fine one.
- P1 on two tetrahedral meshes of meshes/cube.geo on 2 ranks: the error falls by more than 4x.
- hypre (BoomerAMG) and GAMG give the same discrete solution (errors to 1e-6 relative).
- -view_solution writes an HDF5 file h5py reads (mesh, field u) and an .xmf that describes it as stored.
"""
import json
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import xdmf_check  # noqa: E402


def main():
    sep = sys.argv.index("--")
    scratch, meshes, gmsh = sys.argv[1:4]
    mpiexec, poisson = sys.argv[4:sep], sys.argv[sep + 1:]
    os.makedirs(scratch, exist_ok=True)

    def mesh(geo, dim, lc):
        path = os.path.join(scratch, "%s-%g.msh" % (geo, lc))
        subprocess.run([gmsh, "-%d" % dim, "-format", "msh22", "-setnumber", "lc", str(lc),
                        os.path.join(meshes, geo + ".geo"), "-o", path], check=True, stdout=subprocess.DEVNULL)
        return path

    def solve(tag, np, args):
        out = os.path.join(scratch, "mesh_%s.json" % tag)
        subprocess.run(mpiexec + ["-n", str(np)] + poisson + ["-method", "fem", "-results", out] + args, check=True)
        r = json.load(open(out))
        print("%-12s dofs %6d  squared L2 %.4e" % (tag, r["dofs"], r["l2_error_squared"]), flush=True)
        return r

    fails = []
    u2 = ["-exact", "sin(pi*x)*sin(pi*y^2)", "-error_order", "4"]  # no -error_cells: a mesh file takes no error grid
    coarse, fine = mesh("square", 2, 0.1), mesh("square", 2, 0.05)
    p1c = solve("tri_p1_c", 2, u2 + ["-dm_plex_filename", coarse])
    p1f = solve("tri_p1_f", 2, u2 + ["-dm_plex_filename", fine])
    p2c = solve("tri_p2_c", 2, u2 + ["-dm_plex_filename", coarse, "-petscspace_degree", "2"])
    order = 0.5 * math.log(p1c["l2_error_squared"] / p1f["l2_error_squared"]) / (0.5 * math.log(p1f["dofs"] / p1c["dofs"]))
    print("triangles P1: observed L2 order %.2f" % order)
    if abs(order - 2) > 0.3:
        fails.append("P1 order on triangles %.2f, expected 2 +- 0.3" % order)
    if not p2c["l2_error_squared"] < p1f["l2_error_squared"]:
        fails.append("P2 on the coarse triangle mesh should beat P1 on the fine one")

    u3 = ["-dim", "3", "-exact", "sin(pi*x)*sin(pi*y)*sin(pi*z)", "-error_order", "4"]
    t1 = solve("tet_p1_c", 2, u3 + ["-dm_plex_filename", mesh("cube", 3, 0.4)])
    t2 = solve("tet_p1_f", 2, u3 + ["-dm_plex_filename", mesh("cube", 3, 0.2)])
    if not t2["l2_error_squared"] * 4 < t1["l2_error_squared"]:
        fails.append("tetrahedra: refining lc 0.4 -> 0.2 did not lower the error 4x")

    gamg = solve("tri_gamg", 2, u2 + ["-dm_plex_filename", fine, "-petscspace_degree", "2", "-pc_type", "gamg"])
    view = os.path.join(scratch, "mesh_view.h5")
    for f in (view, view[:-3] + ".xmf"):
        if os.path.exists(f):
            os.remove(f)
    hypre = solve("tri_hypre", 2, u2 + ["-dm_plex_filename", fine, "-petscspace_degree", "2", "-pc_type", "hypre", "-view_solution", view])
    rel = abs(gamg["l2_error_squared"] - hypre["l2_error_squared"]) / gamg["l2_error_squared"]
    print("hypre vs gamg: relative difference of the squared L2 error %.1e" % rel)
    if rel > 1e-6:
        fails.append("hypre and gamg differ by %.1e" % rel)

    import h5py
    with h5py.File(view, "r") as h5:
        nverts, gdim = h5["geometry/vertices"].shape
        nu = h5["vertex_fields/u_u"].shape[0]
        if gdim != 2 or nu != nverts:
            fails.append("HDF5 output: %d vertices in %d-D but %d vertex values" % (nverts, gdim, nu))
    xmf = open(view[:-3] + ".xmf").read()
    if os.path.basename(view) not in xmf or "/vertex_fields/u_u" not in xmf:
        fails.append("the .xmf file does not reference %s:/vertex_fields/u_u" % os.path.basename(view))
    fails.extend(xdmf_check.problems(view[:-3] + ".xmf"))  # the .xmf describes the file as stored
    if fails:
        sys.exit("\n".join(fails))


if __name__ == "__main__":
    main()
