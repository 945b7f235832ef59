#!/usr/bin/env python3
"""What -help of snaps-fit and snaps-predict says their -results report holds is what it holds: every key the
-results paragraph of the help names (a word like n_samples or lf_fit_time_s, not an option such as
-sna_fit_validation) is a key of the reports of the runs below, and snaps-predict's report holds no key its help does
not name (besides those of every report). snaps-predict's help named ns_per_sample (the key is
ns_per_sample_per_rank) and not lf_values; snaps-fit's named fit_time_s per part (only lf_fit_time_s exists, and
correction_fit_time_s for delta and rho together).
Usage: check_report_keys.py <snaps-fit> <snaps-predict> <regression data dir> <mf data dir> <scratch dir>"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: runs a program, fails on a sanitizer report)

fit, predict, reg, mf, out = sys.argv[1:6]
os.makedirs(out, exist_ok=True)
# in every report (SNAPSReportCreate), and the run's own files and name: not named in each program's help
COMMON = {"snaps_version", "date", "ranks", "machine", "options", "program", "model", "data", "out"}
# keys a help may name that only runs other than those below write: add a key here when its help names it for a case
# (a loss, a mode) that these runs do not take
# keys of one word, which the pattern of key-like words cannot tell from prose: looked for by name
ONE_WORD = {"loss"}
CONDITIONAL = {"test_cross_entropy", "test_accuracy"}  # a classifier's (snaps-predict of a cross-entropy model)


def run(cmd):
    p = script_runner.program(cmd, capture_output=True, text=True)
    if p.returncode:
        sys.exit("FAIL: %s exited %d\n%s%s" % (" ".join(cmd), p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
    return p.stdout


def help_keys(prog):
    """The key-like words of the -results paragraph of prog's -help (its line and the deeper-indented lines after it)."""
    lines = run([prog, "-help"]).splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("-results <")), None)
    if start is None:
        sys.exit("FAIL: %s -help has no -results line" % prog)
    para = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith(" " * 10) or line.lstrip().startswith("-"):
            break
        para.append(line)
    text = " ".join(para)
    # key-like words (with an underscore), and the one-word keys of ONE_WORD where the paragraph names them
    words = set(re.findall(r"(?<![-\w])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w(])", text))
    return words | {k for k in ONE_WORD if re.search(r"(?<![-\w])%s(?![\w(])" % k, text)}


def keys(path):
    with open(path) as f:
        return set(json.load(f))


fails = []
# snaps-fit: the fixture's single-fidelity fit (regression.fit: the default khronos fit, samples held out) and an ar1 fit
# (every part)
fit_json, mf_json = os.path.join(reg, "fit.json"), os.path.join(out, "mf.json")
run([fit, "-data", os.path.join(mf, "ar1.h5"), "-model", os.path.join(out, "mf.h5"), "-results", mf_json, "-mf_blend", "ar1",
     "-mf_lf_sna_fit_max_it", "3", "-mf_delta_sna_fit_max_it", "3", "-sna_fit_max_it", "3"])
written = keys(fit_json) | keys(mf_json)
missing = help_keys(fit) - written - CONDITIONAL
if missing:
    fails.append("snaps-fit -help names %s, which its reports (%s, %s) do not hold" % (sorted(missing), fit_json, mf_json))

# snaps-predict: with /Y (test_mse); both directions
pred_json = os.path.join(out, "predict.json")
run([predict, "-model", os.path.join(reg, "model.h5"), "-data", os.path.join(reg, "good.h5"), "-out", os.path.join(out, "predict.h5"), "-results", pred_json])
named, written = help_keys(predict), keys(pred_json)
if named - written - CONDITIONAL:
    fails.append("snaps-predict -help names %s, which its report %s does not hold" % (sorted(named - written - CONDITIONAL), pred_json))
if written - named - COMMON:
    fails.append("snaps-predict's report %s holds %s, which its -help does not name" % (pred_json, sorted(written - named - COMMON)))

if fails:
    sys.exit("FAIL: " + "\n      ".join(fails))
print("the report keys named by -help of snaps-fit and snaps-predict are those their reports hold")
