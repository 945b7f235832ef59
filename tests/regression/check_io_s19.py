"""I/O and option checks of snaps-rollout-fit, snaps-pod, the snapshot and checkpoint writers.

usage: check_io_s19.py CHECK SCRATCH BIN_DIR

rollout_fit_results: snaps-rollout-fit lists -results in -help, writes the JSON report (with each drift's and head's
  iterations and the counts of fits that did not converge, summarised in a last line), and warns about a misspelt
  option once, before the first drift is fitted. pod_unused_early: snaps-pod warns about a misspelt option before its
  fits, and not about the SNA options its fits read (-sna_view, -rhs_sna_* with -rhs_map sna). fit_unused_early: the same
  for snaps-fit (single and multi-fidelity), whose report of unused options came after the fit. (Writes that fail on a
  full disk: regression.full_disk, full_disk.sh.)
"""
import json
import os
import re
import shutil
import subprocess
import sys


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

check, scratch, BIN = sys.argv[1:4]
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)


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
    # the run's files and options, as every program records them
    assert r.get("trajectories") == path("ks.h5") and r.get("n_trajectories") == 1, r
    assert "-drift_degre 2" in r.get("options", ""), r
    assert len(r["drift_train_error"]) == 6 and len(r["head_train_cross_entropy"]) == 6 and "machine" in r, r
    # how each fit stopped: iterations per fit and the count of fits that did not converge (-head_sna_fit_max_it 2
    # stops every head at its cap; the polynomial drifts are direct solves: 0 iterations, converged)
    assert r.get("head_iterations") and len(r["head_iterations"]) == 6 and all(0 < i <= 2 for i in r["head_iterations"]), r
    assert r.get("drift_iterations") == [0] * 6 and r.get("drifts_not_converged") == 0, r
    stopped = out.count("DIVERGED_ITS after")
    assert r.get("heads_not_converged") == stopped > 0, (stopped, r)
    last = out.strip().splitlines()[-1]
    assert f"{stopped} of 6 head fits did not converge" in last and "-head_sna_fit_max_it" in last, last
    # -log_view: the trajectories' reading, the latent basis and the drift fits are events of their own
    out = run(["snaps-rollout-fit", "-trajectories", path("ks.h5"), "-twin_model", path("det_log.h5"), "-latent_modes", "3", "-log_view"])
    for event in ("SurrogateTrajLoad", "SurrogateLatent", "SurrogateDrift"):
        assert re.search(r"\n%s +1 1\.0" % event, out), f"-log_view has no event {event}:\n{out}"
    print("-results in -help and written; a misspelt option warned about once, before the fits")


def pod_unused_early():
    snap = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus", "snapshots", "ex2.h5")
    out = run(["snaps-pod", "-snapshots", snap, "-model", path("m.h5"), "-sna_khronos_modess", "3", "-rhs_map", "sna", "-rhs_sna_khronos_modes", "4",
               "-sna_view", "ascii:" + path("view.txt")])
    warn = "WARNING: option -sna_khronos_modess (value 3) was set but never used"
    assert out.count(warn) == 1 and out.index(warn) < out.index("snaps-pod: 9 snapshots"), f"one warning, before the fits:\n{out}"
    assert out.count("was set but never used") == 1, f"only the misspelt option:\n{out}"
    # -log_view: the snapshots' reading, the POD bases (solutions, right-hand sides) and the right-hand-side map
    out = run(["snaps-pod", "-snapshots", snap, "-model", path("m_log.h5"), "-log_view"])
    for event, count in (("PODSnapshotsLoad", 1), ("PODBasis", 2), ("PODRHSMap", 1)):
        assert re.search(r"\n%s +%d 1\.0" % (event, count), out), f"-log_view has no event {event} ({count} calls):\n{out}"
    print("snaps-pod: a misspelt option warned about once, before the fits; the options its fits read are not; -log_view events")


def fit_unused_early():
    corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus", "dataset")
    warn = "WARNING: option -resluts (value %s) was set but never used" % path("r.json")
    # single fidelity, a TAO fit (its -sna_fit_tao_ options are read when the fit starts, its views when it ends) with
    # -sna_view (read after it)
    out = run(["snaps-fit", "-data", os.path.join(corpus, "small.h5"), "-model", path("m.h5"), "-resluts", path("r.json"), "-sna_khronos_nodes", "4",
               "-sna_fit_type", "tao", "-sna_fit_tao_type", "lmvm", "-sna_fit_max_it", "3", "-sna_view", "ascii:" + path("view.txt"),
               "-sna_fit_tao_view", "ascii:" + path("taoview.txt"), "-sna_fit_tao_ls_view", "ascii:" + path("lsview.txt")])
    assert out.count(warn) == 1 and out.index(warn) < out.index("snaps-fit: khronos"), f"one warning, before the fit's result:\n{out}"
    assert out.count("was set but never used") == 1, f"only the misspelt option:\n{out}"
    assert not os.path.exists(path("r.json")), "a misspelt -results wrote a report"
    # multi-fidelity: every part's options (-mf_lf_sna_view, read after its fit) are read before the warning
    import h5py
    import numpy as np
    with h5py.File(path("mf_data.h5"), "w") as h:
        for group, rows in (("lf", 40), ("hf", 12)):
            x = np.random.default_rng(rows).uniform(-1, 1, (rows, 2))
            h[group + "/X"] = x
            h[group + "/Y"] = (np.sin(x[:, 0]) + x[:, 1] ** 2 + (0.1 * x[:, 0] if group == "hf" else 0))[:, None]
    out = run(["snaps-fit", "-data", path("mf_data.h5"), "-model", path("mf.h5"), "-resluts", path("r.json"),
               "-mf_lf_sna_khronos_nodes", "4", "-mf_delta_sna_khronos_nodes", "3", "-mf_lf_sna_fit_max_it", "3", "-mf_delta_sna_fit_max_it", "3",
               "-mf_lf_sna_view", "ascii:" + path("lfview.txt")])
    assert out.count(warn) == 1 and out.index(warn) < out.index("snaps-fit: mf"), f"one warning, before the fit's result:\n{out}"
    assert out.count("was set but never used") == 1, f"only the misspelt option:\n{out}"
    print("snaps-fit: a misspelt option warned about once, before the fit (single and multi-fidelity); the options its fits read are not")


globals()[check]()
