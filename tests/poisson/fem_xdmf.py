#!/usr/bin/python3
"""snaps-poisson -method fem -view_solution: the .xmf describes the HDF5 file as stored (regression.poisson_fem_xdmf).

Usage: fem_xdmf.py <scratch dir> <mpiexec ...> -- <snaps-poisson ...>
On 2-D quadrilaterals (1 rank) and 3-D hexahedra (2 ranks) (triangles: regression.poisson_gmsh_meshes): every DataItem of u.xmf has the shape,
element size and number type of its dataset (tests/xdmf_check.py; PETSc's generator declared the int32 cells as
Float of 8 bytes and the rank-1 field /vertex_fields/u_u as 1 x n x 1), and the HDF5 file still holds the mesh and
the field as h5py reads them (/geometry/vertices n x dim, /vertex_fields/u_u of n values).
"""
import os
import subprocess
import sys

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import xdmf_check  # noqa: E402


def main():
    sep = sys.argv.index("--")
    scratch, mpiexec, poisson = sys.argv[1], sys.argv[2:sep], sys.argv[sep + 1:]
    os.makedirs(scratch, exist_ok=True)
    fails = []
    runs = (("quads", 1, ["-dm_plex_box_faces", "4,4"], 2),
            ("hexahedra", 2, ["-dim", "3", "-exact", "sin(pi*x)*sin(pi*y)*sin(pi*z)", "-dm_plex_box_faces", "3,3,3"], 3))
    for tag, ranks, args, dim in runs:
        view = os.path.join(scratch, tag + ".h5")
        xmf = view[:-3] + ".xmf"
        for f in (view, xmf):
            if os.path.exists(f):
                os.remove(f)
        cmd = mpiexec + ["-n", str(ranks)] + poisson + ["-method", "fem", "-exact", "sin(pi*x)*sin(pi*y)"] + args + ["-view_solution", view]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode:
            fails.append("%s: %s exited %d: %s" % (tag, " ".join(cmd), p.returncode, p.stdout[-500:]))
            continue
        if not os.path.exists(xmf):
            fails.append("%s: no %s" % (tag, xmf))
            continue
        fails.extend("%s: %s" % (tag, m) for m in xdmf_check.problems(xmf))
        with h5py.File(view, "r") as h5:
            nv, gdim = h5["geometry/vertices"].shape
            if gdim != dim or h5["vertex_fields/u_u"].shape != (nv,):
                fails.append("%s: /geometry/vertices %s, /vertex_fields/u_u %s" % (tag, h5["geometry/vertices"].shape, h5["vertex_fields/u_u"].shape))
        print("%s: %s matches %s" % (tag, os.path.basename(xmf), os.path.basename(view)))
    if fails:
        sys.exit("\n".join(fails))


if __name__ == "__main__":
    main()
