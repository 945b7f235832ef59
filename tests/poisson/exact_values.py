#!/usr/bin/python3
"""snaps-poisson figures checked against exact values (cases where the discrete answer is known in closed form).

usage: exact_values.py energy|lifting SCRATCH -- SNAPS-POISSON
       exact_values.py simplex SCRATCH GMSH MESHES -- SNAPS-POISSON

energy: u = (1-x^2)(1-y^2) on [-1,1]^2 lies in the degree-3 khronos space, so u_h = u and the reported Ritz energy
  J(u_h) = -1/2 (f, u_h) = -1/2 |grad u|^2 = -128/45, for the tensor solve and for -khronos_solve als alike (a doubled
  or halved energy, or one term of it with the wrong sign, is off by O(1)).
lifting: u cubic and non-zero on the boundary, in 2-D and 3-D (ALS solve, whose Ritz load carries the lifting terms):
  the discrete solution matches u to an L2 error^2 < 1e-8 (1e-15 and 3e-13 measured); a lifting term with a wrong
  sign leaves an O(1) error (in 3-D: flipped in every factor, the signs cancel in 2-D). (The tensor solve stops its
  rank at the fit tolerance in energy, 1e-7 in L2 error^2 here: not exact, so not checked here.)
simplex: a linear u = x + 2y (- 3z) lies in the P1 space on gmsh triangles and tetrahedra, so the H1 error that
  -results reports must vanish (to the solver's tolerance); on these meshes the inverse Jacobian is not diagonal, so a
  gradient mapped with its transpose is O(1) off (box meshes cannot see that: their Jacobians are diagonal).
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)


def solve(poisson, out, args):
    p = script_runner.program(poisson + args + ["-results", out], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.exit(f"FAILED ({p.returncode}): {' '.join(poisson + args)}\n{p.stdout[-2000:]}")
    print(p.stdout.strip().splitlines()[-1])
    return json.load(open(out))


def main():
    sep = sys.argv.index("--")
    mode, scratch = sys.argv[1:3]
    extra, poisson = sys.argv[3:sep], sys.argv[sep + 1:]
    os.makedirs(scratch, exist_ok=True)
    fails = []
    if mode == "energy":
        want = -128.0 / 45.0
        for solver in ("tensor", "als"):
            r = solve(poisson, os.path.join(scratch, f"energy_{solver}.json"),
                      ["-method", "khronos", "-khronos_solve", solver, "-exact", "(1-x^2)*(1-y^2)", "-error_cells", "8", "-error_order", "2"])
            print(f"{solver}: energy {r['energy']!r}, exact -128/45 = {want!r}")
            if not abs(r["energy"] - want) < 1e-10:
                fails.append(f"-khronos_solve {solver}: energy {r['energy']!r}, expected -128/45 = {want!r} (u_h = u exactly)")
    elif mode == "lifting":
        for solver, dim, exact in (("als", 2, "(1+x)*(2+y^2)+x*y^3"), ("als", 3, "(1+x)*(2+y^2)+x*y*z^2")):
            r = solve(poisson, os.path.join(scratch, f"lifting_{solver}_{dim}d.json"),
                      ["-method", "khronos", "-khronos_solve", solver, "-dim", str(dim), "-exact", exact, "-sna_khronos_nodes", "6",
                       "-error_cells", "4", "-error_order", "2"])
            print(f"{solver} {dim}-D: u = {exact}: L2 error^2 {r['l2_error_squared']:.3e}, H1 error {r['h1_error']:.3e}")
            if not r["l2_error_squared"] < 1e-8:
                fails.append(f"-khronos_solve {solver} -dim {dim}, u = {exact} (cubic, non-zero on the boundary): L2 error^2 "
                             f"{r['l2_error_squared']:.3e}, expected < 1e-8 (the lifting of the boundary values enters the load with its sign)")
    elif mode == "simplex":
        gmsh, meshes = extra
        for geo, dim, exact in (("square", 2, "x+2*y"), ("cube", 3, "x+2*y-3*z")):
            msh = os.path.join(scratch, f"{geo}.msh")
            subprocess.run([gmsh, f"-{dim}", "-format", "msh22", "-setnumber", "lc", "0.5", os.path.join(meshes, geo + ".geo"), "-o", msh],
                           check=True, stdout=subprocess.DEVNULL)
            r = solve(poisson, os.path.join(scratch, f"simplex_{geo}.json"),
                      ["-method", "fem", "-dim", str(dim), "-exact", exact, "-dm_plex_filename", msh, "-ksp_rtol", "1e-13"])
            print(f"{geo}: P1, u = {exact}: H1 error {r['h1_error']:.3e}, L2 error^2 {r['l2_error_squared']:.3e}")
            if not r["h1_error"] < 1e-9 or not r["l2_error_squared"] < 1e-18:
                fails.append(f"{geo} (P1 on simplices, u = {exact} in the FE space): H1 error {r['h1_error']:.3e}, L2 error^2 "
                             f"{r['l2_error_squared']:.3e}; both should vanish")
    else:
        sys.exit(f"unknown mode {mode}")
    if fails:
        sys.exit("FAILED:\n" + "\n".join(fails))


if __name__ == "__main__":
    main()
