#!/usr/bin/python3
"""Trajectory attributes: integers as int64, init_time recorded, older float64 files still read
(regression.flow_trajectory_attributes).

    check_trajectory_attrs.py DIR KS KOL MPIEXEC...

- snaps-kolmogorov and snaps-ks store the integer run parameters N, seed, forcing_wavenumber and members as int64
  (they were float64: 4.0 in the trajectory beside the surrogate's int64 4, and a seed above 2^53 lost digits), the
  real ones (L, Re, nu, alpha, forcing_amplitude, dt_save) as float64, and the Kolmogorov .xmf describes its HDF5
  data as stored (tests/xdmf_check.py), every member of the ensemble at every saved time.
- a run started with -init_trajectory records init_time, the saved time its members started from (it did not).
- a trajectory of the older kind (N, seed, forcing_wavenumber float64) is still read: -init_trajectory from it
  (SNAPSTrajectoryLoad, the loader of snaps-rollout-fit too) and flow_stats.py.
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import xdmf_check  # noqa: E402

d, ks, kol = sys.argv[1:4]
shutil.rmtree(d, ignore_errors=True)
os.makedirs(d)
fails = []


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        fails.append("%s exited %d: %s" % (" ".join(cmd), p.returncode, p.stdout[-600:]))
    return p.returncode == 0


def path(name):
    return os.path.join(d, name)


def kinds(f, ints, reals):
    with h5py.File(f, "r") as h:
        for k in ints:
            if k not in h.attrs or h.attrs[k].dtype != np.int64:
                fails.append("%s: attribute %s is %s, expected int64" % (f, k, h.attrs[k].dtype if k in h.attrs else "absent"))
        for k in reals:
            if k not in h.attrs or h.attrs[k].dtype != np.float64:
                fails.append("%s: attribute %s is %s, expected float64" % (f, k, h.attrs[k].dtype if k in h.attrs else "absent"))


if run([kol, "-N", "16", "-T", "0.2", "-dt_save", "0.1", "-ensemble", "2", "-trajectory", path("ko.h5")]):
    kinds(path("ko.h5"), ("N", "seed", "forcing_wavenumber", "members"), ("L", "Re", "nu", "alpha", "forcing_amplitude", "dt_save"))
    fails.extend(xdmf_check.problems(path("ko.xmf")))
    # every member at every saved time, at its time (the XDMF showed member 0 alone)
    with h5py.File(path("ko.h5"), "r") as h:
        times, shape = h["time"][:], h["w"].shape
    want = {(float(t), "/w", (k, m, 0, 0), (1, 1, 1, 1), (1, 1) + shape[2:]) for k, t in enumerate(times) for m in range(shape[1])}
    got = set(xdmf_check.slabs(path("ko.xmf")))
    if got != want:
        fails.append("ko.xmf (2 members, %d times): slabs missing %s, unexpected %s" % (len(times), sorted(want - got)[:4], sorted(got - want)[:4]))
if run([ks, "-N", "32", "-T", "1", "-dt_save", "0.5", "-trajectory", path("ks.h5")]):
    kinds(path("ks.h5"), ("N", "seed", "members"), ("L", "dt_save"))
    if run([ks, "-N", "32", "-T", "0.5", "-dt_save", "0.5", "-init_trajectory", path("ks.h5"), "-init_time", "0.5", "-trajectory", path("ksr.h5")]):
        with h5py.File(path("ksr.h5"), "r") as h:
            if h.attrs.get("init_time") != 0.5 or "init_time" in h.attrs and h.attrs["init_time"].dtype != np.float64:
                fails.append("ksr.h5 (-init_trajectory ks.h5 -init_time 0.5): init_time %r, expected 0.5 (float64)" % h.attrs.get("init_time"))
    # the older kind of file: integer parameters as float64
    shutil.copy(path("ks.h5"), path("ks_old.h5"))
    with h5py.File(path("ks_old.h5"), "a") as h:
        for k in ("N", "seed"):
            v = float(h.attrs[k])
            del h.attrs[k]
            h.attrs[k] = np.float64(v)
    run([ks, "-N", "32", "-T", "0.5", "-dt_save", "0.5", "-init_trajectory", path("ks_old.h5"), "-trajectory", path("ksr_old.h5")])
    run([sys.executable, os.path.join(HERE, "..", "..", "postprocess", "flow_stats.py"), path("ks_old.h5"), "--json", path("ks_old.json"), "--png", path("ks_old.png")])
if os.path.exists(path("ko.h5")):
    shutil.copy(path("ko.h5"), path("ko_old.h5"))
    with h5py.File(path("ko_old.h5"), "a") as h:
        for k in ("N", "seed", "forcing_wavenumber"):
            v = float(h.attrs[k])
            del h.attrs[k]
            h.attrs[k] = np.float64(v)
    run([kol, "-N", "16", "-T", "0.1", "-dt_save", "0.1", "-init_trajectory", path("ko_old.h5"), "-trajectory", path("kor_old.h5")])
if fails:
    sys.exit("\n".join(fails))
print("trajectory attributes: integers int64, init_time recorded, float64 files of older runs read")
