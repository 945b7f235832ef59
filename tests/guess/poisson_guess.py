#!/usr/bin/env python3
"""The sna guess in snaps-poisson-param (DMPlex, natural ordering, Galerkin correction).

  poisson_guess.py train DIR MPIEXEC... -- PROGRAM-OPTIONS...
      12 Latin-hypercube training samples (q = 2) and 6 unseen ones; training solves on 2 ranks to
      rtol 1e-13; the model (all POD modes kept) with snaps-pod on 2 ranks.
  poisson_guess.py training DIR NP MPIEXEC... -- PROGRAM-OPTIONS...
      at every training parameter, the Galerkin-corrected guess is the FEM solution (relative residual
      below 1e-10), and the surrogate alone has the training error snaps-pod reported.
  poisson_guess.py unseen DIR MPIEXEC... -- PROGRAM-OPTIONS...
      on the unseen samples, on 1 and 2 ranks: the guesses agree between rank counts (the model was
      trained on 2 ranks), and sna + Galerkin needs fewer iterations than the zero guess.
"""
import json
import os
import subprocess
import sys

import h5py
import numpy as np


def lhs(n, q, seed):
    rng = np.random.default_rng(seed)
    x = np.empty((n, q))
    for j in range(q):
        x[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return x


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode:
        sys.exit("FAILED (%d): %s\n%s%s" % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p.stdout


def split(argv):
    i = argv.index("--")
    return argv[:i], argv[i + 1:]


def main():
    mode, d = sys.argv[1], sys.argv[2]
    bindir = os.environ["SNAPS_BIN"]
    sna = ["-ksp_guess_type", "sna", "-ksp_guess_sna_model", os.path.join(d, "model.h5")]
    prog = os.path.join(bindir, "snaps-poisson-param")
    if mode == "train":
        mpiexec, opts = split(sys.argv[3:])
        os.makedirs(d, exist_ok=True)
        for name, n, seed in (("train", 12, 1), ("unseen", 6, 2)):
            with h5py.File(os.path.join(d, name + ".h5"), "w") as f:
                f["X"] = lhs(n, 2, seed)
        run(mpiexec + ["-n", "2", prog] + opts + ["-samples", os.path.join(d, "train.h5"), "-snapshots", os.path.join(d, "snapshots.h5"),
                                                 "-ksp_rtol", "1e-13"])
        run(mpiexec + ["-n", "2", os.path.join(bindir, "snaps-pod"), "-snapshots", os.path.join(d, "snapshots.h5"),
                       "-model", os.path.join(d, "model.h5"), "-pod_tol", "0", "-results", os.path.join(d, "pod.json"),
                       "-sna_khronos_degree", "2", "-sna_khronos_nodes", "4", "-sna_khronos_modes", "4", "-sna_bounds", "0,1,0,1"])
        print(open(os.path.join(d, "pod.json")).read())
        return
    if mode == "training":
        np_ = sys.argv[3]
        mpiexec, opts = split(sys.argv[4:])
        res = {}
        for tag, extra in (("galerkin", ["-ksp_guess_sna_galerkin"]), ("alone", ["-ksp_guess_sna_scale", "0"])):
            out = os.path.join(d, "training_%s_%s.json" % (tag, np_))
            run(mpiexec + ["-n", np_, prog] + opts + ["-samples", os.path.join(d, "train.h5"), "-results", out, "-ksp_rtol", "1e-13"] + sna + extra)
            res[tag] = json.load(open(out))
        # the residual |b - A x0| / |b| of the guess itself: the snapshots were solved to rtol 1e-13, and
        # with all modes kept the Galerkin guess is the snapshot (KSPSolve may then stop at iteration 0)
        gal = res["galerkin"]["guess_rel_residual"]
        print("Galerkin-corrected guess at the training parameters: max relative residual %.3e, iterations %s" % (max(gal), res["galerkin"]["iterations"]))
        if max(gal) > 1e-10:
            sys.exit("the guess at a training parameter is not the FEM solution: relative residual %.3e > 1e-10" % max(gal))
        pod = json.load(open(os.path.join(d, "pod.json")))
        alone = res["alone"]["guess_rel_l2_error"]
        # with all modes kept the field error of the surrogate is its coordinate error (orthonormal basis);
        # the L2 (mass-matrix) norm and the Euclidean one of snaps-pod differ by a mesh factor only
        print("surrogate alone at the training parameters: relative L2 error mean %.3e, max %.3e (snaps-pod: coordinates mean %.3e, max %.3e)" %
              (np.mean(alone), max(alone), pod["fit_rel_error_mean"], pod["fit_rel_error_max"]))
        if not (0.2 * pod["fit_rel_error_max"] <= max(alone) <= 5 * pod["fit_rel_error_max"]):
            sys.exit("the surrogate's error in the solver (%.3e) does not match its training error (%.3e)" % (max(alone), pod["fit_rel_error_max"]))
        return
    if mode == "unseen":
        mpiexec, opts = split(sys.argv[3:])
        res = {}
        for np_ in ("1", "2"):
            for tag, extra in (("zero", []), ("galerkin", sna + ["-ksp_guess_sna_galerkin"]), ("alone", sna + ["-ksp_guess_sna_scale", "0"])):
                out = os.path.join(d, "unseen_%s_%s.json" % (tag, np_))
                run(mpiexec + ["-n", np_, prog] + opts + ["-samples", os.path.join(d, "unseen.h5"), "-results", out] + extra)
                res[tag, np_] = json.load(open(out))
        for tag in ("galerkin", "alone"):
            e1, e2 = np.array(res[tag, "1"]["guess_rel_l2_error"]), np.array(res[tag, "2"]["guess_rel_l2_error"])
            print("%s guess on unseen samples: relative L2 errors %s (1 rank) %s (2 ranks)" % (tag, e1, e2))
            if np.max(np.abs(e1 - e2) / e1) > 1e-6:
                sys.exit("the %s guess depends on the number of ranks" % tag)
        for np_ in ("1", "2"):
            z, g = res["zero", np_]["iterations"], res["galerkin", np_]["iterations"]
            print("%s rank(s): iterations zero guess %s, sna + Galerkin %s" % (np_, z, g))
            if not all(b < a for a, b in zip(z, g)):
                sys.exit("sna + Galerkin did not reduce the iterations of every solve")
        return
    sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
