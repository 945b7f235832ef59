#!/usr/bin/python3
"""bench_aion seeds a problem's starts from its name, not from its place in the run's list: a run of one problem
(-sizes 1000) must make the starts the full default run made for it, i.e. those recorded in the committed
bench/results/aion.json (its paths' starts, of atom_N1000).
Usage: bench_aion_starts.py <bench_aion> <out.json> <committed aion.json>"""
import json
import subprocess
import sys

exe, out, committed = sys.argv[1:4]
# -max_it and -sd_max_it 5: the starts do not depend on the budgets, and the run takes a fraction of a second
subprocess.run([exe, "-sizes", "1000", "-problems", "atom", "-starts", "1", "-max_it", "5", "-sd_max_it", "5",
                "-results", out], check=True, stdout=subprocess.DEVNULL)
run, ref = json.load(open(out)), json.load(open(committed))
assert ref["path_problem"] == "atom_N1000", ref["path_problem"]
for box in ("near", "wide"):
    key = "paths.%s.start" % box
    assert run[key] == ref[key], "%s: %s in a run of atom_N1000 alone, %s in %s" % (key, run[key], ref[key], committed)
print("the starts of atom_N1000 alone are those of the committed full run")
