#!/usr/bin/python3
"""Plot of cases/parametric-poisson: iterations per solve for each initial guess (left) and the relative
residual |b - A x0| / |b| of each initial guess (right; a guess that already meets the tolerance needs 0
iterations), one row per problem family, from the case's results.json.
Usage: plot_guess.py results.json out.png
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import atomic  # noqa: E402  (beside this script)
import checks  # noqa: E402
import styles  # noqa: E402

# a label, a colour and a marker per guess; a guess whose iterations equal (or nearly) an earlier one's is drawn over it
# hollow and dashed, its label naming the other (styles.covers: sna, Galerkin with V^T A V rebuilt, takes as many
# iterations as the Galerkin guess on the design family)
STYLE = {"zero": ("zero guess", "k", "o"), "fischer": ("fischer", "tab:orange", "s"), "pod": ("pod", "tab:green", "^"),
         "sna": ("sna (surrogate alone)", "tab:blue", "D"), "sna_galerkin": ("sna, Galerkin all modes", "tab:red", "v"),
         "sna_galerkin_rebuild": ("sna, Galerkin, V^T A V rebuilt", "tab:purple", "P")}
MS = 3


def main(argv=None):
    path, res, png = checks.results_to_output(__doc__, argv, "the case's results.json")
    if not checks.key(res, "families", path):
        raise SystemExit("%s: no problem family in 'families'" % path)
    with checks.reading(path):
        fig = plot(res, path)
    atomic.save_figure(fig, png, dpi=110, bbox_inches="tight")  # the legends below the axes, whole


def plot(res, path):
    fams = res["families"]
    for name, f in fams.items():  # checked before drawing: one line naming the family and the key
        shown = [g for g in STYLE if g in f["guesses"]]
        if not shown:  # would be two empty panels and exit 0
            raise SystemExit("%s: family '%s' has no initial guess in 'guesses' (known: %s)" % (path, name, ", ".join(STYLE)))
        for g in shown:
            where = "families/%s/guesses/%s" % (name, g)
            checks.value(f["guesses"][g]["median_guess_rel_residual"], path, where + "/median_guess_rel_residual")
            checks.value(f["guesses"][g]["median_iterations"], path, where + "/median_iterations")
            for i, v in enumerate(f["guesses"][g]["iterations"]):
                checks.value(v, path, "%s/iterations[%d]" % (where, i))
    fig, axes = plt.subplots(len(fams), 2, figsize=(12, 5.2 * len(fams)), squeeze=False)
    for row, (name, f) in enumerate(fams.items()):
        ax_it, ax_err = axes[row]
        shown = [g for g in STYLE if g in f["guesses"]]
        runs = [(STYLE[g][0], list(range(1, len(f["guesses"][g]["iterations"]) + 1)), f["guesses"][g]["iterations"]) for g in shown]
        for g, (label, x, its), hit in zip(shown, runs, styles.covers(runs)):
            kw = dict(color=STYLE[g][1], marker=STYLE[g][2], ls="-", lw=0.8, ms=MS)
            kw.update(styles.cover_style(hit, MS))
            ax_it.plot(x, its, label="%s (median %g)" % (styles.cover_label(label, hit), f["guesses"][g]["median_iterations"]), **kw)
        ax_it.set_xlabel("solve (unseen parameter sample)")
        ax_it.set_ylabel("Krylov iterations to rtol %g" % f["ksp_rtol"])
        ax_it.set_title("%s: %s\n%d dofs, %d training samples, %d POD modes (SNA: %d)" %
                        (name, f["title"], f["dofs"], f["n_train"], f["pod_modes"], f.get("sna_modes", f["pod_modes"])), fontsize=9)
        ax_it.set_ylim(bottom=0)
        # below the axes: inside, it covered series at the default position (load/gamg's "sna, Galerkin" at 0-2
        # iterations, design/gamg's "sna" at 9-12)
        ax_it.legend(fontsize=8, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.16))
        names = [g for g in STYLE if g in f["guesses"]]
        errs = [f["guesses"][g]["median_guess_rel_residual"] for g in names]
        # a residual of exactly 0 (the guess solves the system) has no height on a log axis: drawn hatched at a floor
        # a decade below the smallest positive one, marked "0"
        pos = [e for e in errs if e > 0]
        floor = min(pos) / 10 if pos else 1e-16
        bars = ax_err.bar(range(len(names)), [e if e > 0 else floor for e in errs], color=[STYLE[g][1] for g in names])
        for b, e in zip(bars, errs):
            if e <= 0:
                b.set_hatch("//")
                b.set_alpha(0.4)
                ax_err.annotate("0", (b.get_x() + b.get_width() / 2, floor), ha="center", va="bottom", fontsize=8)
        ax_err.set_xticks(range(len(names)))
        ax_err.set_xticklabels([STYLE[g][0] for g in names], rotation=15, fontsize=8)
        ax_err.set_yscale("log")
        if len(pos) < len(errs):
            ax_err.set_ylim(bottom=floor / 3)
        ax_err.set_ylabel("median relative residual of the initial guess")
        s = f["surrogate"]
        title = ("surrogate alone: error %.1e, field %.1e s (coordinates %.1e s)\nFEM assembly + solve %.1e s: %.0fx (field), %.0fx (coordinates)" %
                 (s["median_rel_l2_error"], s["median_prediction_time_s"], s["median_coordinates_time_s"],
                  s["median_fem_solve_time_s"], s["speedup_field"], s["speedup_coordinates"]))
        if "speedup_field_batch" in s:  # results written before the batch prediction existed have none
            title += ", %.0fx (fields in one batch)" % s["speedup_field_batch"]
        ax_err.set_title(title, fontsize=9)
    fig.suptitle("Initial guesses for -div(kappa grad u) = f, %d ranks, %s (%s)" % (res["ranks"], res["machine"]["cpu_model"], res["date"]), fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.985))  # room for the suptitle
    return fig


if __name__ == "__main__":
    main()
