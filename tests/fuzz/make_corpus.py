#!/usr/bin/python3
"""Writes the seed corpus of the fuzz harnesses (tests/fuzz/corpus/<reader>/): small valid files made
by SNAPS's own programs, and crafted ones that hit known weak spots of the readers (string arrays in
string attributes, datasets of rank above 8, sizes whose product overflows, non-finite values).

    make_corpus.py BINDIR [OUTDIR]      BINDIR: a build's bin/ (snaps-fit, snaps-pod, petsc_ksp_ex2,
                                        ex2_snapshots); OUTDIR defaults to tests/fuzz/corpus; the
                                        crafted files that crash go to tests/fuzz/regressions

Deterministic (fixed seeds). Every file stays small (the harnesses' -max_len is 64 KB).
"""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# Crafted files that crash the readers (issue 13, defect 1 and 2): written as regression inputs
# (regressions/<reader>/crafted-<name>), not seeds, so that fuzzing does not start from a crash.
CRAFTED_CRASHES = {
    "model": ["type_string_array.h5", "khronos_huge_sizes.h5"],
    "snapshots": ["fingerprint_array.h5"],
    "guess": ["map_array.h5", "ordering_array.h5"],
}


def run(*cmd):
    subprocess.run([str(c) for c in cmd], check=True, stdout=subprocess.DEVNULL)


def copy_with(src, dst, edit):
    """dst is a copy of src changed in place by edit(h5py.File)."""
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        edit(f)


def string_array(n, length):
    return np.array([b"x" * (length - 1)] * n, dtype="S%d" % length)


def datasets(out, tmp, bindir):
    rng = np.random.default_rng(13)
    X = rng.uniform(-1, 1, size=(24, 2))
    Y = (np.cos(X[:, 0]) * np.sin(X[:, 1]))[:, None]
    with h5py.File(os.path.join(out, "small.h5"), "w") as f:
        f["X"], f["Y"] = X, Y
    with h5py.File(os.path.join(out, "y1d.h5"), "w") as f:
        f["X"], f["Y"] = X, Y[:, 0]
    with h5py.File(os.path.join(out, "multifidelity.h5"), "w") as f:
        f["lf/X"], f["lf/Y"], f["X"], f["Y"] = X, Y, X[:8], Y[:8]
    with h5py.File(os.path.join(out, "rank3.h5"), "w") as f:
        f["X"], f["Y"] = X.reshape(24, 2, 1), Y
    with h5py.File(os.path.join(out, "rank9.h5"), "w") as f:
        f["X"], f["Y"] = np.zeros((2,) * 9), Y
    with h5py.File(os.path.join(out, "nostorage.h5"), "w") as f:  # declares 2^27 rows, stores none
        f.create_dataset("X", shape=(1 << 27, 2), dtype="f8")
        f.create_dataset("Y", shape=(1 << 27, 1), dtype="f8")
    with h5py.File(os.path.join(out, "strings.h5"), "w") as f:
        f["X"], f["Y"] = string_array(24, 8), Y
    # snaps-fit's model of the small set predicted back: snaps-predict's output is a dataset too
    data = os.path.join(out, "small.h5")
    run(bindir / "snaps-fit", "-data", data, "-model", tmp / "fit.h5", "-sna_khronos_nodes", 4, "-sna_khronos_modes", 2)
    run(bindir / "snaps-predict", "-model", tmp / "fit.h5", "-data", data, "-out", os.path.join(out, "predicted.h5"))


def models(out, tmp, bindir, data):
    kh, ai = os.path.join(out, "khronos.h5"), os.path.join(out, "aion.h5")
    run(bindir / "snaps-fit", "-data", data, "-model", kh, "-sna_khronos_nodes", 4, "-sna_khronos_modes", 2)
    t = np.linspace(0, 1, 40)
    with h5py.File(tmp / "atom.h5", "w") as f:
        f["X"], f["Y"] = t[:, None], (1.5 * np.exp(-1.2 * t) * np.cos(8 * t + 0.6))[:, None]
    run(bindir / "snaps-fit", "-data", tmp / "atom.h5", "-model", ai, "-sna_type", "aion")

    def type_array(f):  # the type attribute as an array of strings (element size checked, not count)
        del f["sna"].attrs["type"]
        f["sna"].attrs.create("type", string_array(8, 60))

    def rank9_lower(f):
        del f["sna/lower"]
        f["sna/lower"] = np.zeros((1,) * 9)

    def aion_wrap(f):  # 4 d rank terms wraps in 32 bits
        g = f["sna"]
        g.attrs["dim_in"], g.attrs["rank"], g.attrs["terms"] = np.int64(4096), np.int64(1024), np.int64(1024)

    def huge_sizes(f):  # sizes declared far beyond the datasets
        g = f["sna"]
        g.attrs["nodes"], g.attrs["modes"] = np.int64(1 << 20), np.int64(1 << 16)

    def huge_c(f):
        f["sna/C"][...] = 1e300

    copy_with(kh, os.path.join(out, "type_string_array.h5"), type_array)
    copy_with(kh, os.path.join(out, "lower_rank9.h5"), rank9_lower)
    copy_with(ai, os.path.join(out, "aion_size_wrap.h5"), aion_wrap)
    copy_with(kh, os.path.join(out, "khronos_huge_sizes.h5"), huge_sizes)
    copy_with(kh, os.path.join(out, "khronos_huge_c.h5"), huge_c)


