"""Prints and writes (summary.json, summary.md) the Kolmogorov case's figures."""
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import atomic  # noqa: E402

out = sys.argv[1]
s = json.load(open(os.path.join(out, "kolmogorov_stats.json")))
run = json.load(open(os.path.join(out, "kolmogorov.json")))
rows = [("std(w)", s["field_std"]), ("mean energy <|u|^2>/2", s["energy_mean"]), ("mean enstrophy <w^2>/2", s["enstrophy_mean"]),
        ("mean dissipation 2 nu Z", s["dissipation_mean"]), ("mean energy input", s["energy_input_mean"]),
        ("autocorrelation time of w (to the first zero)", s["autocorrelation_time"]),
        (f"wall time of the trajectory ({run['T']:g} time units, {run['ranks']} ranks), s", run["wall_time_s"])]
summary = {"machine": run.get("machine"), "figures": dict(rows)}
lines = ["| figure | snaps-kolmogorov |", "|---|---|"] + [f"| {n} | {v:.4g} |" for n, v in rows]
p = os.path.join(out, "lyapunov.json")
if os.path.exists(p):
    l = json.load(open(p))
    lines.append(f"| leading Lyapunov exponent ({len(l['lyapunov_members'])} members x {l['lyapunov_time_per_member']:g} time units) | "
                 f"{l['lyapunov_exponent']:.4f} +- {l['lyapunov_stderr']:.4f} |")
    summary["lyapunov"] = {"exponent": l["lyapunov_exponent"], "stderr": l["lyapunov_stderr"]}
t = {n: [json.load(open(f))["wall_time_s"] for f in sorted(glob.glob(os.path.join(out, f"ranks{n}_*.json")))] for n in (1, 2)}
if t[1] and t[2]:
    m1, m2 = statistics.median(t[1]), statistics.median(t[2])
    lines.append(f"| 128^2, 20 time units: 1 rank / 2 ranks, median of {len(t[1])}, s | {m1:.2f} / {m2:.2f} (speed-up {m1 / m2:.2f}) |")
    summary["ranks"] = {"1": t[1], "2": t[2], "speedup": m1 / m2}
text = "\n".join(lines)
print(text)
atomic.write_text(os.path.join(out, "summary.md"), text + "\n")
atomic.write_json(os.path.join(out, "summary.json"), summary)
