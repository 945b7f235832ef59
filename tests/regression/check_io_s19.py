"""I/O and option checks of snaps-rollout-fit, snaps-pod, the snapshot and checkpoint writers.

usage: check_io_s19.py CHECK SCRATCH BIN_DIR

rollout_fit_results: snaps-rollout-fit lists -results in -help, writes the JSON report, and warns about a misspelt
  option once, before the first drift is fitted. pod_unused_early: snaps-pod warns about a misspelt option before its
  fits, and not about the SNA options its fits read (-sna_view, -rhs_sna_* with -rhs_map sna). disk_full: a write that
  fails (a file size limit: RLIMIT_FSIZE, SIGXFSZ ignored, so writes beyond it fail with EFBIG) keeps the existing
  snapshot file, checkpoint and trajectory byte for byte, leaves no temporary file, and the message names the file.
"""
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

check, scratch, BIN = sys.argv[1:4]
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)
LIMIT = 8000 * 1024  # bytes: MPI's start-up writes about 8 MB; each failing output below needs more


def path(name):
    return os.path.join(scratch, name)


def run(cmd, rc=0, **kw):
    p = script_runner.program([os.path.join(BIN, cmd[0])] + cmd[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120, **kw)
    assert (p.returncode == 0) == (rc == 0), f"{' '.join(cmd)}: rc {p.returncode}:\n{p.stdout[-3000:]}"
    return p.stdout


def rollout_fit_results():
    run(["snaps-ks", "-T", "20", "-dt_save", "0.5", "-N", "32", "-seed", "3", "-trajectory", path("ks.h5")])
    assert "-results <r.json>" in run(["snaps-rollout-fit", "-help"]), "-results is not in -help"
    out = run(["snaps-rollout-fit", "-trajectories", path("ks.h5"), "-twin_model", path("det.h5"), "-model", path("cat.h5"), "-latent_modes", "3",
               "-head_sna_fit_max_it", "2", "-results", path("r.json"), "-drift_degre", "2"])
    warn = "WARNING: option -drift_degre (value 2) was set but never used"
    assert out.count(warn) == 1 and out.index(warn) < out.index("snaps-rollout-fit: drift 0"), f"one warning, before the first drift:\n{out}"
    assert "was set but never used" not in out.replace(warn, ""), out
    r = json.load(open(path("r.json")))
    assert r["program"] == "snaps-rollout-fit" and r["latent_size"] == 6 and r["pairs"] == 40, r
    assert len(r["drift_train_error"]) == 6 and len(r["head_train_cross_entropy"]) == 6 and "machine" in r, r
    print("-results in -help and written; a misspelt option warned about once, before the fits")


def pod_unused_early():
    snap = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus", "snapshots", "ex2.h5")
    out = run(["snaps-pod", "-snapshots", snap, "-model", path("m.h5"), "-sna_khronos_modess", "3", "-rhs_map", "sna", "-rhs_sna_khronos_modes", "4",
               "-sna_view", "ascii:" + path("view.txt")])
    warn = "WARNING: option -sna_khronos_modess (value 3) was set but never used"
    assert out.count(warn) == 1 and out.index(warn) < out.index("snaps-pod: 9 snapshots"), f"one warning, before the fits:\n{out}"
    assert out.count("was set but never used") == 1, f"only the misspelt option:\n{out}"
    print("snaps-pod: a misspelt option warned about once, before the fits; the options its fits read are not")


def digest(f):
    return hashlib.sha256(open(f, "rb").read()).hexdigest()


def limit():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def keeps(cmd, out, message):
    """cmd fails under the limit; out (an existing file) is unchanged, no temporary is left, the message matches."""
    before = digest(out)
    text = run(cmd, rc=1, preexec_fn=limit)
    assert digest(out) == before, f"{out} was changed by the failed run"
    left = [f for f in os.listdir(scratch) if ".tmp." in f]
    assert not left, f"temporary files left: {left}"
    assert re.search(message, text), f"expected /{message}/ in:\n{text[-3000:]}"
    print(f"a failed write kept {os.path.basename(out)}, left no temporary and said /{message}/")


def disk_full():
    # 467 samples of 1089 values (/U and /B) fill the limit when the file is closed (/X and the attributes)
    rng = np.random.default_rng(1)
    for name, n in (("few.h5", 3), ("many.h5", 467)):
        with h5py.File(path(name), "w") as f:
            f["X"] = rng.random((n, 2)) + 0.5
    run(["snaps-poisson-param", "-samples", path("few.h5"), "-snapshots", path("sn.h5")])
    keeps(["snaps-poisson-param", "-samples", path("many.h5"), "-snapshots", path("sn.h5")], path("sn.h5"), r"snapshot file '[^']*sn\.h5")
    # a checkpoint and a trajectory of 2100 members of 512 points: 8.6 MB a state
    big = ["snaps-ks", "-N", "512", "-ensemble", "2100", "-T", "0.1", "-dt_save", "0.05"]
    run(["snaps-ks", "-N", "32", "-T", "0.5", "-checkpoint", path("ck.h5"), "-trajectory", path("tr.h5")])
    keeps(big + ["-checkpoint", path("ck.h5")], path("ck.h5"), r"ck\.h5")
    keeps(big + ["-trajectory", path("tr.h5")], path("tr.h5"), r"tr\.h5")


globals()[check]()