def snapshots_and_guess(snapdir, guessdir, tmp, bindir):
    # PETSc's ex2 on a 4 x 4 grid: 16 unknowns, the size of the guess harness's operator
    run(bindir / "petsc_ksp_ex2", "-m", 4, "-n", 4, "-ksp_view_mat", "binary:%s" % (tmp / "A.bin"))
    snap = os.path.join(snapdir, "ex2.h5")
    run(bindir / "ex2_snapshots", "-matrix", tmp / "A.bin", "-m", 4, "-n", 4, "-samples", 3, "-snapshots", snap)
    linear = ["-sna_khronos_degree", 1, "-sna_khronos_nodes", 2, "-sna_khronos_modes", 2]
    model = os.path.join(guessdir, "ex2.h5")
    run(bindir / "snaps-pod", "-snapshots", snap, "-model", model, *linear)
    run(bindir / "snaps-pod", "-snapshots", snap, "-model", os.path.join(guessdir, "ex2_norhs.h5"), "-no_rhs", *linear)
    run(bindir / "snaps-pod", "-snapshots", snap, "-model", os.path.join(guessdir, "ex2_rhs_sna.h5"), *linear,
        "-rhs_map", "sna", "-rhs_sna_khronos_degree", 1, "-rhs_sna_khronos_nodes", 2, "-rhs_sna_khronos_modes", 2)
    def operator(f):  # the reduced operator G(mu) = G_0 + mu1 G_1 + mu2 G_2, as snaps-pod -operators writes it
        k = int(f["pod"].attrs["n_modes"])
        g = f.create_group("operator")
        for name, v in (("n_modes", k), ("n_params", 2), ("degree", 1), ("n_terms", 3), ("n_records", 4)):
            g.attrs[name] = np.int64(v)
        g["exponents"] = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
        g["terms"] = np.stack([np.eye(k) * (t + 2.0) for t in range(3)])
        g["fit_rel_error"] = np.array([1e-15])

    copy_with(model, os.path.join(guessdir, "ex2_operator.h5"), operator)

    def no_b(f):
        del f["B"]

    def text_array(f):  # the fingerprint attribute as an array of strings
        del f.attrs["fingerprint"]
        f.attrs.create("fingerprint", string_array(4, 60))

    def rank9_u(f):
        del f["U"]
        f["U"] = np.zeros((1,) * 9)

    copy_with(snap, os.path.join(snapdir, "ex2_no_b.h5"), no_b)
    copy_with(snap, os.path.join(snapdir, "fingerprint_array.h5"), text_array)
    copy_with(snap, os.path.join(snapdir, "u_rank9.h5"), rank9_u)

    def ordering_array(f):
        del f["pod"].attrs["ordering"]
        f["pod"].attrs.create("ordering", string_array(4, 30))

    def map_array(f):
        del f["rhs"].attrs["map"]
        f["rhs"].attrs.create("map", string_array(4, 60))

    def basis_rank9(f):
        del f["pod/basis"]
        f["pod/basis"] = np.zeros((1,) * 9)

    def map_rank3(f):
        del f["rhs/map"]
        f["rhs/map"] = np.zeros((2, 2, 2))

    copy_with(model, os.path.join(guessdir, "ordering_array.h5"), ordering_array)
    copy_with(model, os.path.join(guessdir, "map_array.h5"), map_array)
    copy_with(model, os.path.join(guessdir, "basis_rank9.h5"), basis_rank9)
    copy_with(model, os.path.join(guessdir, "map_rank3.h5"), map_rank3)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    from pathlib import Path

    bindir = Path(sys.argv[1]).resolve()
    out = Path(sys.argv[2] if len(sys.argv) == 3 else os.path.join(HERE, "corpus"))
    dirs = {r: out / r for r in ("model", "dataset", "snapshots", "guess")}
    for d in dirs.values():
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        datasets(dirs["dataset"], tmp, bindir)
        models(dirs["model"], tmp, bindir, dirs["dataset"] / "small.h5")
        snapshots_and_guess(dirs["snapshots"], dirs["guess"], tmp, bindir)
    for reader, names in CRAFTED_CRASHES.items():
        regressions = Path(HERE) / "regressions" / reader
        regressions.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.move(dirs[reader] / name, regressions / ("crafted-" + name))
    for d in dirs.values():
        for f in sorted(d.iterdir()):
            assert f.stat().st_size < 50000, "%s is %d bytes: keep seeds small" % (f, f.stat().st_size)


if __name__ == "__main__":
    main()
