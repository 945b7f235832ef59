#!/usr/bin/python3
"""snaps-pod on snapshot files written here, whose right answers are known.

usage: check_pod_rhs_nan.py affine SCRATCH CORPUS -- SNAPS-POD
       check_pod_rhs_nan.py nan SCRATCH CORPUS MPIEXEC... -- SNAPS-POD
       check_pod_rhs_nan.py mean SCRATCH CORPUS MPIEXEC... -- SNAPS-POD

affine: solutions U = B M^T + u0 (a fixed 16 x 16 M, a fixed non-zero u0, right-hand sides B of rank 3): the map from
  the right-hand side's coordinates to the solution's is exactly affine, so the default (affine) -rhs_map must fit it:
  rhs_fit_rel_error_max < 1e-10 in -results. A map without its offset cannot fit u0 (error of order |u0| / |u|).
nan: a NaN in /U, entry 5 of row 2 (owned by rank 0 of 2, the other rank's part of the row being finite), is
  named with its file, dataset, row and entry on 2 ranks, as on 1 (the first bad entry over the ranks: a clean rank
  must not hide it).
mean: the fit's mean relative error over the samples (fit_rel_error_mean, and the max) is the same from 1 and 2 ranks
  on the 9 samples of ex2.h5 (a rank-1 bilinear SNA, errors about 0.1), which 2 ranks hold 5 + 4: the mean of the ranks' means (mutation audit s22, m08) equals
  it only for an even split. The two models' POD bases, singular values, right-hand-side map and (determined) SNA
  coefficients are the same to rounding.
"""
import json
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

LINEAR = ["-sna_khronos_degree", "1", "-sna_khronos_nodes", "2", "-sna_khronos_modes", "4"]


