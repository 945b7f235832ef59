#!/usr/bin/python3
# Medians of the kol13-simd.sh lines (usage: kol13-simd-ratios.py LOG), per set of repetitions (each set begins at a
# line '# ... kol13-simd.sh ...', the command): per model and kernel, seconds per member and time unit with the model's
# load and without it, the ratio solver / rollout (median over the repetitions, each repetition's in brackets), and
# the AVX2 kernel's time over the portable one's (kol14-heads.sh: the new code's over the old's) in the same repetition.
import re, statistics as st, sys
sets, rows = [], None
for line in open(sys.argv[1]):
    if re.match(r"# \S.*kol1(3-simd|4-heads)\.sh", line):
        rows = []
        sets.append((line[2:].strip(), rows))
    m = re.match(r"rep \d+ \((\d) ranks\): solver 20 time units ([\d.]+) s; (.*); load (.*)", line)
    if m:
        runs = re.findall(r"step (0\.\d) (\w+) (\w+) 4 x (\d+) ([\d.]+) s \(load ([\d.]+) s\)", m.group(3))
        rows.append((float(m.group(2)) / 20, {(s, k, kern): (float(w) / (4 * float(T)), (float(w) - float(l)) / (4 * float(T)))
                                              for s, k, kern, T, w, l in runs}, m.group(4)))
for head, r in sets:
    print(f"{head}\n  solver {st.median(x[0] for x in r):.4f} s/tu; load after each repetition: {'; '.join(x[2] for x in r)}")
    for key in r[0][1]:
        with_load = [x[0] / x[1][key][0] for x in r]
        without = [x[0] / x[1][key][1] for x in r]
        line = (f"  step {key[0]} {key[1]} {key[2]}: {st.median(x[1][key][0] for x in r):.5f} s/member/tu, "
                f"{st.median(with_load):.0f}x ({', '.join(f'{v:.0f}' for v in with_load)}); without the load "
                f"{st.median(x[1][key][1] for x in r):.5f}, {st.median(without):.0f}x ({', '.join(f'{v:.0f}' for v in without)})")
        base = {"avx2": "portable", "new": "old"}.get(key[2])
        if base:
            other = (key[0], key[1], base)
            line += f"; {key[2]} / {base} {st.median(x[1][key][1] / x[1][other][1] for x in r):.2f} without the load"
        print(line)
