#!/usr/bin/python3
"""The sna guess in a DMDA program end to end: PETSc's 3-D KSP tutorial ex45 (a DMDA Laplacian, built unmodified)
on 1, 2 and 4 ranks gets the same guess, in the DMDA's natural ordering, from a model trained on 1 rank.

The model's one POD mode is ex45's solution and its one right-hand-side mode ex45's right-hand side (snapshots:
scaled copies, since ex45 has no parameter), so the guess from the right-hand side is the solution itself wherever
the natural map is right: CG stops at iteration 0 on every rank count. A guess in the ranks' global ordering
instead (a 3-D split on 2 to 4 ranks permutes the rows) is a scrambled field, and the fingerprint the guess checks
(taken in the natural ordering) would differ too. The model's fingerprint is the one the guess reports for ex45's
operator on 1 rank.

usage: dmda_guess.py <scratch dir> <ex45> <libsnaps.so> <snaps-pod> MPIEXEC...
"""
import os
import re
import subprocess
import sys

import h5py
import numpy as np

scratch, EX45, LIB, POD = sys.argv[1:5]
MPIEXEC = sys.argv[5:]
os.makedirs(scratch, exist_ok=True)
GRID = ["-da_grid_x", "8", "-da_grid_y", "6", "-da_grid_z", "5"]
fails = []


def p(name):
    return os.path.join(scratch, name)


def run(np_, extra, expect_ok=True):
    cmd = (MPIEXEC + ["-n", str(np_)] if np_ > 1 else []) + [EX45] + GRID + extra  # 1 rank: no launcher (faster)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if expect_ok and r.returncode:
        sys.exit("FAILED (%d): %s\n%s%s" % (r.returncode, " ".join(cmd), r.stdout, r.stderr))
    return r


def petsc_vec(path):
    data = open(path, "rb").read()
    classid, n = np.frombuffer(data[:8], ">i4")
    assert classid == 1211214, "%s is not a PETSc binary vector" % path
    return np.frombuffer(data[8:8 + 8 * n], ">f8").astype(float)


# training on 1 rank (global ordering = natural ordering there)
run(1, ["-ksp_rtol", "1e-13", "-ksp_view_solution", "binary:" + p("u.bin"), "-ksp_view_rhs", "binary:" + p("b.bin")])
u, b = petsc_vec(p("u.bin")), petsc_vec(p("b.bin"))
scale = np.array([1.0, 2.0, 3.0, 4.0])


def snapshots(fingerprint):
    with h5py.File(p("snapshots.h5"), "w") as f:
        f["U"], f["B"], f["X"] = np.outer(scale, u), np.outer(scale, b), np.column_stack([scale])
        for d in ("U", "B"):
            f[d].attrs["timestepping"] = 1
        for k, v in dict(fingerprint=fingerprint.encode(), n_params=1, n_samples=len(scale), ordering=b"natural", vector_size=len(u)).items():
            f.attrs[k] = v
    r = subprocess.run([POD, "-snapshots", p("snapshots.h5"), "-model", p("model.h5"), "-sna_khronos_degree", "1", "-sna_khronos_nodes", "2",
                        "-sna_khronos_modes", "1"], capture_output=True, text=True, timeout=60)
    if r.returncode:
        sys.exit("FAILED: snaps-pod\n%s%s" % (r.stdout, r.stderr))


SNA = ["-dll_append", LIB, "-ksp_guess_type", "sna", "-ksp_guess_sna_model", p("model.h5"), "-ksp_converged_reason"]
snapshots("0" * 16)
r = run(1, SNA, expect_ok=False)
m = re.search(r"this operator's fingerprint is ([0-9a-f]+)", r.stdout + r.stderr)
if not m:
    sys.exit("FAILED: no fingerprint in the refusal of a model with another one\n%s%s" % (r.stdout, r.stderr))
snapshots(m.group(1))

plain = run(1, ["-ksp_converged_reason"]).stdout
its0 = re.search(r"iterations (\d+)", plain)
if not its0 or int(its0.group(1)) < 5:
    fails.append("the zero guess should need several CG iterations, got: %r" % plain)
for np_, split in ((1, []), (2, []), (4, ["-da_processors_x", "2", "-da_processors_y", "1", "-da_processors_z", "2"])):
    out = run(np_, SNA + split).stdout
    its = re.search(r"converged due to \w+ iterations (\d+)", out)
    if not its or its.group(1) != "0":
        fails.append("%d ranks%s: the guess should be ex45's solution (iterations 0), got: %r" % (np_, " " + " ".join(split) if split else "", out))
if fails:
    sys.exit("FAILED: " + "; ".join(fails))
print("ex45 (3-D DMDA): the sna guess is the solution on 1, 2 and 4 ranks (iterations 0; zero guess: %s)" % its0.group(1))
