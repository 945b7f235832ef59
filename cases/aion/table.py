#!/usr/bin/python3
"""Markdown table of a bench_aion results file: per problem and start box, every method's success rate
and medians (over all starts) of outer and inner iterations, evaluations and wall time, plus the issue's
targets for infinite descent checked in that run.
Usage: table.py <aion.json> <table.md>
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402
import checks  # noqa: E402

METHODS = ["infinite_descent", "variable_projection", "levenberg_marquardt", "newton_cg", "lbfgs", "steepest_descent"]
TAO = ["levenberg_marquardt", "newton_cg", "lbfgs", "steepest_descent"]


def main(argv=None):
    path, r, out = checks.results_to_output(__doc__, argv, "bench_aion's results JSON", "table", "the Markdown table to write")
    with checks.reading(path):
        lines = table(r)
    atomic.write_text(out, "\n".join(lines) + "\n")
    print("\n".join(lines))


def table(r):
    problems = [k[: -len(".truth")] for k in r if k.endswith(".truth")]
    if not problems:
        raise KeyError("<problem>.truth")  # not a bench_aion results file (checks.reading names it)
    m = r["machine"]
    lines = [
        "bench_aion, %d starts per box, %s (%s cores), SNAPS %s, %s; medians over all starts."
        % (r["starts_per_box"], m.get("cpu_model", "?"), m.get("cores", "?"), r.get("snaps_version", "?"), r.get("date", "?")),
        "Iterations: outer = ALS/TAO/LM iterations or infinite-descent steps; inner = linear systems solved inside them "
        "(infinite descent and VP: every trial step, accepted or not; TAO: Krylov iterations). Time: wall time of the fit.",
        "",
        "| problem | start | method | success | outer | inner | f-evals | g-evals | H-evals | time [ms] | time / ID |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    targets = []
    for p in problems:
        for box in ("near", "wide"):
            base = "%s.%s." % (p, box)
            tid = r[base + "infinite_descent.time_s_median"]
            for meth in METHODS:
                g = lambda f: r[base + meth + "." + f]  # noqa: E731
                lines.append(
                    "| %s | %s | %s | %.0f%% | %g | %g | %g | %g | %g | %.3f | %.1f |"
                    % (p, box, meth.replace("_", " "), 100 * g("success_rate"), g("outer_iterations_median"),
                       g("inner_iterations_median"), g("function_evaluations_median"), g("gradient_evaluations_median"),
                       g("hessian_evaluations_median"), 1e3 * g("time_s_median"), g("time_s_median") / tid))
            idr = lambda f: r[base + "infinite_descent." + f]  # noqa: E731
            best_tao = min(TAO, key=lambda t: r[base + t + ".time_s_median"])
            targets.append(
                "| %s | %s | %.0f%% | %g | %g vs %g | %.3f vs %.3f (%s) | %s |"
                % (p, box, 100 * idr("success_rate"), idr("outer_iterations_median"), idr("inner_iterations_median"),
                   r[base + "variable_projection.outer_iterations_median"], 1e3 * idr("time_s_median"),
                   1e3 * r[base + best_tao + ".time_s_median"], best_tao.replace("_", " "),
                   "met" if r[base + "targets_met"] else "**missed**"))
    lines += [
        "",
        "Targets for infinite descent (>= 99% success in 1 outer step; median inner iterations below variable "
        "projection's median iterations; median time below the fastest TAO method's):",
        "",
        "| problem | start | success | outer | inner vs VP iterations | time [ms] vs best TAO | targets |",
        "|---|---|---|---|---|---|---|",
    ] + targets
    for p in problems:
        if (p + ".best_mse") in r:
            lines.append("\n%s: best MSE reached by any method %.10e (success = within 1e-8 relative of it)." % (p, r[p + ".best_mse"]))
    return lines


if __name__ == "__main__":
    main()
