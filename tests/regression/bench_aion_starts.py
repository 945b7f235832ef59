#!/usr/bin/python3
"""bench_aion seeds a problem's starts from its name, not from its place in the run's list: a run of one problem
(-sizes 1000) must make the starts the full default run made for it, i.e. those recorded in the committed
bench/results/aion.json (its paths' starts, of atom_N1000). The run's JSON also records the load average at its start
and end (the times depend on the other jobs; the committed aion.json predates them).
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
for key in ("load_average_at_start", "load_average_at_end"):
    v = run.get(key)
    assert isinstance(v, list) and len(v) == 3 and all(isinstance(x, (int, float)) and x >= 0 for x in v), \
        "%s: %r, not the 1, 5 and 15 minute load averages" % (key, v)
assert run.get("path_problem") == "atom_N1000", run.get("path_problem")
# (s29) a run that leaves the default path problem out records no path problem (it recorded atom_N1000, whose paths
# it never ran)
small = out + ".small.json"
subprocess.run([exe, "-sizes", "100", "-problems", "atom", "-starts", "1", "-max_it", "5", "-sd_max_it", "5",
                "-results", small], check=True, stdout=subprocess.DEVNULL)
res = json.load(open(small))
assert "path_problem" not in res and "paths.near.start" not in res, {k: res[k] for k in res if k.startswith("path")}
print("the starts of atom_N1000 alone are those of the committed full run; the load is recorded; a run without"
      " atom_N1000 records no path problem")
