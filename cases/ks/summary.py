"""Prints and writes (summary.json, summary.md) the KS case's figures against the reference values of
../shared/reference/SCIENCE.md section 4 (a long pooled ETDRK4 integration).

usage: summary.py OUT quick|full   (reads only what run.sh writes in that mode: an L = 100 result left in OUT by an
                                    earlier full run is not this run's)
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402
import checks  # noqa: E402

ref = {"std_u": 1.186, "energy_mean": 0.703, "energy_std": 0.221, "lyapunov22": 0.0483, "lyapunov22_err": 0.0002,
       "lyapunov22_ml": 0.043, "lyapunov100": 0.091}


def lyapunov(path):
    """exponent, standard error (None for one member), members, time per member of a -lyapunov run's results."""
    d = checks.load_json(path)
    return tuple(checks.key(d, k, path) for k in ("lyapunov_exponent", "lyapunov_stderr", "lyapunov_members", "lyapunov_time_per_member"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    ap.add_argument("out", help="run.sh's output directory")
    ap.add_argument("mode", choices=("quick", "full"), help="run.sh's mode")
    a = ap.parse_args(argv)
    out = a.out
    p = lambda name: os.path.join(out, name)  # noqa: E731
    s, run = checks.load_json(p("ks22_stats.json")), checks.load_json(p("ks22.json"))
    f = lambda k: checks.key(s, k, p("ks22_stats.json"))  # noqa: E731
    rows = [("std(u), L = 22", f("field_std"), ref["std_u"]),
            ("mean energy", f("energy_mean"), ref["energy_mean"]),
            ("std of energy", f("energy_std"), ref["energy_std"]),
            (checks.autocorrelation_label(s, "u"), f("autocorrelation_time"), None)]
    machine = checks.key(run, "machine", p("ks22.json"))
    setting = (f"{machine.get('cpu_model')}, {machine.get('cores')} cores; {checks.key(run, 'ranks', p('ks22.json'))} ranks; statistics "
               f"over {f('members')} members x t in [{f('t_first'):g}, {f('t_last'):g}] (a field every {f('dt_save'):g})")
    summary = {"mode": a.mode, "machine": machine, "setting": setting, "stats": {r[0]: r[1] for r in rows}}
    lines = ["| figure | snaps-ks | reference |", "|---|---|---|"]
    lines += [f"| {n} | {checks.number(v)} | {'' if r is None else r} |" for n, v, r in rows]
    runs = [("L = 22", "lyapunov22.json", ref["lyapunov22"])] + ([("L = 100", "lyapunov100.json", ref["lyapunov100"])] if a.mode == "full" else [])
    verdict = None
    for name, file, r in runs:
        lam, se, members, span = lyapunov(p(file))
        pm = "(1 member: no standard error)" if se is None else f"+- {se:.4f}"
        lines.append(f"| leading Lyapunov exponent, {name} ({len(members)} member{'s' * (len(members) != 1)} x {span:g} time units) | {lam:.4f} {pm} | {r} |")
        summary[f"lyapunov {name}"] = {"exponent": lam, "stderr": se, "members": len(members), "time_per_member": span}
        if name == "L = 22":
            if se is None or se <= 0:
                verdict = f"{lam:.4f} has no standard error ({len(members)} member): it cannot tell 0.0483 and 0.043 apart"
            else:
                z43, z48 = (lam - ref["lyapunov22_ml"]) / se, (lam - ref["lyapunov22"]) / se
                verdict = (f"{lam:.4f} +- {se:.4f} is {abs(z48):.1f} standard errors from 0.0483 and {abs(z43):.1f} from 0.043: "
                           + ("it supports 0.048" if abs(z48) < 2 < abs(z43) else "it supports 0.043" if abs(z43) < 2 < abs(z48) else "it cannot tell them apart"))
            summary["lyapunov L = 22 verdict"] = verdict
    lines += ["", verdict, "", f"{a.mode} mode; machine: {setting}."]
    text = "\n".join(lines)
    print(text)
    atomic.write_text(p("summary.md"), text + "\n")
    atomic.write_json(p("summary.json"), summary)


if __name__ == "__main__":
    main()
