#!/usr/bin/python3
"""The snaps-poisson -method khronos solution is an ordinary KHRONOS model, and -view_solution writes it.

Usage: khronos_model.py <scratch dir> <snaps-predict> -- <snaps-poisson and options>
- -model u.h5 for the non-homogeneous u = sin(pi (x + y/2)) (Galerkin modes plus lifting terms) is a
  KHRONOS SNA file; snaps-predict evaluates it at 4000 random points of the box, where the Monte Carlo
  estimate of the squared L2 error is the reported one to 25 %, and at the points of the error
  quadrature (composite Gauss, -error_cells x -error_order per direction), where the quadrature of the
  predictions reproduces the reported squared L2 error to 1e-6 relative.
- -view_solution v.h5 (2-D and 3-D) writes /X (grid points), /Y (values) and /u (the values shaped like
  the grid) that h5py reads, the values are the model's (snaps-predict on /X, /Y: test MSE at rounding
  level) and near u, and v.xmf describes a structured grid of points /X and node values /u whose sizes
  match the datasets.
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import xdmf_check  # noqa: E402

CELLS, ORDER = 32, 4
EXACT = {2: "sin(pi*(x+y/2))", 3: "sin(pi*(x+y/2+z/4))"}  # not symmetric: a swapped axis shows


def exact(X):
    return np.sin(np.pi * X @ np.array([1, 0.5, 0.25])[:X.shape[1]])


def write_points(path, X):
    with h5py.File(path, "w") as h5:
        h5["X"] = X


def predict(predictor, scratch, tag, model, data):
    out, res = os.path.join(scratch, tag + "_pred.h5"), os.path.join(scratch, tag + "_pred.json")
    subprocess.run([predictor, "-model", model, "-data", data, "-out", out, "-results", res], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as h5:
        return h5["Y"][:, 0], json.load(open(res))


def gauss_grid(a, b, dim):
    """Points and weights of the error quadrature of snaps-poisson (errors.h) on [a,b]^dim."""
    t, w = np.polynomial.legendre.leggauss(ORDER)
    h = (b - a) / CELLS
    x = np.concatenate([a + h * (c + 0.5 * (t + 1)) for c in range(CELLS)])
    wx = np.tile(0.5 * h * w, CELLS)
    grids = np.meshgrid(*([x] * dim), indexing="ij")
    weights = np.prod(np.meshgrid(*([wx] * dim), indexing="ij"), axis=0)
    return np.stack([g.ravel() for g in grids], axis=1), weights.ravel()


def check_view(fails, view, dim, npts, tol):
    xmf = view[:-3] + ".xmf"
    with h5py.File(view, "r") as h5:
        X, Y, U = h5["X"][:], h5["Y"][:], h5["u"][:]
    n = npts**dim
    if X.shape != (n, dim) or Y.shape != (n, 1) or U.shape != (npts,) * dim:
        fails.append(f"{view}: /X {X.shape}, /Y {Y.shape}, /u {U.shape}, expected ({n}, {dim}), ({n}, 1) and {(npts,) * dim}")
        return
    if not np.array_equal(U.ravel(), Y[:, 0]):
        fails.append(f"{view}: the grid-shaped /u is not /Y")
    err = np.abs(Y[:, 0] - exact(X)).max()
    print(f"{dim}-D view: {n} grid points, max |u_h - u| {err:.2e}")
    if err > tol:
        fails.append(f"{dim}-D view: values differ from u by {err:.2e}")
    grid = ET.parse(xmf).getroot().find("Domain/Grid")
    topo, items = grid.find("Topology"), grid.findall(".//DataItem")
    if topo.get("TopologyType") != f"{dim}DSMesh" or topo.get("Dimensions") != " ".join([str(npts)] * dim):
        fails.append(f"{xmf}: topology {topo.attrib}, expected a {dim}DSMesh of {npts} points per direction")
    want = {f"{os.path.basename(view)}:/X": f"{n} {dim}", f"{os.path.basename(view)}:/u": " ".join([str(npts)] * dim)}
    got = {i.text.strip(): i.get("Dimensions") for i in items}
    if got != want:
        fails.append(f"{xmf}: data items {got}, expected {want}")
    fails.extend(xdmf_check.problems(xmf))  # every item's shape, precision and number type as stored


def main():
    sep = sys.argv.index("--")
    scratch, predictor = sys.argv[1:3]
    poisson = sys.argv[sep + 1:]
    os.makedirs(scratch, exist_ok=True)
    fails = []
    model, view, res = (os.path.join(scratch, f) for f in ("khronos_u.h5", "khronos_view.h5", "khronos_u.json"))
    for f in (model, view, view[:-3] + ".xmf"):
        if os.path.exists(f):
            os.remove(f)
    subprocess.run(poisson + ["-exact", EXACT[2], "-error_cells", str(CELLS), "-error_order", str(ORDER), "-model", model,
                              "-view_solution", view, "-khronos_view_points", "65", "-results", res], check=True)
    r = json.load(open(res))
    a, b, l2sq = r["domain_lower"], r["domain_upper"], r["l2_error_squared"]
    if r["lifting_terms"] < 1:
        fails.append(f"u = {EXACT[2]} should need lifting terms")

    rng = np.random.default_rng(12)
    X = rng.uniform(a, b, size=(4000, 2))
    pts = os.path.join(scratch, "khronos_random.h5")
    write_points(pts, X)
    p, _ = predict(predictor, scratch, "random", model, pts)
    mc = (b - a)**2 * np.mean((p - exact(X))**2)
    print(f"random points: Monte Carlo squared L2 error {mc:.4e}, reported {l2sq:.4e} (ratio {mc / l2sq:.3f})")
    if not 0.75 < mc / l2sq < 1.25:
        fails.append(f"random points: Monte Carlo squared L2 error {mc:.4e} is not the reported {l2sq:.4e}")

    X, w = gauss_grid(a, b, 2)
    pts = os.path.join(scratch, "khronos_gauss.h5")
    write_points(pts, X)
    p, _ = predict(predictor, scratch, "gauss", model, pts)
    quad = np.sum(w * (p - exact(X))**2)
    rel = abs(quad - l2sq) / l2sq
    print(f"quadrature points: squared L2 error of the predictions {quad:.10e}, reported {l2sq:.10e} (relative difference {rel:.1e})")
    if rel > 1e-6:
        fails.append(f"the predictions at the quadrature points give {quad:.10e}, not the reported {l2sq:.10e}")

    check_view(fails, view, 2, 65, 1e-3)
    _, pr = predict(predictor, scratch, "view", model, view)
    print(f"snaps-predict on the -view_solution grid: test MSE {pr['test_mse']:.1e}")
    if pr["test_mse"] > 1e-26:
        fails.append(f"the -view_solution values are not the model's: test MSE {pr['test_mse']:.1e}")

    view3 = os.path.join(scratch, "khronos_view3.h5")
    subprocess.run(poisson + ["-dim", "3", "-exact", EXACT[3], "-error_cells", "8", "-error_order", "3",
                              "-view_solution", view3, "-khronos_view_points", "9"], check=True)
    check_view(fails, view3, 3, 9, 1e-2)
    if fails:
        sys.exit("\n".join(fails))


if __name__ == "__main__":
    main()
