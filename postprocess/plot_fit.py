#!/usr/bin/python3
"""Plots and summarises a fit case directory (written by cases/*/run.sh).

Reads grid.h5 (truth on a grid), prediction.h5 (model output there), fit.json, predict.json and
fit.log (the -sna_monitor lines). Writes <case>.png (truth, prediction, error, training curve),
prediction.xdmf (ParaView view of the grid prediction) and summary.md.
Usage: plot_fit.py <case output directory>
"""
import json
import os
import re
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import atomic  # noqa: E402  (beside this script)

XDMF = """<?xml version="1.0" ?>
<Xdmf Version="3.0">
 <Domain>
  <Grid Name="prediction" GridType="Uniform">
   <Topology TopologyType="2DRectMesh" Dimensions="{nx} {ny}"/>
   <Geometry GeometryType="VXVY">
    <DataItem Dimensions="{ny}" NumberType="Float" Precision="8" Format="HDF">grid.h5:/grid/y</DataItem>
    <DataItem Dimensions="{nx}" NumberType="Float" Precision="8" Format="HDF">grid.h5:/grid/x</DataItem>
   </Geometry>
   <Attribute Name="prediction" AttributeType="Scalar" Center="Node">
    <DataItem Dimensions="{nx} {ny}" NumberType="Float" Precision="8" Format="HDF">prediction.h5:/Y</DataItem>
   </Attribute>
   <Attribute Name="truth" AttributeType="Scalar" Center="Node">
    <DataItem Dimensions="{nx} {ny}" NumberType="Float" Precision="8" Format="HDF">grid.h5:/Y</DataItem>
   </Attribute>
  </Grid>
 </Domain>
</Xdmf>
"""


def read_monitor(log):
    its, loss = [], []
    if os.path.exists(log):
        for line in open(log):
            m = re.match(r"\s*(\d+) SNA loss \(training MSE\) (\S+)", line)
            if m:
                its.append(int(m.group(1)))
                loss.append(float(m.group(2)))
    return its, loss


def main(d):
    name = os.path.basename(os.path.normpath(d))
    with h5py.File(os.path.join(d, "grid.h5"), "r") as f:
        gx, gy = f["grid/x"][()], f["grid/y"][()]
        truth = f["Y"][()].reshape(len(gx), len(gy))
    with h5py.File(os.path.join(d, "prediction.h5"), "r") as f:
        pred = f["Y"][()].reshape(len(gx), len(gy))
    fit = json.load(open(os.path.join(d, "fit.json")))
    predict = json.load(open(os.path.join(d, "predict.json")))
    err = pred - truth
    test_mse = float(np.mean(err**2))
    rel_l2 = float(np.linalg.norm(err) / np.linalg.norm(truth))

    fig, ax = plt.subplots(1, 4, figsize=(17, 4))
    ext = [gy[0], gy[-1], gx[0], gx[-1]]
    for a, field, title in ((ax[0], truth, "truth"), (ax[1], pred, "KHRONOS prediction")):
        im = a.imshow(field, origin="lower", extent=ext, cmap="viridis")
        a.set_title(title)
        a.set_xlabel("y")
        a.set_ylabel("x")
        fig.colorbar(im, ax=a)
    im = ax[2].imshow(np.abs(err) + 1e-300, origin="lower", extent=ext, cmap="magma",
                      norm=matplotlib.colors.LogNorm(vmin=max(np.abs(err).max() * 1e-4, 1e-16)))
    ax[2].set_title("|error| (grid MSE %.2e)" % test_mse)
    fig.colorbar(im, ax=ax[2])
    its, loss = read_monitor(os.path.join(d, "fit.log"))
    ax[3].semilogy(its, loss, ".-")
    ax[3].set_xlabel("ALS sweep")
    ax[3].set_ylabel("training MSE")
    ax[3].set_title("training curve (%d ranks)" % fit["ranks"])
    ax[3].grid(True, which="both", alpha=0.3)
    fig.suptitle("%s: %d parameters, %d samples, fit %.2f s on %s" % (
        name, fit["n_params"], fit["n_samples"], fit["wall_time_s"], fit["machine"]["cpu_model"]))
    fig.tight_layout()
    png = os.path.join(d, name + ".png")
    atomic.save_figure(fig, png, dpi=110)

    atomic.write_text(os.path.join(d, "prediction.xdmf"), XDMF.format(nx=len(gx), ny=len(gy)))
    rows = [
        ("parameters", fit["n_params"]),
        ("training samples", fit["n_samples"]),
        ("ranks", fit["ranks"]),
        ("ALS sweeps", fit["iterations"]),
        ("training MSE", "%.3e" % fit["train_mse"]),
        ("grid MSE (unseen points)", "%.3e" % test_mse),
        ("grid relative L2 error", "%.3e" % rel_l2),
        ("fit wall time [s]", "%.3f" % fit["wall_time_s"]),
        ("prediction [ns/sample/rank]", "%.1f" % predict["ns_per_sample_per_rank"]),
        ("machine", "%s, %d cores" % (fit["machine"]["cpu_model"], fit["machine"]["cores"])),
    ]
    atomic.write_text(os.path.join(d, "summary.md"), "# %s\n\n| figure | value |\n|---|---|\n" % name
                      + "".join("| %s | %s |\n" % (k, v) for k, v in rows) + "\n![%s](%s.png)\n" % (name, name))
    print("plot_fit: wrote %s, summary.md, prediction.xdmf; grid MSE %.3e, relative L2 %.3e" % (png, test_mse, rel_l2))


if __name__ == "__main__":
    main(sys.argv[1])
