#!/usr/bin/python3
# Medians of the long-kol10c.sh lines (usage: long-kol10c-ratios.py LOG): seconds per solver time unit, per member and
# time unit of each rollout (4 x 100), and the ratio solver / rollout per repetition.
import re, sys, statistics as st
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"(main|branch) \((\d) ranks\): solver 20 time units ([\d.]+) s; deterministic 4 x 100 ([\d.]+) s; categorical 4 x 100 ([\d.]+) s", line)
    if m:
        b, np_, s, d, c = m.group(1), m.group(2), *map(float, m.group(3, 4, 5))
        rows.setdefault((np_, b), []).append((s / 20, d / 400, c / 400))
for (np_, b), r in sorted(rows.items()):
    s, d, c = (st.median(x[i] for x in r) for i in range(3))
    rd = [x[0] / x[1] for x in r]; rc = [x[0] / x[2] for x in r]
    print(f"{np_} rank(s) {b}: solver {s:.4f} s/tu; twin {d:.5f} s/member/tu {st.median(rd):.0f}x ({', '.join(f'{v:.0f}' for v in rd)}); "
          f"categorical {c:.5f} {st.median(rc):.0f}x ({', '.join(f'{v:.0f}' for v in rc)})")
