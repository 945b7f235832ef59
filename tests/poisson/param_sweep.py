#!/usr/bin/python3
"""snaps-poisson-param sweeps checked against answers known without a reference solve.

usage: param_sweep.py kappa SCRATCH -- SNAPS-POISSON-PARAM
       param_sweep.py fingerprint SCRATCH MPIEXEC... [--np 2] -- SNAPS-POISSON-PARAM
       param_sweep.py slots SCRATCH -- SNAPS-POISSON-PARAM

kappa: -kappa 1+mu1 (constant in x) with the samples mu = 0, 1, 3 of one run: u(mu) = u(0) / (1 + mu), so the
  snapshots must be U[0], U[0]/2, U[0]/4 (to the solver's tolerance); an operator assembled for one sample and kept
  for the next (stale kappa(mu)) gives U[1] = U[0].
fingerprint: the operator's fingerprint in the snapshot file is computed in the natural ordering: the same from 1 and
  2 ranks (on 2 ranks a DMPlex's global rows are not its natural ones, so a fingerprint of global rows differs).
slots: each mu_p reads its own value (mutation audit s22, f1: every mu_p reading mu1 passed the suite): -params 0,1,3
  with -kappa 1+mu1+mu3 -source mu2 is kappa = 4, f = 1, so U equals that of -params 0 -kappa 4+mu1 -source 1, and
  max |U| on the 4 x 4 Q1 mesh is 0.07767857 / 4 (0.07767857 measured for kappa = f = 1); mu2 read as mu1 gives f = 0
  (U = 0), mu3 read as mu1 kappa = 1.
"""
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)


def run(cmd):
    p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.exit(f"FAILED ({p.returncode}): {' '.join(cmd)}\n{p.stdout[-2000:]}")
    print(p.stdout.strip().splitlines()[-1])


def main():
    sep = sys.argv.index("--")
    mode, scratch = sys.argv[1:3]
    mpiexec, param = sys.argv[3:sep], sys.argv[sep + 1:]
    if "--np" in mpiexec:  # the rank count, for the suite's label check (tests/check_test_labels.py); 1 and 2 are used
        i = mpiexec.index("--np")
        del mpiexec[i:i + 2]
    os.makedirs(scratch, exist_ok=True)
    X = os.path.join(scratch, "X.h5")
    mus = [0.0, 1.0, 3.0]
    with h5py.File(X, "w") as h:
        h["X"] = np.array(mus).reshape(-1, 1)
    common = ["-kappa", "1+mu1", "-samples", X, "-dm_plex_box_faces", "6"]
    fails = []
    if mode == "kappa":
        s = os.path.join(scratch, "kappa.h5")
        run(param + common + ["-snapshots", s])
        with h5py.File(s, "r") as h:
            U = h["U"][:]
        for i, mu in enumerate(mus):
            rel = np.abs((1 + mu) * U[i] - U[0]).max() / np.abs(U[0]).max()
            print(f"mu = {mu}: |(1 + mu) u(mu) - u(0)| / |u(0)| = {rel:.2e}")
            if not rel < 1e-7:
                fails.append(f"sample {i} (mu = {mu}, kappa = {1 + mu}): (1 + mu) u(mu) differs from u(0) by {rel:.2e} relative; "
                             "expected u(mu) = u(0) / (1 + mu) (an operator of another sample?)")
    elif mode == "fingerprint":
        prints = []
        for np_ in (1, 2):
            s = os.path.join(scratch, f"fp{np_}.h5")
            run(mpiexec + ["-n", str(np_)] + param + common + ["-snapshots", s])
            with h5py.File(s, "r") as h:
                prints.append(h.attrs["fingerprint"])
        print(f"fingerprints: 1 rank {prints[0]!r}, 2 ranks {prints[1]!r}")
        if prints[0] != prints[1]:
            fails.append(f"the operator's fingerprint differs between 1 rank ({prints[0]!r}) and 2 ranks ({prints[1]!r}): "
                         "it should be computed in the natural ordering")
    elif mode == "slots":
        U = []
        for name, opts in (("slots", ["-params", "0,1,3", "-kappa", "1+mu1+mu3", "-source", "mu2"]),
                           ("constants", ["-params", "0", "-kappa", "4+mu1", "-source", "1"])):
            s = os.path.join(scratch, f"{name}.h5")
            run(param + opts + ["-dm_plex_box_faces", "4", "-snapshots", s])
            with h5py.File(s, "r") as h:
                U.append(h["U"][0])
        diff, top = np.abs(U[0] - U[1]).max(), np.abs(U[0]).max()
        print(f"max |U(mu1..mu3) - U(constants)| = {diff:.2e}, max |U(mu1..mu3)| = {top:.7g}")
        if not diff < 1e-12:
            fails.append(f"-params 0,1,3 -kappa 1+mu1+mu3 -source mu2 differs from -kappa 4 -source 1 by {diff:.2e}: "
                         "a parameter reads another one's value?")
        if not abs(top / (0.07767857 / 4) - 1) < 1e-6:
            fails.append(f"max |U| = {top:.7g} for kappa = 4, f = 1 on the 4 x 4 Q1 mesh; expected 0.07767857 / 4 = 0.01941964")
    else:
        sys.exit(f"unknown mode {mode}")
    if fails:
        sys.exit("FAILED:\n" + "\n".join(fails))


if __name__ == "__main__":
    main()
