#!/usr/bin/python3
"""Medians of kol27-cost.sh's log: per set (a '#' line), each model's ratio to the solver per member and time unit
(with the model's load, and without it), and its wall and stepping time (wall - load) against the first model's (the
default) paired within each repetition. Usage: kol27-ratios.py LOG"""
import re
import statistics as st
import sys

sets = []
for line in open(sys.argv[1]):
    if line.startswith("#"):
        sets.append((line.strip(), []))
    elif line.startswith("rep"):
        m = re.search(r"solver 20 ([0-9.e-]+)", line)
        rec = {"solver": float(m.group(1)) / 20, "load": line.rsplit("loadavg", 1)[1].strip()}
        for name, T, wall, load in re.findall(r"; (\S+) 4x(\d+) ([0-9.e-]+) load ([0-9.e-]+)", line):
            rec[name] = (float(wall), float(load), 4 * float(T))
        sets[-1][1].append(rec)
for head, recs in sets:
    print(head)
    names = [k for k in recs[0] if k not in ("solver", "load")]
    ref = names[0]
    print(f"  solver s per time unit: median {st.median(r['solver'] for r in recs):.4g}; load averages: " + ", ".join(r["load"] for r in recs))
    for n in names:
        x = [r["solver"] / (r[n][0] / r[n][2]) for r in recs]
        y = [r["solver"] / ((r[n][0] - r[n][1]) / r[n][2]) for r in recs]
        w = [r[n][0] / r[ref][0] for r in recs]
        s = [(r[n][0] - r[n][1]) / (r[ref][0] - r[ref][1]) for r in recs]
        print(f"  {n}: {st.median(x):.0f}x the solver ({', '.join(f'{v:.0f}' for v in x)}); without the load {st.median(y):.0f}x; "
              f"wall / {ref} {st.median(w):.2f} ({', '.join(f'{v:.2f}' for v in w)}); stepping / {ref} {st.median(s):.2f} ({', '.join(f'{v:.2f}' for v in s)})")
