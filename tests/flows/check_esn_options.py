#!/usr/bin/python3
"""bench/esn.py refuses bad values by name before any work, and writes its model where forecast finds it: --nodes,
--time, --beta, --every and --horizon must be positive (--time -5 trained on 0 steps and wrote an all-zero readout,
--nodes 0 died dividing by zero), a model name without .npz (np.savez appended it, so forecast did not find it), an
output in a missing directory, a trajectory too short to train on, a forecast INIT saved at a spacing that does not
divide the model's step (it was read one saved state per step). One process: esn.main() with each command line.

usage: check_esn_options.py SCRATCH_DIR"""
import contextlib
import io
import os
import sys

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "bench"))
import esn  # noqa: E402


def run(args):
    """esn.main() on args: (exit code or message, output); None when it returned."""
    out = io.StringIO()
    sys.argv = ["esn.py"] + args
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            esn.main()
        except SystemExit as e:
            return e.code, out.getvalue()
    return None, out.getvalue()


def main():
    scratch = sys.argv[1]
    os.makedirs(scratch, exist_ok=True)
    data, model = os.path.join(scratch, "train.h5"), os.path.join(scratch, "m.npz")
    t = 0.25 * np.arange(400)
    with h5py.File(data, "w") as h:
        h["time"] = t
        h["u"] = np.sin(2 * np.pi * np.arange(16)[None, None, :] / 16 - t[:, None, None])
    for old in os.listdir(scratch):  # a run before this one's files
        if old != "train.h5":
            os.remove(os.path.join(scratch, old))
    train = ["train", data, model, "--nodes", "10"]
    forecast = ["forecast", model, data, os.path.join(scratch, "f.h5"), "--t0", "60", "--horizon", "1"]
    for args, says in ((train + ["--time", "-5"], "argument --time: must be positive and finite, not -5"),
                       (train + ["--nodes", "0"], "argument --nodes: must be positive, not 0"),
                       (train + ["--beta", "0"], "argument --beta: must be positive and finite, not 0"),
                       (train + ["--every", "0"], "argument --every: must be positive, not 0"),
                       (train + ["--every", "200"], "none is left to train on after the 50-unit transient"),
                       (["train", data, os.path.join(scratch, "m3")], "m3 must end in .npz (numpy would write"),
                       (["train", data, os.path.join(scratch, "no", "m.npz")], "its directory"),
                       (forecast + ["--horizon", "0"], "argument --horizon: must be positive and finite, not 0"),
                       (["forecast", model + "x"] + forecast[2:], "is not a file")):
        code, out = run(args)
        if code is None or code == 0 or says not in str(code) + out:
            sys.exit(f"check_esn_options: {' '.join(args[3:] or args)} was not refused with '{says}': {code} {out}")
    if os.path.exists(model):
        sys.exit(f"check_esn_options: a refused run wrote {model}")
    code, out = run(train + ["--time", "5"])
    left = sorted(set(os.listdir(scratch)) - {"train.h5", "m.npz"})
    if code or not os.path.isfile(model) or left:
        sys.exit(f"check_esn_options: training did not write {model} alone ({code}, {out}, also {left})")
    code, out = run(forecast)
    if code or not os.path.isfile(forecast[3]):
        sys.exit(f"check_esn_options: forecast from {model} failed: {code} {out}")
    # INIT saved at another spacing than the model's step (0.25): a whole fraction of it (0.05) is read every 5th
    # state, the same forecast as from those states alone; other spacings are refused (they were read one state per
    # step, a warm-up at the wrong rate)
    fine = 0.05 * np.arange(1600)
    u = np.sin(2 * np.pi * np.arange(16)[None, None, :] / 16 - fine[:, None, None])
    for name, keep in (("fine.h5", slice(None)), ("coarse.h5", slice(None, None, 5)), ("tenth.h5", slice(None, None, 2)),
                       ("half.h5", slice(None, None, 10))):
        with h5py.File(os.path.join(scratch, name), "w") as h:
            h["time"] = fine[keep]
            h["u"] = u[keep]
    got = {}
    for name in ("fine.h5", "coarse.h5"):
        out_h5 = os.path.join(scratch, "f_" + name)
        code, out = run(["forecast", model, os.path.join(scratch, name), out_h5, "--t0", "60", "--horizon", "1"])
        if code:
            sys.exit(f"check_esn_options: forecast from {name} failed: {code} {out}")
        with h5py.File(out_h5, "r") as h:
            got[name] = h["u"][:]
    if not np.array_equal(got["fine.h5"], got["coarse.h5"]):
        sys.exit("check_esn_options: the forecast from INIT saved every 0.05 is not the one from its every 5th state")
    for name, spacing in (("tenth.h5", "0.1"), ("half.h5", "0.5")):
        code, out = run(["forecast", model, os.path.join(scratch, name), os.path.join(scratch, "refused.h5"), "--t0", "60",
                         "--horizon", "1"])
        says = f"it is saved every {spacing}, which does not divide 0.25"
        if code is None or code == 0 or says not in str(code) + out:
            sys.exit(f"check_esn_options: forecast from INIT saved every {spacing} was not refused with '{says}': {code} {out}")
        if os.path.exists(os.path.join(scratch, "refused.h5")):
            sys.exit("check_esn_options: a refused forecast wrote its output")
    print("check_esn_options: bad values refused by name; the model is written as named and read back; INIT read at the "
          "model's step")


if __name__ == "__main__":
    main()
