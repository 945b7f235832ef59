#!/usr/bin/env python3
"""The machine record the Python writers take from bench/poisson-peers/peers.py machine() (airfoil-mf's results.json and
sna_scaling.json, its studies, the airfoil-mf baselines, poisson-peers: through bench/airfoil-mf/harness.py or
directly) names the BLAS and LAPACK that ran, as every SNAPS program's -results does (README: "machine.blas in every
results file"): the same files as the snaps-fit report of regression.fit, found from the same build's libsnaps. Before,
the record held host, CPU, cores and load only (audit s19 claims finding 6: results/airfoil-mf/results.json had no
machine.blas). Results computed in Python (the baselines) also get numpy_blas, the BLAS numpy calls: a real file once
numpy is loaded.
Usage: check_machine_blas.py <libsnaps> <snaps-fit -results of a run of the same build>"""
import json
import os
import sys

import numpy  # noqa: F401  (loaded, as by every Python writer: machine() names its BLAS)

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "poisson-peers"))
import peers  # noqa: E402

lib, report = sys.argv[1:3]
with open(report) as f:
    want = json.load(f)["machine"]
got = peers.machine(lib)
fails = ["machine()[%r] is %r, the program's report says %r" % (k, got.get(k), want.get(k))
         for k in ("blas", "lapack", "host", "cores") if got.get(k) != want.get(k)]
if want.get("blas", "unknown") == "unknown":
    fails.append("the program's report names no BLAS: %r" % want)
nb = got.get("numpy_blas", "unknown")
if nb == "unknown" or not os.path.isfile(nb) or os.path.islink(nb):
    fails.append("machine()['numpy_blas'] is %r, not numpy's BLAS file (links resolved)" % nb)
missing = peers.machine(os.path.join(ROOT, "no-such-dir", "libsnaps.so"))  # no build: said, not a traceback
if (missing.get("blas"), missing.get("lapack")) != ("unknown", "unknown"):
    fails.append("without a libsnaps machine() gives blas %r, lapack %r, not 'unknown'" % (missing.get("blas"), missing.get("lapack")))
if fails:
    sys.exit("FAIL: " + "\n".join(fails))
print("machine(): blas %s, lapack %s, as snaps-fit's report; numpy_blas %s" % (got["blas"], got["lapack"], nb))
