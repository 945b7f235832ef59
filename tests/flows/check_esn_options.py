#!/usr/bin/python3
"""bench/esn.py refuses bad values by name before any work, and writes its model where forecast finds it: --nodes,
--time, --beta, --every and --horizon must be positive (--time -5 trained on 0 steps and wrote an all-zero readout,
--nodes 0 died dividing by zero), a model name without .npz (np.savez appended it, so forecast did not find it), an
output in a missing directory, a trajectory too short to train on. One process: esn.main() with each command line.

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
    print("check_esn_options: bad values refused by name; the model is written as named and read back")


if __name__ == "__main__":
    main()
