#!/usr/bin/python3
"""Plots and summarises a fit case directory (written by cases/*/run.sh).

Reads grid.h5 (truth on a grid), prediction.h5 (model output there), fit.json, predict.json and
fit.log (the -sna_monitor lines). Writes <case>.png (truth and prediction on one colour scale, |error| on its own,
training curve; the title says how the fit stopped), prediction.xdmf (ParaView view of the grid prediction and truth:
ParaView's X axis is y, its Y axis is x, as in the PNG) and summary.md (with the fit's stop reason: an iteration cap
is said to be one, not convergence). Every input is checked (a null figure in fit.json: NaN in the run) before
anything is written, and so is that prediction.h5's points (/X) are grid.h5's.
Usage: plot_fit.py <case output directory>
"""
import argparse
import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import atomic  # noqa: E402  (beside this script)
import checks  # noqa: E402

# prediction.xdmf: the grid values are stored as /Y of N x 1 (N = nx * ny, x slowest: the order of grid.h5's rows),
# so each attribute reshapes that dataset ("$0" Function over the N x 1 HDF item) to the 2DRectMesh's nx x ny. XDMF
# lists a rectilinear mesh's dimensions slowest first and its VXVY coordinates fastest first, so the mesh's first
# (ParaView "X") axis is the data's y and its second ("Y") axis is x: the same layout as the PNG (y across, x up).
XDMF = """<?xml version="1.0" ?>
<!-- ParaView X axis = y (/grid/y, fastest in /Y), ParaView Y axis = x (/grid/x, slowest in /Y) -->
<Xdmf Version="3.0">
 <Domain>
  <Grid Name="prediction" GridType="Uniform">
   <Topology TopologyType="2DRectMesh" Dimensions="{nx} {ny}"/>
   <Geometry GeometryType="VXVY">
    <DataItem Dimensions="{ny}" NumberType="Float" Precision="8" Format="HDF">grid.h5:/grid/y</DataItem>
    <DataItem Dimensions="{nx}" NumberType="Float" Precision="8" Format="HDF">grid.h5:/grid/x</DataItem>
   </Geometry>
   <Attribute Name="prediction" AttributeType="Scalar" Center="Node">
    <DataItem ItemType="Function" Function="$0" Dimensions="{nx} {ny}">
     <DataItem Dimensions="{n} 1" NumberType="Float" Precision="8" Format="HDF">prediction.h5:/Y</DataItem>
    </DataItem>
   </Attribute>
   <Attribute Name="truth" AttributeType="Scalar" Center="Node">
    <DataItem ItemType="Function" Function="$0" Dimensions="{nx} {ny}">
     <DataItem Dimensions="{n} 1" NumberType="Float" Precision="8" Format="HDF">grid.h5:/Y</DataItem>
    </DataItem>
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


def stop_reason(reason):
    """fit.json's converged_reason as the summary and the title say it: an iteration cap (DIVERGED_ITS) is not
    convergence, nor is any other DIVERGED_* reason."""
    if reason == "DIVERGED_ITS":
        return "%s (iteration cap: not converged)" % reason
    if reason.startswith("CONVERGED"):
        return "%s (converged)" % reason
    return "%s (not converged)" % reason


def read_grid(path, name, shape):
    """(/Y of path (grid.h5 or prediction.h5) as the grid's array, finite; its /X, the points, or None where absent)."""
    with checks.h5(path) as f:
        if "Y" not in f or f["Y"].size != shape[0] * shape[1]:
            raise SystemExit("%s: no /Y of %d x %d values (the grid of grid.h5)" % (path, shape[0], shape[1]))
        x = f["X"][()] if "X" in f and hasattr(f["X"], "shape") else None
        return checks.finite(f["Y"][()], "%s: /Y (%s)" % (path, name)).reshape(shape), x


def check_points(grid, gx, gy, xg, pred, xp):
    """The points of grid.h5 (xg, its /X) and prediction.h5 (xp), where the files hold them: grid.h5's rows are its
    /grid/x x /grid/y grid, x slowest (the order the PNG and prediction.xdmf draw /Y in), and the prediction was made
    at those points (snaps-predict copies them): a prediction of another grid of the same size (other bounds, another
    order) was scored point by point against the truth, with wrong figures and no word."""
    n = len(gx) * len(gy)
    if xg is not None:
        want = np.column_stack([np.repeat(gx, len(gy)), np.tile(gy, len(gx))])
        if xg.shape != (n, 2) or not np.allclose(xg, want, rtol=1e-12, atol=1e-14):
            raise SystemExit("%s: /X (shape %s) is not the grid /grid/x x /grid/y, x slowest (%d x 2): not a grid this "
                             "script can draw" % (grid, xg.shape, n))
    if xg is not None and xp is not None and (xp.shape != xg.shape or not np.allclose(xp, xg, rtol=1e-12, atol=1e-14)):
        raise SystemExit("%s: /X is not grid.h5's /X: a prediction at other points (run snaps-predict -data %s again)"
                         % (pred, grid))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    ap.add_argument("dir", help="the case's output directory")
    d = ap.parse_args(argv).dir
    checks.need(d, "directory")
    name = os.path.basename(os.path.abspath(d))  # "." names the directory, not a hidden "..png"
    png = checks.writable(os.path.join(d, name + ".png"))
    grid = os.path.join(d, "grid.h5")
    with checks.h5(grid) as f:
        if "grid/x" not in f or "grid/y" not in f:
            raise SystemExit("%s: no /grid/x and /grid/y" % grid)
        gx, gy = f["grid/x"][()], f["grid/y"][()]
    truth, xg = read_grid(grid, "truth", (len(gx), len(gy)))
    pred, xp = read_grid(os.path.join(d, "prediction.h5"), "prediction", (len(gx), len(gy)))
    check_points(grid, gx, gy, xg, os.path.join(d, "prediction.h5"), xp)
    fj, pj = os.path.join(d, "fit.json"), os.path.join(d, "predict.json")
    fit, predict = checks.load_json(fj), checks.load_json(pj)
    for k in ("ranks", "n_params", "n_samples", "wall_time_s", "iterations", "train_mse", "converged_reason", ["machine", "cpu_model"], ["machine", "cores"]):
        checks.value(checks.key(fit, k, fj), fj, "/".join([k] if isinstance(k, str) else k))
    checks.value(checks.key(predict, "ns_per_sample_per_rank", pj), pj, "ns_per_sample_per_rank")
    stop = stop_reason(str(fit["converged_reason"]))
    err = pred - truth
    test_mse = float(np.mean(err**2))
    rel_l2 = float(np.linalg.norm(err) / np.linalg.norm(truth))
    ranks = "%d rank%s" % (fit["ranks"], "" if fit["ranks"] == 1 else "s")
    # what one monitor line counts: an ALS sweep only when the fit was ALS (auto may have switched method)
    kind = fit.get("fit_type", "?")
    step, steps = ("ALS sweep", "ALS sweeps") if kind == "als" else ("iteration (%s fit)" % kind, "iterations (%s fit)" % kind)

    # every figure formatted before the first write: a bad one stops the script with the old outputs whole
    rows = [
        ("parameters", fit["n_params"]),
        ("training samples", fit["n_samples"]),
        ("ranks", fit["ranks"]),
        ("stop reason", stop),
        (steps, fit["iterations"]),
        ("training MSE", "%.3e" % fit["train_mse"]),
        ("grid MSE (unseen points)", "%.3e" % test_mse),
        ("grid relative L2 error", "%.3e" % rel_l2),
        ("fit wall time [s]", "%.3f" % fit["wall_time_s"]),
        ("prediction [ns/sample/rank]", "%.1f" % predict["ns_per_sample_per_rank"]),
        ("machine", "%s, %d cores" % (fit["machine"]["cpu_model"], fit["machine"]["cores"])),
    ]
    fig, ax = plt.subplots(1, 4, figsize=(17, 4.4), layout="constrained")
    ext = [gy[0], gy[-1], gx[0], gx[-1]]
    # truth and prediction on one colour scale (both fields' joint range): on scales of their own, a prediction off by
    # a factor looked like the truth; the error panel has its own (log) scale
    lo, hi = float(min(truth.min(), pred.min())), float(max(truth.max(), pred.max()))
    model = str(fit.get("type", "model")).upper()
    for a, field, title in ((ax[0], truth, "truth"), (ax[1], pred, "%s prediction (same colour scale)" % model)):
        im = a.imshow(field, origin="lower", extent=ext, cmap="viridis", vmin=lo, vmax=hi)
        a.set_title(title)
    fig.colorbar(im, ax=ax[:2].tolist())
    emax = float(np.abs(err).max())
    if emax > 0:
        vmin = max(emax * 1e-4, 1e-16)  # four decades, floored at 1e-16 ...
        vmin = vmin if vmin < emax else emax * 1e-4  # ... unless the largest error is below it
        im = ax[2].imshow(np.abs(err) + 1e-300, origin="lower", extent=ext, cmap="magma",
                          norm=matplotlib.colors.LogNorm(vmin=vmin, vmax=emax))
    else:  # an exact fit: no log scale of zeros (LogNorm refuses vmin > vmax); said on the panel
        im = ax[2].imshow(np.abs(err), origin="lower", extent=ext, cmap="magma", vmin=0.0, vmax=1.0)
        ax[2].text(0.5, 0.5, "no error: the prediction equals\nthe truth at every grid point", ha="center", va="center",
                   transform=ax[2].transAxes, color="white")
    ax[2].set_title("|error| (grid MSE %.2e)" % test_mse)
    fig.colorbar(im, ax=ax[2])
    for a in ax[:3]:
        a.set_xlabel("y")
        a.set_ylabel("x")
    its, loss = read_monitor(os.path.join(d, "fit.log"))
    if its:
        ax[3].semilogy(its, loss, ".-")
        ax[3].grid(True, which="both", alpha=0.3)
    else:  # no -sna_monitor lines: say so rather than leave an empty frame
        ax[3].text(0.5, 0.5, "no training curve:\nfit.log has no -sna_monitor lines", ha="center", va="center", transform=ax[3].transAxes)
    ax[3].set_xlabel(step)
    ax[3].set_ylabel("training MSE")
    ax[3].set_title("training curve (%s)" % ranks)
    fig.suptitle("%s: %d parameters, %d samples, fit %.2f s on %s\nstop reason: %s" % (
        name, fit["n_params"], fit["n_samples"], fit["wall_time_s"], fit["machine"]["cpu_model"], stop),
        color="black" if str(fit["converged_reason"]).startswith("CONVERGED") else "darkred")
    atomic.save_figure(fig, png, dpi=110)

    atomic.write_text(os.path.join(d, "prediction.xdmf"), XDMF.format(nx=len(gx), ny=len(gy), n=len(gx) * len(gy)))
    atomic.write_text(os.path.join(d, "summary.md"), "# %s\n\n| figure | value |\n|---|---|\n" % name
                      + "".join("| %s | %s |\n" % (k, v) for k, v in rows) + "\n![%s](%s.png)\n" % (name, name))
    print("plot_fit: wrote %s, summary.md, prediction.xdmf; grid MSE %.3e, relative L2 %.3e" % (png, test_mse, rel_l2))


if __name__ == "__main__":
    main()
