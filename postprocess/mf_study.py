"""The runner shared by the studies of ar1's scale rho (cases/poisson-mf/rho_study.py, cases/airfoil-mf/rho_study.py):
their common arguments, the loop over HF fractions, draws and configs, the medians and the JSON written
atomically (postprocess/atomic.py).
Each case keeps only its table of configs and its hooks: the draws of a fraction, and one fit and prediction.

  STUDY OUT [--configs a,b,...] [--tag T] [--fractions 0.1,0.3,1] [the case's own options]

Writes OUT/rho_study[_T].json: the case's header, every run, and per "config fraction" the medians of the case's
keys and the lists it asks for.
"""
import json
import os

import numpy as np

import atomic


def options(argv, configs, own=()):
    """OUT, --configs (every config of the table unless given), --tag, --fractions, and the case's own (name,
    default) pairs, each returned under its name without the dashes."""

    def arg(name, default):
        return argv[argv.index(name) + 1] if name in argv else default

    if len(argv) < 2 or argv[1].startswith("--"):
        raise SystemExit("usage: %s OUT [--configs a,b,...] [--tag T] [--fractions 0.1,0.3,1]%s"
                         % (os.path.basename(argv[0]), "".join(" [%s %s]" % (n, d) for n, d in own)))
    o = dict(out=os.path.abspath(argv[1]), configs=arg("--configs", ",".join(configs)).split(","), tag=arg("--tag", ""),
             fractions=[float(f) for f in arg("--fractions", "0.1,0.3,1").split(",")])
    unknown = [c for c in o["configs"] if c not in configs]
    if unknown:
        raise SystemExit("--configs: unknown %s: use some of %s" % (", ".join(map(repr, unknown)), ", ".join(configs)))
    for name, default in own:
        o[name.lstrip("-")] = arg(name, default)
    return o


def medians(runs, configs, fractions, keys, lists):
    """Per "config fraction": the median of each of keys over the draws, and the runs' values of lists
    (label -> key)."""
    summary = {}
    for name in configs:
        for fraction in fractions:
            sel = [r for r in runs if (r["config"], r["hf_fraction"]) == (name, fraction)]
            summary["%s %g" % (name, fraction)] = dict({k: float(np.median([r[k] for r in sel])) for k in keys},
                                                       **{label: [r[k] for r in sel] for label, k in lists.items()})
    return summary


def run(o, draws, fit, keys, lists, header, line):
    """Every config of o at every fraction of o over draws(fraction) (seeds), fit(config, fraction, seed) giving
    one run's record (with config and hf_fraction); writes header, the runs and their medians to
    OUT/rho_study[_T].json, prints line(key, medians) per config and fraction, and returns the JSON's content."""
    runs = []
    for fraction in o["fractions"]:
        for seed in draws(fraction):
            for name in o["configs"]:
                runs.append(fit(name, fraction, seed))
                print(json.dumps(runs[-1]), flush=True)
    res = dict(header, runs=runs, median=medians(runs, o["configs"], o["fractions"], keys, lists))
    atomic.write_json(os.path.join(o["out"], "rho_study%s.json" % ("_" + o["tag"] if o["tag"] else "")), res)
    for k, v in res["median"].items():
        print(line(k, v))
    return res