def main():
    sep = sys.argv.index("--")
    mode, scratch, corpus = sys.argv[1:4]
    mpiexec, pod = sys.argv[4:sep], sys.argv[sep + 1:]
    if "--np" in mpiexec:  # the rank count, for the suite's label check (tests/check_test_labels.py); 2 is used
        i = mpiexec.index("--np")
        del mpiexec[i:i + 2]
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    snap = os.path.join(corpus, "snapshots", "ex2.h5")  # 9 samples of size 16, 2 parameters
    fails = []
    if mode == "affine":
        s, m, r = (os.path.join(scratch, f) for f in ("affine.h5", "m.h5", "r.json"))
        shutil.copy(snap, s)
        rng = np.random.default_rng(7)
        with h5py.File(s, "r+") as h:
            N, n = h["U"].shape
            B = rng.standard_normal((3, n))
            B = np.vstack([B, rng.standard_normal((N - 3, 3)) @ B])  # rank 3
            M = rng.standard_normal((n, n))
            u0 = 2.0 + rng.random(n)
            h["B"][:] = B
            h["U"][:] = B @ M.T + u0
        cmd = pod + ["-snapshots", s, "-model", m, "-results", r] + LINEAR
        p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(p.stdout)
        if p.returncode != 0:
            sys.exit(f"FAILED ({p.returncode}): {' '.join(cmd)}")
        res = json.load(open(r))
        err = res["rhs_fit_rel_error_max"]
        print(f"affine map: rhs_fit_rel_error_max {err:.3e} (mean {res['rhs_fit_rel_error_mean']:.3e})")
        if not err < 1e-10:
            fails.append(f"the right-hand-side map's training error is {err:.3e} on solutions that are an exact affine function of the "
                         "right-hand sides: expected < 1e-10 (is the map's offset fitted?)")
    elif mode == "nan":
        for dset in ("U",):  # /B goes through the same check (on 1 rank: check_pod_predict.py); one 2-rank run keeps this fast
            bad = os.path.join(scratch, f"nan_{dset}.h5")
            shutil.copy(snap, bad)
            with h5py.File(bad, "r+") as h:
                a = h[dset][:]
                a[2, 5] = np.nan
                h[dset][:] = a
            # -on_error_abort: every rank prints the error and aborts at once. Without it the run takes 10 s more: PETSc's
            # traceback handler keeps rank 1 asleep for 10 s (rank 0 prints) while rank 0's collective close of the
            # HDF5 file waits for it
            cmd = mpiexec + ["-n", "2"] + pod + ["-snapshots", bad, "-model", os.path.join(scratch, "m.h5"), "-on_error_abort"] + LINEAR
            p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            want = rf"The snapshot file '.*nan_{dset}.h5' has a NaN or Inf in /{dset}, row 2 \(entry 5\)"
            ok = p.returncode != 0 and re.search(want, p.stdout)
            print(f"/{dset}: rc {p.returncode}, {'names' if ok else 'does NOT name'} row 2, entry 5")
            if not ok:
                fails.append(f"{' '.join(cmd)}: rc {p.returncode}, expected an error /{want}/; output tail:\n{p.stdout[-800:]}")
            if os.path.exists(os.path.join(scratch, "m.h5")):
                fails.append(f"{' '.join(cmd)}: wrote the model")
    elif mode == "mean":
        res = []
        for np_ in (1, 2):
            m, r = os.path.join(scratch, f"m{np_}.h5"), os.path.join(scratch, f"r{np_}.json")
            # a rank-1 bilinear SNA: relative errors about 0.1 (the default fit is exact to rounding, 1e-12)
            cmd = mpiexec + ["-n", str(np_)] + pod + ["-snapshots", snap, "-model", m, "-results", r] + LINEAR[:4] + ["-sna_khronos_modes", "1"]
            p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode != 0:
                sys.exit(f"FAILED ({p.returncode}): {' '.join(cmd)}\n{p.stdout[-1500:]}")
            res.append(json.load(open(r)))
        for key in ("fit_rel_error_mean", "fit_rel_error_max"):
            a, b = res[0][key], res[1][key]
            print(f"{key}: 1 rank {a:.9e}, 2 ranks {b:.9e}")
            if not abs(a - b) <= 1e-6 * abs(a):
                fails.append(f"{key} is {a:.9e} from 1 rank but {b:.9e} from 2 ranks (holding 5 + 4 of the 9 samples): "
                             "expected the same figure to 1e-6 relative (a mean over the samples, not of the ranks' means)")
        # the model itself: the POD bases, singular values and affine map are the same to rounding on any rank count
        # (no sign or order freedom: Gram-Schmidt's R has a positive diagonal and its SVD is the same small matrix), and so
        # are the SNA's coefficients here, whose fit is determined (8 parameters for 36 values). An over-parameterised fit
        # (the default sizes) is not: README, "rank count"
        with h5py.File(os.path.join(scratch, "m1.h5"), "r") as h1, h5py.File(os.path.join(scratch, "m2.h5"), "r") as h2:
            for name, tol in (("pod/basis", 1e-12), ("pod/singular_values", 1e-12), ("rhs/basis", 1e-12),
                              ("rhs/singular_values", 1e-12), ("rhs/map", 1e-12), ("sna/W", 1e-10), ("sna/C", 1e-10)):
                a, b = h1[name][()], h2[name][()]
                d = float(np.max(np.abs(a - b))) if a.shape == b.shape else float("inf")
                scale = float(np.max(np.abs(a)))
                print(f"/{name}: max difference 1 vs 2 ranks {d:.3e} (largest entry {scale:.3e})")
                if not d <= tol * scale:
                    fails.append(f"/{name} differs between the models from 1 and 2 ranks by {d:.3e} (largest entry {scale:.3e}): "
                                 f"expected the same to {tol:g} relative")
    else:
        sys.exit(f"unknown mode {mode}")
    if fails:
        sys.exit("FAILED:\n" + "\n".join(fails))


if __name__ == "__main__":
    main()
