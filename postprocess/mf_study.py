"""The runner shared by the studies of ar1's scale rho (cases/poisson-mf/rho_study.py, cases/airfoil-mf/rho_study.py):
their common arguments (argparse), the loop over HF fractions, draws and configs, the medians and the JSON written
atomically (postprocess/atomic.py).
Each case keeps only its table of configs and its hooks: the draws of a fraction, and one fit and prediction.

  STUDY OUT [--configs a,b,...] [--tag T] [--fractions 0.1,0.3,1] [the case's own options]

Writes OUT/rho_study[_T].json: the case's header, every run, and per "config fraction" the medians of the case's
keys and the lists it asks for.
"""
import argparse
import json
import os

import numpy as np

import atomic
import checks


def options(argv, configs, own=(), missing=None):
    """OUT, --configs (every config of the table unless given), --tag, --fractions, and the case's own (name,
    default, help[, type]) options, each returned under its name without the dashes. Parsed by argparse: an unknown or
    misspelt option, one without its value or with a bad one, is an error with the usage message (exit status 2).
    missing: a callable giving None, or what to say when the programs the study runs are missing
    (checks.missing_programs): said the same way, after the arguments' checks, before OUT is made."""
    ap = argparse.ArgumentParser(prog=os.path.basename(argv[0]), allow_abbrev=False,
                                 description="configs: " + "; ".join(configs))
    ap.add_argument("out", help="the study's directory")
    ap.add_argument("--configs", default=",".join(configs), help="comma-separated configs (default: all)")
    ap.add_argument("--tag", default="", help="writes OUT/rho_study_TAG.json (a name: no '/')")
    ap.add_argument("--fractions", default="0.1,0.3,1", type=checks.comma_list(item=float), help="HF fractions in [0, 1] (default %(default)s)")
    for name, default, text, *kind in own:
        ap.add_argument(name, default=default, type=(kind or [str])[0], help="%s (default %r)" % (text, default))
    a = vars(ap.parse_args(argv[1:]))
    a["out"] = os.path.abspath(a["out"])
    a["configs"] = a["configs"].split(",")
    unknown = [c for c in a["configs"] if c not in configs]
    if unknown:
        ap.error("--configs: unknown %s: use some of %s" % (", ".join(map(repr, unknown)), ", ".join(configs)))
    if not all(0 <= f <= 1 for f in a["fractions"]):
        ap.error("--fractions %s: give comma-separated numbers in [0, 1], e.g. 0.1,0.3,1" % ",".join("%g" % f for f in a["fractions"]))
    # a repeated config or fraction ran its fits again and counted them as more draws in the medians' lists
    for opt, items in (("--configs", a["configs"]), ("--fractions", a["fractions"])):
        twice = [x for i, x in enumerate(items) if x in items[:i]]
        if twice:
            ap.error("%s: %s given more than once: name each once" % (opt, ", ".join("%g" % x if isinstance(x, float) else repr(x) for x in twice)))
    # the output's name checked before the study (minutes to hours of fits), not at its final write
    if "/" in a["tag"] or a["tag"] in (".", ".."):
        ap.error("--tag %r: give a name without '/' (it becomes part of the file name rho_study_TAG.json)" % a["tag"])
    if missing and missing():  # the programs before any work (the first fit's FileNotFoundError traceback)
        ap.error(missing())
    if os.path.isdir(a["out"]):  # else the case makes it (airfoil-mf) or refuses its missing inputs (poisson-mf)
        checks.writable(output(a))
    return a


def output(o):
    """The study's JSON: OUT/rho_study[_TAG].json."""
    return os.path.join(o["out"], "rho_study%s.json" % ("_" + o["tag"] if o["tag"] else ""))


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
    atomic.write_json(output(o), res)
    for k, v in res["median"].items():
        print(line(k, v))
    return res
