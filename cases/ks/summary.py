"""Prints and writes (summary.json, summary.md) the KS case's figures against the reference values of
../shared/reference/SCIENCE.md section 4 (a long pooled ETDRK4 integration)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402

out = sys.argv[1]
ref = {"std_u": 1.186, "energy_mean": 0.703, "energy_std": 0.221, "lyapunov22": 0.0483, "lyapunov22_err": 0.0002,
       "lyapunov22_ml": 0.043, "lyapunov100": 0.091}


def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None


s, run, l22, l100 = load("ks22_stats.json"), load("ks22.json"), load("lyapunov22.json"), load("lyapunov100.json")
rows = [("std(u), L = 22", s["field_std"], ref["std_u"]),
        ("mean energy", s["energy_mean"], ref["energy_mean"]),
        ("std of energy", s["energy_std"], ref["energy_std"]),
        ("autocorrelation time of u (to the first zero)", s["autocorrelation_time"], None)]
summary = {"machine": run.get("machine"), "stats": {r[0]: r[1] for r in rows}}
lines = ["| figure | snaps-ks | reference |", "|---|---|---|"]
lines += [f"| {n} | {v:.4g} | {'' if r is None else r} |" for n, v, r in rows]
for name, l, r in (("L = 22", l22, ref["lyapunov22"]), ("L = 100", l100, ref["lyapunov100"])):
    if l is None:
        continue
    lam, se, K, span = l["lyapunov_exponent"], l["lyapunov_stderr"], len(l["lyapunov_members"]), l["lyapunov_time_per_member"]
    lines.append(f"| leading Lyapunov exponent, {name} ({K} members x {span:g} time units) | {lam:.4f} +- {se:.4f} | {r} |")
    summary[f"lyapunov {name}"] = {"exponent": lam, "stderr": se, "members": K, "time_per_member": span}
    if name == "L = 22":
        z43, z48 = (lam - ref["lyapunov22_ml"]) / se, (lam - ref["lyapunov22"]) / se
        verdict = (f"{lam:.4f} +- {se:.4f} is {abs(z48):.1f} standard errors from 0.0483 and {abs(z43):.1f} from 0.043: "
                   + ("it supports 0.048" if abs(z48) < 2 < abs(z43) else "it supports 0.043" if abs(z43) < 2 < abs(z48) else "it cannot tell them apart"))
        lines.append("")
        lines.append(verdict)
        summary["lyapunov L = 22 verdict"] = verdict
text = "\n".join(lines)
print(text)
atomic.write_text(os.path.join(out, "summary.md"), text + "\n")
atomic.write_json(os.path.join(out, "summary.json"), summary)
