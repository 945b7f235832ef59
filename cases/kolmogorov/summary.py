"""Prints and writes (summary.json, summary.md) the Kolmogorov case's figures.

usage: summary.py OUT quick|full   (reads only what run.sh writes in that mode: the Lyapunov and 1- vs 2-rank results
                                    left in OUT by an earlier full run are not this run's)
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402
import checks  # noqa: E402

REPS = (1, 2, 3)  # run.sh's full mode: 3 runs on 1 and on 2 ranks


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    ap.add_argument("out", help="run.sh's output directory")
    ap.add_argument("mode", choices=("quick", "full"), help="run.sh's mode")
    a = ap.parse_args(argv)
    p = lambda name: os.path.join(a.out, name)  # noqa: E731
    sj, rj = p("kolmogorov_stats.json"), p("kolmogorov.json")
    s, run = checks.load_json(sj), checks.load_json(rj)
    f, g = (lambda k: checks.key(s, k, sj)), (lambda k: checks.key(run, k, rj))  # noqa: E731
    rows = [("std(w)", f("field_std")), ("mean energy <|u|^2>/2", f("energy_mean")), ("mean enstrophy <w^2>/2", f("enstrophy_mean")),
            ("mean dissipation 2 nu Z", f("dissipation_mean")), ("mean energy input", f("energy_input_mean")),
            (checks.autocorrelation_label(s, "w"), f("autocorrelation_time")),
            (f"wall time of the trajectory ({g('T'):g} time units, {g('ranks')} ranks), s", g("wall_time_s"))]
    setting = (f"{g('machine').get('cpu_model')}, {g('machine').get('cores')} cores; {g('ranks')} ranks; statistics over {f('members')} "
               f"member{'s' * (f('members') != 1)} x t in [{f('t_first'):g}, {f('t_last'):g}] (a field every {f('dt_save'):g})")
    summary = {"mode": a.mode, "machine": g("machine"), "setting": setting, "figures": dict(rows)}
    # a | inside a cell would end it: escaped in the Markdown only (the JSON keeps the names as they are)
    lines = ["| figure | snaps-kolmogorov |", "|---|---|"] + [f"| {n.replace('|', chr(92) + '|')} | {checks.number(v)} |" for n, v in rows]
    if a.mode == "full":
        lj = p("lyapunov.json")
        l = checks.load_json(lj)
        lam, se, members = (checks.key(l, k, lj) for k in ("lyapunov_exponent", "lyapunov_stderr", "lyapunov_members"))
        lines.append(f"| leading Lyapunov exponent ({len(members)} member{'s' * (len(members) != 1)} x {checks.key(l, 'lyapunov_time_per_member', lj):g} time units) | "
                     f"{lam:.4f} {'(1 member: no standard error)' if se is None else f'+- {se:.4f}'} |")
        summary["lyapunov"] = {"exponent": lam, "stderr": se}
        t = {n: [checks.key(checks.load_json(p(f"ranks{n}_{r}.json")), "wall_time_s", p(f"ranks{n}_{r}.json")) for r in REPS] for n in (1, 2)}
        m1, m2 = statistics.median(t[1]), statistics.median(t[2])
        lines.append(f"| 128^2, 20 time units: 1 rank / 2 ranks, median of {len(REPS)}, s | {m1:.2f} / {m2:.2f} (speed-up {m1 / m2:.2f}) |")
        summary["ranks"] = {"1": t[1], "2": t[2], "speedup": m1 / m2}
    lines += ["", f"{a.mode} mode; machine: {setting}."]
    text = "\n".join(lines)
    print(text)
    atomic.write_text(p("summary.md"), text + "\n")
    atomic.write_json(p("summary.json"), summary)


if __name__ == "__main__":
    main()
