#!/usr/bin/python3
# Medians of the long-kol11-step.sh lines (usage: long-kol11-step-ratios.py LOG), per set of repetitions (each set
# begins at a line '# ... long-kol11-step.sh ...', the command; indented comments are not): seconds per solver time unit, per member and time unit of each rollout (4 members),
# and the ratio solver / rollout per repetition (in brackets).
import re, statistics as st, sys
sets, rows = [], None
for line in open(sys.argv[1]):
    if re.match(r"# \S.*long-kol11-step\.sh", line) and not line.startswith("# medians"):
        rows = []
        sets.append((line[2:].strip(), rows))
    m = re.match(r"rep \d+ \((\d) ranks\): solver 20 time units ([\d.]+) s; (.*?); (?:stepping|model load).*load (.*)", line)
    if m:
        runs = re.findall(r"step (0\.\d) (\w+) 4 x (\d+) ([\d.]+) s", m.group(3))
        rows.append((float(m.group(2)) / 20, {(s, k, T): float(w) / (4 * float(T)) for s, k, T, w in runs}, m.group(4)))
for head, r in sets:
    print(f"{head}\n  solver {st.median(x[0] for x in r):.4f} s/tu ({', '.join(f'{x[0]:.4f}' for x in r)}); load after each repetition: {'; '.join(x[2] for x in r)}")
    for key in r[0][1]:
        ratios = [x[0] / x[1][key] for x in r]
        print(f"  step {key[0]} {key[1]} 4 x {key[2]}: {st.median(x[1][key] for x in r):.5f} s/member/tu, {st.median(ratios):.0f}x ({', '.join(f'{v:.0f}' for v in ratios)})")
